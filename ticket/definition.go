package ticket

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode"
)

// Guard decides whether a transition may happen. It returns nil to allow it
// or an error whose text is the reason for refusing ("退款金额超过审批限额").
// A guard must not modify the ticket and should be a pure function of its
// arguments so that Apply stays deterministic.
// Guards are called from whichever goroutine applies the transition, possibly
// several at once, so they must be safe for concurrent use.
type Guard func(t *Ticket, actor Actor, now time.Time) error

// Hook is called by the Service after a change has been committed to the
// Store: on exit from a state, on a transition, and on entry to a state.
// A hook cannot undo the change; its error is reported in Result.HookErr.
// Hooks are called from whichever goroutine committed the change, possibly
// several at once, so they must be safe for concurrent use.
type Hook func(ctx context.Context, c Change) error

// Change describes a committed change, for hooks.
// It is a plain value.
type Change struct {
	Definition *Definition
	Ticket     Ticket // the ticket after the change
	Record     Record // the record the change appended
}

// Spec is the source of a Definition: the states, the named transitions
// between them, and the hooks. Build it with NewDefinition. Spec, StateSpec
// and TransitionSpec are plain configuration values; NewDefinition copies
// what it keeps.
type Spec struct {
	// Name identifies the definition; tickets refer to it by name.
	Name string
	// Initial is the state a new ticket starts in.
	Initial string
	// States lists every state, in display order.
	States []StateSpec
	// Transitions lists the named transitions.
	Transitions []TransitionSpec
	// OpenMessage is the text the customer is sent when a ticket is opened;
	// empty means no notification. See TransitionSpec.Message for the
	// placeholders.
	OpenMessage string
	// OnTransition is called after every committed transition (after the
	// transition's own hook, before the target state's OnEnter).
	OnTransition Hook
}

// StateSpec describes one state.
// It is a plain configuration value.
type StateSpec struct {
	Name string
	// Terminal states end the ticket: no transition leaves them and SLA
	// clocks stop.
	Terminal bool
	// Resolved states count as solved: reaching one stops the resolution
	// clock, and leaving one for a non-resolved state counts as a reopen.
	Resolved bool
	// Waiting marks states in which the ticket waits on the customer (or a
	// third party): SLA clocks pause while the ticket is in one.
	Waiting bool
	// OnEnter and OnExit are called after a committed transition into or out
	// of the state.
	OnEnter, OnExit Hook
}

// TransitionSpec describes a named transition. One TransitionSpec may leave
// several states (From) for one target (To); an event name may be reused by
// other transitions from other states.
// It is a plain configuration value.
type TransitionSpec struct {
	Event string   // the name that fires it, e.g. "approve"
	From  []string // the states it may be fired from
	To    string   // the state it leads to
	// Actors restricts who may fire it; empty means anyone.
	Actors []ActorKind
	// Guard, if not nil, may refuse the transition with a reason.
	Guard Guard
	// Message is the text the customer is sent when the transition happens;
	// empty means the customer is not notified. Placeholders {id},
	// {subject}, {from}, {to}, {event}, {note} and {field:NAME} (a custom
	// field) are replaced with the ticket's values.
	Message string
	// OnTransition is called after the transition is committed.
	OnTransition Hook
}

// Definition is a validated state machine. It is immutable and safe for
// concurrent use. Its Apply method is the pure transition step.
type Definition struct {
	name        string
	initial     int
	states      []state
	byName      map[string]int
	spec        Spec
	openMessage string
	onAny       Hook
}

type state struct {
	StateSpec
	out []*transition // transitions leaving this state
}

type transition struct {
	TransitionSpec
	to int
}

