package wechatmp

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// cdataReference is replyAppendCDATA written the obvious way: every rune
// outside XML 1.0's Char production (and every invalid byte) becomes
// U+FFFD, then each "]]>" is split across two CDATA sections.
func cdataReference(value string) string {
	var b strings.Builder
	for i, r := range value {
		_, size := utf8.DecodeRuneInString(value[i:])
		if (r == utf8.RuneError && size == 1) || r == 0xFFFE || r == 0xFFFF || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') {
			b.WriteRune(utf8.RuneError)
			continue
		}
		b.WriteString(value[i : i+size])
	}
	return "<![CDATA[" + strings.ReplaceAll(b.String(), "]]>", "]]]]><![CDATA[>") + "]]>"
}

// FuzzReplyCDATA checks replyAppendCDATA, which every passive reply and
// envelope goes through, against cdataReference.
func FuzzReplyCDATA(f *testing.F) {
	for _, s := range []string{
		"", "您好，退款请在订单页点击“申请退款”", "a]]>b", "]]]>", "]]>]]>", "x\x01y\tz",
		"\xff\xfe", "\uFFFE\uFFFF\uFFFD", "\xef\xbf", "tail]]", "中\xe4\xb8",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		if got, want := string(replyAppendCDATA(nil, value)), cdataReference(value); got != want {
			t.Fatalf("replyAppendCDATA(%q) = %q, want %q", value, got, want)
		}
	})
}
