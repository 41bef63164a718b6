package mptest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// staticClient calls srv with exactly the token tok (no refresh, no retry).
func staticClient(t *testing.T, srv *mptest.Server, tok string) *wechatmp.Client {
	t.Helper()
	cfg := srv.ClientConfig()
	cfg.Tokens = wechatmp.StaticTokenSource{Value: tok, ExpiresAt: srv.Clock.Now().Add(24 * time.Hour)}
	c, err := wechatmp.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, what string, err error, code int) {
	t.Helper()
	var ae *wechatmp.APIError
	if code == 0 {
		if err != nil {
			t.Fatalf("%s: %v, want success", what, err)
		}
		return
	}
	if !errors.As(err, &ae) || ae.Code != code {
		t.Fatalf("%s: %v, want errcode %d", what, err, code)
	}
}

// TestServerTokenLifecycle: tokens expire after TokenTTL (42001), a new token
// invalidates the previous one after TokenOverlap (40001), a missing token is
// 41001, and TokenRejections counts the refusals.
func TestServerTokenLifecycle(t *testing.T) {
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()
	ctx := context.Background()
	old := srv.IssueToken()
	wantCode(t, "fresh token", func() error { _, err := staticClient(t, srv, old).UserInfo(ctx, "o", ""); return err }(), 0)

	srv.Clock.Advance(time.Hour)
	newer := srv.IssueToken()
	srv.Clock.Advance(5*time.Minute - time.Second)
	wantCode(t, "old token inside the overlap", func() error { _, err := staticClient(t, srv, old).UserInfo(ctx, "o", ""); return err }(), 0)
	srv.Clock.Advance(time.Second)
	wantCode(t, "old token after the overlap", func() error { _, err := staticClient(t, srv, old).UserInfo(ctx, "o", ""); return err }(), 40001)
	wantCode(t, "newer token", func() error { _, err := staticClient(t, srv, newer).UserInfo(ctx, "o", ""); return err }(), 0)
	wantCode(t, "unknown token", func() error { _, err := staticClient(t, srv, "forged").UserInfo(ctx, "o", ""); return err }(), 40001)
	wantCode(t, "no token", func() error { _, err := staticClient(t, srv, "").UserInfo(ctx, "o", ""); return err }(), 41001)

	srv.Clock.Advance(2*time.Hour - 5*time.Minute) // newer was issued 2 h ago
	wantCode(t, "expired token", func() error { _, err := staticClient(t, srv, newer).UserInfo(ctx, "o", ""); return err }(), 42001)
	if got := srv.TokenRejections(); got != 4 {
		t.Fatalf("TokenRejections = %d, want 4", got)
	}

	// ExpireTokens ends every current token now; RevokeTokens invalidates.
	fresh := srv.IssueToken()
	srv.ExpireTokens()
	wantCode(t, "after ExpireTokens", func() error { _, err := staticClient(t, srv, fresh).UserInfo(ctx, "o", ""); return err }(), 42001)
	fresh = srv.IssueToken()
	srv.RevokeTokens()
	wantCode(t, "after RevokeTokens", func() error { _, err := staticClient(t, srv, fresh).UserInfo(ctx, "o", ""); return err }(), 40001)
}

// TestServerWindowAndQuotas: the platform enforces the window (45015, 45047),
// followers only (43004) and daily quotas (45009, reset by clear_quota and
// the next day), and records every accepted message.
func TestServerWindowAndQuotas(t *testing.T) {
	const send = "/cgi-bin/message/custom/send"
	srv := mptest.NewServer(mptest.Config{DailyQuotas: map[string]int{send: 8}})
	defer srv.Close()
	srv.SetCallback(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "success") }))
	ctx := context.Background()
	c := staticClient(t, srv, srv.IssueToken())
	text := func(to string) error { return c.SendText(ctx, to, "hi "+to) }

	wantCode(t, "never interacted", text("o_a"), 45015)
	if _, err := srv.User("o_a").Click(ctx, "HELP"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		wantCode(t, "menu window send", text("o_a"), 0)
	}
	wantCode(t, "4th send of a menu window", text("o_a"), 45047)
	srv.Clock.Advance(time.Minute)
	wantCode(t, "menu window after 1 min", text("o_a"), 45015)

	if _, err := srv.User("o_b").SendText(ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "message window send", text("o_b"), 0)
	wantCode(t, "message window send", text("o_b"), 0)
	// 8 calls so far today: the daily quota answers 45009 from now on.
	wantCode(t, "beyond the daily quota", text("o_b"), 45009)
	if err := c.ClearQuota(ctx); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "after clear_quota", text("o_b"), 0)

	if _, err := srv.User("o_b").Unfollow(ctx); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "after unfollow", text("o_b"), 43004)

	sent := srv.Sent()
	if len(sent) != 6 {
		t.Fatalf("recorded %d messages, want 6: %+v", len(sent), sent)
	}
	for _, m := range sent {
		if m.API != "custom" || m.MsgType != "text" || m.Text != "hi "+m.ToUser || m.At.IsZero() {
			t.Fatalf("recorded %+v", m)
		}
	}
	if got := len(srv.SentTo("o_a")); got != 3 {
		t.Fatalf("SentTo(o_a) = %d, want 3", got)
	}
}
