package identity_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
)

const month = 30 * 24 * time.Hour

func TestForgetOpenID(t *testing.T) {
	h := newHarness(t)
	oa, mini := h.oaAndMini()
	must(t)(h.reg.LinkUnionID(bg, mini.ID, "u-1"))
	m := must(t)(h.reg.LinkUnionID(bg, oa.ID, "u-1"))
	// The user unsubscribes from the mini program and asks to be forgotten
	// there: that openid goes, the person (reachable through the OA) stays.
	if err := h.reg.ForgetOpenID(bg, "wxmini", "o-mini"); err != nil {
		t.Fatal(err)
	}
	c := h.get(m.ID)
	if _, has := c.OpenID("wxmini"); has || len(c.OpenIDs) != 1 || c.UnionID != "u-1" || !c.HasTag("孕期") {
		t.Fatalf("after ForgetOpenID: %v", c)
	}
	if _, err := h.mem.Lookup(bg, identity.OpenID{App: "wxmini", ID: "o-mini"}.Key()); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("forgotten openid still bound: %v", err)
	}
	rec, err := h.mem.GetMerge(bg, m.MergeIDs[0])
	if err != nil || len(rec.LoserBefore.OpenIDs) != 0 {
		t.Fatalf("forgotten openid kept in the merge history: %v, %v", rec.LoserBefore.OpenIDs, err)
	}
	if again := h.resolve("wxmini", "o-mini"); again.ID == m.ID {
		t.Fatal("forgotten openid resolves to its old customer")
	}
	if err := h.reg.ForgetOpenID(bg, "wxoa", "o-unknown"); err != nil {
		t.Fatalf("forgetting an unknown openid: %v", err)
	}
	if err := h.reg.ForgetOpenID(bg, "", "x"); !errors.Is(err, identity.ErrInvalidIdentifier) {
		t.Fatalf("empty app: %v; want ErrInvalidIdentifier", err)
	}
}

