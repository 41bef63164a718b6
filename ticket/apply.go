package ticket

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Open returns a new ticket built from draft (ID, CustomerID, Subject,
// Priority, Assignee, Tags, Fields), in the definition's initial state, at
// version 1, with a RecordCreated as its first history record. It fails with
// ErrInvalidTicket for an empty id, an unknown priority or actor kind, or a
// draft that already has history. Open is pure: it does not store anything.
func (d *Definition) Open(draft Ticket, actor Actor, now time.Time) (Ticket, Record, error) {
	switch {
	case draft.ID == "":
		return Ticket{}, Record{}, fmt.Errorf("%w: empty id", ErrInvalidTicket)
	case len(draft.History) > 0 || draft.Version != 0:
		return Ticket{}, Record{}, fmt.Errorf("%w: %s: draft already has history", ErrInvalidTicket, draft.ID)
	case !actor.valid():
		return Ticket{}, Record{}, fmt.Errorf("%w: %s: unknown actor kind %q", ErrInvalidTicket, draft.ID, actor.Kind)
	}
	p, ok := draft.Priority.normalized()
	if !ok {
		return Ticket{}, Record{}, fmt.Errorf("%w: %s: unknown priority %q", ErrInvalidTicket, draft.ID, draft.Priority)
	}
	t := draft.Clone()
	t.Definition = d.name
	t.Priority = p
	t.State = d.Initial()
	t.CreatedAt = now
	t.DueAt, t.AlertAt = time.Time{}, time.Time{}
	rec := Record{Kind: RecordCreated, At: now, Actor: actor, To: t.State, Note: draft.Subject, Public: d.openMessage != ""}
	t, rec = t.appendRecord(rec)
	return t, rec, nil
}

// Apply is the pure transition step: it fires event on t on behalf of actor at
// now, and returns the new ticket (state changed, version incremented, record
// appended to its history) and the record. t itself is not modified.
//
// It fails with a *TransitionError (ErrInvalidTransition) when t follows
// another definition, is in a terminal or unknown state, the event is not
// defined for t's state, or actor's kind may not fire it; and with a
// *GuardError (ErrGuardRejected) when a guard refuses. Apply calls guards but
// no hooks and no notifier: the Service does that after the change is stored.
func (d *Definition) Apply(t Ticket, event string, actor Actor, now time.Time, note string) (Ticket, Record, error) {
	s, tr, err := d.check(&t, event, actor, now)
	if err != nil {
		return t, Record{}, err
	}
	rec := Record{Kind: RecordTransition, At: now, Actor: actor, Event: event, From: s.Name, To: d.states[tr.to].Name, Note: note, Public: tr.Message != ""}
	t.State = rec.To
	t, rec = t.appendRecord(rec)
	return t, rec, nil
}

// Can reports whether event may be fired on t by actor at now, running the
// guard; it returns the error Apply would return, or nil. It appends
// nothing.
func (d *Definition) Can(t Ticket, event string, actor Actor, now time.Time) error {
	_, _, err := d.check(&t, event, actor, now)
	return err
}

// check finds the transition for event and runs its guard.
func (d *Definition) check(t *Ticket, event string, actor Actor, now time.Time) (*state, *transition, error) {
	s, tr, err := d.transitionFor(t, event, actor)
	if err != nil {
		return nil, nil, err
	}
	if tr.Guard != nil {
		view := *t // the guard gets its own copy
		if reason := tr.Guard(&view, actor, now); reason != nil {
			return nil, nil, &GuardError{TicketID: t.ID, Event: event, From: s.Name, To: d.states[tr.to].Name, Reason: reason}
		}
	}
	return s, tr, nil
}

func (d *Definition) transitionFor(t *Ticket, event string, actor Actor) (*state, *transition, error) {
	refuse := func(reason string, args ...any) (*state, *transition, error) {
		return nil, nil, &TransitionError{TicketID: t.ID, State: t.State, Event: event, Reason: fmt.Sprintf(reason, args...)}
	}
	if t.Definition != d.name {
		return refuse("the ticket follows definition %q, not %q", t.Definition, d.name)
	}
	if !actor.valid() {
		return refuse("unknown actor kind %q", actor.Kind)
	}
	s, tr := d.find(t.State, event)
	switch {
	case s == nil:
		return refuse("unknown state")
	case s.Terminal:
		return refuse("the state is terminal")
	case tr == nil:
		return refuse("allowed events are %s", strings.Join(d.Events(t.State), ", "))
	case len(tr.Actors) > 0 && !slices.Contains(tr.Actors, actor.Kind):
		return refuse("%s actors may not fire it", actor.Kind)
	}
	return s, tr, nil
}

// Reply records a message on t without changing its state: a reply by an
// agent (which counts as a response for the SLA) or a message from the
// customer (which starts the next-reply clock). The record is public. Reply
// fails with a *TransitionError on a terminal ticket.
func (d *Definition) Reply(t Ticket, actor Actor, now time.Time, text string) (Ticket, Record, error) {
	if err := d.checkEditable(&t, "reply", actor); err != nil {
		return t, Record{}, err
	}
	t, rec := t.appendRecord(Record{Kind: RecordMessage, At: now, Actor: actor, From: t.State, To: t.State, Note: text, Public: true})
	return t, rec, nil
}

// Assign sets t's assignee ("" unassigns) and records who did it and why.
func (d *Definition) Assign(t Ticket, assignee string, actor Actor, now time.Time, note string) (Ticket, Record, error) {
	if err := d.checkEditable(&t, "assign", actor); err != nil {
		return t, Record{}, err
	}
	t.Assignee = assignee
	t, rec := t.appendRecord(Record{Kind: RecordAssign, At: now, Actor: actor, From: t.State, To: t.State, Value: assignee, Note: note})
	return t, rec, nil
}

// SetPriority sets t's priority and records who did it and why.
func (d *Definition) SetPriority(t Ticket, p Priority, actor Actor, now time.Time, note string) (Ticket, Record, error) {
	if err := d.checkEditable(&t, "priority", actor); err != nil {
		return t, Record{}, err
	}
	np, ok := p.normalized()
	if !ok {
		return t, Record{}, fmt.Errorf("%w: %s: unknown priority %q", ErrInvalidTicket, t.ID, p)
	}
	t.Priority = np
	t, rec := t.appendRecord(Record{Kind: RecordPriority, At: now, Actor: actor, From: t.State, To: t.State, Value: string(np), Note: note})
	return t, rec, nil
}

func (d *Definition) checkEditable(t *Ticket, op string, actor Actor) error {
	refuse := func(reason string, args ...any) error {
		return &TransitionError{TicketID: t.ID, State: t.State, Event: op, Reason: fmt.Sprintf(reason, args...)}
	}
	if t.Definition != d.name {
		return refuse("the ticket follows definition %q, not %q", t.Definition, d.name)
	}
	if !actor.valid() {
		return refuse("unknown actor kind %q", actor.Kind)
	}
	i, ok := d.byName[t.State]
	switch {
	case !ok:
		return refuse("unknown state")
	case d.states[i].Terminal:
		return refuse("the state is terminal")
	}
	return nil
}
