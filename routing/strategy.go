package routing

import (
	"context"
	"sort"
	"time"
)

// Strategy chooses among the eligible online agents of a queue.
type Strategy string

// Strategies. Every strategy considers only online agents with the target's
// skills, and tries them in its order until one accepts within its limits.
const (
	// LeastLoaded prefers the agent holding the fewest conversations, then
	// the one idle longest (the default).
	LeastLoaded Strategy = "least_loaded"
	// RoundRobin takes agents in turn (a shared counter per queue), skipping
	// those at a limit.
	RoundRobin Strategy = "round_robin"
	// LongestIdle prefers free agents, the one free longest first, then busy
	// agents by oldest last assignment.
	LongestIdle Strategy = "longest_idle"
	// SkillMatch prefers the agent whose skills fit the target best (fewest
	// skills beyond the required ones, keeping generalists free), then the
	// least loaded.
	SkillMatch Strategy = "skill_match"
)

// hasAll reports whether have holds every element of want.
func hasAll(have, want []string) bool {
	for _, w := range want {
		if !contains(have, w) {
			return false
		}
	}
	return true
}

// order returns positions into agents in the order to try them.
func (d *Dispatcher) order(ctx context.Context, qc QueueConfig, t Target, w Waiting, agents []int, states []AgentState) ([]int, error) {
	n := len(agents)
	pos := make([]int, n)
	for i := range pos {
		pos[i] = i
	}
	less := func(a, b int) bool { return d.agents[agents[a]].ID < d.agents[agents[b]].ID }
	leastLoaded := func(a, b int) bool {
		if states[a].Load != states[b].Load {
			return states[a].Load < states[b].Load
		}
		if !states[a].IdleSince.Equal(states[b].IdleSince) {
			return idleKey(states[a]).Before(idleKey(states[b]))
		}
		return less(a, b)
	}
	switch qc.Strategy {
	case RoundRobin:
		sort.Slice(pos, func(i, j int) bool { return less(pos[i], pos[j]) })
		turn, err := d.store.NextTurn(ctx, t.Queue)
		if err != nil {
			return nil, err
		}
		s := int((turn - 1) % uint64(n))
		pos = append(pos[s:], pos[:s]...)
	case LongestIdle:
		sort.Slice(pos, func(i, j int) bool {
			a, b := states[pos[i]], states[pos[j]]
			if (a.Load == 0) != (b.Load == 0) {
				return a.Load == 0
			}
			if a.Load == 0 {
				if !a.IdleSince.Equal(b.IdleSince) {
					return idleKey(a).Before(idleKey(b))
				}
			} else if !a.LastAssigned.Equal(b.LastAssigned) {
				return a.LastAssigned.Before(b.LastAssigned)
			}
			return less(pos[i], pos[j])
		})
	case SkillMatch:
		sort.Slice(pos, func(i, j int) bool {
			ei := len(d.agents[agents[pos[i]]].Skills)
			ej := len(d.agents[agents[pos[j]]].Skills)
			if ei != ej {
				return ei < ej
			}
			return leastLoaded(pos[i], pos[j])
		})
	default:
		sort.Slice(pos, func(i, j int) bool { return leastLoaded(pos[i], pos[j]) })
	}
	if qc.Sticky && w.PreviousAgent != "" {
		for k, p := range pos {
			if d.agents[agents[p]].ID == w.PreviousAgent {
				copy(pos[1:k+1], pos[:k])
				pos[0] = p
				break
			}
		}
	}
	return pos, nil
}

// idleKey orders idle times; a zero IdleSince (never idle) sorts last.
func idleKey(s AgentState) time.Time {
	if s.IdleSince.IsZero() {
		return time.Unix(1<<40, 0)
	}
	return s.IdleSince
}
