package routing_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kefu-go/kefu/businesshours"
	"github.com/kefu-go/kefu/routing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadSupport(t *testing.T) *routing.RuleSet {
	t.Helper()
	data, err := os.ReadFile("testdata/support.json")
	require.NoError(t, err)
	rs, err := routing.ParseJSON(data, routing.Env{})
	require.NoError(t, err)
	return rs
}

func loadCases(t *testing.T) []routing.Case {
	t.Helper()
	data, err := os.ReadFile("testdata/support_cases.json")
	require.NoError(t, err)
	var cases []routing.Case
	require.NoError(t, json.Unmarshal(data, &cases))
	return cases
}

func TestParseJSONSupportRuleSet(t *testing.T) {
	rs := loadSupport(t)
	assert.Equal(t, "support", rs.Name())
	assert.Equal(t, routing.FirstMatch, rs.Mode())
	assert.Equal(t, 8, rs.Len())

	r := routing.Verify(rs, loadCases(t))
	assert.True(t, r.OK(), r.String())
	assert.Equal(t, 11, r.Cases)

	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	d := rs.Decide(routing.Input{Text: "你好", MemberLevel: 9, Time: at})
	assert.Equal(t, []routing.Target{{Queue: "vip", Timeout: 60 * time.Second, Skills: []string{"senior"}}, {Queue: "general"}, {LeaveMessage: true}}, d.Action.Targets)
	assert.Equal(t, routing.Human, d.Action.Handling)
}

func TestVerifyReportsMismatchWithExplanation(t *testing.T) {
	rs := loadSupport(t)
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	r := routing.Verify(rs, []routing.Case{
		{Name: "wrong", Input: routing.Input{Text: "投诉：退款太慢", Time: at}, WantQueue: "after-sales", WantRule: "refund"},
		{Input: routing.Input{Text: "我要退款", Time: at}, WantQueue: "after-sales"},
	})
	require.False(t, r.OK())
	require.Len(t, r.Mismatches, 1)
	m := r.Mismatches[0]
	assert.Equal(t, `queue "complaints", want "after-sales"; rule "complaint", want "refund"`, m.Problem)
	out := r.String()
	assert.Contains(t, out, "2 case(s), 1 mismatch(es)")
	assert.Contains(t, out, "MISMATCH wrong")
	assert.Contains(t, out, `matched rule "complaint"`)
	assert.Contains(t, out, `shadowed: rule "refund"`, "the trace shows the rule that lost")
}

func TestParseJSONErrorsNameRuleAndField(t *testing.T) {
	tests := []struct {
		name, json, rule, field, substr string
	}{
		{"unknown field", `{"rules":[{"name":"refund","when":{},"then":{"qeue":"x"}}]}`, "refund", "then.qeue", "unknown field"},
		{"nested unknown field", `{"rules":[{"name":"a","then":{"queue":"x"}},{"name":"ielts","when":{"all":[{"kinds":["text"]},{"keywords":{"words":["雅思"],"mach":"exact"}}]},"then":{"queue":"x"}}]}`, "ielts", "when.all[1].keywords.mach", "unknown field"},
		{"wrong type", `{"rules":[{"name":"refund","priority":"high","then":{"queue":"x"}}]}`, "refund", "priority", "cannot unmarshal"},
		{"wrong nested type", `{"rules":[{"name":"vip","when":{"any":[{"member_level":{"min":8}},{"member_level":{"min":"8"}}]},"then":{"queue":"x"}}]}`, "vip", "when.any[1].member_level.min", "cannot unmarshal"},
		{"words not a list", `{"rules":[{"name":"r","when":{"keywords":{"words":"退款"}},"then":{"queue":"x"}}]}`, "r", "when.keywords.words", "cannot unmarshal"},
		{"unnamed rule", `{"rules":[{"priority":"high"}]}`, "#1", "priority", "cannot unmarshal"},
		{"bad timeout", `{"rules":[{"name":"vip","then":{"targets":[{"queue":"a","timeout":"60s"},{"queue":"b","timeout":"soon"}]}}]}`, "vip", "then.targets[1].timeout", "timeout"},
		{"unknown target field", `{"rules":[{"name":"vip","then":{"targets":[{"queue":"a","skill":["senior"]}]}}]}`, "vip", "then.targets[0].skill", "unknown field"},
		{"default unknown field", `{"rules":[],"default":{"queue":"g","greting":"hi"}}`, "", "default.greting", "unknown field"},
		{"bad regexp", `{"rules":[{"name":"order","when":{"regexp":"[a-"},"then":{"queue":"x"}}]}`, "order", "when.regexp", "missing closing"},
		{"bad calendar", `{"calendars":{"cs":{"weekly":{"mon":["18:00-09:00"]}}},"rules":[]}`, "", "calendars.cs", "businesshours"},
		{"unknown calendar", `{"rules":[{"name":"night","when":{"business_hours":{"calendar":"x"}},"then":{"queue":"x"}}]}`, "night", "when.business_hours.calendar", "unknown calendar"},
		{"top-level", `{"rulez":[]}`, "", "rulez", "unknown field"},
		{"trailing", `{"rules":[]} {}`, "", "(json)", "trailing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := routing.ParseJSON([]byte(tc.json), routing.Env{})
			require.Error(t, err)
			assert.ErrorIs(t, err, routing.ErrInvalidRule)
			var re *routing.RuleError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.rule, re.Rule)
			assert.Equal(t, tc.field, re.Field)
			assert.Contains(t, err.Error(), tc.substr)
		})
	}
}

func TestConfigJSONRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/support.json")
	require.NoError(t, err)
	cfg, err := routing.DecodeConfig(data)
	require.NoError(t, err)
	out, err := json.Marshal(cfg)
	require.NoError(t, err)
	cfg2, err := routing.DecodeConfig(out)
	require.NoError(t, err, string(out))
	rs, err := routing.Compile(cfg2, routing.Env{})
	require.NoError(t, err)
	assert.True(t, routing.Verify(rs, loadCases(t)).OK())
	assert.True(t, strings.Contains(string(out), `"timeout":"1m0s"`), string(out))
}

func TestGoCalendarInConfig(t *testing.T) {
	var s businesshours.Schedule
	s.Weekly[time.Wednesday] = []businesshours.Period{{Start: businesshours.Clock(9, 0), End: businesshours.Clock(17, 0)}}
	cal, err := businesshours.New(s)
	require.NoError(t, err)
	rs := mustCompile(t, routing.Config{
		Calendars: map[string]*businesshours.Calendar{"cs": cal},
		Rules:     []routing.Rule{{Name: "night", When: routing.OutsideBusinessHours("cs"), Then: routing.Action{Targets: []routing.Target{{LeaveMessage: true}}}}},
	}, routing.Env{})
	wed := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)
	d := rs.Decide(routing.Input{Time: wed})
	assert.Equal(t, routing.LeaveMessage, d.Target())
	assert.Contains(t, d.Matched[0].Checks[0].Got, "closed at Wed 2026-11-25 20:00 UTC")
	d = rs.Decide(routing.Input{Time: wed.Add(-10 * time.Hour)})
	assert.Empty(t, d.Matched)

	_, err = routing.Compile(routing.Config{Calendars: map[string]*businesshours.Calendar{"cs": nil}}, routing.Env{})
	assert.ErrorIs(t, err, routing.ErrInvalidRule)
}
