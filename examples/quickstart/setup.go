package main

import (
	"time"

	"github.com/kefu-go/kefu/kb"
	"github.com/kefu-go/kefu/routing"
)

// knowledge is the demo's knowledge base: what the bot answers by itself, the
// auto-reply rules that hand angry or explicit requests to a person, and the
// phrases no agent may send.
func knowledge() kb.Data {
	return kb.Data{
		Entries: []kb.Entry{
			{ID: "hours", Category: []string{"门店"}, Question: "营业时间", Keywords: []string{"几点开门", "几点关门", "营业"},
				Answer: "门店营业时间为每天 9:00–21:00，节假日照常营业。", Status: kb.StatusPublished},
			{ID: "shipping", Category: []string{"订单", "物流"}, Question: "快递多久到", Keywords: []string{"发货", "物流", "快递"},
				Answer: "下单后 48 小时内发货，一般 2–3 天送达。", Status: kb.StatusPublished},
			{ID: "shelf-life", Category: []string{"商品"}, Question: "保质期", Keywords: []string{"保质期", "过期"},
				Answer: "未开封保质期 3 年，开封后请在 12 个月内用完。", Status: kb.StatusPublished},
			{ID: "double11", Category: []string{"活动"}, Question: "双十一活动规则", Keywords: []string{"双十一", "满减"},
				Answer: "11 月 11 日全场满 300 减 50。", Status: kb.StatusPublished,
				ValidFrom: time.Date(2026, 11, 10, 0, 0, 0, 0, cst), ValidTo: time.Date(2026, 11, 12, 0, 0, 0, 0, cst)},
		},
		Rules: kb.DefaultRules(),
		Phrases: []kb.Phrase{
			{Text: "终身免费升级", Rule: "不可兑现的承诺", Severity: kb.SeverityBlock, Suggestion: "保修期内免费升级"},
			{Text: "最便宜", Rule: "广告法-绝对化用语", Severity: kb.SeverityFlag},
		},
	}
}

// routingRules is the demo's rule set: complaints to the complaints team,
// diamond members to senior agents, refunds to after-sales with a ticket,
// explicit requests to a person, and everything else to the bot first.
func routingRules() routing.Config {
	return routing.Config{
		Name: "demo",
		Mode: routing.FirstMatch,
		Rules: []routing.Rule{
			{Name: "complaint", Priority: 100, When: routing.AnyKeyword("投诉", "骗子", "差评"),
				Then: routing.Action{Queue: "complaints", Handling: routing.Human, Priority: 8, TicketIntent: "complaint", AddTags: []string{"投诉"}}},
			{Name: "vip", Priority: 90, When: routing.MemberLevelAtLeast(5),
				Then: routing.Action{Handling: routing.Human, Priority: 10,
					Targets: []routing.Target{
						{Queue: "vip", Timeout: 60 * time.Second, Skills: []string{"senior"}},
						{Queue: "general"},
						{LeaveMessage: true},
					},
					Greeting: "尊敬的钻石会员，您好！已为您优先接入资深客服。"}},
			{Name: "refund", Priority: 80, When: routing.AnyKeyword("退款", "退货"),
				Then: routing.Action{Queue: "after_sales", Handling: routing.Human, Priority: 5, TicketIntent: "refund"}},
			{Name: "franchise", Priority: 70, When: routing.AnyKeyword("加盟"),
				Then: routing.Action{Queue: "franchise", Handling: routing.Human}},
			{Name: "ask-human", Priority: 60, When: routing.AnyKeyword("转人工", "人工客服"),
				Then: routing.Action{Queue: "general", Handling: routing.Human}},
		},
		Default: &routing.Action{Queue: "general", Handling: routing.BotFirst},
	}
}

// agents is the demo's team.
func agents() []routing.Agent {
	return []routing.Agent{
		{ID: "bob", Queues: []string{"after_sales", "general"}, Capacity: 3},
		{ID: "carol", Queues: []string{"vip", "general"}, Skills: []string{"senior"}, Capacity: 2},
		{ID: "dave", Queues: []string{"complaints"}, Skills: []string{"senior"}, Capacity: 2},
		{ID: "erin", Queues: []string{"general"}, Capacity: 4},
	}
}

// memberLevel maps the CRM's level names onto routing's numeric levels.
func memberLevel(name string) int {
	switch name {
	case "diamond":
		return 5
	case "gold":
		return 3
	case "silver":
		return 2
	case "":
		return 0
	default:
		return 1
	}
}
