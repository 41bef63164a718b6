package identitytest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
)

// Test phone numbers, names and sensitive values: none may reach the store.
const (
	phone1 = "13812345678"
	phone2 = "13900001111"
	phone3 = "13655556666"
	name1  = "张先生"
	name2  = "李女士"
	secret = "上海市徐汇区某路1号"
)

var secrets = []string{phone1, phone2, phone3, name1, name2, secret}

// TestRegistry drives an identity.Registry over stores made by newStore
// through every flow, and checks after each one that the store never
// received a phone number, a name or a sensitive attribute in clear. newStore
// must return a new, empty store on every call. Run it with -race.
func TestRegistry(t *testing.T, newStore func(t *testing.T) identity.Store) {
	t.Helper()
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"FirstContact", regFirstContact},
		{"ConcurrentFirstContact", regConcurrentFirstContact},
		{"LastSeen", regLastSeen},
		{"CacheInvalidation", regCacheInvalidation},
		{"Phone", regPhone},
		{"UnionIDMerge", regUnionIDMerge},
		{"MergeBlocked", regMergeBlocked},
		{"WeakerConflictMerges", regWeakerConflict},
		{"ManualMerge", regManualMerge},
		{"UndoMerge", regUndoMerge},
		{"UndoPhoneMerge", regUndoPhoneMerge},
		{"Member", regMember},
		{"MemberMerge", regMemberMerge},
		{"Tags", regTags},
		{"Update", regUpdate},
		{"Erase", regErase},
		{"EraseMerged", regEraseMerged},
		{"ForgetOpenID", regForgetOpenID},
		{"Reencrypt", regReencrypt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, newStore(t))
			tc.fn(t, e)
			e.store.checkNoPlaintext(t, secrets...)
		})
	}
}

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

// twoCustomers creates an Official Account customer (older) and a
// mini-program customer (one hour younger) with tags and attributes.
func (e *env) twoCustomers() (oa, mini identity.Customer) {
	t := e.t
	oa = e.resolve("wxoa", "o-oa")
	oa = ok(e.reg.Update(bg, oa.ID, func(c *identity.Customer) error {
		c.Tags = []string{"vip"}
		c.Attributes = map[string]string{"source": "oa"}
		return nil
	}))(t)
	e.clock.Advance(time.Hour)
	mini = e.resolve("wxmini", "o-mini")
	mini = ok(e.reg.Update(bg, mini.ID, func(c *identity.Customer) error {
		c.Tags = []string{"孕期"}
		c.Attributes = map[string]string{"source": "mini", "store": "徐汇店"}
		c.Sensitive = map[string]string{"address": secret}
		return nil
	}))(t)
	return oa, mini
}

func regUnionIDMerge(t *testing.T, e *env) {
	oa, mini := e.twoCustomers()
	ok(e.reg.LinkUnionID(bg, mini.ID, "u-1"))(t)
	m := ok(e.reg.LinkUnionID(bg, oa.ID, "u-1"))(t)
	if m.ID != oa.ID {
		t.Fatalf("merged into %s; want the older customer %s", m.ID, oa.ID)
	}
	if len(m.OpenIDs) != 2 || m.UnionID != "u-1" || !m.HasTag("vip") || !m.HasTag("孕期") {
		t.Fatalf("merged customer lacks identifiers or tags: %+v %q %v", m.OpenIDs, m.UnionID, m.Tags)
	}
	if m.Attributes["source"] != "oa" || m.Attributes["store"] != "徐汇店" || m.Sensitive["address"] != secret {
		t.Fatalf("merged attributes: %v, sensitive kept: %v", m.Attributes, m.Sensitive["address"] == secret)
	}
	if !m.FirstSeen.Equal(t0) || len(m.MergeIDs) != 1 {
		t.Fatalf("merged FirstSeen %v, MergeIDs %v", m.FirstSeen, m.MergeIDs)
	}
	for _, r := range []*identity.Registry{e.reg, e.registry(nil)} {
		if c := ok(r.Resolve(bg, "wxmini", "o-mini"))(t); c.ID != oa.ID {
			t.Fatalf("mini-program openid resolves to %s after merge; want %s", c.ID, oa.ID)
		}
		if c := ok(r.Get(bg, mini.ID))(t); c.ID != oa.ID {
			t.Fatalf("Get(merged-away id) = %s; want %s", c.ID, oa.ID)
		}
		if c := ok(r.LookupUnionID(bg, "u-1"))(t); c.ID != oa.ID {
			t.Fatalf("LookupUnionID = %s; want %s", c.ID, oa.ID)
		}
	}
	rec := ok(e.store.GetMerge(bg, m.MergeIDs[0]))(t)
	if rec.Winner != oa.ID || rec.Loser != mini.ID || rec.Proof != identity.KindUnionID || !rec.UndoneAt.IsZero() {
		t.Fatalf("merge record %+v", rec)
	}
	if rec.LoserBefore.ID != mini.ID || !slices.Contains(rec.LoserBefore.Tags, "孕期") {
		t.Fatalf("merge record does not keep the absorbed customer: %+v", rec.LoserBefore)
	}
}

