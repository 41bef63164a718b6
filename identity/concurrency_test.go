package identity_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kefu-go/kefu/identity"
)

// checkInvariants verifies the store is consistent: every live record's
// identifiers are bound to it, and every tombstone leads to a live record.
func (h *harness) checkInvariants() (live []identity.Record) {
	h.t.Helper()
	recs := h.records()
	byID := map[string]identity.Record{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	for _, r := range recs {
		switch {
		case !r.ErasedAt.IsZero():
		case r.MergedInto != "":
			next, hops := r, 0
			for next.MergedInto != "" && hops < 20 {
				next, hops = byID[next.MergedInto], hops+1
			}
			if next.ID == "" || next.MergedInto != "" || !next.ErasedAt.IsZero() {
				h.t.Errorf("tombstone %s does not lead to a live customer", r.ID)
			}
		default:
			live = append(live, r)
			for _, k := range r.Keys() {
				if id, err := h.mem.Lookup(bg, k); err != nil || id != r.ID {
					h.t.Errorf("customer %s holds a %v bound to %q (%v)", r.ID, k.Kind, id, err)
				}
			}
		}
	}
	return live
}

// TestConcurrentPhoneBindsMergeIntoOne has many customers verify the same
// phone at once while tags are being added: they must end as one customer
// with every openid and every tag, and the store must stay consistent.
func TestConcurrentPhoneBindsMergeIntoOne(t *testing.T) {
	h := newHarness(t)
	const n = 12
	ids := make([]string, n)
	for i := range n {
		ids[i] = h.resolve("wxoa", fmt.Sprintf("o-%02d", i)).ID
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		reg := h.registry() // separate processes
		wg.Go(func() {
			if _, err := reg.BindPhone(bg, ids[i], phone(phoneA)); err != nil {
				errs <- fmt.Errorf("BindPhone %d: %w", i, err)
			}
		})
		wg.Go(func() {
			if _, err := reg.Tag(bg, ids[i], fmt.Sprintf("tag-%02d", i)); err != nil {
				errs <- fmt.Errorf("Tag %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	live := h.checkInvariants()
	if len(live) != 1 {
		t.Fatalf("%d live customers after concurrent phone binds; want 1", len(live))
	}
	c := must(t)(h.registry().LookupPhone(bg, phone(phoneA)))
	if len(c.OpenIDs) != n || len(c.Tags) != n {
		t.Fatalf("merged customer has %d openids and %d tags; want %d of each", len(c.OpenIDs), len(c.Tags), n)
	}
	fresh := h.registry()
	for i := range n {
		if got := must(t)(fresh.Resolve(bg, "wxoa", fmt.Sprintf("o-%02d", i))); got.ID != c.ID {
			t.Fatalf("openid %d resolves to %s; want %s", i, got.ID, c.ID)
		}
	}
}

func TestErrorMessagesCarryNoIdentifierValues(t *testing.T) {
	h := newHarness(t)
	a := h.resolve("wxoa", "o-a")
	b := h.resolve("wxoa", "o-b")
	must(t)(h.reg.LinkUnionID(bg, a.ID, "u-secret-a"))
	must(t)(h.reg.LinkUnionID(bg, b.ID, "u-secret-b"))
	must(t)(h.reg.BindPhone(bg, b.ID, phone(phoneA)))
	_, err1 := h.reg.BindPhone(bg, a.ID, phone(phoneA))
	_, err2 := h.reg.LinkUnionID(bg, a.ID, "u-secret-c")
	err3 := &identity.BindingTakenError{Key: identity.Key{Kind: identity.KindPhone, Value: "blind-index-value"}, Owner: "c9"}
	for _, err := range []error{err1, err2, err3} {
		msg := err.Error()
		if msg == "" || !strings.HasPrefix(msg, "identity: ") {
			t.Errorf("error message %q", msg)
		}
		for _, leak := range []string{"u-secret", phoneA[3:], "blind-index-value"} {
			if strings.Contains(msg, leak) {
				t.Errorf("error %q shows %q", msg, leak)
			}
		}
	}
}
