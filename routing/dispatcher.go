package routing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Agent is one agent of the roster: static configuration, not state.
// It is a plain value: safe to read concurrently, not to modify while read.
type Agent struct {
	// ID identifies the agent; unique and non-empty.
	ID string `json:"id"`
	// Queues are the queues the agent serves.
	Queues []string `json:"queues"`
	// Skills are the agent's skills, such as "senior" or "english".
	Skills []string `json:"skills,omitempty"`
	// Capacity is the most conversations the agent holds at once; 0 means 1.
	Capacity int `json:"capacity,omitempty"`
	// ChannelCapacity limits conversations per channel; a channel missing
	// from the map is limited by Capacity only.
	ChannelCapacity map[string]int `json:"channel_capacity,omitempty"`
}

// QueueConfig configures how a queue picks agents.
// It is a plain value: safe to read concurrently, not to modify while read.
type QueueConfig struct {
	// Strategy picks among agents; empty means LeastLoaded.
	Strategy Strategy `json:"strategy,omitempty"`
	// Sticky tries the customer's previous agent first while they are
	// online (and eligible); otherwise the strategy decides.
	Sticky bool `json:"sticky,omitempty"`
	// FairnessLimit caps assignments per agent within FairnessWindow, so a
	// fast agent is not flooded; 0 means no cap.
	FairnessLimit int `json:"fairness_limit,omitempty"`
	// FairnessWindow is the fairness window.
	FairnessWindow time.Duration `json:"-"`
}

// DispatcherConfig configures NewDispatcher.
// It is a plain value: safe to read concurrently, not to modify while read.
type DispatcherConfig struct {
	// Store holds the shared agent and queue state; required.
	Store Store
	// Agents is the roster.
	Agents []Agent
	// Queues configures queues by name; a queue missing here uses the zero
	// QueueConfig.
	Queues map[string]QueueConfig
	// AgeingStep raises a waiting conversation's priority by one for every
	// step it has waited, so that nobody waits forever behind VIPs; 0 means
	// one minute, negative disables ageing.
	AgeingStep time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives debug records of assignments; nil is silent. Customer
	// data is never logged, only conversation and agent IDs.
	Logger *slog.Logger
}

// Dispatcher assigns conversations to agents: it walks a conversation's
// targets in order (skipping at once a target with nobody online, moving on
// when a target's timeout expires), picks an agent with the queue's strategy,
// assigns atomically through the Store, and parks the conversation in a
// holding queue when every eligible agent is at a limit. It is safe for
// concurrent use, also from several replicas sharing one Store.
type Dispatcher struct {
	store   Store
	agents  []Agent
	byQueue map[string][]int // queue → roster indexes
	queues  map[string]QueueConfig
	ageing  time.Duration
	now     func() time.Time
	log     *slog.Logger
}

// NewDispatcher validates cfg and returns a Dispatcher. Errors match
// ErrInvalidRequest.
func NewDispatcher(cfg DispatcherConfig) (*Dispatcher, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("%w: dispatcher needs a store", ErrInvalidRequest)
	}
	d := &Dispatcher{store: cfg.Store, byQueue: make(map[string][]int), queues: make(map[string]QueueConfig), ageing: cfg.AgeingStep, now: cfg.Now, log: cfg.Logger}
	if d.ageing == 0 {
		d.ageing = time.Minute
	}
	if d.now == nil {
		d.now = time.Now
	}
	seen := make(map[string]bool)
	for i, a := range cfg.Agents {
		switch {
		case a.ID == "":
			return nil, fmt.Errorf("%w: agent #%d has no id", ErrInvalidRequest, i+1)
		case seen[a.ID]:
			return nil, fmt.Errorf("%w: duplicate agent %q", ErrInvalidRequest, a.ID)
		case a.Capacity < 0:
			return nil, fmt.Errorf("%w: agent %q: negative capacity", ErrInvalidRequest, a.ID)
		}
		seen[a.ID] = true
		a.Queues = append([]string(nil), a.Queues...)
		a.Skills = append([]string(nil), a.Skills...)
		if a.Capacity == 0 {
			a.Capacity = 1
		}
		d.agents = append(d.agents, a)
		for _, q := range a.Queues {
			d.byQueue[q] = append(d.byQueue[q], len(d.agents)-1)
		}
	}
	for name, q := range cfg.Queues {
		switch q.Strategy {
		case "":
			q.Strategy = LeastLoaded
		case LeastLoaded, RoundRobin, LongestIdle, SkillMatch:
		default:
			return nil, fmt.Errorf("%w: queue %q: unknown strategy %q", ErrInvalidRequest, name, q.Strategy)
		}
		if q.FairnessLimit < 0 || (q.FairnessLimit > 0 && q.FairnessWindow <= 0) {
			return nil, fmt.Errorf("%w: queue %q: fairness limit needs a positive window", ErrInvalidRequest, name)
		}
		d.queues[name] = q
	}
	return d, nil
}

