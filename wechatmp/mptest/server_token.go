package mptest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"time"
)

func newTokenValue(prefix string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// checkToken answers 41001 for a missing token, 40001 for an unknown or
// invalidated one and 42001 for an expired one.
func checkToken(tokens map[string]*fakeToken, v string, now time.Time) *apiError {
	if v == "" {
		return errf(41001, "access_token missing")
	}
	t, ok := tokens[v]
	if !ok || (!t.invalidAt.IsZero() && !now.Before(t.invalidAt)) {
		return errf(40001, "invalid credential, access_token is invalid or not latest")
	}
	if !now.Before(t.expiresAt) {
		return errf(42001, "access_token expired")
	}
	return nil
}

func (s *Server) checkAccessToken(v string, now time.Time) *apiError {
	if _, ok := s.stable[v]; ok {
		return checkToken(s.stable, v, now)
	}
	for _, a := range s.authorizers {
		if _, ok := a.tokens[v]; ok {
			return checkToken(a.tokens, v, now)
		}
	}
	return checkToken(s.tokens, v, now)
}

// issue creates a new token in tokens; the previous current one stops
// working after the overlap (at the latest at its own expiry), or at once.
func (s *Server) issue(tokens map[string]*fakeToken, current *string, now time.Time, prefix string, immediate bool) string {
	if old, ok := tokens[*current]; ok {
		end := now.Add(s.cfg.TokenOverlap)
		if immediate {
			end = now
		}
		if end.Before(old.expiresAt) {
			old.invalidAt = end
		}
	}
	v := newTokenValue(prefix)
	tokens[v] = &fakeToken{expiresAt: now.Add(s.cfg.TokenTTL)}
	*current = v
	return v
}

func (s *Server) tokenReply(field, v string, expiresAt, now time.Time) map[string]any {
	return map[string]any{field: v, "expires_in": int64(expiresAt.Sub(now) / time.Second)}
}

func (s *Server) tokenRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET", "/cgi-bin/token", authNone, func(a *apiRequest) (any, *apiError) {
		if a.query("grant_type") != "client_credential" {
			return nil, errf(40002, "invalid grant_type")
		}
		if a.query("appid") != s.cfg.AppID {
			return nil, errf(40013, "invalid appid")
		}
		if a.query("secret") != s.cfg.AppSecret {
			return nil, errf(40125, "invalid appsecret")
		}
		s.tokenFetches++
		v := s.issue(s.tokens, &s.current, a.now, "AT", false)
		return s.tokenReply("access_token", v, s.tokens[v].expiresAt, a.now), nil
	})
	s.handle(mux, "POST", "/cgi-bin/stable_token", authNone, func(a *apiRequest) (any, *apiError) {
		var in struct {
			GrantType    string `json:"grant_type"`
			AppID        string `json:"appid"`
			Secret       string `json:"secret"`
			ForceRefresh bool   `json:"force_refresh"`
		}
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		if in.AppID != s.cfg.AppID {
			return nil, errf(40013, "invalid appid")
		}
		if in.Secret != s.cfg.AppSecret {
			return nil, errf(40125, "invalid appsecret")
		}
		s.stableFetches++
		if in.ForceRefresh {
			day := a.now.UTC().Format("2006-01-02")
			if s.forcedToday[day] >= 20 {
				return nil, errf(45009, "reach max api daily quota limit (force_refresh)")
			}
			s.forcedToday[day]++
			v := s.issue(s.stable, &s.stableCurrent, a.now, "ST", true)
			return s.tokenReply("access_token", v, s.stable[v].expiresAt, a.now), nil
		}
		// Normal mode: the same token until 5 minutes before it expires.
		if cur, ok := s.stable[s.stableCurrent]; ok && cur.invalidAt.IsZero() && a.now.Before(cur.expiresAt.Add(-5*time.Minute)) {
			return s.tokenReply("access_token", s.stableCurrent, cur.expiresAt, a.now), nil
		}
		v := s.issue(s.stable, &s.stableCurrent, a.now, "ST", false)
		return s.tokenReply("access_token", v, s.stable[v].expiresAt, a.now), nil
	})
	s.handle(mux, "POST", "/cgi-bin/component/api_component_token", authNone, func(a *apiRequest) (any, *apiError) {
		var in struct {
			AppID  string `json:"component_appid"`
			Secret string `json:"component_appsecret"`
			Ticket string `json:"component_verify_ticket"`
		}
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		if in.AppID != s.cfg.ComponentAppID || in.Secret != s.cfg.ComponentAppSecret {
			return nil, errf(40013, "invalid component appid or secret")
		}
		if issued, ok := s.componentTickets[in.Ticket]; !ok || !a.now.Before(issued.Add(verifyTicketTTL)) {
			return nil, errf(61006, "component ticket is invalid")
		}
		v := s.issue(s.component, &s.componentCurrent, a.now, "CT", false)
		return s.tokenReply("component_access_token", v, s.component[v].expiresAt, a.now), nil
	})
	s.handle(mux, "POST", "/cgi-bin/component/api_authorizer_token", authComponent, func(a *apiRequest) (any, *apiError) {
		var in struct {
			AppID      string `json:"component_appid"`
			Authorizer string `json:"authorizer_appid"`
			Refresh    string `json:"authorizer_refresh_token"`
		}
		if e := a.decode(&in); e != nil {
			return nil, e
		}
		au, ok := s.authorizers[in.Authorizer]
		if in.AppID != s.cfg.ComponentAppID || !ok {
			return nil, errf(61003, "component is not authorized by this account")
		}
		if in.Refresh != au.refreshToken {
			return nil, errf(61023, "refresh_token is invalid")
		}
		v := s.issue(au.tokens, &au.current, a.now, "AAT", false)
		// The refresh token stays valid until the authorisation is revoked;
		// WeChat returns it unchanged.
		out := s.tokenReply("authorizer_access_token", v, au.tokens[v].expiresAt, a.now)
		out["authorizer_refresh_token"] = au.refreshToken
		return out, nil
	})
}

