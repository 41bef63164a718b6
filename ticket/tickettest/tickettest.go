// Package tickettest is the conformance suite for ticket.Store
// implementations. An adapter's test calls TestStore with a factory that
// returns a fresh, empty store:
//
//	func TestStore(t *testing.T) {
//		tickettest.TestStore(t, func(t *testing.T) ticket.Store { return newStore(t) })
//	}
//
// Run it with -race: it includes many goroutines racing transitions on one
// ticket, where exactly one update may win per version and the history must
// end up without gaps or duplicates.
package tickettest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kefu-go/kefu/ticket"
)

var base = time.Date(2026, 9, 28, 9, 0, 0, 0, time.UTC)

// TestStore runs the whole suite against stores made by newStore. Each
// subtest gets its own store.
func TestStore(t *testing.T, newStore func(t *testing.T) ticket.Store) {
	t.Run("CreateGet", func(t *testing.T) { testCreateGet(t, newStore(t)) })
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, newStore(t)) })
	t.Run("Update", func(t *testing.T) { testUpdate(t, newStore(t)) })
	t.Run("Conflict", func(t *testing.T) { testConflict(t, newStore(t)) })
	t.Run("InvalidUpdate", func(t *testing.T) { testInvalidUpdate(t, newStore(t)) })
	t.Run("Isolation", func(t *testing.T) { testIsolation(t, newStore(t)) })
	t.Run("Find", func(t *testing.T) { testFind(t, newStore(t)) })
	t.Run("RacingTransitions", func(t *testing.T) { testRacingTransitions(t, newStore(t)) })
	t.Run("RacingCreates", func(t *testing.T) { testRacingCreates(t, newStore(t)) })
	t.Run("CanceledContext", func(t *testing.T) { testCanceledContext(t, newStore(t)) })
}

var support = ticket.GeneralSupport()

// open returns a fresh ticket in the general support definition.
func open(t *testing.T, id string, mod func(*ticket.Ticket)) ticket.Ticket {
	t.Helper()
	draft := ticket.Ticket{ID: id, CustomerID: "cust-1", Subject: "退款咨询", Priority: ticket.PriorityHigh,
		Tags: []string{"vip"}, Fields: map[string]string{"order": "A-1"}}
	if mod != nil {
		mod(&draft)
	}
	tk, _, err := support.Open(draft, ticket.Customer(draft.CustomerID), base)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return tk
}

var cmpTicket = cmp.Options{
	cmpopts.EquateEmpty(),
	cmpopts.IgnoreUnexported(ticket.Ticket{}),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
}

func mustCreate(t *testing.T, s ticket.Store, tk ticket.Ticket) {
	t.Helper()
	if err := s.Create(context.Background(), tk); err != nil {
		t.Fatalf("Create(%s): %v", tk.ID, err)
	}
}

func mustGet(t *testing.T, s ticket.Store, id string) ticket.Ticket {
	t.Helper()
	got, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return got
}

func testCreateGet(t *testing.T, s ticket.Store) {
	ctx := context.Background()
	tk := open(t, "T-1", func(d *ticket.Ticket) { d.Assignee = "alice" })
	tk.DueAt = base.Add(time.Hour)
	tk.AlertAt = base.Add(30 * time.Minute)
	mustCreate(t, s, tk)
	if diff := cmp.Diff(tk, mustGet(t, s, "T-1"), cmpTicket); diff != "" {
		t.Errorf("Get after Create (-want +got):\n%s", diff)
	}
	err := s.Create(ctx, open(t, "T-1", nil))
	if !errors.Is(err, ticket.ErrExists) {
		t.Errorf("second Create err = %v, want ErrExists", err)
	}
	if diff := cmp.Diff(tk, mustGet(t, s, "T-1"), cmpTicket); diff != "" {
		t.Errorf("failed Create changed the ticket (-want +got):\n%s", diff)
	}
}

func testNotFound(t *testing.T, s ticket.Store) {
	ctx := context.Background()
	if _, err := s.Get(ctx, "missing"); !errors.Is(err, ticket.ErrNotFound) {
		t.Errorf("Get(missing) err = %v, want ErrNotFound", err)
	}
	tk := open(t, "missing", nil)
	next, rec, err := support.Apply(tk, "open", ticket.Agent("a"), base, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, next, tk.Version, []ticket.Record{rec}); !errors.Is(err, ticket.ErrNotFound) {
		t.Errorf("Update(missing) err = %v, want ErrNotFound", err)
	}
	got, err := s.Find(ctx, ticket.Query{CustomerID: "nobody"})
	if err != nil || len(got) != 0 {
		t.Errorf("Find(nobody) = %v, %v; want empty", got, err)
	}
}

