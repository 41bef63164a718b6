package identitytest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kefu-go/kefu/identity"
)

// TestStore checks that stores made by newStore honour the identity.Store
// contract. newStore must return a new, empty store on every call; it is
// called once per subtest. Run it with -race.
func TestStore(t *testing.T, newStore func(t *testing.T) identity.Store) {
	t.Helper()
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s identity.Store)
	}{
		{"NotFound", storeNotFound},
		{"CreateGet", storeCreateGet},
		{"CompareAndSet", storeCompareAndSet},
		{"Bindings", storeBindings},
		{"UnbindRebind", storeUnbindRebind},
		{"AtomicWrite", storeAtomicWrite},
		{"Delete", storeDelete},
		{"Merges", storeMerges},
		{"List", storeList},
		{"Isolation", storeIsolation},
		{"CancelledContext", storeCancelled},
		{"ConcurrentFirstContact", storeConcurrentFirstContact},
		{"ConcurrentUpdate", storeConcurrentUpdate},
		{"ConcurrentCreateSameID", storeConcurrentCreateSameID},
		{"ConcurrentBindSameKey", storeConcurrentBindSameKey},
		{"DuplicateBindInOneWrite", storeDuplicateBind},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func sampleRecord(id string) identity.Record {
	return identity.Record{
		ID:          id,
		OpenIDs:     []identity.OpenID{{App: "wxoa", ID: "o-" + id}},
		UnionID:     "u-" + id,
		PhoneIndex:  "idx-" + id,
		MemberID:    "m-" + id,
		MemberLevel: "gold",
		Tags:        []string{"vip", "敏感肌"},
		Attributes:  map[string]string{"city": "上海"},
		Sealed:      identity.Sealed{KeyID: "k1", Data: []byte{1, 2, 3, 0, 255}},
		FirstSeen:   t0,
		LastSeen:    t0.Add(time.Hour),
		MergeIDs:    []string{"mg-1"},
	}
}

func bindAll(r identity.Record) []identity.Binding {
	var bs []identity.Binding
	for _, k := range r.Keys() {
		bs = append(bs, identity.Binding{Key: k, Customer: r.ID})
	}
	return bs
}

func mustCommit(t *testing.T, s identity.Store, w identity.Write) {
	t.Helper()
	if err := s.Commit(context.Background(), w); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

func mustGet(t *testing.T, s identity.Store, id string) identity.Record {
	t.Helper()
	r, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return r
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: error %v, want %v", what, err, target)
	}
}

// cmpTime compares instants, ignoring location and monotonic readings.
var cmpTime = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func storeNotFound(t *testing.T, s identity.Store) {
	ctx := context.Background()
	_, err := s.Get(ctx, "nobody")
	wantErr(t, "Get", err, identity.ErrNotFound)
	_, err = s.Lookup(ctx, identity.Key{Kind: identity.KindPhone, Value: "x"})
	wantErr(t, "Lookup", err, identity.ErrNotFound)
	_, err = s.GetMerge(ctx, "nomerge")
	wantErr(t, "GetMerge", err, identity.ErrNotFound)
	recs, err := s.List(ctx, identity.Query{})
	if err != nil || len(recs) != 0 {
		t.Fatalf("List on empty store = %v, %v; want none", recs, err)
	}
}

func storeCreateGet(t *testing.T, s identity.Store) {
	r := sampleRecord("c1")
	mustCommit(t, s, identity.Write{Put: []identity.Record{r}, Bind: bindAll(r)})
	got := mustGet(t, s, "c1")
	want := r.Clone()
	want.Version = 1
	if d := cmp.Diff(want, got, cmpTime); d != "" {
		t.Fatalf("Get after create (-want +got):\n%s", d)
	}
	for _, k := range r.Keys() {
		id, err := s.Lookup(context.Background(), k)
		if err != nil || id != "c1" {
			t.Fatalf("Lookup(%v) = %q, %v; want c1", k.Kind, id, err)
		}
	}
	err := s.Commit(context.Background(), identity.Write{Put: []identity.Record{sampleRecord("c1")}})
	wantErr(t, "creating an existing record", err, identity.ErrVersionConflict)
}

func storeCompareAndSet(t *testing.T, s identity.Store) {
	mustCommit(t, s, identity.Write{Put: []identity.Record{sampleRecord("c1")}})
	r := mustGet(t, s, "c1")
	r.MemberLevel = "diamond"
	mustCommit(t, s, identity.Write{Put: []identity.Record{r}})
	got := mustGet(t, s, "c1")
	if got.Version != 2 || got.MemberLevel != "diamond" {
		t.Fatalf("after update: version %d level %q; want 2 diamond", got.Version, got.MemberLevel)
	}
	r.MemberLevel = "stale"
	err := s.Commit(context.Background(), identity.Write{Put: []identity.Record{r}}) // still version 1
	wantErr(t, "stale update", err, identity.ErrVersionConflict)
	if got := mustGet(t, s, "c1"); got.MemberLevel != "diamond" {
		t.Fatalf("stale update applied: level %q", got.MemberLevel)
	}
	ghost := sampleRecord("ghost")
	ghost.Version = 3
	err = s.Commit(context.Background(), identity.Write{Put: []identity.Record{ghost}})
	wantErr(t, "update of a missing record", err, identity.ErrVersionConflict)
}

func storeBindings(t *testing.T, s identity.Store) {
	ctx := context.Background()
	a, b := sampleRecord("a"), sampleRecord("b")
	mustCommit(t, s, identity.Write{Put: []identity.Record{a}, Bind: bindAll(a)})
	// Binding a key already bound to the same customer is fine.
	mustCommit(t, s, identity.Write{Bind: bindAll(a)})
	key := a.Keys()[0]
	err := s.Commit(ctx, identity.Write{Put: []identity.Record{b}, Bind: []identity.Binding{{Key: key, Customer: "b"}}})
	wantErr(t, "binding a taken key", err, identity.ErrBindingTaken)
	var taken *identity.BindingTakenError
	if !errors.As(err, &taken) || taken.Owner != "a" || taken.Key != key {
		t.Fatalf("error %v: want *BindingTakenError{Owner: a, Key: %v}", err, key)
	}
	if _, err := s.Get(ctx, "b"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("record of a failed write exists: %v", err)
	}
	// Two kinds with the same value are different keys.
	other := identity.Key{Kind: identity.KindMember, Value: key.Value}
	mustCommit(t, s, identity.Write{Bind: []identity.Binding{{Key: other, Customer: "b"}}})
	if id, _ := s.Lookup(ctx, other); id != "b" {
		t.Fatalf("Lookup(member %q) = %q; want b", key.Value, id)
	}
}

func storeUnbindRebind(t *testing.T, s identity.Store) {
	ctx := context.Background()
	a := sampleRecord("a")
	mustCommit(t, s, identity.Write{Put: []identity.Record{a}, Bind: bindAll(a)})
	key := identity.Key{Kind: identity.KindUnionID, Value: a.UnionID}
	// Unbinding on behalf of another customer leaves the binding alone.
	mustCommit(t, s, identity.Write{Unbind: []identity.Binding{{Key: key, Customer: "b"}}})
	if id, _ := s.Lookup(ctx, key); id != "a" {
		t.Fatalf("foreign unbind removed the binding: owner %q", id)
	}
	// Unbind and Bind in one write move a key.
	mustCommit(t, s, identity.Write{
		Unbind: []identity.Binding{{Key: key, Customer: "a"}},
		Bind:   []identity.Binding{{Key: key, Customer: "b"}},
	})
	if id, _ := s.Lookup(ctx, key); id != "b" {
		t.Fatalf("after move, owner %q; want b", id)
	}
	mustCommit(t, s, identity.Write{Unbind: []identity.Binding{{Key: key, Customer: "b"}}})
	_, err := s.Lookup(ctx, key)
	wantErr(t, "Lookup after unbind", err, identity.ErrNotFound)
	// Unbinding a missing key is fine.
	mustCommit(t, s, identity.Write{Unbind: []identity.Binding{{Key: key, Customer: "b"}}})
}

func storeAtomicWrite(t *testing.T, s identity.Store) {
	ctx := context.Background()
	mustCommit(t, s, identity.Write{Put: []identity.Record{sampleRecord("old")}})
	stale := mustGet(t, s, "old")
	stale.Version = 7
	fresh := sampleRecord("new")
	m := identity.MergeRecord{ID: "mg", Winner: "old", Loser: "new", At: t0}
	err := s.Commit(ctx, identity.Write{
		Put:       []identity.Record{fresh, stale},
		Bind:      bindAll(fresh),
		PutMerges: []identity.MergeRecord{m},
	})
	wantErr(t, "write with a stale record", err, identity.ErrVersionConflict)
	if _, err := s.Get(ctx, "new"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("partial write: new record exists (%v)", err)
	}
	if _, err := s.Lookup(ctx, fresh.Keys()[0]); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("partial write: binding exists (%v)", err)
	}
	if _, err := s.GetMerge(ctx, "mg"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("partial write: merge record exists (%v)", err)
	}
	// A taken binding also cancels everything, including unbinds.
	a := sampleRecord("a")
	mustCommit(t, s, identity.Write{Put: []identity.Record{a}, Bind: bindAll(a)})
	own := identity.Key{Kind: identity.KindMember, Value: "m-own"}
	mustCommit(t, s, identity.Write{Bind: []identity.Binding{{Key: own, Customer: "old"}}})
	err = s.Commit(ctx, identity.Write{
		Unbind: []identity.Binding{{Key: own, Customer: "old"}},
		Bind:   []identity.Binding{{Key: a.Keys()[0], Customer: "old"}},
	})
	wantErr(t, "write with a taken key", err, identity.ErrBindingTaken)
	if id, _ := s.Lookup(ctx, own); id != "old" {
		t.Fatalf("partial write: unbind applied (owner %q)", id)
	}
}

