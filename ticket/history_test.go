package ticket

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// lastNotes returns the notes of the last record of each ticket.
func lastNote(tk Ticket) string { return tk.History[len(tk.History)-1].Note }

func TestHistoryChainAppendsInPlaceWithoutSharing(t *testing.T) {
	d := GeneralSupport()
	tk, _, err := d.Open(Ticket{ID: "H"}, cust, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Can(tk, "open", alice, t0); err != nil {
		t.Fatal(err)
	}
	a, _, err := d.Apply(tk, "open", alice, t0, "a")
	if err != nil {
		t.Fatal(err)
	}
	if &a.History[0] != &tk.History[0] {
		t.Error("a step on a fresh result (after Can) copied the history instead of appending in place")
	}
	// Two steps from one input: the first appends in place, the second
	// must get its own array.
	b1, _, err := d.Reply(a, alice, t0, "b1")
	if err != nil {
		t.Fatal(err)
	}
	b2, _, err := d.Reply(a, cust, t0, "b2")
	if err != nil {
		t.Fatal(err)
	}
	if lastNote(b1) != "b1" || lastNote(b2) != "b2" || len(a.History) != 2 {
		t.Fatalf("forked steps share records: b1 %q, b2 %q, input has %d records", lastNote(b1), lastNote(b2), len(a.History))
	}
	// Continuing both forks keeps them apart.
	c1, _, _ := d.Reply(b1, alice, t0, "c1")
	c2, _, _ := d.Reply(b2, alice, t0, "c2")
	c1b, _, _ := d.Reply(b1, alice, t0, "c1b")
	for _, tt := range []struct {
		tk   Ticket
		want []string
	}{
		{b1, []string{"", "a", "b1"}}, {b2, []string{"", "a", "b2"}},
		{c1, []string{"", "a", "b1", "c1"}}, {c2, []string{"", "a", "b2", "c2"}}, {c1b, []string{"", "a", "b1", "c1b"}},
	} {
		var got []string
		for i, r := range tt.tk.History {
			if r.Seq != int64(i+1) {
				t.Errorf("record %d has seq %d", i, r.Seq)
			}
			got = append(got, r.Note)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("history notes = %q, want %q", got, tt.want)
		}
	}
	// A re-sliced history (an older view of the same array) never
	// overwrites the records after it.
	old := c1
	old.History = old.History[:2]
	if _, _, err := d.Reply(old, alice, t0, "rewrite"); err != nil {
		t.Fatal(err)
	}
	if lastNote(c1) != "c1" || c1.History[2].Note != "b1" {
		t.Errorf("a step on a re-sliced history overwrote records: %v", c1.History)
	}
	// A history replaced by another array (keeping the unexported tail)
	// is copied, not written into.
	foreign := make([]Record, len(c1.History), len(c1.History)+4)
	copy(foreign, c1.History)
	swapped := c1
	swapped.History = foreign
	if _, _, err := d.Reply(swapped, alice, t0, "x"); err != nil {
		t.Fatal(err)
	}
	if got := foreign[:len(foreign)+1][len(foreign)]; got.Seq != 0 {
		t.Errorf("a step wrote into a history array it does not own: %+v", got)
	}
	// Clone detaches.
	cl := c1.Clone()
	n, _, _ := d.Reply(cl, alice, t0, "after clone")
	if &n.History[0] == &c1.History[0] {
		t.Error("a step on a Clone shares the original's array")
	}
}

// TestHistoryConcurrentStepsOnOneInput runs steps on one shared ticket from
// many goroutines (run with -race): each result must hold its own record.
func TestHistoryConcurrentStepsOnOneInput(t *testing.T) {
	d := GeneralSupport()
	tk, _, err := d.Open(Ticket{ID: "H"}, cust, t0)
	if err != nil {
		t.Fatal(err)
	}
	const workers = 16
	results := make([]Ticket, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cur := tk
			for i := range 5 {
				var err error
				cur, _, err = d.Reply(cur, alice, t0.Add(time.Duration(i)*time.Second), fmt.Sprintf("w%d-%d", w, i))
				if err != nil {
					t.Error(err)
					return
				}
			}
			results[w] = cur
		}()
	}
	wg.Wait()
	for w, r := range results {
		if len(r.History) != 6 {
			t.Fatalf("worker %d: %d records", w, len(r.History))
		}
		for i, rec := range r.History[1:] {
			if want := fmt.Sprintf("w%d-%d", w, i); rec.Note != want || rec.Seq != int64(i+2) {
				t.Fatalf("worker %d record %d = %q seq %d, want %q: results share records", w, i, rec.Note, rec.Seq, want)
			}
		}
	}
	if len(tk.History) != 1 {
		t.Errorf("input grew to %d records", len(tk.History))
	}
}