// NewDefinition validates spec and builds a Definition. It returns a
// *DefinitionError (matching ErrInvalidDefinition) naming the state or
// transition when: a name is empty or holds a control character or a double
// quote (names appear in DOT and Mermaid exports); a state or a (from state, event) pair is
// defined twice; a transition or the initial state names an unknown state; a
// state cannot be reached from the initial state; a non-terminal state has no
// way out or cannot reach any terminal state; a terminal state has a
// transition out; or a message uses an unknown placeholder.
func NewDefinition(spec Spec) (*Definition, error) {
	d := &Definition{name: spec.Name, byName: make(map[string]int, len(spec.States)), openMessage: spec.OpenMessage, onAny: spec.OnTransition}
	fail := func(p Problem, st, ev, detail string, args ...any) (*Definition, error) {
		return nil, &DefinitionError{Definition: spec.Name, Problem: p, State: st, Event: ev, Detail: fmt.Sprintf(detail, args...)}
	}
	if spec.Name == "" {
		return fail(ProblemMissing, "", "", "the definition has no name")
	}
	if !exportable(spec.Name) {
		return fail(ProblemBadName, "", "", "the definition name has a control character or a double quote")
	}
	for _, s := range spec.States {
		if s.Name == "" {
			return fail(ProblemMissing, "", "", "a state has no name")
		}
		if !exportable(s.Name) {
			return fail(ProblemBadName, s.Name, "", "a state name has a control character or a double quote")
		}
		if _, dup := d.byName[s.Name]; dup {
			return fail(ProblemDuplicate, s.Name, "", "state defined twice")
		}
		d.byName[s.Name] = len(d.states)
		d.states = append(d.states, state{StateSpec: s})
	}
	init, ok := d.byName[spec.Initial]
	if spec.Initial == "" {
		return fail(ProblemMissing, "", "", "no initial state")
	}
	if !ok {
		return fail(ProblemUnknownState, spec.Initial, "", "the initial state is not defined")
	}
	d.initial = init
	if err := checkTemplate(spec.OpenMessage); err != nil {
		return fail(ProblemTemplate, spec.Initial, "", "open message: %v", err)
	}
	for i := range spec.Transitions {
		ts := spec.Transitions[i]
		if ts.Event == "" {
			return fail(ProblemMissing, ts.To, "", "a transition has no event name")
		}
		if !exportable(ts.Event) {
			return fail(ProblemBadName, "", ts.Event, "an event name has a control character or a double quote")
		}
		to, ok := d.byName[ts.To]
		if !ok {
			return fail(ProblemUnknownState, ts.To, ts.Event, "target state is not defined")
		}
		if len(ts.From) == 0 {
			return fail(ProblemMissing, "", ts.Event, "no source state")
		}
		if err := checkTemplate(ts.Message); err != nil {
			return fail(ProblemTemplate, "", ts.Event, "%v", err)
		}
		for _, k := range ts.Actors {
			if !(Actor{Kind: k}).valid() {
				return fail(ProblemMissing, "", ts.Event, "unknown actor kind %q", k)
			}
		}
		ts.From = slices.Clone(ts.From)
		ts.Actors = slices.Clone(ts.Actors)
		tr := &transition{TransitionSpec: ts, to: to}
		for _, f := range ts.From {
			from, ok := d.byName[f]
			if !ok {
				return fail(ProblemUnknownState, f, ts.Event, "source state is not defined")
			}
			if d.states[from].Terminal {
				return fail(ProblemTerminalExit, f, ts.Event, "terminal states cannot be left")
			}
			for _, other := range d.states[from].out {
				if other.Event == ts.Event {
					return fail(ProblemDuplicate, f, ts.Event, "event defined twice for this state")
				}
			}
			d.states[from].out = append(d.states[from].out, tr)
		}
	}
	if err := d.checkGraph(); err != nil {
		return nil, err
	}
	d.spec = spec
	d.spec.States = slices.Clone(spec.States)
	d.spec.Transitions = make([]TransitionSpec, len(spec.Transitions))
	for i, ts := range spec.Transitions {
		ts.From = slices.Clone(ts.From)
		ts.Actors = slices.Clone(ts.Actors)
		d.spec.Transitions[i] = ts
	}
	return d, nil
}

