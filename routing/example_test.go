package routing_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kefu-go/kefu/routing"
)

// supportRules is the rule set of the examples: complaints to a person at
// once, diamond members to a senior agent with a VIP greeting, refunds to
// after-sales, new users to the bot first.
func supportRules() *routing.RuleSet {
	rs, err := routing.Compile(routing.Config{
		Name: "support",
		Rules: []routing.Rule{
			{Name: "complaint", Priority: 100, When: routing.AnyKeyword("投诉", "骗子", "举报"),
				Then: routing.Action{Queue: "complaints", Handling: routing.Human, TicketIntent: "complaint"}},
			{Name: "diamond", Priority: 90, When: routing.MemberLevelAtLeast(8),
				Then: routing.Action{
					Targets: []routing.Target{
						{Queue: "vip", Timeout: time.Minute, Skills: []string{"senior"}},
						{Queue: "general"},
						{LeaveMessage: true},
					},
					Priority: 10, Handling: routing.Human, AddTags: []string{"vip"},
					Greeting: "尊敬的钻石会员，专属客服将优先为您服务",
				}},
			{Name: "refund", Priority: 50, When: routing.AnyKeyword("退款", "退货"),
				Then: routing.Action{Queue: "after-sales", TicketIntent: "refund"}},
			{Name: "new-user", Priority: 10, When: routing.IsFirstContact(true),
				Then: routing.Action{Queue: "general", Handling: routing.BotFirst, Greeting: "欢迎关注！"}},
		},
		Default: &routing.Action{Queue: "general", Handling: routing.BotFirst},
	}, routing.Env{})
	if err != nil {
		panic(err) // a fixed, valid rule set
	}
	return rs
}

// A rule set routes each message and explains why.
func Example() {
	rs := supportRules()
	for _, in := range []routing.Input{
		{Text: "我要退款"},
		{Text: "你好", MemberLevel: 9},
		{Text: "投诉：你们骗子", MemberLevel: 9},
		{Text: "在吗", FirstContact: true},
	} {
		d := rs.Decide(in)
		fmt.Printf("» %s\n%s\n", in.Text, d.Explain())
	}
	// Output:
	// » 我要退款
	// matched rule "refund" (priority 50) in rule set "support"
	//     ✓ when.keywords: keywords any contains ["退款" "退货"]: found "退款"
	// rejected candidates:
	//   rule "diamond" (priority 90)
	//     ✗ when.member_level: member level >= 8: level 0
	// skipped 1 other rule(s): none of the keywords they require occurs in the text
	// action: queue "after-sales", ticket "refund"
	//
	// » 你好
	// matched rule "diamond" (priority 90) in rule set "support"
	//     ✓ when.member_level: member level >= 8: level 9
	// skipped 1 other rule(s): none of the keywords they require occurs in the text
	// action: targets "vip" up to 1m0s (skills ["senior"]) → "general" → leave a message, priority 10, human, greeting "尊敬的钻石会员，专属客服将优先为您服务", add tags ["vip"]
	//
	// » 投诉：你们骗子
	// matched rule "complaint" (priority 100) in rule set "support"
	//     ✓ when.keywords: keywords any contains ["投诉" "骗子" "举报"]: found "投诉"
	// action: queue "complaints", human, ticket "complaint"
	//
	// » 在吗
	// matched rule "new-user" (priority 10) in rule set "support"
	//     ✓ when.first_contact: first contact is true: first contact true
	// rejected candidates:
	//   rule "diamond" (priority 90)
	//     ✗ when.member_level: member level >= 8: level 0
	// skipped 2 other rule(s): none of the keywords they require occurs in the text
	// action: queue "general", bot_first, greeting "欢迎关注！"
}

