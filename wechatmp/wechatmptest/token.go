package wechatmptest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// TestTokenStore checks a wechatmp.TokenStore implementation. newStore must
// return an empty store. Lease expiry is checked with a 1 ms lease, so the
// store's clock must be real time (or advance by itself).
func TestTokenStore(t *testing.T, newStore func(t *testing.T) wechatmp.TokenStore) {
	ctx := context.Background()
	base := time.Now().Truncate(time.Second)
	rec := func(v string, exp time.Duration) wechatmp.TokenRecord {
		return wechatmp.TokenRecord{Value: v, ExpiresAt: base.Add(exp), RefreshAt: base.Add(exp - 5*time.Minute)}
	}

	t.Run("GetMissing", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Get(ctx, "missing"); !errors.Is(err, wechatmp.ErrNotFound) {
			t.Fatalf("Get(missing) err = %v, want ErrNotFound", err)
		}
	})

	t.Run("CompareAndSwap", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.CompareAndSwap(ctx, "k", 3, rec("a", time.Hour)); !errors.Is(err, wechatmp.ErrConflict) {
			t.Fatalf("CAS on absent key with version 3: %v, want ErrConflict", err)
		}
		first, err := s.CompareAndSwap(ctx, "k", 0, rec("a", time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if first.Version <= 0 || first.Value != "a" || !first.ExpiresAt.Equal(base.Add(time.Hour)) || !first.RefreshAt.Equal(base.Add(55*time.Minute)) {
			t.Fatalf("stored %+v", first)
		}
		got, err := s.Get(ctx, "k")
		if err != nil || got.Value != "a" || got.Version != first.Version || !got.ExpiresAt.Equal(first.ExpiresAt) || !got.RefreshAt.Equal(first.RefreshAt) {
			t.Fatalf("Get = %+v, %v; want %+v", got, err, first)
		}
		if _, err := s.CompareAndSwap(ctx, "k", 0, rec("b", time.Hour)); !errors.Is(err, wechatmp.ErrConflict) {
			t.Fatalf("CAS with version 0 on existing key: %v, want ErrConflict", err)
		}
		if _, err := s.CompareAndSwap(ctx, "k", first.Version+1, rec("b", time.Hour)); !errors.Is(err, wechatmp.ErrConflict) {
			t.Fatalf("CAS with a future version: %v, want ErrConflict", err)
		}
		second, err := s.CompareAndSwap(ctx, "k", first.Version, rec("b", 2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if second.Version <= first.Version || second.Value != "b" {
			t.Fatalf("second write %+v after %+v", second, first)
		}
		if _, err := s.CompareAndSwap(ctx, "k", first.Version, rec("stale", time.Hour)); !errors.Is(err, wechatmp.ErrConflict) {
			t.Fatalf("CAS with a stale version: %v, want ErrConflict", err)
		}
		if got, _ := s.Get(ctx, "k"); got.Value != "b" {
			t.Fatalf("value = %q after a lost CAS, want b", got.Value)
		}
		// Keys are independent; an empty value (an invalidated token) is stored.
		if _, err := s.Get(ctx, "other"); !errors.Is(err, wechatmp.ErrNotFound) {
			t.Fatalf("other key: %v", err)
		}
		third, err := s.CompareAndSwap(ctx, "k", second.Version, wechatmp.TokenRecord{ExpiresAt: base.Add(time.Hour)})
		if err != nil || third.Value != "" {
			t.Fatalf("invalidate: %+v, %v", third, err)
		}
	})

	t.Run("Lease", func(t *testing.T) {
		s := newStore(t)
		mustLease := func(owner string, ttl time.Duration, want bool) {
			t.Helper()
			got, err := s.Lease(ctx, "k", owner, ttl)
			if err != nil || got != want {
				t.Fatalf("Lease(%s) = %v, %v; want %v", owner, got, err, want)
			}
		}
		mustLease("a", time.Minute, true)
		mustLease("b", time.Minute, false)
		mustLease("a", time.Minute, true) // re-entrant
		if err := s.Unlease(ctx, "k", "b"); err != nil {
			t.Fatal(err) // not the holder: no-op
		}
		mustLease("b", time.Minute, false)
		if err := s.Unlease(ctx, "k", "a"); err != nil {
			t.Fatal(err)
		}
		mustLease("b", time.Minute, true)
		if ok, err := s.Lease(ctx, "other", "a", time.Minute); err != nil || !ok {
			t.Fatalf("lease of another key: %v, %v", ok, err)
		}
		if err := s.Unlease(ctx, "missing", "a"); err != nil {
			t.Fatalf("Unlease of a missing lease: %v", err)
		}
		// Expiry: a 1 ms lease is free again soon after.
		deadline := time.Now().Add(5 * time.Second)
		if ok, _ := s.Lease(ctx, "exp", "x", time.Millisecond); !ok {
			t.Fatal("lease exp")
		}
		for {
			ok, err := s.Lease(ctx, "exp", "y", time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("a 1 ms lease never expired")
			}
			time.Sleep(2 * time.Millisecond)
		}
	})

	t.Run("ConcurrentCompareAndSwap", func(t *testing.T) {
		s := newStore(t)
		cur, err := s.CompareAndSwap(ctx, "k", 0, rec("v0", time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for round := range 5 {
			var wins atomic.Int32
			var winner wechatmp.TokenRecord
			var mu sync.Mutex
			var wg sync.WaitGroup
			for g := range 50 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, err := s.CompareAndSwap(ctx, "k", cur.Version, rec(fmt.Sprintf("r%d-g%d", round, g), time.Hour))
					switch {
					case err == nil:
						wins.Add(1)
						mu.Lock()
						winner = r
						mu.Unlock()
					case !errors.Is(err, wechatmp.ErrConflict):
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if wins.Load() != 1 {
				t.Fatalf("round %d: %d winners, want 1", round, wins.Load())
			}
			got, _ := s.Get(ctx, "k")
			if got.Value != winner.Value || got.Version != winner.Version {
				t.Fatalf("stored %+v, winner %+v", got, winner)
			}
			cur = got
		}
	})

	t.Run("ConcurrentLease", func(t *testing.T) {
		s := newStore(t)
		var holders atomic.Int32
		var wg sync.WaitGroup
		for g := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.Lease(ctx, "k", fmt.Sprintf("owner-%d", g), time.Minute)
				if err != nil {
					t.Error(err)
				}
				if ok {
					holders.Add(1)
				}
			}()
		}
		wg.Wait()
		if holders.Load() != 1 {
			t.Fatalf("%d goroutines hold the lease, want 1", holders.Load())
		}
	})

	t.Run("OpaqueKeys", func(t *testing.T) {
		s := newStore(t)
		for i, k := range opaqueKeys() {
			v := fmt.Sprintf("token-%d", i)
			if _, err := s.CompareAndSwap(ctx, k, 0, rec(v, time.Hour)); err != nil {
				t.Fatalf("CompareAndSwap(%q): %v", k, err)
			}
			if ok, err := s.Lease(ctx, k, "a", time.Minute); err != nil || !ok {
				t.Fatalf("Lease(%q) = %v, %v", k, ok, err)
			}
		}
		for i, k := range opaqueKeys() {
			if got, err := s.Get(ctx, k); err != nil || got.Value != fmt.Sprintf("token-%d", i) {
				t.Fatalf("Get(%q) = %+v, %v", k, got, err)
			}
			if ok, err := s.Lease(ctx, k, "b", time.Minute); err != nil || ok {
				t.Fatalf("Lease(%q) by another owner = %v, %v; want false", k, ok, err)
			}
		}
	})

	t.Run("CanceledContext", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Get(cctx, "k"); err == nil || errors.Is(err, wechatmp.ErrNotFound) {
			t.Fatalf("Get with a cancelled context: %v, want the context error", err)
		}
	})
}

// opaqueKeys are keys a store must keep apart and return unchanged: the
// wechatmp key shapes, separators, non-ASCII, glob characters, a long key.
func opaqueKeys() []string {
	return []string{"wechatmp:token:wx0123456789abcdef", "wechatmp:token:wx0123456789abcdeF", "中文|🙂", "a*b?c[d]%_'\"\\",
		"with space", strings.Repeat("k", 400)}
}
