package routing_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/routing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type fixture struct {
	store *routing.MemoryStore
	clk   *clock
	d     *routing.Dispatcher
}

func newFixture(t *testing.T, agents []routing.Agent, queues map[string]routing.QueueConfig) *fixture {
	t.Helper()
	f := &fixture{store: new(routing.MemoryStore), clk: &clock{now: t0}}
	var err error
	f.d, err = routing.NewDispatcher(routing.DispatcherConfig{Store: f.store, Agents: agents, Queues: queues, Now: f.clk.Now})
	require.NoError(t, err)
	return f
}

func (f *fixture) online(t *testing.T, ids ...string) {
	t.Helper()
	for _, id := range ids {
		require.NoError(t, f.store.SetPresence(context.Background(), id, routing.Online, f.clk.Now()))
	}
}

func (f *fixture) route(t *testing.T, conv string, targets ...routing.Target) routing.Result {
	t.Helper()
	r, err := f.d.Route(context.Background(), routing.Waiting{ConversationID: conv, Channel: "wx", Targets: targets})
	require.NoError(t, err)
	return r
}

func (f *fixture) load(t *testing.T, id string) int {
	t.Helper()
	st, err := f.store.AgentStates(context.Background(), []string{id})
	require.NoError(t, err)
	return st[0].Load
}

func q(name string) routing.Target { return routing.Target{Queue: name} }

func TestStrategies(t *testing.T) {
	ctx := context.Background()
	agents := []routing.Agent{
		{ID: "a", Queues: []string{"g"}, Capacity: 10},
		{ID: "b", Queues: []string{"g"}, Capacity: 10},
		{ID: "c", Queues: []string{"g"}, Capacity: 10},
	}
	t.Run("LeastLoaded", func(t *testing.T) {
		f := newFixture(t, agents, nil)
		f.online(t, "a", "b", "c")
		got := map[string]int{}
		for i := 0; i < 9; i++ {
			r := f.route(t, fmt.Sprintf("c%d", i), q("g"))
			require.Equal(t, routing.OutcomeAssigned, r.Outcome)
			got[r.AgentID]++
		}
		assert.Equal(t, map[string]int{"a": 3, "b": 3, "c": 3}, got, "load is balanced (chatwoot#11034)")
	})
	t.Run("RoundRobin", func(t *testing.T) {
		f := newFixture(t, agents, map[string]routing.QueueConfig{"g": {Strategy: routing.RoundRobin}})
		f.online(t, "a", "b", "c")
		var seq []string
		for i := 0; i < 6; i++ {
			seq = append(seq, f.route(t, fmt.Sprintf("c%d", i), q("g")).AgentID)
		}
		assert.Equal(t, []string{"a", "b", "c", "a", "b", "c"}, seq)
	})
	t.Run("RoundRobinSkipsFullAgents", func(t *testing.T) {
		small := []routing.Agent{{ID: "a", Queues: []string{"g"}, Capacity: 1}, {ID: "b", Queues: []string{"g"}, Capacity: 5}}
		f := newFixture(t, small, map[string]routing.QueueConfig{"g": {Strategy: routing.RoundRobin}})
		f.online(t, "a", "b")
		var seq []string
		for i := 0; i < 4; i++ {
			seq = append(seq, f.route(t, fmt.Sprintf("c%d", i), q("g")).AgentID)
		}
		assert.Equal(t, []string{"a", "b", "b", "b"}, seq)
	})
	t.Run("LongestIdle", func(t *testing.T) {
		f := newFixture(t, agents, map[string]routing.QueueConfig{"g": {Strategy: routing.LongestIdle}})
		f.online(t, "c")
		f.clk.Advance(time.Minute)
		f.online(t, "a")
		f.clk.Advance(time.Minute)
		f.online(t, "b")
		var seq []string
		for i := 0; i < 4; i++ {
			seq = append(seq, f.route(t, fmt.Sprintf("c%d", i), q("g")).AgentID)
			f.clk.Advance(time.Second)
		}
		// Free agents by idle time, then busy agents by oldest assignment.
		assert.Equal(t, []string{"c", "a", "b", "c"}, seq)
		require.NoError(t, f.store.Release(ctx, "b", "c2", f.clk.Now()))
		assert.Equal(t, "b", f.route(t, "c9", q("g")).AgentID, "b is the only free agent")
	})
	t.Run("SkillMatch", func(t *testing.T) {
		skilled := []routing.Agent{
			{ID: "generalist", Queues: []string{"g"}, Skills: []string{"english", "senior", "billing"}, Capacity: 5},
			{ID: "specialist", Queues: []string{"g"}, Skills: []string{"english"}, Capacity: 5},
			{ID: "other", Queues: []string{"g"}, Capacity: 5},
		}
		f := newFixture(t, skilled, map[string]routing.QueueConfig{"g": {Strategy: routing.SkillMatch}})
		f.online(t, "generalist", "specialist", "other")
		r := f.route(t, "c1", routing.Target{Queue: "g", Skills: []string{"english"}})
		assert.Equal(t, "specialist", r.AgentID, "best fit keeps the generalist free")
		r = f.route(t, "c2", routing.Target{Queue: "g", Skills: []string{"billing"}})
		assert.Equal(t, "generalist", r.AgentID, "only agent with the skill")
	})
	t.Run("Sticky", func(t *testing.T) {
		f := newFixture(t, agents, map[string]routing.QueueConfig{"g": {Sticky: true}})
		f.online(t, "a", "b", "c")
		f.route(t, "x1", q("g"))
		f.route(t, "x2", q("g"))
		f.route(t, "x3", q("g"))
		r, err := f.d.Route(ctx, routing.Waiting{ConversationID: "c1", Targets: []routing.Target{q("g")}, PreviousAgent: "b"})
		require.NoError(t, err)
		assert.Equal(t, "b", r.AgentID, "previous agent first even though equally loaded agents sort before")
		require.NoError(t, f.store.SetPresence(ctx, "b", routing.Away, f.clk.Now()))
		r, err = f.d.Route(ctx, routing.Waiting{ConversationID: "c2", Targets: []routing.Target{q("g")}, PreviousAgent: "b"})
		require.NoError(t, err)
		assert.NotEqual(t, "b", r.AgentID, "sticky only while the agent is online (chatwoot#9587)")
		assert.Equal(t, routing.OutcomeAssigned, r.Outcome)
	})
}

