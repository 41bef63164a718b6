package wechatmptest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// TestDedupStore runs the behavioural conformance suite for a
// wechatmp.DedupStore: claims, owner-checked updates and releases, copies of
// replies, opaque keys, cancelled contexts and concurrent claims. newStore must
// return an empty store (or one whose keys do not collide with other calls') for
// every call. Expiry is checked by TestDedupStoreExpiry, for stores whose clock
// can be injected.
//
// Typical use, in the store's own test:
//
//	func TestStore(t *testing.T) {
//		wechatmptest.TestDedupStore(t, func(t *testing.T) wechatmp.DedupStore { return newRedisStore(t) })
//	}
func TestDedupStore(t *testing.T, newStore func(t *testing.T) wechatmp.DedupStore) {
	t.Helper()
	ctx := context.Background()
	const ttl = time.Minute
	inFlight := func(owner string) wechatmp.DedupRecord {
		return wechatmp.DedupRecord{Owner: owner, State: wechatmp.DedupInFlight}
	}

	t.Run("GetMissing", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Get(ctx, "missing"); !errors.Is(err, wechatmp.ErrDedupNotFound) {
			t.Fatalf("Get(missing) error = %v, want ErrDedupNotFound", err)
		}
	})

	t.Run("ClaimOnce", func(t *testing.T) {
		s := newStore(t)
		claimed, _, err := s.Claim(ctx, "k", inFlight("a"), ttl)
		if err != nil || !claimed {
			t.Fatalf("first Claim = %v, %v; want true, nil", claimed, err)
		}
		claimed, existing, err := s.Claim(ctx, "k", inFlight("b"), ttl)
		if err != nil || claimed {
			t.Fatalf("second Claim = %v, %v; want false, nil", claimed, err)
		}
		if existing.Owner != "a" || existing.State != wechatmp.DedupInFlight {
			t.Fatalf("second Claim existing = %+v, want owner a in flight", existing)
		}
		got, err := s.Get(ctx, "k")
		if err != nil || got.Owner != "a" || got.State != wechatmp.DedupInFlight || len(got.Reply) != 0 {
			t.Fatalf("Get = %+v, %v; want owner a in flight, no reply", got, err)
		}
		claimed, _, err = s.Claim(ctx, "other", inFlight("b"), ttl)
		if err != nil || !claimed {
			t.Fatalf("Claim(other key) = %v, %v; want true, nil", claimed, err)
		}
	})

	t.Run("UpdateByOwner", func(t *testing.T) {
		s := newStore(t)
		mustClaim(t, s, "k", inFlight("a"))
		reply := []byte("<xml>reply</xml>")
		if err := s.Update(ctx, "k", wechatmp.DedupRecord{Owner: "a", State: wechatmp.DedupDone, Reply: reply}, ttl); err != nil {
			t.Fatalf("Update by owner: %v", err)
		}
		reply[0] = 'X' // the store must have kept its own copy
		got, err := s.Get(ctx, "k")
		if err != nil || got.State != wechatmp.DedupDone || string(got.Reply) != "<xml>reply</xml>" {
			t.Fatalf("Get after Update = %+v (%q), %v; want done with the reply", got, got.Reply, err)
		}
		got.Reply[0] = 'Y'
		_, existing, err := s.Claim(ctx, "k", inFlight("b"), ttl)
		if err != nil || existing.State != wechatmp.DedupDone || string(existing.Reply) != "<xml>reply</xml>" {
			t.Fatalf("Claim after Update existing = %+v (%q), %v; want the done record", existing, existing.Reply, err)
		}
	})

	t.Run("UpdateByOtherOwner", func(t *testing.T) {
		s := newStore(t)
		mustClaim(t, s, "k", inFlight("a"))
		err := s.Update(ctx, "k", wechatmp.DedupRecord{Owner: "b", State: wechatmp.DedupDone, Reply: []byte("r")}, ttl)
		if !errors.Is(err, wechatmp.ErrDedupNotOwner) {
			t.Fatalf("Update by another owner error = %v, want ErrDedupNotOwner", err)
		}
		got, err := s.Get(ctx, "k")
		if err != nil || got.Owner != "a" || got.State != wechatmp.DedupInFlight {
			t.Fatalf("record changed by a refused Update: %+v, %v", got, err)
		}
	})

	t.Run("UpdateMissing", func(t *testing.T) {
		s := newStore(t)
		if err := s.Update(ctx, "k", wechatmp.DedupRecord{Owner: "a", State: wechatmp.DedupDone, Reply: []byte("late")}, ttl); err != nil {
			t.Fatalf("Update of a missing key: %v", err)
		}
		got, err := s.Get(ctx, "k")
		if err != nil || got.Owner != "a" || string(got.Reply) != "late" {
			t.Fatalf("Get = %+v, %v; want the stored record", got, err)
		}
	})

	t.Run("Release", func(t *testing.T) {
		s := newStore(t)
		if err := s.Release(ctx, "missing", "a"); err != nil {
			t.Fatalf("Release(missing): %v", err)
		}
		mustClaim(t, s, "k", inFlight("a"))
		if err := s.Release(ctx, "k", "b"); err != nil {
			t.Fatalf("Release by another owner: %v", err)
		}
		if _, err := s.Get(ctx, "k"); err != nil {
			t.Fatalf("Release by another owner removed the record: %v", err)
		}
		if err := s.Release(ctx, "k", "a"); err != nil {
			t.Fatalf("Release by owner: %v", err)
		}
		if _, err := s.Get(ctx, "k"); !errors.Is(err, wechatmp.ErrDedupNotFound) {
			t.Fatalf("Get after Release error = %v, want ErrDedupNotFound", err)
		}
		mustClaim(t, s, "k", inFlight("b"))
	})

	t.Run("OpaqueKeys", func(t *testing.T) {
		s := newStore(t)
		keys := []string{"evt|gh_x|oUser|event|CLICK|k 1|1700000000|ff", "evt|gh_x|oUser|event|CLICK|k 2|1700000000|ff", "中文|🙂", "a*b?c[d]", string(bytes.Repeat([]byte("k"), 400))}
		for i, k := range keys {
			mustClaim(t, s, k, inFlight(fmt.Sprint(i)))
		}
		for i, k := range keys {
			got, err := s.Get(ctx, k)
			if err != nil || got.Owner != fmt.Sprint(i) {
				t.Fatalf("Get(%q) = %+v, %v; want owner %d", k, got, err, i)
			}
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		claimed, _, err := s.Claim(cctx, "k", inFlight("a"), ttl)
		if err == nil || claimed {
			t.Fatalf("Claim with a cancelled context = %v, %v; want false and an error", claimed, err)
		}
	})

	t.Run("ConcurrentClaims", func(t *testing.T) {
		s := newStore(t)
		const workers, keys = 16, 8
		var wins [keys]atomic.Int32
		var wg sync.WaitGroup
		errs := make(chan error, workers*keys)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for k := 0; k < keys; k++ {
					key := fmt.Sprintf("key-%d", k)
					claimed, existing, err := s.Claim(ctx, key, inFlight(fmt.Sprintf("w%d", w)), ttl)
					switch {
					case err != nil:
						errs <- err
					case claimed:
						wins[k].Add(1)
					case existing.Owner == "":
						errs <- fmt.Errorf("lost claim on %s returned an empty record", key)
					}
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for k := range wins {
			if n := wins[k].Load(); n != 1 {
				t.Errorf("key-%d claimed %d times, want exactly once", k, n)
			}
		}
	})

	t.Run("ConcurrentUpdates", func(t *testing.T) {
		s := newStore(t)
		mustClaim(t, s, "k", inFlight("a"))
		var wg sync.WaitGroup
		var refused atomic.Int32
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				owner := "a"
				if w%2 == 1 {
					owner = "b"
				}
				err := s.Update(ctx, "k", wechatmp.DedupRecord{Owner: owner, State: wechatmp.DedupDone, Reply: []byte(owner)}, ttl)
				if errors.Is(err, wechatmp.ErrDedupNotOwner) {
					refused.Add(1)
				} else if err != nil {
					t.Error(err)
				}
			}(w)
		}
		wg.Wait()
		got, err := s.Get(ctx, "k")
		if err != nil || got.Owner != "a" || string(got.Reply) != "a" {
			t.Fatalf("Get = %+v, %v; want owner a's record", got, err)
		}
		if refused.Load() != 4 {
			t.Fatalf("%d updates by another owner refused, want 4", refused.Load())
		}
	})
}

