package mptest_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// feedWindow stands in for the wechatmp Handler in this example: it records
// each push's interaction into the Window and answers "success".
func feedWindow(appID string, w *wechatmp.Window) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var m struct {
			FromUserName string
			CreateTime   int64
			MsgType      wechatmp.MsgType
			Event        wechatmp.EventType
		}
		_ = xml.NewDecoder(r.Body).Decode(&m)
		if k := wechatmp.InteractionOf(m.MsgType, m.Event); k != wechatmp.InteractionNone {
			_ = w.RecordInteraction(r.Context(), appID, m.FromUserName, k, time.Unix(m.CreateTime, 0))
		}
		_, _ = io.WriteString(rw, "success")
	})
}

// A user asks a question, an agent answers through the customer-service API,
// and two days later the window is closed: the client refuses locally.
func Example() {
	ctx := context.Background()
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()

	window := wechatmp.NewWindow(nil, srv.Clock.Now)
	srv.SetCallback(feedWindow(srv.AppID(), window)) // the host's callback handler
	cfg := srv.ClientConfig()
	cfg.Window = window
	client, err := wechatmp.NewClient(cfg)
	if err != nil {
		panic(err)
	}

	if _, err := srv.User("o_alice").SendText(ctx, "Where is my order?"); err != nil {
		panic(err)
	}
	status, _ := window.Status(ctx, srv.AppID(), "o_alice")
	fmt.Println("window:", status)

	if err := client.SendText(ctx, "o_alice", "It ships today."); err != nil {
		panic(err)
	}
	for _, m := range srv.SentTo("o_alice") {
		fmt.Println("sent:", m.API, m.MsgType, m.Text)
	}

	srv.Clock.Advance(49 * time.Hour)
	err = client.SendText(ctx, "o_alice", "Anything else?")
	fmt.Println("49 h later:", errors.Is(err, wechatmp.ErrWindowClosed), "- platform calls:", srv.Calls("/cgi-bin/message/custom/send"))
	// Output:
	// window: 5 left, closes in 48h
	// sent: custom text It ships today.
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
