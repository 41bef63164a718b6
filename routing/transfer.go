package routing

import (
	"context"
	"errors"
	"fmt"
)

// Transfer hands the serving conversation c from its agent to agent to,
// keeping the shared load right: it assigns c to to through the store (so
// to's presence, capacity, channel capacity and the fairness cap of c's
// queue apply), releases the previous agent, and returns the conversation
// and the Handoff that to should see (transcript, bot answers, routing
// explanation, tags).
//
// A conversation that is not serving returns a *TransitionError and changes
// nothing; an agent not in the roster returns ErrInvalidRequest; an agent
// who is not online or has no room returns ErrAgentUnavailable and changes
// nothing. To send a conversation back to a queue instead, use
// Conversation.TransferToQueue, release the agent (AgentStore.Release) and
// Route it.
func (d *Dispatcher) Transfer(ctx context.Context, c Conversation, to string) (Conversation, Handoff, error) {
	now := d.now()
	n, h, err := c.Transfer(to, now)
	if err != nil {
		return c, Handoff{}, err
	}
	if to == c.AgentID {
		return n, h, nil
	}
	var agent *Agent
	for i := range d.agents {
		if d.agents[i].ID == to {
			agent = &d.agents[i]
			break
		}
	}
	if agent == nil {
		return c, Handoff{}, fmt.Errorf("%w: agent %q is not in the roster", ErrInvalidRequest, to)
	}
	qc := d.queueConfig(c.Queue)
	ok, err := d.store.TryAssign(ctx, AssignRequest{
		AgentID: to, ConversationID: c.ID, Channel: c.Channel,
		Capacity: agent.Capacity, ChannelCapacity: agent.ChannelCapacity[c.Channel],
		FairnessLimit: qc.FairnessLimit, FairnessWindow: qc.FairnessWindow, Now: now,
	})
	if err != nil {
		return c, Handoff{}, err
	}
	if !ok {
		return c, Handoff{}, fmt.Errorf("%w: %q is not online or has no room", ErrAgentUnavailable, to)
	}
	if c.AgentID != "" {
		if err := d.store.Release(ctx, c.AgentID, c.ID, now); err != nil && !errors.Is(err, ErrNotFound) {
			return c, Handoff{}, err
		}
	}
	if d.log != nil {
		d.log.DebugContext(ctx, "routing: transferred", "conversation", c.ID, "from", c.AgentID, "to", to)
	}
	return n, h, nil
}