// TestDedupStoreExpiry checks that records expire after their ttl, for stores
// whose clock can be injected: newStore receives the clock the suite moves.
func TestDedupStoreExpiry(t *testing.T, newStore func(t *testing.T, now func() time.Time) wechatmp.DedupStore) {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	clock := time.Unix(1700000000, 0)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	s := newStore(t, now)
	rec := wechatmp.DedupRecord{Owner: "a", State: wechatmp.DedupInFlight}

	mustClaim(t, s, "k", rec)
	advance(4 * time.Second)
	if claimed, _, err := s.Claim(ctx, "k", wechatmp.DedupRecord{Owner: "b"}, 5*time.Second); err != nil || claimed {
		t.Fatalf("Claim before expiry = %v, %v; want false", claimed, err)
	}
	// mustClaim used a 5 s lease: it has run out after 6 s.
	advance(2 * time.Second)
	if _, err := s.Get(ctx, "k"); !errors.Is(err, wechatmp.ErrDedupNotFound) {
		t.Fatalf("Get after expiry error = %v, want ErrDedupNotFound", err)
	}
	if err := s.Update(ctx, "k", wechatmp.DedupRecord{Owner: "late", State: wechatmp.DedupDone}, time.Minute); err != nil {
		t.Fatalf("Update after another owner's record expired: %v", err)
	}
	if claimed, _, err := s.Claim(ctx, "k", wechatmp.DedupRecord{Owner: "c"}, time.Minute); err != nil || claimed {
		t.Fatalf("Claim over a live updated record = %v, %v; want false", claimed, err)
	}

	// Update extends the lease.
	mustClaim(t, s, "ext", rec)
	advance(4 * time.Second)
	if err := s.Update(ctx, "ext", wechatmp.DedupRecord{Owner: "a", State: wechatmp.DedupDone}, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	advance(8 * time.Second)
	if got, err := s.Get(ctx, "ext"); err != nil || got.State != wechatmp.DedupDone {
		t.Fatalf("Get within the extended ttl = %+v, %v; want the done record", got, err)
	}
	advance(3 * time.Second)
	if _, err := s.Get(ctx, "ext"); !errors.Is(err, wechatmp.ErrDedupNotFound) {
		t.Fatalf("Get after the extended ttl error = %v, want ErrDedupNotFound", err)
	}
}

// mustClaim claims key with a 5-second lease or fails the test.
func mustClaim(t *testing.T, s wechatmp.DedupStore, key string, rec wechatmp.DedupRecord) {
	t.Helper()
	claimed, existing, err := s.Claim(context.Background(), key, rec, 5*time.Second)
	if err != nil || !claimed {
		t.Fatalf("Claim(%q) = %v (existing %+v), %v; want true", key, claimed, existing, err)
	}
}
