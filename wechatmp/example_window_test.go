package wechatmp_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// The window state an agent's screen shows.
func ExampleWindow_Status() {
	ctx := context.Background()
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	w := wechatmp.NewWindow(nil, func() time.Time { return now })

	// The Handler calls this for every push that opens a window.
	_ = w.RecordInteraction(ctx, "wxapp", "o_alice", wechatmp.InteractionMessage, now)
	_, _ = w.Reserve(ctx, "wxapp", "o_alice") // an agent's answer
	_, _ = w.Reserve(ctx, "wxapp", "o_alice")

	now = now.Add(43 * time.Hour)
	st, _ := w.Status(ctx, "wxapp", "o_alice")
	fmt.Println(st, st.CanSend())

	now = now.Add(6 * time.Hour)
	st, _ = w.Status(ctx, "wxapp", "o_alice")
	fmt.Println(st, st.CanSend())
	// Output:
	// 3 left, closes in 5h true
	// closed 1h ago false
}

// A proactive notice goes out as a customer-service message while the window
// is open, and as a template message after it closed.
func ExampleSender_Send() {
	ctx := context.Background()
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()
	window := wechatmp.NewWindow(nil, srv.Clock.Now)
	cfg := srv.ClientConfig()
	cfg.Window = window
	client, _ := wechatmp.NewClient(cfg)
	sender := &wechatmp.Sender{Client: client}

	notice := wechatmp.Notice{
		Custom: wechatmp.CustomMessage{ToUser: "o_bob", Text: &wechatmp.CustomText{Content: "Your refund was approved."}},
		Template: &wechatmp.TemplateMessage{TemplateID: "REFUND_TPL",
			Data: map[string]wechatmp.TemplateValue{"first": {Value: "Your refund was approved."}}},
	}
	// Bob wrote an hour ago (the Handler records this from his message).
	srv.Interact("o_bob", wechatmp.InteractionMessage)
	_ = window.RecordInteraction(ctx, srv.AppID(), "o_bob", wechatmp.InteractionMessage, srv.Clock.Now())
	srv.Clock.Advance(time.Hour)
	ch, err := sender.Send(ctx, notice)
	fmt.Println(ch, err)

	srv.Clock.Advance(48 * time.Hour)
	ch, err = sender.Send(ctx, notice)
	fmt.Println(ch, err)
	// Output:
	// custom <nil>
	// template <nil>
}
