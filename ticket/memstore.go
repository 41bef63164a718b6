package ticket

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
)

// MemoryStore is the in-memory Store. The zero value is an empty store ready
// to use. It is safe for concurrent use and returns deep copies, so callers
// never share memory with it. It keeps everything in one process: use a
// database adapter when several replicas share tickets.
type MemoryStore struct {
	mu      sync.RWMutex
	tickets map[string]*Ticket
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// Create implements Store.
func (m *MemoryStore) Create(ctx context.Context, t Ticket) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.ID == "" {
		return fmt.Errorf("%w: empty id", ErrInvalidTicket)
	}
	if err := checkSeq(t.History, 1); err != nil {
		return err
	}
	c := t.Clone()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tickets == nil {
		m.tickets = make(map[string]*Ticket)
	}
	if _, ok := m.tickets[t.ID]; ok {
		return fmt.Errorf("%w: %s", ErrExists, t.ID)
	}
	m.tickets[t.ID] = &c
	return nil
}

// Get implements Store.
func (m *MemoryStore) Get(ctx context.Context, id string) (Ticket, error) {
	if err := ctx.Err(); err != nil {
		return Ticket{}, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	t, ok := m.tickets[id]
	if !ok {
		return Ticket{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	// Room for a few records lets the caller's next steps append in place.
	return t.cloneForAppend(4), nil
}

// Update implements Store.
func (m *MemoryStore) Update(ctx context.Context, t Ticket, expected int64, records []Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.Version != expected+1 {
		return fmt.Errorf("%w: %s: new version %d does not follow %d", ErrInvalidTicket, t.ID, t.Version, expected)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.tickets[t.ID]
	if !ok {
		return fmt.Errorf("%w: %s", ErrNotFound, t.ID)
	}
	if cur.Version != expected {
		return fmt.Errorf("%w: %s: version %d, stored %d", ErrConflict, t.ID, expected, cur.Version)
	}
	if err := checkSeq(records, int64(len(cur.History))+1); err != nil {
		return err
	}
	next := t
	next.tail = nil
	next.Tags = slices.Clone(t.Tags)
	next.Fields = cloneFields(t.Fields)
	// The stored history is never handed out (Get and Find copy it), so it
	// can grow in place.
	next.History = append(cur.History, records...)
	*cur = next
	return nil
}

// Find implements Store.
func (m *MemoryStore) Find(ctx context.Context, q Query) ([]Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	var hits []*Ticket
	for _, t := range m.tickets {
		if q.Match(t) {
			hits = append(hits, t)
		}
	}
	slices.SortFunc(hits, func(a, b *Ticket) int {
		var c int
		switch {
		case !q.DueBefore.IsZero():
			c = a.DueAt.Compare(b.DueAt)
		case !q.AlertBefore.IsZero():
			c = a.AlertAt.Compare(b.AlertAt)
		default:
			c = a.CreatedAt.Compare(b.CreatedAt)
		}
		return cmp.Or(c, cmp.Compare(a.ID, b.ID))
	})
	if q.Limit > 0 && len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	out := make([]Ticket, len(hits))
	for i, t := range hits {
		out[i] = t.Clone()
	}
	m.mu.RUnlock()
	return out, nil
}

func checkSeq(records []Record, first int64) error {
	for i, r := range records {
		if want := first + int64(i); r.Seq != want {
			return fmt.Errorf("%w: record seq %d, want %d", ErrInvalidTicket, r.Seq, want)
		}
	}
	return nil
}

func cloneFields(f map[string]string) map[string]string {
	if f == nil {
		return nil
	}
	out := make(map[string]string, len(f))
	for k, v := range f {
		out[k] = v
	}
	return out
}
