package routing

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MemoryStore is the in-memory Store, ConversationStore and IdleLister:
// agent presence and load, holding queues and open conversations of one
// process. It is safe for concurrent use; its zero value is an
// empty store ready to use. Several replicas need a shared implementation
// (Redis, SQL) instead.
type MemoryStore struct {
	mu     sync.Mutex
	agents map[string]*memAgent
	turns  map[string]uint64
	queues map[string]map[string]Waiting
	convs  map[string]Conversation // open conversations by ID
}

type memAgent struct {
	presence     Presence
	convs        map[string]string // conversation → channel
	recent       []time.Time       // assignment times, for the fairness window
	lastAssigned time.Time
	idleSince    time.Time
}

var (
	_ Store             = (*MemoryStore)(nil)
	_ ConversationStore = (*MemoryStore)(nil)
)

func (s *MemoryStore) agent(id string) *memAgent {
	if s.agents == nil {
		s.agents = make(map[string]*memAgent)
	}
	a := s.agents[id]
	if a == nil {
		a = &memAgent{presence: Offline, convs: make(map[string]string)}
		s.agents[id] = a
	}
	return a
}

// SetPresence implements AgentStore.
func (s *MemoryStore) SetPresence(ctx context.Context, agentID string, p Presence, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if agentID == "" {
		return fmt.Errorf("%w: empty agent id", ErrInvalidRequest)
	}
	switch p {
	case Online, Away, Offline:
	default:
		return fmt.Errorf("%w: unknown presence %q", ErrInvalidRequest, p)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.agent(agentID)
	if p == Online && a.presence != Online && len(a.convs) == 0 {
		a.idleSince = now
	}
	a.presence = p
	return nil
}

// AgentStates implements AgentStore.
func (s *MemoryStore) AgentStates(ctx context.Context, agentIDs []string) ([]AgentState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]AgentState, len(agentIDs))
	for i, id := range agentIDs {
		st := AgentState{AgentID: id, Presence: Offline}
		if a := s.agents[id]; a != nil {
			st.Presence, st.Load, st.LastAssigned = a.presence, len(a.convs), a.lastAssigned
			if len(a.convs) == 0 {
				st.IdleSince = a.idleSince
			} else {
				st.ChannelLoad = make(map[string]int)
				for _, ch := range a.convs {
					st.ChannelLoad[ch]++
				}
			}
		}
		out[i] = st
	}
	return out, nil
}

// TryAssign implements AgentStore.
func (s *MemoryStore) TryAssign(ctx context.Context, req AssignRequest) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if err := req.validate(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.agents[req.AgentID]
	if a == nil {
		return false, nil // unknown agents are offline
	}
	if _, held := a.convs[req.ConversationID]; held {
		return true, nil
	}
	if a.presence != Online || len(a.convs) >= req.Capacity {
		return false, nil
	}
	if req.ChannelCapacity > 0 {
		n := 0
		for _, ch := range a.convs {
			if ch == req.Channel {
				n++
			}
		}
		if n >= req.ChannelCapacity {
			return false, nil
		}
	}
	if req.FairnessLimit > 0 {
		cut := req.Now.Add(-req.FairnessWindow)
		kept := a.recent[:0]
		for _, t := range a.recent {
			if t.After(cut) {
				kept = append(kept, t)
			}
		}
		a.recent = kept
		if len(a.recent) >= req.FairnessLimit {
			return false, nil
		}
	}
	a.convs[req.ConversationID] = req.Channel
	a.recent = append(a.recent, req.Now)
	a.lastAssigned = req.Now
	a.idleSince = time.Time{}
	return true, nil
}

func (req *AssignRequest) validate() error {
	switch {
	case req.AgentID == "":
		return fmt.Errorf("%w: empty agent id", ErrInvalidRequest)
	case req.ConversationID == "":
		return fmt.Errorf("%w: empty conversation id", ErrInvalidRequest)
	case req.Capacity < 1:
		return fmt.Errorf("%w: capacity %d below 1", ErrInvalidRequest, req.Capacity)
	case req.ChannelCapacity < 0:
		return fmt.Errorf("%w: negative channel capacity", ErrInvalidRequest)
	case req.FairnessLimit < 0 || (req.FairnessLimit > 0 && req.FairnessWindow <= 0):
		return fmt.Errorf("%w: fairness limit %d needs a positive window", ErrInvalidRequest, req.FairnessLimit)
	}
	return nil
}

// Release implements AgentStore.
func (s *MemoryStore) Release(ctx context.Context, agentID, conversationID string, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.agents[agentID]
	if a == nil {
		return ErrNotFound
	}
	if _, held := a.convs[conversationID]; !held {
		return ErrNotFound
	}
	delete(a.convs, conversationID)
	if len(a.convs) == 0 {
		a.idleSince = now
	}
	return nil
}

// NextTurn implements AgentStore.
func (s *MemoryStore) NextTurn(ctx context.Context, queue string) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.turns == nil {
		s.turns = make(map[string]uint64)
	}
	s.turns[queue]++
	return s.turns[queue], nil
}

// Push implements QueueStore.
func (s *MemoryStore) Push(ctx context.Context, w Waiting) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if w.ConversationID == "" || w.Queue == "" {
		return fmt.Errorf("%w: waiting entry needs a conversation id and a queue", ErrInvalidRequest)
	}
	w.Targets = cloneTargets(w.Targets)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.queues == nil {
		s.queues = make(map[string]map[string]Waiting)
	}
	q := s.queues[w.Queue]
	if q == nil {
		q = make(map[string]Waiting)
		s.queues[w.Queue] = q
	}
	q[w.ConversationID] = w
	return nil
}

// Remove implements QueueStore.
func (s *MemoryStore) Remove(ctx context.Context, queue, conversationID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[queue]
	if _, ok := q[conversationID]; !ok {
		return ErrNotFound
	}
	delete(q, conversationID)
	return nil
}

// Waiting implements QueueStore.
func (s *MemoryStore) Waiting(ctx context.Context, queue string) ([]Waiting, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[queue]
	out := make([]Waiting, 0, len(q))
	for _, w := range q {
		w.Targets = cloneTargets(w.Targets)
		out = append(out, w)
	}
	return out, nil
}

func cloneTargets(ts []Target) []Target {
	if ts == nil {
		return nil
	}
	a := Action{Targets: ts}
	return cloneAction(a).Targets
}
