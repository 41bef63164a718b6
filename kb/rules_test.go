package kb_test

import (
	"strings"
	"testing"

	"github.com/kefu-go/kefu/kb"
)

func TestRules(t *testing.T) {
	rules := append(kb.DefaultRules(),
		kb.Rule{ID: "hello", Exact: []string{"你好", "在吗"}, Action: kb.ActionReply, Reply: "您好！很高兴为您服务～"},
		kb.Rule{ID: "thanks", Contains: []string{"谢谢", "感谢"}, Exclude: []string{"不用谢"}, Action: kb.ActionReply, Reply: "不客气～"},
		kb.Rule{ID: "invoice", Contains: []string{"发票"}, Exclude: []string{"不要发票", "不需要发票"}, Action: kb.ActionReply, Reply: "发票在订单页申请。"},
		// A cheerful reply rule that also contains "投诉": the angry rule must still win.
		kb.Rule{ID: "complaint-faq", Contains: []string{"投诉电话"}, Action: kb.ActionReply, Reply: "投诉电话 400-000-0000，祝您生活愉快！"},
	)
	ix := mustBuild(t, kb.Data{Rules: rules, Entries: []kb.Entry{
		pub("complaints", "投诉渠道", "投诉"),
		pub("refund", "怎么退款", "退款"),
	}})
	tests := []struct {
		msg     string
		outcome kb.Outcome
		rule    string // "" when no rule decides
		reason  string
	}{
		{"你们是骗子吧", kb.OutcomeHuman, "angry", `contains "骗子"`},
		{"我要投诉你们", kb.OutcomeHuman, "angry", `contains "投诉"`},
		{"你好，我要投诉", kb.OutcomeHuman, "angry", "hand to a human"},
		{"投诉电话多少", kb.OutcomeHuman, "angry", ""},
		{"谢谢，但你们就是骗 子", kb.OutcomeHuman, "angry", ""},
		{"转人工", kb.OutcomeHuman, "to-human", `contains "转人工"`},
		{"我要 转 人工！！", kb.OutcomeHuman, "to-human", ""},
		{"客服", kb.OutcomeHuman, "to-human", `is exactly "客服"`},
		{"客服？", kb.OutcomeHuman, "to-human", ""},
		{"找客服", kb.OutcomeHuman, "to-human", ""},
		{"你好", kb.OutcomeAuto, "hello", `is exactly "你好"`},
		{"你好！", kb.OutcomeAuto, "hello", ""},
		{"你好，退款怎么弄", kb.OutcomeRecommend, "", ""}, // exact only: falls through to the entries
		{"谢谢你", kb.OutcomeAuto, "thanks", ""},
		{"不用谢", kb.OutcomeNoAnswer, "", ""},
		{"帮我开发票", kb.OutcomeAuto, "invoice", ""},
		{"我不要发票", kb.OutcomeNoAnswer, "", ""},
		{"退款", kb.OutcomeAuto, "refund-entry", ""},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			d := ix.Answer(tt.msg, t0)
			if d.Outcome != tt.outcome {
				t.Fatalf("outcome %s, want %s (%s)", d.Outcome, tt.outcome, d.Reason)
			}
			switch tt.rule {
			case "":
				if d.Rule != nil {
					t.Fatalf("rule %q fired: %s", d.Rule.ID, d.Reason)
				}
			case "refund-entry":
				if d.Rule != nil || d.Entry == nil || d.Entry.ID != "refund" {
					t.Fatalf("want the refund entry, got %+v (%s)", d.Entry, d.Reason)
				}
			default:
				if d.Rule == nil || d.Rule.ID != tt.rule {
					t.Fatalf("rule %v, want %q (%s)", d.Rule, tt.rule, d.Reason)
				}
				if !strings.Contains(d.Reason, `rule "`+tt.rule+`"`) {
					t.Fatalf("reason %q does not name the rule", d.Reason)
				}
			}
			if tt.reason != "" && !strings.Contains(d.Reason, tt.reason) {
				t.Fatalf("reason %q lacks %q", d.Reason, tt.reason)
			}
			if d.Outcome == kb.OutcomeHuman && d.Text != "" {
				t.Fatalf("a hand-over carries an automatic answer %q", d.Text)
			}
			if d.Outcome == kb.OutcomeAuto && d.Rule != nil && d.Text != d.Rule.Reply {
				t.Fatalf("rule reply text %q, want %q", d.Text, d.Rule.Reply)
			}
		})
	}

	// A hand-over attaches the entry matches for the agent.
	d := ix.Answer("投诉 退款还没到", t0)
	if d.Outcome != kb.OutcomeHuman || len(d.Results) == 0 {
		t.Fatalf("hand-over without suggestions: %+v", d)
	}
}

