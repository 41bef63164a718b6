// Package routingtest is the conformance suite for implementations of the
// routing package's store interfaces (routing.AgentStore, routing.QueueStore,
// routing.ConversationStore, and the optional routing.IdleLister).
// The in-memory routing.MemoryStore runs it; so must every adapter (Redis,
// SQL), from its own tests:
//
//	func TestStore(t *testing.T) {
//		routingtest.TestStore(t, func(t *testing.T) routing.Store {
//			return newRedisStore(t) // a fresh, empty store per call
//		})
//		routingtest.TestConversationStore(t, func(t *testing.T) routing.ConversationStore {
//			return newRedisStore(t)
//		})
//		// Also run by TestConversationStore when the store implements
//		// routing.IdleLister; calling it makes the interface required.
//		routingtest.TestIdleLister(t, func(t *testing.T) routing.ConversationStore {
//			return newRedisStore(t)
//		})
//	}
//
// The suite includes concurrency cases (run it with -race) that check that
// assignment is atomic: no agent ever exceeds a limit, a waiting
// conversation is claimed once, and concurrent conversation updates lose
// nothing.
package routingtest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/routing"
)

// t0 is the suite's fixed clock origin.
var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// TestStore runs TestAgentStore and TestQueueStore against stores made by
// newStore, which must return a fresh, empty store on every call.
func TestStore(t *testing.T, newStore func(t *testing.T) routing.Store) {
	t.Run("AgentStore", func(t *testing.T) {
		TestAgentStore(t, func(t *testing.T) routing.AgentStore { return newStore(t) })
	})
	t.Run("QueueStore", func(t *testing.T) {
		TestQueueStore(t, func(t *testing.T) routing.QueueStore { return newStore(t) })
	})
}

func req(agent, conv string, capacity int) routing.AssignRequest {
	return routing.AssignRequest{AgentID: agent, ConversationID: conv, Channel: "wx", Capacity: capacity, Now: t0}
}

func mustOnline(t *testing.T, s routing.AgentStore, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := s.SetPresence(context.Background(), id, routing.Online, t0); err != nil {
			t.Fatalf("SetPresence(%q, online): %v", id, err)
		}
	}
}

func mustAssign(t *testing.T, s routing.AgentStore, r routing.AssignRequest, want bool) {
	t.Helper()
	ok, err := s.TryAssign(context.Background(), r)
	if err != nil {
		t.Fatalf("TryAssign(%+v): %v", r, err)
	}
	if ok != want {
		t.Fatalf("TryAssign(%+v) = %v, want %v", r, ok, want)
	}
}

func state(t *testing.T, s routing.AgentStore, id string) routing.AgentState {
	t.Helper()
	st, err := s.AgentStates(context.Background(), []string{id})
	if err != nil {
		t.Fatalf("AgentStates: %v", err)
	}
	if len(st) != 1 || st[0].AgentID != id {
		t.Fatalf("AgentStates([%q]) = %+v", id, st)
	}
	return st[0]
}

