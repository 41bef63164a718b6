package wechatmp

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// DefaultDedupMaxEntries is the size bound of a MemoryDedupStore whose
// MaxEntries is zero.
const DefaultDedupMaxEntries = 100_000

// MemoryDedupStore is the in-process DedupStore: records live in a map, expire
// after their ttl and, when MaxEntries live records exist, the least recently
// written one is evicted (so a flood of pushes costs bounded memory; an evicted
// push that is retried is handled again). It deduplicates within one process
// only: replicas need a shared store.
//
// The zero value is ready to use. Set the fields before first use. A
// MemoryDedupStore is safe for concurrent use and must not be copied after first
// use.
type MemoryDedupStore struct {
	// MaxEntries bounds the number of records; zero means
	// DefaultDedupMaxEntries.
	MaxEntries int
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu    sync.Mutex
	items map[string]*list.Element // of *memoryDedupEntry
	order list.List                // least recently written first
}

type memoryDedupEntry struct {
	key     string
	rec     DedupRecord
	expires time.Time
}

var _ DedupStore = (*MemoryDedupStore)(nil)

func (s *MemoryDedupStore) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// live returns the unexpired entry under key, removing an expired one.
func (s *MemoryDedupStore) live(key string, now time.Time) *list.Element {
	e, ok := s.items[key]
	if !ok {
		return nil
	}
	if !now.Before(e.Value.(*memoryDedupEntry).expires) {
		s.remove(e)
		return nil
	}
	return e
}

func (s *MemoryDedupStore) remove(e *list.Element) {
	delete(s.items, e.Value.(*memoryDedupEntry).key)
	s.order.Remove(e)
}

// put stores rec under key, replacing e if it is not nil.
func (s *MemoryDedupStore) put(e *list.Element, key string, rec DedupRecord, expires time.Time, now time.Time) {
	rec.Reply = cloneBytes(rec.Reply)
	if e != nil {
		ent := e.Value.(*memoryDedupEntry)
		ent.rec, ent.expires = rec, expires
		s.order.MoveToBack(e)
		return
	}
	if s.items == nil {
		s.items = make(map[string]*list.Element)
		s.order.Init()
	}
	max := s.MaxEntries
	if max <= 0 {
		max = DefaultDedupMaxEntries
	}
	if s.order.Len() >= max {
		// Drop expired records first, then the least recently written.
		s.purgeExpired(now, s.order.Len())
	}
	for s.order.Len() >= max {
		s.remove(s.order.Front())
	}
	s.items[key] = s.order.PushBack(&memoryDedupEntry{key: key, rec: rec, expires: expires})
	s.purgeExpired(now, 8)
}

// purgeExpired removes up to n expired records from the front.
func (s *MemoryDedupStore) purgeExpired(now time.Time, n int) {
	for ; n > 0; n-- {
		front := s.order.Front()
		if front == nil || now.Before(front.Value.(*memoryDedupEntry).expires) {
			return
		}
		s.remove(front)
	}
}

// Claim implements DedupStore.
func (s *MemoryDedupStore) Claim(ctx context.Context, key string, rec DedupRecord, ttl time.Duration) (bool, DedupRecord, error) {
	if err := ctx.Err(); err != nil {
		return false, DedupRecord{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if e := s.live(key, now); e != nil {
		existing := e.Value.(*memoryDedupEntry).rec
		existing.Reply = cloneBytes(existing.Reply)
		return false, existing, nil
	}
	if ttl <= 0 {
		return true, DedupRecord{}, nil
	}
	s.put(nil, key, rec, now.Add(ttl), now)
	return true, DedupRecord{}, nil
}

// Update implements DedupStore.
func (s *MemoryDedupStore) Update(ctx context.Context, key string, rec DedupRecord, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	e := s.live(key, now)
	if e != nil && e.Value.(*memoryDedupEntry).rec.Owner != rec.Owner {
		return ErrDedupNotOwner
	}
	if ttl <= 0 {
		if e != nil {
			s.remove(e)
		}
		return nil
	}
	s.put(e, key, rec, now.Add(ttl), now)
	return nil
}

// Get implements DedupStore.
func (s *MemoryDedupStore) Get(ctx context.Context, key string) (DedupRecord, error) {
	if err := ctx.Err(); err != nil {
		return DedupRecord{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.live(key, s.now())
	if e == nil {
		return DedupRecord{}, ErrDedupNotFound
	}
	rec := e.Value.(*memoryDedupEntry).rec
	rec.Reply = cloneBytes(rec.Reply)
	return rec, nil
}

// Release implements DedupStore.
func (s *MemoryDedupStore) Release(ctx context.Context, key, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.live(key, s.now()); e != nil && e.Value.(*memoryDedupEntry).rec.Owner == owner {
		s.remove(e)
	}
	return nil
}

// Len returns the number of records held, expired ones not yet purged
// included.
func (s *MemoryDedupStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len()
}

func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