func TestRulePrecedence(t *testing.T) {
	tests := []struct {
		name  string
		rules []kb.Rule
		msg   string
		want  string
	}{
		{"higher priority wins", []kb.Rule{
			{ID: "low-human", Contains: []string{"退款"}, Action: kb.ActionHuman},
			{ID: "high-reply", Contains: []string{"退款"}, Action: kb.ActionReply, Reply: "r", Priority: 1},
		}, "退款", "high-reply"},
		{"human beats reply at equal priority", []kb.Rule{
			{ID: "reply", Exact: []string{"退款"}, Action: kb.ActionReply, Reply: "r"},
			{ID: "human", Contains: []string{"退款"}, Action: kb.ActionHuman},
		}, "退款", "human"},
		{"exact beats contains at equal priority and action", []kb.Rule{
			{ID: "contains", Contains: []string{"退款"}, Action: kb.ActionReply, Reply: "c"},
			{ID: "exact", Exact: []string{"退款"}, Action: kb.ActionReply, Reply: "e"},
		}, "退款", "exact"},
		{"earlier rule wins a full tie", []kb.Rule{
			{ID: "first", Contains: []string{"退"}, Action: kb.ActionReply, Reply: "1"},
			{ID: "second", Contains: []string{"款"}, Action: kb.ActionReply, Reply: "2"},
		}, "退款", "first"},
		{"exclusion drops only its own rule", []kb.Rule{
			{ID: "excluded", Contains: []string{"退款"}, Exclude: []string{"不退款"}, Action: kb.ActionReply, Reply: "1", Priority: 9},
			{ID: "other", Contains: []string{"退款"}, Action: kb.ActionReply, Reply: "2"},
		}, "为什么不退款", "other"},
		{"exclusion also blocks exact", []kb.Rule{
			{ID: "excluded", Exact: []string{"退款"}, Exclude: []string{"退款"}, Action: kb.ActionReply, Reply: "1"},
		}, "退款", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustBuild(t, kb.Data{Rules: tt.rules}).Answer(tt.msg, t0)
			got := ""
			if d.Rule != nil {
				got = d.Rule.ID
			}
			if got != tt.want {
				t.Fatalf("rule %q decided, want %q (%s)", got, tt.want, d.Reason)
			}
		})
	}
}

func TestRuleValidate(t *testing.T) {
	bad := []kb.Rule{
		{Exact: []string{"x"}, Action: kb.ActionHuman},                                     // no id
		{ID: "r", Action: kb.ActionHuman},                                                  // no keywords
		{ID: "r", Contains: []string{"？"}, Action: kb.ActionHuman},                         // empty after normalisation
		{ID: "r", Contains: []string{"x"}, Exclude: []string{" "}, Action: kb.ActionHuman}, // empty exclusion
		{ID: "r", Contains: []string{"x"}, Action: kb.ActionReply},                         // reply without text
		{ID: "r", Contains: []string{"x"}, Action: "shout"},                                // unknown action
	}
	for i, r := range bad {
		err := r.Validate()
		var ve *kb.ValidationError
		if !errorsAs(err, &ve) || ve.Kind != "rule" {
			t.Errorf("rule %d: Validate() = %v, want a rule *ValidationError", i, err)
		}
	}
	if _, err := kb.Build(kb.Data{Rules: []kb.Rule{kb.DefaultRules()[0], kb.DefaultRules()[0]}}); !errorsIs(err, kb.ErrInvalid) {
		t.Fatalf("duplicate rule ids accepted: %v", err)
	}
	for _, r := range kb.DefaultRules() {
		if err := r.Validate(); err != nil {
			t.Fatalf("default rule invalid: %v", err)
		}
	}
}
