package mptest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// Config configures a fake platform. Every zero value has a working default.
type Config struct {
	// AppID, AppSecret and OriginalID (gh_...) of the fake account.
	// Defaults: "wxmptest00000001", "mptest-secret", "gh_mptest".
	AppID, AppSecret, OriginalID string
	// Token and EncodingAESKey of the callback configuration. Defaults:
	// "mptest" and a fixed 43-character key.
	Token, EncodingAESKey string
	// Clock drives token expiry, windows and daily quotas. nil: NewClock(DefaultStart).
	Clock *Clock
	// TokenTTL is the lifetime of access tokens. 0: 2 hours.
	TokenTTL time.Duration
	// TokenOverlap is how long an access token keeps working after a new one
	// was issued. 0: 5 minutes.
	TokenOverlap time.Duration
	// DailyQuotas limits calls per API path per (fake) UTC day; beyond it the
	// server answers 45009. nil: no limits. clear_quota (Client.ClearQuota)
	// resets the counts.
	DailyQuotas map[string]int
	// ComponentAppID and ComponentAppSecret of a fake third-party platform.
	// Defaults: "wxcomponent0001", "component-secret".
	ComponentAppID, ComponentAppSecret string
	// Callback receives the simulated users' pushes in process. Callback or
	// CallbackURL may also be set later with SetCallback / SetCallbackURL.
	Callback http.Handler
	// CallbackURL receives the pushes over HTTP when Callback is nil.
	CallbackURL string
	// Mode is the message encryption mode of the pushes. Zero: ModePlaintext.
	Mode Mode
	// JSON sends pushes in the JSON data format instead of XML.
	JSON bool
	// RealTimeout bounds, in real time, how long a push waits for the host;
	// a host that has not answered by then is late, like one that let the
	// fake clock pass the 5-second deadline. 0: 5 seconds.
	RealTimeout time.Duration
}

// Server is a fake WeChat platform: an httptest.Server serving the API
// endpoints the wechatmp Client uses, with the platform's behaviour, and the
// source of simulated users' pushes (see User). A Server is safe for
// concurrent use. Close it when done.
type Server struct {
	// URL is the API base URL (for wechatmp.Config.BaseURL).
	URL string
	// Clock is the platform's clock.
	Clock *Clock

	cfg     Config
	ts      *httptest.Server
	crypter *wechatmp.Crypter

	mu               sync.Mutex
	callback         http.Handler
	callbackURL      string
	tokens           map[string]*fakeToken // /cgi-bin/token tokens
	current          string
	stable           map[string]*fakeToken
	stableCurrent    string
	tokenFetches     int
	tokenRejections  int
	stableFetches    int
	forcedToday      map[string]int
	calls            map[string]int
	daily            map[string]int // day|path
	failures         map[string][]int
	users            map[string]*fakeUser
	windows          map[string]*fakeWindow
	sent             []Sent
	nextMsgID        int64
	media            map[string]*fakeMedia
	nextMedia        int
	kf               map[string]*wechatmp.KfAccount
	kfOnline         map[string]bool
	sessions         map[string]*wechatmp.KfSession
	waiting          []wechatmp.KfSession
	records          []wechatmp.KfRecord
	tags             map[int64]string
	nextTag          int64
	menu             json.RawMessage
	subscriptions    map[string]int       // openid|template -> opt-ins left
	clearQuotas      int                  // successful clear_quota calls
	clearQuotaMonth  map[string]int       // UTC month -> successful clear_quota calls
	componentTickets map[string]time.Time // component_verify_ticket -> issued at
	component        map[string]*fakeToken
	componentCurrent string
	authorizers      map[string]*fakeAuthorizer // authorizer appid
	comp             componentState
}

type fakeToken struct {
	expiresAt time.Time
	invalidAt time.Time // zero: not invalidated
}

type fakeUser struct {
	openID        string
	followed      bool
	subscribeTime time.Time
	tags          []int64
	lastAction    time.Time
	typingUntil   time.Time // the typing status is shown until then
}

type fakeWindow struct {
	state wechatmp.WindowState
}

