package identitytest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
)

func regFirstContact(t *testing.T, e *env) {
	a := e.resolve("wxoa", "o-alice")
	if a.ID == "" || len(a.OpenIDs) != 1 || a.OpenIDs[0] != (identity.OpenID{App: "wxoa", ID: "o-alice"}) {
		t.Fatalf("first contact: %+v", a.OpenIDs)
	}
	if !a.FirstSeen.Equal(t0) || !a.LastSeen.Equal(t0) {
		t.Fatalf("first/last seen %v %v; want %v", a.FirstSeen, a.LastSeen, t0)
	}
	if again := e.resolve("wxoa", "o-alice"); again.ID != a.ID {
		t.Fatalf("second contact created %s; want %s", again.ID, a.ID)
	}
	// A new Registry (another process) finds the same customer in the store.
	if c := ok(e.registry(nil).Resolve(bg, "wxoa", "o-alice"))(t); c.ID != a.ID {
		t.Fatalf("another registry resolved %s; want %s", c.ID, a.ID)
	}
	// Openids are per app.
	if b := e.resolve("wxmini", "o-alice"); b.ID == a.ID {
		t.Fatal("the same openid in another app resolved to the same customer")
	}
	for _, in := range [][2]string{{"", "o"}, {"wxoa", ""}, {"wx:oa", "o"}} {
		if _, err := e.reg.Resolve(bg, in[0], in[1]); !errors.Is(err, identity.ErrInvalidIdentifier) {
			t.Errorf("Resolve(%q, %q): %v; want ErrInvalidIdentifier", in[0], in[1], err)
		}
	}
	if _, err := e.reg.Get(bg, "missing"); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("Get(missing): %v; want ErrNotFound", err)
	}
}

func regConcurrentFirstContact(t *testing.T, e *env) {
	const n = 12
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		r := e.registry(nil) // separate registries: no shared cache, like separate replicas
		wg.Go(func() {
			c, err := r.Resolve(bg, "wxoa", "o-rush")
			ids[i], errs[i] = c.ID, err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Resolve %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("concurrent first contacts created two customers: %s and %s", ids[0], ids[i])
		}
	}
	recs := ok(e.store.List(bg, identity.Query{}))(t)
	if len(recs) != 1 {
		t.Fatalf("%d customers stored; want exactly 1", len(recs))
	}
}

func regLastSeen(t *testing.T, e *env) {
	a := e.resolve("wxoa", "o-alice")
	commits := e.store.Commits()
	e.clock.Advance(30 * time.Second)
	for range 5 {
		e.resolve("wxoa", "o-alice")
	}
	if got := e.store.Commits(); got != commits {
		t.Fatalf("resolves within the cache TTL wrote to the store %d times", got-commits)
	}
	e.clock.Advance(time.Minute)
	c := e.resolve("wxoa", "o-alice")
	want := t0.Add(90 * time.Second)
	if !c.LastSeen.Equal(want) || !c.FirstSeen.Equal(t0) {
		t.Fatalf("after a minute: first %v last %v; want %v %v", c.FirstSeen, c.LastSeen, t0, want)
	}
	rec := ok(e.store.Get(bg, a.ID))(t)
	if !rec.LastSeen.Equal(want) {
		t.Fatalf("stored LastSeen %v; want %v", rec.LastSeen, want)
	}
}

func regCacheInvalidation(t *testing.T, e *env) {
	a := e.resolve("wxoa", "o-alice")
	ok(e.reg.Tag(bg, a.ID, "vip"))(t)
	if c := e.resolve("wxoa", "o-alice"); !c.HasTag("vip") {
		t.Fatal("Resolve served a stale customer after Tag on the same registry")
	}
	other := e.registry(nil)
	ok(other.Tag(bg, a.ID, "from-other-process"))(t)
	if c := e.resolve("wxoa", "o-alice"); c.HasTag("from-other-process") {
		t.Log("change from another registry visible before CacheTTL (allowed)")
	}
	e.clock.Advance(2 * time.Minute)
	if c := e.resolve("wxoa", "o-alice"); !c.HasTag("from-other-process") {
		t.Fatal("change from another registry still invisible after CacheTTL")
	}
	if c := e.get(a.ID); !c.HasTag("from-other-process") {
		t.Fatal("Get served a stale customer after CacheTTL")
	}
}

func regPhone(t *testing.T, e *env) {
	a := e.resolve("wxoa", "o-alice")
	c := ok(e.reg.BindPhone(bg, a.ID, phone("+86 138-1234-5678")))(t)
	if c.ID != a.ID || c.Phone != phone(phone1) || c.Phone.Masked() != "138****5678" {
		t.Fatalf("after BindPhone: %v", c)
	}
	got := ok(e.registry(nil).LookupPhone(bg, phone("008613812345678")))(t)
	if got.ID != a.ID || got.Phone.E164() != "+86"+phone1 {
		t.Fatalf("LookupPhone from a fresh registry = %v; want %s", got, a.ID)
	}
	// Binding the same phone again changes nothing.
	commits := e.store.Commits()
	ok(e.reg.BindPhone(bg, a.ID, phone(phone1)))(t)
	if e.store.Commits() != commits {
		t.Fatal("re-binding the same phone wrote to the store")
	}
	// A new verified phone replaces the old one.
	ok(e.reg.BindPhone(bg, a.ID, phone(phone2)))(t)
	if _, err := e.reg.LookupPhone(bg, phone(phone1)); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("old phone still found: %v", err)
	}
	if got := ok(e.reg.LookupPhone(bg, phone(phone2)))(t); got.ID != a.ID {
		t.Fatalf("new phone resolves to %s", got.ID)
	}
	if _, err := e.reg.LookupPhone(bg, phone(phone3)); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("unknown phone: %v; want ErrNotFound", err)
	}
	if _, err := e.reg.BindPhone(bg, a.ID, identity.Phone{}); !errors.Is(err, identity.ErrInvalidPhone) {
		t.Fatalf("zero phone: %v; want ErrInvalidPhone", err)
	}
}
