package ticket

import (
	"time"
)

// ClockState is the state of one SLA clock instance.
// It is a plain value.
type ClockState int

// Clock states.
const (
	ClockOff     ClockState = iota // not tracked (no target) or not started
	ClockRunning                   // counting
	ClockPaused                    // started, but the ticket waits on the customer
	ClockMet                       // fulfilled (the reply came, the ticket was resolved)
	ClockStopped                   // ended unfulfilled because the ticket was resolved
)

var clockStateNames = [...]string{"off", "running", "paused", "met", "stopped"}

// String returns the state's name.
func (s ClockState) String() string {
	if s >= 0 && int(s) < len(clockStateNames) {
		return clockStateNames[s]
	}
	return "unknown"
}

// Clock is the latest instance of one SLA metric on a ticket. It is a plain
// value.
type Clock struct {
	Metric   Metric
	State    ClockState
	Target   time.Duration // zero: the metric is not tracked
	Instance int64         // the Seq of the record that started this instance
	Started  time.Time     // when it started
	// Elapsed is the (business) time counted so far, pauses excluded: up to
	// the evaluation instant while running or paused, up to the end once
	// met or stopped.
	Elapsed time.Duration
	// Due is when the target is (or was) reached. For a running clock it is
	// in the future unless breached; for a paused or finished clock it is the
	// instant of breach, or zero.
	Due      time.Time
	Breached bool // Elapsed exceeded Target
	// WarnAt is when a warning is due for a running clock (zero without
	// WarnBefore or when not running).
	WarnAt time.Time
	// Warned and BreachRecorded report whether the history already holds
	// the warning or breach record for this instance.
	Warned, BreachRecorded bool
}

// Remaining returns Target - Elapsed (negative once breached).
func (c Clock) Remaining() time.Duration { return c.Target - c.Elapsed }

// Status is a ticket's SLA state and metrics, derived from its history alone,
// so it can be recomputed after a policy change or a repair. Durations are in
// the policy's business time (calendar time without a calendar), with pauses
// in waiting states excluded. It is a plain value.
type Status struct {
	Policy string            // the applied policy; "" when none
	Clocks [numMetrics]Clock // the latest instance of each metric, indexed by Metric
	Due    time.Time         // the earliest Due of running clocks; zero when none runs

	Responded     bool          // a public agent record exists
	FirstResponse time.Duration // time to the first public agent record
	Resolved      bool          // the ticket is in a resolved state now
	Resolution    time.Duration // time to the (latest) resolution
	Reopens       int           // transitions from a resolved to an unresolved state
	Breaches      int           // clock instances, past and current, that exceeded their target
}

// Clock returns the status of metric m.
func (s Status) Clock(m Metric) Clock {
	if m < 0 || m >= numMetrics {
		return Clock{}
	}
	return s.Clocks[m]
}

// Breached reports whether any clock, past or current, exceeded its target.
func (s Status) Breached() bool { return s.Breaches > 0 }

// Evaluate derives t's SLA status at now from its history: the policy is
// chosen for t as it is now, d says which states wait on the customer and
// which are resolved. It never fails; with a nil SLA or no matching policy
// only the metrics (first response, resolution, reopens) are filled in, in
// calendar time.
func (s *SLA) Evaluate(d *Definition, t *Ticket, now time.Time) Status {
	var e evaluator
	e.run(s.Policy(t), d, t, now, true)
	return e.st
}

// DueAt returns only the earliest due instant of t's running clocks (zero
// when none runs), the cheap path of Evaluate.
func (s *SLA) DueAt(d *Definition, t *Ticket, now time.Time) time.Time {
	var e evaluator
	e.run(s.Policy(t), d, t, now, false)
	return e.st.Due
}

// instance tracks one clock instance during evaluation.
type instance struct {
	open     bool      // started and not ended
	start    int64     // cumulative active time at start
	crossed  bool      // elapsed reached target
	crossAt  time.Time // when
	endTotal int64     // cumulative active time at the end
}

type evaluator struct {
	st       Status
	cal      bizCursor
	targets  Targets
	inst     [numMetrics]instance
	active   bool
	resolved bool
	state    string // the state the flags are for
	entered  bool
	total    int64 // cumulative active (business) time, in nanoseconds
	lastAt   time.Time
	lastN    int64 // lastAt in Unix nanoseconds
	started  bool
}

