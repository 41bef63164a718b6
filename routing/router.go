package routing

import (
	"sync/atomic"
	"time"
)

// Router holds the live rule set and swaps it atomically while decisions
// continue: Decide loads the current rule set with one atomic read and takes
// no lock, and a decision in flight finishes on the rule set it started with.
//
// The zero Router is ready to use and fails closed: Decide returns ErrNoRuleSet
// until Store is called. A Router is safe for concurrent use and must not be
// copied after first use.
type Router struct {
	// Now returns the current time for inputs whose Time is zero; nil means
	// time.Now. Set it before the Router is first used.
	Now func() time.Time

	rs atomic.Pointer[RuleSet]
}

// Store makes rs the live rule set. A nil rs unloads the rule set.
func (r *Router) Store(rs *RuleSet) { r.rs.Store(rs) }

// Swap makes rs the live rule set and returns the previous one.
func (r *Router) Swap(rs *RuleSet) *RuleSet { return r.rs.Swap(rs) }

// RuleSet returns the live rule set, or nil.
func (r *Router) RuleSet() *RuleSet { return r.rs.Load() }

// Decide routes in with the live rule set, filling a zero in.Time from Now.
// It returns ErrNoRuleSet when no rule set is loaded.
func (r *Router) Decide(in Input) (Decision, error) {
	rs := r.rs.Load()
	if rs == nil {
		return Decision{}, ErrNoRuleSet
	}
	if in.Time.IsZero() {
		if r.Now != nil {
			in.Time = r.Now()
		} else {
			in.Time = time.Now()
		}
	}
	return rs.decide(&in, false), nil
}
