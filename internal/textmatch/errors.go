package textmatch

import (
	"errors"
	"strconv"
)

// ErrEmptyPattern reports a pattern that is empty after normalisation (for
// example "" or "？！"), which would match everywhere.
var ErrEmptyPattern = errors.New("textmatch: pattern is empty after normalisation")

// ErrTooLarge reports a pattern set whose automaton would need more than
// 2^31-1 slots (patterns of some two thousand million runes in all).
var ErrTooLarge = errors.New("textmatch: too many pattern runes")

// PatternError reports which pattern given to Compile was rejected and why.
// Use errors.As to get it and errors.Is on it to test the cause.
type PatternError struct {
	Index   int    // position of the pattern in the slice given to Compile
	Pattern string // the pattern as given
	Err     error  // the cause, e.g. ErrEmptyPattern
}

// Error implements error.
func (e *PatternError) Error() string {
	return "textmatch: pattern " + strconv.Itoa(e.Index) + " " + strconv.Quote(e.Pattern) + ": " + trimPrefix(e.Err.Error())
}

// Unwrap returns the cause.
func (e *PatternError) Unwrap() error { return e.Err }

func trimPrefix(s string) string {
	const p = "textmatch: "
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
