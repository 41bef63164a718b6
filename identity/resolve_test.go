package identity_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
)

func TestResolveCreatesOnFirstContact(t *testing.T) {
	h := newHarness(t)
	if n := len(h.records()); n != 0 {
		t.Fatalf("%d records before any contact", n)
	}
	a := h.resolve("wxoa", "o-alice")
	if a.ID == "" || a.Version != 1 || len(a.OpenIDs) != 1 || a.OpenIDs[0] != (identity.OpenID{App: "wxoa", ID: "o-alice"}) {
		t.Fatalf("first contact returned %+v", a)
	}
	if !a.FirstSeen.Equal(t0) || !a.LastSeen.Equal(t0) {
		t.Fatalf("first/last seen %v/%v; want %v", a.FirstSeen, a.LastSeen, t0)
	}
	recs := h.records()
	if len(recs) != 1 || recs[0].ID != a.ID {
		t.Fatalf("store holds %d records after first contact; want 1 (%s)", len(recs), a.ID)
	}
	if id, err := h.mem.Lookup(bg, identity.OpenID{App: "wxoa", ID: "o-alice"}.Key()); err != nil || id != a.ID {
		t.Fatalf("openid binding = %q, %v; want %s", id, err, a.ID)
	}
	// Later contacts, from this process or another one, find the same customer.
	if again := h.resolve("wxoa", "o-alice"); again.ID != a.ID {
		t.Fatalf("second contact returned %s; want %s", again.ID, a.ID)
	}
	if other := must(t)(h.registry().Resolve(bg, "wxoa", "o-alice")); other.ID != a.ID {
		t.Fatalf("another registry resolved %s; want %s", other.ID, a.ID)
	}
	if n := len(h.records()); n != 1 {
		t.Fatalf("%d records after three contacts; want 1", n)
	}
	// Openids are per app: the same string from the mini program is someone else.
	if mini := h.resolve("wxmini", "o-alice"); mini.ID == a.ID {
		t.Fatal("an openid of another app resolved to the same customer")
	}
}

func TestResolveRejectsBadIdentifiers(t *testing.T) {
	h := newHarness(t)
	// An app with ':' must not reach a cached customer whose key looks alike.
	h.resolve("wx", "oa:o")
	h.resolve("wx", "oa:o") // now cached
	for _, in := range [][2]string{{"", "o"}, {"wxoa", ""}, {"wx:oa", "o"}, {"wxoa", string(make([]byte, 129))}} {
		if _, err := h.reg.Resolve(bg, in[0], in[1]); !errors.Is(err, identity.ErrInvalidIdentifier) {
			t.Errorf("Resolve(%q, %q): %v; want ErrInvalidIdentifier", in[0], in[1], err)
		}
	}
	if n := len(h.records()); n != 1 {
		t.Fatalf("invalid identifiers created %d customers", n-1)
	}
}

// gateStore holds the first n Lookups of key until all n have arrived, so
// that every caller sees "not found" and races to create the customer.
type gateStore struct {
	identity.Store
	key     identity.Key
	n       int
	mu      sync.Mutex
	arrived int
	open    chan struct{}
}

func (g *gateStore) Lookup(ctx context.Context, k identity.Key) (string, error) {
	id, err := g.Store.Lookup(ctx, k)
	if k != g.key {
		return id, err
	}
	g.mu.Lock()
	wait := g.arrived < g.n
	if wait {
		g.arrived++
		if g.arrived == g.n {
			close(g.open)
		}
	}
	g.mu.Unlock()
	if wait {
		select {
		case <-g.open:
		case <-time.After(10 * time.Second):
		}
	}
	return id, err
}

func TestResolveConcurrentFirstContactCreatesOneCustomer(t *testing.T) {
	for _, shared := range []bool{true, false} {
		name := map[bool]string{true: "OneRegistry", false: "RegistryPerGoroutine"}[shared]
		t.Run(name, func(t *testing.T) {
			const n = 64
			mem := identity.NewMemoryStore()
			key := identity.OpenID{App: "wxoa", ID: "o-rush"}.Key()
			gate := &gateStore{Store: mem, key: key, n: n, open: make(chan struct{})}
			h := newHarness(t, func(c *identity.Config) { c.Store = gate })
			regs := make([]*identity.Registry, n)
			for i := range regs {
				regs[i] = h.reg
				if !shared {
					regs[i] = h.registry()
				}
			}
			ids := make([]string, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					c, err := regs[i].Resolve(bg, "wxoa", "o-rush")
					ids[i], errs[i] = c.ID, err
				})
			}
			wg.Wait()
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("Resolve #%d: %v", i, errs[i])
				}
				if ids[i] != ids[0] {
					t.Fatalf("concurrent first contacts returned two customers: %s and %s", ids[0], ids[i])
				}
			}
			recs, err := mem.List(bg, identity.Query{})
			if err != nil || len(recs) != 1 || recs[0].ID != ids[0] {
				t.Fatalf("store holds %d customers (%v); want exactly 1", len(recs), err)
			}
			if gate.arrived != n {
				t.Fatalf("only %d of %d goroutines raced", gate.arrived, n)
			}
		})
	}
}