// exportable reports whether name can be quoted in DOT and Mermaid as is.
func exportable(name string) bool {
	for _, r := range name {
		if r == '"' || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// checkGraph rejects unreachable states and states with no way to a terminal
// state.
func (d *Definition) checkGraph() error {
	reach := make([]bool, len(d.states))
	queue := []int{d.initial}
	reach[d.initial] = true
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, tr := range d.states[s].out {
			if !reach[tr.to] {
				reach[tr.to] = true
				queue = append(queue, tr.to)
			}
		}
	}
	for i, s := range d.states {
		if !reach[i] {
			return &DefinitionError{Definition: d.name, Problem: ProblemUnreachable, State: s.Name, Detail: fmt.Sprintf("no transition path from %q", d.states[d.initial].Name)}
		}
		if !s.Terminal && len(s.out) == 0 {
			return &DefinitionError{Definition: d.name, Problem: ProblemNoWayOut, State: s.Name, Detail: "non-terminal state without transitions (mark it Terminal or add one)"}
		}
	}
	// Every state must be able to reach a terminal state: iterate to a fixed
	// point (definitions are small).
	canEnd := make([]bool, len(d.states))
	anyTerminal := false
	for i, s := range d.states {
		canEnd[i] = s.Terminal
		anyTerminal = anyTerminal || s.Terminal
	}
	if !anyTerminal {
		return &DefinitionError{Definition: d.name, Problem: ProblemNoWayOut, State: d.states[d.initial].Name, Detail: "the definition has no terminal state"}
	}
	for changed := true; changed; {
		changed = false
		for i, s := range d.states {
			if canEnd[i] {
				continue
			}
			for _, tr := range s.out {
				if canEnd[tr.to] {
					canEnd[i], changed = true, true
					break
				}
			}
		}
	}
	for i, s := range d.states {
		if !canEnd[i] {
			return &DefinitionError{Definition: d.name, Problem: ProblemNoWayOut, State: s.Name, Detail: "no path to a terminal state"}
		}
	}
	return nil
}

// Name returns the definition's name.
func (d *Definition) Name() string { return d.name }

// Initial returns the initial state.
func (d *Definition) Initial() string { return d.states[d.initial].Name }

// Spec returns a copy of the spec the definition was built from, so a host
// can derive its own variant (change a message, add a state) and build it.
func (d *Definition) Spec() Spec {
	s := d.spec
	s.States = slices.Clone(d.spec.States)
	s.Transitions = slices.Clone(d.spec.Transitions)
	for i := range s.Transitions {
		s.Transitions[i].From = slices.Clone(s.Transitions[i].From)
		s.Transitions[i].Actors = slices.Clone(s.Transitions[i].Actors)
	}
	return s
}

// State returns the spec of the named state.
func (d *Definition) State(name string) (StateSpec, bool) {
	i, ok := d.byName[name]
	if !ok {
		return StateSpec{}, false
	}
	return d.states[i].StateSpec, true
}

// Events returns the events that may be fired from state, in definition order
// (nil for an unknown or terminal state).
func (d *Definition) Events(state string) []string {
	i, ok := d.byName[state]
	if !ok {
		return nil
	}
	var out []string
	for _, tr := range d.states[i].out {
		out = append(out, tr.Event)
	}
	return out
}

// flags reports the Waiting, Resolved and Terminal flags of the named
// state; unknown states are treated as active.
func (d *Definition) flags(name string) (waiting, resolved, terminal bool) {
	// A linear scan beats the map for the handful of states a definition
	// has, and names taken from the definition compare by pointer.
	for i := range d.states {
		if s := &d.states[i].StateSpec; s.Name == name {
			return s.Waiting, s.Resolved, s.Terminal
		}
	}
	return false, false, false
}

func (d *Definition) find(from, event string) (*state, *transition) {
	i, ok := d.byName[from]
	if !ok {
		return nil, nil
	}
	s := &d.states[i]
	for _, tr := range s.out {
		if tr.Event == event {
			return s, tr
		}
	}
	return s, nil
}
