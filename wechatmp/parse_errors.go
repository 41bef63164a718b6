package wechatmp

import (
	"errors"
	"strconv"
)

// Errors reported by ParseMessage and ParseEnvelope. Each is wrapped in a
// *ParseError that carries the byte offset; test with errors.Is.
var (
	// ErrMalformed reports a body that is not well-formed XML or JSON: a
	// syntax error, an unterminated element, mismatched tags, mixed content,
	// an undefined entity, text after the root element, or an empty body.
	ErrMalformed = errors.New("wechatmp: malformed message body")

	// ErrForbiddenXML reports a DOCTYPE, ENTITY or other markup declaration in
	// an XML body. WeChat never sends one; refusing them rules out entity
	// expansion attacks (billion laughs, external entities).
	ErrForbiddenXML = errors.New("wechatmp: forbidden xml declaration")

	// ErrTooDeep reports elements or JSON values nested deeper than the
	// parser's limit of 32 levels. WeChat nests at most 4.
	ErrTooDeep = errors.New("wechatmp: message nested too deeply")

	// ErrInvalidNumber reports a header number (CreateTime, MsgId) that is not
	// a decimal integer or does not fit in an int64. Header numbers are
	// checked strictly because retry detection relies on them; other numeric
	// fields that do not parse are kept as text in Message.Extra instead.
	ErrInvalidNumber = errors.New("wechatmp: invalid number")

	// ErrNoEncrypt reports an envelope without an Encrypt field (ParseEnvelope).
	ErrNoEncrypt = errors.New("wechatmp: envelope has no Encrypt field")
)

// ParseError describes where and why a body could not be parsed. Err is one
// of the sentinels above (ErrMalformed, ErrForbiddenXML, ErrTooDeep,
// ErrInvalidNumber, ErrNoEncrypt); errors.Is sees through a *ParseError to it.
// It is plain data, safe to read from several goroutines.
type ParseError struct {
	// Offset is the byte offset in the body at which the problem was found.
	Offset int
	// Field is the element or key concerned, "" if none (for example
	// "CreateTime").
	Field string
	// Reason is a short human-readable detail, "" if none.
	Reason string
	// Err is the sentinel error.
	Err error
}

// Error implements error: "wechatmp: malformed message body at byte 12 (Content): unterminated element".
func (e *ParseError) Error() string {
	s := e.Err.Error() + " at byte " + strconv.Itoa(e.Offset)
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Unwrap returns the sentinel error.
func (e *ParseError) Unwrap() error { return e.Err }

func parseErr(off int, err error, field, reason string) error {
	return &ParseError{Offset: off, Field: field, Reason: reason, Err: err}
}
