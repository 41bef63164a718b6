package wechatmp_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// clientTestNew returns a Client wired to srv; mutate may adjust the config.
func clientTestNew(t *testing.T, srv *mptest.Server, mutate func(*wechatmp.Config)) *wechatmp.Client {
	t.Helper()
	cfg := srv.ClientConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := wechatmp.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func clientTestServer(t *testing.T, cfg mptest.Config) *mptest.Server {
	t.Helper()
	srv := mptest.NewServer(cfg)
	t.Cleanup(srv.Close)
	return srv
}

// tokenTestCallers runs n callers on each client, each making calls API calls,
// and returns every error. mid, if set, runs once every caller has made half
// its calls; with pause, the callers wait for mid to return before going on
// (so every caller is certain to call again after mid), otherwise they keep
// calling while mid runs.
func tokenTestCallers(t *testing.T, clients []*wechatmp.Client, n, calls int, mid func(), pause bool) []error {
	t.Helper()
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		errs   []error
		start  = make(chan struct{})
		resume = make(chan struct{})
		half   sync.WaitGroup
	)
	half.Add(len(clients) * n)
	for _, c := range clients {
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := range calls {
					if i == calls/2 {
						half.Done()
						if pause && mid != nil {
							<-resume
						}
					}
					if _, err := c.UserInfo(context.Background(), "o_user", ""); err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}
			}()
		}
	}
	close(start)
	if mid != nil {
		half.Wait() // every caller is mid-run
		mid()
	}
	close(resume)
	wg.Wait()
	return errs
}

func TestTokenSharedAcrossReplicas(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	store := &wechatmp.MemoryTokenStore{Now: srv.Clock.Now}
	var clients []*wechatmp.Client
	for range 3 {
		clients = append(clients, clientTestNew(t, srv, func(c *wechatmp.Config) { c.TokenStore = store }))
	}
	if errs := tokenTestCallers(t, clients, 50, 4, nil, false); len(errs) > 0 {
		t.Fatalf("%d errors, first: %v", len(errs), errs[0])
	}
	if got := srv.TokenFetches(); got != 1 {
		t.Fatalf("token fetches after warm-up = %d, want 1", got)
	}

	// Into the early-refresh period (2 min before expiry) mid-run: one replica
	// refreshes, the others keep using the old token, still valid.
	errs := tokenTestCallers(t, clients, 50, 6, func() { srv.Clock.Advance(2*time.Hour - 2*time.Minute) }, false)
	if len(errs) > 0 {
		t.Fatalf("early refresh: %d errors, first: %v", len(errs), errs[0])
	}
	if got := srv.TokenFetches(); got != 2 {
		t.Fatalf("token fetches after early refresh = %d, want 2", got)
	}

	// Past expiry mid-run: requests in flight with the old token get 42001;
	// exactly one new fetch, and no error reaches a caller.
	errs = tokenTestCallers(t, clients, 50, 6, func() { srv.Clock.Advance(3 * time.Hour) }, false)
	if len(errs) > 0 {
		t.Fatalf("expiry: %d errors, first: %v", len(errs), errs[0])
	}
	if got := srv.TokenFetches(); got != 3 {
		t.Fatalf("token fetches after expiry = %d, want 3", got)
	}

	// The platform expires the shared token while every caller is mid-run
	// (paused between two calls), earlier than the replicas expect: each
	// replica's next call is refused with 42001 using the stored token, the
	// first refusal invalidates it in the store, exactly one replica fetches
	// a new token, and every refused call is retried once with it.
	rejected := srv.TokenRejections()
	errs = tokenTestCallers(t, clients, 50, 6, srv.ExpireTokens, true)
	for _, err := range errs {
		if errors.Is(err, wechatmp.ErrTokenInvalid) {
			t.Errorf("token error surfaced to a caller: %v", err)
		}
	}
	if len(errs) > 0 {
		t.Fatalf("early expiry: %d errors, first: %v", len(errs), errs[0])
	}
	if got := srv.TokenRejections() - rejected; got < len(clients) {
		t.Fatalf("platform refused %d calls for their token, want at least one per replica (%d): the retry path was not exercised", got, len(clients))
	}
	if got := srv.TokenFetches(); got != 4 {
		t.Fatalf("token fetches after early expiry = %d, want 4", got)
	}
}

