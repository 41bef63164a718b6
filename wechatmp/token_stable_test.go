package wechatmp_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// TestStableTokenSource: force_refresh=false returns the current token again
// (so uncoordinated replicas do not knock each other out); force_refresh=true
// replaces it at once; Config.StableToken makes the Client use stable_token.
func TestStableTokenSource(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	ctx := context.Background()
	src := &wechatmp.StableTokenSource{AppID: srv.AppID(), AppSecret: srv.AppSecret(), BaseURL: srv.URL, Now: srv.Clock.Now}
	a, err := src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := src.Token(ctx)
	if err != nil || b.Value != a.Value {
		t.Fatalf("second stable token %q (%v), want the first %q", b.Value, err, a.Value)
	}
	if !a.ExpiresAt.Equal(srv.Clock.Now().Add(2 * time.Hour)) {
		t.Fatalf("expires %v", a.ExpiresAt)
	}

	c := clientTestNew(t, srv, func(c *wechatmp.Config) { c.StableToken = true })
	if _, err := c.UserInfo(ctx, "o1", ""); err != nil {
		t.Fatal(err)
	}
	if srv.TokenFetches() != 0 || srv.StableTokenFetches() != 3 {
		t.Fatalf("token fetches %d, stable %d; want 0 and 3", srv.TokenFetches(), srv.StableTokenFetches())
	}

	forced, err := src.ForceToken(ctx)
	if err != nil || forced.Value == a.Value {
		t.Fatalf("forced %q (%v), want a new token", forced.Value, err)
	}
	// The client's cached token is now stale: 40001, refreshed and retried.
	if _, err := c.UserInfo(ctx, "o1", ""); err != nil {
		t.Fatal(err)
	}
	bad := &wechatmp.StableTokenSource{AppID: srv.AppID(), AppSecret: "wrong", BaseURL: srv.URL}
	var ae *wechatmp.APIError
	if _, err := bad.Token(ctx); !errors.As(err, &ae) || ae.Code != 40125 {
		t.Fatalf("wrong secret: %v", err)
	}
}
