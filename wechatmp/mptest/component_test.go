package mptest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp/mptest"
)

// componentToken calls api_component_token with ticket and returns the
// errcode (0 on success).
func componentToken(t *testing.T, srv *mptest.Server, ticket string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"component_appid": srv.ComponentAppID(),
		"component_appsecret": "component-secret", "component_verify_ticket": ticket})
	resp, err := http.Post(srv.URL+"/cgi-bin/component/api_component_token", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		ErrCode int    `json:"errcode"`
		Token   string `json:"component_access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
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