// TestAgentStore checks an AgentStore: presence, capacity (total and per
// channel), the fairness window, idempotent assignment, release, round-robin
// turns, request validation, and atomic assignment under concurrency.
func TestAgentStore(t *testing.T, newStore func(t *testing.T) routing.AgentStore) {
	ctx := context.Background()

	t.Run("UnknownAgentIsOffline", func(t *testing.T) {
		s := newStore(t)
		st, err := s.AgentStates(ctx, []string{"b", "a"})
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != 2 || st[0].AgentID != "b" || st[1].AgentID != "a" {
			t.Fatalf("states not in request order: %+v", st)
		}
		for _, x := range st {
			if x.Presence != routing.Offline || x.Load != 0 {
				t.Fatalf("unknown agent state %+v, want offline with no load", x)
			}
		}
		mustAssign(t, s, req("a", "c1", 5), false)
	})

	t.Run("Presence", func(t *testing.T) {
		s := newStore(t)
		mustOnline(t, s, "a")
		if st := state(t, s, "a"); st.Presence != routing.Online || !st.IdleSince.Equal(t0) {
			t.Fatalf("after online: %+v, want online idle since %v", st, t0)
		}
		for _, p := range []routing.Presence{routing.Away, routing.Offline} {
			if err := s.SetPresence(ctx, "a", p, t0); err != nil {
				t.Fatal(err)
			}
			if st := state(t, s, "a"); st.Presence != p {
				t.Fatalf("presence %v, want %v", st.Presence, p)
			}
			mustAssign(t, s, req("a", "c-"+string(p), 5), false)
		}
		if err := s.SetPresence(ctx, "a", "busy", t0); !errors.Is(err, routing.ErrInvalidRequest) {
			t.Fatalf("unknown presence: err %v, want ErrInvalidRequest", err)
		}
		if err := s.SetPresence(ctx, "", routing.Online, t0); !errors.Is(err, routing.ErrInvalidRequest) {
			t.Fatalf("empty agent: err %v, want ErrInvalidRequest", err)
		}
	})

	t.Run("AwayKeepsConversations", func(t *testing.T) {
		s := newStore(t)
		mustOnline(t, s, "a")
		mustAssign(t, s, req("a", "c1", 2), true)
		if err := s.SetPresence(ctx, "a", routing.Away, t0); err != nil {
			t.Fatal(err)
		}
		if st := state(t, s, "a"); st.Load != 1 {
			t.Fatalf("load %d after going away, want 1", st.Load)
		}
		if err := s.Release(ctx, "a", "c1", t0); err != nil {
			t.Fatalf("release while away: %v", err)
		}
	})

	t.Run("Capacity", func(t *testing.T) {
		s := newStore(t)
		mustOnline(t, s, "a")
		mustAssign(t, s, req("a", "c1", 2), true)
		mustAssign(t, s, req("a", "c2", 2), true)
		mustAssign(t, s, req("a", "c3", 2), false)
		st := state(t, s, "a")
		if st.Load != 2 || st.ChannelLoad["wx"] != 2 || !st.LastAssigned.Equal(t0) || !st.IdleSince.IsZero() {
			t.Fatalf("state %+v, want load 2 on wx, last assigned %v, not idle", st, t0)
		}
		later := t0.Add(time.Minute)
		if err := s.Release(ctx, "a", "c1", later); err != nil {
			t.Fatal(err)
		}
		mustAssign(t, s, req("a", "c3", 2), true)
		if err := s.Release(ctx, "a", "c2", later); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, "a", "c3", later); err != nil {
			t.Fatal(err)
		}
		if st := state(t, s, "a"); st.Load != 0 || !st.IdleSince.Equal(later) {
			t.Fatalf("after releasing all: %+v, want load 0, idle since %v", st, later)
		}
	})

	t.Run("AssignIsIdempotent", func(t *testing.T) {
		s := newStore(t)
		mustOnline(t, s, "a")
		mustAssign(t, s, req("a", "c1", 1), true)
		mustAssign(t, s, req("a", "c1", 1), true)
		if st := state(t, s, "a"); st.Load != 1 {
			t.Fatalf("load %d after repeated assignment, want 1", st.Load)
		}
	})

	t.Run("Release", func(t *testing.T) {
		s := newStore(t)
		mustOnline(t, s, "a")
		if err := s.Release(ctx, "a", "c1", t0); !errors.Is(err, routing.ErrNotFound) {
			t.Fatalf("release of unheld conversation: %v, want ErrNotFound", err)
		}
		if err := s.Release(ctx, "nobody", "c1", t0); !errors.Is(err, routing.ErrNotFound) {
			t.Fatalf("release on unknown agent: %v, want ErrNotFound", err)
		}
		mustAssign(t, s, req("a", "c1", 1), true)
		if err := s.Release(ctx, "a", "c1", t0); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, "a", "c1", t0); !errors.Is(err, routing.ErrNotFound) {
			t.Fatalf("double release: %v, want ErrNotFound", err)
		}
		if st := state(t, s, "a"); st.Load != 0 {
			t.Fatalf("load %d, want 0", st.Load)
		}
	})

	t.Run("ChannelCapacity", func(t *testing.T) {
		s := newStore(t)
		mustOnline(t, s, "a")
		r := req("a", "c1", 3)
		r.ChannelCapacity = 1
		mustAssign(t, s, r, true)
		r.ConversationID = "c2"
		mustAssign(t, s, r, false)
		r.Channel = "web"
		mustAssign(t, s, r, true)
		if st := state(t, s, "a"); st.ChannelLoad["wx"] != 1 || st.ChannelLoad["web"] != 1 {
			t.Fatalf("channel load %+v", st.ChannelLoad)
		}
	})

	t.Run("FairnessWindow", func(t *testing.T) {
		s := newStore(t)
		mustOnline(t, s, "a")
		r := req("a", "", 10)
		r.FairnessLimit, r.FairnessWindow = 2, time.Hour
		for i, want := range []bool{true, true, false} {
			r.ConversationID = fmt.Sprintf("c%d", i)
			r.Now = t0.Add(time.Duration(i) * time.Minute)
			mustAssign(t, s, r, want)
		}
		// Releasing does not reset the window: it counts assignments.
		if err := s.Release(ctx, "a", "c0", t0.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		r.ConversationID, r.Now = "c3", t0.Add(30*time.Minute)
		mustAssign(t, s, r, false)
		r.Now = t0.Add(time.Hour + time.Second) // c0 left the window
		mustAssign(t, s, r, true)
	})

	t.Run("InvalidRequests", func(t *testing.T) {
		s := newStore(t)
		mustOnline(t, s, "a")
		bad := []routing.AssignRequest{
			{ConversationID: "c", Capacity: 1},
			{AgentID: "a", Capacity: 1},
			{AgentID: "a", ConversationID: "c"},
			{AgentID: "a", ConversationID: "c", Capacity: 1, ChannelCapacity: -1},
			{AgentID: "a", ConversationID: "c", Capacity: 1, FairnessLimit: 1},
		}
		for _, r := range bad {
			if _, err := s.TryAssign(ctx, r); !errors.Is(err, routing.ErrInvalidRequest) {
				t.Errorf("TryAssign(%+v): err %v, want ErrInvalidRequest", r, err)
			}
		}
	})

	t.Run("NextTurn", func(t *testing.T) {
		s := newStore(t)
		for i := uint64(1); i <= 3; i++ {
			n, err := s.NextTurn(ctx, "q1")
			if err != nil || n != i {
				t.Fatalf("NextTurn(q1) = %d, %v; want %d", n, err, i)
			}
		}
		if n, err := s.NextTurn(ctx, "q2"); err != nil || n != 1 {
			t.Fatalf("NextTurn(q2) = %d, %v; want 1 (queues are independent)", n, err)
		}
	})

	t.Run("ConcurrentAssignNeverExceedsCapacity", func(t *testing.T) {
		s := newStore(t)
		agents := []string{"a", "b", "c"}
		mustOnline(t, s, agents...)
		const capacity, goroutines, perG = 4, 24, 20
		var wins atomic.Int64
		var wg sync.WaitGroup
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < perG; i++ {
					r := req(agents[(g+i)%len(agents)], fmt.Sprintf("g%d-%d", g, i), capacity)
					ok, err := s.TryAssign(ctx, r)
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						wins.Add(1)
					}
				}
			}(g)
		}
		wg.Wait()
		if got := wins.Load(); got != capacity*int64(len(agents)) {
			t.Fatalf("%d assignments succeeded, want exactly %d", got, capacity*len(agents))
		}
		st, err := s.AgentStates(ctx, agents)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range st {
			if x.Load != capacity {
				t.Fatalf("agent %s load %d, want %d", x.AgentID, x.Load, capacity)
			}
		}
	})

	t.Run("ConcurrentAssignRespectsChannelAndFairnessLimits", func(t *testing.T) {
		s := newStore(t)
		agents := []string{"a", "b"}
		mustOnline(t, s, agents...)
		const channelCap, fairness, goroutines, perG = 2, 5, 16, 20
		var mu sync.Mutex
		won := map[string][]string{} // agent → channels of won assignments
		var wg sync.WaitGroup
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < perG; i++ {
					r := req(agents[(g+i)%len(agents)], fmt.Sprintf("g%d-%d", g, i), 100)
					if i%2 == 1 {
						r.Channel = "web"
					}
					r.ChannelCapacity = channelCap
					r.FairnessLimit, r.FairnessWindow = fairness, time.Hour
					r.Now = t0.Add(time.Duration(i) * time.Second)
					ok, err := s.TryAssign(ctx, r)
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						mu.Lock()
						won[r.AgentID] = append(won[r.AgentID], r.Channel)
						mu.Unlock()
					}
				}
			}(g)
		}
		wg.Wait()
		st, err := s.AgentStates(ctx, agents)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range st {
			w := won[x.AgentID]
			// Two channels with room for 2 each cap the agent at 4, below
			// the fairness limit of 5.
			if len(w) != 2*channelCap || x.Load != 2*channelCap {
				t.Errorf("agent %s won %d assignments (load %d), want exactly %d", x.AgentID, len(w), x.Load, 2*channelCap)
			}
			for _, ch := range []string{"wx", "web"} {
				if x.ChannelLoad[ch] != channelCap {
					t.Errorf("agent %s channel %s load %d, want %d", x.AgentID, ch, x.ChannelLoad[ch], channelCap)
				}
			}
		}
		// Fairness alone: a third channel still has room, but the window
		// allows one more assignment per agent, under concurrency too.
		var extra atomic.Int64
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				r := req(agents[g%len(agents)], fmt.Sprintf("app-%d", g), 100)
				r.Channel, r.FairnessLimit, r.FairnessWindow, r.Now = "app", fairness, time.Hour, t0.Add(time.Minute)
				ok, err := s.TryAssign(ctx, r)
				if err != nil {
					t.Error(err)
				}
				if ok {
					extra.Add(1)
				}
			}(g)
		}
		wg.Wait()
		if got := extra.Load(); got != int64(len(agents)*(fairness-2*channelCap)) {
			t.Fatalf("%d assignments beyond the channel caps, want %d (the fairness limit)", got, len(agents)*(fairness-2*channelCap))
		}
	})

	t.Run("ConcurrentAssignAndRelease", func(t *testing.T) {
		s := newStore(t)
		mustOnline(t, s, "a")
		const capacity = 3
		var held atomic.Int64 // conversations the workers believe "a" holds
		var over atomic.Bool
		var wg sync.WaitGroup
		for g := 0; g < 16; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 25; i++ {
					conv := fmt.Sprintf("g%d-%d", g, i)
					ok, err := s.TryAssign(ctx, req("a", conv, capacity))
					if err != nil {
						t.Error(err)
						return
					}
					if !ok {
						continue
					}
					if held.Add(1) > capacity {
						over.Store(true)
					}
					held.Add(-1)
					if err := s.Release(ctx, "a", conv, t0); err != nil {
						t.Error(err)
						return
					}
				}
			}(g)
		}
		wg.Wait()
		if over.Load() {
			t.Fatal("an agent held more conversations than its capacity")
		}
		if st := state(t, s, "a"); st.Load != 0 {
			t.Fatalf("load %d after all releases, want 0", st.Load)
		}
	})

	t.Run("ContextCanceled", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.TryAssign(cctx, req("a", "c", 1)); !errors.Is(err, context.Canceled) {
			t.Fatalf("TryAssign with canceled context: %v, want context.Canceled", err)
		}
	})
}