func wantConflict(t *testing.T, err error, kind identity.Kind) {
	t.Helper()
	var ce *identity.ConflictError
	if !errors.Is(err, identity.ErrIdentifierConflict) || !errors.As(err, &ce) || ce.Kind != kind {
		t.Fatalf("error %v; want *ConflictError on %v", err, kind)
	}
}

func regMergeBlocked(t *testing.T, e *env) {
	oa, mini := e.twoCustomers()
	ok(e.reg.LinkUnionID(bg, oa.ID, "u-oa"))(t)
	ok(e.reg.LinkUnionID(bg, mini.ID, "u-mini"))(t)
	ok(e.reg.BindPhone(bg, mini.ID, phone(phone1)))(t)
	// A phone shared by two different WeChat users (different unionids) does
	// not fuse them: unionid outranks phone.
	_, err := e.reg.BindPhone(bg, oa.ID, phone(phone1))
	wantConflict(t, err, identity.KindUnionID)
	if c := e.get(oa.ID); !c.Phone.IsZero() || len(c.OpenIDs) != 1 {
		t.Fatalf("blocked merge changed the customer: %v", c)
	}
	if c := ok(e.reg.LookupPhone(bg, phone(phone1)))(t); c.ID != mini.ID {
		t.Fatalf("blocked merge moved the phone to %s", c.ID)
	}
	// Different CRM member ids block a phone merge.
	x := e.resolve("wxoa", "o-x")
	xm := e.bindMember(x.ID, "M-x")
	y := e.resolve("wxmini", "o-y")
	ok(e.reg.BindPhone(bg, y.ID, phone(phone3)))(t)
	e.dir.ByPhone["+86"+phone3] = identity.Member{ID: "M-y", Level: "gold"}
	ok2(t)(e.reg.LookupMember(bg, y.ID))
	_, err = e.reg.BindPhone(bg, xm.ID, phone(phone3))
	wantConflict(t, err, identity.KindMember)
	// A customer never gets a second unionid.
	_, err = e.reg.LinkUnionID(bg, oa.ID, "u-other")
	wantConflict(t, err, identity.KindUnionID)
}

// bindMember binds a CRM member id through the directory.
func (e *env) bindMember(id, member string) identity.Customer {
	e.t.Helper()
	u := "u-for-" + member
	e.dir.ByUnionID[u] = identity.Member{ID: member, Level: "gold"}
	c := ok(e.reg.LinkUnionID(bg, id, u))(e.t)
	c, _ = ok2(e.t)(e.reg.LookupMember(bg, c.ID))
	if c.MemberID != member {
		e.t.Fatalf("member %q bound; want %q", c.MemberID, member)
	}
	return c
}

func ok2(t *testing.T) func(identity.Customer, identity.Member, error) (identity.Customer, identity.Member) {
	return func(c identity.Customer, m identity.Member, err error) (identity.Customer, identity.Member) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c, m
	}
}

func regWeakerConflict(t *testing.T, e *env) {
	oa, mini := e.twoCustomers()
	ok(e.reg.BindPhone(bg, oa.ID, phone(phone1)))(t)
	ok(e.reg.BindPhone(bg, mini.ID, phone(phone2)))(t)
	ok(e.reg.LinkUnionID(bg, mini.ID, "u-1"))(t)
	// The unionid proves one person; the phones differ, but phone is weaker:
	// the older customer's phone is kept.
	m := ok(e.reg.LinkUnionID(bg, oa.ID, "u-1"))(t)
	if m.ID != oa.ID || m.Phone != phone(phone1) {
		t.Fatalf("merged %s with phone %v; want %s with 138****5678", m.ID, m.Phone, oa.ID)
	}
	if _, err := e.reg.LookupPhone(bg, phone(phone2)); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("dropped phone still bound: %v", err)
	}
}

