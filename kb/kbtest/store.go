package kbtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/kb"
)

// TestStore runs the conformance suite against the kb.Store implementation
// that newStore returns. newStore is called once per subtest and must return
// a fresh, empty store; register any cleanup with t.Cleanup.
func TestStore(t *testing.T, newStore func(t *testing.T) kb.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s kb.Store)
	}{
		{"Empty", testEmpty},
		{"CreateAndGet", testCreateAndGet},
		{"CreateExisting", testCreateExisting},
		{"CompareAndSet", testCompareAndSet},
		{"Delete", testDelete},
		{"ListOrder", testListOrder},
		{"NoAliasing", testNoAliasing},
		{"CancelledContext", testCancelledContext},
		{"ConcurrentCompareAndSet", testConcurrentCAS},
		{"ConcurrentCreate", testConcurrentCreate},
		{"ConfigStore", testConfigStore},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			tc.fn(t, s)
		})
	}
}

// sample returns an entry with every field set.
func sample(id string) kb.Entry {
	cst := time.FixedZone("CST", 8*3600)
	return kb.Entry{
		ID:         id,
		Category:   []string{"售后", "退款"},
		Question:   "怎么退款",
		Keywords:   []string{"退款", "退货", "refund"},
		Synonyms:   []string{"退钱"},
		Exclusions: []string{"不退款"},
		Answer:     "签收 7 天内可无理由退货。",
		Media:      []kb.MediaRef{{Kind: "image", ID: "media-123"}, {Kind: "news", ID: "https://example.com/a"}},
		Status:     kb.StatusPublished,
		ValidFrom:  time.Date(2026, 11, 1, 0, 0, 0, 0, cst),
		ValidTo:    time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC),
		Priority:   -7,
		UpdatedAt:  time.Date(2026, 11, 25, 10, 30, 15, 123456000, time.UTC),
	}
}

func testEmpty(t *testing.T, s kb.Store) {
	ctx := t.Context()
	list, err := s.List(ctx)
	if err != nil {
		t.Fatalf("List on an empty store: %v", err)
	}
	if len(list) != 0 {
		t.Fatalf("List on an empty store returned %d entries", len(list))
	}
	if _, err := s.Get(ctx, "missing"); !errors.Is(err, kb.ErrNotFound) {
		t.Fatalf("Get(missing) error = %v, want one wrapping kb.ErrNotFound", err)
	}
	if err := s.Delete(ctx, "missing"); err != nil {
		t.Fatalf("Delete(missing) = %v, want nil", err)
	}
}

