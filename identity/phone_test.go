package identity_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/kefu-go/kefu/identity"
)

func TestParsePhone(t *testing.T) {
	for _, tc := range []struct{ in, e164, masked string }{
		{"13812341234", "+8613812341234", "138****1234"},
		{"138 1234 1234", "+8613812341234", "138****1234"},
		{"+86 138-1234-1234", "+8613812341234", "138****1234"},
		{"86 13812341234", "+8613812341234", "138****1234"},
		{"008613812341234", "+8613812341234", "138****1234"},
		{"(+86)13812341234", "+8613812341234", "138****1234"},
		{"１３８１２３４１２３４", "+8613812341234", "138****1234"},
		{"＋８６ １３８（１２３４）１２３４", "+8613812341234", "138****1234"},
		{"+44 7700 900123", "+447700900123", "+447****0123"},
		{"0085291234567", "+85291234567", "+852****4567"},
		{"+12345678", "+12345678", "+12****78"},
		{"+1234567890", "+1234567890", "+12****90"},
	} {
		p, err := identity.ParsePhone(tc.in)
		if err != nil {
			t.Errorf("ParsePhone(%q): %v", tc.in, err)
			continue
		}
		if p.E164() != tc.e164 || p.Masked() != tc.masked {
			t.Errorf("ParsePhone(%q) = %s masked %s; want %s masked %s", tc.in, p.E164(), p.Masked(), tc.e164, tc.masked)
		}
	}
	for _, in := range []string{
		"", "1381234123", "138123412345", "12812341234", "02112345678", "+86 02112345678",
		"138-1234-123x", "+8613812341234+", "86+13812341234", "+1234567", "+0123456789",
		"+1234567890123456", "13812341234 ext 5",
	} {
		_, err := identity.ParsePhone(in)
		if !errors.Is(err, identity.ErrInvalidPhone) {
			t.Errorf("ParsePhone(%q): %v; want ErrInvalidPhone", in, err)
			continue
		}
		if digits := strings.Trim(in, "+ -x"); len(digits) > 4 && strings.Contains(err.Error(), digits) {
			t.Errorf("ParsePhone(%q) echoes the input in its error: %v", in, err)
		}
	}
}

func TestPhoneZeroValue(t *testing.T) {
	var p identity.Phone
	if !p.IsZero() || p.E164() != "" || p.Masked() != "" || p.String() != "" {
		t.Fatalf("zero Phone: %q %q %q", p.E164(), p.Masked(), p.String())
	}
	if identity.MustParsePhone(phoneA).IsZero() {
		t.Fatal("parsed phone reports IsZero")
	}
}

func TestMustParsePhonePanicsOnInvalid(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("MustParsePhone of an invalid number did not panic")
		}
	}()
	identity.MustParsePhone("not a phone")
}

func TestPhoneNeverPrintsDigits(t *testing.T) {
	p := identity.MustParsePhone(phoneA)
	type holder struct {
		P   identity.Phone
		Ptr *identity.Phone
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%10v"} {
		for _, v := range []any{p, &p, holder{P: p, Ptr: &p}, []identity.Phone{p}} {
			out := fmt.Sprintf(format, v)
			if strings.Contains(out, "9012") || strings.Contains(out, phoneA) {
				t.Errorf("Sprintf(%q, %T) = %q leaks the number", format, v, out)
			}
		}
	}
	if got := fmt.Sprint(p); got != "138****7654" {
		t.Fatalf("Sprint(phone) = %q; want 138****7654", got)
	}
	if got := fmt.Sprintf("%#v", p); got != "identity.Phone(138****7654)" {
		t.Fatalf("%%#v = %q", got)
	}
}

// TestSlogJSONContainsNoPhoneDigits logs a phone and a customer through a
// JSON handler, directly and nested, and checks the output never carries the
// hidden digits, the name or sensitive attributes.
func TestSlogJSONContainsNoPhoneDigits(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	p := identity.MustParsePhone(phoneA)
	c := identity.Customer{
		ID:          "c1",
		OpenIDs:     []identity.OpenID{{App: "wxoa", ID: "o-secret-openid"}},
		UnionID:     "u-secret-unionid",
		Phone:       p,
		MemberID:    "M-88",
		MemberLevel: "diamond",
		Name:        "张先生",
		Tags:        []string{"敏感肌"},
		Attributes:  map[string]string{"lang": "zh"},
		Sensitive:   map[string]string{"address": "徐汇区某路1号"},
		FirstSeen:   t0,
		LastSeen:    t0.Add(time.Hour),
	}
	log.Info("phone", "phone", p)
	log.Info("customer", "customer", c)
	log.Info("nested", slog.Group("ctx", slog.Any("customer", c), slog.Any("phone", p)))
	log.Info("pointer", "customer", &c, "phone", &p)
	log.With("customer", c).Info("with")
	out := buf.String()
	for _, leak := range []string{phoneA, "9012", "+86" + phoneA, "张先生", "徐汇区", "o-secret-openid", "u-secret-unionid"} {
		if strings.Contains(out, leak) {
			t.Errorf("slog JSON output contains %q:\n%s", leak, out)
		}
	}
	if n := strings.Count(out, "138****7654"); n < 5 {
		t.Errorf("masked phone appears %d times; want it in every line:\n%s", n, out)
	}
	if !containsAll(out, `"member":"M-88"`, `"level":"diamond"`, `"name":"[redacted]"`, `"sensitive":["address"]`, `"tags":["敏感肌"]`) {
		t.Errorf("customer log value lacks the useful, non-personal fields:\n%s", out)
	}
	// %v of a customer is redacted in the same way.
	s := fmt.Sprintf("%v %+v %#v", c, c, struct{ C identity.Customer }{c})
	for _, leak := range []string{phoneA, "9012", "张先生", "徐汇区", "o-secret-openid"} {
		if strings.Contains(s, leak) {
			t.Errorf("fmt output of a Customer contains %q: %s", leak, s)
		}
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"13812341234", "+86 138-1234-1234", "008613812341234", "１３８１２３４１２３４", "+447700900123", "", "+", "00", "86", "(+86)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := identity.ParsePhone(s)
		if err != nil {
			if !errors.Is(err, identity.ErrInvalidPhone) {
				t.Fatalf("ParsePhone(%q): error %v does not match ErrInvalidPhone", s, err)
			}
			if !p.IsZero() {
				t.Fatalf("ParsePhone(%q) returned a phone with an error", s)
			}
			return
		}
		e := p.E164()
		if len(e) < 9 || len(e) > 16 || e[0] != '+' || strings.Trim(e[1:], "0123456789") != "" {
			t.Fatalf("ParsePhone(%q) = %q: not E.164", s, e)
		}
		again, err := identity.ParsePhone(e)
		if err != nil || again != p {
			t.Fatalf("E.164 form %q does not parse back to itself: %v", e, err)
		}
		m := p.Masked()
		shown := len(strings.Trim(strings.ReplaceAll(m, "*", ""), "+"))
		if !strings.Contains(m, "****") || shown > len(e)-1-4 {
			t.Fatalf("Masked(%q) = %q: fewer than four digits hidden", e, m)
		}
	})
}