type fakeMedia struct {
	typ         string
	data        []byte
	contentType string
	filename    string
	createdAt   time.Time
}

type fakeAuthorizer struct {
	refreshToken string
	current      string
	tokens       map[string]*fakeToken
}

// NewServer starts a fake platform.
func NewServer(cfg Config) *Server {
	if cfg.AppID == "" {
		cfg.AppID = "wxmptest00000001"
	}
	if cfg.AppSecret == "" {
		cfg.AppSecret = "mptest-secret"
	}
	if cfg.OriginalID == "" {
		cfg.OriginalID = "gh_mptest"
	}
	if cfg.Token == "" {
		cfg.Token = "mptest"
	}
	if cfg.EncodingAESKey == "" {
		cfg.EncodingAESKey = "mptestKey0123456789abcdefghijklmnopqrstuvwx"
	}
	if cfg.Clock == nil {
		cfg.Clock = NewClock(DefaultStart)
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 2 * time.Hour
	}
	if cfg.TokenOverlap <= 0 {
		cfg.TokenOverlap = 5 * time.Minute
	}
	if cfg.ComponentAppID == "" {
		cfg.ComponentAppID = "wxcomponent0001"
	}
	if cfg.ComponentAppSecret == "" {
		cfg.ComponentAppSecret = "component-secret"
	}
	if cfg.RealTimeout <= 0 {
		cfg.RealTimeout = 5 * time.Second
	}
	crypter, err := wechatmp.NewCrypter(cfg.Token, cfg.AppID, cfg.EncodingAESKey)
	if err != nil {
		panic("mptest: " + err.Error()) // a bad EncodingAESKey is a programmer error in a test
	}
	s := &Server{
		Clock: cfg.Clock, cfg: cfg, crypter: crypter,
		callback: cfg.Callback, callbackURL: cfg.CallbackURL,
		tokens: map[string]*fakeToken{}, stable: map[string]*fakeToken{}, forcedToday: map[string]int{},
		calls: map[string]int{}, daily: map[string]int{}, failures: map[string][]int{},
		users: map[string]*fakeUser{}, windows: map[string]*fakeWindow{}, media: map[string]*fakeMedia{},
		kf: map[string]*wechatmp.KfAccount{}, kfOnline: map[string]bool{}, sessions: map[string]*wechatmp.KfSession{},
		tags: map[int64]string{0: "黑名单", 1: "星标组", 2: "(reserved)"}, nextTag: 100,
		subscriptions: map[string]int{}, component: map[string]*fakeToken{}, authorizers: map[string]*fakeAuthorizer{},
		componentTickets: map[string]time.Time{}, clearQuotaMonth: map[string]int{},
		nextMsgID: 1_000_000,
	}
	mux := http.NewServeMux()
	s.routes(mux)
	s.ts = httptest.NewServer(mux)
	s.URL = s.ts.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// AppID returns the account's AppID.
func (s *Server) AppID() string { return s.cfg.AppID }

// AppSecret returns the account's AppSecret.
func (s *Server) AppSecret() string { return s.cfg.AppSecret }

// OriginalID returns the account's original id (gh_...), the ToUserName of pushes.
func (s *Server) OriginalID() string { return s.cfg.OriginalID }

// Token returns the callback token.
func (s *Server) Token() string { return s.cfg.Token }

// EncodingAESKey returns the callback EncodingAESKey.
func (s *Server) EncodingAESKey() string { return s.cfg.EncodingAESKey }

// Crypter returns the Crypter the platform encrypts pushes with.
func (s *Server) Crypter() *wechatmp.Crypter { return s.crypter }

// ComponentAppID returns the fake third-party platform's AppID.
func (s *Server) ComponentAppID() string { return s.cfg.ComponentAppID }

// ClientConfig returns a wechatmp.Config wired to the fake platform: its URL,
// credentials and clock, and a Sleep that returns at once.
func (s *Server) ClientConfig() wechatmp.Config {
	return wechatmp.Config{
		AppID: s.cfg.AppID, AppSecret: s.cfg.AppSecret, BaseURL: s.URL, Now: s.Clock.Now,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	}
}

// SetCallback sets the in-process handler that receives pushes.
func (s *Server) SetCallback(h http.Handler) {
	s.mu.Lock()
	s.callback = h
	s.mu.Unlock()
}

// SetCallbackURL sets the URL that receives pushes when no handler is set.
func (s *Server) SetCallbackURL(u string) {
	s.mu.Lock()
	s.callbackURL = u
	s.mu.Unlock()
}

// FailNext makes the next len(codes) calls of the API path answer with the
// given errcodes, in order (for example -1 to test retries).
func (s *Server) FailNext(path string, codes ...int) {
	s.mu.Lock()
	s.failures[path] = append(s.failures[path], codes...)
	s.mu.Unlock()
}

// Calls returns how many requests the API path received (failed ones included).
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// apiError is an errcode reply.
type apiError struct {
	code int
	msg  string
}

// Error returns "<code> <msg>".
func (e *apiError) Error() string { return strconv.Itoa(e.code) + " " + e.msg }

func errf(code int, format string, args ...any) *apiError {
	return &apiError{code: code, msg: fmt.Sprintf(format, args...)}
}

type authKind uint8

const (
	authNone authKind = iota
	authAccess
	authComponent
)

// apiRequest is one decoded API request; handlers run with s.mu held.
type apiRequest struct {
	r    *http.Request
	body []byte
	now  time.Time
}

func (a *apiRequest) decode(v any) *apiError {
	if err := json.Unmarshal(a.body, v); err != nil {
		return errf(47001, "data format error hint: %v", err)
	}
	return nil
}

func (a *apiRequest) query(k string) string { return a.r.URL.Query().Get(k) }

// handle registers an API endpoint.
func (s *Server) handle(mux *http.ServeMux, method, path string, auth authKind, fn func(a *apiRequest) (any, *apiError)) {
	mux.HandleFunc(method+" "+path, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
		s.mu.Lock()
		a := &apiRequest{r: r, body: body, now: s.Clock.Now()}
		s.calls[path]++
		out, aerr := s.serve(a, path, auth, fn)
		s.mu.Unlock()
		if aerr != nil {
			writeJSON(w, map[string]any{"errcode": aerr.code, "errmsg": aerr.msg})
			return
		}
		if h, ok := out.(http.HandlerFunc); ok {
			h(w, r)
			return
		}
		writeJSON(w, out)
	})
}

