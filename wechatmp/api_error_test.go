package wechatmp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/mptest"
)

func TestAPIErrorIs(t *testing.T) {
	sentinels := []error{wechatmp.ErrTokenInvalid, wechatmp.ErrWindowClosed, wechatmp.ErrWindowQuota, wechatmp.ErrRateLimited,
		wechatmp.ErrNotFollowing, wechatmp.ErrSubscriptionRefused, wechatmp.ErrSystemBusy, wechatmp.ErrUnauthorized, wechatmp.ErrCustomerService}
	cases := map[int]error{
		40001: wechatmp.ErrTokenInvalid, 40014: wechatmp.ErrTokenInvalid, 42001: wechatmp.ErrTokenInvalid,
		45015: wechatmp.ErrWindowClosed, 45047: wechatmp.ErrWindowQuota, 45009: wechatmp.ErrRateLimited, 45011: wechatmp.ErrRateLimited,
		43004: wechatmp.ErrNotFollowing, 43101: wechatmp.ErrSubscriptionRefused, -1: wechatmp.ErrSystemBusy,
		48001: wechatmp.ErrUnauthorized, 65499: wechatmp.ErrCustomerService,
		// Codes no sentinel covers, including the neighbours of the ranges.
		40003: nil, 40007: nil, 40013: nil, 40125: nil, 41001: nil, 42007: nil, 45008: nil, 45010: nil, 45016: nil, 45046: nil,
		45048: nil, 45080: nil, 43003: nil, 43005: nil, 43100: nil, 43102: nil, 48002: nil, 65399: nil, 65500: nil, -2: nil, 0: nil,
	}
	for code := 65400; code <= 65417; code++ { // every documented customer-service code
		cases[code] = wechatmp.ErrCustomerService
	}
	for code, want := range cases {
		var err error = fmt.Errorf("wrapped: %w", &wechatmp.APIError{Code: code, Msg: "m", Op: "/x"})
		for _, s := range sentinels {
			if got := errors.Is(err, s); got != (s == want) {
				t.Errorf("code %d: errors.Is(%v) = %v", code, s, got)
			}
		}
		var ae *wechatmp.APIError
		if !errors.As(err, &ae) || ae.Code != code {
			t.Errorf("code %d: errors.As failed", code)
		}
	}
	e := &wechatmp.APIError{Code: 45015, Msg: "response out of time limit", Op: "/cgi-bin/message/custom/send"}
	if got := e.Error(); got != "wechatmp: /cgi-bin/message/custom/send: errcode 45015: response out of time limit" {
		t.Errorf("Error() = %q", got)
	}
}

func clientTestResp(status int, ct, body string) (*http.Response, error) {
	resp := &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)),
		Request: &http.Request{URL: &url.URL{Path: "/cgi-bin/media/get"}}}
	if ct != "" {
		resp.Header.Set("Content-Type", ct)
	}
	return resp, wechatmp.CheckResponse(resp)
}

func TestCheckResponse(t *testing.T) {
	// JSON error body on a media download (status 200).
	_, err := clientTestResp(200, "application/json; encoding=utf-8", `{"errcode":40007,"errmsg":"invalid media_id"}`)
	var ae *wechatmp.APIError
	if !errors.As(err, &ae) || ae.Code != 40007 || ae.Op != "/cgi-bin/media/get" {
		t.Fatalf("err = %v", err)
	}
	// text/plain JSON (WeChat sends it sometimes) and untyped bodies starting with '{'.
	if _, err := clientTestResp(200, "text/plain", `{"errcode":-1,"errmsg":"system error"}`); !errors.Is(err, wechatmp.ErrSystemBusy) {
		t.Fatalf("text/plain: %v", err)
	}
	if _, err := clientTestResp(200, "", ` {"errcode":45009,"errmsg":"api freq out of limit"}`); !errors.Is(err, wechatmp.ErrRateLimited) {
		t.Fatalf("untyped: %v", err)
	}
	// Success bodies pass and stay readable.
	resp, err := clientTestResp(200, "application/json", `{"errcode":0,"errmsg":"ok","msgid":7}`)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); !strings.Contains(string(b), "msgid") {
		t.Fatalf("body not re-readable: %q", b)
	}
	// Binary media that happens to start with '{' but is typed image/jpeg.
	if _, err := clientTestResp(200, "image/jpeg", `{"errcode":1}`); err != nil {
		t.Fatalf("binary body: %v", err)
	}
	// Non-2xx.
	_, err = clientTestResp(502, "text/html", "bad gateway")
	var he *wechatmp.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 502 {
		t.Fatalf("502: %v", err)
	}
}

