package routing

import (
	"context"
	"errors"
	"sort"
)

// FreeConversation frees what the Dispatcher's store holds for conversation
// c when it closes (or is about to): the load of its serving agent
// (c.AgentID) is released, or, when it has no agent but a queue (queued),
// its holding-queue entry is removed. Call it once, after the conversation
// was closed in the ConversationStore; SweepIdle does it for idle ones.
// Afterwards, Drain or Tick hands the freed capacity to waiting
// conversations.
//
// It assumes, as Route and Transfer do, that the conversation's waiting
// entry and assignment use c.ID as their ConversationID. The entry is
// looked for in c.Queue first and then, since Route may have moved it on
// along its targets, in every queue the Dispatcher knows (one
// QueueStore.Waiting read per queue). Nothing held (already released,
// removed, or never routed) is not an error. A Route or Drain on another
// replica that claimed the entry just before may still assign an agent: the
// host's Conversation.Assign then fails on the closed conversation, and the
// host must Release that agent.
func (d *Dispatcher) FreeConversation(ctx context.Context, c Conversation) error {
	switch {
	case c.AgentID != "":
		err := d.store.Release(ctx, c.AgentID, c.ID, d.now())
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if err == nil && d.log != nil {
			d.log.DebugContext(ctx, "routing: released", "conversation", c.ID, "agent", c.AgentID)
		}
		return nil
	case c.Queue != "":
		err := d.store.Remove(ctx, c.Queue, c.ID)
		if err == nil || !errors.Is(err, ErrNotFound) {
			return err
		}
		return d.removeAnywhere(ctx, c.ID, c.Queue)
	}
	return nil
}

// removeAnywhere removes conversation id from the holding queues the
// Dispatcher knows, except skip (already tried).
func (d *Dispatcher) removeAnywhere(ctx context.Context, id, skip string) error {
	for _, q := range d.queueNames() {
		if q == skip {
			continue
		}
		ws, err := d.store.Waiting(ctx, q)
		if err != nil {
			return err
		}
		for _, w := range ws {
			if w.ConversationID != id {
				continue
			}
			if err := d.store.Remove(ctx, q, id); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			break
		}
	}
	return nil
}

// queueNames returns every queue the roster or the queue configuration
// names, in name order.
func (d *Dispatcher) queueNames() []string {
	names := make([]string, 0, len(d.byQueue)+len(d.queues))
	seen := make(map[string]bool)
	for q := range d.byQueue {
		names, seen[q] = append(names, q), true
	}
	for q := range d.queues {
		if !seen[q] {
			names = append(names, q)
		}
	}
	sort.Strings(names)
	return names
}