func TestTokenInvalidatedByOutsiderRetriedOnce(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	store := &wechatmp.MemoryTokenStore{Now: srv.Clock.Now}
	a := clientTestNew(t, srv, func(c *wechatmp.Config) { c.TokenStore = store })
	b := clientTestNew(t, srv, func(c *wechatmp.Config) { c.TokenStore = store })
	ctx := context.Background()
	if _, err := a.UserInfo(ctx, "o1", ""); err != nil {
		t.Fatal(err)
	}
	srv.IssueToken() // an uncoordinated tool fetches a token
	srv.Clock.Advance(6 * time.Minute)
	// Our token is now 40001: both replicas recover with one fetch in total.
	errs := tokenTestCallers(t, []*wechatmp.Client{a, b}, 20, 2, nil, false)
	if len(errs) > 0 {
		t.Fatalf("%d errors, first: %v", len(errs), errs[0])
	}
	if got := srv.TokenFetches(); got != 3 { // ours, the outsider's, the recovery
		t.Fatalf("fetches = %d, want 3", got)
	}
}

func TestTokenRevokedSurfacesAfterOneRetry(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	c := clientTestNew(t, srv, nil)
	ctx := context.Background()
	if _, err := c.UserInfo(ctx, "o1", ""); err != nil {
		t.Fatal(err)
	}
	before := srv.Calls("/cgi-bin/user/info")
	srv.FailNext("/cgi-bin/user/info", 40001, 40001)
	_, err := c.UserInfo(ctx, "o1", "")
	if !errors.Is(err, wechatmp.ErrTokenInvalid) {
		t.Fatalf("err = %v, want ErrTokenInvalid after the single retry", err)
	}
	if got := srv.Calls("/cgi-bin/user/info") - before; got != 2 {
		t.Fatalf("calls = %d, want 2 (one retry)", got)
	}
}

func TestStableTokenForceRefreshTakenOnce(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	store := &wechatmp.MemoryTokenStore{Now: srv.Clock.Now}
	var sources []*wechatmp.CachedTokenSource
	for range 3 {
		sources = append(sources, &wechatmp.CachedTokenSource{
			Base:  &wechatmp.StableTokenSource{AppID: srv.AppID(), AppSecret: srv.AppSecret(), BaseURL: srv.URL, Now: srv.Clock.Now},
			Store: store, Now: srv.Clock.Now, PollInterval: time.Millisecond,
		})
	}
	ctx := context.Background()
	old, err := sources[0].Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([]wechatmp.Token, 30)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := sources[i%3].ForceRefresh(ctx, old.Value)
			if err != nil {
				t.Error(err)
			}
			got[i] = tok
		}()
	}
	wg.Wait()
	if n := srv.StableTokenFetches(); n != 2 {
		t.Fatalf("stable_token calls = %d, want 2 (initial + one forced)", n)
	}
	for _, tok := range got {
		if tok.Value == old.Value || tok.Value != got[0].Value {
			t.Fatalf("replicas disagree or kept the stale token: %q vs %q (old %q)", tok.Value, got[0].Value, old.Value)
		}
	}
	// The new token works; the old one does not.
	c := clientTestNew(t, srv, func(c *wechatmp.Config) { c.Tokens = sources[1] })
	if _, err := c.UserInfo(ctx, "o1", ""); err != nil {
		t.Fatal(err)
	}
}

