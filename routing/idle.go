package routing

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// IdleLister is an optional interface of a ConversationStore: it finds the
// open conversations that have been idle, so that one periodic SweepIdle
// call closes them all instead of the host tracking every conversation.
// A ConversationStore that does not implement it keeps working; SweepIdle
// then returns an error matching errors.ErrUnsupported. Implementations must
// be safe for concurrent use. MemoryStore implements it;
// routingtest.TestIdleLister checks any implementation.
type IdleLister interface {
	// IdleConversations returns at most limit open (not closed)
	// conversations whose LastActivity is strictly before
	// lastActivityBefore, the least recently active first (ties in ID
	// order), each as stored, with its current Version. An update that
	// changes LastActivity moves the conversation in this order; a closed
	// conversation is never listed. A limit below 1 returns an error
	// matching ErrInvalidRequest.
	IdleConversations(ctx context.Context, lastActivityBefore time.Time, limit int) ([]Conversation, error)
}

// IdleReason is the CloseReason of conversations closed for inactivity, by
// Conversation.ExpireIdle and SweepIdle.
const IdleReason = "idle"

// SweepIdle closes the open conversations of store that have been idle for
// timeout or longer at now (see Conversation.ExpireIdle), at most limit of
// them per call, the least recently active first, and returns them as
// stored (closed, with their final Version). Call it periodically, from one
// replica or from several: it is safe to run concurrently.
//
// Each conversation is closed with reason IdleReason through
// UpdateConversation at the version it was listed at. A conflict means that
// someone (usually the customer) wrote to it since: it is skipped, not an
// error, and is no longer idle. A conversation already gone (ErrNotFound)
// was closed by someone else and is skipped too. Only the sweeper whose
// update succeeded frees what the Dispatcher d holds for the conversation
// (see Dispatcher.FreeConversation): the serving agent's load is released
// and a queued conversation leaves its holding queue, so capacity is freed
// exactly once however many replicas sweep. d may be nil when the host
// does not use a Dispatcher; then only the conversations are closed. A host
// whose own write of a conversation then fails with ErrNotFound (a sweep
// closed it meanwhile) must free what it has just taken for it, such as an
// agent it has just assigned.
//
// SweepIdle returns an error matching errors.ErrUnsupported when store does
// not implement IdleLister, ErrInvalidRequest when timeout or limit is not
// positive, and the store's error when listing or closing fails (with the
// conversations closed until then). When freeing a closed conversation's
// agent or queue entry fails, the sweep goes on and the returned error joins
// one *SweepError per such conversation, naming it so the host can retry
// the release: the conversation is closed and will not be listed again.
func SweepIdle(ctx context.Context, store ConversationStore, d *Dispatcher, now time.Time, timeout time.Duration, limit int) (closed []Conversation, err error) {
	lister, ok := store.(IdleLister)
	if !ok {
		return nil, fmt.Errorf("routing: idle sweep: %T does not implement routing.IdleLister: %w", store, errors.ErrUnsupported)
	}
	if timeout <= 0 || limit < 1 {
		return nil, fmt.Errorf("%w: idle sweep needs a positive timeout and limit (got %v, %d)", ErrInvalidRequest, timeout, limit)
	}
	// Idle for timeout or longer ⇔ LastActivity ≤ now-timeout
	// ⇔ LastActivity < now-timeout+1ns.
	idle, err := lister.IdleConversations(ctx, now.Add(-timeout).Add(time.Nanosecond), limit)
	if err != nil {
		return nil, fmt.Errorf("routing: idle sweep: %w", err)
	}
	var freeErrs []error
	for _, c := range idle {
		n, expired := c.ExpireIdle(now, timeout)
		if !expired {
			continue // the store listed a conversation that is not idle
		}
		stored, err := store.UpdateConversation(ctx, n)
		if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
			continue // written to or closed by someone else since listed
		}
		if err != nil {
			return closed, errors.Join(append(freeErrs, fmt.Errorf("routing: idle sweep: close %q: %w", c.ID, err))...)
		}
		closed = append(closed, stored)
		if d == nil {
			continue
		}
		if err := d.FreeConversation(ctx, stored); err != nil {
			freeErrs = append(freeErrs, &SweepError{Conversation: stored, Err: err})
		}
	}
	return closed, errors.Join(freeErrs...)
}

// SweepError reports a conversation that SweepIdle closed but whose agent
// load or holding-queue entry it could not free; retry with
// Dispatcher.FreeConversation(ctx, e.Conversation) once the store is back.
// It unwraps to the store's error.
// It is a plain value: safe to read concurrently, not to modify while read.
type SweepError struct {
	// Conversation is the closed conversation; AgentID and Queue name what
	// was to be freed.
	Conversation Conversation
	// Err is the store's error.
	Err error
}

// Error implements error.
func (e *SweepError) Error() string {
	return fmt.Sprintf("routing: idle sweep: conversation %q closed, but freeing agent %q / queue %q failed: %v",
		e.Conversation.ID, e.Conversation.AgentID, e.Conversation.Queue, e.Err)
}

// Unwrap returns the store's error.
func (e *SweepError) Unwrap() error { return e.Err }