func storeDelete(t *testing.T, s identity.Store) {
	ctx := context.Background()
	mustCommit(t, s, identity.Write{Put: []identity.Record{sampleRecord("c1")}})
	err := s.Commit(ctx, identity.Write{Delete: []identity.Ref{{ID: "c1", Version: 9}}})
	wantErr(t, "delete at a stale version", err, identity.ErrVersionConflict)
	mustCommit(t, s, identity.Write{Delete: []identity.Ref{{ID: "c1", Version: 1}}})
	_, err = s.Get(ctx, "c1")
	wantErr(t, "Get after delete", err, identity.ErrNotFound)
	err = s.Commit(ctx, identity.Write{Delete: []identity.Ref{{ID: "c1", Version: 1}}})
	wantErr(t, "deleting a deleted record", err, identity.ErrVersionConflict)
	// A failed delete cancels the rest of the write.
	mustCommit(t, s, identity.Write{Put: []identity.Record{sampleRecord("c2")}})
	err = s.Commit(ctx, identity.Write{Delete: []identity.Ref{{ID: "c2", Version: 1}, {ID: "gone", Version: 4}}})
	wantErr(t, "write deleting a missing record", err, identity.ErrVersionConflict)
	if _, err := s.Get(ctx, "c2"); err != nil {
		t.Fatalf("partial write: c2 deleted (%v)", err)
	}
}