func vipChain() []routing.Target {
	return []routing.Target{
		{Queue: "vip", Timeout: 60 * time.Second, Skills: []string{"senior"}},
		{Queue: "general"},
		{LeaveMessage: true},
	}
}

var vipAgents = []routing.Agent{
	{ID: "senior1", Queues: []string{"vip", "general"}, Skills: []string{"senior"}, Capacity: 1},
	{ID: "junior1", Queues: []string{"vip", "general"}, Capacity: 1},
	{ID: "junior2", Queues: []string{"general"}, Capacity: 1},
}

func TestTargetsSkipTimeoutAndLeaveMessage(t *testing.T) {
	ctx := context.Background()
	t.Run("SkipWhenNobodyOnline", func(t *testing.T) {
		f := newFixture(t, vipAgents, nil)
		f.online(t, "junior1") // no senior online
		r := f.route(t, "c1", vipChain()...)
		assert.Equal(t, routing.OutcomeAssigned, r.Outcome)
		assert.Equal(t, "junior1", r.AgentID)
		assert.Equal(t, "general", r.Queue)
		assert.Equal(t, 1, r.Waiting.Target)
		assert.Contains(t, r.Notes[0], `skipped "vip": nobody online with skills ["senior"]`)
	})
	t.Run("SeniorFirst", func(t *testing.T) {
		f := newFixture(t, vipAgents, nil)
		f.online(t, "senior1", "junior1", "junior2")
		r := f.route(t, "c1", vipChain()...)
		assert.Equal(t, "senior1", r.AgentID)
		assert.Equal(t, "vip", r.Queue)
	})
	t.Run("WaitThenEscalate", func(t *testing.T) {
		f := newFixture(t, vipAgents, nil)
		f.online(t, "senior1", "junior2")
		require.Equal(t, "senior1", f.route(t, "busy", vipChain()...).AgentID)
		r := f.route(t, "c1", vipChain()...)
		require.Equal(t, routing.OutcomeQueued, r.Outcome, "senior at capacity: hold, do not force")
		assert.Equal(t, "vip", r.Queue)
		ws, err := f.store.Waiting(ctx, "vip")
		require.NoError(t, err)
		require.Len(t, ws, 1)

		f.clk.Advance(59 * time.Second)
		res, err := f.d.Drain(ctx, "vip")
		require.NoError(t, err)
		assert.Empty(t, res, "still within the 60 s")

		f.clk.Advance(time.Second)
		res, err = f.d.Drain(ctx, "vip")
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, routing.OutcomeAssigned, res[0].Outcome)
		assert.Equal(t, "junior2", res[0].AgentID)
		assert.Equal(t, "general", res[0].Queue)
		ws, err = f.store.Waiting(ctx, "vip")
		require.NoError(t, err)
		assert.Empty(t, ws)
	})
	t.Run("EscalateIntoHoldingThenLeaveMessage", func(t *testing.T) {
		chain := []routing.Target{{Queue: "vip", Timeout: time.Minute}, {Queue: "general", Timeout: 5 * time.Minute}, {LeaveMessage: true}}
		f := newFixture(t, vipAgents, nil)
		f.online(t, "junior1", "junior2")
		f.route(t, "b1", q("general"))
		f.route(t, "b2", q("general"))
		r := f.route(t, "c1", chain...)
		require.Equal(t, routing.OutcomeQueued, r.Outcome)
		assert.Equal(t, "vip", r.Queue)
		f.clk.Advance(time.Minute)
		res, err := f.d.Tick(ctx)
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, routing.OutcomeQueued, res[0].Outcome)
		assert.Equal(t, "general", res[0].Queue)
		ws, _ := f.store.Waiting(ctx, "general")
		require.Len(t, ws, 1)
		assert.Equal(t, f.clk.Now(), ws[0].TargetSince)
		f.clk.Advance(5 * time.Minute)
		res, err = f.d.Tick(ctx)
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, routing.OutcomeLeaveMessage, res[0].Outcome)
		ws, _ = f.store.Waiting(ctx, "general")
		assert.Empty(t, ws)
	})
	t.Run("EveryoneOffline", func(t *testing.T) {
		f := newFixture(t, vipAgents, nil)
		r := f.route(t, "c1", vipChain()...)
		assert.Equal(t, routing.OutcomeLeaveMessage, r.Outcome)
		assert.Len(t, r.Notes, 3)
	})
	t.Run("InvalidRequests", func(t *testing.T) {
		f := newFixture(t, vipAgents, nil)
		_, err := f.d.Route(ctx, routing.Waiting{ConversationID: "c"})
		assert.ErrorIs(t, err, routing.ErrInvalidRequest)
		_, err = f.d.Route(ctx, routing.Waiting{Targets: vipChain()})
		assert.ErrorIs(t, err, routing.ErrInvalidRequest)
	})
}

