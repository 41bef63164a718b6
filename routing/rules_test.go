package routing_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kefu-go/kefu/routing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustCompile(t *testing.T, cfg routing.Config, env routing.Env) *routing.RuleSet {
	t.Helper()
	rs, err := routing.Compile(cfg, env)
	require.NoError(t, err)
	return rs
}

func rule(name string, prio int, when routing.Condition, queue string) routing.Rule {
	return routing.Rule{Name: name, Priority: prio, When: when, Then: routing.Action{Queue: queue}}
}

// fixedCalendar is open 09:00–18:00 UTC on weekdays.
type fixedCalendar struct{}

func (fixedCalendar) IsOpen(t time.Time) bool {
	t = t.UTC()
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday && t.Hour() >= 9 && t.Hour() < 18
}

func TestConditions(t *testing.T) {
	monday10 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	monday20 := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	env := routing.Env{
		Predicates: map[string]routing.PredicateFunc{
			"vip-id": func(in routing.Input) bool { return strings.HasPrefix(in.CustomerID, "vip") },
		},
		Calendars: map[string]routing.Calendar{"cs": fixedCalendar{}},
	}
	tests := []struct {
		name string
		cond routing.Condition
		in   routing.Input
		want bool
	}{
		{"any contains hit", routing.AnyKeyword("退款", "退货"), routing.Input{Text: "我要退款"}, true},
		{"any contains miss", routing.AnyKeyword("退款", "退货"), routing.Input{Text: "我要加盟"}, false},
		{"contains normalises case and space", routing.AnyKeyword("vip会员"), routing.Input{Text: "我是 VIP 会员"}, true},
		{"all hit", routing.Keywords(routing.AllOf, routing.Contains, "雅思", "备考"), routing.Input{Text: "雅思怎么备考"}, true},
		{"all miss", routing.Keywords(routing.AllOf, routing.Contains, "雅思", "备考"), routing.Input{Text: "雅思报名"}, false},
		{"none hit", routing.Keywords(routing.NoneOf, routing.Contains, "投诉"), routing.Input{Text: "建议"}, true},
		{"none miss", routing.Keywords(routing.NoneOf, routing.Contains, "投诉"), routing.Input{Text: "我要投诉"}, false},
		{"exact hit", routing.Keywords(routing.AnyOf, routing.Exact, "人工"), routing.Input{Text: "人工"}, true},
		{"exact hit normalised", routing.Keywords(routing.AnyOf, routing.Exact, "vip"), routing.Input{Text: " VIP "}, true},
		{"exact miss (contained)", routing.Keywords(routing.AnyOf, routing.Exact, "人工"), routing.Input{Text: "转人工"}, false},
		{"regexp hit", routing.Regexp(`订单号\d{6}`), routing.Input{Text: "订单号123456"}, true},
		{"regexp miss", routing.Regexp(`订单号\d{6}`), routing.Input{Text: "订单号12"}, false},
		{"kind", routing.KindIs(routing.KindImage, routing.KindVoice), routing.Input{Kind: routing.KindVoice}, true},
		{"kind miss", routing.KindIs(routing.KindImage), routing.Input{Kind: routing.KindText}, false},
		{"event", routing.EventIs("CLICK"), routing.Input{Kind: routing.KindEvent, Event: "CLICK"}, true},
		{"menu key", routing.MenuKeyIs("MENU_REFUND"), routing.Input{MenuKey: "MENU_REFUND"}, true},
		{"menu key miss", routing.MenuKeyIs("MENU_REFUND"), routing.Input{MenuKey: "MENU_X"}, false},
		{"tags any", routing.TagsMatch(routing.AnyOf, "vip", "svip"), routing.Input{Tags: []string{"a", "svip"}}, true},
		{"tags all miss", routing.TagsMatch(routing.AllOf, "vip", "svip"), routing.Input{Tags: []string{"svip"}}, false},
		{"tags none", routing.TagsMatch(routing.NoneOf, "blacklist"), routing.Input{Tags: []string{"vip"}}, true},
		{"tags none miss", routing.TagsMatch(routing.NoneOf, "blacklist"), routing.Input{Tags: []string{"blacklist"}}, false},
		{"level in range", routing.MemberLevelBetween(3, 5), routing.Input{MemberLevel: 5}, true},
		{"level above range", routing.MemberLevelBetween(3, 5), routing.Input{MemberLevel: 6}, false},
		{"level at least", routing.MemberLevelAtLeast(6), routing.Input{MemberLevel: 9}, true},
		{"level zero range", routing.MemberLevelBetween(0, 0), routing.Input{}, true},
		{"first contact", routing.IsFirstContact(true), routing.Input{FirstContact: true}, true},
		{"not first contact", routing.IsFirstContact(false), routing.Input{FirstContact: true}, false},
		{"channel", routing.ChannelIs("wx-app-1"), routing.Input{Channel: "wx-app-1"}, true},
		{"channel miss", routing.ChannelIs("wx-app-1"), routing.Input{Channel: "wx-app-2"}, false},
		{"in hours", routing.InBusinessHours("cs"), routing.Input{Time: monday10}, true},
		{"in hours miss", routing.InBusinessHours("cs"), routing.Input{Time: monday20}, false},
		{"outside hours", routing.OutsideBusinessHours("cs"), routing.Input{Time: monday20}, true},
		{"predicate", routing.HostPredicate("vip-id"), routing.Input{CustomerID: "vip-1"}, true},
		{"predicate miss", routing.HostPredicate("vip-id"), routing.Input{CustomerID: "c-1"}, false},
		{"and", routing.And(routing.AnyKeyword("退款"), routing.MemberLevelAtLeast(3)), routing.Input{Text: "退款", MemberLevel: 3}, true},
		{"and miss", routing.And(routing.AnyKeyword("退款"), routing.MemberLevelAtLeast(3)), routing.Input{Text: "退款", MemberLevel: 2}, false},
		{"or", routing.Or(routing.AnyKeyword("退款"), routing.MemberLevelAtLeast(3)), routing.Input{Text: "hi", MemberLevel: 3}, true},
		{"or miss", routing.Or(routing.AnyKeyword("退款"), routing.MemberLevelAtLeast(3)), routing.Input{Text: "hi"}, false},
		{"not", routing.Not(routing.AnyKeyword("投诉")), routing.Input{Text: "建议"}, true},
		{"not miss", routing.Not(routing.AnyKeyword("投诉")), routing.Input{Text: "投诉建议"}, false},
		{"nested", routing.Or(routing.And(routing.AnyKeyword("退款"), routing.Not(routing.AnyKeyword("不退款"))), routing.KindIs("image")),
			routing.Input{Text: "我不退款了", Kind: "text"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := mustCompile(t, routing.Config{Rules: []routing.Rule{rule("r", 0, tc.cond, "q")}}, env)
			d := rs.Decide(tc.in)
			assert.Equal(t, tc.want, d.Rule() == "r", "decision: %s", d.Explain())
			tr := rs.Trace(tc.in)
			assert.Equal(t, d.Rule(), tr.Rule(), "Trace disagrees with Decide")
			if tc.want {
				require.Len(t, d.Matched, 1)
				for _, c := range d.Matched[0].Checks {
					assert.True(t, c.OK, "matched check %+v", c)
				}
			} else {
				require.Len(t, tr.Rejected, 1)
				require.NotEmpty(t, tr.Rejected[0].Checks)
				for _, c := range tr.Rejected[0].Checks {
					assert.False(t, c.OK, "rejected check %+v", c)
				}
			}
		})
	}
}

