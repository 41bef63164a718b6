package routing_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/routing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRouterSwapWhileDeciding swaps rule sets continuously while many
// goroutines decide (run with -race): every decision comes wholly from one
// rule set, and both rule sets are seen.
func TestRouterSwapWhileDeciding(t *testing.T) {
	var rt routing.Router
	_, err := rt.Decide(routing.Input{Text: "退款"})
	require.ErrorIs(t, err, routing.ErrNoRuleSet)

	// Two rule sets that decide the same message differently in every field,
	// so a decision mixing them would show.
	a := mustCompile(t, routing.Config{Name: "a", Rules: []routing.Rule{
		{Name: "ra", When: routing.AnyKeyword("退款"), Then: routing.Action{Queue: "qa", Priority: 1}},
		rule("other-a", 5, routing.AnyKeyword("加盟"), "franchise"),
	}}, routing.Env{})
	b := mustCompile(t, routing.Config{Name: "b", Mode: routing.CollectAll, Rules: []routing.Rule{
		rule("rb", 0, routing.Keywords(routing.AllOf, routing.Contains, "我要", "退款"), "qb"),
		{Name: "tag-b", Priority: -1, When: routing.Condition{}, Then: routing.Action{Priority: 2, AddTags: []string{"b"}}},
	}}, routing.Env{})
	rt.Store(a)

	const deciders = 16
	var (
		wg      sync.WaitGroup
		stop    atomic.Bool
		seen    [2]atomic.Int64
		started sync.WaitGroup
	)
	started.Add(deciders)
	for g := 0; g < deciders; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			for i := 0; !stop.Load() || i < 50; i++ {
				d, err := rt.Decide(routing.Input{Text: "我要退款"})
				if err != nil {
					t.Error(err)
					return
				}
				switch {
				case d.RuleSet == "a" && d.Rule() == "ra" && d.Queue() == "qa" && d.Action.Priority == 1 && len(d.Matched) == 1:
					seen[0].Add(1)
				case d.RuleSet == "b" && d.Rule() == "rb" && d.Queue() == "qb" && d.Action.Priority == 2 && len(d.Matched) == 2:
					seen[1].Add(1)
				default:
					t.Errorf("torn decision %+v", d)
					return
				}
			}
		}()
	}
	started.Wait()
	// Swap while the deciders run, until both rule sets were seen often.
	deadline := time.Now().Add(10 * time.Second)
	for i := 0; i < 1000 || (time.Now().Before(deadline) && (seen[0].Load() < 20 || seen[1].Load() < 20)); i++ {
		if i%2 == 0 {
			rt.Swap(b)
		} else {
			rt.Swap(a)
		}
		runtime.Gosched()
	}
	stop.Store(true)
	wg.Wait()
	assert.Greater(t, seen[0].Load(), int64(0), "decisions by rule set a")
	assert.Greater(t, seen[1].Load(), int64(0), "decisions by rule set b")
	rt.Store(a)
	assert.Same(t, a, rt.Swap(nil))
	assert.Nil(t, rt.RuleSet())
	_, err = rt.Decide(routing.Input{Text: "退款"})
	assert.ErrorIs(t, err, routing.ErrNoRuleSet, "a nil Store unloads the rule set")
}
