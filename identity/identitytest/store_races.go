package identitytest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/kefu-go/kefu/identity"
)

// storeConcurrentFirstContact races many first contacts for one openid:
// exactly one create-and-bind may win.
func storeConcurrentFirstContact(t *testing.T, s identity.Store) {
	ctx := context.Background()
	key := identity.OpenID{App: "wxoa", ID: "o-race"}.Key()
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("c%02d", i)
			r := identity.Record{ID: id, OpenIDs: []identity.OpenID{{App: "wxoa", ID: "o-race"}}, FirstSeen: t0}
			errs[i] = s.Commit(ctx, identity.Write{Put: []identity.Record{r}, Bind: []identity.Binding{{Key: key, Customer: id}}})
		})
	}
	wg.Wait()
	winner := ""
	for i, err := range errs {
		switch {
		case err == nil && winner != "":
			t.Fatalf("two first contacts won: %s and c%02d", winner, i)
		case err == nil:
			winner = fmt.Sprintf("c%02d", i)
		case !errors.Is(err, identity.ErrBindingTaken):
			t.Fatalf("losing first contact: error %v, want ErrBindingTaken", err)
		}
	}
	if winner == "" {
		t.Fatal("no first contact won")
	}
	if id, err := s.Lookup(ctx, key); err != nil || id != winner {
		t.Fatalf("Lookup = %q, %v; want %s", id, err, winner)
	}
	recs, err := s.List(ctx, identity.Query{})
	if err != nil || len(recs) != 1 || recs[0].ID != winner {
		t.Fatalf("records after the race: %d (%v); want only %s", len(recs), err, winner)
	}
}

// storeConcurrentUpdate races compare-and-set updates from one version.
func storeConcurrentUpdate(t *testing.T, s identity.Store) {
	ctx := context.Background()
	mustCommit(t, s, identity.Write{Put: []identity.Record{sampleRecord("c1")}})
	base := mustGet(t, s, "c1")
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			r := base.Clone()
			r.MemberLevel = fmt.Sprint(i)
			errs[i] = s.Commit(ctx, identity.Write{Put: []identity.Record{r}})
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if !errors.Is(err, identity.ErrVersionConflict) {
			t.Fatalf("losing update: %v, want ErrVersionConflict", err)
		}
	}
	if got := mustGet(t, s, "c1"); wins != 1 || got.Version != 2 {
		t.Fatalf("%d updates won, version %d; want exactly 1 and version 2", wins, got.Version)
	}
}

// storeConcurrentCreateSameID races creates of one record id: exactly one
// may succeed, the others fail with ErrVersionConflict.
func storeConcurrentCreateSameID(t *testing.T, s identity.Store) {
	ctx := context.Background()
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			r := sampleRecord("same")
			r.MemberLevel = fmt.Sprint(i)
			errs[i] = s.Commit(ctx, identity.Write{Put: []identity.Record{r}})
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if !errors.Is(err, identity.ErrVersionConflict) {
			t.Fatalf("losing create: %v, want ErrVersionConflict", err)
		}
	}
	if got := mustGet(t, s, "same"); wins != 1 || got.Version != 1 {
		t.Fatalf("%d creates won, version %d; want exactly 1 and version 1", wins, got.Version)
	}
}

// storeConcurrentBindSameKey races existing customers for one unionid:
// exactly one binding may win.
func storeConcurrentBindSameKey(t *testing.T, s identity.Store) {
	ctx := context.Background()
	const n = 16
	var w identity.Write
	for i := range n {
		w.Put = append(w.Put, identity.Record{ID: fmt.Sprintf("c%02d", i), FirstSeen: t0})
	}
	mustCommit(t, s, w)
	key := identity.Key{Kind: identity.KindUnionID, Value: "u-contested"}
	recs := make([]identity.Record, n)
	for i := range recs {
		recs[i] = mustGet(t, s, fmt.Sprintf("c%02d", i))
		recs[i].UnionID = key.Value
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			r := recs[i]
			errs[i] = s.Commit(ctx, identity.Write{Put: []identity.Record{r}, Bind: []identity.Binding{{Key: key, Customer: r.ID}}})
		})
	}
	wg.Wait()
	winner := ""
	for i, err := range errs {
		switch {
		case err == nil && winner != "":
			t.Fatalf("two customers bound the same key: %s and c%02d", winner, i)
		case err == nil:
			winner = fmt.Sprintf("c%02d", i)
		case !errors.Is(err, identity.ErrBindingTaken):
			t.Fatalf("losing bind: %v, want ErrBindingTaken", err)
		}
	}
	if id, err := s.Lookup(ctx, key); err != nil || id != winner {
		t.Fatalf("Lookup = %q, %v; want %s", id, err, winner)
	}
	for i := range n {
		id := fmt.Sprintf("c%02d", i)
		r := mustGet(t, s, id)
		if (r.UnionID != "") != (id == winner) || (id == winner) != (r.Version == 2) {
			t.Fatalf("record %s after the race: unionid %q version %d (winner %s)", id, r.UnionID, r.Version, winner)
		}
	}
}
