package routing

import (
	"time"
)

// State is a conversation's place in its life cycle:
// bot → queued → serving → closed, with transfers between agents and queues.
type State string

// Conversation states.
const (
	// StateBot: the bot answers; no person is involved yet.
	StateBot State = "bot"
	// StateQueued: waiting for an agent in Conversation.Queue.
	StateQueued State = "queued"
	// StateServing: Conversation.AgentID is serving the customer.
	StateServing State = "serving"
	// StateClosed: finished; a new message opens a new conversation.
	StateClosed State = "closed"
)

// Sender says who wrote a transcript entry.
type Sender string

// Senders.
const (
	SenderCustomer Sender = "customer"
	SenderBot      Sender = "bot"
	SenderAgent    Sender = "agent"
	SenderSystem   Sender = "system"
)

// Entry is one transcript entry. Media (image, voice, video) are referred to
// by ID, never copied, so they stay viewable after a transfer.
// It is a plain value: safe to read concurrently, not to modify while read.
type Entry struct {
	// At is when the entry was written.
	At time.Time `json:"at"`
	// From is who wrote it.
	From Sender `json:"from"`
	// AgentID is the writing agent when From is SenderAgent.
	AgentID string `json:"agent_id,omitempty"`
	// Kind is the message kind, such as KindText or KindImage.
	Kind string `json:"kind,omitempty"`
	// Text is the text, or a caption.
	Text string `json:"text,omitempty"`
	// MediaID refers to an image, voice or video message's media.
	MediaID string `json:"media_id,omitempty"`
}

// Conversation is one customer's conversation on one channel. It is a plain
// value: every transition returns a new Conversation and never modifies the
// receiver or shares its slices with the result, so values may be stored and
// read concurrently. The host persists it (one open conversation per Key).
// The zero Conversation is not a valid conversation; use NewConversation.
type Conversation struct {
	// ID identifies the conversation; NewConversation sets it to Key().
	ID string `json:"id"`
	// CustomerID and Channel identify whose conversation this is.
	CustomerID string `json:"customer_id"`
	Channel    string `json:"channel"`
	// State is the life-cycle state.
	State State `json:"state"`
	// Queue is the queue waited in (queued) or served from (serving).
	Queue string `json:"queue,omitempty"`
	// Priority is the queue priority.
	Priority int `json:"priority,omitempty"`
	// AgentID is the serving agent (serving only).
	AgentID string `json:"agent_id,omitempty"`
	// LastAgentID is the most recent agent who served the customer; a sticky
	// queue prefers them while they are online.
	LastAgentID string `json:"last_agent_id,omitempty"`
	// Tags are the customer's tags, including tags added by routing.
	Tags []string `json:"tags,omitempty"`
	// Transcript is every entry so far, oldest first.
	Transcript []Entry `json:"transcript,omitempty"`
	// Routing is the explanation of the routing decision (Decision.Explain).
	Routing string `json:"routing,omitempty"`
	// OpenedAt, LastActivity and ClosedAt are life-cycle times.
	OpenedAt     time.Time `json:"opened_at"`
	LastActivity time.Time `json:"last_activity"`
	ClosedAt     time.Time `json:"closed_at,omitempty"`
	// CloseReason says why it closed ("resolved", "idle", ...).
	CloseReason string `json:"close_reason,omitempty"`
	// Version is set by a ConversationStore for optimistic concurrency; 0
	// before the conversation is stored.
	Version int64 `json:"version,omitempty"`
}

// ConversationKey returns the key of the conversation of customerID on
// channel: one open conversation exists per key.
func ConversationKey(customerID, channel string) string {
	return channel + "\x1f" + customerID
}

// NewConversation opens a conversation in StateBot.
func NewConversation(customerID, channel string, now time.Time) Conversation {
	return Conversation{
		ID: ConversationKey(customerID, channel), CustomerID: customerID, Channel: channel,
		State: StateBot, OpenedAt: now, LastActivity: now,
	}
}

// Key returns ConversationKey(c.CustomerID, c.Channel).
func (c Conversation) Key() string { return ConversationKey(c.CustomerID, c.Channel) }

// clone copies the slices so the result shares nothing with c.
func (c Conversation) clone() Conversation {
	c.Tags = append([]string(nil), c.Tags...)
	c.Transcript = append([]Entry(nil), c.Transcript...)
	return c
}

// Append adds e to the transcript and refreshes LastActivity (to e.At, or now
// when e.At is zero). A closed conversation refuses entries.
func (c Conversation) Append(e Entry, now time.Time) (Conversation, error) {
	if c.State == StateClosed {
		return c, &TransitionError{From: c.State, Op: "append to"}
	}
	if e.At.IsZero() {
		e.At = now
	}
	n := c.clone()
	n.Transcript = append(n.Transcript, e)
	n.LastActivity = e.At
	return n, nil
}

// Route records a routing decision: its explanation, tags to add, and its
// priority. Allowed before the conversation closes.
func (c Conversation) Route(d Decision, now time.Time) (Conversation, error) {
	if c.State == StateClosed {
		return c, &TransitionError{From: c.State, Op: "route"}
	}
	n := c.clone()
	n.Routing = d.Explain()
	n.Tags = appendMissing(n.Tags, d.Action.AddTags)
	if d.Action.Priority != 0 {
		n.Priority = d.Action.Priority
	}
	n.LastActivity = now
	return n, nil
}