func TestPriorityOrderAndModes(t *testing.T) {
	rules := []routing.Rule{
		rule("general", 0, routing.Condition{}, "general"),
		{Name: "refund", Priority: 50, When: routing.AnyKeyword("退款"), Then: routing.Action{Queue: "after-sales", TicketIntent: "refund", AddTags: []string{"refund"}}},
		{Name: "vip", Priority: 100, When: routing.MemberLevelAtLeast(8), Then: routing.Action{Queue: "vip", Priority: 10, Greeting: "尊敬的钻石会员", AddTags: []string{"vip"}}},
		rule("tie-first", 10, routing.AnyKeyword("加盟"), "franchise"),
		rule("tie-second", 10, routing.AnyKeyword("加盟"), "other"),
	}
	rs := mustCompile(t, routing.Config{Name: "cs", Rules: rules}, routing.Env{})
	assert.Equal(t, 5, rs.Len())

	d := rs.Decide(routing.Input{Text: "我要退款", MemberLevel: 9})
	assert.Equal(t, "vip", d.Rule())
	assert.Equal(t, "vip", d.Queue())
	assert.Empty(t, d.Action.TicketIntent, "first match applies one rule only")

	d = rs.Decide(routing.Input{Text: "我要退款", MemberLevel: 1})
	assert.Equal(t, "refund", d.Rule())
	require.Len(t, d.Rejected, 1, d.Explain())
	assert.Equal(t, "vip", d.Rejected[0].Rule)
	assert.Equal(t, "level 1", d.Rejected[0].Checks[0].Got)

	d = rs.Decide(routing.Input{Text: "加盟"})
	assert.Equal(t, "tie-first", d.Rule(), "equal priorities keep declaration order")

	d = rs.Decide(routing.Input{Text: "你好"})
	assert.Equal(t, "general", d.Rule())
	assert.Equal(t, 3, d.Skipped, "refund and both tie rules are skipped by the keyword prefilter")

	tr := rs.Trace(routing.Input{Text: "你好"})
	assert.Equal(t, "general", tr.Rule())
	assert.Len(t, tr.Rejected, 4)
	assert.Zero(t, tr.Skipped)

	tr = rs.Trace(routing.Input{Text: "我要退款"})
	require.Len(t, tr.Shadowed, 1)
	assert.Equal(t, "general", tr.Shadowed[0].Rule)

	all := mustCompile(t, routing.Config{Mode: routing.CollectAll, Rules: rules}, routing.Env{})
	d = all.Decide(routing.Input{Text: "我要退款", MemberLevel: 9})
	require.Len(t, d.Matched, 3, d.Explain())
	assert.Equal(t, []string{"vip", "refund", "general"}, []string{d.Matched[0].Rule, d.Matched[1].Rule, d.Matched[2].Rule})
	assert.Equal(t, "vip", d.Action.Queue, "highest priority wins each field")
	assert.Equal(t, "refund", d.Action.TicketIntent, "lower rules fill unset fields")
	assert.Equal(t, []string{"vip", "refund"}, d.Action.AddTags, "tags accumulate")
	assert.Equal(t, 10, d.Action.Priority)
	assert.Equal(t, 2, d.Skipped, "both tie rules: their keyword is not in the text")
	assert.Contains(t, d.Explain(), "skipped 2 other rule(s)")
}

