package ticket

import (
	"context"
	"time"
)

// Store keeps tickets and their histories. The Service is its only required
// user; a PostgreSQL adapter maps it onto a tickets table with a version
// column and an append-only history table keyed by (ticket id, seq).
//
// Implementations must be safe for concurrent use, must return tickets the
// caller owns (no shared slices or maps), and must pass
// tickettest.TestStore.
type Store interface {
	// Create stores a new ticket with its history. It returns ErrExists if
	// the id is taken.
	Create(ctx context.Context, t Ticket) error
	// Get returns the ticket with its full history, or ErrNotFound.
	Get(ctx context.Context, id string) (Ticket, error)
	// Update stores t's fields and appends records to the history, if and
	// only if the stored version is expected; otherwise it returns
	// ErrConflict and changes nothing (ErrNotFound for an unknown id). t's
	// Version must be expected+1 and records must continue the stored
	// history (records[0].Seq is one past the last stored Seq); otherwise it
	// returns ErrInvalidTicket. t.History is ignored: the stored history is
	// the old one followed by records. It is one atomic compare-and-set:
	// UPDATE … WHERE id = $1 AND version = $expected plus the inserts, in
	// one transaction.
	Update(ctx context.Context, t Ticket, expected int64, records []Record) error
	// Find returns the tickets matching every non-zero field of q, with
	// their histories.
	Find(ctx context.Context, q Query) ([]Ticket, error)
}

// Query selects tickets for Store.Find. Zero fields match everything; set
// fields are combined with AND. Results are ordered by DueAt when DueBefore
// is set, by AlertAt when AlertBefore is set (DueBefore wins when both are),
// otherwise by CreatedAt; ties by ID. It is a plain value.
type Query struct {
	Definition string    // tickets following this definition
	CustomerID string    // tickets of this customer
	State      string    // tickets in this state
	Assignee   string    // tickets assigned to this agent or team
	DueBefore  time.Time // tickets with a non-zero DueAt at or before this instant
	// AlertBefore selects tickets with a non-zero AlertAt at or before this
	// instant (an SLA warning or breach to fire).
	AlertBefore time.Time
	Limit       int // at most this many; 0 means no limit
}

// Match reports whether t satisfies q's filters (Limit aside). Stores that
// filter in memory can use it.
func (q Query) Match(t *Ticket) bool {
	switch {
	case q.Definition != "" && t.Definition != q.Definition,
		q.CustomerID != "" && t.CustomerID != q.CustomerID,
		q.State != "" && t.State != q.State,
		q.Assignee != "" && t.Assignee != q.Assignee,
		!q.DueBefore.IsZero() && (t.DueAt.IsZero() || t.DueAt.After(q.DueBefore)),
		!q.AlertBefore.IsZero() && (t.AlertAt.IsZero() || t.AlertAt.After(q.AlertBefore)):
		return false
	}
	return true
}
