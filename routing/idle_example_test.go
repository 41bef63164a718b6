package routing_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kefu-go/kefu/routing"
)

// A periodic idle sweep closes the conversations nobody wrote to for 30
// minutes and frees their agents' capacity, whichever replica runs it.
func ExampleSweepIdle() {
	ctx := context.Background()
	start := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	store := new(routing.MemoryStore) // routing.Store and routing.ConversationStore
	disp, err := routing.NewDispatcher(routing.DispatcherConfig{
		Store:  store,
		Agents: []routing.Agent{{ID: "li", Queues: []string{"general"}, Capacity: 1}},
		Now:    func() time.Time { return start },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = store.SetPresence(ctx, "li", routing.Online, start)

	// One customer is served by li; a second waits, li being at capacity.
	for _, customer := range []string{"openid-1", "openid-2"} {
		c, _ := routing.OpenConversation(ctx, store, customer, "wx-app", start)
		c, _ = c.Enqueue("general", start)
		res, _ := disp.Route(ctx, routing.Waiting{ConversationID: c.ID, CustomerID: customer, Channel: c.Channel,
			Targets: []routing.Target{{Queue: "general"}}})
		if res.Outcome == routing.OutcomeAssigned {
			c, _, _ = c.Assign(res.AgentID, start)
			fmt.Println(customer, "served by", res.AgentID)
		} else {
			fmt.Println(customer, res.Outcome, "in", res.Queue)
		}
		if _, err := store.UpdateConversation(ctx, c); err != nil {
			fmt.Println(err)
			return
		}
	}
	// The second customer writes again 20 minutes later.
	later := start.Add(20 * time.Minute)
	c, _ := store.Conversation(ctx, routing.ConversationKey("openid-2", "wx-app"))
	c, _ = c.Append(routing.Entry{From: routing.SenderCustomer, Text: "还要等多久？"}, later)
	if _, err := store.UpdateConversation(ctx, c); err != nil {
		fmt.Println(err)
		return
	}

	// Every minute or so, on any replica:
	now := start.Add(40 * time.Minute)
	closed, err := routing.SweepIdle(ctx, store, disp, now, 30*time.Minute, 100)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range closed {
		fmt.Println("closed", c.CustomerID, c.CloseReason, "agent", c.AgentID)
	}
	st, _ := store.AgentStates(ctx, []string{"li"})
	fmt.Println("li's load:", st[0].Load)
	// The freed capacity goes to the customer still waiting.
	rs, _ := disp.Drain(ctx, "general")
	for _, r := range rs {
		fmt.Println(r.Waiting.CustomerID, r.Outcome, "to", r.AgentID)
	}
	// Output:
	// openid-1 served by li
	// openid-2 queued in general
	// closed openid-1 idle agent li
	// li's load: 0
	// openid-2 assigned to li
}
