package wechatmptest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// TestWindowStore checks a wechatmp.WindowStore implementation. newStore must
// return an empty store. The suite passes times explicitly, so the store needs
// no clock.
func TestWindowStore(t *testing.T, newStore func(t *testing.T) wechatmp.WindowStore) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	msg := wechatmp.OpenWindow(wechatmp.InteractionMessage, t0)

	equal := func(t *testing.T, got, want wechatmp.WindowState) {
		t.Helper()
		if got.Kind != want.Kind || !got.OpenedAt.Equal(want.OpenedAt) || !got.ClosesAt.Equal(want.ClosesAt) || got.Quota != want.Quota || got.Used != want.Used {
			t.Fatalf("state = %+v, want %+v", got, want)
		}
	}

	t.Run("GetMissing", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Get(ctx, "app/u"); !errors.Is(err, wechatmp.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
		if _, err := s.Reserve(ctx, "app/u", t0); !errors.Is(err, wechatmp.ErrWindowClosed) {
			t.Fatalf("Reserve on unknown window: %v, want ErrWindowClosed", err)
		}
		if err := s.Release(ctx, "app/u", t0); err != nil {
			t.Fatalf("Release on unknown window: %v", err)
		}
		if err := s.Exhaust(ctx, "app/u", t0, time.Time{}); err != nil {
			t.Fatalf("Exhaust on unknown window: %v", err)
		}
	})

	t.Run("ReserveUntilQuota", func(t *testing.T) {
		s := newStore(t)
		if err := s.Open(ctx, "app/u", msg); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, "app/u")
		if err != nil {
			t.Fatal(err)
		}
		equal(t, got, msg)
		for i := 1; i <= 5; i++ {
			st, err := s.Reserve(ctx, "app/u", t0.Add(time.Duration(i)*time.Hour))
			if err != nil {
				t.Fatalf("reserve %d: %v", i, err)
			}
			if st.Used != i || !st.OpenedAt.Equal(t0) {
				t.Fatalf("reserve %d: %+v", i, st)
			}
		}
		if _, err := s.Reserve(ctx, "app/u", t0.Add(6*time.Hour)); !errors.Is(err, wechatmp.ErrWindowQuota) {
			t.Fatalf("6th reserve: %v, want ErrWindowQuota", err)
		}
		// Keys are independent.
		if _, err := s.Reserve(ctx, "app/other", t0); !errors.Is(err, wechatmp.ErrWindowClosed) {
			t.Fatalf("other key: %v", err)
		}
	})

	t.Run("Closes", func(t *testing.T) {
		s := newStore(t)
		_ = s.Open(ctx, "app/u", msg)
		if _, err := s.Reserve(ctx, "app/u", t0.Add(48*time.Hour-time.Second)); err != nil {
			t.Fatalf("just before closing: %v", err)
		}
		if _, err := s.Reserve(ctx, "app/u", t0.Add(48*time.Hour)); !errors.Is(err, wechatmp.ErrWindowClosed) {
			t.Fatalf("at closing: %v, want ErrWindowClosed", err)
		}
		menu := wechatmp.OpenWindow(wechatmp.InteractionMenu, t0)
		_ = s.Open(ctx, "app/m", menu)
		if _, err := s.Reserve(ctx, "app/m", t0.Add(61*time.Second)); !errors.Is(err, wechatmp.ErrWindowClosed) {
			t.Fatalf("menu window after 61 s: %v", err)
		}
	})

	t.Run("OpenRefreshesNeverAccumulates", func(t *testing.T) {
		s := newStore(t)
		_ = s.Open(ctx, "app/u", msg)
		for range 4 {
			if _, err := s.Reserve(ctx, "app/u", t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		// Same instant again (a duplicate): nothing changes.
		_ = s.Open(ctx, "app/u", msg)
		got, _ := s.Get(ctx, "app/u")
		if got.Used != 4 {
			t.Fatalf("duplicate Open reset the window: %+v", got)
		}
		// Later interaction: a fresh window, not 1 + 5.
		later := wechatmp.OpenWindow(wechatmp.InteractionMessage, t0.Add(2*time.Hour))
		_ = s.Open(ctx, "app/u", later)
		got, _ = s.Get(ctx, "app/u")
		equal(t, got, later)
		// Earlier interaction delivered late: ignored.
		_ = s.Open(ctx, "app/u", wechatmp.OpenWindow(wechatmp.InteractionFollow, t0.Add(time.Hour)))
		got, _ = s.Get(ctx, "app/u")
		equal(t, got, later)
	})

	t.Run("OpenKeepsAWindowWithSendsLeft", func(t *testing.T) {
		// Open itself applies WindowState.Refresh, so that a replica
		// recording a menu tap cannot overwrite, from a stale read, the
		// message window another replica has just opened.
		s := newStore(t)
		_ = s.Open(ctx, "app/u", msg) // 5 sends within 48 h
		tap := wechatmp.OpenWindow(wechatmp.InteractionMenu, t0.Add(time.Minute))
		_ = s.Open(ctx, "app/u", tap) // 3 sends within a minute: shorter
		got, _ := s.Get(ctx, "app/u")
		equal(t, got, msg)
		// Every send used: the tap's fresh window takes over.
		for range msg.Quota {
			if _, err := s.Reserve(ctx, "app/u", t0.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		tap = wechatmp.OpenWindow(wechatmp.InteractionMenu, t0.Add(3*time.Minute))
		_ = s.Open(ctx, "app/u", tap)
		got, _ = s.Get(ctx, "app/u")
		equal(t, got, tap)

		// A window that has closed is replaced by a tap after it.
		_ = s.Open(ctx, "app/c", msg)
		late := wechatmp.OpenWindow(wechatmp.InteractionScan, msg.ClosesAt)
		_ = s.Open(ctx, "app/c", late)
		got, _ = s.Get(ctx, "app/c")
		equal(t, got, late)

		// A menu window is replaced by a later message (which closes later).
		_ = s.Open(ctx, "app/m", wechatmp.OpenWindow(wechatmp.InteractionMenu, t0))
		next := wechatmp.OpenWindow(wechatmp.InteractionMessage, t0.Add(10*time.Second))
		_ = s.Open(ctx, "app/m", next)
		got, _ = s.Get(ctx, "app/m")
		equal(t, got, next)
	})

	t.Run("ReleaseCurrentWindowOnly", func(t *testing.T) {
		s := newStore(t)
		_ = s.Open(ctx, "app/u", msg)
		if _, err := s.Reserve(ctx, "app/u", t0); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, "app/u", t0); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get(ctx, "app/u"); got.Used != 0 {
			t.Fatalf("after release: %+v", got)
		}
		if err := s.Release(ctx, "app/u", t0); err != nil { // nothing reserved: no-op
			t.Fatal(err)
		}
		if got, _ := s.Get(ctx, "app/u"); got.Used != 0 {
			t.Fatalf("release below zero: %+v", got)
		}
		_, _ = s.Reserve(ctx, "app/u", t0)
		later := wechatmp.OpenWindow(wechatmp.InteractionMessage, t0.Add(time.Hour))
		_ = s.Open(ctx, "app/u", later)
		_, _ = s.Reserve(ctx, "app/u", t0.Add(time.Hour))
		// Releasing a send of the old window must not touch the new one.
		if err := s.Release(ctx, "app/u", t0); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Get(ctx, "app/u"); got.Used != 1 {
			t.Fatalf("release of an old window changed the new one: %+v", got)
		}
	})

	t.Run("Exhaust", func(t *testing.T) {
		s := newStore(t)
		_ = s.Open(ctx, "app/u", msg)
		_, _ = s.Reserve(ctx, "app/u", t0)
		if err := s.Exhaust(ctx, "app/u", t0, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Reserve(ctx, "app/u", t0.Add(time.Minute)); !errors.Is(err, wechatmp.ErrWindowQuota) {
			t.Fatalf("after Exhaust: %v, want ErrWindowQuota", err)
		}
		got, _ := s.Get(ctx, "app/u")
		if got.Used != got.Quota || !got.ClosesAt.Equal(msg.ClosesAt) {
			t.Fatalf("after Exhaust: %+v", got)
		}
		// Closing: ClosesAt moves earlier, never later.
		_ = s.Exhaust(ctx, "app/u", t0, t0.Add(time.Hour))
		_ = s.Exhaust(ctx, "app/u", t0, t0.Add(10*time.Hour))
		got, _ = s.Get(ctx, "app/u")
		if !got.ClosesAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("ClosesAt = %v, want %v", got.ClosesAt, t0.Add(time.Hour))
		}
		if _, err := s.Reserve(ctx, "app/u", t0.Add(2*time.Hour)); !errors.Is(err, wechatmp.ErrWindowClosed) {
			t.Fatalf("after close: %v", err)
		}
		// Exhausting an old window leaves a newer one alone.
		later := wechatmp.OpenWindow(wechatmp.InteractionMessage, t0.Add(3*time.Hour))
		_ = s.Open(ctx, "app/u", later)
		_ = s.Exhaust(ctx, "app/u", t0, t0.Add(3*time.Hour))
		got, _ = s.Get(ctx, "app/u")
		equal(t, got, later)
	})

	t.Run("OpaqueKeys", func(t *testing.T) {
		s := newStore(t)
		keys := append(opaqueKeys(), wechatmp.WindowKey("wx0123456789abcdef", "oAbC-_0123456789xyzXYZ"))
		for i, k := range keys {
			st := wechatmp.OpenWindow(wechatmp.InteractionMessage, t0.Add(time.Duration(i)*time.Second))
			if err := s.Open(ctx, k, st); err != nil {
				t.Fatalf("Open(%q): %v", k, err)
			}
		}
		for i, k := range keys {
			got, err := s.Reserve(ctx, k, t0.Add(time.Hour))
			if err != nil || got.Used != 1 || !got.OpenedAt.Equal(t0.Add(time.Duration(i)*time.Second)) {
				t.Fatalf("Reserve(%q) = %+v, %v", k, got, err)
			}
		}
	})

	t.Run("CanceledContext", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Reserve(cctx, "app/u", t0); err == nil || errors.Is(err, wechatmp.ErrWindowClosed) {
			t.Fatalf("Reserve with a cancelled context: %v, want the context error", err)
		}
	})

	t.Run("ConcurrentReserve", func(t *testing.T) {
		s := newStore(t)
		for round := range 3 {
			open := wechatmp.OpenWindow(wechatmp.InteractionMessage, t0.Add(time.Duration(round)*time.Hour))
			_ = s.Open(ctx, "app/u", open)
			var ok, quota atomic.Int32
			var wg sync.WaitGroup
			for range 50 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := s.Reserve(ctx, "app/u", open.OpenedAt.Add(time.Minute))
					switch {
					case err == nil:
						ok.Add(1)
					case errors.Is(err, wechatmp.ErrWindowQuota):
						quota.Add(1)
					default:
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if ok.Load() != int32(open.Quota) || quota.Load() != 50-int32(open.Quota) {
				t.Fatalf("round %d: %d reserved, %d refused; want %d and %d", round, ok.Load(), quota.Load(), open.Quota, 50-open.Quota)
			}
		}
	})

	t.Run("ConcurrentReserveRelease", func(t *testing.T) {
		s := newStore(t)
		_ = s.Open(ctx, "app/u", msg)
		var wg sync.WaitGroup
		var inFlight, peak atomic.Int32
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					if _, err := s.Reserve(ctx, "app/u", t0); err != nil {
						if !errors.Is(err, wechatmp.ErrWindowQuota) {
							t.Error(err)
						}
						continue
					}
					n := inFlight.Add(1)
					for {
						p := peak.Load()
						if n <= p || peak.CompareAndSwap(p, n) {
							break
						}
					}
					inFlight.Add(-1)
					if err := s.Release(ctx, "app/u", t0); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		if peak.Load() > int32(msg.Quota) {
			t.Fatalf("%d sends reserved at once, quota %d", peak.Load(), msg.Quota)
		}
		if got, _ := s.Get(ctx, "app/u"); got.Used != 0 {
			t.Fatalf("used = %d after every release", got.Used)
		}
	})
}
