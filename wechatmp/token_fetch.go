package wechatmp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// DefaultBaseURL is the production API endpoint.
const DefaultBaseURL = "https://api.weixin.qq.com"

// CredentialTokenSource fetches a new token from GET /cgi-bin/token on every
// call. Every fetch invalidates the previous token (after five minutes), so
// wrap it in a CachedTokenSource; the Client does. Zero-value fields: BaseURL
// "" is DefaultBaseURL, HTTPClient nil is http.DefaultClient, Now nil is
// time.Now. It is safe for concurrent use.
type CredentialTokenSource struct {
	AppID, AppSecret string
	BaseURL          string
	HTTPClient       *http.Client
	Now              func() time.Time
}

// Token fetches a new access token.
func (s *CredentialTokenSource) Token(ctx context.Context) (Token, error) {
	q := url.Values{"grant_type": {"client_credential"}, "appid": {s.AppID}, "secret": {s.AppSecret}}
	return tokenFetch(ctx, s.HTTPClient, http.MethodGet, tokenURL(s.BaseURL, "/cgi-bin/token", q), nil, "access_token", s.Now)
}

// StableTokenSource fetches tokens from POST /cgi-bin/stable_token. With
// force_refresh=false (Token) WeChat returns the current token until five
// minutes before it expires, so replicas that each call it do not knock each
// other out; ForceToken (force_refresh=true) invalidates the current token at
// once and is limited to 20 a day: use it through CachedTokenSource.ForceRefresh
// so that only one replica takes it. Zero values as for CredentialTokenSource.
// It is safe for concurrent use.
type StableTokenSource struct {
	AppID, AppSecret string
	BaseURL          string
	HTTPClient       *http.Client
	Now              func() time.Time
}

var _ TokenForcer = (*StableTokenSource)(nil)

// Token fetches the stable token (force_refresh=false).
func (s *StableTokenSource) Token(ctx context.Context) (Token, error) { return s.fetch(ctx, false) }

// ForceToken fetches a new stable token (force_refresh=true).
func (s *StableTokenSource) ForceToken(ctx context.Context) (Token, error) { return s.fetch(ctx, true) }

func (s *StableTokenSource) fetch(ctx context.Context, force bool) (Token, error) {
	body := map[string]any{"grant_type": "client_credential", "appid": s.AppID, "secret": s.AppSecret, "force_refresh": force}
	return tokenFetch(ctx, s.HTTPClient, http.MethodPost, tokenURL(s.BaseURL, "/cgi-bin/stable_token", nil), body, "access_token", s.Now)
}

func tokenURL(base, path string, q url.Values) string {
	if base == "" {
		base = DefaultBaseURL
	}
	u := base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// tokenFetch performs one token request and decodes {field, expires_in}.
// into, if non-nil, also receives the whole reply (for refresh tokens).
func tokenFetch(ctx context.Context, hc *http.Client, method, u string, body any, field string, now func() time.Time, into ...any) (Token, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return Token{}, fmt.Errorf("wechatmp: token request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return Token{}, fmt.Errorf("wechatmp: token request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	if now != nil {
		start = now()
	}
	resp, err := hc.Do(req)
	if err != nil {
		// The URL carries the AppSecret or a token: keep it out of the error.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return Token{}, fmt.Errorf("wechatmp: %s: token request: %w", req.URL.Path, err)
	}
	if err := CheckResponse(resp); err != nil {
		return Token{}, err
	}
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return Token{}, fmt.Errorf("wechatmp: %s: decode token reply: %w", req.URL.Path, err)
	}
	var value string
	var expiresIn int64
	_ = json.Unmarshal(m[field], &value)
	_ = json.Unmarshal(m["expires_in"], &expiresIn)
	if value == "" || expiresIn <= 0 {
		return Token{}, fmt.Errorf("wechatmp: %s: token reply without %s or expires_in", req.URL.Path, field)
	}
	for _, v := range into {
		if err := json.Unmarshal(raw, v); err != nil {
			return Token{}, fmt.Errorf("wechatmp: %s: decode token reply: %w", req.URL.Path, err)
		}
	}
	return Token{Value: value, ExpiresAt: start.Add(time.Duration(expiresIn) * time.Second)}, nil
}

// clientSleep waits for d or until ctx is done.
func clientSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
