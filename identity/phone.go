package identity

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Phone is a verified phone number in E.164 form ("+8613812341234"). It never
// prints itself in full: String, fmt verbs, %#v and slog all show the masked
// form (138****1234), so a phone that reaches a log line or an error message is
// already redacted. E164 returns the number itself for the code that needs it.
//
// The zero value is "no phone". Phone is an immutable value, safe for
// concurrent use. It has no exported fields, so encoders that reflect on
// structs (encoding/json, gob) see nothing to serialise: store E164 explicitly
// where the host really needs it.
type Phone struct {
	e164 string
}

// ParsePhone normalises a phone number that the host has already verified (for
// example through WeChat's getPhoneNumber). It accepts the usual Chinese
// forms: "13812341234", "138 1234 1234", "+86 138-1234-1234", "86 13812341234",
// "008613812341234", "(+86)13812341234", and full-width digits; other
// countries need a "+" or "00" prefix. Mainland numbers (+86) must be 11-digit
// mobiles (1[3-9]xxxxxxxxx); other numbers must have 8 to 15 digits. Anything
// else returns an error matching ErrInvalidPhone; the input is not echoed in
// the error.
func ParsePhone(s string) (Phone, error) {
	var b strings.Builder
	b.Grow(len(s))
	plus := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == '+' || r == '＋':
			if plus || b.Len() > 0 {
				return Phone{}, fmt.Errorf("%w: misplaced '+'", ErrInvalidPhone)
			}
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\t' ||
			r == '\u00a0' || r == '\u3000' || r == '－' || r == '（' || r == '）':
		default:
			return Phone{}, fmt.Errorf("%w: unexpected character", ErrInvalidPhone)
		}
	}
	d := b.String()
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case len(d) == 11 && d[0] == '1':
		d = "86" + d
	case len(d) == 13 && strings.HasPrefix(d, "86") && d[2] == '1':
	default:
		return Phone{}, fmt.Errorf("%w: not a mainland mobile and no country code", ErrInvalidPhone)
	}
	if strings.HasPrefix(d, "86") {
		n := d[2:]
		if len(n) != 11 || n[0] != '1' || n[1] < '3' {
			return Phone{}, fmt.Errorf("%w: +86 numbers must be 11-digit mobiles", ErrInvalidPhone)
		}
	} else if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return Phone{}, fmt.Errorf("%w: must have 8 to 15 digits after the country code", ErrInvalidPhone)
	}
	return Phone{e164: "+" + d}, nil
}

// MustParsePhone is ParsePhone for constants in tests and examples; it panics
// on an invalid number.
func MustParsePhone(s string) Phone {
	p, err := ParsePhone(s)
	if err != nil {
		panic(err)
	}
	return p
}

// IsZero reports whether p is the zero Phone (no number).
func (p Phone) IsZero() bool { return p.e164 == "" }

// E164 returns the full number, e.g. "+8613812341234", or "" for the zero
// Phone. Handle the result as personal data.
func (p Phone) E164() string { return p.e164 }

// Masked returns the number with its middle digits hidden: "138****1234" for a
// mainland mobile (without the +86), "+447****3456" for other countries
// ("+12****78" for numbers under 11 digits, so that at least four digits stay
// hidden), "" for the zero Phone.
func (p Phone) Masked() string {
	if p.e164 == "" {
		return ""
	}
	d := p.e164[1:]
	if strings.HasPrefix(d, "86") {
		n := d[2:]
		return n[:3] + "****" + n[len(n)-4:]
	}
	if len(d) < 11 { // short numbers: keep at least four digits hidden
		return "+" + d[:2] + "****" + d[len(d)-2:]
	}
	return "+" + d[:3] + "****" + d[len(d)-4:]
}

// String returns Masked, so fmt and error messages never show the number.
func (p Phone) String() string { return p.Masked() }

// GoString returns a masked Go-like form, so %#v does not leak the number.
func (p Phone) GoString() string { return "identity.Phone(" + p.Masked() + ")" }

// Format implements fmt.Formatter: every verb prints the masked form (or the
// GoString form for %#v), so no verb can reach the digits through reflection.
func (p Phone) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, p.GoString())
		return
	}
	_, _ = io.WriteString(f, p.Masked())
}

// LogValue implements slog.LogValuer: the phone is logged masked.
func (p Phone) LogValue() slog.Value { return slog.StringValue(p.Masked()) }
