package routing

import (
	"context"
	"sort"
	"time"
)

// unchanged reports whether a waiting conversation would stay where it is:
// its current target still has eligible online agents, its timeout has not
// expired, and none of those agents has room.
func (d *Dispatcher) unchanged(ctx context.Context, w Waiting, now time.Time) (bool, error) {
	if w.Target >= len(w.Targets) {
		return false, nil
	}
	t := w.Targets[w.Target]
	if t.LeaveMessage || t.Queue != w.Queue || (t.Timeout > 0 && now.Sub(w.TargetSince) >= t.Timeout) {
		return false, nil
	}
	agents, states, err := d.eligible(ctx, t)
	if err != nil || len(agents) == 0 {
		return false, err
	}
	return !d.roomFor(w, t.Skills, agents, states), nil
}

// roomFor reports whether one of the online agents (roster indexes with
// their states) has the skills and room, in total and on w's channel, for
// w. It does not consider the fairness cap, which only TryAssign knows.
func (d *Dispatcher) roomFor(w Waiting, skills []string, agents []int, states []AgentState) bool {
	for k, st := range states {
		a := &d.agents[agents[k]]
		if st.Load >= a.Capacity || !hasAll(a.Skills, skills) {
			continue
		}
		if c := a.ChannelCapacity[w.Channel]; c == 0 || st.ChannelLoad[w.Channel] < c {
			return true
		}
	}
	return false
}

// ranksBefore reports whether a is served before b at now: higher effective
// priority first, then the longer waiting, then by conversation ID (the
// order of Drain).
func (d *Dispatcher) ranksBefore(a, b Waiting, now time.Time) bool {
	pa, pb := d.EffectivePriority(a, now), d.EffectivePriority(b, now)
	if pa != pb {
		return pa > pb
	}
	if !a.EnqueuedAt.Equal(b.EnqueuedAt) {
		return a.EnqueuedAt.Before(b.EnqueuedAt)
	}
	return a.ConversationID < b.ConversationID
}

// waitingAhead counts the conversations waiting in queue that rank before w
// and that an online agent of the queue has room for now: they get the free
// capacity first, so a newcomer never jumps the queue.
func (d *Dispatcher) waitingAhead(ctx context.Context, queue string, w Waiting, now time.Time) (int, error) {
	ws, err := d.store.Waiting(ctx, queue)
	if err != nil || len(ws) == 0 {
		return 0, err
	}
	var agents []int
	var states []AgentState
	fetched := false
	n := 0
	for _, e := range ws {
		if e.ConversationID == w.ConversationID || !d.ranksBefore(e, w, now) {
			continue
		}
		if !fetched {
			if agents, states, err = d.eligible(ctx, Target{Queue: queue}); err != nil {
				return 0, err
			}
			fetched = true
		}
		var skills []string
		if e.Target >= 0 && e.Target < len(e.Targets) {
			skills = e.Targets[e.Target].Skills
		}
		if d.roomFor(e, skills, agents, states) {
			n++
		}
	}
	return n, nil
}

// EffectivePriority is w's priority with ageing at now: Priority plus one for
// every AgeingStep waited.
func (d *Dispatcher) EffectivePriority(w Waiting, now time.Time) int {
	if d.ageing < 0 || now.Before(w.EnqueuedAt) {
		return w.Priority
	}
	return w.Priority + int(now.Sub(w.EnqueuedAt)/d.ageing)
}

// Drain routes the conversations waiting in queue, highest effective
// priority first (ties: longest waiting), after capacity frees up or to
// move conversations whose target timed out. Call it after Release and
// periodically. It returns the results of the conversations that left the
// queue (assigned, moved on, leave-a-message or taken by another replica).
func (d *Dispatcher) Drain(ctx context.Context, queue string) ([]Result, error) {
	ws, err := d.store.Waiting(ctx, queue)
	if err != nil {
		return nil, err
	}
	now := d.now()
	sort.Slice(ws, func(i, j int) bool { return d.ranksBefore(ws[i], ws[j], now) })
	var out []Result
	for _, w := range ws {
		r, err := d.Route(ctx, w)
		if err != nil {
			return out, err
		}
		if r.Outcome != OutcomeQueued || r.Queue != queue {
			out = append(out, r)
		}
	}
	return out, nil
}

// Tick drains every queue the roster or the queue configuration names, in
// name order. Call it periodically (for example every few seconds) so that
// target timeouts move waiting conversations on.
func (d *Dispatcher) Tick(ctx context.Context) ([]Result, error) {
	var out []Result
	for _, q := range d.queueNames() {
		rs, err := d.Drain(ctx, q)
		out = append(out, rs...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
