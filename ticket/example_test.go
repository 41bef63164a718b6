package ticket_test

import (
	"context"
	"fmt"
	"time"

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
