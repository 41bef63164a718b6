package wechatmp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// APIGroup names a group of API endpoints that share an outbound rate limit
// (Config.RateLimits).
type APIGroup string

// API groups.
const (
	GroupCustomSend APIGroup = "custom_send" // message/custom/send and typing
	GroupKF         APIGroup = "kf"          // kf accounts, sessions, message records
	GroupTemplate   APIGroup = "template"    // message/template/send
	GroupSubscribe  APIGroup = "subscribe"   // message/subscribe/bizsend
	GroupUser       APIGroup = "user"        // user info and tags
	GroupMedia      APIGroup = "media"       // temporary media upload and download
	GroupMenu       APIGroup = "menu"        // custom menu
	GroupQuota      APIGroup = "quota"       // clear_quota
)

// RetryPolicy bounds the retries of idempotent calls that WeChat answers with
// -1 (system busy). Zero fields take the defaults noted.
type RetryPolicy struct {
	MaxAttempts int           // total attempts; 0: 3; 1: no retry
	BaseDelay   time.Duration // first backoff; 0: 200 ms (doubles per attempt)
	MaxDelay    time.Duration // backoff cap; 0: 2 s
}

// Config configures a Client. Only AppID (and AppSecret, unless Tokens is set)
// is required; every other zero value has the default its comment states.
type Config struct {
	// AppID and AppSecret of the Official Account.
	AppID, AppSecret string
	// HTTPClient sends the requests. nil: http.DefaultClient.
	HTTPClient *http.Client
	// BaseURL of the API, without a trailing slash. "": DefaultBaseURL
	// (set it to an mptest.Server's URL in tests).
	BaseURL string
	// Tokens supplies access tokens. nil: a CachedTokenSource over
	// CredentialTokenSource (StableTokenSource if StableToken is set), backed by
	// TokenStore under the key "wechatmp:token:<AppID>".
	Tokens TokenSource
	// TokenStore shares the token between replicas when Tokens is nil. nil: a
	// private in-memory store (one process only).
	TokenStore TokenStore
	// StableToken selects /cgi-bin/stable_token (force_refresh=false) instead
	// of /cgi-bin/token when Tokens is nil. Recommended for several replicas.
	StableToken bool
	// RateLimits limits outbound calls per API group; a call waits for its
	// group's limiter (or fails when ctx ends first). nil or a missing group:
	// unlimited.
	RateLimits map[APIGroup]*rate.Limiter
	// Retry bounds retries of idempotent calls on -1 (system busy).
	Retry RetryPolicy
	// Window guards customer-service sends locally (the 48-hour window and its
	// quota). nil: no local guard; WeChat's 45015/45047 are returned as is.
	Window *Window
	// Logger receives diagnostics (retries, refreshes; never tokens or message
	// contents). nil: silent.
	Logger *slog.Logger
	// Now is the clock. nil: time.Now.
	Now func() time.Time
	// Sleep waits between retries. nil: a timer honouring ctx. Tests set it to
	// a function that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client calls the WeChat Official Account API. Every method takes a context
// and returns an *APIError (errors.As) for an errcode reply. Create it with
// NewClient. A Client is safe for concurrent use.
//
// # Retries
//
// A call WeChat rejects for its token (40001, 40014, 42001) is re-sent once
// with a new token, whatever the call: WeChat refused it, so nothing happened
// (see TokenInvalidator). A -1 (system busy) is retried, with capped
// exponential backoff (Config.Retry), only by calls whose repetition has no
// further effect: every read, Typing/CancelTyping, UpdateKfAccount,
// DeleteKfAccount, CreateKfSession, CloseKfSession, UpdateTag, DeleteTag,
// TagUsers, UntagUsers, CreateMenu, DeleteMenu and UploadMedia (a duplicate
// upload only leaves an unused media_id). These are never retried, because a
// -1 does not prove that nothing happened: SendCustom (and SendText, ...),
// SendTemplate and SendSubscribe (the user could get the message twice, and a
// customer-service send spends one of the window's sends), AddKfAccount and
// CreateTag (a repeated creation fails and hides the success), and ClearQuota
// (10 a month). Transport errors are never retried. The caller sees
// ErrSystemBusy and decides.
type Client struct {
	cfg    Config
	hc     *http.Client
	base   string
	tokens TokenSource
}

// NewClient returns a Client for cfg.
func NewClient(cfg Config) (*Client, error) {
	if cfg.AppID == "" {
		return nil, errors.New("wechatmp: client: AppID is required")
	}
	if cfg.Tokens == nil && cfg.AppSecret == "" {
		return nil, errors.New("wechatmp: client: AppSecret or Tokens is required")
	}
	c := &Client{cfg: cfg, hc: cfg.HTTPClient, base: strings.TrimRight(cfg.BaseURL, "/"), tokens: cfg.Tokens}
	if c.hc == nil {
		c.hc = http.DefaultClient
	}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.tokens == nil {
		var base TokenSource = &CredentialTokenSource{AppID: cfg.AppID, AppSecret: cfg.AppSecret, BaseURL: c.base, HTTPClient: c.hc, Now: cfg.Now}
		if cfg.StableToken {
			base = &StableTokenSource{AppID: cfg.AppID, AppSecret: cfg.AppSecret, BaseURL: c.base, HTTPClient: c.hc, Now: cfg.Now}
		}
		c.tokens = &CachedTokenSource{Base: base, Store: cfg.TokenStore, Key: "wechatmp:token:" + cfg.AppID, Now: cfg.Now, Logger: cfg.Logger}
	}
	return c, nil
}

// AppID returns the account's AppID.
func (c *Client) AppID() string { return c.cfg.AppID }

// Tokens returns the token source in use.
func (c *Client) Tokens() TokenSource { return c.tokens }

// Window returns the window guard, or nil.
func (c *Client) Window() *Window { return c.cfg.Window }

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.cfg.Sleep != nil {
		return c.cfg.Sleep(ctx, d)
	}
	return clientSleep(ctx, d)
}

func (c *Client) wait(ctx context.Context, g APIGroup) error {
	if l := c.cfg.RateLimits[g]; l != nil {
		return l.Wait(ctx)
	}
	return nil
}

// backoff returns the delay before attempt n (n >= 1 is the first retry).
func (p RetryPolicy) backoff(n int) time.Duration {
	base, maxd := p.BaseDelay, p.MaxDelay
	if base <= 0 {
		base = 200 * time.Millisecond
	}
	if maxd <= 0 {
		maxd = 2 * time.Second
	}
	d := base
	for i := 1; i < n && d < maxd; i++ {
		d *= 2
	}
	return min(d, maxd)
}

func (p RetryPolicy) attempts() int {
	if p.MaxAttempts <= 0 {
		return 3
	}
	return p.MaxAttempts
}
