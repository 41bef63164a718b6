package identity_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kefu-go/kefu/identity"
)

// oaAndMini creates an Official Account customer with tags and attributes
// and, an hour later, a mini-program customer with its own.
func (h *harness) oaAndMini() (oa, mini identity.Customer) {
	t := h.t
	oa = h.resolve("wxoa", "o-oa")
	oa = must(t)(h.reg.Update(bg, oa.ID, func(c *identity.Customer) error {
		c.Tags = []string{"vip"}
		c.Attributes = map[string]string{"source": "oa"}
		return nil
	}))
	h.clock.Advance(time.Hour)
	mini = h.resolve("wxmini", "o-mini")
	mini = must(t)(h.reg.Update(bg, mini.ID, func(c *identity.Customer) error {
		c.Tags = []string{"孕期"}
		c.Attributes = map[string]string{"source": "mini", "store": "徐汇店"}
		c.Sensitive = map[string]string{"skin": "敏感"}
		return nil
	}))
	return oa, mini
}

func TestLinkUnionIDAcrossApps(t *testing.T) {
	h := newHarness(t)
	oa := h.resolve("wxoa", "o-oa")
	oa = must(t)(h.reg.LinkUnionID(bg, oa.ID, "u-1"))
	if oa.UnionID != "u-1" {
		t.Fatalf("unionid %q after LinkUnionID", oa.UnionID)
	}
	// The same person opens the mini program: a new customer until the
	// unionid arrives, then one customer with both openids.
	mini := h.resolve("wxmini", "o-mini")
	if mini.ID == oa.ID {
		t.Fatal("mini-program openid resolved to the OA customer before any link")
	}
	c := must(t)(h.reg.LinkUnionID(bg, mini.ID, "u-1"))
	if c.ID != oa.ID {
		t.Fatalf("linked customer %s; want the older one %s", c.ID, oa.ID)
	}
	if got, _ := c.OpenID("wxmini"); got != "o-mini" {
		t.Fatalf("linked customer has mini-program openid %q", got)
	}
	if got, _ := c.OpenID("wxoa"); got != "o-oa" {
		t.Fatalf("linked customer has OA openid %q", got)
	}
	for _, r := range []*identity.Registry{h.reg, h.registry()} {
		for _, app := range [][2]string{{"wxoa", "o-oa"}, {"wxmini", "o-mini"}} {
			if got := must(t)(r.Resolve(bg, app[0], app[1])); got.ID != oa.ID {
				t.Fatalf("Resolve(%s) = %s; want %s", app[0], got.ID, oa.ID)
			}
		}
		if got := must(t)(r.LookupUnionID(bg, "u-1")); got.ID != oa.ID {
			t.Fatalf("LookupUnionID = %s; want %s", got.ID, oa.ID)
		}
	}
	// Linking again is a no-op.
	commits := h.store.commits.Load()
	must(t)(h.reg.LinkUnionID(bg, oa.ID, "u-1"))
	if h.store.commits.Load() != commits {
		t.Fatal("re-linking the same unionid wrote to the store")
	}
	if _, err := h.reg.LinkUnionID(bg, oa.ID, ""); !errors.Is(err, identity.ErrInvalidIdentifier) {
		t.Fatalf("empty unionid: %v; want ErrInvalidIdentifier", err)
	}
}