func TestOlderTokenNeverOverwritesNewer(t *testing.T) {
	ctx := context.Background()
	store := &wechatmp.MemoryTokenStore{}
	now := time.Unix(1_700_000_000, 0)
	newer, err := store.CompareAndSwap(ctx, "k", 0, wechatmp.TokenRecord{Value: "new", ExpiresAt: now.Add(2 * time.Hour), RefreshAt: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// A replica that read version 0 and fetched an older token loses.
	if _, err := store.CompareAndSwap(ctx, "k", 0, wechatmp.TokenRecord{Value: "old", ExpiresAt: now.Add(time.Hour)}); !errors.Is(err, wechatmp.ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	// InvalidateToken of a token that is no longer stored changes nothing.
	src := &wechatmp.CachedTokenSource{Base: wechatmp.StaticTokenSource{}, Store: store, Key: "k", Now: func() time.Time { return now }}
	if err := src.InvalidateToken(ctx, "old"); err != nil {
		t.Fatal(err)
	}
	rec, _ := store.Get(ctx, "k")
	if rec != newer {
		t.Fatalf("record changed: %+v, want %+v", rec, newer)
	}
	tok, err := src.Token(ctx)
	if err != nil || tok.Value != "new" {
		t.Fatalf("Token = %v, %v", tok, err)
	}
	// A base source that returns an empty token is an error, never stored.
	now = now.Add(90 * time.Minute) // past RefreshAt: refresh fails, the valid token is kept
	if tok, err := src.Token(ctx); err != nil || tok.Value != "new" {
		t.Fatalf("Token after failed early refresh = %v, %v", tok, err)
	}
	now = now.Add(time.Hour) // expired: the failure surfaces
	if _, err := src.Token(ctx); err == nil {
		t.Fatal("want an error for an empty token from Base")
	}
}

// tokenTestFlakyStore is a TokenStore whose every call fails while down is set.
type tokenTestFlakyStore struct {
	wechatmp.MemoryTokenStore
	down atomic.Bool
}

var errStoreDown = errors.New("store down")

func (s *tokenTestFlakyStore) Get(ctx context.Context, key string) (wechatmp.TokenRecord, error) {
	if s.down.Load() {
		return wechatmp.TokenRecord{}, errStoreDown
	}
	return s.MemoryTokenStore.Get(ctx, key)
}

func (s *tokenTestFlakyStore) Lease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	if s.down.Load() {
		return false, errStoreDown
	}
	return s.MemoryTokenStore.Lease(ctx, key, owner, ttl)
}

func TestTokenStoreOutageKeepsValidToken(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_700_000_000, 0)
	store := &tokenTestFlakyStore{}
	src := &wechatmp.CachedTokenSource{Base: wechatmp.StaticTokenSource{Value: "T", ExpiresAt: now.Add(2 * time.Hour)}, Store: store,
		Now: func() time.Time { return now }}
	if tok, err := src.Token(ctx); err != nil || tok.Value != "T" {
		t.Fatalf("%v %v", tok, err)
	}
	store.down.Store(true)
	now = now.Add(2*time.Hour - time.Minute) // refresh due, store down: the cached token still works
	if tok, err := src.Token(ctx); err != nil || tok.Value != "T" {
		t.Fatalf("during the outage: %v, %v", tok, err)
	}
	now = now.Add(time.Minute) // expired: the outage surfaces
	if _, err := src.Token(ctx); !errors.Is(err, errStoreDown) {
		t.Fatalf("after expiry: %v, want the store error", err)
	}
}

// tokenTestSlowSource counts fetches and blocks each until release is closed.
type tokenTestSlowSource struct {
	calls   atomic.Int32
	started chan struct{}
	release chan struct{}
	exp     time.Time
}

func (s *tokenTestSlowSource) Token(ctx context.Context) (wechatmp.Token, error) {
	if s.calls.Add(1) == 1 {
		close(s.started)
	}
	<-s.release
	return wechatmp.Token{Value: "T", ExpiresAt: s.exp}, nil
}

// TestTokenOneRefreshPerProcess: callers that arrive while a refresh is in
// flight wait for it instead of fetching too (the store's lease alone would
// not stop them: a process re-acquires its own lease).
func TestTokenOneRefreshPerProcess(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	base := &tokenTestSlowSource{started: make(chan struct{}), release: make(chan struct{}), exp: now.Add(2 * time.Hour)}
	src := &wechatmp.CachedTokenSource{Base: base, Now: func() time.Time { return now }}
	var wg sync.WaitGroup
	got := make([]wechatmp.Token, 20)
	errs := make([]error, 20)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = src.Token(context.Background())
		}()
	}
	<-base.started
	time.Sleep(20 * time.Millisecond) // let the other callers reach the flight
	close(base.release)
	wg.Wait()
	if n := base.calls.Load(); n != 1 {
		t.Fatalf("Base called %d times, want 1", n)
	}
	for i := range got {
		if errs[i] != nil || got[i].Value != "T" {
			t.Fatalf("caller %d: %v, %v", i, got[i], errs[i])
		}
	}
}