func (e *evaluator) run(p *Policy, d *Definition, t *Ticket, now time.Time, full bool) {
	if p != nil {
		e.st.Policy = p.Name
		e.cal.cal = p.Calendar
		e.targets, _ = p.targets(t.Priority)
	}
	for m := Metric(0); m < numMetrics; m++ {
		e.st.Clocks[m].Metric = m
		e.st.Clocks[m].Target = e.targets.of(m)
	}
	for i := range t.History {
		r := &t.History[i]
		e.advance(r.At)
		switch r.Kind {
		case RecordCreated:
			e.enter(d, r.To)
			e.start(FirstReply, r)
			e.start(Resolution, r)
		case RecordTransition:
			if r.Public && r.Actor.Kind == ActorAgent {
				e.agentResponse(r)
			}
			wasResolved := e.resolved
			e.enter(d, r.To)
			switch {
			case e.resolved && !wasResolved:
				e.resolve()
			case !e.resolved && wasResolved:
				e.st.Reopens++
				e.st.Resolved = false
				e.reopen(r)
			}
			// A customer acting on the ticket (supplying the information
			// asked for, reopening it) waits for an answer like a message.
			if r.Actor.Kind == ActorCustomer {
				e.customerContact(r)
			}
		case RecordMessage:
			switch r.Actor.Kind {
			case ActorAgent:
				e.agentResponse(r)
			case ActorCustomer:
				e.customerContact(r)
			}
		case RecordSLAWarning, RecordSLABreach:
			if m, ok := ParseMetric(r.Metric); ok && e.st.Clocks[m].Instance == r.Instance {
				if r.Kind == RecordSLAWarning {
					e.st.Clocks[m].Warned = true
				} else {
					e.st.Clocks[m].BreachRecorded = true
				}
			}
		}
	}
	e.advance(now)
	e.finish(now, full)
}

// enter updates the activity flags for state.
func (e *evaluator) enter(d *Definition, state string) {
	if e.entered && state == e.state {
		return
	}
	e.entered, e.state = true, state
	waiting, resolved, terminal := d.flags(state)
	e.resolved = resolved || terminal
	e.active = !waiting && !e.resolved
}

// advance moves the evaluation to at, counting active time and noting
// clocks that reach their targets on the way.
func (e *evaluator) advance(at time.Time) {
	atN := at.UnixNano()
	if !e.started {
		e.started, e.lastAt, e.lastN = true, at, atN
		return
	}
	if atN <= e.lastN {
		return
	}
	if e.active {
		step := int64(e.cal.betweenN(e.lastN, atN))
		for m := range e.inst {
			in := &e.inst[m]
			if !in.open || in.crossed {
				continue
			}
			if target := int64(e.st.Clocks[m].Target); target > 0 && e.total+step-in.start > target {
				in.crossed = true
				in.crossAt = e.cal.add(e.lastAt, time.Duration(target-(e.total-in.start)))
			}
		}
		e.total += step
	}
	e.lastAt, e.lastN = at, atN
}

func (e *evaluator) start(m Metric, r *Record) {
	e.inst[m] = instance{open: true, start: e.total}
	c := &e.st.Clocks[m]
	*c = Clock{Metric: m, Target: c.Target, Instance: r.Seq, Started: r.At}
}

// end closes the open instance of m.
func (e *evaluator) end(m Metric, state ClockState) {
	in := &e.inst[m]
	if !in.open {
		return
	}
	in.open = false
	in.endTotal = e.total
	c := &e.st.Clocks[m]
	c.State = state
	c.Elapsed = time.Duration(in.endTotal - in.start)
	e.settle(m)
}

// settle records a breach of m's current instance.
func (e *evaluator) settle(m Metric) {
	c := &e.st.Clocks[m]
	in := &e.inst[m]
	if c.Target > 0 && c.Elapsed > c.Target {
		c.Breached = true
		c.Due = in.crossAt
		e.st.Breaches++
	}
}

