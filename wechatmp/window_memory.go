package wechatmp

import (
	"context"
	"sync"
	"time"
)

// MemoryWindowStore is the in-memory WindowStore. A window that is found
// closed by Reserve is dropped, so memory stays bounded by the users with an
// open (or not yet checked) window. The zero value is ready to use and safe
// for concurrent use.
type MemoryWindowStore struct {
	mu sync.Mutex
	m  map[string]*WindowState
}

var _ WindowStore = (*MemoryWindowStore)(nil)

// Get implements WindowStore.
func (s *MemoryWindowStore) Get(ctx context.Context, key string) (WindowState, error) {
	if err := ctx.Err(); err != nil {
		return WindowState{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.m[key]
	if !ok {
		return WindowState{}, ErrNotFound
	}
	return *st, nil
}

// Open implements WindowStore.
func (s *MemoryWindowStore) Open(ctx context.Context, key string, st WindowState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.m[key]; ok && cur.keeps(st) {
		return nil
	}
	if s.m == nil {
		s.m = make(map[string]*WindowState)
	}
	s.m[key] = &st
	return nil
}

// Reserve implements WindowStore.
func (s *MemoryWindowStore) Reserve(ctx context.Context, key string, now time.Time) (WindowState, error) {
	if err := ctx.Err(); err != nil {
		return WindowState{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.m[key]
	if !ok {
		return WindowState{}, ErrWindowClosed
	}
	if !st.IsOpen(now) {
		delete(s.m, key)
		return *st, ErrWindowClosed
	}
	if st.Used >= st.Quota {
		return *st, ErrWindowQuota
	}
	st.Used++
	return *st, nil
}

// Release implements WindowStore.
func (s *MemoryWindowStore) Release(ctx context.Context, key string, openedAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[key]; ok && st.OpenedAt.Equal(openedAt) && st.Used > 0 {
		st.Used--
	}
	return nil
}

// Exhaust implements WindowStore.
func (s *MemoryWindowStore) Exhaust(ctx context.Context, key string, openedAt, closesAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[key]; ok && st.OpenedAt.Equal(openedAt) {
		st.Used = max(st.Used, st.Quota)
		if !closesAt.IsZero() && closesAt.Before(st.ClosesAt) {
			st.ClosesAt = closesAt
		}
	}
	return nil
}
