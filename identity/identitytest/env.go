package identitytest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
)

// clock is a settable clock safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type env struct {
	t     *testing.T
	store *recordingStore
	clock *clock
	dir   *Directory
	tags  *TagRecorder
	ids   *atomic.Int64
	reg   *identity.Registry
}

func newEnv(t *testing.T, s identity.Store) *env {
	e := &env{
		t:     t,
		store: &recordingStore{Store: s},
		clock: &clock{now: t0},
		dir: &Directory{
			ByPhone:   map[string]identity.Member{"+86" + phone1: {ID: "M-1", Level: "diamond", Name: name1}},
			ByUnionID: map[string]identity.Member{"u-member": {ID: "M-1", Level: "diamond", Name: name1}},
		},
		tags: &TagRecorder{},
		ids:  new(atomic.Int64),
	}
	e.reg = e.registry(nil)
	return e
}

// registry returns a new Registry over the env's store, clock and fakes;
// change adjusts the config.
func (e *env) registry(change func(*identity.Config)) *identity.Registry {
	e.t.Helper()
	cfg := identity.Config{
		Keyring:   NewKeyring(e.t),
		Store:     e.store,
		Directory: e.dir,
		TagSyncer: e.tags,
		Now:       e.clock.Now,
		NewID:     func() string { return fmt.Sprintf("id%04d", e.ids.Add(1)) },
	}
	if change != nil {
		change(&cfg)
	}
	r, err := identity.New(cfg)
	if err != nil {
		e.t.Fatalf("identity.New: %v", err)
	}
	return r
}

var bg = context.Background()

func (e *env) resolve(app, openid string) identity.Customer {
	e.t.Helper()
	c, err := e.reg.Resolve(bg, app, openid)
	if err != nil {
		e.t.Fatalf("Resolve(%s, %s): %v", app, openid, err)
	}
	return c
}

func (e *env) get(id string) identity.Customer {
	e.t.Helper()
	c, err := e.reg.Get(bg, id)
	if err != nil {
		e.t.Fatalf("Get(%s): %v", id, err)
	}
	return c
}

func ok[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func phone(s string) identity.Phone { return identity.MustParsePhone(s) }
