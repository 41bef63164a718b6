package routing

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers branch on them with errors.Is.
var (
	// ErrInvalidRule reports a rule set that cannot be compiled. Every
	// *RuleError matches it.
	ErrInvalidRule = errors.New("routing: invalid rule")
	// ErrUnknownPredicate reports a condition naming a host predicate that was
	// not registered in Env.Predicates.
	ErrUnknownPredicate = errors.New("routing: unknown predicate")
	// ErrUnknownCalendar reports a business-hours condition naming a calendar
	// that is neither in Env.Calendars nor in the rule set's own calendars.
	ErrUnknownCalendar = errors.New("routing: unknown calendar")
	// ErrNoRuleSet is returned by Router.Decide before any rule set was stored.
	ErrNoRuleSet = errors.New("routing: no rule set loaded")
	// ErrNotFound is returned by a store for an unknown assignment or waiting
	// entry.
	ErrNotFound = errors.New("routing: not found")
	// ErrInvalidTransition reports a conversation transition that its current
	// state does not allow (for example assigning a closed conversation).
	ErrInvalidTransition = errors.New("routing: invalid conversation transition")
	// ErrConflict is returned by a ConversationStore when a conversation was
	// changed by someone else since it was read (version mismatch), or when
	// creating a conversation while one is already open for the key.
	ErrConflict = errors.New("routing: conflict")
	// ErrAgentUnavailable is returned by Dispatcher.Transfer when the
	// receiving agent is not online or is at a limit.
	ErrAgentUnavailable = errors.New("routing: agent unavailable")
	// ErrInvalidRequest reports a malformed argument (an empty agent ID, a
	// capacity below one, a request without targets).
	ErrInvalidRequest = errors.New("routing: invalid request")
)

// RuleError names the rule and the field of a rule set that could not be
// compiled. It matches ErrInvalidRule with errors.Is and unwraps to the cause
// (for example ErrUnknownPredicate or a *regexp/syntax.Error).
// It is a plain value: safe to read concurrently, not to modify while read.
type RuleError struct {
	// Rule is the rule's name, or "#3" (its position) when it has none, or ""
	// for a field of the rule set itself.
	Rule string
	// Field is the path of the field at fault, such as "when.any[1].regexp".
	Field string
	// Err is the cause.
	Err error
}

// Error implements error.
func (e *RuleError) Error() string {
	if e.Rule == "" {
		return fmt.Sprintf("routing: rule set: field %s: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("routing: rule %q: field %s: %v", e.Rule, e.Field, e.Err)
}

// Unwrap returns the cause.
func (e *RuleError) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalidRule.
func (e *RuleError) Is(target error) bool { return target == ErrInvalidRule }

// TransitionError details a refused conversation transition. It matches
// ErrInvalidTransition with errors.Is.
// It is a plain value: safe to read concurrently, not to modify while read.
type TransitionError struct {
	// From is the conversation's state.
	From State
	// Op is the refused operation, such as "assign" or "transfer".
	Op string
}

// Error implements error.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("routing: invalid conversation transition: cannot %s a conversation in state %s", e.Op, e.From)
}

// Is reports whether target is ErrInvalidTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrInvalidTransition }
