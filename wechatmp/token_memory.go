package wechatmp

import (
	"context"
	"sync"
	"time"
)

// MemoryTokenStore is the in-memory TokenStore: it shares a token between
// Clients of one process (for example in tests of multi-replica behaviour).
// The zero value is ready to use and safe for concurrent use. Now, if set,
// is the clock of lease expiry (nil: time.Now).
type MemoryTokenStore struct {
	Now func() time.Time

	mu      sync.Mutex
	records map[string]TokenRecord
	leases  map[string]tokenLease
}

type tokenLease struct {
	owner string
	until time.Time
}

var _ TokenStore = (*MemoryTokenStore)(nil)

func (s *MemoryTokenStore) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Get implements TokenStore.
func (s *MemoryTokenStore) Get(ctx context.Context, key string) (TokenRecord, error) {
	if err := ctx.Err(); err != nil {
		return TokenRecord{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.records[key]
	if !ok {
		return TokenRecord{}, ErrNotFound
	}
	return rec, nil
}

// CompareAndSwap implements TokenStore.
func (s *MemoryTokenStore) CompareAndSwap(ctx context.Context, key string, oldVersion int64, rec TokenRecord) (TokenRecord, error) {
	if err := ctx.Err(); err != nil {
		return TokenRecord{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.records[key]
	if (!ok && oldVersion != 0) || (ok && cur.Version != oldVersion) {
		return TokenRecord{}, ErrConflict
	}
	if s.records == nil {
		s.records = make(map[string]TokenRecord)
	}
	rec.Version = cur.Version + 1
	s.records[key] = rec
	return rec, nil
}

// Lease implements TokenStore.
func (s *MemoryTokenStore) Lease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.leases[key]; ok && l.owner != owner && now.Before(l.until) {
		return false, nil
	}
	if s.leases == nil {
		s.leases = make(map[string]tokenLease)
	}
	s.leases[key] = tokenLease{owner: owner, until: now.Add(ttl)}
	return true, nil
}

// Unlease implements TokenStore.
func (s *MemoryTokenStore) Unlease(ctx context.Context, key, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.leases[key]; ok && l.owner == owner {
		delete(s.leases, key)
	}
	return nil
}