func TestHoldingQueuePriorityAgeing(t *testing.T) {
	ctx := context.Background()
	agents := []routing.Agent{{ID: "a", Queues: []string{"g"}, Capacity: 1}}
	setup := func(t *testing.T) *fixture {
		f := newFixture(t, agents, nil)
		f.online(t, "a")
		require.Equal(t, routing.OutcomeAssigned, f.route(t, "busy", q("g")).Outcome)
		return f
	}
	t.Run("VIPFirst", func(t *testing.T) {
		f := setup(t)
		_, err := f.d.Route(ctx, routing.Waiting{ConversationID: "normal", Targets: []routing.Target{q("g")}})
		require.NoError(t, err)
		f.clk.Advance(5 * time.Minute)
		_, err = f.d.Route(ctx, routing.Waiting{ConversationID: "vip", Priority: 10, Targets: []routing.Target{q("g")}})
		require.NoError(t, err)
		f.clk.Advance(time.Minute)
		require.NoError(t, f.store.Release(ctx, "a", "busy", f.clk.Now()))
		res, err := f.d.Drain(ctx, "g")
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, "vip", res[0].Waiting.ConversationID, "10+1 beats 0+6")
		assert.Equal(t, 11, f.d.EffectivePriority(routing.Waiting{Priority: 10, EnqueuedAt: t0}, t0.Add(11*time.Minute+30*time.Second))-10)
	})
	t.Run("NobodyWaitsForever", func(t *testing.T) {
		f := setup(t)
		_, err := f.d.Route(ctx, routing.Waiting{ConversationID: "normal", Targets: []routing.Target{q("g")}})
		require.NoError(t, err)
		f.clk.Advance(15 * time.Minute)
		_, err = f.d.Route(ctx, routing.Waiting{ConversationID: "vip", Priority: 10, Targets: []routing.Target{q("g")}})
		require.NoError(t, err)
		f.clk.Advance(time.Minute)
		require.NoError(t, f.store.Release(ctx, "a", "busy", f.clk.Now()))
		res, err := f.d.Drain(ctx, "g")
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, "normal", res[0].Waiting.ConversationID, "0+16 beats 10+1")
		ws, _ := f.store.Waiting(ctx, "g")
		require.Len(t, ws, 1)
		assert.Equal(t, "vip", ws[0].ConversationID)
	})
}