// TokenFetches returns how many tokens /cgi-bin/token issued.
func (s *Server) TokenFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenFetches
}

// StableTokenFetches returns how many calls /cgi-bin/stable_token answered.
func (s *Server) StableTokenFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stableFetches
}

// CurrentToken returns the newest /cgi-bin/token token ("" before the first).
func (s *Server) CurrentToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// IssueToken issues a new /cgi-bin/token token as another party would (an
// uncoordinated replica, a debugging tool); the previous one stops working
// after the overlap period.
func (s *Server) IssueToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenFetches++
	return s.issue(s.tokens, &s.current, s.Clock.Now(), "AT", false)
}

// TokenRejections returns how many API calls were refused for their access
// token (41001, 40001 or 42001), to assert that a test exercised the client's
// refresh-and-retry path.
func (s *Server) TokenRejections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenRejections
}

// ExpireTokens makes every access token issued so far by /cgi-bin/token and
// /cgi-bin/stable_token expire now (42001; authorizer tokens are left alone),
// earlier than the expires_in the clients were told: the platform's view of
// "the token expired mid-run", whatever the clients' clocks say.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Clock.Now()
	for _, m := range []map[string]*fakeToken{s.tokens, s.stable} {
		for _, t := range m {
			if now.Before(t.expiresAt) {
				t.expiresAt = now
			}
		}
	}
}

// RevokeTokens makes every access token of /cgi-bin/token and
// /cgi-bin/stable_token invalid at once (40001), as when the AppSecret is
// reset.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Clock.Now()
	for _, m := range []map[string]*fakeToken{s.tokens, s.stable} {
		for _, t := range m {
			t.invalidAt = now
		}
	}
}

// verifyTicketTTL is how long a component_verify_ticket is accepted after it
// was issued, newer tickets notwithstanding.
const verifyTicketTTL = 12 * time.Hour

// PushVerifyTicket issues a new component_verify_ticket and returns it without
// pushing it; DeliverVerifyTicket also pushes it to the host's component
// callback, as WeChat does every 10 minutes. Each ticket is accepted by
// api_component_token for 12 hours, also after newer ones were issued.
func (s *Server) PushVerifyTicket() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Clock.Now()
	for t, issued := range s.componentTickets {
		if !now.Before(issued.Add(verifyTicketTTL)) {
			delete(s.componentTickets, t)
		}
	}
	ticket := newTokenValue("ticket@@@")
	s.componentTickets[ticket] = now
	return ticket
}

// Authorize makes the account authorizerAppID authorise the fake third-party
// platform and returns its authorizer_refresh_token, valid until the next
// Authorize of that account (a new authorisation changes it).
func (s *Server) Authorize(authorizerAppID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	au := &fakeAuthorizer{refreshToken: newTokenValue("REFRESH"), tokens: map[string]*fakeToken{}}
	s.authorizers[authorizerAppID] = au
	return au.refreshToken
}
