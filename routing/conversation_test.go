package routing_test

import (
	"errors"
	"testing"
	"time"

	"github.com/kefu-go/kefu/routing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConversationLifecycleAndHandoff(t *testing.T) {
	c := routing.NewConversation("cust-1", "wx-app", t0)
	assert.Equal(t, routing.StateBot, c.State)
	assert.Equal(t, routing.ConversationKey("cust-1", "wx-app"), c.ID)
	assert.NotEqual(t, routing.ConversationKey("a", "bc"), routing.ConversationKey("ab", "c"))

	var err error
	c, err = c.Append(routing.Entry{From: routing.SenderCustomer, Kind: routing.KindText, Text: "我要退款"}, t0)
	require.NoError(t, err)
	c, err = c.Append(routing.Entry{From: routing.SenderBot, Kind: routing.KindText, Text: "请提供订单号"}, t0.Add(time.Second))
	require.NoError(t, err)
	c, err = c.Append(routing.Entry{From: routing.SenderCustomer, Kind: routing.KindImage, MediaID: "media-123"}, t0.Add(2*time.Second))
	require.NoError(t, err)

	rs := mustCompile(t, routing.Config{Rules: []routing.Rule{{Name: "refund", When: routing.AnyKeyword("退款"),
		Then: routing.Action{Queue: "after-sales", Priority: 3, AddTags: []string{"refund"}}}}}, routing.Env{})
	d := rs.Decide(routing.Input{Text: "我要退款"})
	c.Tags = []string{"vip"}
	before := c
	c, err = c.Route(d, t0.Add(3*time.Second))
	require.NoError(t, err)
	assert.Equal(t, []string{"vip", "refund"}, c.Tags)
	assert.Equal(t, 3, c.Priority)
	assert.Contains(t, c.Routing, `matched rule "refund"`)
	assert.Equal(t, []string{"vip"}, before.Tags, "transitions never modify the receiver")

	_, _, err = c.Assign("agent-1", t0)
	assert.ErrorIs(t, err, routing.ErrInvalidTransition, "a bot conversation must be queued first")

	c, err = c.Enqueue("after-sales", t0.Add(4*time.Second))
	require.NoError(t, err)
	assert.Equal(t, routing.StateQueued, c.State)

	c, h, err := c.Assign("agent-1", t0.Add(5*time.Second))
	require.NoError(t, err)
	assert.Equal(t, routing.StateServing, c.State)
	assert.Equal(t, "agent-1", c.AgentID)
	assert.Equal(t, "", h.From, "handed over from the bot")
	assert.Equal(t, "agent-1", h.To)
	assert.Equal(t, "after-sales", h.Queue)
	require.Len(t, h.Transcript, 3, "the agent sees the whole transcript")
	assert.Equal(t, "media-123", h.Transcript[2].MediaID, "media stays referenced by id")
	require.Len(t, h.BotAnswers, 1)
	assert.Equal(t, "请提供订单号", h.BotAnswers[0].Text)
	assert.Contains(t, h.Routing, `matched rule "refund"`)
	assert.Equal(t, []string{"vip", "refund"}, h.Tags)

	c, err = c.Append(routing.Entry{From: routing.SenderAgent, AgentID: "agent-1", Text: "您好，马上处理"}, t0.Add(6*time.Second))
	require.NoError(t, err)
	h.Transcript[0].Text = "tampered"
	assert.Equal(t, "我要退款", c.Transcript[0].Text, "the handoff shares nothing with the conversation")

	c, h2, err := c.Transfer("agent-2", t0.Add(7*time.Second))
	require.NoError(t, err)
	assert.Equal(t, "agent-1", h2.From)
	assert.Equal(t, "agent-2", h2.To)
	assert.Len(t, h2.Transcript, 4)
	assert.Equal(t, "agent-2", c.LastAgentID)

	c, err = c.TransferToQueue("complaints", t0.Add(8*time.Second))
	require.NoError(t, err)
	assert.Equal(t, routing.StateQueued, c.State)
	assert.Empty(t, c.AgentID)
	assert.Equal(t, "agent-2", c.LastAgentID, "kept for sticky routing")

	_, _, err = c.Transfer("agent-3", t0)
	var te *routing.TransitionError
	require.True(t, errors.As(err, &te))
	assert.Equal(t, routing.StateQueued, te.From)
	assert.Equal(t, "transfer", te.Op)

	c, err = c.Close("resolved", t0.Add(9*time.Second))
	require.NoError(t, err)
	assert.Equal(t, routing.StateClosed, c.State)
	_, err = c.Close("again", t0)
	assert.ErrorIs(t, err, routing.ErrInvalidTransition)
	_, err = c.Append(routing.Entry{Text: "hi"}, t0)
	assert.ErrorIs(t, err, routing.ErrInvalidTransition)
	_, err = c.Enqueue("q", t0)
	assert.ErrorIs(t, err, routing.ErrInvalidTransition)
	_, err = c.Route(d, t0)
	assert.ErrorIs(t, err, routing.ErrInvalidTransition)
}

