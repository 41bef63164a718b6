package identitytest

import (
	"errors"
	"testing"

	"github.com/kefu-go/kefu/identity"
)

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
