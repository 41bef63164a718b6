package replica_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/pgstore"
	"github.com/kefu-go/kefu/examples/adapters/redisstore"
	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// sharedStores are the stores every replica of a deployment shares.
type sharedStores struct {
	dedup  wechatmp.DedupStore
	window wechatmp.WindowStore
	token  wechatmp.TokenStore
}

// backends are the shared stores under test; each skips without its server.
var backends = []struct {
	name   string
	stores func(t *testing.T) sharedStores
}{
	{"Redis", func(t *testing.T) sharedStores {
		rdb, prefix := testenv.Redis(t)
		return sharedStores{
			dedup:  redisstore.NewDedupStore(rdb, prefix),
			window: redisstore.NewWindowStore(rdb, prefix),
			token:  redisstore.NewTokenStore(rdb, prefix),
		}
	}},
	{"Postgres", func(t *testing.T) sharedStores {
		pool := testenv.Postgres(t, 16, pgstore.Migrate)
		return sharedStores{
			dedup:  pgstore.NewDedupStore(pool),
			window: pgstore.NewWindowStore(pool),
			token:  pgstore.NewTokenStore(pool),
		}
	}},
}

// replica is one process of the deployment: its own Handler, Client, Window
// and Crypter over the shared stores.
type replica struct {
	name    string
	handler *wechatmp.Handler
	client  *wechatmp.Client
}

// cluster is the fake platform with two replicas behind an alternating load
// balancer.
type cluster struct {
	srv      *mptest.Server
	replicas [2]*replica

	// host is the application's message handler, run by whichever replica
	// claims a push; dispatched counts its calls.
	mu         sync.Mutex
	host       func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error)
	dispatched atomic.Int64

	// served lists, per callback request, the replica that received it;
	// onRequest, if set, is called with the request's index first.
	servedMu  sync.Mutex
	served    []string
	onRequest func(i int)
}

func newCluster(t *testing.T, stores sharedStores, cfg mptest.Config) *cluster {
	t.Helper()
	c := &cluster{srv: mptest.NewServer(cfg)}
	t.Cleanup(c.srv.Close)
	host := wechatmp.MessageHandlerFunc(func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
		c.dispatched.Add(1)
		c.mu.Lock()
		h := c.host
		c.mu.Unlock()
		if h == nil {
			return nil, nil
		}
		return h(ctx, m)
	})
	for i, name := range []string{"A", "B"} {
		crypter, err := wechatmp.NewCrypter(c.srv.Token(), c.srv.AppID(), c.srv.EncodingAESKey())
		if err != nil {
			t.Fatal(err)
		}
		window := wechatmp.NewWindow(stores.window, c.srv.Clock.Now)
		h, err := wechatmp.NewHandler(wechatmp.HandlerConfig{
			Crypter:           crypter,
			Handler:           host,
			Dedup:             stores.dedup,
			DedupPollInterval: 10 * time.Millisecond,
			Interactions:      window,
			Now:               c.srv.Clock.Now,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_ = h.Shutdown(ctx)
		})
		ccfg := c.srv.ClientConfig()
		ccfg.TokenStore = stores.token
		ccfg.Window = window
		client, err := wechatmp.NewClient(ccfg)
		if err != nil {
			t.Fatal(err)
		}
		c.replicas[i] = &replica{name: name, handler: h, client: client}
	}
	var next atomic.Int64
	c.srv.SetCallback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(next.Add(1) - 1)
		rep := c.replicas[i%2]
		c.servedMu.Lock()
		c.served = append(c.served, rep.name)
		on := c.onRequest
		c.servedMu.Unlock()
		if on != nil {
			on(i)
		}
		rep.handler.ServeHTTP(w, r)
	}))
	return c
}

func (c *cluster) setHost(h func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error)) {
	c.mu.Lock()
	c.host = h
	c.mu.Unlock()
}

func (c *cluster) servedBy() []string {
	c.servedMu.Lock()
	defer c.servedMu.Unlock()
	return append([]string(nil), c.served...)
}
