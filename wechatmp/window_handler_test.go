package wechatmp_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// windowHandlerSetup wires the real Handler (secure mode) to the fake
// platform: the Handler feeds win through HandlerConfig.Interactions, and c
// sends with win as its local guard. handle, if set, answers every push.
func windowHandlerSetup(t *testing.T, handle wechatmp.MessageHandlerFunc) (*mptest.Server, *wechatmp.Window, *wechatmp.Client) {
	t.Helper()
	srv := clientTestServer(t, mptest.Config{Mode: mptest.ModeSecure})
	win := wechatmp.NewWindow(nil, srv.Clock.Now)
	if handle == nil {
		handle = func(context.Context, *wechatmp.Message) (wechatmp.Reply, error) { return nil, nil }
	}
	h, err := wechatmp.NewHandler(wechatmp.HandlerConfig{
		Crypter: srv.Crypter(), RequireEncryption: true, Handler: handle,
		Interactions: win, Now: srv.Clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.SetCallback(h)
	return srv, win, clientTestNew(t, srv, func(c *wechatmp.Config) { c.Window = win })
}

// TestHandlerFeedsWindow drives every kind of interaction through the real
// Handler and checks, after each, that the Window the Handler fed agrees with
// the platform's own window: kind, sends left and closing time.
func TestHandlerFeedsWindow(t *testing.T) {
	srv, win, c := windowHandlerSetup(t, nil)
	ctx := context.Background()
	u := srv.User("o_w")
	same := func(step string, want wechatmp.Interaction, left int) {
		t.Helper()
		got, err := win.Status(ctx, srv.AppID(), "o_w")
		if err != nil {
			t.Fatal(err)
		}
		plat := srv.WindowOf("o_w")
		if got.Kind != want || got.Left != left || got.Kind != plat.Kind || got.Left != plat.Left || !got.ClosesAt.Equal(plat.ClosesAt) {
			t.Fatalf("%s: window %+v (%q), platform %+v; want kind %v with %d left", step, got, got, plat, want, left)
		}
	}
	push := func(step string, d *mptest.Delivery, err error) {
		t.Helper()
		if err != nil || d.Failed || d.Status != 200 || d.ReplyErr != nil {
			t.Fatalf("%s: delivery %+v, %v", step, d, err)
		}
	}
	send := func(n int) {
		t.Helper()
		for i := range n {
			if err := c.SendText(ctx, "o_w", "answer"); err != nil {
				t.Fatalf("send %d: %v", i+1, err)
			}
		}
	}

	d, err := u.SendText(ctx, "hello")
	push("text", d, err)
	same("text", wechatmp.InteractionMessage, 5)
	send(2)
	same("text + 2 sends", wechatmp.InteractionMessage, 3)
	if s, _ := win.Status(ctx, srv.AppID(), "o_w"); s.String() != "3 left, closes in 48h" {
		t.Fatalf("status %q", s)
	}

	// Pushes that open no window change nothing.
	srv.Clock.Advance(time.Second)
	d, err = u.View(ctx, "https://example.com")
	push("VIEW", d, err)
	d, err = u.Event(ctx, wechatmp.EventLocation, mptest.Field{Name: "Latitude", Value: "23.1"}, mptest.Field{Name: "Longitude", Value: "113.2"}, mptest.Field{Name: "Precision", Value: "30"})
	push("LOCATION", d, err)
	same("VIEW, LOCATION", wechatmp.InteractionMessage, 3)

	// A menu tap while the message window is open with sends left keeps it.
	srv.Clock.Advance(time.Second)
	d, err = u.Click(ctx, "HELP")
	push("CLICK in a message window", d, err)
	same("CLICK in a message window", wechatmp.InteractionMessage, 3)

	// Once that window has closed, each 1-minute interaction refreshes the
	// window to 3 sends: 3, not 3+3.
	srv.Clock.Advance(48 * time.Hour)
	steps := []struct {
		name string
		do   func() (*mptest.Delivery, error)
		kind wechatmp.Interaction
	}{
		{"CLICK", func() (*mptest.Delivery, error) { return u.Click(ctx, "HELP") }, wechatmp.InteractionMenu},
		{"scancode_push", func() (*mptest.Delivery, error) { return u.ScancodePush(ctx, "SCAN", "https://x", false) }, wechatmp.InteractionMenu},
		{"scancode_waitmsg", func() (*mptest.Delivery, error) { return u.ScancodePush(ctx, "SCAN", "https://x", true) }, wechatmp.InteractionMenu},
		{"SCAN", func() (*mptest.Delivery, error) { return u.Scan(ctx, "scene_1") }, wechatmp.InteractionScan},
		{"subscribe", func() (*mptest.Delivery, error) { return u.Follow(ctx, "promo") }, wechatmp.InteractionFollow},
	}
	for _, s := range steps {
		srv.Clock.Advance(time.Second)
		d, err := s.do()
		push(s.name, d, err)
		same(s.name, s.kind, 3)
		send(1)
		same(s.name+" + 1 send", s.kind, 2)
	}
	// The follow window closes after a minute: refused locally.
	srv.Clock.Advance(time.Minute)
	calls := srv.Calls("/cgi-bin/message/custom/send")
	if err := c.SendText(ctx, "o_w", "late"); !errors.Is(err, wechatmp.ErrWindowClosed) {
		t.Fatalf("after the 1-minute window: %v", err)
	}
	if srv.Calls("/cgi-bin/message/custom/send") != calls {
		t.Fatal("send to a closed window reached the platform")
	}
	// A new message reopens it for 48 hours.
	d, err = u.SendVoice(ctx, []byte("#!AMR"), "amr", "hi")
	push("voice", d, err)
	same("voice", wechatmp.InteractionMessage, 5)
}

// TestHandlerRetriedPushOpensOneWindow: a host that answers late gets WeChat's
// retry; the Handler answers it from its dedup store without running the
// MessageHandler again, and the window is the one the push opened.
func TestHandlerRetriedPushOpensOneWindow(t *testing.T) {
	var calls atomic.Int32
	var srv *mptest.Server
	srv, win, c := windowHandlerSetup(t, func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
		if calls.Add(1) == 1 {
			srv.Clock.Advance(6 * time.Second) // slower than WeChat's 5 s
		}
		return wechatmp.TextReply{Content: "got " + m.Content}, nil
	})
	ctx := context.Background()
	d, err := srv.User("o_r").SendText(ctx, "hello")
	if err != nil {
		t.Fatal(err)
	}
	if d.Attempts != 2 || d.Late != 1 || d.Failed {
		t.Fatalf("delivery: attempts %d late %d failed %v", d.Attempts, d.Late, d.Failed)
	}
	if r, ok, err := d.Reply(); err != nil || !ok || r.Content != "got hello" {
		t.Fatalf("reply to the retry: %+v %v %v", r, ok, err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("MessageHandler ran %d times, want 1", n)
	}
	if err := c.SendText(ctx, "o_r", "answer"); err != nil {
		t.Fatal(err)
	}
	if s, _ := win.Status(ctx, srv.AppID(), "o_r"); s.Left != 4 || s.Kind != wechatmp.InteractionMessage {
		t.Fatalf("window %+v", s)
	}
}

// TestHandlerAgainstPlatformModes: the real Handler answers the fake
// platform's pushes in every encryption mode, XML and JSON, with a passive
// reply the platform accepts, and feeds the Window each time.
func TestHandlerAgainstPlatformModes(t *testing.T) {
	for _, mode := range []mptest.Mode{mptest.ModePlaintext, mptest.ModeCompatible, mptest.ModeSecure} {
		for _, js := range []bool{false, true} {
			name := mode.String() + "/xml"
			if js {
				name = mode.String() + "/json"
			}
			t.Run(name, func(t *testing.T) {
				srv := clientTestServer(t, mptest.Config{Mode: mode, JSON: js})
				win := wechatmp.NewWindow(nil, srv.Clock.Now)
				h, err := wechatmp.NewHandler(wechatmp.HandlerConfig{
					Crypter: srv.Crypter(), Interactions: win, Now: srv.Clock.Now, RequireEncryption: mode == mptest.ModeSecure,
					Handler: wechatmp.MessageHandlerFunc(func(_ context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
						return wechatmp.TextReply{Content: "echo: " + m.Content}, nil
					}),
				})
				if err != nil {
					t.Fatal(err)
				}
				srv.SetCallback(h)
				d, err := srv.User("o_m").SendText(context.Background(), "你好 <b>&</b>")
				if err != nil {
					t.Fatal(err)
				}
				r, ok, err := d.Reply()
				if err != nil || !ok || r.Content != "echo: 你好 <b>&</b>" || r.MsgType != "text" || d.Attempts != 1 {
					t.Fatalf("reply %+v, %v, %v (attempts %d, status %d, answer %.200s)", r, ok, err, d.Attempts, d.Status, d.Answer)
				}
				if s, _ := win.Status(context.Background(), srv.AppID(), "o_m"); s.Left != 5 || s.Kind != wechatmp.InteractionMessage {
					t.Fatalf("window %+v", s)
				}
			})
		}
	}
}