// Outcome is what Route did with a conversation.
type Outcome string

// Outcomes.
const (
	// OutcomeAssigned: Result.AgentID now holds the conversation.
	OutcomeAssigned Outcome = "assigned"
	// OutcomeQueued: every eligible agent of the current target is at a limit; the
	// conversation waits in the holding queue Result.Queue.
	OutcomeQueued Outcome = "queued"
	// OutcomeLeaveMessage: the chain reached a leave-a-message step or ran out of
	// targets; the host should take a message.
	OutcomeLeaveMessage Outcome = "leave_message"
	// OutcomeTaken: another replica assigned this waiting conversation first.
	OutcomeTaken Outcome = "taken"
)

// Result is the outcome of routing one conversation.
// It is a plain value: safe to read concurrently, not to modify while read.
type Result struct {
	// Outcome is what happened.
	Outcome Outcome
	// AgentID is the assigned agent (OutcomeAssigned only).
	AgentID string
	// Queue is the queue assigned from or waited in.
	Queue string
	// Waiting is the conversation's updated waiting state; the holding
	// queue holds it when Outcome is OutcomeQueued.
	Waiting Waiting
	// Notes explain the steps taken, such as `skipped "vip": nobody online`.
	Notes []string
}

// Route places the conversation w: starting at its current target it skips
// targets with nobody online, moves past targets whose timeout has expired,
// and assigns an agent of the first remaining target; when all of that
// target's eligible agents are at a limit, it parks w in the target's
// holding queue (OutcomeQueued) instead of forcing it on someone. A
// conversation new to a queue also waits there when conversations ranking
// before it (see Drain) wait in that queue and an online agent has room for
// them: it does not jump the queue; the next Drain serves them in order.
//
// For a conversation already waiting (w.Queue set, as Drain passes it),
// Route first checks whether anything changed (a free agent, an expired
// timeout, nobody online any more); if not, it leaves the entry alone.
// Otherwise it claims the entry by removing it from the holding queue before
// assigning, so replicas racing on it handle it once (the losers get
// OutcomeTaken), and pushes it back if it must keep waiting. A replica that
// dies between the claim and the push loses the entry; the conversation is
// then still queued in the host's records and can be routed again.
func (d *Dispatcher) Route(ctx context.Context, w Waiting) (Result, error) {
	if w.ConversationID == "" {
		return Result{}, fmt.Errorf("%w: waiting entry has no conversation id", ErrInvalidRequest)
	}
	if len(w.Targets) == 0 {
		return Result{}, fmt.Errorf("%w: conversation %q has no targets", ErrInvalidRequest, w.ConversationID)
	}
	now := d.now()
	if w.EnqueuedAt.IsZero() {
		w.EnqueuedAt = now
	}
	if w.TargetSince.IsZero() {
		w.TargetSince = now
	}
	if w.Target < 0 {
		w.Target = 0
	}
	w.Targets = cloneTargets(w.Targets)
	if w.Queue != "" {
		stay, err := d.unchanged(ctx, w, now)
		if err != nil {
			return Result{}, err
		}
		if stay {
			return Result{Outcome: OutcomeQueued, Queue: w.Queue, Waiting: w}, nil
		}
		if err := d.store.Remove(ctx, w.Queue, w.ConversationID); err != nil {
			if errors.Is(err, ErrNotFound) {
				return Result{Outcome: OutcomeTaken, Waiting: w}, nil
			}
			return Result{}, err
		}
		from := w.Queue
		w.Queue = ""
		return d.place(ctx, w, now, from)
	}
	return d.place(ctx, w, now, "")
}

