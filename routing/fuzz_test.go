package routing_test

import (
	"errors"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/kefu-go/kefu/routing"
)

// fuzzInputs are the inputs every fuzzed rule set decides.
var fuzzInputs = []routing.Input{
	{Text: "我要退款", Kind: routing.KindText, Channel: "wx", Time: time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)},
	{Text: "投诉：ＶＩＰ 会员 退货太慢！", MemberLevel: 9, Tags: []string{"vip"}, Time: time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC)},
	{Text: "人工", FirstContact: true, Kind: routing.KindText, Time: time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)},
	{Kind: routing.KindEvent, Event: "CLICK", MenuKey: "MENU_REFUND", Channel: "app"},
	{Text: "a\xffb 雅思备考", Kind: routing.KindImage, MemberLevel: -3},
}

// FuzzParseJSON feeds arbitrary rule sets to ParseJSON: it must never
// panic, must reject bad input with a *RuleError matching ErrInvalidRule,
// and a rule set it accepts must decide like its full trace (the keyword
// prefilter never changes a decision) and explain itself.
func FuzzParseJSON(f *testing.F) {
	if data, err := os.ReadFile("testdata/support.json"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"mode":"collect_all","rules":[{"name":"a","when":{"any":[{"keywords":{"mode":"all","words":["退","款"]}},{"not":{"tags":{"mode":"none","tags":["vip"]}}}]},"then":{"queue":"q","add_tags":["x"]}}]}`))
	f.Add([]byte(`{"rules":[{"name":"p","when":{"predicate":"long"},"then":{"priority":3}},{"name":"e","priority":9,"when":{"keywords":{"match":"exact","words":["人工"]}},"then":{"targets":[{"queue":"a","timeout":"1s"},{"leave_message":true}]}}]}`))
	f.Add([]byte(`{"rules":[{"name":"r","when":{"regexp":"[0-9]{3}"},"then":{"queue":"q"}}],"default":{"handling":"bot_first"}}`))
	f.Add([]byte(`{"rules":[{"name":"x","when":{"member_level":{"min":5,"max":1}},"then":{}}]}`))
	env := routing.Env{Predicates: map[string]routing.PredicateFunc{"long": func(in routing.Input) bool { return len(in.Text) > 10 }}}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := routing.ParseJSON(data, env)
		if err != nil {
			var re *routing.RuleError
			if !errors.Is(err, routing.ErrInvalidRule) || !errors.As(err, &re) {
				t.Fatalf("error %v is not a *RuleError matching ErrInvalidRule", err)
			}
			return
		}
		for _, in := range fuzzInputs {
			d, tr := rs.Decide(in), rs.Trace(in)
			if d.Rule() != tr.Rule() || !reflect.DeepEqual(d.Action, tr.Action) || d.Default != tr.Default {
				t.Fatalf("Decide and Trace disagree on %+v:\n%s\nvs\n%s", in, d.Explain(), tr.Explain())
			}
			// Every rule is accounted for: evaluated or skipped.
			if rs.Mode() == routing.CollectAll {
				if n := len(d.Matched) + len(d.Rejected) + d.Skipped; n != rs.Len() {
					t.Fatalf("collect-all: %d matched + %d rejected + %d skipped != %d rules", len(d.Matched), len(d.Rejected), d.Skipped, rs.Len())
				}
			} else if n := len(d.Rejected) + d.Skipped; n != len(tr.Rejected) {
				t.Fatalf("first-match: %d rejected + %d skipped != %d rules before the match", len(d.Rejected), d.Skipped, len(tr.Rejected))
			}
			_ = d.Explain()
			_ = d.String()
		}
	})
}

// FuzzDecide routes arbitrary inputs through the support rule set: Decide
// must never panic and must agree with the full Trace.
func FuzzDecide(f *testing.F) {
	data, err := os.ReadFile("testdata/support.json")
	if err != nil {
		f.Fatal(err)
	}
	rs, err := routing.ParseJSON(data, routing.Env{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("我要退款", "text", "", 0, false, int64(1764036000))
	f.Add("投诉：你们骗子", "text", "", 9, false, int64(1764036000))
	f.Add("人工", "text", "", 0, true, int64(1759284000))
	f.Add("", "event", "MENU_REFUND", 0, false, int64(0))
	f.Add("雅思\u200b备考", "voice", "", -1, true, int64(-62135596800))
	f.Fuzz(func(t *testing.T, text, kind, menuKey string, level int, first bool, unix int64) {
		in := routing.Input{Text: text, Kind: kind, MenuKey: menuKey, MemberLevel: level, FirstContact: first, Time: time.Unix(unix, 0)}
		d, tr := rs.Decide(in), rs.Trace(in)
		if d.Rule() != tr.Rule() || !reflect.DeepEqual(d.Action, tr.Action) {
			t.Fatalf("Decide and Trace disagree on %+v:\n%s\nvs\n%s", in, d.Explain(), tr.Explain())
		}
		if d.Rule() == "" && !d.Default {
			t.Fatalf("the support rule set has a default, but %+v got none", in)
		}
	})
}
