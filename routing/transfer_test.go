package routing_test

import (
	"context"
	"testing"

	"github.com/kefu-go/kefu/routing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDispatcherTransferMovesLoad(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, []routing.Agent{
		{ID: "a", Queues: []string{"g"}, Capacity: 1},
		{ID: "b", Queues: []string{"g"}, Capacity: 1},
		{ID: "off", Queues: []string{"g"}, Capacity: 5},
	}, nil)
	f.online(t, "a", "b")

	conv := routing.NewConversation("cust", "wx", t0)
	conv, err := conv.Append(routing.Entry{From: routing.SenderCustomer, Kind: routing.KindVoice, MediaID: "voice-1"}, t0)
	require.NoError(t, err)
	conv, err = conv.Enqueue("g", t0)
	require.NoError(t, err)
	res, err := f.d.Route(ctx, routing.Waiting{ConversationID: conv.ID, Channel: conv.Channel, Targets: []routing.Target{q("g")}})
	require.NoError(t, err)
	require.Equal(t, "a", res.AgentID)
	conv, _, err = conv.Assign(res.AgentID, t0)
	require.NoError(t, err)
	require.Equal(t, routing.OutcomeAssigned, f.route(t, "other", q("g")).Outcome, "b is now full")

	_, _, err = f.d.Transfer(ctx, conv, "off")
	assert.ErrorIs(t, err, routing.ErrAgentUnavailable, "offline agent")
	_, _, err = f.d.Transfer(ctx, conv, "b")
	assert.ErrorIs(t, err, routing.ErrAgentUnavailable, "agent at capacity")
	_, _, err = f.d.Transfer(ctx, conv, "nobody")
	assert.ErrorIs(t, err, routing.ErrInvalidRequest)
	assert.Equal(t, 1, f.load(t, "a"), "a refused transfer changes nothing")
	assert.Equal(t, 1, f.load(t, "b"))

	require.NoError(t, f.store.Release(ctx, "b", "other", f.clk.Now()))
	moved, h, err := f.d.Transfer(ctx, conv, "b")
	require.NoError(t, err)
	assert.Equal(t, "b", moved.AgentID)
	assert.Equal(t, routing.StateServing, moved.State)
	assert.Equal(t, "a", h.From)
	assert.Equal(t, "b", h.To)
	require.Len(t, h.Transcript, 1)
	assert.Equal(t, "voice-1", h.Transcript[0].MediaID)
	assert.Equal(t, 0, f.load(t, "a"), "the previous agent is released")
	assert.Equal(t, 1, f.load(t, "b"))

	queued, err := moved.TransferToQueue("g", f.clk.Now())
	require.NoError(t, err)
	_, _, err = f.d.Transfer(ctx, queued, "a")
	assert.ErrorIs(t, err, routing.ErrInvalidTransition)
	assert.Equal(t, 0, f.load(t, "a"))
}