func testUpdate(t *testing.T, s ticket.Store) {
	ctx := context.Background()
	tk := open(t, "T-2", nil)
	mustCreate(t, s, tk)
	cur := mustGet(t, s, "T-2")
	steps := []func(ticket.Ticket) (ticket.Ticket, ticket.Record, error){
		func(x ticket.Ticket) (ticket.Ticket, ticket.Record, error) {
			return support.Apply(x, "open", ticket.Agent("alice"), base.Add(time.Minute), "taking it")
		},
		func(x ticket.Ticket) (ticket.Ticket, ticket.Record, error) {
			return support.Reply(x, ticket.Agent("alice"), base.Add(2*time.Minute), "您好，请提供订单号")
		},
		func(x ticket.Ticket) (ticket.Ticket, ticket.Record, error) {
			return support.Assign(x, "bob", ticket.Agent("alice"), base.Add(3*time.Minute), "shift change")
		},
	}
	for i, step := range steps {
		next, rec, err := step(cur)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		next.DueAt = base.Add(time.Duration(i+1) * time.Hour)
		if err := s.Update(ctx, next, cur.Version, []ticket.Record{rec}); err != nil {
			t.Fatalf("step %d: Update: %v", i, err)
		}
		got := mustGet(t, s, "T-2")
		if diff := cmp.Diff(next, got, cmpTicket); diff != "" {
			t.Fatalf("step %d: Get after Update (-want +got):\n%s", i, diff)
		}
		cur = got
	}
	if cur.Version != 4 || len(cur.History) != 4 || cur.State != ticket.StateOpen || cur.Assignee != "bob" {
		t.Errorf("final ticket: version %d, %d records, state %s, assignee %s", cur.Version, len(cur.History), cur.State, cur.Assignee)
	}
	// A version bump without records (a derived-field refresh) is allowed.
	refresh := cur.Clone()
	refresh.Version++
	refresh.DueAt = time.Time{}
	if err := s.Update(ctx, refresh, cur.Version, nil); err != nil {
		t.Fatalf("Update without records: %v", err)
	}
	if got := mustGet(t, s, "T-2"); got.Version != cur.Version+1 || !got.DueAt.IsZero() || len(got.History) != 4 {
		t.Errorf("after refresh: version %d, due %v, %d records", got.Version, got.DueAt, len(got.History))
	}
}

func testConflict(t *testing.T, s ticket.Store) {
	ctx := context.Background()
	mustCreate(t, s, open(t, "T-3", nil))
	read := mustGet(t, s, "T-3")
	a, recA, err := support.Apply(read, "open", ticket.Agent("alice"), base.Add(time.Minute), "alice")
	if err != nil {
		t.Fatal(err)
	}
	b, recB, err := support.Apply(read, "solve", ticket.Agent("bob"), base.Add(time.Minute), "bob")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, a, read.Version, []ticket.Record{recA}); err != nil {
		t.Fatalf("first Update: %v", err)
	}
	err = s.Update(ctx, b, read.Version, []ticket.Record{recB})
	if !errors.Is(err, ticket.ErrConflict) {
		t.Fatalf("stale Update err = %v, want ErrConflict", err)
	}
	if diff := cmp.Diff(a, mustGet(t, s, "T-3"), cmpTicket); diff != "" {
		t.Errorf("stale Update changed the ticket (-want +got):\n%s", diff)
	}
}

func testInvalidUpdate(t *testing.T, s ticket.Store) {
	ctx := context.Background()
	mustCreate(t, s, open(t, "T-4", nil))
	read := mustGet(t, s, "T-4")
	next, rec, err := support.Apply(read, "open", ticket.Agent("alice"), base, "")
	if err != nil {
		t.Fatal(err)
	}
	bad := rec
	bad.Seq = 5
	if err := s.Update(ctx, next, read.Version, []ticket.Record{bad}); !errors.Is(err, ticket.ErrInvalidTicket) {
		t.Errorf("Update with a gap in seq err = %v, want ErrInvalidTicket", err)
	}
	skipped := next
	skipped.Version = read.Version + 2
	if err := s.Update(ctx, skipped, read.Version, []ticket.Record{rec}); !errors.Is(err, ticket.ErrInvalidTicket) {
		t.Errorf("Update skipping a version err = %v, want ErrInvalidTicket", err)
	}
	if diff := cmp.Diff(read, mustGet(t, s, "T-4"), cmpTicket); diff != "" {
		t.Errorf("invalid Update changed the ticket (-want +got):\n%s", diff)
	}
}

