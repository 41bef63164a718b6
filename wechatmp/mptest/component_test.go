package mptest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// postJSON posts in to the API path and decodes the reply into out.
func postJSON(t *testing.T, srv *mptest.Server, path string, in, out any) {
	t.Helper()
	body, _ := json.Marshal(in)
	resp, err := http.Post(srv.URL+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

// componentToken calls api_component_token with ticket and returns the
// errcode (0 on success).
func componentToken(t *testing.T, srv *mptest.Server, ticket string) int {
	t.Helper()
	var r struct {
		ErrCode int    `json:"errcode"`
		Token   string `json:"component_access_token"`
	}
	postJSON(t, srv, "/cgi-bin/component/api_component_token", map[string]string{"component_appid": srv.ComponentAppID(),
		"component_appsecret": "component-secret", "component_verify_ticket": ticket}, &r)
	if r.ErrCode == 0 && r.Token == "" {
		t.Fatal("no errcode and no component_access_token")
	}
	return r.ErrCode
}

// TestServerVerifyTicketLifetime: every component_verify_ticket is valid for
// 12 hours (wechat.md §7), also after a newer one was pushed.
func TestServerVerifyTicketLifetime(t *testing.T) {
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()
	a := srv.PushVerifyTicket()
	srv.Clock.Advance(time.Hour)
	b := srv.PushVerifyTicket()
	for _, tt := range []struct {
		what   string
		ticket string
		code   int
	}{
		{"the previous ticket, 1 h old", a, 0},
		{"the latest ticket", b, 0},
		{"a forged ticket", "ticket@@@forged", 61006},
		{"an empty ticket", "", 61006},
	} {
		if got := componentToken(t, srv, tt.ticket); got != tt.code {
			t.Errorf("%s: errcode %d, want %d", tt.what, got, tt.code)
		}
	}
	srv.Clock.Advance(11 * time.Hour) // a is 12 h old, b 11 h
	if got := componentToken(t, srv, a); got != 61006 {
		t.Errorf("a 12-hour-old ticket: errcode %d, want 61006", got)
	}
	if got := componentToken(t, srv, b); got != 0 {
		t.Errorf("an 11-hour-old ticket: errcode %d, want 0", got)
	}
	srv.Clock.Advance(time.Hour)
	if got := componentToken(t, srv, b); got != 61006 {
		t.Errorf("the latest ticket after 12 h: errcode %d, want 61006", got)
	}
}

// TestServerAuthorizerRefreshTokenStable: an authorizer_refresh_token stays
// valid as long as the account does not revoke the authorisation; only a new
// authorisation changes it (wechat.md §7).
func TestServerAuthorizerRefreshTokenStable(t *testing.T) {
	srv := mptest.NewServer(mptest.Config{})
	defer srv.Close()
	var ct struct {
		Token string `json:"component_access_token"`
	}
	postJSON(t, srv, "/cgi-bin/component/api_component_token", map[string]string{"component_appid": srv.ComponentAppID(),
		"component_appsecret": "component-secret", "component_verify_ticket": srv.PushVerifyTicket()}, &ct)
	refresh := func(rt string) (code int, returned string) {
		var r struct {
			ErrCode int    `json:"errcode"`
			Token   string `json:"authorizer_access_token"`
			Refresh string `json:"authorizer_refresh_token"`
		}
		postJSON(t, srv, "/cgi-bin/component/api_authorizer_token?component_access_token="+ct.Token,
			map[string]string{"component_appid": srv.ComponentAppID(), "authorizer_appid": "wxauth", "authorizer_refresh_token": rt}, &r)
		if r.ErrCode == 0 && r.Token == "" {
			t.Fatal("no errcode and no authorizer_access_token")
		}
		return r.ErrCode, r.Refresh
	}
	rt := srv.Authorize("wxauth")
	for i := range 3 { // e.g. two replicas refreshing with the token they stored
		if code, got := refresh(rt); code != 0 || got != rt {
			t.Fatalf("refresh %d with the authorisation's refresh token: errcode %d, returned %q, want 0 and %q", i, code, got, rt)
		}
	}
	rt2 := srv.Authorize("wxauth") // authorised again: a new refresh token
	if rt2 == rt {
		t.Fatal("a new authorisation kept the refresh token")
	}
	if code, _ := refresh(rt); code != 61023 {
		t.Fatalf("the previous authorisation's refresh token: errcode %d, want 61023", code)
	}
	if code, got := refresh(rt2); code != 0 || got != rt2 {
		t.Fatalf("the new refresh token: errcode %d, returned %q", code, got)
	}
}
