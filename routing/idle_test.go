package routing_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/routing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serve opens customer's conversation at f's clock, queues it in queue and
// routes it; it returns the stored conversation (serving or queued).
func (f *fixture) serve(t *testing.T, customer, queue string) routing.Conversation {
	t.Helper()
	ctx := context.Background()
	now := f.clk.Now()
	c, err := routing.OpenConversation(ctx, f.store, customer, "wx", now)
	require.NoError(t, err)
	c, err = c.Enqueue(queue, now)
	require.NoError(t, err)
	res, err := f.d.Route(ctx, routing.Waiting{ConversationID: c.ID, CustomerID: customer, Channel: c.Channel, Targets: []routing.Target{q(queue)}})
	require.NoError(t, err)
	if res.Outcome == routing.OutcomeAssigned {
		c, _, err = c.Assign(res.AgentID, now)
		require.NoError(t, err)
	} else {
		require.Equal(t, routing.OutcomeQueued, res.Outcome)
	}
	c, err = f.store.UpdateConversation(ctx, c)
	require.NoError(t, err)
	return c
}

func (f *fixture) waiting(t *testing.T, queue string) []string {
	t.Helper()
	ws, err := f.store.Waiting(context.Background(), queue)
	require.NoError(t, err)
	var ids []string
	for _, w := range ws {
		ids = append(ids, w.ConversationID)
	}
	return ids
}

func isOpen(t *testing.T, s routing.ConversationStore, id string) bool {
	t.Helper()
	_, err := s.Conversation(context.Background(), id)
	if errors.Is(err, routing.ErrNotFound) {
		return false
	}
	require.NoError(t, err)
	return true
}

func TestSweepIdleClosesOnlyIdleAndFreesCapacity(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, []routing.Agent{{ID: "a", Queues: []string{"g"}, Capacity: 1}}, nil)
	f.online(t, "a")
	served := f.serve(t, "served", "g") // t0: a is now at capacity
	require.Equal(t, routing.StateServing, served.State)
	held := f.serve(t, "held", "g") // t0: waits, a is full
	require.Equal(t, routing.StateQueued, held.State)
	require.Equal(t, []string{held.ID}, f.waiting(t, "g"))
	bot, err := routing.OpenConversation(ctx, f.store, "bot", "wx", t0)
	require.NoError(t, err)

	f.clk.Advance(20 * time.Minute)
	fresh := f.serve(t, "fresh", "g") // t0+20m: waits too
	require.Equal(t, routing.StateQueued, fresh.State)

	now := t0.Add(30 * time.Minute)
	closed, err := routing.SweepIdle(ctx, f.store, f.d, now, 30*time.Minute, 10)
	require.NoError(t, err)
	var ids []string
	for _, c := range closed {
		ids = append(ids, c.ID)
		assert.Equal(t, routing.StateClosed, c.State)
		assert.Equal(t, routing.IdleReason, c.CloseReason)
		assert.Equal(t, now, c.ClosedAt)
	}
	assert.ElementsMatch(t, []string{served.ID, held.ID, bot.ID}, ids, "idle for exactly the timeout is idle")
	for _, id := range ids {
		assert.False(t, isOpen(t, f.store, id), id)
	}
	assert.True(t, isOpen(t, f.store, fresh.ID), "active 10 minutes ago")

	assert.Equal(t, 0, f.load(t, "a"), "the idle conversation's agent is released")
	assert.Equal(t, []string{fresh.ID}, f.waiting(t, "g"), "the idle queued conversation left the queue")
	rs, err := f.d.Drain(ctx, "g")
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, routing.OutcomeAssigned, rs[0].Outcome, "the freed capacity serves the waiting one")
	assert.Equal(t, fresh.ID, rs[0].Waiting.ConversationID)

	closed, err = routing.SweepIdle(ctx, f.store, f.d, now, 30*time.Minute, 10)
	require.NoError(t, err)
	assert.Empty(t, closed, "a second sweep finds nothing")
}

func TestSweepIdleLimitOldestFirst(t *testing.T) {
	ctx := context.Background()
	s := new(routing.MemoryStore)
	for i, cust := range []string{"c", "a", "b"} {
		_, err := routing.OpenConversation(ctx, s, cust, "wx", t0.Add(time.Duration(map[string]int{"a": 1, "b": 2, "c": 3}[cust])*time.Minute))
		require.NoError(t, err, i)
	}
	closed, err := routing.SweepIdle(ctx, s, nil, t0.Add(time.Hour), time.Minute, 2)
	require.NoError(t, err)
	require.Len(t, closed, 2)
	assert.Equal(t, "a", closed[0].CustomerID)
	assert.Equal(t, "b", closed[1].CustomerID)
	assert.True(t, isOpen(t, s, routing.ConversationKey("c", "wx")))
}