func (e *evaluator) agentResponse(r *Record) {
	if e.inst[FirstReply].open {
		e.st.Responded = true
		e.st.FirstResponse = time.Duration(e.total - e.inst[FirstReply].start)
		e.end(FirstReply, ClockMet)
	}
	e.end(NextReply, ClockMet)
	e.end(PeriodicUpdate, ClockMet)
	if e.st.Responded && !e.resolved {
		e.start(PeriodicUpdate, r)
	}
}

// customerContact starts the next-reply clock on a customer's message or
// transition, once the first reply is out and unless one is already running.
func (e *evaluator) customerContact(r *Record) {
	if e.st.Responded && !e.inst[NextReply].open && !e.resolved {
		e.start(NextReply, r)
	}
}

func (e *evaluator) resolve() {
	e.end(FirstReply, ClockStopped)
	e.end(NextReply, ClockStopped)
	e.end(PeriodicUpdate, ClockStopped)
	in := &e.inst[Resolution]
	if in.open {
		in.open = false
		e.st.Clocks[Resolution].State = ClockMet
		e.st.Clocks[Resolution].Elapsed = time.Duration(e.total - in.start)
	}
	e.st.Resolved = true
	e.st.Resolution = time.Duration(e.total - in.start)
}

func (e *evaluator) reopen(r *Record) {
	in := &e.inst[Resolution]
	if !in.open && e.st.Clocks[Resolution].Instance != 0 {
		// Resume the same instance: the time before the resolution counts.
		in.open = true
		e.st.Clocks[Resolution].State = ClockRunning
	}
	if e.st.Responded {
		e.start(PeriodicUpdate, r)
	}
}

// finish fills in running and paused clocks at now.
func (e *evaluator) finish(now time.Time, full bool) {
	var minRemaining int64 = -1
	for m := range e.inst {
		in := &e.inst[m]
		if !in.open {
			continue
		}
		c := &e.st.Clocks[m]
		c.Elapsed = time.Duration(e.total - in.start)
		c.State = ClockPaused
		if e.active {
			c.State = ClockRunning
		}
		if c.Target <= 0 {
			continue
		}
		if in.crossed {
			c.Breached = true
			c.Due = in.crossAt
			e.st.Breaches++
			if e.active && (e.st.Due.IsZero() || c.Due.Before(e.st.Due)) {
				e.st.Due = c.Due
			}
			continue
		}
		if !e.active {
			continue
		}
		rem := int64(c.Target - c.Elapsed)
		if full {
			c.Due = e.cal.add(now, time.Duration(rem))
		}
		if minRemaining < 0 || rem < minRemaining {
			minRemaining = rem
		}
	}
	if minRemaining >= 0 {
		due := e.cal.add(now, time.Duration(minRemaining))
		if e.st.Due.IsZero() || due.Before(e.st.Due) {
			e.st.Due = due
		}
	}
	if e.inst[Resolution].open {
		e.st.Resolution = e.st.Clocks[Resolution].Elapsed
	}
}

// fillWarnings fills WarnAt of running clocks for a policy with WarnBefore.
func (st *Status) fillWarnings(p *Policy, now time.Time) {
	if p == nil || p.WarnBefore <= 0 {
		return
	}
	for m := range st.Clocks {
		c := &st.Clocks[m]
		if c.State != ClockRunning || c.Target <= 0 || c.Breached {
			continue
		}
		if rem := c.Remaining(); rem > p.WarnBefore {
			c.WarnAt = p.Calendar.Add(now, rem-p.WarnBefore)
		} else {
			c.WarnAt = now
		}
	}
}

// alertAt returns when the next warning or breach of st should fire (zero
// when none is pending).
func (st *Status) alertAt() time.Time {
	var at time.Time
	consider := func(t time.Time) {
		if !t.IsZero() && (at.IsZero() || t.Before(at)) {
			at = t
		}
	}
	for _, c := range st.Clocks {
		if !c.alertable() {
			continue
		}
		if !c.Warned && !c.Breached && !c.WarnAt.IsZero() {
			consider(c.WarnAt)
		}
		if !c.BreachRecorded && (c.State == ClockRunning || c.Breached) {
			consider(c.Due)
		}
	}
	return at
}

// alertable reports whether c may still need a warning or breach alert: it
// runs, or it breached and then paused before the breach was recorded.
func (c Clock) alertable() bool {
	return c.Target > 0 && (c.State == ClockRunning || (c.State == ClockPaused && c.Breached))
}
