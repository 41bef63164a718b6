package identity

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// MemoryStore is the in-memory Store: the default when Config.Store is nil,
// and the reference implementation for identitytest.TestStore. Its data lives
// as long as the value, so it suits tests, demos and single-process hosts that
// accept losing customers on restart.
//
// A MemoryStore is safe for concurrent use; every method copies in and out.
// The zero value is an empty, ready-to-use store.
type MemoryStore struct {
	mu sync.RWMutex
	// records are never changed in place: Commit stores a fresh copy and
	// replaces the map entry, so a stored Record (with its slices, map and
	// Sealed.Data) is immutable once stored, which is what lets lend share it.
	records  map[string]Record
	bindings bindingIndex
	merges   map[string]MergeRecord
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, id string) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	s.mu.RLock()
	r, ok := s.records[id]
	s.mu.RUnlock()
	if !ok {
		return Record{}, fmt.Errorf("%w: customer %s", ErrNotFound, id)
	}
	return r.Clone(), nil
}

// lend returns the stored record with the id without copying it, for the
// Registry's read-only paths. The record shares its slices, map and
// Sealed.Data with the store: the caller must not change them (copying what
// it keeps, as Keyring.decode does). Errors match ErrNotFound.
func (s *MemoryStore) lend(ctx context.Context, id string) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	s.mu.RLock()
	r, ok := s.records[id]
	s.mu.RUnlock()
	if !ok {
		return Record{}, fmt.Errorf("%w: customer %s", ErrNotFound, id)
	}
	return r, nil
}

// Lookup implements Store.
func (s *MemoryStore) Lookup(ctx context.Context, key Key) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.RLock()
	id, ok := s.bindings.get(key)
	s.mu.RUnlock()
	if !ok {
		return "", ErrNotFound
	}
	return id, nil
}

// GetMerge implements Store.
func (s *MemoryStore) GetMerge(ctx context.Context, id string) (MergeRecord, error) {
	if err := ctx.Err(); err != nil {
		return MergeRecord{}, err
	}
	s.mu.RLock()
	m, ok := s.merges[id]
	s.mu.RUnlock()
	if !ok {
		return MergeRecord{}, fmt.Errorf("%w: merge %s", ErrNotFound, id)
	}
	return m.Clone(), nil
}

// List implements Store.
func (s *MemoryStore) List(ctx context.Context, q Query) ([]Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, 0, len(s.records))
	for id, r := range s.records {
		if id <= q.After && q.After != "" {
			continue
		}
		if !q.ErasedBefore.IsZero() && (r.ErasedAt.IsZero() || !r.ErasedAt.Before(q.ErasedBefore)) {
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) > limit {
		ids = ids[:limit]
	}
	out := make([]Record, len(ids))
	for i, id := range ids {
		out[i] = s.records[id].Clone()
	}
	return out, nil
}

// Commit implements Store.
func (s *MemoryStore) Commit(ctx context.Context, w Write) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.records == nil {
		s.records = make(map[string]Record)
		s.merges = make(map[string]MergeRecord)
	}
	seen := make(map[string]bool, len(w.Put)+len(w.Delete))
	check := func(id string, version int64) error {
		if id == "" {
			return fmt.Errorf("%w: empty customer id", ErrInvalidIdentifier)
		}
		if seen[id] {
			return fmt.Errorf("%w: write names customer %s twice", ErrInvalidIdentifier, id)
		}
		seen[id] = true
		cur, ok := s.records[id]
		switch {
		case version == 0 && ok:
			return fmt.Errorf("%w: customer %s already exists", ErrVersionConflict, id)
		case version != 0 && (!ok || cur.Version != version):
			return fmt.Errorf("%w: customer %s", ErrVersionConflict, id)
		}
		return nil
	}
	for _, r := range w.Put {
		if err := check(r.ID, r.Version); err != nil {
			return err
		}
	}
	for _, d := range w.Delete {
		if err := check(d.ID, d.Version); err != nil {
			return err
		}
	}
	seenMerge := make(map[string]bool, len(w.PutMerges))
	for _, m := range w.PutMerges {
		if m.ID == "" || seenMerge[m.ID] {
			return fmt.Errorf("%w: empty or repeated merge id", ErrInvalidIdentifier)
		}
		seenMerge[m.ID] = true
		cur, ok := s.merges[m.ID]
		if (m.Version == 0 && ok) || (m.Version != 0 && (!ok || cur.Version != m.Version)) {
			return fmt.Errorf("%w: merge %s", ErrVersionConflict, m.ID)
		}
	}
	// Bindings after Unbind, checked before anything changes.
	unbound := make(map[Key]bool, len(w.Unbind))
	for _, b := range w.Unbind {
		if owner, ok := s.bindings.get(b.Key); ok && owner == b.Customer {
			unbound[b.Key] = true
		}
	}
	for _, b := range w.Bind {
		if b.Customer == "" {
			return fmt.Errorf("%w: binding to an empty customer id", ErrInvalidIdentifier)
		}
		if owner, ok := s.bindings.get(b.Key); ok && !unbound[b.Key] && owner != b.Customer {
			return &BindingTakenError{Key: b.Key, Owner: owner}
		}
	}
	pending := make(map[Key]string, len(w.Bind))
	for _, b := range w.Bind {
		if owner, ok := pending[b.Key]; ok && owner != b.Customer {
			return &BindingTakenError{Key: b.Key, Owner: owner}
		}
		pending[b.Key] = b.Customer
	}
	// Apply.
	for k := range unbound {
		s.bindings.delete(k)
	}
	for k, id := range pending {
		s.bindings.set(k, id)
	}
	for _, r := range w.Put {
		r = r.Clone()
		r.Version++
		s.records[r.ID] = r
	}
	for _, d := range w.Delete {
		delete(s.records, d.ID)
	}
	for _, m := range w.PutMerges {
		m = m.Clone()
		m.Version++
		s.merges[m.ID] = m
	}
	for _, id := range w.DeleteMerges {
		delete(s.merges, id)
	}
	return nil
}

// bindingIndex maps identifier keys to customer ids, one map per kind so a
// lookup hashes only the value string.
type bindingIndex [256]map[string]string

func (x *bindingIndex) get(k Key) (string, bool) {
	id, ok := x[k.Kind][k.Value]
	return id, ok
}

func (x *bindingIndex) set(k Key, id string) {
	if x[k.Kind] == nil {
		x[k.Kind] = make(map[string]string)
	}
	x[k.Kind][k.Value] = id
}

func (x *bindingIndex) delete(k Key) { delete(x[k.Kind], k.Value) }