func TestFairnessAndChannelCapacity(t *testing.T) {
	t.Run("FairnessCap", func(t *testing.T) {
		agents := []routing.Agent{{ID: "fast", Queues: []string{"g"}, Capacity: 10}, {ID: "slow", Queues: []string{"g"}, Capacity: 10}}
		f := newFixture(t, agents, map[string]routing.QueueConfig{"g": {Strategy: routing.LongestIdle, FairnessLimit: 2, FairnessWindow: time.Hour}})
		f.online(t, "fast")
		f.clk.Advance(time.Second)
		f.online(t, "slow")
		got := map[string]int{}
		for i := 0; i < 5; i++ {
			r := f.route(t, fmt.Sprintf("c%d", i), q("g"))
			if r.Outcome == routing.OutcomeAssigned {
				got[r.AgentID]++
				require.NoError(t, f.store.Release(context.Background(), r.AgentID, fmt.Sprintf("c%d", i), f.clk.Now()))
			} else {
				assert.Equal(t, routing.OutcomeQueued, r.Outcome)
			}
			f.clk.Advance(time.Second)
		}
		assert.Equal(t, map[string]int{"fast": 2, "slow": 2}, got)
	})
	t.Run("PerChannel", func(t *testing.T) {
		agents := []routing.Agent{{ID: "a", Queues: []string{"g"}, Capacity: 3, ChannelCapacity: map[string]int{"wx": 1}}}
		f := newFixture(t, agents, nil)
		f.online(t, "a")
		assert.Equal(t, routing.OutcomeAssigned, f.route(t, "c1", q("g")).Outcome)
		assert.Equal(t, routing.OutcomeQueued, f.route(t, "c2", q("g")).Outcome)
		r, err := f.d.Route(context.Background(), routing.Waiting{ConversationID: "c3", Channel: "web", Targets: []routing.Target{q("g")}})
		require.NoError(t, err)
		assert.Equal(t, routing.OutcomeAssigned, r.Outcome)
	})
}

func TestConcurrentRoutingNeverExceedsCapacity(t *testing.T) {
	agents := []routing.Agent{
		{ID: "a", Queues: []string{"g"}, Capacity: 2},
		{ID: "b", Queues: []string{"g"}, Capacity: 3},
		{ID: "c", Queues: []string{"g"}, Capacity: 1},
	}
	f := newFixture(t, agents, map[string]routing.QueueConfig{"g": {Strategy: routing.RoundRobin}})
	f.online(t, "a", "b", "c")
	var mu sync.Mutex
	outcomes := map[routing.Outcome]int{}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				r, err := f.d.Route(context.Background(), routing.Waiting{ConversationID: fmt.Sprintf("g%d-%d", g, i), Targets: []routing.Target{q("g")}})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				outcomes[r.Outcome]++
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
	assert.Equal(t, 6, outcomes[routing.OutcomeAssigned])
	assert.Equal(t, 74, outcomes[routing.OutcomeQueued])
	assert.Equal(t, 2, f.load(t, "a"))
	assert.Equal(t, 3, f.load(t, "b"))
	assert.Equal(t, 1, f.load(t, "c"))
}