func TestMergeKeepsHistoryAndTags(t *testing.T) {
	h := newHarness(t)
	oa, mini := h.oaAndMini()
	must(t)(h.reg.LinkUnionID(bg, mini.ID, "u-1"))
	h.clock.Advance(time.Minute)
	m := must(t)(h.reg.LinkUnionID(bg, oa.ID, "u-1"))

	if m.ID != oa.ID {
		t.Fatalf("survivor %s; want the older customer %s", m.ID, oa.ID)
	}
	if !m.HasTag("vip") || !m.HasTag("孕期") {
		t.Fatalf("merged tags %v; want both customers' tags", m.Tags)
	}
	if m.Attributes["source"] != "oa" || m.Attributes["store"] != "徐汇店" || m.Sensitive["skin"] != "敏感" {
		t.Fatalf("merged attributes %v (survivor's values win, others added)", m.Attributes)
	}
	if !m.FirstSeen.Equal(oa.FirstSeen) || !m.LastSeen.Equal(mini.LastSeen) {
		t.Fatalf("merged first/last seen %v/%v; want %v/%v", m.FirstSeen, m.LastSeen, oa.FirstSeen, mini.LastSeen)
	}
	if len(m.MergeIDs) != 1 {
		t.Fatalf("survivor MergeIDs %v; want one merge record", m.MergeIDs)
	}
	rec, err := h.mem.GetMerge(bg, m.MergeIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if rec.Winner != oa.ID || rec.Loser != mini.ID || rec.Proof != identity.KindUnionID ||
		!rec.At.Equal(t0.Add(time.Hour+time.Minute)) || !rec.UndoneAt.IsZero() {
		t.Fatalf("merge record %+v", rec)
	}
	// The record keeps both sides exactly as stored before the merge.
	if rec.WinnerBefore.ID != oa.ID || !slices.Equal(rec.WinnerBefore.Tags, []string{"vip"}) || rec.WinnerBefore.UnionID != "" {
		t.Fatalf("winner snapshot %+v", rec.WinnerBefore)
	}
	if rec.LoserBefore.ID != mini.ID || !slices.Equal(rec.LoserBefore.Tags, []string{"孕期"}) || rec.LoserBefore.UnionID != "u-1" {
		t.Fatalf("loser snapshot %+v", rec.LoserBefore)
	}
	// The absorbed customer is a tombstone pointing at the survivor, and its
	// id still works.
	tomb, err := h.mem.Get(bg, mini.ID)
	if err != nil || tomb.MergedInto != oa.ID || len(tomb.Keys()) != 0 || !slices.Contains(tomb.MergeIDs, rec.ID) {
		t.Fatalf("tombstone %+v, %v", tomb, err)
	}
	if got := h.get(mini.ID); got.ID != oa.ID {
		t.Fatalf("Get(absorbed id) = %s; want %s", got.ID, oa.ID)
	}
	if !containsAll(h.logs.String(), `"msg":"identity: customers merged"`, `"merge":"`+rec.ID+`"`, `"proof":"unionid"`) {
		t.Fatalf("merge not logged: %s", h.logs.String())
	}
}

// rankingCase sets up two customers a and b and then binds an identifier to
// a that b already holds, proving (or not) that they are one person.
type rankingCase struct {
	name     string
	setup    func(h *harness, a, b identity.Customer)
	bind     func(h *harness, a identity.Customer) (identity.Customer, error)
	proof    identity.Kind
	conflict identity.Kind // 0: the merge must happen
}

func setMember(h *harness, c identity.Customer, member string) {
	h.t.Helper()
	u := "u-of-" + member
	h.dir.ByUnionID[u] = identity.Member{ID: member, Level: "gold"}
	must(h.t)(h.reg.LinkUnionID(bg, c.ID, u))
	got, _, err := h.reg.LookupMember(bg, c.ID)
	if err != nil || got.MemberID != member {
		h.t.Fatalf("binding member %s: %v (%q)", member, err, got.MemberID)
	}
}

func bindPhone(p string) func(h *harness, a identity.Customer) (identity.Customer, error) {
	return func(h *harness, a identity.Customer) (identity.Customer, error) {
		return h.reg.BindPhone(bg, a.ID, phone(p))
	}
}

func linkUnion(u string) func(h *harness, a identity.Customer) (identity.Customer, error) {
	return func(h *harness, a identity.Customer) (identity.Customer, error) {
		return h.reg.LinkUnionID(bg, a.ID, u)
	}
}

func bindOpenID(h *harness, a identity.Customer) (identity.Customer, error) {
	return h.reg.BindOpenID(bg, a.ID, "wxmini", "o-b")
}

func lookupMember(h *harness, a identity.Customer) (identity.Customer, error) {
	c, _, err := h.reg.LookupMember(bg, a.ID)
	return c, err
}

func TestIdentifierRanking(t *testing.T) {
	// Ranking: member id > unionid > phone > openid. A conflict on an
	// identifier stronger than the proof blocks the merge; a conflict on a
	// weaker one does not.
	cases := []rankingCase{
		{
			name:  "phone proves one person",
			setup: func(h *harness, a, b identity.Customer) { must(h.t)(h.reg.BindPhone(bg, b.ID, phone(phoneA))) },
			bind:  bindPhone(phoneA), proof: identity.KindPhone,
		},
		{
			name: "phone blocked by different unionids",
			setup: func(h *harness, a, b identity.Customer) {
				must(h.t)(h.reg.LinkUnionID(bg, a.ID, "u-a"))
				must(h.t)(h.reg.LinkUnionID(bg, b.ID, "u-b"))
				must(h.t)(h.reg.BindPhone(bg, b.ID, phone(phoneA)))
			},
			bind: bindPhone(phoneA), proof: identity.KindPhone, conflict: identity.KindUnionID,
		},
		{
			name: "phone blocked by different member ids",
			setup: func(h *harness, a, b identity.Customer) {
				setMember(h, a, "M-a")
				setMember(h, b, "M-b")
				must(h.t)(h.reg.BindPhone(bg, b.ID, phone(phoneA)))
			},
			bind: bindPhone(phoneA), proof: identity.KindPhone, conflict: identity.KindMember,
		},
		{
			name: "unionid merges despite different phones",
			setup: func(h *harness, a, b identity.Customer) {
				must(h.t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
				must(h.t)(h.reg.BindPhone(bg, b.ID, phone(phoneB)))
				must(h.t)(h.reg.LinkUnionID(bg, b.ID, "u-1"))
			},
			bind: linkUnion("u-1"), proof: identity.KindUnionID,
		},
		{
			name: "unionid blocked by different member ids",
			setup: func(h *harness, a, b identity.Customer) {
				h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-a"}
				must(h.t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
				must(h.t)(lookupMember(h, a))
				setMember(h, b, "M-b") // also gives b unionid u-of-M-b
			},
			bind: linkUnion("u-of-M-b"), proof: identity.KindUnionID, conflict: identity.KindMember,
		},
		{
			name: "member id merges despite different unionids and phones",
			setup: func(h *harness, a, b identity.Customer) {
				must(h.t)(h.reg.LinkUnionID(bg, a.ID, "u-a"))
				must(h.t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
				must(h.t)(h.reg.BindPhone(bg, b.ID, phone(phoneB)))
				setMember(h, b, "M-1")
				h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-1", Level: "gold"}
			},
			bind: lookupMember, proof: identity.KindMember,
		},
		{
			name:  "openid proves one person",
			setup: func(h *harness, a, b identity.Customer) {},
			bind:  bindOpenID, proof: identity.KindOpenID,
		},
		{
			name: "openid blocked by different phones",
			setup: func(h *harness, a, b identity.Customer) {
				must(h.t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
				must(h.t)(h.reg.BindPhone(bg, b.ID, phone(phoneB)))
			},
			bind: bindOpenID, proof: identity.KindOpenID, conflict: identity.KindPhone,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			a := h.resolve("wxoa", "o-a")
			h.clock.Advance(time.Minute)
			b := h.resolve("wxmini", "o-b")
			tc.setup(h, a, b)
			before := h.records()
			commits := h.store.commits.Load()
			c, err := tc.bind(h, a)
			if tc.conflict != 0 {
				ce := wantConflict(t, err, tc.conflict, tc.proof)
				if ce.Customer != a.ID || ce.Other != b.ID {
					t.Fatalf("conflict names %s/%s; want %s/%s", ce.Customer, ce.Other, a.ID, b.ID)
				}
				if n := h.store.commits.Load() - commits; n != 0 {
					t.Fatalf("blocked merge wrote to the store %d times", n)
				}
				if d := cmp.Diff(before, h.records()); d != "" {
					t.Fatalf("blocked merge changed the store (-before +after):\n%s", d)
				}
				return
			}
			if err != nil {
				t.Fatalf("merge: %v", err)
			}
			if c.ID != a.ID || len(c.OpenIDs) != 2 || len(c.MergeIDs) != 1 {
				t.Fatalf("merged customer %s with openids %v, merges %v; want %s with both", c.ID, c.OpenIDs, c.MergeIDs, a.ID)
			}
			rec, err := h.mem.GetMerge(bg, c.MergeIDs[0])
			if err != nil || rec.Proof != tc.proof {
				t.Fatalf("merge record proof %v (%v); want %v", rec.Proof, err, tc.proof)
			}
			if got := must(t)(h.reg.Resolve(bg, "wxmini", "o-b")); got.ID != a.ID {
				t.Fatalf("b's openid resolves to %s after the merge", got.ID)
			}
		})
	}
}

func TestCustomerNeverGetsSecondStrongIdentifier(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.LinkUnionID(bg, a.ID, "u-1"))
	_, err := h.reg.LinkUnionID(bg, a.ID, "u-2")
	if ce := wantConflict(t, err, identity.KindUnionID, identity.KindUnionID); ce.Other != "" {
		t.Fatalf("conflict with a new identifier names another customer %q", ce.Other)
	}
	setMember(h, h.resolve("wxoa", "o-b"), "M-1")
	b := h.resolve("wxoa", "o-b")
	h.dir.ByUnionID["u-of-M-1"] = identity.Member{ID: "M-2"} // the CRM now says otherwise
	_, _, err = h.reg.RefreshMember(bg, b.ID)
	wantConflict(t, err, identity.KindMember, identity.KindMember)
}

func TestManualMerge(t *testing.T) {
	h := newHarness(t)
	oa, mini := h.oaAndMini()
	must(t)(h.reg.BindPhone(bg, oa.ID, phone(phoneA)))
	must(t)(h.reg.BindPhone(bg, mini.ID, phone(phoneB)))
	// No identifier proves a manual merge: even a phone disagreement blocks it.
	_, err := h.reg.Merge(bg, mini.ID, oa.ID)
	wantConflict(t, err, identity.KindPhone, 0)
	z := h.resolve("wxoa", "o-z")
	m := must(t)(h.reg.Merge(bg, z.ID, oa.ID))
	if m.ID != oa.ID || len(m.OpenIDs) != 2 || m.Phone != phone(phoneA) {
		t.Fatalf("manual merge: %v", m)
	}
	rec, err := h.mem.GetMerge(bg, m.MergeIDs[len(m.MergeIDs)-1])
	if err != nil || rec.Proof != 0 || rec.Loser != z.ID {
		t.Fatalf("manual merge record %+v, %v", rec, err)
	}
	if same := must(t)(h.reg.Merge(bg, oa.ID, z.ID)); same.ID != oa.ID || len(same.MergeIDs) != 1 {
		t.Fatalf("merging a customer with itself: %v", same)
	}
	if _, err := h.reg.Merge(bg, oa.ID, "missing"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("merge with a missing customer: %v; want ErrNotFound", err)
	}
}

func TestUndoMergeFromRecord(t *testing.T) {
	h := newHarness(t)
	oa, mini := h.oaAndMini()
	must(t)(h.reg.BindPhone(bg, oa.ID, phone(phoneA)))
	must(t)(h.reg.BindPhone(bg, mini.ID, phone(phoneB)))
	must(t)(h.reg.LinkUnionID(bg, mini.ID, "u-1"))
	m := must(t)(h.reg.LinkUnionID(bg, oa.ID, "u-1"))
	h.clock.Advance(time.Hour)
	must(t)(h.reg.Tag(bg, m.ID, "after-merge")) // changes since the merge survive the undo

	w, l, err := h.reg.UndoMerge(bg, m.MergeIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if w.ID != oa.ID || l.ID != mini.ID {
		t.Fatalf("undo returned %s and %s; want %s and %s", w.ID, l.ID, oa.ID, mini.ID)
	}
	if w.UnionID != "" || len(w.OpenIDs) != 1 || w.Phone != phone(phoneA) ||
		!slices.Equal(w.Tags, []string{"vip", "after-merge"}) || w.Attributes["store"] != "" || len(w.Sensitive) != 0 {
		t.Fatalf("survivor after undo: %v, attributes %v", w, w.Attributes)
	}
	if l.UnionID != "u-1" || l.Phone != phone(phoneB) || !slices.Equal(l.Tags, []string{"孕期"}) || l.Sensitive["skin"] != "敏感" {
		t.Fatalf("restored customer: %v", l)
	}
	for _, r := range []*identity.Registry{h.reg, h.registry()} {
		if c := must(t)(r.Resolve(bg, "wxmini", "o-mini")); c.ID != mini.ID {
			t.Fatalf("mini-program openid resolves to %s after undo; want %s", c.ID, mini.ID)
		}
		if c := must(t)(r.LookupPhone(bg, phone(phoneB))); c.ID != mini.ID {
			t.Fatalf("phone B resolves to %s after undo; want %s", c.ID, mini.ID)
		}
		if c := must(t)(r.LookupUnionID(bg, "u-1")); c.ID != mini.ID {
			t.Fatalf("unionid resolves to %s after undo; want %s", c.ID, mini.ID)
		}
		if c := must(t)(r.Get(bg, mini.ID)); c.ID != mini.ID {
			t.Fatalf("Get(restored id) = %s", c.ID)
		}
	}
	rec, err := h.mem.GetMerge(bg, m.MergeIDs[0])
	if err != nil || !rec.UndoneAt.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("merge record after undo: undone at %v (%v)", rec.UndoneAt, err)
	}
	if _, _, err := h.reg.UndoMerge(bg, rec.ID); !errors.Is(err, identity.ErrCannotUndo) {
		t.Fatalf("undoing twice: %v; want ErrCannotUndo", err)
	}
	if _, _, err := h.reg.UndoMerge(bg, "no-such-merge"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("undo of an unknown merge: %v; want ErrNotFound", err)
	}
	if !containsAll(h.logs.String(), `"msg":"identity: merge undone"`) {
		t.Fatal("undo not logged")
	}
}

func TestUndoMergeRefusedWhenIdentifierTaken(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	b := h.resolve("wxmini", "o-b")
	must(t)(h.reg.BindPhone(bg, b.ID, phone(phoneA)))
	m := must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	// The survivor changes phone; a third customer takes the old one.
	must(t)(h.reg.BindPhone(bg, m.ID, phone(phoneB)))
	c := h.resolve("wxoa", "o-c")
	must(t)(h.reg.BindPhone(bg, c.ID, phone(phoneA)))
	_, _, err := h.reg.UndoMerge(bg, m.MergeIDs[0])
	if !errors.Is(err, identity.ErrCannotUndo) {
		t.Fatalf("undo with a restored phone owned by a third customer: %v; want ErrCannotUndo", err)
	}
	if got := must(t)(h.reg.LookupPhone(bg, phone(phoneA))); got.ID != c.ID {
		t.Fatalf("refused undo moved the phone to %s", got.ID)
	}
}

func TestBindOpenID(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	c := must(t)(h.reg.BindOpenID(bg, a.ID, "wxmini", "o-mini"))
	if c.ID != a.ID || len(c.OpenIDs) != 2 {
		t.Fatalf("after BindOpenID: %v", c.OpenIDs)
	}
	if got := must(t)(h.reg.Resolve(bg, "wxmini", "o-mini")); got.ID != a.ID {
		t.Fatalf("bound openid resolves to %s", got.ID)
	}
	if _, err := h.reg.BindOpenID(bg, a.ID, "", "x"); !errors.Is(err, identity.ErrInvalidIdentifier) {
		t.Fatalf("empty app: %v; want ErrInvalidIdentifier", err)
	}
	if _, err := h.reg.BindOpenID(bg, "missing", "wxoa", "x"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("unknown customer: %v; want ErrNotFound", err)
	}
}
