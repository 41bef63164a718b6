package ticket_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kefu-go/kefu/businesshours"
	"github.com/kefu-go/kefu/ticket"
)

// Example plays the refund flow: a customer's refund request moves
// submitted → reviewing → finance → refunded, each step pushes its
// customer-facing text through the Notifier, and the SLA summary reports the
// first response time and breaches.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 9, 28, 9, 0, 0, 0, time.UTC)
	sla, err := ticket.NewSLA(ticket.Policy{
		Name: "refunds",
		Targets: map[ticket.Priority]ticket.Targets{
			ticket.PriorityNormal: {FirstReply: 30 * time.Minute, Resolution: 12 * time.Hour},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	svc := &ticket.Service{
		SLA: sla,
		Now: func() time.Time { return now },
		Notifier: ticket.NotifierFunc(func(ctx context.Context, n ticket.Notification) error {
			fmt.Printf("→ %s: %s\n", n.CustomerID, n.Text)
			return nil
		}),
	}

	_, err = svc.Open(ctx, "refund", ticket.Ticket{
		ID: "RF-1001", CustomerID: "openid-abc", Subject: "订单 8812 退款",
		Fields: map[string]string{"order": "8812", "amount": "199.00"},
	}, ticket.Customer("openid-abc"))
	if err != nil {
		fmt.Println(err)
		return
	}
	steps := []struct {
		after time.Duration
		event string
		actor ticket.Actor
	}{
		{10 * time.Minute, "review", ticket.Agent("alice")},
		{2 * time.Hour, "approve", ticket.Agent("alice")},
		{3 * time.Hour, "refund", ticket.System("finance")},
	}
	for _, s := range steps {
		now = now.Add(s.after)
		if _, err := svc.Transition(ctx, "RF-1001", s.event, s.actor, ""); err != nil {
			fmt.Println(err)
			return
		}
	}

	tk, _ := svc.Get(ctx, "RF-1001")
	for _, r := range tk.History {
		fmt.Printf("#%d %s %s→%s by %s\n", r.Seq, r.Kind, r.From, r.To, r.Actor)
	}
	sum, _, _ := svc.Report(ctx, ticket.Query{CustomerID: "openid-abc"})
	fmt.Printf("first response %v, resolution %v, breaches %d\n", sum.MeanFirstResponse, sum.MeanResolution, sum.Breaches)
	// Output:
	// → openid-abc: 您的退款申请已提交（单号 RF-1001），我们会尽快审核。
	// → openid-abc: 您的退款申请正在审核中。
	// → openid-abc: 您的退款申请已审核通过，已进入财务处理。
	// → openid-abc: 退款已完成，款项将按原支付方式退回，请注意查收。
	// #1 created →submitted by customer:openid-abc
	// #2 transition submitted→reviewing by agent:alice
	// #3 transition reviewing→finance by agent:alice
	// #4 transition finance→refunded by system:finance
	// first response 10m0s, resolution 5h10m0s, breaches 0
}

// ExampleDefinition_Apply shows the pure transition step, as used in table
// tests: no store, no clock, no side effects.
func ExampleDefinition_Apply() {
	d := ticket.Refund()
	now := time.Date(2026, 9, 28, 9, 0, 0, 0, time.UTC)
	t, _, _ := d.Open(ticket.Ticket{ID: "RF-1"}, ticket.Customer("c"), now)

	t, rec, err := d.Apply(t, "review", ticket.Agent("alice"), now.Add(time.Minute), "checking the order")
	fmt.Println(t.State, t.Version, rec.Seq, err)

	_, _, err = d.Apply(t, "refund", ticket.Agent("alice"), now, "")
	fmt.Println(err)
	// Output:
	// reviewing 2 2 <nil>
	// ticket: RF-1: event "refund" not allowed in state "reviewing": allowed events are request_info, approve, reject
}

// ExampleDefinition_Mermaid exports a definition for documentation.
func ExampleDefinition_Mermaid() {
	fmt.Print(ticket.Refund().Mermaid())
	// Output:
	// stateDiagram-v2
	//     classDef waiting stroke-dasharray: 5 5
	//     classDef resolved fill:#e8f5e9
	//     [*] --> submitted
	//     submitted --> reviewing: review
	//     reviewing --> awaiting_customer: request_info
	//     reviewing --> finance: approve
	//     reviewing --> rejected: reject
	//     awaiting_customer --> reviewing: provide_info
	//     finance --> rejected: reject
	//     finance --> refunded: refund
	//     refunded --> closed: close
	//     rejected --> closed: close
	//     closed --> [*]
	//     class awaiting_customer waiting
	//     class refunded resolved
	//     class rejected resolved
	//     class closed resolved
}

// ExampleSLA_Evaluate computes SLA due instants in business hours: Shanghai
// office hours with a lunch break, a holiday, and the clock paused while the
// refund waits on the customer.
func ExampleSLA_Evaluate() {
	var hours businesshours.Calendar
	err := json.Unmarshal([]byte(`{"time_zone":"Asia/Shanghai","weekly":{
		"mon":["09:00-12:00","13:30-18:00"],"tue":["09:00-12:00","13:30-18:00"],"wed":["09:00-12:00","13:30-18:00"],
		"thu":["09:00-12:00","13:30-18:00"],"fri":["09:00-12:00","13:30-18:00"]},
		"holidays":["2026-10-01","2026-10-02"]}`), &hours)
	if err != nil {
		fmt.Println(err)
		return
	}
	sla, err := ticket.NewSLA(ticket.Policy{
		Name:     "refunds",
		Calendar: &hours,
		Targets: map[ticket.Priority]ticket.Targets{
			ticket.PriorityNormal: {FirstReply: 2 * time.Hour, Resolution: 8 * time.Hour},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	loc := hours.Location()
	at := func(day, hour, min int) time.Time { return time.Date(2026, 9, day, hour, min, 0, 0, loc) }
	d := ticket.Refund()

	// Opened Wednesday 11:00; the agent asks for a receipt at 11:30 and the
	// customer answers at 16:00: the 4.5 hours in between do not count.
	t, _, _ := d.Open(ticket.Ticket{ID: "RF-7"}, ticket.Customer("c"), at(30, 11, 0))
	t, _, _ = d.Apply(t, "review", ticket.Agent("alice"), at(30, 11, 15), "")
	t, _, _ = d.Apply(t, "request_info", ticket.Agent("alice"), at(30, 11, 30), "请上传付款截图")
	t, _, _ = d.Apply(t, "provide_info", ticket.Customer("c"), at(30, 16, 0), "")

	st := sla.Evaluate(d, &t, at(30, 16, 30))
	fr := st.Clock(ticket.FirstReply)
	res := st.Clock(ticket.Resolution)
	fmt.Println("first reply:", fr.State, fr.Elapsed)
	fmt.Println("resolution:", res.State, res.Elapsed, "due", res.Due.Format("Mon 01-02 15:04"))
	fmt.Println("next due:", sla.DueAt(d, &t, at(30, 16, 30)).Format("Mon 01-02 15:04"))
	// 7 hours remain at 16:30: 1.5 on Wednesday, none on the holidays and
	// the weekend, 3 on Monday morning and 2.5 after lunch.

	// Output:
	// first reply: met 15m0s
	// resolution: running 1h0m0s due Mon 10-05 16:00
	// next due: Mon 10-05 16:00
}

// ExampleService_Check runs the SLA sweep over a night: the first-reply
// warning falls due after closing time, so it is held back until the office
// opens, and nobody is paged at 3 a.m.
func ExampleService_Check() {
	ctx := context.Background()
	var hours businesshours.Calendar
	err := json.Unmarshal([]byte(`{"time_zone":"Asia/Shanghai","weekly":{
		"mon":["09:00-12:00","13:30-18:00"],"tue":["09:00-12:00","13:30-18:00"]}}`), &hours)
	if err != nil {
		fmt.Println(err)
		return
	}
	loc := hours.Location()
	sla, _ := ticket.NewSLA(ticket.Policy{
		Name: "support", Calendar: &hours, WarnBefore: 30 * time.Minute,
		Targets: map[ticket.Priority]ticket.Targets{ticket.PriorityNormal: {FirstReply: time.Hour}},
	})
	now := time.Date(2026, 9, 28, 17, 30, 0, 0, loc) // Monday 17:30
	svc := &ticket.Service{
		SLA: sla,
		Now: func() time.Time { return now },
		OnSLA: func(ctx context.Context, e ticket.SLAEvent) {
			fmt.Printf("  %s %s on %s, due %s\n", e.Metric, e.Kind, e.TicketID, e.Due.Format("Mon 15:04"))
		},
	}
	if _, err := svc.Open(ctx, "support", ticket.Ticket{ID: "S-9"}, ticket.Customer("c")); err != nil {
		fmt.Println(err)
		return
	}
	for _, hm := range [][2]int{{17, 45}, {18, 15}, {27, 0}, {33, 1}, {33, 31}} { // hours after Monday 00:00
		now = time.Date(2026, 9, 28, hm[0], hm[1], 0, 0, loc)
		fmt.Println(now.Format("Mon 15:04"))
		if _, err := svc.Check(ctx, now); err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// Mon 17:45
	// Mon 18:15
	// Tue 03:00
	// Tue 09:01
	//   first_reply warning on S-9, due Tue 09:30
	// Tue 09:31
	//   first_reply breach on S-9, due Tue 09:30
}