func regManualMerge(t *testing.T, e *env) {
	oa, mini := e.twoCustomers()
	ok(e.reg.BindPhone(bg, oa.ID, phone(phone1)))(t)
	ok(e.reg.BindPhone(bg, mini.ID, phone(phone2)))(t)
	_, err := e.reg.Merge(bg, mini.ID, oa.ID)
	wantConflict(t, err, identity.KindPhone)
	z := e.resolve("wxoa", "o-z")
	m := ok(e.reg.Merge(bg, z.ID, oa.ID))(t)
	if m.ID != oa.ID || len(m.OpenIDs) != 2 || m.Phone != phone(phone1) {
		t.Fatalf("manual merge: %v", m)
	}
	rec := ok(e.store.GetMerge(bg, m.MergeIDs[len(m.MergeIDs)-1]))(t)
	if rec.Proof != 0 {
		t.Fatalf("manual merge proof %v", rec.Proof)
	}
	if same := ok(e.reg.Merge(bg, oa.ID, z.ID))(t); same.ID != oa.ID {
		t.Fatalf("merging a customer with itself: %v", same)
	}
}

func regUndoMerge(t *testing.T, e *env) {
	oa, mini := e.twoCustomers()
	ok(e.reg.LinkUnionID(bg, mini.ID, "u-1"))(t)
	m := ok(e.reg.LinkUnionID(bg, oa.ID, "u-1"))(t)
	e.clock.Advance(time.Hour)
	ok(e.reg.Tag(bg, m.ID, "after-merge"))(t) // a change made after the merge survives the undo
	w, l, err := e.reg.UndoMerge(bg, m.MergeIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if w.ID != oa.ID || l.ID != mini.ID {
		t.Fatalf("undo returned %s, %s", w.ID, l.ID)
	}
	if w.UnionID != "" || len(w.OpenIDs) != 1 || w.HasTag("孕期") || !w.HasTag("after-merge") || !w.HasTag("vip") {
		t.Fatalf("survivor after undo: %+v", w)
	}
	if _, has := w.Attributes["store"]; has || len(w.Sensitive) != 0 || w.Attributes["source"] != "oa" {
		t.Fatalf("survivor attributes after undo: %v (sensitive %d)", w.Attributes, len(w.Sensitive))
	}
	if l.UnionID != "u-1" || !l.HasTag("孕期") || l.Sensitive["address"] != secret {
		t.Fatalf("restored customer: %+v", l.OpenIDs)
	}
	for _, r := range []*identity.Registry{e.reg, e.registry(nil)} {
		if c := ok(r.Resolve(bg, "wxmini", "o-mini"))(t); c.ID != mini.ID {
			t.Fatalf("after undo the mini-program openid resolves to %s; want %s", c.ID, mini.ID)
		}
		if c := ok(r.LookupUnionID(bg, "u-1"))(t); c.ID != mini.ID {
			t.Fatalf("after undo the unionid resolves to %s; want %s", c.ID, mini.ID)
		}
		if c := ok(r.Get(bg, mini.ID))(t); c.ID != mini.ID {
			t.Fatalf("Get(restored) = %s", c.ID)
		}
	}
	rec := ok(e.store.GetMerge(bg, m.MergeIDs[0]))(t)
	if rec.UndoneAt.IsZero() {
		t.Fatal("merge record not marked undone")
	}
	if _, _, err := e.reg.UndoMerge(bg, m.MergeIDs[0]); !errors.Is(err, identity.ErrCannotUndo) {
		t.Fatalf("second undo: %v; want ErrCannotUndo", err)
	}
	if _, _, err := e.reg.UndoMerge(bg, "no-such-merge"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("undo of an unknown merge: %v; want ErrNotFound", err)
	}
}

func regUndoPhoneMerge(t *testing.T, e *env) {
	oa, mini := e.twoCustomers()
	ok(e.reg.BindPhone(bg, oa.ID, phone(phone1)))(t)
	ok(e.reg.BindPhone(bg, mini.ID, phone(phone2)))(t)
	// The older customer verifies the younger one's phone: merged, and the
	// survivor now has phone2.
	m := ok(e.reg.BindPhone(bg, oa.ID, phone(phone2)))(t)
	if m.ID != oa.ID || m.Phone != phone(phone2) || len(m.OpenIDs) != 2 {
		t.Fatalf("phone merge: %v", m)
	}
	if _, err := e.reg.LookupPhone(bg, phone(phone1)); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("replaced phone still bound: %v", err)
	}
	// Another merge into the survivor must be undone first.
	z := e.resolve("wxoa", "o-z")
	zm := ok(e.reg.Merge(bg, z.ID, oa.ID))(t)
	w, _, err := e.reg.UndoMerge(bg, zm.MergeIDs[len(zm.MergeIDs)-1])
	if err != nil || len(w.OpenIDs) != 2 {
		t.Fatalf("undo of the manual merge: %v, %v", w.OpenIDs, err)
	}
	w, l, err := e.reg.UndoMerge(bg, m.MergeIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if w.Phone != phone(phone1) || l.Phone != phone(phone2) {
		t.Fatalf("after undo phones are %v / %v; want 138****5678 / 139****1111", w.Phone, l.Phone)
	}
	if c := ok(e.reg.LookupPhone(bg, phone(phone1)))(t); c.ID != oa.ID {
		t.Fatalf("phone1 resolves to %s", c.ID)
	}
	if c := ok(e.reg.LookupPhone(bg, phone(phone2)))(t); c.ID != mini.ID {
		t.Fatalf("phone2 resolves to %s", c.ID)
	}
}

func regMember(t *testing.T, e *env) {
	a := e.resolve("wxoa", "o-alice")
	if _, _, err := e.reg.LookupMember(bg, a.ID); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("member lookup without phone or unionid: %v; want ErrNotFound", err)
	}
	ok(e.reg.BindPhone(bg, a.ID, phone(phone1)))(t)
	calls := e.dir.Calls()
	c, m := ok2(t)(e.reg.LookupMember(bg, a.ID))
	if m.ID != "M-1" || m.Level != "diamond" || m.Name != name1 {
		t.Fatalf("member %+v", m)
	}
	if c.MemberID != "M-1" || c.MemberLevel != "diamond" || c.Name != name1 {
		t.Fatalf("customer after member lookup: %v / name ok %v", c, c.Name == name1)
	}
	if got := ok(e.registry(nil).Get(bg, a.ID))(t); got.Name != name1 || got.MemberLevel != "diamond" {
		t.Fatal("member data not persisted")
	}
	ok2(t)(e.reg.LookupMember(bg, a.ID))
	if e.dir.Calls() != calls+1 {
		t.Fatalf("second lookup within MemberTTL reached the directory (%d calls)", e.dir.Calls()-calls)
	}
	// The CRM upgrades the member; a refresh sees it at once.
	e.dir.ByPhone["+86"+phone1] = identity.Member{ID: "M-1", Level: "black", Name: name1}
	if _, m := ok2(t)(e.reg.LookupMember(bg, a.ID)); m.Level != "diamond" {
		t.Fatalf("cached level %q; want diamond until refresh", m.Level)
	}
	c, m = ok2(t)(e.reg.RefreshMember(bg, a.ID))
	if m.Level != "black" || c.MemberLevel != "black" {
		t.Fatalf("after refresh level %q / %q; want black", m.Level, c.MemberLevel)
	}
	// After the TTL the directory is asked again.
	calls = e.dir.Calls()
	e.clock.Advance(11 * time.Minute)
	ok2(t)(e.reg.LookupMember(bg, a.ID))
	if e.dir.Calls() != calls+1 {
		t.Fatalf("lookup after MemberTTL: %d directory calls; want 1", e.dir.Calls()-calls)
	}
	// "No member" answers are cached too.
	b := e.resolve("wxoa", "o-bob")
	ok(e.reg.BindPhone(bg, b.ID, phone(phone3)))(t)
	calls = e.dir.Calls()
	for range 3 {
		if _, _, err := e.reg.LookupMember(bg, b.ID); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("no member: %v; want ErrNotFound", err)
		}
	}
	if e.dir.Calls() != calls+1 {
		t.Fatalf("negative answers: %d directory calls; want 1", e.dir.Calls()-calls)
	}
	noDir := e.registry(func(c *identity.Config) { c.Directory = nil })
	if _, _, err := noDir.LookupMember(bg, a.ID); !errors.Is(err, identity.ErrNoDirectory) {
		t.Fatalf("without a directory: %v; want ErrNoDirectory", err)
	}
}

