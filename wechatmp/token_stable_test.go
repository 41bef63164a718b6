package wechatmp_test

import (
	"context"
	"errors"
	"strings"
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

// TestTokenFetchErrorsHideSecrets: a transport error of a token request does
// not carry its URL, which holds the AppSecret (or a component token).
func TestTokenFetchErrorsHideSecrets(t *testing.T) {
	dead := mptest.NewServer(mptest.Config{})
	dead.Close()
	ctx := context.Background()
	src := &wechatmp.CredentialTokenSource{AppID: "wx1", AppSecret: "SECRET_APP_SECRET", BaseURL: dead.URL}
	_, err := src.Token(ctx)
	if err == nil || strings.Contains(err.Error(), "SECRET_APP_SECRET") {
		t.Fatalf("credential token error: %v", err)
	}
	auth := &wechatmp.AuthorizerTokenSource{ComponentAppID: "wxc", AuthorizerAppID: "wxa", BaseURL: dead.URL,
		Component: wechatmp.StaticTokenSource{Value: "SECRET_COMPONENT_TOKEN", ExpiresAt: time.Now().Add(time.Hour)},
		Store:     &wechatmp.MemoryComponentStore{}}
	if err := auth.SetRefreshToken(ctx, "r"); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Token(ctx); err == nil || strings.Contains(err.Error(), "SECRET_COMPONENT_TOKEN") {
		t.Fatalf("authorizer token error: %v", err)
	}
}
