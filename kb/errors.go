package kb

import (
	"errors"
	"strconv"
)

// Sentinel errors. Test for them with errors.Is.
var (
	// ErrNotFound reports a missing entry (or, from a ConfigStore, a missing
	// configuration).
	ErrNotFound = errors.New("kb: not found")
	// ErrConflict reports a compare-and-set failure: the entry was changed
	// since the version the caller read.
	ErrConflict = errors.New("kb: version conflict")
	// ErrInvalid reports bad input: an invalid entry, rule, canned reply,
	// phrase, setting or JSON document. The wrapping *ValidationError says
	// which item and field.
	ErrInvalid = errors.New("kb: invalid")
	// ErrUnknownVariable reports a canned-reply variable that has no value;
	// the wrapping *VariableError names it. Filling never leaves a variable
	// silently empty.
	ErrUnknownVariable = errors.New("kb: unknown variable")
)

// ValidationError describes invalid input. It wraps ErrInvalid.
type ValidationError struct {
	Kind  string // "entry", "rule", "canned", "phrase", "settings", "case"
	ID    string // the item's id, code or index, if known
	Field string // the offending field
	Msg   string // what is wrong
}

// Error implements error.
func (e *ValidationError) Error() string {
	s := "kb: invalid " + e.Kind
	if e.ID != "" {
		s += " " + strconv.Quote(e.ID)
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Msg
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// VariableError reports a canned-reply variable without a value. It wraps
// ErrUnknownVariable.
type VariableError struct {
	Code     string // the canned reply's code
	Variable string // the variable name, without braces
}

// Error implements error.
func (e *VariableError) Error() string {
	return "kb: canned reply " + strconv.Quote(e.Code) + ": no value for variable {" + e.Variable + "}"
}

// Unwrap returns ErrUnknownVariable.
func (e *VariableError) Unwrap() error { return ErrUnknownVariable }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