func regMemberMerge(t *testing.T, e *env) {
	// The OA customer verified its phone; the mini-program customer has a
	// unionid. The CRM says both are member M-1: one person.
	oa, mini := e.twoCustomers()
	ok(e.reg.BindPhone(bg, oa.ID, phone(phone1)))(t)
	ok(e.reg.LinkUnionID(bg, mini.ID, "u-member"))(t)
	ok2(t)(e.reg.LookupMember(bg, oa.ID))
	c, _ := ok2(t)(e.reg.LookupMember(bg, mini.ID))
	if c.ID != oa.ID || c.MemberID != "M-1" || c.UnionID != "u-member" || len(c.OpenIDs) != 2 {
		t.Fatalf("member merge: %v", c)
	}
}

func regTags(t *testing.T, e *env) {
	a := e.resolve("wxoa", "o-alice")
	c := ok(e.reg.Tag(bg, a.ID, "敏感肌", "孕期", "敏感肌"))(t)
	if !slices.Equal(c.Tags, []string{"敏感肌", "孕期"}) {
		t.Fatalf("tags %v", c.Tags)
	}
	commits := e.store.Commits()
	ok(e.reg.Tag(bg, a.ID, "孕期"))(t)
	c = ok(e.reg.Untag(bg, a.ID, "孕期", "absent"))(t)
	if !slices.Equal(c.Tags, []string{"敏感肌"}) {
		t.Fatalf("tags after Untag %v", c.Tags)
	}
	if e.store.Commits() != commits+1 {
		t.Fatalf("%d commits for a no-op tag and an untag; want 1", e.store.Commits()-commits)
	}
	ch := e.tags.Changes()
	if len(ch) != 2 {
		t.Fatalf("%d tag syncs; want 2 (the no-op Tag syncs nothing): %+v", len(ch), ch)
	}
	want0 := identity.TagChange{CustomerID: a.ID, OpenIDs: a.OpenIDs, Added: []string{"敏感肌", "孕期"}}
	if ch[0].CustomerID != want0.CustomerID || !slices.Equal(ch[0].OpenIDs, want0.OpenIDs) ||
		!slices.Equal(ch[0].Added, want0.Added) || len(ch[0].Removed) != 0 {
		t.Fatalf("first sync %+v; want %+v", ch[0], want0)
	}
	if !slices.Equal(ch[1].Removed, []string{"孕期"}) || len(ch[1].Added) != 0 {
		t.Fatalf("second sync %+v", ch[1])
	}
	e.tags.mu.Lock()
	e.tags.Err = errors.New("wechat: 45159 invalid tag")
	e.tags.mu.Unlock()
	_, err := e.reg.Tag(bg, a.ID, "vip")
	var se *identity.TagSyncError
	if !errors.Is(err, identity.ErrTagSync) || !errors.As(err, &se) || se.CustomerID != a.ID {
		t.Fatalf("failing syncer: %v; want *TagSyncError", err)
	}
	if c := e.get(a.ID); !c.HasTag("vip") {
		t.Fatal("tag not stored when the syncer failed")
	}
	for _, bad := range []string{"", " padded", "a\nb", string(make([]byte, 65))} {
		if _, err := e.reg.Tag(bg, a.ID, bad); !errors.Is(err, identity.ErrInvalidIdentifier) {
			t.Errorf("Tag(%q): %v; want ErrInvalidIdentifier", bad, err)
		}
	}
}