func TestDefaultAction(t *testing.T) {
	rs := mustCompile(t, routing.Config{
		Rules:   []routing.Rule{rule("refund", 0, routing.AnyKeyword("退款"), "after-sales")},
		Default: &routing.Action{Queue: "general", Handling: routing.BotFirst},
	}, routing.Env{})
	d := rs.Decide(routing.Input{Text: "hello"})
	assert.True(t, d.Default)
	assert.Equal(t, "general", d.Queue())
	assert.Contains(t, d.Explain(), "no rule matched")
	assert.Contains(t, d.Explain(), "default action")

	var nilSet *routing.RuleSet
	assert.Equal(t, routing.Decision{}, nilSet.Decide(routing.Input{Text: "x"}))
}

func TestExplanation(t *testing.T) {
	rs := mustCompile(t, routing.Config{Name: "cs", Rules: []routing.Rule{
		{Name: "complaint", Priority: 100, When: routing.And(routing.AnyKeyword("投诉"), routing.Not(routing.AnyKeyword("建议"))),
			Then: routing.Action{Queue: "complaints", Handling: routing.Human}},
		{Name: "suggestion", Priority: 50, When: routing.AnyKeyword("建议"), Then: routing.Action{Queue: "feedback"}},
	}}, routing.Env{})
	d := rs.Decide(routing.Input{Text: "投诉建议"})
	assert.Equal(t, "suggestion", d.Rule())
	require.Len(t, d.Rejected, 1)
	r := d.Rejected[0]
	assert.Equal(t, "complaint", r.Rule)
	require.Len(t, r.Checks, 1)
	assert.Equal(t, "when.all[1].not.keywords", r.Checks[0].Path)
	assert.Equal(t, `found "建议"`, r.Checks[0].Got)
	ex := d.Explain()
	assert.Contains(t, ex, `matched rule "suggestion" (priority 50) in rule set "cs"`)
	assert.Contains(t, ex, `rule "complaint" (priority 100)`)
	assert.Contains(t, ex, `action: queue "feedback"`)
	assert.Equal(t, `rule "suggestion" → queue "feedback"`, d.String())

	d = rs.Decide(routing.Input{Text: "我要投诉：你们骗子"})
	assert.Equal(t, "complaint", d.Rule())
	require.Len(t, d.Matched[0].Checks, 2, "both halves of the and are reasons")
	assert.Equal(t, "found none", d.Matched[0].Checks[1].Got)
}