func TestReplicasDrainingClaimOnce(t *testing.T) {
	ctx := context.Background()
	store := new(routing.MemoryStore)
	agents := []routing.Agent{{ID: "a", Queues: []string{"g"}, Capacity: 20}, {ID: "b", Queues: []string{"g"}, Capacity: 20}}
	clk := &clock{now: t0}
	var replicas []*routing.Dispatcher
	for i := 0; i < 4; i++ {
		d, err := routing.NewDispatcher(routing.DispatcherConfig{Store: store, Agents: agents, Now: clk.Now})
		require.NoError(t, err)
		replicas = append(replicas, d)
	}
	// Fill the holding queue while everyone is offline but one busy agent.
	for i := 0; i < 30; i++ {
		require.NoError(t, store.Push(ctx, routing.Waiting{ConversationID: fmt.Sprintf("c%d", i), Queue: "g", EnqueuedAt: t0, TargetSince: t0, Targets: []routing.Target{q("g")}}))
	}
	require.NoError(t, store.SetPresence(ctx, "a", routing.Online, t0))
	require.NoError(t, store.SetPresence(ctx, "b", routing.Online, t0))
	var mu sync.Mutex
	assigned := map[string]string{}
	var wg sync.WaitGroup
	for _, d := range replicas {
		wg.Add(1)
		go func(d *routing.Dispatcher) {
			defer wg.Done()
			res, err := d.Drain(ctx, "g")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range res {
				if r.Outcome == routing.OutcomeAssigned {
					if prev, dup := assigned[r.Waiting.ConversationID]; dup {
						t.Errorf("conversation %s assigned twice (%s, %s)", r.Waiting.ConversationID, prev, r.AgentID)
					}
					assigned[r.Waiting.ConversationID] = r.AgentID
				}
			}
		}(d)
	}
	wg.Wait()
	st, err := store.AgentStates(ctx, []string{"a", "b"})
	require.NoError(t, err)
	assert.Len(t, assigned, 30)
	assert.Equal(t, 30, st[0].Load+st[1].Load, "losers released their tentative assignments")
	ws, err := store.Waiting(ctx, "g")
	require.NoError(t, err)
	assert.Empty(t, ws)
}

func TestNewDispatcherValidation(t *testing.T) {
	s := new(routing.MemoryStore)
	bad := []routing.DispatcherConfig{
		{},
		{Store: s, Agents: []routing.Agent{{}}},
		{Store: s, Agents: []routing.Agent{{ID: "a"}, {ID: "a"}}},
		{Store: s, Agents: []routing.Agent{{ID: "a", Capacity: -1}}},
		{Store: s, Queues: map[string]routing.QueueConfig{"g": {Strategy: "random"}}},
		{Store: s, Queues: map[string]routing.QueueConfig{"g": {FairnessLimit: 3}}},
	}
	for i, cfg := range bad {
		_, err := routing.NewDispatcher(cfg)
		assert.ErrorIs(t, err, routing.ErrInvalidRequest, "config #%d", i)
	}
}

