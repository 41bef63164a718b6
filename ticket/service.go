package ticket

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Service runs tickets: it applies definitions' transitions to tickets in a
// Store with optimistic concurrency, keeps the derived SLA fields (DueAt,
// AlertAt) up to date, and after each committed change calls the hooks and
// the Notifier. Configure it by setting fields before first use; do not
// change them afterwards.
//
// The zero Service is usable: it keeps tickets in a private MemoryStore,
// knows the GeneralSupport and Refund definitions, tracks no SLA and sends no
// notifications. A Service is safe for concurrent use.
type Service struct {
	// Store keeps the tickets. Nil means a MemoryStore private to this Service.
	Store Store
	// Definitions are the state machines tickets may follow, by name (a
	// later one replaces an earlier one of the same name; nil entries are
	// ignored). Empty means GeneralSupport() and Refund().
	Definitions []*Definition
	// SLA chooses and evaluates SLA policies. Nil tracks no SLA (metrics are
	// still computed, in calendar time).
	SLA *SLA
	// Notifier receives customer-visible progress. Nil sends nothing.
	Notifier Notifier
	// OnSLA is called by Check for every warning and breach it records. Nil
	// means Check only returns them.
	OnSLA func(ctx context.Context, e SLAEvent)
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
	// Retries is how often Transition, Reply, Assign and SetPriority re-read
	// and re-apply after a version conflict. Zero means 3; negative means
	// never.
	Retries int
	// Logger receives debug messages about conflicts and failed side
	// effects. Nil is silent. No customer data is logged.
	Logger *slog.Logger

	once  sync.Once
	store Store
	defs  map[string]*Definition
}

// Result is the outcome of a committed change.
// It is a plain value.
type Result struct {
	Ticket Ticket // the ticket as stored
	Record Record // the record appended
	// Notification is what was sent to the Notifier, if anything.
	Notification *Notification
	// NotifyErr is the Notifier's error. The change is committed regardless.
	NotifyErr error
	// HookErr joins the errors of the hooks. The change is committed
	// regardless.
	HookErr error
}

// SLAEventKind says whether an SLA event is a warning or a breach.
// It is a plain value.
type SLAEventKind string

// SLA event kinds.
const (
	SLAWarning SLAEventKind = "warning"
	SLABreach  SLAEventKind = "breach"
)

// SLAEvent is a warning or breach recorded by Check.
// It is a plain value.
type SLAEvent struct {
	Kind     SLAEventKind
	TicketID string
	Policy   string
	Metric   Metric
	Instance int64     // the Seq of the record that started the clock
	Due      time.Time // the clock's due instant
	At       time.Time // when Check recorded it
	Ticket   Ticket    // the ticket after the record was appended
}

// SLAActor is the actor of the records Check appends.
var SLAActor = System("sla")

