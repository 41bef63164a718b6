package mptest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// A user asks a question over an encrypted callback, the host's Handler
// replies and records the customer-service window, an agent answers through
// the customer-service API, and two days later the window is closed: the
// client refuses locally, without calling WeChat.
func Example() {
	ctx := context.Background()
	srv := mptest.NewServer(mptest.Config{Mode: mptest.ModeSecure})
	defer srv.Close()

	// The host: a Handler that feeds the Window, and a Client guarded by it.
	window := wechatmp.NewWindow(nil, srv.Clock.Now)
	mux := &wechatmp.Mux{}
	mux.HandleFunc(wechatmp.MsgTypeText, func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
		return wechatmp.TextReply{Content: "An agent will answer shortly."}, nil
	})
	handler, err := wechatmp.NewHandler(wechatmp.HandlerConfig{
		Crypter: srv.Crypter(), Handler: mux, Interactions: window, Now: srv.Clock.Now,
	})
	if err != nil {
		panic(err)
	}
	srv.SetCallback(handler) // or SetCallbackURL with a real server
	cfg := srv.ClientConfig()
	cfg.Window = window
	client, err := wechatmp.NewClient(cfg)
	if err != nil {
		panic(err)
	}

	d, err := srv.User("o_alice").SendText(ctx, "Where is my order?")
	if err != nil {
		panic(err)
	}
	reply, _, _ := d.Reply() // decrypted and checked as WeChat would
	fmt.Println("passive reply:", reply.Content)
	status, _ := window.Status(ctx, srv.AppID(), "o_alice")
	fmt.Println("window:", status)

	srv.Clock.Advance(30 * time.Minute) // the agent answers half an hour later
	if err := client.SendText(ctx, "o_alice", "It ships today."); err != nil {
		panic(err)
	}
	for _, m := range srv.SentTo("o_alice") {
		fmt.Println("sent:", m.API, m.MsgType, m.Text)
	}
	status, _ = window.Status(ctx, srv.AppID(), "o_alice")
	fmt.Println("window:", status)

	srv.Clock.Advance(49 * time.Hour)
	err = client.SendText(ctx, "o_alice", "Anything else?")
	fmt.Println("49 h later:", errors.Is(err, wechatmp.ErrWindowClosed), "- platform calls:", srv.Calls("/cgi-bin/message/custom/send"))
	// Output:
	// passive reply: An agent will answer shortly.
	// window: 5 left, closes in 48h
	// sent: custom text It ships today.
	// window: 4 left, closes in 47h
	// 49 h later: true - platform calls: 1
}

// A host that takes 6 seconds is late: WeChat re-sends the push.
func ExampleUser_SendText_retry() {
	srv := mptest.NewServer(mptest.Config{Mode: mptest.ModeSecure})
	defer srv.Close()
	first := true
	srv.SetCallback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if first {
			first = false
			srv.Clock.Advance(6 * time.Second) // too slow
		}
		_, _ = io.WriteString(w, "success")
	}))
	d, err := srv.User("o_bob").SendText(context.Background(), "hello")
	if err != nil {
		panic(err)
	}
	fmt.Printf("attempts=%d late=%d failed=%v\n", d.Attempts, d.Late, d.Failed)
	// Output:
	// attempts=2 late=1 failed=false
}

// The image a user sends can be downloaded with the Client.
func ExampleUser_SendImage() {
	ctx := context.Background()
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()
	srv.SetCallback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "success") }))
	client, _ := wechatmp.NewClient(srv.ClientConfig())

	d, _ := srv.User("o_carol").SendImage(ctx, []byte("\x89PNG\r\n\x1a\n...pixels..."))
	file, err := client.DownloadMedia(ctx, d.Push.Field("MediaId"))
	if err != nil {
		panic(err)
	}
	fmt.Println(file.ContentType, len(file.Data), "bytes")
	// Output:
	// image/png 20 bytes
}