func regUpdate(t *testing.T, e *env) {
	a := e.resolve("wxoa", "o-alice")
	ok(e.reg.BindPhone(bg, a.ID, phone(phone1)))(t)
	c := ok(e.reg.Update(bg, a.ID, func(c *identity.Customer) error {
		c.Name = name2
		c.MemberLevel = "silver"
		c.Attributes = map[string]string{"lang": "zh"}
		c.Sensitive = map[string]string{"address": secret}
		return nil
	}))(t)
	got := ok(e.registry(nil).Get(bg, a.ID))(t)
	if got.Name != name2 || got.MemberLevel != "silver" || got.Attributes["lang"] != "zh" || got.Sensitive["address"] != secret || got.Version != c.Version {
		t.Fatalf("after Update: %v (version %d, want %d)", got, got.Version, c.Version)
	}
	for field, f := range map[string]func(*identity.Customer){
		"phone":   func(c *identity.Customer) { c.Phone = phone(phone2) },
		"unionid": func(c *identity.Customer) { c.UnionID = "u-x" },
		"openids": func(c *identity.Customer) { c.OpenIDs = nil },
		"member":  func(c *identity.Customer) { c.MemberID = "M-x" },
		"id":      func(c *identity.Customer) { c.ID = "other" },
	} {
		_, err := e.reg.Update(bg, a.ID, func(c *identity.Customer) error { f(c); return nil })
		if !errors.Is(err, identity.ErrImmutable) {
			t.Errorf("Update changing %s: %v; want ErrImmutable", field, err)
		}
	}
	boom := errors.New("boom")
	if _, err := e.reg.Update(bg, a.ID, func(*identity.Customer) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("callback error: %v", err)
	}
}

