package wechatmp_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// tokenTestPausedStore pauses the first Get after pause is armed until
// release is closed, to interleave a refresh with an invalidation the way a
// slow network store does.
type tokenTestPausedStore struct {
	wechatmp.TokenStore
	armed   atomic.Bool
	paused  chan struct{}
	release chan struct{}
	once    sync.Once
}

func (s *tokenTestPausedStore) Get(ctx context.Context, key string) (wechatmp.TokenRecord, error) {
	if s.armed.CompareAndSwap(true, false) {
		rec, err := s.TokenStore.Get(ctx, key)
		s.once.Do(func() { close(s.paused) })
		<-s.release
		return rec, err
	}
	return s.TokenStore.Get(ctx, key)
}

// tokenTestCountingSource hands out tok-1, tok-2, … valid for two hours.
type tokenTestCountingSource struct {
	n   atomic.Int64
	now func() time.Time
}

func (s *tokenTestCountingSource) Token(context.Context) (wechatmp.Token, error) {
	return wechatmp.Token{Value: fmt.Sprintf("tok-%d", s.n.Add(1)), ExpiresAt: s.now().Add(2 * time.Hour)}, nil
}

// TestTokenRejectedNeverReadopted pins a race seen with a Redis store: while
// InvalidateToken(A) waits on the store, a concurrent refresh reads A from the
// store (not yet dropped there) and caches it again; the rejected caller's
// retry must still get a new token, not A.
func TestTokenRejectedNeverReadopted(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := &tokenTestPausedStore{TokenStore: new(wechatmp.MemoryTokenStore), paused: make(chan struct{}), release: make(chan struct{})}
	base := &tokenTestCountingSource{now: clock}
	src := &wechatmp.CachedTokenSource{Base: base, Store: store, Now: clock, PollInterval: time.Millisecond}

	a, err := src.Token(ctx)
	if err != nil || a.Value != "tok-1" {
		t.Fatalf("first token: %+v %v", a, err)
	}
	store.armed.Store(true)
	invalidated := make(chan error, 1)
	go func() { invalidated <- src.InvalidateToken(ctx, a.Value) }() // WeChat refused tok-1
	// The invalidation has dropped its cache and waits on the store.
	<-store.paused

	// Meanwhile another caller refreshes and reads tok-1 from the store.
	if tok, err := src.Token(ctx); err != nil || tok.Value == a.Value {
		t.Fatalf("a concurrent caller got %+v %v; the refused token must not come back", tok, err)
	}
	close(store.release)
	if err := <-invalidated; err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token(ctx) // the refused caller's retry
	if err != nil || tok.Value == a.Value {
		t.Fatalf("retry got %+v %v, want a new token", tok, err)
	}
	if got := base.n.Load(); got != 2 {
		t.Fatalf("%d fetches, want 2 (one per refusal)", got)
	}
}
