package identitytest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
)

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