func storeMerges(t *testing.T, s identity.Store) {
	ctx := context.Background()
	m := identity.MergeRecord{
		ID: "mg1", Proof: identity.KindPhone, Winner: "a", Loser: "b",
		WinnerBefore: sampleRecord("a"), LoserBefore: sampleRecord("b"), At: t0,
	}
	m.WinnerBefore.Version, m.LoserBefore.Version = 3, 4
	mustCommit(t, s, identity.Write{PutMerges: []identity.MergeRecord{m}})
	got, err := s.GetMerge(ctx, "mg1")
	if err != nil {
		t.Fatal(err)
	}
	want := m.Clone()
	want.Version = 1
	if d := cmp.Diff(want, got, cmpTime); d != "" {
		t.Fatalf("GetMerge (-want +got):\n%s", d)
	}
	err = s.Commit(ctx, identity.Write{PutMerges: []identity.MergeRecord{m}}) // version 0 again
	wantErr(t, "re-creating a merge record", err, identity.ErrVersionConflict)
	got.UndoneAt = t0.Add(time.Hour)
	mustCommit(t, s, identity.Write{PutMerges: []identity.MergeRecord{got}})
	err = s.Commit(ctx, identity.Write{PutMerges: []identity.MergeRecord{got}}) // version 1, stored 2
	wantErr(t, "stale merge update", err, identity.ErrVersionConflict)
	if g, _ := s.GetMerge(ctx, "mg1"); g.Version != 2 || !g.UndoneAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("merge after update: version %d undone %v", g.Version, g.UndoneAt)
	}
	mustCommit(t, s, identity.Write{DeleteMerges: []string{"mg1", "missing"}})
	_, err = s.GetMerge(ctx, "mg1")
	wantErr(t, "GetMerge after delete", err, identity.ErrNotFound)
}