func testCreateAndGet(t *testing.T, s kb.Store) {
	ctx := t.Context()
	in := sample("refund")
	got, err := s.Put(ctx, in)
	if err != nil {
		t.Fatalf("Put(new): %v", err)
	}
	want := in
	want.Version = 1
	if d := diff(want, got); d != "" {
		t.Fatalf("Put(new) returned a different entry:\n%s", d)
	}
	got, err = s.Get(ctx, "refund")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if d := diff(want, got); d != "" {
		t.Fatalf("Get after Put:\n%s", d)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(list) != 1 {
		t.Fatalf("List returned %d entries, want 1", len(list))
	}
	if d := diff(want, list[0]); d != "" {
		t.Fatalf("List after Put:\n%s", d)
	}

	// A minimal entry (zero times, nil slices, draft) round-trips too.
	min := kb.Entry{ID: "min", Question: "营业时间", Answer: "9:00–21:00"}
	got, err = s.Put(ctx, min)
	if err != nil {
		t.Fatalf("Put(minimal): %v", err)
	}
	min.Version = 1
	if d := diff(min, got); d != "" {
		t.Fatalf("Put(minimal):\n%s", d)
	}
	if got, err = s.Get(ctx, "min"); err != nil {
		t.Fatalf("Get(minimal): %v", err)
	}
	if d := diff(min, got); d != "" {
		t.Fatalf("Get(minimal):\n%s", d)
	}
}

func testCreateExisting(t *testing.T, s kb.Store) {
	ctx := t.Context()
	if _, err := s.Put(ctx, sample("a")); err != nil {
		t.Fatal(err)
	}
	other := sample("a")
	other.Answer = "changed"
	if _, err := s.Put(ctx, other); !errors.Is(err, kb.ErrConflict) {
		t.Fatalf("Put(version 0) of an existing id: error = %v, want kb.ErrConflict", err)
	}
	got, err := s.Get(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Answer == "changed" || got.Version != 1 {
		t.Fatalf("a failed create changed the stored entry: %+v", got)
	}
}

func testCompareAndSet(t *testing.T, s kb.Store) {
	ctx := t.Context()
	v1, err := s.Put(ctx, sample("a"))
	if err != nil {
		t.Fatal(err)
	}
	upd := v1
	upd.Answer = "second"
	upd.Status = kb.StatusHidden
	v2, err := s.Put(ctx, upd)
	if err != nil {
		t.Fatalf("Put(version 1): %v", err)
	}
	if v2.Version != 2 || v2.Answer != "second" || v2.Status != kb.StatusHidden {
		t.Fatalf("Put(version 1) returned %+v, want version 2 with the new answer and status", v2)
	}
	stale := v1
	stale.Answer = "stale"
	if _, err := s.Put(ctx, stale); !errors.Is(err, kb.ErrConflict) {
		t.Fatalf("Put with the stale version 1: error = %v, want kb.ErrConflict", err)
	}
	ahead := v2
	ahead.Version = 7
	if _, err := s.Put(ctx, ahead); !errors.Is(err, kb.ErrConflict) {
		t.Fatalf("Put with a future version: error = %v, want kb.ErrConflict", err)
	}
	got, err := s.Get(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(v2, got); d != "" {
		t.Fatalf("failed compare-and-set changed the entry:\n%s", d)
	}
	ghost := sample("ghost")
	ghost.Version = 3
	if _, err := s.Put(ctx, ghost); !errors.Is(err, kb.ErrNotFound) {
		t.Fatalf("Put(version 3) of a missing id: error = %v, want kb.ErrNotFound", err)
	}
	if _, err := s.Get(ctx, "ghost"); !errors.Is(err, kb.ErrNotFound) {
		t.Fatalf("a failed update created the entry: Get error = %v", err)
	}
}

func testDelete(t *testing.T, s kb.Store) {
	ctx := t.Context()
	for _, id := range []string{"a", "b"} {
		if _, err := s.Put(ctx, sample(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Get(ctx, "a"); !errors.Is(err, kb.ErrNotFound) {
		t.Fatalf("Get after Delete: error = %v, want kb.ErrNotFound", err)
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatalf("second Delete = %v, want nil", err)
	}
	if ids := listIDs(t, s); !slices.Equal(ids, []string{"b"}) {
		t.Fatalf("List after Delete = %q, want [b]", ids)
	}
	// The id can be created again from version 0.
	e, err := s.Put(ctx, sample("a"))
	if err != nil {
		t.Fatalf("re-create after Delete: %v", err)
	}
	if e.Version != 1 {
		t.Fatalf("re-created entry has version %d, want 1", e.Version)
	}
}

func testListOrder(t *testing.T, s kb.Store) {
	ctx := t.Context()
	ids := []string{"售后-2", "b", "B", "a-10", "a-2", "a", "Z", "活动", "_x", "a.1"}
	for _, id := range ids {
		if _, err := s.Put(ctx, sample(id)); err != nil {
			t.Fatalf("Put(%q): %v", id, err)
		}
	}
	for i := range 120 { // enough to cross any page size
		if _, err := s.Put(ctx, kb.Entry{ID: "bulk-" + strconv.Itoa(i), Question: "q", Answer: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	got := listIDs(t, s)
	want := slices.Clone(ids)
	for i := range 120 {
		want = append(want, "bulk-"+strconv.Itoa(i))
	}
	slices.SortFunc(want, strings.Compare)
	if !slices.Equal(got, want) {
		t.Fatalf("List ids = %q\nwant (byte order) %q", got, want)
	}
}

func testNoAliasing(t *testing.T, s kb.Store) {
	ctx := t.Context()
	in := sample("a")
	stored, err := s.Put(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	want := stored
	want.Keywords = slices.Clone(stored.Keywords)
	want.Category = slices.Clone(stored.Category)
	want.Media = slices.Clone(stored.Media)
	// Scribble over the input and every returned copy.
	in.Keywords[0], in.Category[0], in.Media[0].ID = "x", "x", "x"
	stored.Keywords[0], stored.Category[0], stored.Media[0].ID = "y", "y", "y"
	got, err := s.Get(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	got.Keywords[0], got.Category[0] = "z", "z"
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	list[0].Keywords[0] = "w"
	got, err = s.Get(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if d := diff(want, got); d != "" {
		t.Fatalf("the store aliases caller memory:\n%s", d)
	}
}

func testCancelledContext(t *testing.T, s kb.Store) {
	if _, err := s.Put(t.Context(), sample("a")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	check := func(op string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: error = %v, want one wrapping context.Canceled", op, err)
		}
	}
	_, err := s.Get(ctx, "a")
	check("Get", err)
	_, err = s.List(ctx)
	check("List", err)
	_, err = s.Put(ctx, sample("b"))
	check("Put", err)
	check("Delete", s.Delete(ctx, "a"))
	if ids := listIDs(t, s); !slices.Equal(ids, []string{"a"}) {
		t.Fatalf("calls with a cancelled context changed the store: ids %q", ids)
	}
}

func testConcurrentCAS(t *testing.T, s kb.Store) {
	ctx := t.Context()
	base, err := s.Put(ctx, sample("hot"))
	if err != nil {
		t.Fatal(err)
	}
	const writers = 8
	var wg sync.WaitGroup
	results := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			e := base
			e.Answer = "writer " + strconv.Itoa(i)
			_, results[i] = s.Put(ctx, e)
		})
	}
	wg.Wait()
	wins := 0
	winner := -1
	for i, err := range results {
		switch {
		case err == nil:
			wins++
			winner = i
		case !errors.Is(err, kb.ErrConflict):
			t.Errorf("writer %d: error = %v, want nil or kb.ErrConflict", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d concurrent writers of version 1 succeeded, want exactly 1", wins)
	}
	got, err := s.Get(ctx, "hot")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Answer != "writer "+strconv.Itoa(winner) {
		t.Fatalf("after the race: version %d answer %q, want 2 and the winner's %q", got.Version, got.Answer, "writer "+strconv.Itoa(winner))
	}

	// Sequential increments from many goroutines with retry reach the exact
	// count: no update is lost.
	const incs = 20
	for range incs {
		wg.Go(func() {
			for {
				cur, err := s.Get(ctx, "hot")
				if err != nil {
					t.Error(err)
					return
				}
				cur.Priority++
				if _, err := s.Put(ctx, cur); err == nil {
					return
				} else if !errors.Is(err, kb.ErrConflict) {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, err = s.Get(ctx, "hot")
	if err != nil {
		t.Fatal(err)
	}
	if want := sample("hot").Priority + incs; got.Priority != want || got.Version != 2+incs {
		t.Fatalf("after %d retried increments: priority %d version %d, want %d and %d", incs, got.Priority, got.Version, want, 2+incs)
	}
}

func testConcurrentCreate(t *testing.T, s kb.Store) {
	ctx := t.Context()
	const n = 16
	var wg sync.WaitGroup
	sameErr := make([]error, n)
	for i := range n {
		wg.Go(func() {
			if _, err := s.Put(ctx, sample("distinct-"+strconv.Itoa(i))); err != nil {
				t.Errorf("create distinct-%d: %v", i, err)
			}
		})
		wg.Go(func() { _, sameErr[i] = s.Put(ctx, sample("same")) })
		wg.Go(func() {
			if _, err := s.List(ctx); err != nil {
				t.Errorf("List during writes: %v", err)
			}
		})
	}
	wg.Wait()
	wins := 0
	for i, err := range sameErr {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, kb.ErrConflict):
			t.Errorf("create same #%d: error = %v, want nil or kb.ErrConflict", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d concurrent creates of one id succeeded, want exactly 1", wins)
	}
	if ids := listIDs(t, s); len(ids) != n+1 {
		t.Fatalf("List has %d entries, want %d", len(ids), n+1)
	}
}

func testConfigStore(t *testing.T, s kb.Store) {
	cs, ok := s.(kb.ConfigStore)
	if !ok {
		t.Skip("the store does not implement kb.ConfigStore")
	}
	ctx := t.Context()
	if _, err := cs.LoadConfig(ctx); !errors.Is(err, kb.ErrNotFound) {
		t.Fatalf("LoadConfig before any save: error = %v, want kb.ErrNotFound", err)
	}
	doc := []byte(`{"settings":{"auto_reply_score":0.7},"rules":[]}`)
	if err := cs.SaveConfig(ctx, doc); err != nil {
		t.Fatalf("SaveConfig: %v", err)
	}
	doc[2] = 'X' // the store must have copied it
	got, err := cs.LoadConfig(ctx)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if want := `{"settings":{"auto_reply_score":0.7},"rules":[]}`; string(got) != want {
		t.Fatalf("LoadConfig = %s, want %s", got, want)
	}
	got[0] = '['
	second := []byte(`{"settings":{}}`)
	if err := cs.SaveConfig(ctx, second); err != nil {
		t.Fatal(err)
	}
	if got, err = cs.LoadConfig(ctx); err != nil || !bytes.Equal(got, second) {
		t.Fatalf("LoadConfig after overwrite = %s, %v; want %s", got, err, second)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := cs.LoadConfig(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("LoadConfig with a cancelled context: error = %v", err)
	}
	if err := cs.SaveConfig(cctx, []byte(`{}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("SaveConfig with a cancelled context: error = %v", err)
	}
}

func listIDs(t *testing.T, s kb.Store) []string {
	t.Helper()
	list, err := s.List(t.Context())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	return ids
}

// diff compares entries field by field: times with Equal, nil and empty
// slices as equal. It returns "" when they match.
func diff(want, got kb.Entry) string {
	var b strings.Builder
	f := func(name string, eq bool, w, g any) {
		if !eq {
			fmt.Fprintf(&b, "  %s: got %v, want %v\n", name, g, w)
		}
	}
	f("ID", want.ID == got.ID, want.ID, got.ID)
	f("Category", slices.Equal(want.Category, got.Category), want.Category, got.Category)
	f("Question", want.Question == got.Question, want.Question, got.Question)
	f("Keywords", slices.Equal(want.Keywords, got.Keywords), want.Keywords, got.Keywords)
	f("Synonyms", slices.Equal(want.Synonyms, got.Synonyms), want.Synonyms, got.Synonyms)
	f("Exclusions", slices.Equal(want.Exclusions, got.Exclusions), want.Exclusions, got.Exclusions)
	f("Answer", want.Answer == got.Answer, want.Answer, got.Answer)
	f("Media", slices.Equal(want.Media, got.Media), want.Media, got.Media)
	f("Status", want.Status == got.Status, want.Status, got.Status)
	f("ValidFrom", want.ValidFrom.Equal(got.ValidFrom), want.ValidFrom, got.ValidFrom)
	f("ValidTo", want.ValidTo.Equal(got.ValidTo), want.ValidTo, got.ValidTo)
	f("Priority", want.Priority == got.Priority, want.Priority, got.Priority)
	f("UpdatedAt", want.UpdatedAt.Equal(got.UpdatedAt), want.UpdatedAt, got.UpdatedAt)
	f("Version", want.Version == got.Version, want.Version, got.Version)
	return b.String()
}