func TestConversationIdleTimeout(t *testing.T) {
	c := routing.NewConversation("c", "wx", t0)
	c, err := c.Append(routing.Entry{From: routing.SenderCustomer, Text: "在吗", At: t0.Add(time.Minute)}, t0)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Minute), c.LastActivity)
	n, expired := c.ExpireIdle(t0.Add(30*time.Minute), 30*time.Minute)
	assert.False(t, expired)
	assert.Equal(t, routing.StateBot, n.State)
	n, expired = c.ExpireIdle(t0.Add(31*time.Minute), 30*time.Minute)
	assert.True(t, expired)
	assert.Equal(t, routing.StateClosed, n.State)
	assert.Equal(t, "idle", n.CloseReason)
	_, expired = n.ExpireIdle(t0.Add(time.Hour), 30*time.Minute)
	assert.False(t, expired, "already closed")
	_, expired = c.ExpireIdle(t0.Add(time.Hour), 0)
	assert.False(t, expired, "no timeout configured")
}

func TestConversationInvalidArguments(t *testing.T) {
	c := routing.NewConversation("c", "wx", t0)
	_, err := c.Enqueue("", t0)
	assert.ErrorIs(t, err, routing.ErrInvalidRequest)
	c, err = c.Enqueue("q", t0)
	require.NoError(t, err)
	_, _, err = c.Assign("", t0)
	assert.ErrorIs(t, err, routing.ErrInvalidRequest)
	c, _, err = c.Assign("a", t0)
	require.NoError(t, err)
	_, _, err = c.Transfer("", t0)
	assert.ErrorIs(t, err, routing.ErrInvalidRequest)
	_, err = c.TransferToQueue("", t0)
	assert.ErrorIs(t, err, routing.ErrInvalidRequest)
	_, err = c.Enqueue("q2", t0)
	assert.ErrorIs(t, err, routing.ErrInvalidTransition, "serving conversations move with TransferToQueue")
}

func TestRouterFillsTime(t *testing.T) {
	monday20 := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	rs := mustCompile(t, routing.Config{Rules: []routing.Rule{{Name: "night", When: routing.OutsideBusinessHours("cs"),
		Then: routing.Action{Targets: []routing.Target{{LeaveMessage: true}}}}}},
		routing.Env{Calendars: map[string]routing.Calendar{"cs": fixedCalendar{}}})
	rt := routing.Router{Now: func() time.Time { return monday20 }}
	rt.Store(rs)
	d, err := rt.Decide(routing.Input{})
	require.NoError(t, err)
	assert.Equal(t, "night", d.Rule())
	d, err = rt.Decide(routing.Input{Time: monday20.Add(-10 * time.Hour)})
	require.NoError(t, err)
	assert.Empty(t, d.Rule(), "an explicit time wins")
}
