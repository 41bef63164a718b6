package ticket

import (
	"errors"
	"testing"
	"time"
)

// FuzzApply fires arbitrary events from arbitrary states by arbitrary actors
// on the built-in definitions: Apply never panics, refuses with
// ErrInvalidTransition or appends exactly one record for a transition the
// definition has.
func FuzzApply(f *testing.F) {
	f.Add("refund", "reviewing", "approve", "agent", int64(5))
	f.Add("support", "solved", "reopen", "customer", int64(-1))
	f.Add("support", "", "", "", int64(0))
	f.Add("refund", "closed", "close", "system", int64(1<<40))
	f.Add("support", "on-hold", "resume", "robot", int64(3))
	defs := map[string]*Definition{"support": GeneralSupport(), "refund": Refund()}
	f.Fuzz(func(t *testing.T, def, state, event, kind string, minutes int64) {
		d, ok := defs[def]
		if !ok {
			d = defs["support"]
		}
		tk, _, err := d.Open(Ticket{ID: "F"}, cust, t0)
		if err != nil {
			t.Fatal(err)
		}
		tk.State = state
		now := t0.Add(time.Duration(minutes) * time.Minute)
		got, rec, err := d.Apply(tk, event, Actor{Kind: ActorKind(kind), ID: "x"}, now, "n")
		if err != nil {
			if !errors.Is(err, ErrInvalidTransition) || got.Version != tk.Version || len(got.History) != len(tk.History) {
				t.Fatalf("refusal %v changed the ticket or has the wrong kind", err)
			}
			if canErr := d.Can(tk, event, Actor{Kind: ActorKind(kind)}, now); canErr == nil {
				t.Fatalf("Can allows what Apply refused: %v", err)
			}
			return
		}
		if rec.From != state || rec.Event != event || got.State != rec.To || got.Version != tk.Version+1 || len(got.History) != 2 || got.History[1] != rec {
			t.Fatalf("Apply(%q, %q) = %+v, %+v", state, event, got, rec)
		}
		if _, tr := d.find(state, event); tr == nil || d.states[tr.to].Name != rec.To {
			t.Fatalf("Apply made a transition the definition does not have: %s -%s-> %s", state, event, rec.To)
		}
	})
}
