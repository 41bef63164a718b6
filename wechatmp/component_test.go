package wechatmp_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

func TestThirdPartyPlatformTokens(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	ctx := context.Background()
	store := &wechatmp.MemoryComponentStore{Now: srv.Clock.Now}
	component := &wechatmp.CachedTokenSource{
		Base: &wechatmp.ComponentTokenSource{ComponentAppID: srv.ComponentAppID(), ComponentAppSecret: "component-secret",
			Store: store, BaseURL: srv.URL, Now: srv.Clock.Now},
		Key: "component:" + srv.ComponentAppID(), Now: srv.Clock.Now,
	}
	// No ticket pushed yet.
	if _, err := component.Token(ctx); err == nil {
		t.Fatal("want an error before the first component_verify_ticket")
	}
	ticket := srv.PushVerifyTicket()
	if err := component.Base.(*wechatmp.ComponentTokenSource).SetVerifyTicket(ctx, ticket, srv.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	const authorizer = "wxauthorizer01"
	refresh := srv.Authorize(authorizer)
	auth := &wechatmp.AuthorizerTokenSource{ComponentAppID: srv.ComponentAppID(), AuthorizerAppID: authorizer,
		Component: component, Store: store, BaseURL: srv.URL, Now: srv.Clock.Now}
	if _, err := auth.Token(ctx); !errors.Is(err, wechatmp.ErrNotFound) {
		t.Fatalf("without refresh token: %v", err)
	}
	if err := auth.SetRefreshToken(ctx, refresh); err != nil {
		t.Fatal(err)
	}
	c, err := wechatmp.NewClient(wechatmp.Config{AppID: authorizer, BaseURL: srv.URL, Now: srv.Clock.Now,
		Tokens: &wechatmp.CachedTokenSource{Base: auth, Key: "authorizer:" + authorizer, Now: srv.Clock.Now}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UserInfo(ctx, "o_x", ""); err != nil {
		t.Fatal(err)
	}
	// WeChat returns the refresh token unchanged (it is valid until the
	// authorisation is revoked): the stored one stays, and the next refresh
	// (after expiry) works with it.
	stored, _ := store.Get(ctx, wechatmp.AuthorizerRefreshKey(srv.ComponentAppID(), authorizer))
	if stored != refresh {
		t.Fatalf("stored refresh token %q, want the authorisation's %q", stored, refresh)
	}
	srv.Clock.Advance(3 * time.Hour)
	// The ticket expired after 12 h? Not yet (3 h): component token refreshes too.
	if _, err := c.UserInfo(ctx, "o_x", ""); err != nil {
		t.Fatal(err)
	}
	// 13 hours without a new ticket: the component token cannot be renewed.
	srv.Clock.Advance(13 * time.Hour)
	if _, err := c.UserInfo(ctx, "o_x", ""); err == nil {
		t.Fatal("want an error with an expired ticket")
	}
}

// TestComponentVerifyTicketThroughHandler: the whole third-party chain as a
// host runs it. WeChat pushes component_verify_ticket (encrypted with the
// component AppID) to the host's Handler, which stores it; the component
// token is fetched with it, and the authorizer token with that.
func TestComponentVerifyTicketThroughHandler(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	ctx := context.Background()
	store := &wechatmp.MemoryComponentStore{Now: srv.Clock.Now}
	base := &wechatmp.ComponentTokenSource{ComponentAppID: srv.ComponentAppID(), ComponentAppSecret: "component-secret",
		Store: store, BaseURL: srv.URL, Now: srv.Clock.Now}
	component := &wechatmp.CachedTokenSource{Base: base, Key: "component:" + srv.ComponentAppID(), Now: srv.Clock.Now}

	mux := &wechatmp.Mux{}
	mux.HandleInfoFunc(wechatmp.InfoComponentVerifyTicket, func(ctx context.Context, m *wechatmp.Message) (wechatmp.Reply, error) {
		return nil, base.SetVerifyTicket(ctx, m.Component.ComponentVerifyTicket, time.Unix(m.CreateTime, 0))
	})
	h, err := wechatmp.NewHandler(wechatmp.HandlerConfig{Crypter: srv.ComponentCrypter(), RequireEncryption: true, Handler: mux, Now: srv.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv.SetComponentCallback(h)
	ticket, d, err := srv.DeliverVerifyTicket(ctx)
	if err != nil || d.Failed || d.ReplyErr != nil || d.Attempts != 1 {
		t.Fatalf("delivery %+v, %v", d, err)
	}
	if got, _ := store.Get(ctx, "wechatmp:verify_ticket:"+srv.ComponentAppID()); got != ticket {
		t.Fatalf("stored ticket %q, want %q", got, ticket)
	}

	const authorizer = "wxauthorizer02"
	auth := &wechatmp.AuthorizerTokenSource{ComponentAppID: srv.ComponentAppID(), AuthorizerAppID: authorizer,
		Component: component, Store: store, BaseURL: srv.URL, Now: srv.Clock.Now}
	if err := auth.SetRefreshToken(ctx, srv.Authorize(authorizer)); err != nil {
		t.Fatal(err)
	}
	c, err := wechatmp.NewClient(wechatmp.Config{AppID: authorizer, BaseURL: srv.URL, Now: srv.Clock.Now,
		Tokens: &wechatmp.CachedTokenSource{Base: auth, Key: "authorizer:" + authorizer, Now: srv.Clock.Now}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UserInfo(ctx, "o_x", ""); err != nil {
		t.Fatal(err)
	}

	// A wrong component key: the Handler refuses the push, nothing is stored.
	other := clientTestServer(t, mptest.Config{EncodingAESKey: "otherKey0123456789abcdefghijklmnopqrstuvwxy"})
	other.SetComponentCallback(h)
	if _, d, err := other.DeliverVerifyTicket(ctx); err != nil || d.Status == 200 {
		t.Fatalf("push with a foreign key: %+v, %v", d, err)
	}
	if got, _ := store.Get(ctx, "wechatmp:verify_ticket:"+srv.ComponentAppID()); got != ticket {
		t.Fatalf("ticket replaced by a forged push: %q", got)
	}
}