func testIsolation(t *testing.T, s ticket.Store) {
	tk := open(t, "T-5", nil)
	mustCreate(t, s, tk)
	tk.Tags[0] = "changed"
	tk.Fields["order"] = "changed"
	tk.History[0].Note = "changed"
	got := mustGet(t, s, "T-5")
	if got.Tags[0] != "vip" || got.Fields["order"] != "A-1" || got.History[0].Note == "changed" {
		t.Fatalf("store shares memory with the created ticket: %+v", got)
	}
	got.Tags[0] = "changed"
	got.Fields["order"] = "changed"
	got.History[0].Note = "changed"
	again := mustGet(t, s, "T-5")
	if again.Tags[0] != "vip" || again.Fields["order"] != "A-1" || again.History[0].Note == "changed" {
		t.Fatalf("store shares memory with a returned ticket: %+v", again)
	}
	found, err := s.Find(context.Background(), ticket.Query{CustomerID: "cust-1"})
	if err != nil || len(found) != 1 {
		t.Fatalf("Find = %v, %v", found, err)
	}
	found[0].History[0].Note = "changed"
	if mustGet(t, s, "T-5").History[0].Note == "changed" {
		t.Fatal("store shares memory with a found ticket")
	}
}

func testFind(t *testing.T, s ticket.Store) {
	ctx := context.Background()
	mk := func(id, cust, assignee string, created, due, alert time.Duration, refund bool) {
		draft := ticket.Ticket{ID: id, CustomerID: cust, Assignee: assignee}
		d := support
		if refund {
			d = ticket.Refund()
		}
		tk, _, err := d.Open(draft, ticket.System("test"), base.Add(created))
		if err != nil {
			t.Fatal(err)
		}
		if due != 0 {
			tk.DueAt = base.Add(due)
		}
		if alert != 0 {
			tk.AlertAt = base.Add(alert)
		}
		mustCreate(t, s, tk)
	}
	mk("a", "c1", "alice", 3, 5*time.Hour, time.Hour, false)
	mk("b", "c1", "bob", 1, 2*time.Hour, 3*time.Hour, true)
	mk("c", "c2", "alice", 2, 0, 0, false)
	mk("d", "c2", "", 4, time.Hour, 4*time.Hour, false)
	mk("e", "c3", "alice", 2, 9*time.Hour, 0, false)

	ids := func(q ticket.Query) []string {
		got, err := s.Find(ctx, q)
		if err != nil {
			t.Fatalf("Find(%+v): %v", q, err)
		}
		var out []string
		for _, tk := range got {
			out = append(out, tk.ID)
			if len(tk.History) == 0 {
				t.Errorf("Find(%+v) returned %s without history", q, tk.ID)
			}
		}
		return out
	}
	tests := []struct {
		name string
		q    ticket.Query
		want []string
	}{
		{"all by creation", ticket.Query{}, []string{"b", "c", "e", "a", "d"}},
		{"customer", ticket.Query{CustomerID: "c1"}, []string{"b", "a"}},
		{"assignee", ticket.Query{Assignee: "alice"}, []string{"c", "e", "a"}},
		{"state and assignee", ticket.Query{State: ticket.StateNew, Assignee: "alice"}, []string{"c", "e", "a"}},
		{"state", ticket.Query{State: ticket.StateSubmitted}, []string{"b"}},
		{"definition", ticket.Query{Definition: "support", CustomerID: "c2"}, []string{"c", "d"}},
		{"due before, by due", ticket.Query{DueBefore: base.Add(5 * time.Hour)}, []string{"d", "b", "a"}},
		{"due before is inclusive", ticket.Query{DueBefore: base.Add(time.Hour)}, []string{"d"}},
		{"alert before, by alert", ticket.Query{AlertBefore: base.Add(3 * time.Hour)}, []string{"a", "b"}},
		{"limit", ticket.Query{DueBefore: base.Add(24 * time.Hour), Limit: 2}, []string{"d", "b"}},
		{"nothing", ticket.Query{CustomerID: "c1", Assignee: "nobody"}, nil},
	}
	for _, tt := range tests {
		if got := ids(tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Find = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// testRacingTransitions has many goroutines read, transition and write one
// ticket. Each attempt that reads version v and writes v+1 must either win or
// get ErrConflict, exactly one must win per version, and the history must hold
// every winner's record once, numbered without gaps.
func testRacingTransitions(t *testing.T, s ticket.Store) {
	ctx := context.Background()
	mustCreate(t, s, open(t, "race", nil))
	const workers, attempts = 8, 40
	var mu sync.Mutex
	winners := map[int64]string{} // version read → note of the winning record
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < attempts; i++ {
				cur, err := s.Get(ctx, "race")
				if err != nil {
					errs <- err
					return
				}
				note := fmt.Sprintf("w%d-%d", w, i)
				// Alternate between a state change and a reply so the
				// transitions really depend on the state read.
				var next ticket.Ticket
				var rec ticket.Record
				switch cur.State {
				case ticket.StateNew, ticket.StatePending:
					next, rec, err = support.Apply(cur, map[string]string{ticket.StateNew: "open", ticket.StatePending: "resume"}[cur.State], ticket.Agent(note), base, note)
				case ticket.StateOpen:
					next, rec, err = support.Apply(cur, "ask_customer", ticket.Agent(note), base, note)
				}
				if err != nil {
					errs <- fmt.Errorf("apply in %s: %w", cur.State, err)
					return
				}
				err = s.Update(ctx, next, cur.Version, []ticket.Record{rec})
				switch {
				case err == nil:
					mu.Lock()
					if prev, dup := winners[cur.Version]; dup {
						mu.Unlock()
						errs <- fmt.Errorf("two updates won from version %d: %s and %s", cur.Version, prev, note)
						return
					}
					winners[cur.Version] = note
					mu.Unlock()
				case errors.Is(err, ticket.ErrConflict):
				default:
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	final := mustGet(t, s, "race")
	if int(final.Version) != len(winners)+1 {
		t.Errorf("final version %d, want %d (one per winning update)", final.Version, len(winners)+1)
	}
	if len(final.History) != len(winners)+1 {
		t.Fatalf("history has %d records, want %d", len(final.History), len(winners)+1)
	}
	seen := map[string]bool{}
	for i, r := range final.History {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d: gap or duplicate", i, r.Seq)
		}
		if i == 0 {
			continue
		}
		if seen[r.Note] {
			t.Fatalf("record %q appears twice", r.Note)
		}
		seen[r.Note] = true
		if want := winners[int64(i)]; r.Note != want {
			t.Fatalf("record %d is %q, want the winner from version %d, %q", r.Seq, r.Note, i, want)
		}
		if prev := final.History[i-1]; r.From != prev.To {
			t.Fatalf("record %d goes from %s but the previous one ended in %s", r.Seq, r.From, prev.To)
		}
	}
	if len(winners) == 0 {
		t.Error("no update won")
	}
}

func testRacingCreates(t *testing.T, s ticket.Store) {
	ctx := context.Background()
	const workers = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for w := 0; w < workers; w++ {
		tk := open(t, "dup", func(d *ticket.Ticket) { d.Subject = fmt.Sprint(w) })
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Create(ctx, tk)
			switch {
			case err == nil:
				mu.Lock()
				won++
				mu.Unlock()
			case !errors.Is(err, ticket.ErrExists):
				t.Errorf("Create err = %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("%d concurrent creates of one id succeeded, want 1", won)
	}
}

// testCanceledContext checks that every method honours its context: with a
// cancelled context each returns an error and nothing is written.
func testCanceledContext(t *testing.T, s ticket.Store) {
	mustCreate(t, s, open(t, "ctx-1", nil))
	cur := mustGet(t, s, "ctx-1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Create(ctx, open(t, "ctx-2", nil)); err == nil {
		t.Error("Create with a cancelled context succeeded")
	}
	if _, err := s.Get(ctx, "ctx-1"); err == nil {
		t.Error("Get with a cancelled context succeeded")
	}
	next, rec, err := support.Apply(cur, "open", ticket.Agent("a"), base, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, next, cur.Version, []ticket.Record{rec}); err == nil {
		t.Error("Update with a cancelled context succeeded")
	}
	if _, err := s.Find(ctx, ticket.Query{}); err == nil {
		t.Error("Find with a cancelled context succeeded")
	}
	if _, err := s.Get(context.Background(), "ctx-2"); !errors.Is(err, ticket.ErrNotFound) {
		t.Errorf("a Create with a cancelled context stored the ticket (Get err = %v)", err)
	}
	if diff := cmp.Diff(cur, mustGet(t, s, "ctx-1"), cmpTicket); diff != "" {
		t.Errorf("an Update with a cancelled context changed the ticket (-want +got):\n%s", diff)
	}
}
