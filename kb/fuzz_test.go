package kb_test

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kefu-go/kefu/kb"
)

// FuzzReadJSON: any input either fails with ErrInvalid or yields a valid
// knowledge base that builds and survives an export/import round trip.
func FuzzReadJSON(f *testing.F) {
	var buf bytes.Buffer
	if err := fullData().WriteJSON(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.String())
	f.Add(`{"entries":[{"id":"a","question":"营业时间","answer":"9:00","status":"published"}]}`)
	f.Add(`{"settings":{"min_score":-1}}`)
	f.Add(`{"entries":[{"id":"a","question":"？","answer":"x"}]}`)
	f.Add(`{"canned":[{"code":"/a","text":"{x"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		d, err := kb.ReadJSON(strings.NewReader(in))
		if err != nil {
			if !errorsIs(err, kb.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if _, err := kb.Build(d); err != nil {
			t.Fatalf("ReadJSON accepted data Build rejects: %v", err)
		}
		var out bytes.Buffer
		if err := d.WriteJSON(&out); err != nil {
			t.Fatal(err)
		}
		if _, err := kb.ReadJSON(&out); err != nil {
			t.Fatalf("export of accepted data does not read back: %v", err)
		}
	})
}

// FuzzReadCases: no panic; errors wrap ErrInvalid; accepted cases are
// non-empty.
func FuzzReadCases(f *testing.F) {
	f.Add("营业时间？\thours\n# c\n\n我要投诉\thuman\n")
	f.Add(`[{"question":"q","expect":"no answer"}]`)
	f.Add("a\tb\tc")
	f.Add("[")
	f.Fuzz(func(t *testing.T, in string) {
		cases, err := kb.ReadCases(strings.NewReader(in))
		if err != nil {
			if !errorsIs(err, kb.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		for _, c := range cases {
			if strings.TrimSpace(c.Question) == "" || strings.TrimSpace(c.Expect) == "" {
				t.Fatalf("accepted an empty case %+v", c)
			}
		}
	})
}

// FuzzAnswer: any message gets a well-formed decision, ranked results with
// finite scores, and guard spans that slice the original text.
func FuzzAnswer(f *testing.F) {
	ix, err := kb.Build(fullData())
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"营业时间？", "ＶＩＰ 会员?", "我要投诉退款", "\xff\xfe退款", "终身 免费升级", "", "双11", "不退款"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		d := ix.Answer(msg, t0)
		switch d.Outcome {
		case kb.OutcomeAuto:
			if d.Entry == nil && d.Rule == nil {
				t.Fatal("auto without entry or rule")
			}
		case kb.OutcomeRecommend:
			if len(d.Results) == 0 {
				t.Fatal("recommend without results")
			}
		case kb.OutcomeHuman, kb.OutcomeNoAnswer:
		default:
			t.Fatalf("outcome %q", d.Outcome)
		}
		if d.Reason == "" {
			t.Fatal("no reason")
		}
		rs := ix.Lookup(msg, t0)
		for i, r := range rs {
			if math.IsNaN(r.Score) || math.IsInf(r.Score, 0) || r.Score < 0 || r.Reason.Coverage > 1 || r.Reason.Strength > 1 {
				t.Fatalf("bad result %+v", r)
			}
			if i > 0 && r.Score > rs[i-1].Score {
				t.Fatal("unsorted results")
			}
			if !r.Entry.LiveAt(t0) {
				t.Fatalf("entry %s not live", r.Entry.ID)
			}
		}
		for _, v := range ix.Guard(msg) {
			if v.Start < 0 || v.End > len(msg) || v.Start >= v.End || msg[v.Start:v.End] != v.Text {
				t.Fatalf("bad violation span %+v", v)
			}
			if v.RuneStart != utf8.RuneCountInString(msg[:v.Start]) || v.RuneEnd != v.RuneStart+utf8.RuneCountInString(v.Text) {
				t.Fatalf("bad rune span %+v", v)
			}
		}
	})
}

// FuzzCannedFill: a template either fails validation or fills without
// leaving a brace-delimited variable behind.
func FuzzCannedFill(f *testing.F) {
	f.Add("{name}您好，订单 {order_no} 已退款。", "张三")
	f.Add("{{literal}} {x}", "v")
	f.Add("{", "")
	f.Add("}}{{", "x")
	f.Fuzz(func(t *testing.T, text, value string) {
		c := kb.Canned{Code: "/f", Text: text}
		if err := c.Validate(); err != nil {
			if !errorsIs(err, kb.ErrInvalid) {
				t.Fatalf("Validate error %v", err)
			}
			return
		}
		vars := map[string]string{}
		for _, v := range c.Variables() {
			vars[v] = value
		}
		got, err := c.Fill(vars)
		if value == "" && len(c.Variables()) > 0 {
			if !errorsIs(err, kb.ErrUnknownVariable) {
				t.Fatalf("empty value filled: %q, %v", got, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Fill: %v", err)
		}
		if len(c.Variables()) == 0 && !strings.ContainsAny(text, "{}") && got != text {
			t.Fatalf("plain text changed: %q → %q", text, got)
		}
	})
}
