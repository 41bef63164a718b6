package kb_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/kefu-go/kefu/kb"
)

// Example shows the flow a host runs: answer customer messages, guard an
// agent's reply, and read the statistics.
func Example() {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	k, err := kb.New(kb.Data{
		Entries: []kb.Entry{
			{ID: "hours", Category: []string{"门店"}, Question: "营业时间", Keywords: []string{"几点开门", "几点关门"},
				Answer: "每天 9:00–21:00 营业。", Status: kb.StatusPublished},
			{ID: "refund", Category: []string{"售后", "退款"}, Question: "怎么退款", Keywords: []string{"退款", "退货"},
				Answer: "签收 7 天内可无理由退货，运费我们承担。", Status: kb.StatusPublished},
			{ID: "shipping", Category: []string{"订单"}, Question: "快递多久到", Keywords: []string{"快递", "物流"},
				Answer: "下单后 48 小时内发货。", Status: kb.StatusPublished},
			{ID: "double11", Category: []string{"活动"}, Question: "双十一活动", Keywords: []string{"双十一", "双11"},
				Answer: "全场满 300 减 50。", Status: kb.StatusPublished,
				ValidFrom: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC)},
		},
		Rules:   kb.DefaultRules(),
		Phrases: []kb.Phrase{{Text: "终身免费升级", Rule: "不可兑现的承诺", Severity: kb.SeverityBlock}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	for _, msg := range []string{"营业时间？", "我要退款", "退款的快递怎么寄", "双11有什么优惠", "你们是骗子吧", "转人工"} {
		d := k.Answer(msg, now)
		switch d.Outcome {
		case kb.OutcomeAuto:
			fmt.Printf("%s → auto %s: %s\n", msg, d.ID(), d.Text)
		case kb.OutcomeRecommend:
			fmt.Printf("%s → recommend", msg)
			for _, r := range d.Results {
				fmt.Printf(" %s(%.2f)", r.Entry.ID, r.Score)
			}
			fmt.Println()
		default:
			fmt.Printf("%s → %s\n", msg, d.Outcome)
		}
	}
	fmt.Println(k.Answer("营业时间", now).Reason)

	reply := "放心，本产品终身 免费升级！"
	for _, v := range k.Guard(reply) {
		fmt.Printf("guard: %s %q at [%d:%d] (%s)\n", v.Severity, v.Text, v.Start, v.End, v.Phrase.Rule)
	}

	r := k.Stats().Report(2)
	fmt.Printf("questions %d, answered %d, recommended %d, human %d, unanswered %d\n",
		r.Questions, r.Answered, r.Recommended, r.Human, r.Unanswered)
	for _, e := range r.TopEntries {
		fmt.Printf("top: %s answered %d suggested %d\n", e.Question, e.Answered, e.Suggested)
	}
	for _, m := range r.TopMisses {
		fmt.Printf("miss: %s ×%d\n", m.Text, m.Count)
	}
	// Output:
	// 营业时间？ → auto hours: 每天 9:00–21:00 营业。
	// 我要退款 → auto refund: 签收 7 天内可无理由退货，运费我们承担。
	// 退款的快递怎么寄 → recommend refund(0.55) shipping(0.55)
	// 双11有什么优惠 → no answer
	// 你们是骗子吧 → human
	// 转人工 → human
	// entry "hours" scored 1.10 (keywords 营业时间; strength 1.00; coverage 1.00; exact); at least 0.60 and 1.10 ahead of none (margin 0.15); automatic reply
	// guard: block "终身 免费升级" at [18:37] (不可兑现的承诺)
	// questions 7, answered 3, recommended 1, human 2, unanswered 1
	// top: 营业时间 answered 2 suggested 0
	// top: 怎么退款 answered 1 suggested 1
	// miss: 双11有什么优惠 ×1
}

// ExampleIndex_FillCanned fills a canned reply from the customer's fields.
func ExampleIndex_FillCanned() {
	ix, err := kb.Build(kb.Data{Canned: []kb.Canned{
		{Code: "/refund", Title: "退款已处理", Text: "{name}您好，订单 {order_no} 已退款，预计 1–3 个工作日到账。"},
		{Code: "/refund-rejected", Text: "{name}您好，很抱歉订单 {order_no} 不符合退款条件。"},
		{Code: "/hello", Text: "您好，请问有什么可以帮您？"},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range ix.SearchCanned("/ref") {
		fmt.Println(c.Code)
	}
	text, err := ix.FillCanned("/refund", map[string]string{"name": "张先生", "order_no": "E20261111001"})
	fmt.Println(text, err)
	_, err = ix.FillCanned("/refund", map[string]string{"name": "张先生"})
	fmt.Println(err)
	// Output:
	// /refund
	// /refund-rejected
	// 张先生您好，订单 E20261111001 已退款，预计 1–3 个工作日到账。 <nil>
	// kb: canned reply "/refund": no value for variable {order_no}
}

// ExampleIndex_Lookup shows ranked matches with their scores and reasons:
// the longer keyword "手机壳" beats "机壳" inside "手机壳坏了", and the
// normalised "ＶＩＰ 会员?" matches the keyword "vip会员" exactly.
func ExampleIndex_Lookup() {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	ix, err := kb.Build(kb.Data{Entries: []kb.Entry{
		{ID: "case", Question: "手机壳售后", Keywords: []string{"手机壳"}, Answer: "手机壳 30 天包换。", Status: kb.StatusPublished},
		{ID: "shell", Question: "机身外壳维修", Keywords: []string{"机壳"}, Answer: "机壳维修请到门店。", Status: kb.StatusPublished},
		{ID: "vip", Question: "会员权益", Keywords: []string{"vip会员"}, Answer: "会员享 95 折。", Status: kb.StatusPublished},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, msg := range []string{"手机壳坏了", "ＶＩＰ 会员?"} {
		for _, r := range ix.Lookup(msg, now) {
			fmt.Printf("%s: %s %.2f (%s)\n", msg, r.Entry.ID, r.Score, r.Reason)
		}
	}
	// Output:
	// 手机壳坏了: case 0.84 (keywords 手机壳; strength 1.00; coverage 0.60)
	// 手机壳坏了: shell 0.61 (keywords 机壳; strength 0.75; coverage 0.40)
	// ＶＩＰ 会员?: vip 1.10 (keywords vip会员; strength 1.00; coverage 1.00; exact)
}

// ExampleIndex_Answer shows the auto-reply thresholds, which are settings
// of each knowledge base: a clear winner is answered, a tie is recommended
// to the agent, and a complaint goes to a person whatever else it contains.
func ExampleIndex_Answer() {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	ix, err := kb.Build(kb.Data{
		Settings: kb.Settings{AutoReplyScore: 0.6, AutoReplyMargin: 0.15, Recommendations: 2},
		Entries: []kb.Entry{
			{ID: "refund", Question: "怎么退款", Keywords: []string{"退款"}, Answer: "在订单页申请退款。", Status: kb.StatusPublished},
			{ID: "shipping", Question: "快递多久到", Keywords: []string{"快递"}, Answer: "48 小时内发货。", Status: kb.StatusPublished},
		},
		Rules: kb.DefaultRules(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, msg := range []string{"快递多久到？", "退款的快递", "我要投诉快递"} {
		d := ix.Answer(msg, now)
		fmt.Println(strings.TrimSpace(msg + " → " + string(d.Outcome) + " " + d.Text))
		fmt.Println("  " + d.Reason)
	}
	// Output:
	// 快递多久到？ → auto 48 小时内发货。
	//   entry "shipping" scored 1.10 (keywords 快递, 快递多久到; strength 1.00; coverage 1.00; exact); at least 0.60 and 1.10 ahead of none (margin 0.15); automatic reply
	// 退款的快递 → recommend
	//   entry "refund" scored 0.61 (keywords 退款; strength 0.75; coverage 0.40); only 0.00 ahead of "shipping", margin 0.15 needed; recommended to the agent
	// 我要投诉快递 → human
	//   rule "angry" (priority 100): message contains "投诉"; hand to a human
}

// ExampleIndex_Guard checks an agent's reply before it is sent. Positions
// are in the original text, as byte offsets (for slicing) and as character
// offsets (for editors).
func ExampleIndex_Guard() {
	ix, err := kb.Build(kb.Data{Phrases: []kb.Phrase{
		{Text: "终身免费升级", Rule: "不可兑现的承诺", Severity: kb.SeverityBlock, Suggestion: "保修期内免费升级"},
		{Text: "最便宜", Rule: "广告法-绝对化用语", Severity: kb.SeverityFlag},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	reply := "这款全网最便宜，还终身·免费升级！"
	vs := ix.Guard(reply)
	for _, v := range vs {
		fmt.Printf("%s %q bytes [%d:%d] chars [%d:%d] rule %s\n", v.Severity, v.Text, v.Start, v.End, v.RuneStart, v.RuneEnd, v.Phrase.Rule)
	}
	fmt.Println("blocked:", kb.Blocked(vs))
	// Output:
	// flag "最便宜" bytes [12:21] chars [4:7] rule 广告法-绝对化用语
	// block "终身·免费升级" bytes [27:47] chars [9:16] rule 不可兑现的承诺
	// blocked: true
}

// ExampleIndex_Check is the pre-launch check: typical questions with the
// answer each should get; every mismatch comes with its reason and the
// entries that came close.
func ExampleIndex_Check() {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	ix, err := kb.Build(kb.Data{
		Entries: []kb.Entry{
			{ID: "refund", Question: "怎么退款", Keywords: []string{"退款"}, Answer: "在订单页申请退款。", Status: kb.StatusPublished},
			{ID: "shipping", Question: "快递多久到", Keywords: []string{"快递"}, Answer: "48 小时内发货。", Status: kb.StatusPublished},
		},
		Rules: kb.DefaultRules(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cases, err := kb.ReadCases(strings.NewReader("怎么退款\trefund\n转人工\thuman\n退款的快递\trefund\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range ix.Check(cases, now) {
		fmt.Println(m)
	}
	// Output:
	// line 3: "退款的快递": expected "refund", got "no answer": entry "refund" scored 0.61 (keywords 退款; strength 0.75; coverage 0.40); only 0.00 ahead of "shipping", margin 0.15 needed; recommended to the agent
	//     near "refund" score 0.61 (keywords 退款; strength 0.75; coverage 0.40)
	//     near "shipping" score 0.61 (keywords 快递; strength 0.75; coverage 0.40)
}
