package kb_test

import (
	"strings"
	"testing"

	"github.com/kefu-go/kefu/kb"
)

// answerData: "快递多久到" alone scores 0.6×1 + 0.4×(5/6) ≈ 0.93 for
// "快递多久到啊" with no rival; "退款的快递" splits evenly between two entries.
func answerData(s kb.Settings) kb.Data {
	return kb.Data{Settings: s, Entries: []kb.Entry{
		pub("shipping", "快递多久到", "快递", "物流"),
		pub("refund", "怎么退款", "退款", "退货"),
		pub("hours", "营业时间", "几点开门"),
		pub("invoice", "开发票", "发票"),
	}}
}

func TestAnswerThresholdsAreSettingsOfEachKB(t *testing.T) {
	tests := []struct {
		name     string
		settings kb.Settings
		msg      string
		want     kb.Outcome
		reason   []string
	}{
		{"confident and clearly ahead", kb.Settings{}, "快递多久到啊", kb.OutcomeAuto,
			[]string{`entry "shipping" scored 0.93`, "at least 0.60", "ahead of none", "automatic reply"}},
		{"exact question", kb.Settings{}, "营业时间？", kb.OutcomeAuto, []string{"exact"}},
		{"confident but not ahead", kb.Settings{}, "退款的快递", kb.OutcomeRecommend,
			[]string{"only 0.00 ahead of", "margin 0.15 needed", "recommended to the agent"}},
		{"same message, tiny margin setting", kb.Settings{AutoReplyMargin: 1e-9}, "退款的快递", kb.OutcomeRecommend,
			[]string{"only 0.00 ahead"}}, // an exact tie never auto-answers
		{"below the score setting", kb.Settings{AutoReplyScore: 0.95}, "快递多久到啊", kb.OutcomeRecommend,
			[]string{"below the auto-reply score 0.95", "recommended to the agent"}},
		{"low score setting", kb.Settings{AutoReplyScore: 0.3}, "发票", kb.OutcomeAuto, []string{"at least 0.30"}},
		{"weak match recommended", kb.Settings{}, "我的物流信息", kb.OutcomeRecommend, []string{"below the auto-reply score 0.60"}},
		{"nothing", kb.Settings{}, "今天天气不错", kb.OutcomeNoAnswer, []string{"no live entry scored at least 0.20"}},
		{"min score setting", kb.Settings{MinScore: 0.9}, "我的物流信息", kb.OutcomeNoAnswer, []string{"at least 0.90"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := mustBuild(t, answerData(tt.settings))
			d := ix.Answer(tt.msg, t0)
			if d.Outcome != tt.want {
				t.Fatalf("Answer(%q) = %s, want %s (%s)", tt.msg, d.Outcome, tt.want, d.Reason)
			}
			for _, w := range tt.reason {
				if !strings.Contains(d.Reason, w) {
					t.Errorf("reason %q lacks %q", d.Reason, w)
				}
			}
			switch d.Outcome {
			case kb.OutcomeAuto:
				if d.Entry == nil || d.Text != d.Entry.Answer || len(d.Results) == 0 || d.Results[0].Entry != d.Entry {
					t.Fatalf("auto decision incomplete: %+v", d)
				}
			case kb.OutcomeRecommend:
				if d.Entry != nil || d.Text != "" || len(d.Results) == 0 {
					t.Fatalf("recommendation carries an answer or no results: %+v", d)
				}
			case kb.OutcomeNoAnswer:
				if len(d.Results) != 0 || d.Text != "" {
					t.Fatalf("no-answer carries results: %+v", d)
				}
			}
		})
	}
}

func TestTwoKnowledgeBasesDecideDifferently(t *testing.T) {
	strict := mustBuild(t, answerData(kb.Settings{AutoReplyScore: 0.95}))
	lenient := mustBuild(t, answerData(kb.Settings{}))
	if d := strict.Answer("快递多久到啊", t0); d.Outcome != kb.OutcomeRecommend {
		t.Fatalf("strict: %s", d.Reason)
	}
	if d := lenient.Answer("快递多久到啊", t0); d.Outcome != kb.OutcomeAuto {
		t.Fatalf("lenient: %s", d.Reason)
	}
	if got := strict.Settings(); got.AutoReplyScore != 0.95 || got.AutoReplyMargin != 0 {
		t.Fatalf("Settings() = %+v, want the settings as given", got)
	}
}

func TestRecommendationsTopNEachWithReason(t *testing.T) {
	var entries []kb.Entry
	for _, id := range []string{"a", "b", "c", "d"} {
		entries = append(entries, pub(id, "物流问题"+id, "物流"))
	}
	for _, n := range []int{1, 2, 3} {
		ix := mustBuild(t, kb.Data{Settings: kb.Settings{Recommendations: n}, Entries: entries})
		d := ix.Answer("查一下物流", t0)
		if d.Outcome != kb.OutcomeRecommend || len(d.Results) != n {
			t.Fatalf("n=%d: %s with %d results", n, d.Outcome, len(d.Results))
		}
		for _, r := range d.Results {
			if len(r.Reason.Keywords) == 0 || r.Reason.String() == "" || r.Score <= 0 {
				t.Fatalf("recommendation %s without a reason: %+v", r.Entry.ID, r)
			}
		}
	}
}

func TestDecisionID(t *testing.T) {
	e := pub("x", "q")
	r := kb.Rule{ID: "hello"}
	tests := []struct {
		d    kb.Decision
		want string
	}{
		{kb.Decision{Outcome: kb.OutcomeAuto, Entry: &e}, "x"},
		{kb.Decision{Outcome: kb.OutcomeAuto, Rule: &r}, "hello"},
		{kb.Decision{Outcome: kb.OutcomeHuman, Rule: &r}, kb.ExpectHuman},
		{kb.Decision{Outcome: kb.OutcomeRecommend}, kb.ExpectNoAnswer},
		{kb.Decision{Outcome: kb.OutcomeNoAnswer}, kb.ExpectNoAnswer},
	}
	for _, tt := range tests {
		if got := tt.d.ID(); got != tt.want {
			t.Errorf("%s: ID() = %q, want %q", tt.d.Outcome, got, tt.want)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	bad := []kb.Settings{
		{AutoReplyScore: -1},
		{AutoReplyMargin: -0.1},
		{MinScore: nan()},
		{Recommendations: -1},
		{Recommendations: 51},
	}
	for _, s := range bad {
		if err := s.Validate(); !errorsIs(err, kb.ErrInvalid) {
			t.Errorf("Validate(%+v) = %v, want ErrInvalid", s, err)
		}
		if _, err := kb.Build(kb.Data{Settings: s}); !errorsIs(err, kb.ErrInvalid) {
			t.Errorf("Build accepted settings %+v", s)
		}
	}
	if err := (kb.Settings{AutoReplyScore: 0.7, Recommendations: 50}).Validate(); err != nil {
		t.Fatal(err)
	}
}
