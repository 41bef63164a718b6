package mptest_test

import (
	"context"
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