// TestQueueStore checks a QueueStore: push (upsert), listing, removal as an
// atomic claim, independence of queues.
func TestQueueStore(t *testing.T, newStore func(t *testing.T) routing.QueueStore) {
	ctx := context.Background()
	w := func(conv, queue string, prio int) routing.Waiting {
		return routing.Waiting{ConversationID: conv, CustomerID: "cust-" + conv, Channel: "wx", Queue: queue, Priority: prio,
			EnqueuedAt: t0, TargetSince: t0, PreviousAgent: "a1",
			Targets: []routing.Target{{Queue: queue, Timeout: time.Minute, Skills: []string{"senior"}}, {LeaveMessage: true}}}
	}
	list := func(t *testing.T, s routing.QueueStore, q string) []routing.Waiting {
		t.Helper()
		ws, err := s.Waiting(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(ws, func(i, j int) bool { return ws[i].ConversationID < ws[j].ConversationID })
		return ws
	}

	t.Run("PushListRemove", func(t *testing.T) {
		s := newStore(t)
		if ws := list(t, s, "q"); len(ws) != 0 {
			t.Fatalf("empty store lists %+v", ws)
		}
		for _, x := range []routing.Waiting{w("c1", "q", 1), w("c2", "q", 5), w("c3", "other", 0)} {
			if err := s.Push(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		ws := list(t, s, "q")
		if len(ws) != 2 || ws[0].ConversationID != "c1" || ws[1].ConversationID != "c2" {
			t.Fatalf("queue q lists %+v", ws)
		}
		got, want := ws[1], w("c2", "q", 5)
		if got.Priority != want.Priority || got.CustomerID != want.CustomerID || got.Channel != want.Channel ||
			!got.EnqueuedAt.Equal(want.EnqueuedAt) || !got.TargetSince.Equal(want.TargetSince) || got.PreviousAgent != want.PreviousAgent ||
			len(got.Targets) != 2 || got.Targets[0].Timeout != time.Minute || got.Targets[0].Skills[0] != "senior" || !got.Targets[1].LeaveMessage {
			t.Fatalf("round trip lost data: got %+v, want %+v", got, want)
		}
		if err := s.Remove(ctx, "q", "c1"); err != nil {
			t.Fatal(err)
		}
		if err := s.Remove(ctx, "q", "c1"); !errors.Is(err, routing.ErrNotFound) {
			t.Fatalf("second remove: %v, want ErrNotFound", err)
		}
		if err := s.Remove(ctx, "q", "c3"); !errors.Is(err, routing.ErrNotFound) {
			t.Fatalf("remove from the wrong queue: %v, want ErrNotFound", err)
		}
		if ws := list(t, s, "other"); len(ws) != 1 {
			t.Fatalf("queue other lists %+v", ws)
		}
	})

	t.Run("PushReplaces", func(t *testing.T) {
		s := newStore(t)
		if err := s.Push(ctx, w("c1", "q", 1)); err != nil {
			t.Fatal(err)
		}
		x := w("c1", "q", 9)
		x.Target = 1
		if err := s.Push(ctx, x); err != nil {
			t.Fatal(err)
		}
		ws := list(t, s, "q")
		if len(ws) != 1 || ws[0].Priority != 9 || ws[0].Target != 1 {
			t.Fatalf("after re-push: %+v", ws)
		}
	})

	t.Run("InvalidPush", func(t *testing.T) {
		s := newStore(t)
		if err := s.Push(ctx, routing.Waiting{Queue: "q"}); !errors.Is(err, routing.ErrInvalidRequest) {
			t.Fatalf("push without conversation: %v, want ErrInvalidRequest", err)
		}
		if err := s.Push(ctx, routing.Waiting{ConversationID: "c"}); !errors.Is(err, routing.ErrInvalidRequest) {
			t.Fatalf("push without queue: %v, want ErrInvalidRequest", err)
		}
	})

	t.Run("ConcurrentRemoveClaimsOnce", func(t *testing.T) {
		s := newStore(t)
		const n = 20
		for i := 0; i < n; i++ {
			if err := s.Push(ctx, w(fmt.Sprintf("c%d", i), "q", i)); err != nil {
				t.Fatal(err)
			}
		}
		var claims atomic.Int64
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < n; i++ {
					err := s.Remove(ctx, "q", fmt.Sprintf("c%d", i))
					switch {
					case err == nil:
						claims.Add(1)
					case !errors.Is(err, routing.ErrNotFound):
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		if claims.Load() != n {
			t.Fatalf("%d successful claims, want exactly %d", claims.Load(), n)
		}
		if ws := list(t, s, "q"); len(ws) != 0 {
			t.Fatalf("queue not empty: %+v", ws)
		}
	})
}
