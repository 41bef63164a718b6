package ticket

import (
	"context"
	"errors"
	"fmt"
	"time"
)

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
