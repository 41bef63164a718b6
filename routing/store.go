package routing

import (
	"context"
	"time"
)

// Presence is an agent's availability. Only online agents receive new
// conversations; away agents keep the ones they have.
type Presence string

// Presence values.
const (
	Online  Presence = "online"
	Away    Presence = "away"
	Offline Presence = "offline"
)

// AgentState is the shared, changing state of one agent, as kept by an
// AgentStore. It is a plain value.
type AgentState struct {
	// AgentID identifies the agent.
	AgentID string `json:"agent_id"`
	// Presence is Online, Away or Offline; an agent never seen is Offline.
	Presence Presence `json:"presence"`
	// Load is the number of conversations the agent holds.
	Load int `json:"load"`
	// ChannelLoad is Load broken down by channel; nil when Load is 0.
	ChannelLoad map[string]int `json:"channel_load,omitempty"`
	// LastAssigned is when the agent last received a conversation.
	LastAssigned time.Time `json:"last_assigned,omitempty"`
	// IdleSince is when the agent last became free: came online with no
	// load, or released their last conversation. Zero while they hold any.
	IdleSince time.Time `json:"idle_since,omitempty"`
}

// AssignRequest asks an AgentStore to give a conversation to an agent if,
// and only if, every limit allows it.
// It is a plain value: safe to read concurrently, not to modify while read.
type AssignRequest struct {
	// AgentID is the agent; required.
	AgentID string
	// ConversationID is the conversation; required.
	ConversationID string
	// Channel is the conversation's channel, counted in ChannelLoad.
	Channel string
	// Capacity is the most conversations the agent may hold; at least 1.
	Capacity int
	// ChannelCapacity is the most conversations of Channel the agent may
	// hold; 0 means only Capacity applies.
	ChannelCapacity int
	// FairnessLimit is the most assignments the agent may receive within
	// FairnessWindow before now; 0 means no limit.
	FairnessLimit int
	// FairnessWindow is the fairness window; ignored when FairnessLimit is 0.
	FairnessWindow time.Duration
	// Now is the time of the assignment.
	Now time.Time
}

// AgentStore keeps agent presence and load, shared by every replica of the
// host. Implementations must be safe for concurrent use, and TryAssign must
// be atomic across replicas (one Redis script or one SQL statement), so that
// no agent ever exceeds a limit under concurrent assignment. The package's
// MemoryStore implements it; routingtest.TestAgentStore checks any
// implementation.
type AgentStore interface {
	// SetPresence records the agent's presence, creating the agent if it is
	// unknown. Becoming online with no load sets IdleSince to now.
	SetPresence(ctx context.Context, agentID string, p Presence, now time.Time) error
	// AgentStates returns the states of agentIDs, in the same order. An
	// unknown agent is returned as Offline with no load (not an error).
	AgentStates(ctx context.Context, agentIDs []string) ([]AgentState, error)
	// TryAssign atomically checks that the agent is Online, below Capacity,
	// below ChannelCapacity for the channel and below FairnessLimit within
	// the window, and if so records the assignment and returns true. It
	// returns false, nil when a limit refuses. Assigning a conversation the
	// agent already holds returns true and changes nothing. A malformed
	// request returns an error matching ErrInvalidRequest.
	TryAssign(ctx context.Context, req AssignRequest) (bool, error)
	// Release ends the agent's assignment of the conversation. It returns
	// ErrNotFound when the agent does not hold it (so a double release is
	// detected and never drives the load negative).
	Release(ctx context.Context, agentID, conversationID string, now time.Time) error
	// NextTurn atomically increments and returns the round-robin counter of
	// a queue (1 on first use).
	NextTurn(ctx context.Context, queue string) (uint64, error)
}

// Waiting is a conversation waiting for an agent: its place in the holding
// queue and in its chain of targets. It is a plain value.
type Waiting struct {
	// ConversationID identifies the conversation; required.
	ConversationID string `json:"conversation_id"`
	// CustomerID is the customer, for reports.
	CustomerID string `json:"customer_id,omitempty"`
	// Channel is the conversation's channel (capacity is per channel).
	Channel string `json:"channel,omitempty"`
	// Queue is the holding queue it waits in, or "" before it first waits.
	Queue string `json:"queue,omitempty"`
	// Priority is its base priority; higher is served first.
	Priority int `json:"priority,omitempty"`
	// EnqueuedAt is when it started waiting; ageing counts from it.
	EnqueuedAt time.Time `json:"enqueued_at"`
	// Targets is the chain of targets (Action.Chain of the decision).
	Targets []Target `json:"targets"`
	// Target is the index of the current target.
	Target int `json:"target"`
	// TargetSince is when it reached the current target; its timeout counts
	// from it.
	TargetSince time.Time `json:"target_since"`
	// PreviousAgent is the agent who served the customer recently; a sticky
	// queue tries them first while they are online.
	PreviousAgent string `json:"previous_agent,omitempty"`
}

// QueueStore keeps the holding queues, shared by every replica.
// Implementations must be safe for concurrent use. The package's MemoryStore
// implements it; routingtest.TestQueueStore checks any implementation.
type QueueStore interface {
	// Push adds w to queue w.Queue, replacing an entry with the same
	// ConversationID in that queue.
	Push(ctx context.Context, w Waiting) error
	// Remove deletes the conversation from the queue. It returns ErrNotFound
	// when it is not there, so exactly one of several concurrent removers
	// succeeds: Remove is the claim on a waiting conversation.
	Remove(ctx context.Context, queue, conversationID string) error
	// Waiting returns the entries of the queue, in any order.
	Waiting(ctx context.Context, queue string) ([]Waiting, error)
}

// Store is the shared state a Dispatcher needs. Implementations must be safe
// for concurrent use, as AgentStore and QueueStore say.
type Store interface {
	AgentStore
	QueueStore
}
