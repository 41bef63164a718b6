package ticket

import (
	"strings"
	"testing"
)

// FuzzTemplate checks that message templates never panic: checkTemplate
// accepts or rejects any text, render fills any text, and a template
// checkTemplate accepts leaves no placeholder behind.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{
		"", "您的工单 {id} 已受理", "{note}", "{field:amount} 元", "{", "}", "{}", "{{id}}", "{field:}", "{unknown}",
		"a{id}b{subject}c{from}{to}{event}{note}", "{field:订单}",
	} {
		f.Add(s)
	}
	tk := Ticket{ID: "R-1", Subject: "退款", Fields: map[string]string{"amount": "9.90", "订单": "A-1"}}
	rec := Record{From: "reviewing", To: "finance", Event: "approve", Note: "ok"}
	f.Fuzz(func(t *testing.T, msg string) {
		err := checkTemplate(msg)
		out := render(msg, &tk, &rec)
		if err == nil && strings.Contains(out, "{") {
			t.Errorf("valid template %q rendered with a placeholder left: %q", msg, out)
		}
		if !strings.Contains(msg, "{") && out != msg {
			t.Errorf("text without placeholders changed: %q → %q", msg, out)
		}
	})
}
