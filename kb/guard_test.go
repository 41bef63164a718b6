package kb_test

import (
	"testing"
	"unicode/utf8"

	"github.com/kefu-go/kefu/kb"
)

func TestGuard(t *testing.T) {
	ix := mustBuild(t, kb.Data{Phrases: []kb.Phrase{
		{Text: "终身免费升级", Rule: "不可兑现的承诺", Severity: kb.SeverityBlock, Suggestion: "保修期内免费升级"},
		{Text: "免费", Rule: "慎用免费", Severity: kb.SeverityFlag},
		{Text: "最便宜", Rule: "广告法-绝对化用语", Severity: kb.SeverityFlag},
		{Text: "100%有效", Rule: "广告法-功效承诺", Severity: kb.SeverityBlock},
	}})
	type v struct {
		rule                           string
		start, end, runeStart, runeEnd int
		text                           string
	}
	tests := []struct {
		text    string
		want    []v
		blocked bool
	}{
		{"您好，这款是全网最便宜的。", []v{{"广告法-绝对化用语", 24, 33, 8, 11, "最便宜"}}, false},
		{"放心，本产品终身 免费升级！", []v{
			{"不可兑现的承诺", 18, 37, 6, 13, "终身 免费升级"},
			{"慎用免费", 25, 31, 9, 11, "免费"},
		}, true},
		{"ＡＢ最 便 宜", []v{{"广告法-绝对化用语", 6, 17, 2, 7, "最 便 宜"}}, false},
		{"保证１００％有效", []v{{"广告法-功效承诺", 6, 24, 2, 8, "１００％有效"}}, true},
		{"免费免费", []v{{"慎用免费", 0, 6, 0, 2, "免费"}, {"慎用免费", 6, 12, 2, 4, "免费"}}, false},
		{"保修期内可以升级", nil, false},
		{"", nil, false},
	}
	for _, tt := range tests {
		vs := ix.Guard(tt.text)
		if len(vs) != len(tt.want) {
			t.Errorf("Guard(%q) = %d violations %+v, want %d", tt.text, len(vs), vs, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			g := vs[i]
			got := v{g.Phrase.Rule, g.Start, g.End, g.RuneStart, g.RuneEnd, g.Text}
			if got != w {
				t.Errorf("Guard(%q)[%d] = %+v, want %+v", tt.text, i, got, w)
			}
			if tt.text[g.Start:g.End] != g.Text {
				t.Errorf("byte span [%d:%d] is not %q", g.Start, g.End, g.Text)
			}
			if r := []rune(tt.text); string(r[g.RuneStart:g.RuneEnd]) != g.Text {
				t.Errorf("rune span [%d:%d] is not %q", g.RuneStart, g.RuneEnd, g.Text)
			}
			if g.Severity != g.Phrase.Severity {
				t.Errorf("severity %s, phrase says %s", g.Severity, g.Phrase.Severity)
			}
		}
		if kb.Blocked(vs) != tt.blocked {
			t.Errorf("Blocked(Guard(%q)) = %v, want %v", tt.text, !tt.blocked, tt.blocked)
		}
	}
	if vs := ix.Guard("终身免费升级"); vs[0].Phrase.Suggestion != "保修期内免费升级" {
		t.Fatalf("suggestion lost: %+v", vs[0])
	}
	// Invalid UTF-8 in an agent's text does not break the offsets.
	text := "\xff终身免费升级\xfe"
	for _, g := range ix.Guard(text) {
		if text[g.Start:g.End] != g.Text || !utf8.ValidString(g.Text) {
			t.Fatalf("bad span %+v", g)
		}
	}
}

func TestPhraseValidate(t *testing.T) {
	bad := []kb.Phrase{
		{Text: "？！", Rule: "r", Severity: kb.SeverityBlock},
		{Text: "x", Rule: " ", Severity: kb.SeverityBlock},
		{Text: "x", Rule: "r", Severity: "warn"},
		{Text: "x", Rule: "r"},
	}
	for _, p := range bad {
		if err := p.Validate(); !errorsIs(err, kb.ErrInvalid) {
			t.Errorf("Validate(%+v) = %v, want ErrInvalid", p, err)
		}
	}
	if kb.Blocked(nil) {
		t.Fatal("Blocked(nil)")
	}
}
