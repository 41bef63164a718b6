package ticket

import (
	"context"
	"time"
)

// Notifier delivers customer-visible progress: the Service calls it after a
// change the customer should see is committed (a ticket opened with an
// OpenMessage, a transition with a Message). The host wires it to a WeChat
// sender. A failed notification never rolls the change back; its error is
// reported in Result.NotifyErr. Implementations must be safe for concurrent
// use.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// NotifierFunc adapts a function to Notifier.
// It is safe for concurrent use if f is.
type NotifierFunc func(ctx context.Context, n Notification) error

// Notify calls f.
func (f NotifierFunc) Notify(ctx context.Context, n Notification) error { return f(ctx, n) }

// Notification is one customer-facing progress message.
// It is a plain value.
type Notification struct {
	TicketID   string
	CustomerID string
	Definition string
	Event      string // the transition event, or "created" when the ticket was opened
	From, To   string // the states
	Text       string // the message, rendered from the transition's template
	At         time.Time
	Record     Record // the audit record of the change
}

// EventCreated is the Notification.Event for a newly opened ticket.
const EventCreated = "created"

// notification returns the notification the customer should get for rec, if
// any.
func (d *Definition) notification(t *Ticket, rec *Record) (Notification, bool) {
	var msg, event string
	switch rec.Kind {
	case RecordCreated:
		msg, event = d.openMessage, EventCreated
	case RecordTransition:
		if _, tr := d.find(rec.From, rec.Event); tr != nil {
			msg, event = tr.Message, rec.Event
		}
	}
	if msg == "" {
		return Notification{}, false
	}
	return Notification{
		TicketID: t.ID, CustomerID: t.CustomerID, Definition: d.name,
		Event: event, From: rec.From, To: rec.To, Text: render(msg, t, rec), At: rec.At, Record: *rec,
	}, true
}

// Message returns the customer-facing text for a transition event fired from
// state from, rendered for t and note, or "" when the customer is not told.
func (d *Definition) Message(t *Ticket, from, event, note string) string {
	_, tr := d.find(from, event)
	if tr == nil || tr.Message == "" {
		return ""
	}
	rec := Record{Event: event, From: from, To: d.states[tr.to].Name, Note: note}
	return render(tr.Message, t, &rec)
}