func regErase(t *testing.T, e *env) {
	reg := e.registry(func(c *identity.Config) {
		c.Retention = identity.RetentionPolicy{KeepFor: 30 * 24 * time.Hour, KeepTags: true}
	})
	a := ok(reg.Resolve(bg, "wxoa", "o-alice"))(t)
	ok(reg.BindPhone(bg, a.ID, phone(phone1)))(t)
	ok(reg.LinkUnionID(bg, a.ID, "u-alice"))(t)
	ok(reg.Tag(bg, a.ID, "vip"))(t)
	if err := reg.Erase(bg, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Get(bg, a.ID); !errors.Is(err, identity.ErrErased) {
		t.Fatalf("Get(erased): %v; want ErrErased", err)
	}
	if _, err := reg.LookupPhone(bg, phone(phone1)); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("erased phone still found: %v", err)
	}
	if _, err := reg.LookupUnionID(bg, "u-alice"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("erased unionid still found: %v", err)
	}
	rec := ok(e.store.Get(bg, a.ID))(t)
	if len(rec.OpenIDs) != 0 || rec.UnionID != "" || rec.PhoneIndex != "" || !rec.Sealed.IsZero() || rec.ErasedAt.IsZero() || !slices.Equal(rec.Tags, []string{"vip"}) {
		t.Fatalf("anonymised record keeps data: %+v", rec)
	}
	if c := ok(reg.Resolve(bg, "wxoa", "o-alice"))(t); c.ID == a.ID {
		t.Fatal("the erased customer came back on the next contact")
	}
	if err := reg.Erase(bg, a.ID); err != nil {
		t.Fatalf("erasing twice: %v", err)
	}
	if n := ok(reg.PurgeErased(bg, t0.Add(29*24*time.Hour)))(t); n != 0 {
		t.Fatalf("purged %d records before the retention period ended", n)
	}
	if n := ok(reg.PurgeErased(bg, t0.Add(31*24*time.Hour)))(t); n != 1 {
		t.Fatalf("purged %d records after the retention period; want 1", n)
	}
	if _, err := e.store.Get(bg, a.ID); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("purged record still stored: %v", err)
	}
	// Without retention the record goes at once.
	b := e.resolve("wxoa", "o-bob")
	if err := e.reg.Erase(bg, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Get(bg, b.ID); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("erased record kept without retention: %v", err)
	}
}

func regEraseMerged(t *testing.T, e *env) {
	oa, mini := e.twoCustomers()
	ok(e.reg.LinkUnionID(bg, mini.ID, "u-1"))(t)
	m := ok(e.reg.LinkUnionID(bg, oa.ID, "u-1"))(t)
	// Erasing by the merged-away id erases the person.
	if err := e.reg.Erase(bg, mini.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{oa.ID, mini.ID} {
		if _, err := e.store.Get(bg, id); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("record %s survives erasure: %v", id, err)
		}
	}
	if _, err := e.store.GetMerge(bg, m.MergeIDs[0]); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("merge record (with snapshots) survives erasure: %v", err)
	}
	for _, o := range [][2]string{{"wxoa", "o-oa"}, {"wxmini", "o-mini"}} {
		if _, err := e.store.Lookup(bg, identity.OpenID{App: o[0], ID: o[1]}.Key()); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("openid %s still bound: %v", o[1], err)
		}
	}
}

