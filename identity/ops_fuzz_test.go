package identity_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/kefu-go/kefu/identity"
)

// FuzzRegistryOperations runs a random sequence of registry operations over
// a small set of openids, phones, unionids and CRM members, and checks after
// every step that the store stays consistent (every live customer's
// identifiers are bound to it, every tombstone leads to a live customer),
// that failures are the documented typed errors, and that no phone reaches
// the store.
func FuzzRegistryOperations(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 1, 1, 2, 0, 0, 3, 1, 0, 4, 0, 1, 5, 0, 0})
	f.Add([]byte{0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 6, 0, 0, 7, 1, 0, 8, 0, 0})
	f.Add([]byte{0, 2, 0, 2, 2, 1, 0, 3, 0, 3, 3, 1, 4, 2, 3, 9, 0, 0, 10, 2, 0})
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 4, 0, 1, 8, 0, 0, 8, 0, 0, 11, 1, 0})
	phones := []string{phoneA, phoneB, phoneC}
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 90 {
			ops = ops[:90]
		}
		h := newHarness(t, func(c *identity.Config) {
			c.Logger = nil
			c.Retention = identity.RetentionPolicy{KeepFor: month, KeepTags: true}
		})
		h.dir.ByPhone["+86"+phoneA] = identity.Member{ID: "M-1", Level: "gold"}
		h.dir.ByUnionID["u-1"] = identity.Member{ID: "M-2"}
		h.dir.ByUnionID["u-2"] = identity.Member{ID: "M-1"}
		var ids []string // customers seen so far
		pick := func(b byte) string {
			if len(ids) == 0 {
				return "none"
			}
			return ids[int(b)%len(ids)]
		}
		var merges []string
		var universe []identity.Key
		for _, app := range []string{"wxoa", "wxmini"} {
			for y := range 4 {
				universe = append(universe, identity.OpenID{App: app, ID: fmt.Sprintf("o-%d", y)}.Key())
			}
		}
		for y := range 3 {
			universe = append(universe, identity.Key{Kind: identity.KindUnionID, Value: fmt.Sprintf("u-%d", y)})
		}
		universe = append(universe, identity.Key{Kind: identity.KindMember, Value: "M-1"}, identity.Key{Kind: identity.KindMember, Value: "M-2"})
		phoneKeys := map[string]bool{}
		for i := 0; i+2 < len(ops); i += 3 {
			op, x, y := ops[i]%12, ops[i+1], ops[i+2]
			app := []string{"wxoa", "wxmini"}[x%2]
			openid := fmt.Sprintf("o-%d", y%4)
			var c identity.Customer
			var err error
			switch op {
			case 0:
				c, err = h.reg.Resolve(bg, app, openid)
			case 1:
				c, err = h.reg.BindPhone(bg, pick(x), phone(phones[int(y)%len(phones)]))
			case 2:
				c, err = h.reg.LinkUnionID(bg, pick(x), fmt.Sprintf("u-%d", y%3))
			case 3:
				c, _, err = h.reg.LookupMember(bg, pick(x))
			case 4:
				c, err = h.reg.Merge(bg, pick(x), pick(y))
			case 5:
				c, err = h.reg.BindOpenID(bg, pick(x), app, openid)
			case 6:
				c, err = h.reg.Tag(bg, pick(x), fmt.Sprintf("t%d", y%3))
			case 7:
				c, err = h.reg.Untag(bg, pick(x), fmt.Sprintf("t%d", y%3))
			case 8:
				if len(merges) > 0 {
					_, _, err = h.reg.UndoMerge(bg, merges[int(x)%len(merges)])
				}
			case 9:
				err = h.reg.Erase(bg, pick(x))
			case 10:
				err = h.reg.ForgetOpenID(bg, app, openid)
			case 11:
				c, _, err = h.reg.RefreshMember(bg, pick(x))
			}
			if err != nil && !expectedError(err) {
				t.Fatalf("step %d (op %d): unexpected error %v", i/3, op, err)
			}
			if c.ID != "" {
				ids = append(ids, c.ID)
				merges = append(merges, c.MergeIDs...)
			}
			live := h.checkInvariants()
			for _, r := range live {
				if r.PhoneIndex != "" {
					phoneKeys[r.PhoneIndex] = true
				}
			}
			checkBindings(t, h, live, universe, phoneKeys)
			if t.Failed() {
				t.Fatalf("store inconsistent after step %d (op %d)", i/3, op)
			}
		}
	})
}

// expectedError reports whether err is one a caller is told to expect from
// well-formed calls on a consistent store.
func expectedError(err error) bool {
	for _, target := range []error{
		identity.ErrNotFound, identity.ErrErased, identity.ErrIdentifierConflict,
		identity.ErrCannotUndo, identity.ErrInvalidIdentifier,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// checkBindings checks every binding in the universe (and every phone index
// seen) points at a live customer that holds the identifier.
func checkBindings(t *testing.T, h *harness, live []identity.Record, universe []identity.Key, phoneKeys map[string]bool) {
	t.Helper()
	holds := map[identity.Key]string{}
	for _, r := range live {
		for _, k := range r.Keys() {
			holds[k] = r.ID
		}
	}
	keys := append([]identity.Key(nil), universe...)
	for idx := range phoneKeys {
		keys = append(keys, identity.Key{Kind: identity.KindPhone, Value: idx})
	}
	for _, k := range keys {
		id, err := h.mem.Lookup(bg, k)
		switch {
		case errors.Is(err, identity.ErrNotFound):
			if holds[k] != "" {
				t.Errorf("customer %s holds an unbound %v", holds[k], k.Kind)
			}
		case err != nil:
			t.Errorf("Lookup: %v", err)
		case holds[k] != id:
			t.Errorf("%v bound to %s, which is not a live customer holding it", k.Kind, id)
		}
	}
}
