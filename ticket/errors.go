package ticket

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers branch on them with errors.Is; the typed errors
// below carry the details.
var (
	// ErrNotFound is returned by a Store (and the Service) for an unknown ticket id.
	ErrNotFound = errors.New("ticket: not found")
	// ErrExists is returned by Store.Create for a ticket id that is taken.
	ErrExists = errors.New("ticket: already exists")
	// ErrConflict is returned by Store.Update when the stored version is not
	// the version the caller read: someone else changed the ticket first.
	// Nothing was written; re-read and retry.
	ErrConflict = errors.New("ticket: version conflict")
	// ErrInvalidTicket reports a malformed ticket or update (empty id, unknown
	// priority, history out of sequence).
	ErrInvalidTicket = errors.New("ticket: invalid ticket")
	// ErrInvalidDefinition is matched by every *DefinitionError.
	ErrInvalidDefinition = errors.New("ticket: invalid definition")
	// ErrInvalidTransition is matched by a *TransitionError: the event is not
	// allowed from the ticket's state, the state is terminal, the actor may
	// not fire it, or the ticket belongs to another definition.
	ErrInvalidTransition = errors.New("ticket: invalid transition")
	// ErrGuardRejected is matched by a *GuardError: a guard refused the
	// transition.
	ErrGuardRejected = errors.New("ticket: transition refused by guard")
	// ErrInvalidPolicy is returned by NewSLA for an unusable policy list.
	ErrInvalidPolicy = errors.New("ticket: invalid sla policy")
)

// Problem classifies a *DefinitionError.
// It is a plain value.
type Problem int

// Problems found when a definition is built.
const (
	ProblemMissing      Problem = iota + 1 // a required name is empty
	ProblemDuplicate                       // a state or (from, event) pair is defined twice
	ProblemUnknownState                    // a transition or the initial state names an undefined state
	ProblemUnreachable                     // a state cannot be reached from the initial state
	ProblemNoWayOut                        // a non-terminal state has no transition out, or cannot reach a terminal state
	ProblemTerminalExit                    // a terminal state has a transition out
	ProblemTemplate                        // a message template uses an unknown placeholder
	ProblemBadName                         // a name contains a control character or a double quote
)

var problemNames = map[Problem]string{
	ProblemMissing: "missing name", ProblemDuplicate: "duplicate", ProblemUnknownState: "unknown state",
	ProblemUnreachable: "unreachable state", ProblemNoWayOut: "no way out", ProblemTerminalExit: "terminal state has exits",
	ProblemTemplate: "bad message template", ProblemBadName: "bad name",
}

// String returns a short name of the problem.
func (p Problem) String() string {
	if s, ok := problemNames[p]; ok {
		return s
	}
	return fmt.Sprintf("problem(%d)", int(p))
}

// DefinitionError reports why NewDefinition rejected a Spec. It names the
// state and, for transition problems, the transition event. It matches
// ErrInvalidDefinition.
// It is a plain value.
type DefinitionError struct {
	Definition string  // the definition's name
	Problem    Problem // the kind of problem
	State      string  // the state concerned, if any
	Event      string  // the transition event concerned, if any
	Detail     string  // a human explanation
}

// Error implements error.
func (e *DefinitionError) Error() string {
	msg := fmt.Sprintf("ticket: definition %q: %s", e.Definition, e.Problem)
	if e.Event != "" {
		msg += fmt.Sprintf(": transition %q", e.Event)
	}
	if e.State != "" {
		msg += fmt.Sprintf(": state %q", e.State)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Is reports whether target is ErrInvalidDefinition.
func (e *DefinitionError) Is(target error) bool { return target == ErrInvalidDefinition }

// TransitionError reports a transition that the definition does not allow. It
// matches ErrInvalidTransition.
// It is a plain value.
type TransitionError struct {
	TicketID string
	State    string // the ticket's state
	Event    string // the requested event
	Reason   string // why it is not allowed
}

// Error implements error.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("ticket: %s: event %q not allowed in state %q: %s", e.TicketID, e.Event, e.State, e.Reason)
}

// Is reports whether target is ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }

// GuardError reports that a guard refused a transition. Reason is the error
// the guard returned (unwrap it to reach the host's own error values). It
// matches ErrGuardRejected.
// It is a plain value.
type GuardError struct {
	TicketID string
	Event    string
	From, To string
	Reason   error
}

// Error implements error.
func (e *GuardError) Error() string {
	return fmt.Sprintf("ticket: %s: %s (%s → %s) refused: %v", e.TicketID, e.Event, e.From, e.To, e.Reason)
}

// Is reports whether target is ErrGuardRejected.
func (e *GuardError) Is(target error) bool { return target == ErrGuardRejected }

// Unwrap returns the guard's reason.
func (e *GuardError) Unwrap() error { return e.Reason }