func TestResolveServesKnownOpenIDFromCache(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-alice")
	commits := h.store.commits.Load()
	h.clock.Advance(30 * time.Second)
	for range 10 {
		if c := h.resolve("wxoa", "o-alice"); c.ID != a.ID {
			t.Fatalf("Resolve returned %s; want %s", c.ID, a.ID)
		}
	}
	if got := h.store.commits.Load() - commits; got != 0 {
		t.Fatalf("warm Resolve wrote to the store %d times", got)
	}
	// After the cache TTL LastSeen is refreshed and persisted once.
	h.clock.Advance(time.Minute)
	c := h.resolve("wxoa", "o-alice")
	if want := t0.Add(90 * time.Second); !c.LastSeen.Equal(want) || !c.FirstSeen.Equal(t0) {
		t.Fatalf("first/last seen %v/%v; want %v/%v", c.FirstSeen, c.LastSeen, t0, want)
	}
	if got := h.store.commits.Load() - commits; got != 1 {
		t.Fatalf("%d writes to refresh LastSeen; want 1", got)
	}
}

func TestResolveWithoutCache(t *testing.T) {
	cs := &countingStore{Store: identity.NewMemoryStore()}
	h := newHarness(t, func(c *identity.Config) { c.Store = cs; c.CacheTTL = -1 })
	a := h.resolve("wxoa", "o-a")
	must(t)(h.registry().Tag(bg, a.ID, "from-elsewhere"))
	gets := cs.gets.Load()
	// Without a cache every Resolve reads the store, so changes made by other
	// processes show at once.
	if c := h.resolve("wxoa", "o-a"); !c.HasTag("from-elsewhere") || cs.gets.Load() != gets+1 {
		t.Fatalf("uncached Resolve: tags %v, %d gets", c.Tags, cs.gets.Load()-gets)
	}
	// LastSeen is still persisted at most once a minute.
	commits := h.store.commits.Load()
	for range 3 {
		h.clock.Advance(10 * time.Second)
		h.resolve("wxoa", "o-a")
	}
	if n := h.store.commits.Load() - commits; n != 0 {
		t.Fatalf("%d LastSeen writes within a minute", n)
	}
	h.clock.Advance(40 * time.Second)
	if c := h.resolve("wxoa", "o-a"); !c.LastSeen.Equal(t0.Add(70*time.Second)) || h.store.commits.Load()-commits != 1 {
		t.Fatalf("LastSeen %v after %d writes", c.LastSeen, h.store.commits.Load()-commits)
	}
}

func TestResolveCacheSizeBound(t *testing.T) {
	cs := &countingStore{Store: identity.NewMemoryStore()}
	h := newHarness(t, func(c *identity.Config) { c.Store = cs; c.CacheSize = 2 })
	ids := map[string]string{}
	for _, o := range []string{"o-1", "o-2", "o-3", "o-4"} {
		ids[o] = h.resolve("wxoa", o).ID
	}
	gets := cs.gets.Load()
	for _, o := range []string{"o-1", "o-2", "o-3", "o-4"} {
		if c := h.resolve("wxoa", o); c.ID != ids[o] {
			t.Fatalf("Resolve(%s) = %s after evictions; want %s", o, c.ID, ids[o])
		}
	}
	if n := cs.gets.Load() - gets; n < 2 {
		t.Fatalf("%d store reads for 4 customers with a cache of 2; want at least 2", n)
	}
}

func TestResolvedCustomersDoNotShareAppendableSlices(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	var tags []string
	for i := range 17 { // 17 strings fill a size class with room to spare
		tags = append(tags, fmt.Sprint("tag-", i))
	}
	must(t)(h.reg.Tag(bg, a.ID, tags...))
	c1 := h.resolve("wxoa", "o-a")
	c2 := h.resolve("wxoa", "o-a")
	x := append(c1.Tags, "from-c1")
	y := append(c2.Tags, "from-c2")
	if x[17] != "from-c1" || y[17] != "from-c2" {
		t.Fatalf("appends to two resolved customers' tags share memory: %v %v", x[17], y[17])
	}
	if c3 := h.resolve("wxoa", "o-a"); len(c3.Tags) != 17 {
		t.Fatalf("cached tags changed by a caller's append: %v", c3.Tags)
	}
}
