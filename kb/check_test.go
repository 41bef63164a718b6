package kb_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kefu-go/kefu/kb"
)

func checkIndex(t *testing.T) *kb.Index {
	promo := pub("double11", "双十一活动", "双十一")
	promo.ValidTo = t0.Add(-time.Hour) // already over
	draft := pub("draft", "会员积分", "积分")
	draft.Status = kb.StatusDraft
	return mustBuild(t, kb.Data{
		Rules: append(kb.DefaultRules(), kb.Rule{ID: "hello", Exact: []string{"你好"}, Action: kb.ActionReply, Reply: "您好"}),
		Entries: []kb.Entry{
			pub("hours", "营业时间", "几点开门"),
			pub("shipping", "快递多久到", "快递", "物流"),
			pub("refund", "怎么退款", "退款"),
			promo, draft,
		},
	})
}

func TestCheck(t *testing.T) {
	ix := checkIndex(t)
	cases := []kb.Case{
		{Question: "营业时间？", Expect: "hours", Line: 1},
		{Question: "你好", Expect: "hello", Line: 2},
		{Question: "我要投诉", Expect: kb.ExpectHuman, Line: 3},
		{Question: "今天天气", Expect: kb.ExpectNoAnswer, Line: 4},
		{Question: "退款的快递", Expect: kb.ExpectNoAnswer, Line: 5}, // recommendations only
		// Mismatches:
		{Question: "退款的物流", Expect: "refund", Line: 6},          // tie: recommended, not answered
		{Question: "快递多久到", Expect: kb.ExpectNoAnswer, Line: 7}, // answered
		{Question: "转人工", Expect: "hours", Line: 8},             // handed over
		{Question: "双十一活动", Expect: "double11", Line: 9},        // expired
		{Question: "积分", Expect: "draft", Line: 10},             // draft
		{Question: "营业时间", Expect: "no-such-entry", Line: 11},
	}
	ms := ix.Check(cases, t0)
	var lines []int
	for _, m := range ms {
		lines = append(lines, m.Case.Line)
	}
	if !slices.Equal(lines, []int{6, 7, 8, 9, 10, 11}) {
		t.Fatalf("mismatch lines %v, want 6..11", lines)
	}
	byLine := map[int]kb.Mismatch{}
	for _, m := range ms {
		byLine[m.Case.Line] = m
	}
	tests := []struct {
		line   int
		got    string
		reason []string
		near   []string
	}{
		{6, kb.ExpectNoAnswer, []string{"margin 0.15 needed"}, []string{"refund", "shipping"}},
		{7, "shipping", []string{"automatic reply"}, []string{"shipping"}},
		{8, kb.ExpectHuman, []string{`rule "to-human"`}, nil},
		{9, kb.ExpectNoAnswer, []string{`expected "double11" is not a published, live entry`}, nil},
		{10, kb.ExpectNoAnswer, []string{`expected "draft" is not a published, live entry`}, nil},
		{11, "hours", []string{`"no-such-entry" is not a published, live entry`, `entry "hours" scored`}, []string{"hours"}},
	}
	for _, tt := range tests {
		m := byLine[tt.line]
		if m.Got != tt.got {
			t.Errorf("line %d: got %q, want %q", tt.line, m.Got, tt.got)
		}
		for _, r := range tt.reason {
			if !strings.Contains(m.Reason, r) {
				t.Errorf("line %d: reason %q lacks %q", tt.line, m.Reason, r)
			}
		}
		if got := ids(m.Near); !slices.Equal(got, tt.near) {
			t.Errorf("line %d: near %v, want %v", tt.line, got, tt.near)
		}
		s := m.String()
		if !strings.HasPrefix(s, "line ") || !strings.Contains(s, m.Case.Question) {
			t.Errorf("String() = %q", s)
		}
		for _, n := range tt.near {
			if !strings.Contains(s, "near \""+n+"\" score") {
				t.Errorf("String() %q lacks near %q", s, n)
			}
		}
	}
	if ms := ix.Check(cases[:5], t0); len(ms) != 0 {
		t.Fatalf("passing cases reported: %v", ms)
	}
}

func TestReadCases(t *testing.T) {
	tsv := "# question<TAB>expect\n营业时间？\thours\n\n  我要投诉 \t human \r\n今天天气\tno answer\n"
	got, err := kb.ReadCases(strings.NewReader(tsv))
	if err != nil {
		t.Fatal(err)
	}
	want := []kb.Case{
		{Question: "营业时间？", Expect: "hours", Line: 2},
		{Question: "我要投诉", Expect: "human", Line: 4},
		{Question: "今天天气", Expect: "no answer", Line: 5},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("TSV: %+v, want %+v", got, want)
	}
	js := `[{"question":"营业时间？","expect":"hours"},{"question":"我要投诉","expect":"human"}]`
	got, err = kb.ReadCases(strings.NewReader("\n " + js))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1] != (kb.Case{Question: "我要投诉", Expect: "human"}) {
		t.Fatalf("JSON: %+v", got)
	}
	if got, err := kb.ReadCases(strings.NewReader("\ufeff营业时间\thours\n")); err != nil || len(got) != 1 || got[0].Question != "营业时间" {
		t.Fatalf("BOM: %+v %v", got, err)
	}
	if got, err := kb.ReadCases(strings.NewReader("")); err != nil || len(got) != 0 {
		t.Fatalf("empty input: %v %v", got, err)
	}

	bad := []struct{ in, want string }{
		{"营业时间 hours\n", "line 1"},
		{"ok\thours\n营业时间\t\n", "line 2"},
		{"\thours\n", "line 1"},
		{"a\tb\tc\n", "line 1"},
		{`[{"question":"x","expect":"y","extra":1}]`, "unknown field"},
		{`[{"question":"x"}]`, "non-empty"},
		{"[\n{\"question\": \"x\",\n\"expect\": 1}]", "line 3"},
		{`[{"question":"x","expect":"y"`, "unexpected EOF"},
	}
	for _, b := range bad {
		_, err := kb.ReadCases(strings.NewReader(b.in))
		var ve *kb.ValidationError
		if !errorsAs(err, &ve) || ve.Kind != "case" || !strings.Contains(err.Error(), b.want) {
			t.Errorf("ReadCases(%q) = %v, want a case error mentioning %q", b.in, err, b.want)
		}
	}
}
