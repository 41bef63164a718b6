package identity_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
	"github.com/kefu-go/kefu/identity/identitytest"
)

var (
	bg = context.Background()
	t0 = time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
)

// Phone numbers used by the tests. Their national digits must never reach
// the store or a log line.
const (
	phoneA = "13890127654" // masked 138****7654
	phoneB = "13977770001"
	phoneC = "15066668888"
)

// fakeClock is a settable clock, safe for concurrent use.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// piiStore wraps a Store and fails the test when any string or byte slice
// reachable from a Write or a Lookup key contains one of the secrets: the
// store must only ever see ciphertext and blind indexes. It also counts
// commits.
type piiStore struct {
	identity.Store
	t       reporter
	secrets []string
	commits atomic.Int64
	checked atomic.Int64 // strings and byte slices inspected
}

func (s *piiStore) Commit(ctx context.Context, w identity.Write) error {
	s.t.Helper()
	s.inspect("Commit", reflect.ValueOf(w))
	s.commits.Add(1)
	return s.Store.Commit(ctx, w)
}

func (s *piiStore) Lookup(ctx context.Context, k identity.Key) (string, error) {
	s.t.Helper()
	s.inspect("Lookup", reflect.ValueOf(k))
	return s.Store.Lookup(ctx, k)
}

// inspect walks v and reports any secret found in a string or []byte.
func (s *piiStore) inspect(call string, v reflect.Value) {
	s.t.Helper()
	switch v.Kind() {
	case reflect.String:
		s.check(call, v.String())
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			s.check(call, string(v.Bytes()))
			return
		}
		for i := range v.Len() {
			s.inspect(call, v.Index(i))
		}
	case reflect.Array:
		for i := range v.Len() {
			s.inspect(call, v.Index(i))
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			s.inspect(call, it.Key())
			s.inspect(call, it.Value())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			s.inspect(call, v.Field(i))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			s.inspect(call, v.Elem())
		}
	}
}

func (s *piiStore) check(call, field string) {
	s.t.Helper()
	s.checked.Add(1)
	for _, secret := range s.secrets {
		if strings.Contains(field, secret) {
			s.t.Errorf("%s sent the store a field containing the phone digits %s", call, secret)
		}
	}
}

// reporter is the part of testing.T a piiStore reports leaks to.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// harness is a Registry over an in-memory store wrapped in a piiStore, with a
// fake clock, a directory, a tag recorder and a JSON log buffer.
type harness struct {
	t     *testing.T
	reg   *identity.Registry
	mem   identity.Store // the store under the piiStore, for direct access
	store *piiStore
	clock *fakeClock
	dir   *identitytest.Directory
	tags  *identitytest.TagRecorder
	logs  *syncBuffer
	cfg   identity.Config
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func newHarness(t *testing.T, change ...func(*identity.Config)) *harness {
	t.Helper()
	h := &harness{
		t:     t,
		mem:   identity.NewMemoryStore(),
		clock: &fakeClock{now: t0},
		dir: &identitytest.Directory{
			ByPhone:   map[string]identity.Member{},
			ByUnionID: map[string]identity.Member{},
		},
		tags: &identitytest.TagRecorder{},
		logs: &syncBuffer{},
	}
	var secrets []string
	for _, p := range []string{phoneA, phoneB, phoneC} {
		secrets = append(secrets, p, p[3:]) // the number, and its last 8 digits
	}
	var n atomic.Int64
	h.cfg = identity.Config{
		Keyring:   identitytest.NewKeyring(t),
		Store:     h.mem,
		Directory: h.dir,
		TagSyncer: h.tags,
		Now:       h.clock.Now,
		NewID:     func() string { return fmt.Sprintf("c%03d", n.Add(1)) },
		Logger:    slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range change {
		f(&h.cfg)
	}
	// Whatever store a test chose, the Registry reaches it through the piiStore.
	h.mem = h.cfg.Store
	h.store = &piiStore{Store: h.mem, t: t, secrets: secrets}
	h.cfg.Store = h.store
	h.reg = h.registry()
	t.Cleanup(func() {
		if h.store.checked.Load() == 0 && h.store.commits.Load() > 0 {
			t.Error("piiStore inspected nothing")
		}
	})
	return h
}

// registry returns another Registry (another process) over the same store.
func (h *harness) registry() *identity.Registry {
	h.t.Helper()
	r, err := identity.New(h.cfg)
	if err != nil {
		h.t.Fatalf("identity.New: %v", err)
	}
	return r
}

func (h *harness) resolve(app, openid string) identity.Customer {
	h.t.Helper()
	c, err := h.reg.Resolve(bg, app, openid)
	if err != nil {
		h.t.Fatalf("Resolve(%s, %s): %v", app, openid, err)
	}
	return c
}

func (h *harness) get(id string) identity.Customer {
	h.t.Helper()
	c, err := h.reg.Get(bg, id)
	if err != nil {
		h.t.Fatalf("Get(%s): %v", id, err)
	}
	return c
}

// must fails the test on err and returns c.
func must(t *testing.T) func(identity.Customer, error) identity.Customer {
	return func(c identity.Customer, err error) identity.Customer {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

func phone(s string) identity.Phone { return identity.MustParsePhone(s) }

// records returns every record in the store, in id order.
func (h *harness) records() []identity.Record {
	h.t.Helper()
	recs, err := h.mem.List(bg, identity.Query{Limit: 1000})
	if err != nil {
		h.t.Fatal(err)
	}
	return recs
}

// wantConflict fails unless err is a *ConflictError on kind with the proof.
func wantConflict(t *testing.T, err error, kind, proof identity.Kind) *identity.ConflictError {
	t.Helper()
	var ce *identity.ConflictError
	if !errors.Is(err, identity.ErrIdentifierConflict) || !errors.As(err, &ce) {
		t.Fatalf("error %v; want *ConflictError on %v", err, kind)
	}
	if ce.Kind != kind || ce.Proof != proof {
		t.Fatalf("conflict on %v with proof %v; want %v with proof %v", ce.Kind, ce.Proof, kind, proof)
	}
	return ce
}

// containsAll reports whether s contains every sub.
func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