func (s *Server) serve(a *apiRequest, path string, auth authKind, fn func(a *apiRequest) (any, *apiError)) (any, *apiError) {
	switch auth {
	case authAccess:
		if e := s.checkAccessToken(a.query("access_token"), a.now); e != nil {
			s.tokenRejections++
			return nil, e
		}
	case authComponent:
		if e := checkToken(s.component, a.query("component_access_token"), a.now); e != nil {
			return nil, e
		}
	}
	if f := s.failures[path]; len(f) > 0 {
		s.failures[path] = f[1:]
		return nil, errf(f[0], "injected failure")
	}
	if limit, ok := s.cfg.DailyQuotas[path]; ok {
		k := a.now.UTC().Format("2006-01-02") + "|" + path
		if s.daily[k] >= limit {
			return nil, errf(45009, "reach max api daily quota limit")
		}
		s.daily[k]++
	}
	out, e := fn(a)
	if e != nil {
		return nil, e
	}
	if out == nil {
		out = map[string]any{"errcode": 0, "errmsg": "ok"}
	}
	return out, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func okReply(extra map[string]any) map[string]any {
	m := map[string]any{"errcode": 0, "errmsg": "ok"}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func (s *Server) routes(mux *http.ServeMux) {
	s.tokenRoutes(mux)
	s.messageRoutes(mux)
	s.kfRoutes(mux)
	s.userRoutes(mux)
	s.mediaRoutes(mux)
}

// user returns the record of openID, creating a follower on first use.
func (s *Server) user(openID string) *fakeUser {
	u, ok := s.users[openID]
	if !ok {
		u = &fakeUser{openID: openID, followed: true, subscribeTime: s.Clock.Now()}
		s.users[openID] = u
	}
	return u
}

func sortedKeys[M ~map[K]V, K int64 | string, V any](m M) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