func TestValidation(t *testing.T) {
	ok := routing.Action{Queue: "q"}
	tests := []struct {
		name      string
		cfg       routing.Config
		rule      string
		field     string
		sentinel  error
		errSubstr string
	}{
		{"empty name", routing.Config{Rules: []routing.Rule{{Then: ok}}}, "#1", "name", nil, "empty rule name"},
		{"duplicate name", routing.Config{Rules: []routing.Rule{{Name: "a", Then: ok}, {Name: "a", Then: ok}}}, "a", "name", nil, "duplicate"},
		{"mode", routing.Config{Mode: "best", Rules: []routing.Rule{{Name: "a", Then: ok}}}, "", "mode", nil, "unknown mode"},
		{"empty action", routing.Config{Rules: []routing.Rule{{Name: "a"}}}, "a", "then", nil, "empty action"},
		{"two tests", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.Condition{Regexp: "x", Kinds: []string{"text"}}, Then: ok}}}, "a", "when", nil, "combine"},
		{"empty child", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.And(routing.Condition{}), Then: ok}}}, "a", "when.all[0]", nil, "empty condition"},
		{"empty all", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.Condition{All: []routing.Condition{}}, Then: ok}}}, "a", "when.all", nil, "empty list"},
		{"bad regexp", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.Or(routing.KindIs("text"), routing.Regexp("(")), Then: ok}}}, "a", "when.any[1].regexp", nil, "missing closing"},
		{"no keywords", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.AnyKeyword(), Then: ok}}}, "a", "when.keywords.words", nil, "no keywords"},
		{"blank keyword", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.AnyKeyword("x", "  "), Then: ok}}}, "a", "when.keywords.words[1]", nil, "empty after normalisation"},
		{"keyword mode", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.Keywords("most", routing.Contains, "x"), Then: ok}}}, "a", "when.keywords.mode", nil, "unknown mode"},
		{"keyword match", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.Keywords(routing.AnyOf, "fuzzy", "x"), Then: ok}}}, "a", "when.keywords.match", nil, "unknown match"},
		{"level range", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.MemberLevelBetween(5, 3), Then: ok}}}, "a", "when.member_level.max", nil, "below min"},
		{"level empty", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.Condition{MemberLevel: &routing.LevelRange{}}, Then: ok}}}, "a", "when.member_level", nil, "neither"},
		{"empty kind", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.KindIs("text", ""), Then: ok}}}, "a", "when.kinds[1]", nil, "empty value"},
		{"unknown predicate", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.HostPredicate("nope"), Then: ok}}}, "a", "when.predicate", routing.ErrUnknownPredicate, "nope"},
		{"unknown calendar", routing.Config{Rules: []routing.Rule{{Name: "a", When: routing.InBusinessHours("nope"), Then: ok}}}, "a", "when.business_hours.calendar", routing.ErrUnknownCalendar, "nope"},
		{"queue and targets", routing.Config{Rules: []routing.Rule{{Name: "a", Then: routing.Action{Queue: "q", Targets: []routing.Target{{Queue: "r"}}}}}}, "a", "then.targets", nil, "not both"},
		{"target queue", routing.Config{Rules: []routing.Rule{{Name: "a", Then: routing.Action{Targets: []routing.Target{{Timeout: time.Second}}}}}}, "a", "then.targets[0].queue", nil, "empty queue"},
		{"target timeout", routing.Config{Rules: []routing.Rule{{Name: "a", Then: routing.Action{Targets: []routing.Target{{Queue: "q", Timeout: -1}}}}}}, "a", "then.targets[0].timeout", nil, "negative"},
		{"leave message last", routing.Config{Rules: []routing.Rule{{Name: "a", Then: routing.Action{Targets: []routing.Target{{LeaveMessage: true}, {Queue: "q"}}}}}}, "a", "then.targets[0]", nil, "last"},
		{"handling", routing.Config{Rules: []routing.Rule{{Name: "a", Then: routing.Action{Handling: "robot"}}}}, "a", "then.handling", nil, "unknown handling"},
		{"empty tag", routing.Config{Rules: []routing.Rule{{Name: "a", Then: routing.Action{AddTags: []string{""}}}}}, "a", "then.add_tags[0]", nil, "empty tag"},
		{"default", routing.Config{Default: &routing.Action{}}, "", "default", nil, "empty action"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := routing.Compile(tc.cfg, routing.Env{})
			require.Error(t, err)
			assert.ErrorIs(t, err, routing.ErrInvalidRule)
			if tc.sentinel != nil {
				assert.ErrorIs(t, err, tc.sentinel)
			}
			var re *routing.RuleError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.rule, re.Rule)
			assert.Equal(t, tc.field, re.Field)
			assert.Contains(t, err.Error(), tc.errSubstr)
			assert.True(t, strings.HasPrefix(err.Error(), "routing: "), err.Error())
		})
	}
}

