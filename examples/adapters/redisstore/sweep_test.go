package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/redisstore"
	"github.com/kefu-go/kefu/routing"
)

// countingStore counts the agent releases that went through.
type countingStore struct {
	*redisstore.RoutingStore
	released *atomic.Int64
}

func (s countingStore) Release(ctx context.Context, agentID, conversationID string, now time.Time) error {
	err := s.RoutingStore.Release(ctx, agentID, conversationID, now)
	if err == nil {
		s.released.Add(1)
	}
	return err
}

// TestIdleSweepAcrossReplicas: four sweepers on two replicas (own
// connection pools) close every idle conversation once, release each
// serving agent's load exactly once, empty the holding queue, and leave the
// conversation that is still active alone.
func TestIdleSweepAcrossReplicas(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	other := redis.NewClient(rdb.Options())
	t.Cleanup(func() { _ = other.Close() })
	ctx := context.Background()
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	agents := []routing.Agent{
		{ID: "a1", Queues: []string{"g"}, Capacity: 2},
		{ID: "a2", Queues: []string{"g"}, Capacity: 2},
	}
	var released atomic.Int64
	var stores [2]*redisstore.RoutingStore
	var disps [2]*routing.Dispatcher
	for i, c := range []*redis.Client{rdb, other} {
		stores[i] = redisstore.NewRoutingStore(c, prefix)
		d, err := routing.NewDispatcher(routing.DispatcherConfig{
			Store: countingStore{stores[i], &released}, Agents: agents, Now: func() time.Time { return t0.Add(time.Hour) },
		})
		if err != nil {
			t.Fatal(err)
		}
		disps[i] = d
	}
	for _, a := range agents {
		if err := stores[0].SetPresence(ctx, a.ID, routing.Online, t0); err != nil {
			t.Fatal(err)
		}
	}
	const total = 7 // 4 served, 3 waiting
	for i := range total {
		at := t0.Add(time.Duration(i) * time.Minute)
		c, err := routing.OpenConversation(ctx, stores[0], fmt.Sprintf("cust-%d", i), "wx", at)
		if err != nil {
			t.Fatal(err)
		}
		if c, err = c.Enqueue("g", at); err != nil {
			t.Fatal(err)
		}
		res, err := disps[0].Route(ctx, routing.Waiting{ConversationID: c.ID, Channel: "wx", EnqueuedAt: at, TargetSince: at,
			Targets: []routing.Target{{Queue: "g"}}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome == routing.OutcomeAssigned {
			if c, _, err = c.Assign(res.AgentID, at); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := stores[0].UpdateConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// cust-0 (served) writes again: it is not idle.
	active, err := stores[1].Conversation(ctx, routing.ConversationKey("cust-0", "wx"))
	if err != nil {
		t.Fatal(err)
	}
	if active.State != routing.StateServing {
		t.Fatalf("cust-0 is %s, want serving", active.State)
	}
	if active, err = active.Append(routing.Entry{From: routing.SenderCustomer, Text: "在吗"}, t0.Add(50*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := stores[1].UpdateConversation(ctx, active); err != nil {
		t.Fatal(err)
	}

	now := t0.Add(time.Hour)
	var mu sync.Mutex
	closedBy := map[string]int{}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for {
				closed, err := routing.SweepIdle(ctx, stores[g%2], disps[g%2], now, 30*time.Minute, 2)
				if err != nil {
					t.Error(err)
					return
				}
				if len(closed) == 0 {
					return
				}
				mu.Lock()
				for _, c := range closed {
					closedBy[c.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(closedBy) != total-1 {
		t.Fatalf("closed %v, want the %d idle conversations", closedBy, total-1)
	}
	for id, n := range closedBy {
		if n != 1 {
			t.Fatalf("%q closed %d times", id, n)
		}
	}
	if got := released.Load(); got != 3 {
		t.Fatalf("%d agent releases, want 3 (the idle served conversations, once each)", got)
	}
	states, err := stores[1].AgentStates(ctx, []string{"a1", "a2"})
	if err != nil {
		t.Fatal(err)
	}
	if load := states[0].Load + states[1].Load; load != 1 {
		t.Fatalf("agents hold %d conversations after the sweep, want 1 (the active one)", load)
	}
	if ws, err := stores[0].Waiting(ctx, "g"); err != nil || len(ws) != 0 {
		t.Fatalf("still waiting: %v (%v)", ws, err)
	}
	left, err := stores[0].IdleConversations(ctx, now.Add(time.Hour), 10)
	if err != nil || len(left) != 1 || left[0].CustomerID != "cust-0" {
		t.Fatalf("open after the sweep: %v (%v), want cust-0 only", left, err)
	}
}