// writeWhileListing simulates a customer writing to a conversation between
// the sweeper's listing and its update.
type writeWhileListing struct {
	*routing.MemoryStore
	customer string
	at       time.Time
}

func (s *writeWhileListing) IdleConversations(ctx context.Context, before time.Time, limit int) ([]routing.Conversation, error) {
	out, err := s.MemoryStore.IdleConversations(ctx, before, limit)
	if err != nil {
		return nil, err
	}
	c, err := s.Conversation(ctx, routing.ConversationKey(s.customer, "wx"))
	if err != nil {
		return nil, err
	}
	c, err = c.Append(routing.Entry{From: routing.SenderCustomer, Text: "我还在"}, s.at)
	if err != nil {
		return nil, err
	}
	_, err = s.UpdateConversation(ctx, c)
	return out, err
}

func TestSweepIdleSkipsConversationWrittenMeanwhile(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, []routing.Agent{{ID: "a", Queues: []string{"g"}, Capacity: 2}}, nil)
	f.online(t, "a")
	busy := f.serve(t, "busy", "g")
	quiet := f.serve(t, "quiet", "g")
	require.Equal(t, 2, f.load(t, "a"))
	now := t0.Add(time.Hour)
	s := &writeWhileListing{MemoryStore: f.store, customer: "busy", at: now}

	closed, err := routing.SweepIdle(ctx, s, f.d, now, 30*time.Minute, 10)
	require.NoError(t, err, "a conflict is not a failure")
	require.Len(t, closed, 1)
	assert.Equal(t, quiet.ID, closed[0].ID)
	assert.True(t, isOpen(t, f.store, busy.ID), "the customer just wrote")
	assert.Equal(t, 1, f.load(t, "a"), "only the closed conversation's load is released")
}

// countingRelease counts Release calls and can fail them.
type countingRelease struct {
	*routing.MemoryStore
	releases atomic.Int64
	fail     error
}

func (s *countingRelease) Release(ctx context.Context, agentID, conversationID string, now time.Time) error {
	s.releases.Add(1)
	if s.fail != nil {
		return s.fail
	}
	return s.MemoryStore.Release(ctx, agentID, conversationID, now)
}

func TestConcurrentSweepersReleaseOnce(t *testing.T) {
	ctx := context.Background()
	const agents, perAgent, waiting = 4, 3, 6
	var roster []routing.Agent
	var ids []string
	for i := 0; i < agents; i++ {
		id := string(rune('a' + i))
		ids = append(ids, id)
		roster = append(roster, routing.Agent{ID: id, Queues: []string{"g"}, Capacity: perAgent})
	}
	store := &countingRelease{MemoryStore: new(routing.MemoryStore)}
	clk := &clock{now: t0}
	var disps [3]*routing.Dispatcher
	for i := range disps {
		d, err := routing.NewDispatcher(routing.DispatcherConfig{Store: store, Agents: roster, Now: clk.Now})
		require.NoError(t, err)
		disps[i] = d
	}
	f := &fixture{store: store.MemoryStore, clk: clk, d: disps[0]}
	f.online(t, ids...)
	for i := 0; i < agents*perAgent+waiting; i++ {
		f.serve(t, "cust-"+string(rune('A'+i)), "g")
	}
	for _, id := range ids {
		require.Equal(t, perAgent, f.load(t, id))
	}
	require.Len(t, f.waiting(t, "g"), waiting)

	now := t0.Add(time.Hour)
	const sweepers = 8
	var wg sync.WaitGroup
	results := make([][]routing.Conversation, sweepers)
	for g := 0; g < sweepers; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for {
				closed, err := routing.SweepIdle(ctx, store, disps[g%len(disps)], now, time.Minute, 5)
				if err != nil {
					t.Error(err)
					return
				}
				if len(closed) == 0 {
					return
				}
				results[g] = append(results[g], closed...)
			}
		}(g)
	}
	wg.Wait()
	seen := make(map[string]int)
	for _, rs := range results {
		for _, c := range rs {
			seen[c.ID]++
		}
	}
	assert.Len(t, seen, agents*perAgent+waiting, "every idle conversation is closed")
	for id, n := range seen {
		assert.Equal(t, 1, n, "%s closed by one sweeper only", id)
	}
	assert.Equal(t, int64(agents*perAgent), store.releases.Load(), "each serving conversation released exactly once")
	for _, id := range ids {
		assert.Equal(t, 0, f.load(t, id), id)
	}
	assert.Empty(t, f.waiting(t, "g"))
}

