package wechatmp_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/wechatmptest"
)

func TestMemoryDedupStoreConformance(t *testing.T) {
	wechatmptest.TestDedupStore(t, func(t *testing.T) wechatmp.DedupStore { return &wechatmp.MemoryDedupStore{} })
}

func TestMemoryDedupStoreExpiry(t *testing.T) {
	wechatmptest.TestDedupStoreExpiry(t, func(t *testing.T, now func() time.Time) wechatmp.DedupStore {
		return &wechatmp.MemoryDedupStore{Now: now}
	})
}

func TestMemoryDedupStoreSizeBound(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1700000000, 0)
	s := &wechatmp.MemoryDedupStore{MaxEntries: 3, Now: func() time.Time { return now }}
	claim := func(key string, ttl time.Duration) {
		t.Helper()
		if ok, _, err := s.Claim(ctx, key, wechatmp.DedupRecord{Owner: key}, ttl); err != nil || !ok {
			t.Fatalf("Claim(%s) = %v, %v", key, ok, err)
		}
	}
	claim("a", time.Minute)
	claim("b", time.Minute)
	claim("c", time.Minute)
	claim("d", time.Minute) // evicts a, the least recently written
	if s.Len() != 3 {
		t.Fatalf("Len = %d, want 3", s.Len())
	}
	if _, err := s.Get(ctx, "a"); !errors.Is(err, wechatmp.ErrDedupNotFound) {
		t.Fatalf("a not evicted: %v", err)
	}
	// An update moves b to the back, so c goes next.
	if err := s.Update(ctx, "b", wechatmp.DedupRecord{Owner: "b", State: wechatmp.DedupDone}, time.Minute); err != nil {
		t.Fatal(err)
	}
	claim("e", time.Minute)
	if _, err := s.Get(ctx, "c"); !errors.Is(err, wechatmp.ErrDedupNotFound) {
		t.Fatalf("c not evicted: %v", err)
	}
	for _, k := range []string{"b", "d", "e"} {
		if _, err := s.Get(ctx, k); err != nil {
			t.Fatalf("%s evicted: %v", k, err)
		}
	}
	// Expired records go before live ones.
	now = now.Add(2 * time.Minute)
	for i := 0; i < 10; i++ {
		claim(fmt.Sprint("n", i), time.Hour)
	}
	if s.Len() != 3 {
		t.Fatalf("Len = %d, want 3", s.Len())
	}
}