// Enqueue moves a bot or queued conversation to wait in queue (bot → queued;
// queued → queued re-queues elsewhere).
func (c Conversation) Enqueue(queue string, now time.Time) (Conversation, error) {
	if queue == "" {
		return c, ErrInvalidRequest
	}
	if c.State != StateBot && c.State != StateQueued {
		return c, &TransitionError{From: c.State, Op: "enqueue"}
	}
	n := c.clone()
	n.State, n.Queue, n.LastActivity = StateQueued, queue, now
	return n, nil
}

// Assign hands a queued conversation to agentID (queued → serving) and
// returns the handoff the agent should see.
func (c Conversation) Assign(agentID string, now time.Time) (Conversation, Handoff, error) {
	if agentID == "" {
		return c, Handoff{}, ErrInvalidRequest
	}
	if c.State != StateQueued {
		return c, Handoff{}, &TransitionError{From: c.State, Op: "assign"}
	}
	h := c.handoff(agentID, c.Queue, now)
	n := c.clone()
	n.State, n.AgentID, n.LastAgentID, n.LastActivity = StateServing, agentID, agentID, now
	return n, h, nil
}

// Transfer hands a serving conversation to another agent (serving →
// serving) and returns the handoff, which carries the whole context.
func (c Conversation) Transfer(agentID string, now time.Time) (Conversation, Handoff, error) {
	if agentID == "" {
		return c, Handoff{}, ErrInvalidRequest
	}
	if c.State != StateServing {
		return c, Handoff{}, &TransitionError{From: c.State, Op: "transfer"}
	}
	h := c.handoff(agentID, c.Queue, now)
	n := c.clone()
	n.AgentID, n.LastAgentID, n.LastActivity = agentID, agentID, now
	return n, h, nil
}

// TransferToQueue puts a serving conversation back to wait in queue
// (serving → queued); the agent is released by the caller.
func (c Conversation) TransferToQueue(queue string, now time.Time) (Conversation, error) {
	if queue == "" {
		return c, ErrInvalidRequest
	}
	if c.State != StateServing {
		return c, &TransitionError{From: c.State, Op: "transfer to a queue"}
	}
	n := c.clone()
	n.State, n.Queue, n.AgentID, n.LastActivity = StateQueued, queue, "", now
	return n, nil
}

// Close closes the conversation with reason. Closing twice is an error.
func (c Conversation) Close(reason string, now time.Time) (Conversation, error) {
	if c.State == StateClosed {
		return c, &TransitionError{From: c.State, Op: "close"}
	}
	n := c.clone()
	n.State, n.ClosedAt, n.CloseReason = StateClosed, now, reason
	return n, nil
}

// IdleFor returns how long the conversation has had no activity at now.
func (c Conversation) IdleFor(now time.Time) time.Duration { return now.Sub(c.LastActivity) }

// ExpireIdle closes the conversation with reason IdleReason ("idle") when
// it has been idle for timeout or longer at now; expired reports whether it
// did. To close every idle conversation of a ConversationStore, use
// SweepIdle.
func (c Conversation) ExpireIdle(now time.Time, timeout time.Duration) (n Conversation, expired bool) {
	if c.State == StateClosed || timeout <= 0 || c.IdleFor(now) < timeout {
		return c, false
	}
	n, _ = c.Close(IdleReason, now)
	return n, true
}

// Handoff is the context handed to an agent taking over a conversation from
// the bot or from another agent, so that the agent never asks the customer to
// repeat themselves. It is a plain value sharing nothing with the
// conversation.
type Handoff struct {
	// ConversationID, CustomerID and Channel identify the conversation.
	ConversationID string `json:"conversation_id"`
	CustomerID     string `json:"customer_id"`
	Channel        string `json:"channel"`
	// From is the previous agent's ID, or "" when the bot had it.
	From string `json:"from,omitempty"`
	// To is the receiving agent.
	To string `json:"to"`
	// Queue is the queue the conversation came through.
	Queue string `json:"queue,omitempty"`
	// Transcript is the whole transcript so far (media by ID).
	Transcript []Entry `json:"transcript"`
	// BotAnswers are the bot's entries of the transcript.
	BotAnswers []Entry `json:"bot_answers,omitempty"`
	// Routing is the routing explanation.
	Routing string `json:"routing,omitempty"`
	// Tags are the customer's tags.
	Tags []string `json:"tags,omitempty"`
	// At is when the handoff happened.
	At time.Time `json:"at"`
}

func (c Conversation) handoff(to, queue string, now time.Time) Handoff {
	h := Handoff{
		ConversationID: c.ID, CustomerID: c.CustomerID, Channel: c.Channel,
		From: c.AgentID, To: to, Queue: queue,
		Transcript: append([]Entry(nil), c.Transcript...),
		Routing:    c.Routing, Tags: append([]string(nil), c.Tags...), At: now,
	}
	for _, e := range c.Transcript {
		if e.From == SenderBot {
			h.BotAnswers = append(h.BotAnswers, e)
		}
	}
	return h
}