func (s *Service) setup() {
	s.once.Do(func() {
		s.store = s.Store
		if s.store == nil {
			s.store = NewMemoryStore()
		}
		defs := s.Definitions
		if len(defs) == 0 {
			defs = []*Definition{GeneralSupport(), Refund()}
		}
		s.defs = make(map[string]*Definition, len(defs))
		for _, d := range defs {
			if d != nil {
				s.defs[d.Name()] = d
			}
		}
	})
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Definition returns the definition named name.
func (s *Service) Definition(name string) (*Definition, bool) {
	s.setup()
	d, ok := s.defs[name]
	return d, ok
}

func (s *Service) definitionOf(t *Ticket) (*Definition, error) {
	d, ok := s.Definition(t.Definition)
	if !ok {
		return nil, fmt.Errorf("%w: %s: unknown definition %q", ErrInvalidTicket, t.ID, t.Definition)
	}
	return d, nil
}

// Open opens a ticket following the named definition from draft (see
// Definition.Open), stores it and notifies the customer if the definition
// has an OpenMessage.
func (s *Service) Open(ctx context.Context, definition string, draft Ticket, actor Actor) (Result, error) {
	d, ok := s.Definition(definition)
	if !ok {
		return Result{}, fmt.Errorf("%w: %s: unknown definition %q", ErrInvalidTicket, draft.ID, definition)
	}
	now := s.now()
	t, rec, err := d.Open(draft, actor, now)
	if err != nil {
		return Result{}, err
	}
	s.refreshSLA(d, &t, now)
	if err := s.store.Create(ctx, t); err != nil {
		return Result{}, err
	}
	return s.afterCommit(ctx, d, t, rec), nil
}

// Get returns the ticket with id.
func (s *Service) Get(ctx context.Context, id string) (Ticket, error) {
	s.setup()
	return s.store.Get(ctx, id)
}

// Find returns the tickets matching q.
func (s *Service) Find(ctx context.Context, q Query) ([]Ticket, error) {
	s.setup()
	return s.store.Find(ctx, q)
}

// Transition fires event on the ticket with id (see Definition.Apply). On a
// version conflict it re-reads the ticket and applies the event again to the
// fresh state (so guards see the latest data), up to Retries times; then it
// returns ErrConflict. The returned error is the transition's; notifier and
// hook failures are in the Result.
func (s *Service) Transition(ctx context.Context, id, event string, actor Actor, note string) (Result, error) {
	return s.change(ctx, id, -1, func(d *Definition, t Ticket, now time.Time) (Ticket, Record, error) {
		return d.Apply(t, event, actor, now, note)
	})
}

// TransitionVersion is Transition that only applies if the ticket is still
// at version: a user who acted on what they saw gets ErrConflict, not a
// change they did not see, when someone else changed the ticket first.
func (s *Service) TransitionVersion(ctx context.Context, id string, version int64, event string, actor Actor, note string) (Result, error) {
	return s.change(ctx, id, version, func(d *Definition, t Ticket, now time.Time) (Ticket, Record, error) {
		return d.Apply(t, event, actor, now, note)
	})
}

// Reply records a message on the ticket (see Definition.Reply): an agent's
// reply or the customer's message. The host sends the text itself; the
// Notifier is not called.
func (s *Service) Reply(ctx context.Context, id string, actor Actor, text string) (Result, error) {
	return s.change(ctx, id, -1, func(d *Definition, t Ticket, now time.Time) (Ticket, Record, error) {
		return d.Reply(t, actor, now, text)
	})
}

// Assign sets the ticket's assignee (see Definition.Assign).
func (s *Service) Assign(ctx context.Context, id, assignee string, actor Actor, note string) (Result, error) {
	return s.change(ctx, id, -1, func(d *Definition, t Ticket, now time.Time) (Ticket, Record, error) {
		return d.Assign(t, assignee, actor, now, note)
	})
}

// SetPriority sets the ticket's priority (see Definition.SetPriority).
func (s *Service) SetPriority(ctx context.Context, id string, p Priority, actor Actor, note string) (Result, error) {
	return s.change(ctx, id, -1, func(d *Definition, t Ticket, now time.Time) (Ticket, Record, error) {
		return d.SetPriority(t, p, actor, now, note)
	})
}

type step func(d *Definition, t Ticket, now time.Time) (Ticket, Record, error)

// change reads, applies and writes with compare-and-set. version < 0 means
// "the current version, retried on conflict".
func (s *Service) change(ctx context.Context, id string, version int64, fn step) (Result, error) {
	s.setup()
	retries := s.Retries
	if retries == 0 {
		retries = 3
	}
	if version >= 0 || retries < 0 {
		retries = 0
	}
	for attempt := 0; ; attempt++ {
		t, err := s.store.Get(ctx, id)
		if err != nil {
			return Result{}, err
		}
		if version >= 0 && t.Version != version {
			return Result{}, fmt.Errorf("%w: %s: version %d, stored %d", ErrConflict, id, version, t.Version)
		}
		d, err := s.definitionOf(&t)
		if err != nil {
			return Result{}, err
		}
		now := s.now()
		next, rec, err := fn(d, t, now)
		if err != nil {
			return Result{}, err
		}
		s.refreshSLA(d, &next, now)
		err = s.store.Update(ctx, next, t.Version, next.History[len(t.History):])
		if errors.Is(err, ErrConflict) && attempt < retries {
			if s.Logger != nil {
				s.Logger.DebugContext(ctx, "ticket: version conflict, retrying", "ticket", id, "attempt", attempt+1)
			}
			continue
		}
		if err != nil {
			return Result{}, err
		}
		return s.afterCommit(ctx, d, next, rec), nil
	}
}

// refreshSLA recomputes the derived SLA fields of t.
func (s *Service) refreshSLA(d *Definition, t *Ticket, now time.Time) {
	if s.SLA == nil {
		t.DueAt, t.AlertAt = time.Time{}, time.Time{}
		return
	}
	p := s.SLA.Policy(t)
	var e evaluator
	e.run(p, d, t, now, true)
	e.st.fillWarnings(p, now)
	t.DueAt = e.st.Due
	t.AlertAt = e.st.alertAt()
}

// afterCommit runs hooks and the notifier for a committed record.
func (s *Service) afterCommit(ctx context.Context, d *Definition, t Ticket, rec Record) Result {
	res := Result{Ticket: t, Record: rec}
	var hookErrs []error
	call := func(h Hook) {
		if h == nil {
			return
		}
		if err := h(ctx, Change{Definition: d, Ticket: t, Record: rec}); err != nil {
			hookErrs = append(hookErrs, err)
		}
	}
	switch rec.Kind {
	case RecordCreated:
		if st, ok := d.byName[rec.To]; ok {
			call(d.states[st].OnEnter)
		}
	case RecordTransition:
		if st, ok := d.byName[rec.From]; ok {
			call(d.states[st].OnExit)
		}
		if _, tr := d.find(rec.From, rec.Event); tr != nil {
			call(tr.OnTransition)
		}
		call(d.onAny)
		if st, ok := d.byName[rec.To]; ok {
			call(d.states[st].OnEnter)
		}
	}
	res.HookErr = errors.Join(hookErrs...)
	if s.Notifier != nil {
		if n, ok := d.notification(&t, &rec); ok {
			res.Notification = &n
			if err := s.Notifier.Notify(ctx, n); err != nil {
				res.NotifyErr = fmt.Errorf("ticket: %s: notify %s: %w", t.ID, n.Event, err)
			}
		}
	}
	if s.Logger != nil && (res.HookErr != nil || res.NotifyErr != nil) {
		s.Logger.DebugContext(ctx, "ticket: side effect failed after commit", "ticket", t.ID, "seq", rec.Seq)
	}
	return res
}

// Status returns the ticket's SLA status and metrics at the Service's now.
func (s *Service) Status(ctx context.Context, id string) (Status, error) {
	t, err := s.Get(ctx, id)
	if err != nil {
		return Status{}, err
	}
	d, err := s.definitionOf(&t)
	if err != nil {
		return Status{}, err
	}
	return s.SLA.Evaluate(d, &t, s.now()), nil
}

// Recompute re-derives the ticket's SLA fields from its history, for
// example after the SLA policies changed, and stores them (as a new version
// without a history record) if they changed. It returns the ticket as
// stored.
func (s *Service) Recompute(ctx context.Context, id string) (Ticket, error) {
	s.setup()
	for attempt := 0; ; attempt++ {
		t, err := s.store.Get(ctx, id)
		if err != nil {
			return Ticket{}, err
		}
		d, err := s.definitionOf(&t)
		if err != nil {
			return Ticket{}, err
		}
		next := t.Clone()
		s.refreshSLA(d, &next, s.now())
		if next.DueAt.Equal(t.DueAt) && next.AlertAt.Equal(t.AlertAt) {
			return t, nil
		}
		next.Version++
		err = s.store.Update(ctx, next, t.Version, nil)
		if errors.Is(err, ErrConflict) && attempt < 3 {
			continue
		}
		if err != nil {
			return Ticket{}, err
		}
		return next, nil
	}
}

// RecomputeAll runs Recompute on every ticket matching q (for example
// Query{Definition: "refund"} after the refund policy changed) and returns
// how many tickets changed. It stops at the first error.
func (s *Service) RecomputeAll(ctx context.Context, q Query) (changed int, err error) {
	ts, err := s.Find(ctx, q)
	if err != nil {
		return 0, err
	}
	for i := range ts {
		t, err := s.Recompute(ctx, ts[i].ID)
		if err != nil {
			return changed, err
		}
		if t.Version != ts[i].Version {
			changed++
		}
	}
	return changed, nil
}

// Check is the SLA sweep the host calls periodically (every minute, say)
// with the current time. For every ticket whose AlertAt has passed it
// records the due warnings and breaches in the ticket's history (so each
// fires once, even with several replicas sweeping) and then calls OnSLA.
// Alerts are held back while the policy's AlertHours (by default its
// Calendar) is closed, so nobody is paged at 3 a.m. for a business-hours
// SLA: they fire on the first sweep after opening. Tickets changed
// concurrently are skipped and picked up by the next sweep.
func (s *Service) Check(ctx context.Context, now time.Time) ([]SLAEvent, error) {
	s.setup()
	if s.SLA == nil {
		return nil, nil
	}
	due, err := s.store.Find(ctx, Query{AlertBefore: now})
	if err != nil {
		return nil, err
	}
	var events []SLAEvent
	for _, t := range due {
		if err := ctx.Err(); err != nil {
			return events, err
		}
		d, err := s.definitionOf(&t)
		if err != nil {
			continue
		}
		p := s.SLA.Policy(&t)
		if p != nil && !p.alertHours().IsOpen(now) {
			continue
		}
		st := s.SLA.Evaluate(d, &t, now)
		st.fillWarnings(p, now)
		next := t
		var fired []SLAEvent
		for _, c := range st.Clocks {
			if !c.alertable() {
				continue
			}
			kind := RecordKind("")
			switch {
			case c.Breached && !c.BreachRecorded:
				kind = RecordSLABreach
			case !c.Breached && !c.Warned && !c.WarnAt.IsZero() && !c.WarnAt.After(now):
				kind = RecordSLAWarning
			default:
				continue
			}
			var rec Record
			next, rec = next.appendRecord(Record{Kind: kind, At: now, Actor: SLAActor, From: t.State, To: t.State,
				Metric: c.Metric.String(), Instance: c.Instance, Note: fmt.Sprintf("due %s", c.Due.Format(time.RFC3339))})
			ev := SLAEvent{Kind: SLAWarning, TicketID: t.ID, Policy: st.Policy, Metric: c.Metric, Instance: c.Instance, Due: c.Due, At: rec.At}
			if kind == RecordSLABreach {
				ev.Kind = SLABreach
			}
			fired = append(fired, ev)
		}
		// Appending records bumped the version once per record; the store
		// expects exactly one bump per update.
		next.Version = t.Version + 1
		s.refreshSLA(d, &next, now)
		if len(fired) == 0 && next.DueAt.Equal(t.DueAt) && next.AlertAt.Equal(t.AlertAt) {
			continue // nothing to record (an alert exactly at its due instant)
		}
		if err := s.store.Update(ctx, next, t.Version, next.History[len(t.History):]); err != nil {
			if errors.Is(err, ErrConflict) {
				continue
			}
			return events, err
		}
		for i := range fired {
			fired[i].Ticket = next
			if s.OnSLA != nil {
				s.OnSLA(ctx, fired[i])
			}
		}
		events = append(events, fired...)
	}
	return events, nil
}

// Due returns the tickets whose earliest running SLA clock is due at or
// before before, most urgent first; limit 0 means all.
func (s *Service) Due(ctx context.Context, before time.Time, limit int) ([]Ticket, error) {
	return s.Find(ctx, Query{DueBefore: before, Limit: limit})
}

// Breached returns the tickets with a running SLA clock past its due
// instant at now, most overdue first; limit 0 means all.
func (s *Service) Breached(ctx context.Context, now time.Time, limit int) ([]Ticket, error) {
	return s.Due(ctx, now, limit)
}

// Summary aggregates ticket metrics.
// It is a plain value.
type Summary struct {
	Tickets           int
	Responded         int           // tickets with a first response
	MeanFirstResponse time.Duration // over responded tickets
	MaxFirstResponse  time.Duration
	Resolved          int           // tickets in a resolved state
	MeanResolution    time.Duration // over resolved tickets
	Reopens           int           // total reopens
	Breaches          int           // total breached clock instances
	BreachedTickets   int           // tickets with at least one breach
}

// Summarize aggregates per-ticket statuses.
func Summarize(statuses []Status) Summary {
	var s Summary
	var frt, res time.Duration
	for _, st := range statuses {
		s.Tickets++
		if st.Responded {
			s.Responded++
			frt += st.FirstResponse
			s.MaxFirstResponse = max(s.MaxFirstResponse, st.FirstResponse)
		}
		if st.Resolved {
			s.Resolved++
			res += st.Resolution
		}
		s.Reopens += st.Reopens
		s.Breaches += st.Breaches
		if st.Breaches > 0 {
			s.BreachedTickets++
		}
	}
	if s.Responded > 0 {
		s.MeanFirstResponse = frt / time.Duration(s.Responded)
	}
	if s.Resolved > 0 {
		s.MeanResolution = res / time.Duration(s.Resolved)
	}
	return s
}

// Report evaluates the tickets matching q at the Service's now and returns
// their aggregate metrics and, per ticket id, their statuses.
func (s *Service) Report(ctx context.Context, q Query) (Summary, map[string]Status, error) {
	ts, err := s.Find(ctx, q)
	if err != nil {
		return Summary{}, nil, err
	}
	now := s.now()
	per := make(map[string]Status, len(ts))
	all := make([]Status, 0, len(ts))
	for i := range ts {
		d, err := s.definitionOf(&ts[i])
		if err != nil {
			return Summary{}, nil, err
		}
		st := s.SLA.Evaluate(d, &ts[i], now)
		per[ts[i].ID] = st
		all = append(all, st)
	}
	return Summarize(all), per, nil
}