func TestNewcomersDoNotJumpTheQueue(t *testing.T) {
	ctx := context.Background()
	t.Run("WaitBehindHigherRanked", func(t *testing.T) {
		f := newFixture(t, []routing.Agent{{ID: "a", Queues: []string{"g"}, Capacity: 1}}, nil)
		f.online(t, "a")
		require.Equal(t, routing.OutcomeAssigned, f.route(t, "busy", q("g")).Outcome)
		require.Equal(t, routing.OutcomeQueued, f.route(t, "first", q("g")).Outcome)
		f.clk.Advance(time.Second)
		// Capacity frees up, but the host has not drained the queue yet.
		require.NoError(t, f.store.Release(ctx, "a", "busy", f.clk.Now()))
		r := f.route(t, "late", q("g"))
		require.Equal(t, routing.OutcomeQueued, r.Outcome, "a newcomer must not take the slot of a conversation waiting before it")
		assert.Contains(t, r.Notes[len(r.Notes)-1], "behind 1 waiting conversation(s)")
		res, err := f.d.Drain(ctx, "g")
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, "first", res[0].Waiting.ConversationID)
		assert.Equal(t, routing.OutcomeAssigned, res[0].Outcome)

		// A VIP newcomer outranks the waiting conversation and goes first.
		require.NoError(t, f.store.Release(ctx, "a", "first", f.clk.Now()))
		vip, err := f.d.Route(ctx, routing.Waiting{ConversationID: "vip", Priority: 10, Targets: []routing.Target{q("g")}})
		require.NoError(t, err)
		assert.Equal(t, routing.OutcomeAssigned, vip.Outcome)
		ws, err := f.store.Waiting(ctx, "g")
		require.NoError(t, err)
		require.Len(t, ws, 1)
		assert.Equal(t, "late", ws[0].ConversationID)
	})
	t.Run("BlockedConversationsDoNotHoldOthersBack", func(t *testing.T) {
		// "wx-2" waits because the agent's wx channel is full; a web
		// conversation may still take the free capacity, at once and in Drain.
		f := newFixture(t, []routing.Agent{{ID: "a", Queues: []string{"g"}, Capacity: 3, ChannelCapacity: map[string]int{"wx": 1}}}, nil)
		f.online(t, "a")
		require.Equal(t, routing.OutcomeAssigned, f.route(t, "wx-1", q("g")).Outcome)
		require.Equal(t, routing.OutcomeQueued, f.route(t, "wx-2", q("g")).Outcome)
		r, err := f.d.Route(ctx, routing.Waiting{ConversationID: "web-1", Channel: "web", Targets: []routing.Target{q("g")}})
		require.NoError(t, err)
		assert.Equal(t, routing.OutcomeAssigned, r.Outcome)
		res, err := f.d.Drain(ctx, "g")
		require.NoError(t, err)
		assert.Empty(t, res, "wx-2 still cannot be served")
	})
}

// countingStore counts QueueStore.Waiting calls.
type countingStore struct {
	*routing.MemoryStore
	waiting int
}

func (s *countingStore) Waiting(ctx context.Context, queue string) ([]routing.Waiting, error) {
	s.waiting++
	return s.MemoryStore.Waiting(ctx, queue)
}

func TestRouteReadsTheHoldingQueueOnlyWithFreeCapacity(t *testing.T) {
	ctx := context.Background()
	s := &countingStore{MemoryStore: new(routing.MemoryStore)}
	d, err := routing.NewDispatcher(routing.DispatcherConfig{Store: s, Agents: []routing.Agent{{ID: "a", Queues: []string{"g"}, Capacity: 1}}, Now: func() time.Time { return t0 }})
	require.NoError(t, err)
	require.NoError(t, s.SetPresence(ctx, "a", routing.Online, t0))
	r, err := d.Route(ctx, routing.Waiting{ConversationID: "c0", Targets: []routing.Target{q("g")}})
	require.NoError(t, err)
	require.Equal(t, routing.OutcomeAssigned, r.Outcome)
	assert.Equal(t, 1, s.waiting, "free capacity: look for conversations waiting ahead")
	for i := 1; i <= 5; i++ {
		r, err := d.Route(ctx, routing.Waiting{ConversationID: fmt.Sprintf("c%d", i), Targets: []routing.Target{q("g")}})
		require.NoError(t, err)
		require.Equal(t, routing.OutcomeQueued, r.Outcome)
	}
	assert.Equal(t, 1, s.waiting, "no free capacity: the holding queue is not read")
}
