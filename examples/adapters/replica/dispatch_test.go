package replica_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/redisstore"
	"github.com/kefu-go/kefu/routing"
)

// TestReplicaDispatchNeverExceedsCapacity runs two routing.Dispatchers, each
// with its own Redis connection pool as two processes would have, over one
// shared RoutingStore: 30 conversations routed concurrently through both fill
// the three agents exactly to capacity and queue the rest once; after two
// releases, both replicas draining the queue at once assign exactly two.
func TestReplicaDispatchNeverExceedsCapacity(t *testing.T) {
	rdb, prefix := testenv.Redis(t)
	other := redis.NewClient(rdb.Options())
	t.Cleanup(func() { _ = other.Close() })
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	agents := []routing.Agent{
		{ID: "a1", Queues: []string{"after-sales"}, Capacity: 2},
		{ID: "a2", Queues: []string{"after-sales"}, Capacity: 2},
		{ID: "a3", Queues: []string{"after-sales"}, Capacity: 2},
	}
	var dispatchers [2]*routing.Dispatcher
	var stores [2]*redisstore.RoutingStore
	for i, c := range []*redis.Client{rdb, other} {
		stores[i] = redisstore.NewRoutingStore(c, prefix)
		d, err := routing.NewDispatcher(routing.DispatcherConfig{Store: stores[i], Agents: agents, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		dispatchers[i] = d
	}
	ctx := context.Background()
	for _, a := range agents {
		if err := stores[0].SetPresence(ctx, a.ID, routing.Online, now); err != nil {
			t.Fatal(err)
		}
	}

	const conversations = 30
	results := make([]routing.Result, conversations)
	errs := make([]error, conversations)
	var wg sync.WaitGroup
	for i := range conversations {
		wg.Go(func() {
			w := routing.Waiting{ConversationID: fmt.Sprintf("conv-%02d", i), Channel: "wx",
				Targets: []routing.Target{{Queue: "after-sales"}}}
			results[i], errs[i] = dispatchers[i%2].Route(ctx, w)
		})
	}
	wg.Wait()
	held := map[string][]string{}
	queued := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("Route: %v", errs[i])
		}
		switch r.Outcome {
		case routing.OutcomeAssigned:
			held[r.AgentID] = append(held[r.AgentID], r.Waiting.ConversationID)
		case routing.OutcomeQueued:
			queued++
		default:
			t.Fatalf("conversation %d: outcome %s", i, r.Outcome)
		}
	}
	checkLoads := func(want map[string]int) {
		t.Helper()
		states, err := stores[1].AgentStates(ctx, []string{"a1", "a2", "a3"})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range states {
			if st.Load != want[st.AgentID] {
				t.Fatalf("agent %s holds %d conversations, want %d (capacity 2)", st.AgentID, st.Load, want[st.AgentID])
			}
		}
	}
	for _, a := range agents {
		if len(held[a.ID]) != 2 {
			t.Fatalf("agent %s was assigned %v, want exactly its capacity of 2", a.ID, held[a.ID])
		}
	}
	checkLoads(map[string]int{"a1": 2, "a2": 2, "a3": 2})
	waiting, err := stores[0].Waiting(ctx, "after-sales")
	if err != nil || queued != conversations-6 || len(waiting) != conversations-6 {
		t.Fatalf("%d queued, %d waiting (%v); want %d", queued, len(waiting), err, conversations-6)
	}

	// a1 finishes both conversations; both replicas drain at once.
	for _, conv := range held["a1"] {
		if err := stores[1].Release(ctx, "a1", conv, now); err != nil {
			t.Fatal(err)
		}
	}
	var drained [2][]routing.Result
	var drainErr [2]error
	for i := range dispatchers {
		wg.Go(func() { drained[i], drainErr[i] = dispatchers[i].Drain(ctx, "after-sales") })
	}
	wg.Wait()
	assigned := 0
	for i := range drained {
		if drainErr[i] != nil {
			t.Fatalf("Drain: %v", drainErr[i])
		}
		for _, r := range drained[i] {
			if r.Outcome == routing.OutcomeAssigned {
				assigned++
				if r.AgentID != "a1" {
					t.Fatalf("drain assigned to %s, which has no room", r.AgentID)
				}
			}
		}
	}
	if assigned != 2 {
		t.Fatalf("the two replicas assigned %d waiting conversations, want 2", assigned)
	}
	checkLoads(map[string]int{"a1": 2, "a2": 2, "a3": 2})
	if waiting, err := stores[0].Waiting(ctx, "after-sales"); err != nil || len(waiting) != conversations-8 {
		t.Fatalf("%d still waiting (%v), want %d", len(waiting), err, conversations-8)
	}
}
