package wechatmp

import (
	"context"
	"strings"
	"sync"
)

// MessageHandler is the host's code that answers one push. ServeMessage
// returns the passive Reply (nil: answer ReplySuccess) or an error. The Handler
// calls it with a context that ends before WeChat's five-second deadline; work
// that must outlive the answer should run on context.WithoutCancel(ctx).
//
// ServeMessage must be safe for concurrent use. It must not modify m.
type MessageHandler interface {
	ServeMessage(ctx context.Context, m *Message) (Reply, error)
}

// MessageHandlerFunc adapts a function to MessageHandler.
type MessageHandlerFunc func(ctx context.Context, m *Message) (Reply, error)

// ServeMessage calls f(ctx, m).
func (f MessageHandlerFunc) ServeMessage(ctx context.Context, m *Message) (Reply, error) {
	return f(ctx, m)
}

// Mux dispatches pushes to handlers registered by MsgType, by Event (for
// MsgType "event") and by InfoType (third-party-platform notices), with a
// fallback for everything else. Event names match exactly first and then
// case-insensitively, since WeChat spells some events in more than one case.
//
// The zero value is an empty Mux that answers every push with no reply. A Mux is
// safe for concurrent use; handlers may be registered while it serves.
type Mux struct {
	mu       sync.RWMutex
	types    map[MsgType]MessageHandler
	events   map[EventType]MessageHandler
	infos    map[InfoType]MessageHandler
	fallback MessageHandler
}

var _ MessageHandler = (*Mux)(nil)

// Handle registers h for ordinary messages of type t (text, image, …). A nil h
// removes the registration. Handle(MsgTypeEvent, h) catches events that have no
// handler of their own.
func (x *Mux) Handle(t MsgType, h MessageHandler) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.types = muxSet(x.types, t, h)
}

// HandleFunc registers f for messages of type t.
func (x *Mux) HandleFunc(t MsgType, f func(ctx context.Context, m *Message) (Reply, error)) {
	x.Handle(t, muxFunc(f))
}

// HandleEvent registers h for events named e. A nil h removes the
// registration.
func (x *Mux) HandleEvent(e EventType, h MessageHandler) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.events = muxSet(x.events, e, h)
}

// HandleEventFunc registers f for events named e.
func (x *Mux) HandleEventFunc(e EventType, f func(ctx context.Context, m *Message) (Reply, error)) {
	x.HandleEvent(e, muxFunc(f))
}

// HandleInfo registers h for third-party-platform notices of type i
// (component_verify_ticket, authorized, …). A nil h removes the registration.
func (x *Mux) HandleInfo(i InfoType, h MessageHandler) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.infos = muxSet(x.infos, i, h)
}

// HandleInfoFunc registers f for notices of type i.
func (x *Mux) HandleInfoFunc(i InfoType, f func(ctx context.Context, m *Message) (Reply, error)) {
	x.HandleInfo(i, muxFunc(f))
}

// HandleFallback registers h for every push no other registration matches,
// unknown types included. A nil h (the default) answers with no reply.
func (x *Mux) HandleFallback(h MessageHandler) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.fallback = h
}

// Handler returns the handler that would serve m, or nil if none does.
func (x *Mux) Handler(m *Message) MessageHandler {
	x.mu.RLock()
	defer x.mu.RUnlock()
	switch {
	case m.InfoType != "":
		if h, ok := x.infos[m.InfoType]; ok {
			return h
		}
	case m.MsgType == MsgTypeEvent:
		if h := muxLookupEvent(x.events, m.Event); h != nil {
			return h
		}
		if h, ok := x.types[MsgTypeEvent]; ok {
			return h
		}
	default:
		if h, ok := x.types[m.MsgType]; ok {
			return h
		}
	}
	return x.fallback
}

// ServeMessage dispatches m to the matching handler; with none it returns a nil
// Reply and no error.
func (x *Mux) ServeMessage(ctx context.Context, m *Message) (Reply, error) {
	h := x.Handler(m)
	if h == nil {
		return nil, nil
	}
	return h.ServeMessage(ctx, m)
}

func muxLookupEvent(events map[EventType]MessageHandler, e EventType) MessageHandler {
	if h, ok := events[e]; ok {
		return h
	}
	for k, h := range events {
		if strings.EqualFold(string(k), string(e)) {
			return h
		}
	}
	return nil
}

func muxSet[K comparable](m map[K]MessageHandler, k K, h MessageHandler) map[K]MessageHandler {
	if h == nil {
		delete(m, k)
		return m
	}
	if m == nil {
		m = make(map[K]MessageHandler)
	}
	m[k] = h
	return m
}

func muxFunc(f func(ctx context.Context, m *Message) (Reply, error)) MessageHandler {
	if f == nil {
		return nil
	}
	return MessageHandlerFunc(f)
}