func regForgetOpenID(t *testing.T, e *env) {
	oa, mini := e.twoCustomers()
	ok(e.reg.LinkUnionID(bg, mini.ID, "u-1"))(t)
	m := ok(e.reg.LinkUnionID(bg, oa.ID, "u-1"))(t)
	if err := e.reg.ForgetOpenID(bg, "wxmini", "o-mini"); err != nil {
		t.Fatal(err)
	}
	c := e.get(m.ID)
	if _, has := c.OpenID("wxmini"); has || len(c.OpenIDs) != 1 {
		t.Fatalf("openid not forgotten: %v", c.OpenIDs)
	}
	rec := ok(e.store.GetMerge(bg, m.MergeIDs[0]))(t)
	if len(rec.LoserBefore.OpenIDs) != 0 {
		t.Fatalf("forgotten openid kept in merge history: %v", rec.LoserBefore.OpenIDs)
	}
	if n := e.resolve("wxmini", "o-mini"); n.ID == m.ID {
		t.Fatal("forgotten openid still resolves to its customer")
	}
	if err := e.reg.ForgetOpenID(bg, "wxoa", "o-unknown"); err != nil {
		t.Fatalf("forgetting an unknown openid: %v", err)
	}
	// A customer whose only identifier is forgotten is erased.
	lone := e.resolve("wxoa", "o-lone")
	if err := e.reg.ForgetOpenID(bg, "wxoa", "o-lone"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Get(bg, lone.ID); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("customer without identifiers kept: %v", err)
	}
}

func regReencrypt(t *testing.T, e *env) {
	oa, mini := e.twoCustomers()
	ok(e.reg.BindPhone(bg, oa.ID, phone(phone1)))(t)
	ok(e.reg.LinkUnionID(bg, mini.ID, "u-1"))(t)
	m := ok(e.reg.LinkUnionID(bg, oa.ID, "u-1"))(t)
	b := e.resolve("wxoa", "o-bob")
	ok(e.reg.BindPhone(bg, b.ID, phone(phone2)))(t)

	k2, k1 := testKey(2), testKey(1)
	both, err := identity.NewKeyring("k2", map[string][]byte{"k1": k1, "k2": k2}, testKey(99))
	if err != nil {
		t.Fatal(err)
	}
	rotated := e.registry(func(c *identity.Config) { c.Keyring = both })
	n := ok(rotated.Reencrypt(bg))(t)
	if n != 3 { // two live customers and one merge record (two snapshots); the tombstone has nothing sealed
		t.Fatalf("Reencrypt rewrote %d records; want 3", n)
	}
	if n := ok(rotated.Reencrypt(bg))(t); n != 0 {
		t.Fatalf("second Reencrypt rewrote %d records; want 0", n)
	}
	recs := ok(e.store.List(bg, identity.Query{}))(t)
	for _, r := range recs {
		if !r.Sealed.IsZero() && r.Sealed.KeyID != "k2" {
			t.Fatalf("record %s still sealed with %q", r.ID, r.Sealed.KeyID)
		}
	}
	onlyNew, err := identity.NewKeyring("k2", map[string][]byte{"k2": k2}, testKey(99))
	if err != nil {
		t.Fatal(err)
	}
	fresh := e.registry(func(c *identity.Config) { c.Keyring = onlyNew })
	c := ok(fresh.LookupPhone(bg, phone(phone1)))(t)
	if c.ID != oa.ID || c.Sensitive["address"] != secret {
		t.Fatalf("after rotation: %v", c)
	}
	if _, _, err := fresh.UndoMerge(bg, m.MergeIDs[0]); err != nil {
		t.Fatalf("undo after rotation (snapshots re-sealed): %v", err)
	}
	// A keyring without the key fails closed.
	old := e.registry(nil)
	if _, err := old.Get(bg, b.ID); !errors.Is(err, identity.ErrDecrypt) {
		t.Fatalf("reading with a retired key: %v; want ErrDecrypt", err)
	}
}