// TestAPIErrorsFromPlatform checks that every code callers branch on, as the
// platform sends it, reaches the caller as an *APIError matching its sentinel.
func TestAPIErrorsFromPlatform(t *testing.T) {
	srv := clientTestServer(t, mptest.Config{})
	c := clientTestNew(t, srv, nil)
	ctx := context.Background()
	cases := []struct {
		code int
		want error
	}{
		{40001, wechatmp.ErrTokenInvalid}, {40014, wechatmp.ErrTokenInvalid}, {42001, wechatmp.ErrTokenInvalid},
		{45015, wechatmp.ErrWindowClosed}, {45047, wechatmp.ErrWindowQuota},
		{45009, wechatmp.ErrRateLimited}, {45011, wechatmp.ErrRateLimited},
		{43004, wechatmp.ErrNotFollowing}, {43101, wechatmp.ErrSubscriptionRefused},
		{-1, wechatmp.ErrSystemBusy}, {48001, wechatmp.ErrUnauthorized},
		{65400, wechatmp.ErrCustomerService}, {65413, wechatmp.ErrCustomerService}, {65417, wechatmp.ErrCustomerService},
	}
	const op = "/cgi-bin/message/template/send"
	for _, tc := range cases {
		codes := []int{tc.code}
		if errors.Is(&wechatmp.APIError{Code: tc.code}, wechatmp.ErrTokenInvalid) {
			codes = append(codes, tc.code) // the client refreshes and retries once
		}
		srv.FailNext(op, codes...)
		before := srv.Calls(op)
		_, err := c.SendTemplate(ctx, wechatmp.TemplateMessage{ToUser: "o_err", TemplateID: "T"})
		var ae *wechatmp.APIError
		if !errors.As(err, &ae) || ae.Code != tc.code || ae.Op != op || !errors.Is(err, tc.want) {
			t.Errorf("code %d: err = %v, want an *APIError matching %v", tc.code, err, tc.want)
		}
		if got := srv.Calls(op) - before; got != len(codes) {
			t.Errorf("code %d: %d calls, want %d", tc.code, got, len(codes))
		}
	}
}

// FuzzCheckResponse: any reply body and Content-Type is classified without
// panicking; an *APIError always has a non-zero code, and the body stays
// readable unchanged for the caller.
func FuzzCheckResponse(f *testing.F) {
	f.Add(200, "application/json", `{"errcode":40007,"errmsg":"invalid media_id"}`)
	f.Add(200, "text/plain", `{"errcode":-1}`)
	f.Add(200, "", ` {"errcode":"45009"}`)
	f.Add(200, "image/jpeg", "\xff\xd8\xff{")
	f.Add(502, "text/html", "bad gateway")
	f.Add(200, "application/json; charset=", `{"errcode":0,"errmsg":"ok"}`)
	f.Fuzz(func(t *testing.T, status int, ct, body string) {
		resp, err := clientTestResp(status, ct, body)
		var ae *wechatmp.APIError
		if errors.As(err, &ae) && ae.Code == 0 {
			t.Fatalf("APIError with code 0 for %q", body)
		}
		if got, _ := io.ReadAll(resp.Body); string(got) != body {
			t.Fatalf("body not kept: %q, want %q", got, body)
		}
	})
}