func TestSweepIdleReportsFailedRelease(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("store down")
	store := &countingRelease{MemoryStore: new(routing.MemoryStore)}
	clk := &clock{now: t0}
	d, err := routing.NewDispatcher(routing.DispatcherConfig{Store: store, Agents: []routing.Agent{{ID: "a", Queues: []string{"g"}, Capacity: 2}}, Now: clk.Now})
	require.NoError(t, err)
	f := &fixture{store: store.MemoryStore, clk: clk, d: d}
	f.online(t, "a")
	f.serve(t, "one", "g")
	f.serve(t, "two", "g")
	store.fail = boom

	closed, err := routing.SweepIdle(ctx, store, d, t0.Add(time.Hour), time.Minute, 10)
	require.Len(t, closed, 2, "both are closed even though releasing failed")
	require.ErrorIs(t, err, boom)
	var se *routing.SweepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "a", se.Conversation.AgentID)
	assert.Equal(t, routing.StateClosed, se.Conversation.State)
	var failed []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		require.ErrorAs(t, e, &se)
		failed = append(failed, se.Conversation.CustomerID)
	}
	assert.ElementsMatch(t, []string{"one", "two"}, failed, "every failure is reported")
	assert.Equal(t, 2, f.load(t, "a"))

	store.fail = nil
	require.NoError(t, d.FreeConversation(ctx, se.Conversation), "the host retries")
	assert.Equal(t, 1, f.load(t, "a"))
	require.NoError(t, d.FreeConversation(ctx, se.Conversation), "freeing twice is harmless")
	assert.Equal(t, 1, f.load(t, "a"))
}

// onlyConversations hides MemoryStore's IdleLister.
type onlyConversations struct{ routing.ConversationStore }

func TestSweepIdleArguments(t *testing.T) {
	ctx := context.Background()
	s := new(routing.MemoryStore)
	_, err := routing.SweepIdle(ctx, onlyConversations{s}, nil, t0, time.Minute, 10)
	assert.ErrorIs(t, err, errors.ErrUnsupported)
	_, err = routing.SweepIdle(ctx, s, nil, t0, 0, 10)
	assert.ErrorIs(t, err, routing.ErrInvalidRequest)
	_, err = routing.SweepIdle(ctx, s, nil, t0, time.Minute, 0)
	assert.ErrorIs(t, err, routing.ErrInvalidRequest)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = routing.SweepIdle(cancelled, s, nil, t0, time.Minute, 10)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestFreeConversationFindsEntryMovedToAnotherQueue(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, []routing.Agent{
		{ID: "v", Queues: []string{"vip"}, Capacity: 1},
		{ID: "g", Queues: []string{"general"}, Capacity: 1},
	}, nil)
	f.online(t, "v", "g")
	f.route(t, "other-vip", q("vip"))
	f.route(t, "other-general", q("general"))
	c, err := routing.OpenConversation(ctx, f.store, "cust", "wx", t0)
	require.NoError(t, err)
	c, err = c.Enqueue("vip", t0)
	require.NoError(t, err)
	c, err = f.store.UpdateConversation(ctx, c)
	require.NoError(t, err)
	// The chain moved it on to "general" after its vip timeout; the host's
	// record still says "vip".
	res, err := f.d.Route(ctx, routing.Waiting{ConversationID: c.ID, Channel: "wx", Targets: []routing.Target{
		{Queue: "vip", Timeout: time.Minute}, q("general"),
	}, TargetSince: t0.Add(-time.Hour)})
	require.NoError(t, err)
	require.Equal(t, routing.OutcomeQueued, res.Outcome)
	require.Equal(t, "general", res.Queue)

	closed, err := routing.SweepIdle(ctx, f.store, f.d, t0.Add(time.Hour), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, closed, 1)
	assert.Empty(t, f.waiting(t, "general"))
	assert.Empty(t, f.waiting(t, "vip"))
	assert.Equal(t, 1, f.load(t, "v"), "other assignments untouched")
	assert.Equal(t, 1, f.load(t, "g"))
}
