package ticket

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// ActorKind says who performed an action.
// It is a plain value.
type ActorKind string

// Actor kinds.
const (
	ActorAgent    ActorKind = "agent"    // a customer-service agent
	ActorCustomer ActorKind = "customer" // the customer the ticket is for
	ActorSystem   ActorKind = "system"   // the host's automation, a bot, a scheduler
)

// Actor identifies who performed an action: its kind and an id in the host's
// terms (agent id, customer id, job name). It is a plain value.
type Actor struct {
	Kind ActorKind
	ID   string
}

// Agent returns the agent actor id.
func Agent(id string) Actor { return Actor{Kind: ActorAgent, ID: id} }

// Customer returns the customer actor id.
func Customer(id string) Actor { return Actor{Kind: ActorCustomer, ID: id} }

// System returns the system actor id.
func System(id string) Actor { return Actor{Kind: ActorSystem, ID: id} }

// String formats a as "kind:id".
func (a Actor) String() string { return string(a.Kind) + ":" + a.ID }

func (a Actor) valid() bool {
	switch a.Kind {
	case ActorAgent, ActorCustomer, ActorSystem:
		return true
	}
	return false
}

// Priority is a ticket's priority. The zero value "" means PriorityNormal.
// It is a plain value.
type Priority string

// Priorities, lowest first.
const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

func (p Priority) normalized() (Priority, bool) {
	switch p {
	case "":
		return PriorityNormal, true
	case PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent:
		return p, true
	}
	return p, false
}

// RecordKind says what an audit record records.
// It is a plain value.
type RecordKind string

// Record kinds.
const (
	RecordCreated    RecordKind = "created"     // the ticket was opened in its initial state
	RecordTransition RecordKind = "transition"  // a named transition From → To
	RecordMessage    RecordKind = "message"     // a reply by an agent or a message from the customer
	RecordAssign     RecordKind = "assign"      // Value is the new assignee ("" = unassigned)
	RecordPriority   RecordKind = "priority"    // Value is the new priority
	RecordSLAWarning RecordKind = "sla_warning" // an SLA warning fired for Metric/Instance
	RecordSLABreach  RecordKind = "sla_breach"  // an SLA breach fired for Metric/Instance
)

// Record is one immutable entry of a ticket's audit history: who did what,
// when, from which state to which. Records are appended, never changed; Seq
// numbers them 1, 2, 3… without gaps, so a SQL adapter stores them as
// append-only rows keyed by (ticket id, seq). It is a plain value.
type Record struct {
	Seq    int64      // position in the history, from 1
	Kind   RecordKind // what happened
	At     time.Time  // when
	Actor  Actor      // who
	Event  string     // the transition event (RecordTransition)
	From   string     // the state before
	To     string     // the state after (equal to From for records that do not change state)
	Note   string     // free text: the reply, the reason, the promise made
	Public bool       // visible to the customer (a reply, or a transition the customer is notified of)
	Value  string     // the new value of a RecordAssign or RecordPriority
	Metric string     // the SLA metric of an RecordSLAWarning or RecordSLABreach
	// Instance identifies the SLA clock instance of an RecordSLAWarning or
	// RecordSLABreach: the Seq of the record that started it.
	Instance int64
}

// String formats r for logs and transcripts.
func (r Record) String() string {
	s := fmt.Sprintf("#%d %s %s %s", r.Seq, r.At.Format(time.RFC3339), r.Actor, r.Kind)
	if r.Event != "" {
		s += " " + r.Event
	}
	if r.From != r.To {
		s += fmt.Sprintf(" %s→%s", r.From, r.To)
	}
	if r.Value != "" {
		s += " =" + r.Value
	}
	if r.Metric != "" {
		s += " " + r.Metric
	}
	if r.Note != "" {
		s += fmt.Sprintf(" %q", r.Note)
	}
	return s
}

// Ticket is a case with a state in a Definition, an owner and a history. It
// is a plain value, not safe for concurrent mutation. The functions of this
// package never modify a Ticket passed to them, and may be called
// concurrently on one Ticket; they return a new one whose slices and maps may
// share storage with the input. So use Clone before modifying Tags, Fields or
// History in place, and do not append to a History yourself (append to a
// Clone's): a ticket's History may have spare capacity that the next
// transition fills in place, so each step costs O(1), not a copy of the
// whole history.
//
// Compare tickets field by field (or with go-cmp and
// cmpopts.IgnoreUnexported(ticket.Ticket{})): an unexported field tracks
// that spare capacity.
type Ticket struct {
	ID         string            // unique id, chosen by the host
	Definition string            // the name of the Definition the ticket follows
	CustomerID string            // the host's customer reference
	Subject    string            // a short title
	State      string            // the current state
	Priority   Priority          // "" means normal
	Assignee   string            // the owning agent or team; "" = unassigned
	Tags       []string          // free labels
	Fields     map[string]string // custom fields (order number, amount, …)
	CreatedAt  time.Time         // when the ticket was opened
	UpdatedAt  time.Time         // when the last record was appended
	Version    int64             // incremented on every change; the optimistic-concurrency token
	History    []Record          // the audit trail, oldest first

	// DueAt is the earliest deadline of a running SLA clock; zero when no
	// clock runs. It is derived from History by the Service and kept on the
	// ticket so a Store can index "due before" queries.
	DueAt time.Time
	// AlertAt is when the next SLA warning or breach should fire; zero when
	// none is pending. Derived like DueAt; Service.Check queries it.
	AlertAt time.Time

	// tail lets the next step append to History in place (see
	// historyTail); nil for tickets not made by this package's steps.
	tail *historyTail
}

// Clone returns a deep copy of t, sharing no memory with it.
func (t Ticket) Clone() Ticket {
	t.tail = nil
	t.Tags = slices.Clone(t.Tags)
	if t.Fields != nil {
		t.Fields = maps.Clone(t.Fields)
	}
	t.History = slices.Clone(t.History)
	return t
}

// Last returns the most recent record, or false for an empty history.
func (t Ticket) Last() (Record, bool) {
	if len(t.History) == 0 {
		return Record{}, false
	}
	return t.History[len(t.History)-1], true
}
