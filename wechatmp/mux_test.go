package wechatmp

import (
	"context"
	"errors"
	"testing"
)

// muxTag replies with a text naming the registration that served the push.
func muxTag(tag string) MessageHandler {
	return MessageHandlerFunc(func(context.Context, *Message) (Reply, error) { return TextReply{Content: tag}, nil })
}

func muxServe(t *testing.T, x *Mux, m *Message) string {
	t.Helper()
	r, err := x.ServeMessage(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if r == nil {
		return "<none>"
	}
	return r.(TextReply).Content
}

func TestMuxDispatch(t *testing.T) {
	x := new(Mux)
	x.Handle(MsgTypeText, muxTag("text"))
	x.HandleFunc(MsgTypeImage, func(context.Context, *Message) (Reply, error) { return TextReply{Content: "image"}, nil })
	x.HandleEvent(EventClick, muxTag("click"))
	x.HandleEventFunc(EventScan, func(context.Context, *Message) (Reply, error) { return TextReply{Content: "scan"}, nil })
	x.HandleEvent("subscribe", muxTag("subscribe"))
	x.HandleInfo(InfoComponentVerifyTicket, muxTag("ticket"))
	x.HandleInfoFunc(InfoAuthorized, func(context.Context, *Message) (Reply, error) { return TextReply{Content: "authorized"}, nil })
	tests := []struct {
		name string
		m    Message
		want string
	}{
		{"text", Message{MsgType: MsgTypeText}, "text"},
		{"image", Message{MsgType: MsgTypeImage}, "image"},
		{"voice: no registration, no fallback", Message{MsgType: MsgTypeVoice}, "<none>"},
		{"click", Message{MsgType: MsgTypeEvent, Event: EventClick}, "click"},
		{"event spelled in another case", Message{MsgType: MsgTypeEvent, Event: "click"}, "click"},
		{"SCAN", Message{MsgType: MsgTypeEvent, Event: EventScan}, "scan"},
		{"subscribe", Message{MsgType: MsgTypeEvent, Event: EventSubscribe}, "subscribe"},
		{"unknown event", Message{MsgType: MsgTypeEvent, Event: "teleport"}, "<none>"},
		{"info", Message{InfoType: InfoComponentVerifyTicket}, "ticket"},
		{"info func", Message{InfoType: InfoAuthorized}, "authorized"},
		{"unknown info", Message{InfoType: "notify_x"}, "<none>"},
		{"unknown type", Message{MsgType: "hologram"}, "<none>"},
	}
	for _, tt := range tests {
		if got := muxServe(t, x, &tt.m); got != tt.want {
			t.Errorf("%s: served by %s, want %s", tt.name, got, tt.want)
		}
	}

	// Catch-alls: Handle(MsgTypeEvent) for events without their own handler,
	// the fallback for everything else.
	x.Handle(MsgTypeEvent, muxTag("any event"))
	x.HandleFallback(muxTag("fallback"))
	for _, tt := range []struct {
		m    Message
		want string
	}{
		{Message{MsgType: MsgTypeEvent, Event: "teleport"}, "any event"},
		{Message{MsgType: MsgTypeEvent, Event: EventClick}, "click"},
		{Message{MsgType: "hologram"}, "fallback"},
		{Message{InfoType: "notify_x"}, "fallback"},
		{Message{MsgType: MsgTypeVoice}, "fallback"},
	} {
		if got := muxServe(t, x, &tt.m); got != tt.want {
			t.Errorf("%+v: served by %s, want %s", tt.m, got, tt.want)
		}
	}

	// A nil handler removes a registration.
	x.Handle(MsgTypeText, nil)
	x.HandleEvent(EventClick, nil)
	x.HandleInfoFunc(InfoComponentVerifyTicket, nil)
	for _, m := range []Message{{MsgType: MsgTypeText}, {MsgType: MsgTypeEvent, Event: EventClick}, {InfoType: InfoComponentVerifyTicket}} {
		want := "fallback"
		if m.MsgType == MsgTypeEvent {
			want = "any event"
		}
		if got := muxServe(t, x, &m); got != want {
			t.Errorf("after removal %+v: served by %s, want %s", m, got, want)
		}
	}
}

func TestMuxZeroValueAndErrors(t *testing.T) {
	var x Mux
	if r, err := x.ServeMessage(context.Background(), &Message{MsgType: MsgTypeText}); r != nil || err != nil {
		t.Fatalf("zero Mux = %v, %v", r, err)
	}
	if x.Handler(&Message{MsgType: MsgTypeText}) != nil {
		t.Fatal("zero Mux has a handler")
	}
	boom := errors.New("boom")
	x.HandleFunc(MsgTypeText, func(context.Context, *Message) (Reply, error) { return nil, boom })
	if _, err := x.ServeMessage(context.Background(), &Message{MsgType: MsgTypeText}); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

// TestMuxConcurrentRegistration runs registrations beside dispatches (for -race).
func TestMuxConcurrentRegistration(t *testing.T) {
	x := new(Mux)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			x.HandleEvent(EventClick, muxTag("click"))
			x.HandleEvent(EventClick, nil)
		}
	}()
	for i := 0; i < 200; i++ {
		_, _ = x.ServeMessage(context.Background(), &Message{MsgType: MsgTypeEvent, Event: "CLICK"})
	}
	<-done
}
