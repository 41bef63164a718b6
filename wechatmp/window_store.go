package wechatmp

import (
	"context"
	"time"
)

// WindowState is the customer-service window of one user as a WindowStore
// holds it: the last window-opening interaction and the sends used since.
type WindowState struct {
	Kind     Interaction // the interaction that opened the window
	OpenedAt time.Time   // when the user interacted (identifies the window)
	ClosesAt time.Time   // OpenedAt plus the interaction's validity
	Quota    int         // sends the interaction allows
	Used     int         // sends reserved so far
}

// OpenWindow returns the fresh state an interaction of kind at time at opens.
func OpenWindow(kind Interaction, at time.Time) WindowState {
	sends, validFor := kind.Quota()
	return WindowState{Kind: kind, OpenedAt: at, ClosesAt: at.Add(validFor), Quota: sends}
}

// Refresh returns the window after the interaction that opened next (see
// OpenWindow): next replaces s, so quotas never add up, except that an
// interaction delivered out of order (next opened no later than s) changes
// nothing, and a short-lived interaction does not cut short a window that is
// still open with sends left and would close later. So a menu tap during a
// conversation keeps the 5 sends of the user's message for their 48 hours
// instead of shrinking them to 3 sends within a minute (wechat.md §5: the
// allowance is "updated to the maximum", never summed). Keeping the larger
// window errs towards sending: if WeChat disagrees, it answers 45015 or 45047
// and the Client records that, whereas a wrong local refusal would never be
// corrected.
func (s WindowState) Refresh(next WindowState) WindowState {
	if s.keeps(next) {
		return s
	}
	return next
}

// keeps reports whether s stays the window after the interaction of next.
func (s WindowState) keeps(next WindowState) bool {
	if s.Quota > 0 && !s.OpenedAt.Before(next.OpenedAt) {
		return true // next is older, or the same interaction again
	}
	return s.Left(next.OpenedAt) > 0 && s.ClosesAt.After(next.ClosesAt)
}

// IsOpen reports whether the window is open at now (it may have no sends left).
func (s WindowState) IsOpen(now time.Time) bool {
	return s.Quota > 0 && now.Before(s.ClosesAt)
}

// Left returns the sends left at now: 0 once the window has closed.
func (s WindowState) Left(now time.Time) int {
	if !s.IsOpen(now) {
		return 0
	}
	return max(s.Quota-s.Used, 0)
}

// WindowStore holds windows by an opaque key (one per app and user). Every
// method is a single atomic operation, so a Redis (Lua script) or SQL
// (UPDATE ... WHERE ... RETURNING) implementation shares windows between
// replicas: two agents on two replicas can never both reserve the sixth send.
// Implementations must be safe for concurrent use; wechatmptest.TestWindowStore
// checks the contract.
type WindowStore interface {
	// Get returns the state stored under key, or ErrNotFound.
	Get(ctx context.Context, key string) (WindowState, error)
	// Open records an interaction in one atomic step: it stores
	// stored.Refresh(st), replacing the stored state with st (interactions
	// refresh the window, never add to it) unless the stored state keeps it:
	// when it was opened at the same instant or later (an interaction recorded
	// twice or delivered out of order), or when it still has sends left at
	// st.OpenedAt and closes after st.ClosesAt (a menu tap during a
	// conversation). Deciding in the store, not from an earlier Get, means a
	// replica recording a menu tap can never overwrite the user's message
	// window that another replica has just opened.
	Open(ctx context.Context, key string, st WindowState) error
	// Reserve takes one send if the window is open at now and has a send
	// left, and returns the state after the reservation. It returns
	// ErrWindowClosed for a closed or unknown window and ErrWindowQuota when
	// the sends are spent.
	Reserve(ctx context.Context, key string, now time.Time) (WindowState, error)
	// Release gives back one send reserved from the window opened at
	// openedAt. It is a no-op if the window has been reopened since, or if no
	// send is reserved.
	Release(ctx context.Context, key string, openedAt time.Time) error
	// Exhaust records that WeChat refused a send of the window opened at
	// openedAt: every send counts as used, and the window closes at closesAt
	// if that is non-zero and earlier. It is a no-op if the window has been
	// reopened since.
	Exhaust(ctx context.Context, key string, openedAt, closesAt time.Time) error
}
