package identitytest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
)

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