// The bot hands a diamond member to a senior agent; the agent receives the
// whole transcript (the image by media ID), the bot's answers, the routing
// explanation and the customer's tags.
func Example_handoff() {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	store := new(routing.MemoryStore)
	disp, err := routing.NewDispatcher(routing.DispatcherConfig{
		Store: store,
		Agents: []routing.Agent{
			{ID: "li", Queues: []string{"vip", "general"}, Skills: []string{"senior"}, Capacity: 3},
			{ID: "wang", Queues: []string{"general"}, Capacity: 5},
		},
		Now: func() time.Time { return now },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = store.SetPresence(ctx, "li", routing.Online, now)
	_ = store.SetPresence(ctx, "wang", routing.Online, now)

	conv := routing.NewConversation("openid-1", "wx-app", now)
	conv, _ = conv.Append(routing.Entry{From: routing.SenderCustomer, Kind: routing.KindText, Text: "订单有问题"}, now)
	conv, _ = conv.Append(routing.Entry{From: routing.SenderBot, Kind: routing.KindText, Text: "请发一下订单截图"}, now)
	conv, _ = conv.Append(routing.Entry{From: routing.SenderCustomer, Kind: routing.KindImage, MediaID: "media-42"}, now)

	d := supportRules().Decide(routing.Input{Text: "订单有问题", MemberLevel: 9, Time: now})
	conv, _ = conv.Route(d, now)
	conv, _ = conv.Enqueue(d.Queue(), now)
	res, err := disp.Route(ctx, routing.Waiting{
		ConversationID: conv.ID, CustomerID: conv.CustomerID, Channel: conv.Channel,
		Priority: d.Action.Priority, Targets: d.Action.Chain(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Outcome, res.AgentID, "from", res.Queue)
	conv, h, err := conv.Assign(res.AgentID, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("state:", conv.State, "greeting:", d.Action.Greeting)
	for _, e := range h.Transcript {
		fmt.Printf("  %s: %s%s\n", e.From, e.Text, e.MediaID)
	}
	fmt.Println("bot answers:", len(h.BotAnswers), "tags:", h.Tags)
	fmt.Println("routing:", d.String())
	// Output:
	// assigned li from vip
	// state: serving greeting: 尊敬的钻石会员，专属客服将优先为您服务
	//   customer: 订单有问题
	//   bot: 请发一下订单截图
	//   customer: media-42
	// bot answers: 1 tags: [vip]
	// routing: rule "diamond" → targets "vip" up to 1m0s (skills ["senior"]) → "general" → leave a message, priority 10, human, greeting "尊敬的钻石会员，专属客服将优先为您服务", add tags ["vip"]
}

// Verify is the pre-launch check: run sample messages with their expected
// queues through a rule set and report each mismatch with its explanation.
func ExampleVerify() {
	report := routing.Verify(supportRules(), []routing.Case{
		{Input: routing.Input{Text: "我要退款"}, WantQueue: "after-sales"},
		{Input: routing.Input{Text: "投诉建议：希望多上新品"}, WantQueue: "feedback"},
	})
	fmt.Print(report)
	// Output:
	// 2 case(s), 1 mismatch(es)
	//
	// MISMATCH "投诉建议：希望多上新品": queue "complaints", want "feedback"
	//   matched rule "complaint" (priority 100) in rule set "support"
	//       ✓ when.keywords: keywords any contains ["投诉" "骗子" "举报"]: found "投诉"
	//   action: queue "complaints", human, ticket "complaint"
}

// A Router holds the live rule set: Decide reads it without a lock, and
// Store swaps in a new one while decisions continue.
func ExampleRouter() {
	var router routing.Router
	if _, err := router.Decide(routing.Input{Text: "我要退款"}); errors.Is(err, routing.ErrNoRuleSet) {
		fmt.Println("before Store:", err)
	}
	router.Store(supportRules())

	d, err := router.Decide(routing.Input{
		Text: "投诉：退款太慢了", MemberLevel: 9,
		Time: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Queue(), d.Rule())
	fmt.Print(d.Explain())

	// A new rule set takes effect for the next decision.
	next, err := routing.Compile(routing.Config{Name: "v2", Rules: []routing.Rule{
		{Name: "refund", When: routing.AnyKeyword("退款"), Then: routing.Action{Queue: "refund-desk"}},
	}}, routing.Env{})
	if err != nil {
		fmt.Println(err)
		return
	}
	old := router.Swap(next)
	d, _ = router.Decide(routing.Input{Text: "投诉：退款太慢了"})
	fmt.Println(old.Name(), "→", router.RuleSet().Name()+":", d)
	// Output:
	// before Store: routing: no rule set loaded
	// complaints complaint
	// matched rule "complaint" (priority 100) in rule set "support"
	//     ✓ when.keywords: keywords any contains ["投诉" "骗子" "举报"]: found "投诉"
	// action: queue "complaints", human, ticket "complaint"
	// support → v2: rule "refund" → queue "refund-desk"
}

// ParseJSON loads a rule set from JSON; an invalid rule set is rejected with
// the rule and field at fault.
func ExampleParseJSON() {
	rs, err := routing.ParseJSON([]byte(`{
	  "name": "shop",
	  "mode": "first_match",
	  "calendars": {"cs": {"time_zone": "Asia/Shanghai", "weekly": {"mon": ["09:00-12:00", "13:30-18:00"]}}},
	  "rules": [
	    {"name": "night", "priority": 90, "when": {"business_hours": {"calendar": "cs", "open": false}},
	     "then": {"targets": [{"leave_message": true}], "greeting": "现在是非工作时间，请留言"}},
	    {"name": "refund", "priority": 50,
	     "when": {"all": [{"keywords": {"words": ["退款", "退货"]}}, {"not": {"keywords": {"words": ["投诉"]}}}]},
	     "then": {"targets": [{"queue": "after-sales", "timeout": "60s"}, {"queue": "general"}], "ticket_intent": "refund"}}
	  ],
	  "default": {"queue": "general", "handling": "bot_first"}
	}`), routing.Env{})
	if err != nil {
		fmt.Println(err)
		return
	}
	monday10 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, in := range []routing.Input{
		{Text: "我想退货", Time: monday10},
		{Text: "我想退货", Time: monday10.Add(2 * time.Hour)}, // lunch break
		{Text: "你好", Time: monday10},
	} {
		fmt.Println(rs.Decide(in))
	}

	_, err = routing.ParseJSON([]byte(`{"rules": [
	  {"name": "order", "when": {"regexp": "订单[0-9"}, "then": {"queue": "orders"}},
	  {"name": "vip", "when": {"member_level": {"min": 9, "max": 3}}, "then": {"queue": "vip"}}
	]}`), routing.Env{})
	var re *routing.RuleError
	if errors.As(err, &re) && errors.Is(err, routing.ErrInvalidRule) {
		fmt.Println(err)
	}
	// Output:
	// rule "refund" → targets "after-sales" up to 1m0s → "general", ticket "refund"
	// rule "night" → targets leave a message, greeting "现在是非工作时间，请留言"
	// no rule matched; default → queue "general", bot_first
	// routing: rule "order": field when.regexp: error parsing regexp: missing closing ]: `[0-9`
	// routing: rule "vip": field when.member_level.max: max 3 below min 9
}

// A Dispatcher walks a decision's targets: it skips a queue with nobody
// online, holds a conversation when every agent is at capacity, and Drain
// serves the holding queue by priority with ageing.
func ExampleDispatcher() {
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := new(routing.MemoryStore)
	disp, err := routing.NewDispatcher(routing.DispatcherConfig{
		Store: store,
		Agents: []routing.Agent{
			{ID: "li", Queues: []string{"vip"}, Skills: []string{"senior"}, Capacity: 2},
			{ID: "wang", Queues: []string{"general"}, Capacity: 1},
		},
		AgeingStep: time.Minute,
		Now:        clock,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = store.SetPresence(ctx, "wang", routing.Online, now) // li is offline
	vip := []routing.Target{{Queue: "vip", Timeout: time.Minute, Skills: []string{"senior"}}, {Queue: "general"}, {LeaveMessage: true}}
	general := []routing.Target{{Queue: "general"}, {LeaveMessage: true}}

	show := func(r routing.Result) {
		fmt.Printf("%s: %s %s %s %q\n", r.Waiting.ConversationID, r.Outcome, r.AgentID, r.Queue, r.Notes)
	}
	r, _ := disp.Route(ctx, routing.Waiting{ConversationID: "c1", Priority: 10, Targets: vip})
	show(r)
	r, _ = disp.Route(ctx, routing.Waiting{ConversationID: "c2", Targets: general})
	show(r)
	now = now.Add(3 * time.Minute)
	r, _ = disp.Route(ctx, routing.Waiting{ConversationID: "c3", Priority: 2, Targets: general})
	show(r)

	// wang finishes c1: c2 has waited 3 minutes (0+3) and outranks c3 (2+0).
	now = now.Add(time.Second)
	_ = store.Release(ctx, "wang", "c1", now)
	results, _ := disp.Drain(ctx, "general")
	for _, r := range results {
		show(r)
	}
	// Output:
	// c1: assigned wang general ["skipped \"vip\": nobody online with skills [\"senior\"]" "assigned \"wang\" from \"general\" (least_loaded)"]
	// c2: queued  general ["holding in \"general\": all 1 eligible online agent(s) at a limit"]
	// c3: queued  general ["holding in \"general\": all 1 eligible online agent(s) at a limit"]
	// c2: assigned wang general ["assigned \"wang\" from \"general\" (least_loaded)"]
}