func TestValidationReportsEveryFault(t *testing.T) {
	_, err := routing.Compile(routing.Config{Rules: []routing.Rule{
		{Name: "a", When: routing.Regexp("("), Then: routing.Action{Queue: "q"}},
		{Name: "b", When: routing.HostPredicate("x"), Then: routing.Action{}},
	}}, routing.Env{})
	require.Error(t, err)
	var joined interface{ Unwrap() []error }
	require.True(t, errors.As(err, &joined))
	assert.Len(t, joined.Unwrap(), 3)
}

// TestExplanationGot checks what each kind of test reports it saw.
func TestExplanationGot(t *testing.T) {
	tests := []struct {
		cond routing.Condition
		in   routing.Input
		got  string
	}{
		{routing.KindIs(routing.KindVoice), routing.Input{Kind: routing.KindVoice}, `kind "voice"`},
		{routing.KindIs(routing.KindVoice), routing.Input{Kind: routing.KindText}, `kind "text"`},
		{routing.KindIs(routing.KindVoice), routing.Input{Kind: "sticker"}, `kind "sticker"`},
		{routing.EventIs("CLICK"), routing.Input{}, `event ""`},
		{routing.EventIs("CLICK"), routing.Input{Event: "VIEW"}, `event "VIEW"`},
		{routing.MenuKeyIs("M1", "M2"), routing.Input{MenuKey: "M2"}, `menu key "M2"`},
		{routing.ChannelIs("wx-1"), routing.Input{Channel: "wx-2"}, `channel "wx-2"`},
		{routing.TagsMatch(routing.AllOf, "vip", "svip"), routing.Input{Tags: []string{"vip"}}, `missing tag "svip"`},
		{routing.TagsMatch(routing.AllOf, "vip", "svip"), routing.Input{Tags: []string{"svip", "vip"}}, "has all"},
		{routing.TagsMatch(routing.NoneOf, "blacklist"), routing.Input{Tags: []string{"blacklist"}}, `has tag "blacklist"`},
		{routing.TagsMatch(routing.AnyOf, "a", "b"), routing.Input{Tags: []string{"b"}}, `has tag "b"`},
		{routing.TagsMatch(routing.AnyOf, "a", "b"), routing.Input{}, "has none"},
		{routing.MemberLevelAtLeast(8), routing.Input{MemberLevel: 3}, "level 3"},
		{routing.MemberLevelAtLeast(8), routing.Input{MemberLevel: 200}, "level 200"},
		{routing.MemberLevelAtLeast(8), routing.Input{MemberLevel: -1}, "level -1"},
		{routing.Keywords(routing.AllOf, routing.Contains, "雅思", "备考"), routing.Input{Text: "雅思报名"}, `missing "备考"`},
		{routing.Keywords(routing.AnyOf, routing.Exact, "人工"), routing.Input{Text: "人工！"}, `text is "人工"`},
		{routing.Regexp(`\d{6}`), routing.Input{Text: "订单123456号"}, `matched "123456"`},
		{routing.IsFirstContact(true), routing.Input{}, "first contact false"},
	}
	for _, tc := range tests {
		rs := mustCompile(t, routing.Config{Rules: []routing.Rule{rule("r", 0, tc.cond, "q")}}, routing.Env{})
		d := rs.Trace(tc.in)
		res := append(d.Matched, d.Rejected...)
		require.Len(t, res, 1)
		require.Len(t, res[0].Checks, 1)
		assert.Equal(t, tc.got, res[0].Checks[0].Got, "%+v on %+v", tc.cond, tc.in)
	}
}

