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
	// Logger receives a warning for each failed notification or hook (with
	// the ticket id, record seq and event, never the message text or the
	// customer) and debug messages about version conflicts. Nil is silent.
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
	if s.Logger != nil {
		if res.NotifyErr != nil {
			s.Logger.WarnContext(ctx, "ticket: customer notification failed; the change is committed", "ticket", t.ID, "seq", rec.Seq, "event", res.Notification.Event)
		}
		if res.HookErr != nil {
			s.Logger.WarnContext(ctx, "ticket: hook failed; the change is committed", "ticket", t.ID, "seq", rec.Seq, "event", rec.Event)
		}
	}
	return res
}
