package mptest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// TestServerTyping: the typing status lasts 15 s and may not be sent again
// while shown (45081); CancelTyping and a customer-service message end it
// (wechat.md §6.3).
func TestServerTyping(t *testing.T) {
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()
	ctx := context.Background()
	c := staticClient(t, srv, srv.IssueToken())
	srv.Interact("o_t", wechatmp.InteractionMessage)

	wantCode(t, "first Typing", c.Typing(ctx, "o_t"), 0)
	wantCode(t, "Typing while shown", c.Typing(ctx, "o_t"), 45081)
	srv.Clock.Advance(15 * time.Second)
	wantCode(t, "Typing after 15 s", c.Typing(ctx, "o_t"), 0)

	wantCode(t, "CancelTyping", c.CancelTyping(ctx, "o_t"), 0)
	wantCode(t, "Typing after CancelTyping", c.Typing(ctx, "o_t"), 0)

	wantCode(t, "send", c.SendText(ctx, "o_t", "here"), 0)
	wantCode(t, "Typing after a message", c.Typing(ctx, "o_t"), 0)

	// Another user's status is their own.
	srv.Interact("o_u", wechatmp.InteractionMessage)
	wantCode(t, "other user", c.Typing(ctx, "o_u"), 0)
}

// TestServerTypingNeedsMessageInteraction: only an interaction that opens
// the customer-service window counts as the recent interaction typing needs
// (wechat.md §6.3: "需要客服之前 30 秒内跟用户有过消息交互", and only when a
// customer-service send would be allowed); a VIEW tap or a location report
// does not.
func TestServerTypingNeedsMessageInteraction(t *testing.T) {
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()
	srv.SetCallback(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("success")) }))
	ctx := context.Background()
	c := staticClient(t, srv, srv.IssueToken())
	u := srv.User("o_v")
	if _, err := u.View(ctx, "https://example.com/"); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Event(ctx, wechatmp.EventLocation, mptest.Field{Name: "Latitude", Value: "23.1"},
		mptest.Field{Name: "Longitude", Value: "113.3"}, mptest.Field{Name: "Precision", Value: "65"}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "Typing after VIEW and LOCATION only", c.Typing(ctx, "o_v"), 45080)
	if _, err := u.Click(ctx, "menu"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "Typing after a CLICK", c.Typing(ctx, "o_v"), 0)
}

// TestServerClearQuotaMonthly: clear_quota may be used 10 times a month
// (48006 beyond); the allowance comes back the next month (wechat.md §6.8).
func TestServerClearQuotaMonthly(t *testing.T) {
	srv := mptest.NewServer(mptest.Config{Clock: mptest.NewClock(time.Date(2026, 1, 30, 12, 0, 0, 0, time.UTC))})
	defer srv.Close()
	ctx := context.Background()
	c := staticClient(t, srv, srv.IssueToken())
	for i := range 10 {
		wantCode(t, "clear_quota "+string(rune('1'+i)), c.ClearQuota(ctx), 0)
	}
	wantCode(t, "11th clear_quota of the month", c.ClearQuota(ctx), 48006)
	srv.Clock.Advance(3 * 24 * time.Hour) // February
	c = staticClient(t, srv, srv.IssueToken())
	wantCode(t, "clear_quota the next month", c.ClearQuota(ctx), 0)
	if n := srv.ClearQuotaCalls(); n != 11 {
		t.Fatalf("ClearQuotaCalls = %d, want 11", n)
	}
}