// TestDecisionIsOwnedByCaller checks that a decision shares nothing that a
// caller's changes could corrupt: neither the rule set nor its own lists.
func TestDecisionIsOwnedByCaller(t *testing.T) {
	rs := mustCompile(t, routing.Config{Mode: routing.CollectAll, Rules: []routing.Rule{
		{Name: "vip", Priority: 2, When: routing.MemberLevelAtLeast(8), Then: routing.Action{AddTags: []string{"vip"}}},
		{Name: "refund", Priority: 1, When: routing.AnyKeyword("退款"), Then: routing.Action{Queue: "after-sales", AddTags: []string{"refund"}}},
		{Name: "newcomer", Priority: 0, When: routing.IsFirstContact(true), Then: routing.Action{Queue: "general"}},
	}}, routing.Env{})
	in := routing.Input{Text: "我要退款", MemberLevel: 9}
	d := rs.Decide(in)
	require.Len(t, d.Matched, 2)
	require.Len(t, d.Rejected, 1)
	rejected := d.Rejected[0]
	d.Matched = append(d.Matched, routing.RuleResult{Rule: "extra"})
	assert.Equal(t, rejected, d.Rejected[0], "appending to Matched must not overwrite Rejected")
	d.Action.AddTags[0] = "changed"
	d.Matched[0].Checks[0].Got = "changed"
	again := rs.Decide(in)
	assert.Equal(t, []string{"vip", "refund"}, again.Action.AddTags)
	assert.Equal(t, "level 9", again.Matched[0].Checks[0].Got)
}

func TestDisabledRulesAreValidatedButNeverApplied(t *testing.T) {
	rules := []routing.Rule{
		{Name: "old-refund", Priority: 10, When: routing.AnyKeyword("退款"), Then: routing.Action{Queue: "legacy"}, Disabled: true},
		rule("refund", 0, routing.AnyKeyword("退款"), "after-sales"),
	}
	rs := mustCompile(t, routing.Config{Rules: rules}, routing.Env{})
	assert.Equal(t, 1, rs.Len())
	for _, d := range []routing.Decision{rs.Decide(routing.Input{Text: "退款"}), rs.Trace(routing.Input{Text: "退款"})} {
		assert.Equal(t, "refund", d.Rule())
		assert.NotContains(t, d.Explain(), "old-refund")
	}
	rules[0].When = routing.Regexp("(")
	_, err := routing.Compile(routing.Config{Rules: rules}, routing.Env{})
	var re *routing.RuleError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "old-refund", re.Rule)
}