func storeList(t *testing.T, s identity.Store) {
	ctx := context.Background()
	var w identity.Write
	for i := range 25 {
		r := sampleRecord(fmt.Sprintf("c%02d", i))
		if i%5 == 0 {
			r.ErasedAt = t0.Add(time.Duration(i) * time.Hour)
		}
		w.Put = append(w.Put, r)
	}
	mustCommit(t, s, w)
	var ids []string
	after := ""
	for {
		page, err := s.List(ctx, identity.Query{After: after, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 10 {
			t.Fatalf("page of %d records with Limit 10", len(page))
		}
		for _, r := range page {
			ids = append(ids, r.ID)
		}
		if len(page) < 10 {
			break
		}
		after = page[len(page)-1].ID
	}
	var want []string
	for i := range 25 {
		want = append(want, fmt.Sprintf("c%02d", i))
	}
	if d := cmp.Diff(want, ids); d != "" {
		t.Fatalf("paged List ids (-want +got):\n%s", d)
	}
	// Erased at c00 (t0), c05 (+5h), c10, c15, c20: strictly before t0+10h.
	page, err := s.List(ctx, identity.Query{ErasedBefore: t0.Add(10 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ids = ids[:0]
	for _, r := range page {
		ids = append(ids, r.ID)
	}
	if d := cmp.Diff([]string{"c00", "c05"}, ids); d != "" {
		t.Fatalf("List(ErasedBefore) (-want +got):\n%s", d)
	}
	page, _ = s.List(ctx, identity.Query{Limit: 0})
	if len(page) != 25 {
		t.Fatalf("List with Limit 0 returned %d records; want all 25 (default limit 100)", len(page))
	}
}

func storeIsolation(t *testing.T, s identity.Store) {
	ctx := context.Background()
	r := sampleRecord("c1")
	mustCommit(t, s, identity.Write{Put: []identity.Record{r}})
	r.Tags[0] = "mutated-after-commit"
	r.Attributes["city"] = "mutated"
	r.Sealed.Data[0] = 42
	got := mustGet(t, s, "c1")
	got.Tags[1] = "mutated-after-get"
	got.OpenIDs[0].ID = "mutated"
	got.MergeIDs[0] = "mutated"
	again := mustGet(t, s, "c1")
	want := sampleRecord("c1")
	want.Version = 1
	if d := cmp.Diff(want, again, cmpTime); d != "" {
		t.Fatalf("store shares memory with callers (-want +got):\n%s", d)
	}
	m := identity.MergeRecord{ID: "mg", WinnerBefore: sampleRecord("a")}
	mustCommit(t, s, identity.Write{PutMerges: []identity.MergeRecord{m}})
	m.WinnerBefore.Tags[0] = "mutated"
	gm, _ := s.GetMerge(ctx, "mg")
	gm.WinnerBefore.Sealed.Data[0] = 9
	gm2, _ := s.GetMerge(ctx, "mg")
	if gm2.WinnerBefore.Tags[0] != "vip" || gm2.WinnerBefore.Sealed.Data[0] != 1 {
		t.Fatalf("merge records share memory with callers: %+v", gm2.WinnerBefore)
	}
}

func storeCancelled(t *testing.T, s identity.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Commit(ctx, identity.Write{Put: []identity.Record{sampleRecord("c1")}}); err == nil {
		t.Fatal("Commit with a cancelled context succeeded")
	}
	if _, err := s.Get(context.Background(), "c1"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("Commit with a cancelled context applied the write (%v)", err)
	}
}

// storeDuplicateBind binds one key to two customers in a single write.
func storeDuplicateBind(t *testing.T, s identity.Store) {
	ctx := context.Background()
	key := identity.Key{Kind: identity.KindMember, Value: "M-dup"}
	err := s.Commit(ctx, identity.Write{
		Put:  []identity.Record{sampleRecord("a")},
		Bind: []identity.Binding{{Key: key, Customer: "a"}, {Key: key, Customer: "b"}},
	})
	wantErr(t, "one key bound to two customers in one write", err, identity.ErrBindingTaken)
	if _, err := s.Lookup(ctx, key); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("partial write: key bound (%v)", err)
	}
	if _, err := s.Get(ctx, "a"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("partial write: record created (%v)", err)
	}
}