// place walks w's targets from its current one and assigns, holds or gives
// up; w is in no holding queue. from is the holding queue w was just taken
// from by Drain (its turn there has come), or "".
func (d *Dispatcher) place(ctx context.Context, w Waiting, now time.Time, from string) (Result, error) {
	res := Result{}
	for i := w.Target; i < len(w.Targets); i++ {
		t := w.Targets[i]
		if i != w.Target {
			w.Target, w.TargetSince = i, now
		}
		if t.LeaveMessage {
			break
		}
		agents, states, err := d.eligible(ctx, t)
		if err != nil {
			return Result{}, err
		}
		if len(agents) == 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("skipped %q: nobody online%s", t.Queue, skillNote(t.Skills)))
			continue
		}
		if t.Timeout > 0 && now.Sub(w.TargetSince) >= t.Timeout {
			res.Notes = append(res.Notes, fmt.Sprintf("left %q: waited %v", t.Queue, t.Timeout))
			continue
		}
		if t.Queue != from && d.roomFor(w, t.Skills, agents, states) {
			// A newcomer to this queue waits behind the conversations that
			// rank before it and could take the free capacity. (Without
			// free capacity it is held below anyway: no need to look.)
			ahead, err := d.waitingAhead(ctx, t.Queue, w, now)
			if err != nil {
				return Result{}, err
			}
			if ahead > 0 {
				w.Queue = t.Queue
				if err := d.store.Push(ctx, w); err != nil {
					return Result{}, err
				}
				res.Notes = append(res.Notes, fmt.Sprintf("holding in %q behind %d waiting conversation(s) that rank before it", t.Queue, ahead))
				res.Outcome, res.Queue, res.Waiting = OutcomeQueued, t.Queue, w
				return res, nil
			}
		}
		qc := d.queueConfig(t.Queue)
		order, err := d.order(ctx, qc, t, w, agents, states)
		if err != nil {
			return Result{}, err
		}
		for _, k := range order {
			a := &d.agents[agents[k]]
			ok, err := d.store.TryAssign(ctx, AssignRequest{
				AgentID: a.ID, ConversationID: w.ConversationID, Channel: w.Channel,
				Capacity: a.Capacity, ChannelCapacity: a.ChannelCapacity[w.Channel],
				FairnessLimit: qc.FairnessLimit, FairnessWindow: qc.FairnessWindow, Now: now,
			})
			if err != nil {
				return Result{}, err
			}
			if !ok {
				continue
			}
			res.Outcome, res.AgentID, res.Queue, res.Waiting = OutcomeAssigned, a.ID, t.Queue, w
			res.Notes = append(res.Notes, fmt.Sprintf("assigned %q from %q (%s)", a.ID, t.Queue, qc.Strategy))
			if d.log != nil {
				d.log.DebugContext(ctx, "routing: assigned", "conversation", w.ConversationID, "agent", a.ID, "queue", t.Queue)
			}
			return res, nil
		}
		// Everyone eligible is at a limit: hold here.
		w.Queue = t.Queue
		if err := d.store.Push(ctx, w); err != nil {
			return Result{}, err
		}
		res.Notes = append(res.Notes, fmt.Sprintf("holding in %q: all %d eligible online agent(s) at a limit", t.Queue, len(agents)))
		res.Outcome, res.Queue, res.Waiting = OutcomeQueued, t.Queue, w
		return res, nil
	}
	res.Notes = append(res.Notes, "leave a message")
	res.Outcome, res.Waiting = OutcomeLeaveMessage, w
	return res, nil
}

func skillNote(skills []string) string {
	if len(skills) == 0 {
		return ""
	}
	return fmt.Sprintf(" with skills %q", skills)
}

func (d *Dispatcher) queueConfig(name string) QueueConfig {
	qc, ok := d.queues[name]
	if !ok || qc.Strategy == "" {
		qc.Strategy = LeastLoaded
	}
	return qc
}

// eligible returns the roster indexes of the online agents of t's queue who
// have t's skills, with their states (parallel).
func (d *Dispatcher) eligible(ctx context.Context, t Target) ([]int, []AgentState, error) {
	var idx []int
	var ids []string
	for _, i := range d.byQueue[t.Queue] {
		if hasAll(d.agents[i].Skills, t.Skills) {
			idx = append(idx, i)
			ids = append(ids, d.agents[i].ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil, nil
	}
	states, err := d.store.AgentStates(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	if len(states) != len(ids) {
		return nil, nil, fmt.Errorf("routing: store returned %d agent states for %d agents", len(states), len(ids))
	}
	k := 0
	for j := range idx {
		if states[j].Presence == Online {
			idx[k], states[k] = idx[j], states[j]
			k++
		}
	}
	return idx[:k], states[:k], nil
}
