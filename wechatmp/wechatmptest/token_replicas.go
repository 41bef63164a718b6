package wechatmptest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// TestTokenStoreReplicas runs the multi-replica access-token scenario over a
// TokenStore implementation: three wechatmp Clients, each with its own
// CachedTokenSource, share one store and the fake platform of package mptest;
// 50 goroutines per client call the API concurrently while the token expires
// mid-run, once as the clients expect it and once earlier, as the platform
// decides. It checks that exactly one token is fetched per expiry and that no
// caller ever sees a token error. newStore is called once; the store's lease
// clock must be real time (the scenario takes well under the 30-second lease).
func TestTokenStoreReplicas(t *testing.T, newStore func(t *testing.T) wechatmp.TokenStore) {
	srv := mptest.NewServer(mptest.Config{})
	t.Cleanup(srv.Close)
	store := newStore(t)
	var clients []*wechatmp.Client
	for range 3 {
		cfg := srv.ClientConfig()
		cfg.Tokens = &wechatmp.CachedTokenSource{
			Base:  &wechatmp.CredentialTokenSource{AppID: srv.AppID(), AppSecret: srv.AppSecret(), BaseURL: srv.URL, Now: srv.Clock.Now},
			Store: store, Key: "wechatmptest:replicas:" + srv.AppID(), Now: srv.Clock.Now, PollInterval: 5 * time.Millisecond,
		}
		c, err := wechatmp.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	check := func(phase string, errs []error, fetches int) {
		t.Helper()
		for _, err := range errs {
			if errors.Is(err, wechatmp.ErrTokenInvalid) {
				t.Fatalf("%s: a token error reached a caller: %v", phase, err)
			}
		}
		if len(errs) > 0 {
			t.Fatalf("%s: %d calls failed, first: %v", phase, len(errs), errs[0])
		}
		if got := srv.TokenFetches(); got != fetches {
			t.Fatalf("%s: %d token fetches in total, want %d (one per expiry)", phase, got, fetches)
		}
	}

	check("cold start", replicaCallers(clients, 50, 4, nil), 1)
	// The clock passes the expiry while every caller is paused mid-run.
	check("expiry", replicaCallers(clients, 50, 4, func() { srv.Clock.Advance(3 * time.Hour) }), 2)
	// The platform ends the token early while every caller is paused mid-run:
	// each replica's next call is refused (42001) and retried once.
	rejected := srv.TokenRejections()
	check("early expiry", replicaCallers(clients, 50, 4, srv.ExpireTokens), 3)
	if got := srv.TokenRejections() - rejected; got < len(clients) {
		t.Fatalf("early expiry: the platform refused %d calls, want at least one per replica", got)
	}
}

// replicaCallers runs n goroutines per client, each making calls API calls,
// and returns the errors. mid, if set, runs when every goroutine has made half
// its calls; the goroutines wait for it.
func replicaCallers(clients []*wechatmp.Client, n, calls int, mid func()) []error {
	var (
		wg, half sync.WaitGroup
		mu       sync.Mutex
		errs     []error
		resume   = make(chan struct{})
	)
	half.Add(len(clients) * n)
	for _, c := range clients {
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range calls {
					if i == calls/2 {
						half.Done()
						<-resume
					}
					if _, err := c.UserInfo(context.Background(), "o_replica", ""); err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
					}
				}
			}()
		}
	}
	half.Wait()
	if mid != nil {
		mid()
	}
	close(resume)
	wg.Wait()
	return errs
}