func TestForgetLastOpenIDErasesCustomer(t *testing.T) {
	h := newHarness(t, func(c *identity.Config) { c.Retention = identity.RetentionPolicy{KeepFor: month} })
	lone := h.resolve("wxoa", "o-lone")
	must(t)(h.reg.Tag(bg, lone.ID, "vip"))
	if err := h.reg.ForgetOpenID(bg, "wxoa", "o-lone"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.reg.Get(bg, lone.ID); !errors.Is(err, identity.ErrErased) {
		t.Fatalf("customer without identifiers: %v; want ErrErased", err)
	}
	rec, err := h.mem.Get(bg, lone.ID)
	if err != nil || rec.ErasedAt.IsZero() || len(rec.Tags) != 0 || len(rec.OpenIDs) != 0 {
		t.Fatalf("anonymised record %+v, %v", rec, err)
	}
}

func TestEraseCustomerWithRetention(t *testing.T) {
	h := newHarness(t, func(c *identity.Config) {
		c.Retention = identity.RetentionPolicy{KeepFor: month, KeepTags: true, KeepMemberLevel: true}
	})
	h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-1", Level: "diamond", Name: "张先生"}
	a := h.resolve("wxoa", "o-a")
	must(t)(h.reg.BindPhone(bg, a.ID, phone(phoneA)))
	must(t)(h.reg.LinkUnionID(bg, a.ID, "u-a"))
	if _, _, err := h.reg.LookupMember(bg, a.ID); err != nil {
		t.Fatal(err)
	}
	must(t)(h.reg.Update(bg, a.ID, func(c *identity.Customer) error {
		c.Tags = []string{"vip"}
		c.Attributes = map[string]string{"city": "上海"}
		c.Sensitive = map[string]string{"skin": "敏感"}
		return nil
	}))
	h.clock.Advance(time.Hour)
	if err := h.reg.Erase(bg, a.ID); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*identity.Registry{h.reg, h.registry()} {
		if _, err := r.Get(bg, a.ID); !errors.Is(err, identity.ErrErased) {
			t.Fatalf("Get(erased): %v; want ErrErased", err)
		}
		if _, err := r.LookupPhone(bg, phone(phoneA)); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("erased phone: %v; want ErrNotFound", err)
		}
		if _, err := r.LookupUnionID(bg, "u-a"); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("erased unionid: %v; want ErrNotFound", err)
		}
	}
	for _, k := range []identity.Key{{Kind: identity.KindMember, Value: "M-1"}, identity.OpenID{App: "wxoa", ID: "o-a"}.Key()} {
		if _, err := h.mem.Lookup(bg, k); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("%v still bound after erasure: %v", k.Kind, err)
		}
	}
	// What the policy keeps: id, first/last seen, erasure time, tags, level.
	rec, err := h.mem.Get(bg, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := identity.Record{
		ID: a.ID, Version: rec.Version, Tags: []string{"vip"}, MemberLevel: "diamond",
		FirstSeen: a.FirstSeen, LastSeen: a.LastSeen, ErasedAt: t0.Add(time.Hour),
	}
	if rec.PhoneIndex != "" || rec.UnionID != "" || rec.MemberID != "" || len(rec.OpenIDs) != 0 ||
		!rec.Sealed.IsZero() || len(rec.Attributes) != 0 || len(rec.MergeIDs) != 0 ||
		!slices.Equal(rec.Tags, want.Tags) || rec.MemberLevel != want.MemberLevel || !rec.ErasedAt.Equal(want.ErasedAt) {
		t.Fatalf("anonymised record %+v; want %+v", rec, want)
	}
	// The next contact is a stranger.
	if c := h.resolve("wxoa", "o-a"); c.ID == a.ID || c.Phone != (identity.Phone{}) || len(c.Tags) != 0 {
		t.Fatalf("erased customer came back: %v", c)
	}
	if err := h.reg.Erase(bg, a.ID); err != nil {
		t.Fatalf("erasing twice: %v", err)
	}
	if err := h.reg.Erase(bg, "never-existed"); err != nil {
		t.Fatalf("erasing an unknown customer: %v", err)
	}
	// The anonymised record goes when the retention period ends.
	if n, err := h.reg.PurgeErased(bg, t0.Add(time.Hour+month-time.Second)); err != nil || n != 0 {
		t.Fatalf("purge before the period ended: %d, %v", n, err)
	}
	if n, err := h.reg.PurgeErased(bg, t0.Add(time.Hour+month+time.Second)); err != nil || n != 1 {
		t.Fatalf("purge after the period: %d, %v; want 1", n, err)
	}
	if _, err := h.mem.Get(bg, a.ID); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("purged record still stored: %v", err)
	}
	if !containsAll(h.logs.String(), `"msg":"identity: customer erased"`, `"customer":"`+a.ID+`"`) {
		t.Fatal("erasure not logged")
	}
}

func TestEraseWithoutRetentionDeletesEverything(t *testing.T) {
	h := newHarness(t)
	oa, mini := h.oaAndMini()
	must(t)(h.reg.BindPhone(bg, mini.ID, phone(phoneA)))
	m := must(t)(h.reg.BindPhone(bg, oa.ID, phone(phoneA)))
	third := h.resolve("wxoa", "o-third")
	m = must(t)(h.reg.Merge(bg, m.ID, third.ID))
	if len(m.MergeIDs) != 2 {
		t.Fatalf("merge ids %v", m.MergeIDs)
	}
	other := h.resolve("wxoa", "o-bystander")
	// Erasing through an absorbed id erases the whole person: survivor,
	// tombstones and merge records (which hold snapshots of personal data).
	if err := h.reg.Erase(bg, mini.ID); err != nil {
		t.Fatal(err)
	}
	recs := h.records()
	if len(recs) != 1 || recs[0].ID != other.ID {
		t.Fatalf("records left after erasure: %d; want only the bystander", len(recs))
	}
	for _, id := range m.MergeIDs {
		if _, err := h.mem.GetMerge(bg, id); !errors.Is(err, identity.ErrNotFound) {
			t.Fatalf("merge record %s survives erasure: %v", id, err)
		}
	}
	if n, err := h.reg.PurgeErased(bg, t0.Add(month)); err != nil || n != 0 {
		t.Fatalf("purge with nothing retained: %d, %v", n, err)
	}
}
