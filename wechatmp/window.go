package wechatmp

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Window tracks the customer-service window of every user (wechat.md §5): a
// message from the user allows 5 sends within 48 hours; a menu CLICK,
// scancode_push or scancode_waitmsg, a follow or a QR scan allows 3 sends
// within 1 minute. A new interaction refreshes the window, and quotas never
// add up; a short-lived interaction does not cut short a longer window that
// still has sends (see WindowState.Refresh).
//
// The Handler feeds it (Window implements InteractionRecorder); a Client
// whose Config.Window is set reserves one send before every customer-service
// message and refuses the send locally, without a network call, with
// ErrWindowClosed or ErrWindowQuota. Status reads the window for an agent's
// screen.
//
// The zero value uses a private MemoryWindowStore and time.Now. Set the fields
// before first use. A Window is safe for concurrent use; share one Store
// between replicas to share windows. A Window knows only the interactions it
// was told of: with an in-memory store, a restarted process refuses sends to
// users who wrote before the restart until they interact again, so production
// deployments should use a persistent, shared WindowStore.
type Window struct {
	// Store holds the windows. nil: a private MemoryWindowStore.
	Store WindowStore
	// Now is the clock. nil: time.Now.
	Now func() time.Time

	once sync.Once
	mem  *MemoryWindowStore
}

var _ InteractionRecorder = (*Window)(nil)

// NewWindow returns a Window over store (nil: in memory) and the clock now
// (nil: time.Now).
func NewWindow(store WindowStore, now func() time.Time) *Window {
	return &Window{Store: store, Now: now}
}

func (w *Window) store() WindowStore {
	if w.Store != nil {
		return w.Store
	}
	w.once.Do(func() { w.mem = new(MemoryWindowStore) })
	return w.mem
}

func (w *Window) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// WindowKey returns the store key of the window of openID at appID.
func WindowKey(appID, openID string) string { return appID + "/" + openID }

// RecordInteraction implements InteractionRecorder: it opens or refreshes the
// window of openID as WindowState.Refresh describes. InteractionNone is
// ignored.
func (w *Window) RecordInteraction(ctx context.Context, appID, openID string, kind Interaction, at time.Time) error {
	if kind == InteractionNone {
		return nil
	}
	if openID == "" {
		return errors.New("wechatmp: window: empty openid")
	}
	// Store.Open applies WindowState.Refresh atomically: whatever another
	// replica recorded meanwhile is weighed against this interaction.
	return w.store().Open(ctx, WindowKey(appID, openID), OpenWindow(kind, at))
}

// Status returns the window of openID as of now; a user never seen has a
// closed window.
func (w *Window) Status(ctx context.Context, appID, openID string) (WindowStatus, error) {
	now := w.now()
	st, err := w.store().Get(ctx, WindowKey(appID, openID))
	if err != nil && !errors.Is(err, ErrNotFound) {
		return WindowStatus{}, err
	}
	return st.Status(now), nil
}

// Reserve takes one send from the window of openID, or returns
// ErrWindowClosed / ErrWindowQuota. Give the send back with Release when the
// message was certainly not delivered.
func (w *Window) Reserve(ctx context.Context, appID, openID string) (WindowReservation, error) {
	key := WindowKey(appID, openID)
	st, err := w.store().Reserve(ctx, key, w.now())
	if err != nil {
		return WindowReservation{}, err
	}
	return WindowReservation{key: key, OpenedAt: st.OpenedAt, Left: st.Quota - st.Used, ClosesAt: st.ClosesAt}, nil
}

// Release gives back the send of r.
func (w *Window) Release(ctx context.Context, r WindowReservation) error {
	if r.key == "" {
		return nil
	}
	return w.store().Release(ctx, r.key, r.OpenedAt)
}

// RecordRefusal records WeChat's refusal of the send reserved as r: 45015
// (ErrWindowClosed) closes the window now, 45047 (ErrWindowQuota) spends its
// sends. Other errors are ignored.
func (w *Window) RecordRefusal(ctx context.Context, r WindowReservation, refusal error) error {
	if r.key == "" {
		return nil
	}
	switch {
	case errors.Is(refusal, ErrWindowClosed):
		return w.store().Exhaust(ctx, r.key, r.OpenedAt, w.now())
	case errors.Is(refusal, ErrWindowQuota):
		return w.store().Exhaust(ctx, r.key, r.OpenedAt, time.Time{})
	}
	return nil
}

// WindowReservation is one send reserved from a window.
type WindowReservation struct {
	key      string
	OpenedAt time.Time // identifies the window the send was taken from
	Left     int       // sends left after this one
	ClosesAt time.Time
}

// WindowStatus is a window as an agent's screen shows it.
type WindowStatus struct {
	Kind     Interaction // what opened the window; InteractionNone if never opened
	Open     bool        // the window is open (it may have no sends left)
	Left     int         // sends left; 0 when closed
	ClosesAt time.Time   // when it closes (or closed); zero if never opened
	At       time.Time   // the time the status was computed at
}

// Status returns the status of s at now.
func (s WindowState) Status(now time.Time) WindowStatus {
	return WindowStatus{Kind: s.Kind, Open: s.IsOpen(now), Left: s.Left(now), ClosesAt: s.ClosesAt, At: now}
}

// CanSend reports whether a send would be allowed.
func (s WindowStatus) CanSend() bool { return s.Open && s.Left > 0 }

// String describes the status for an agent: "3 left, closes in 5h",
// "0 left, closes in 40s", "closed" or "closed 2h ago".
func (s WindowStatus) String() string {
	if !s.Open {
		if s.ClosesAt.IsZero() {
			return "closed"
		}
		return "closed " + windowDuration(s.At.Sub(s.ClosesAt)) + " ago"
	}
	return strconv.Itoa(s.Left) + " left, closes in " + windowDuration(s.ClosesAt.Sub(s.At))
}

// windowDuration renders d coarsely, rounded down: "47h", "5m", "40s".
func windowDuration(d time.Duration) string {
	switch {
	case d >= time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	default:
		return fmt.Sprintf("%ds", int(d/time.Second))
	}
}
