package wechatmp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// ComponentStore keeps the third-party platform's long-lived secrets: the
// component_verify_ticket WeChat pushes every 10 minutes (valid 12 hours) and
// the authorizer refresh tokens (valid until the account revokes the
// authorisation; authorising again issues a new one).
// Keys are opaque. Implementations must be safe for concurrent use.
type ComponentStore interface {
	// Get returns the value stored under key, or ErrNotFound (also once it
	// has expired).
	Get(ctx context.Context, key string) (string, error)
	// Put stores value under key until expiresAt (zero: no expiry).
	Put(ctx context.Context, key, value string, expiresAt time.Time) error
}

// MemoryComponentStore is the in-memory ComponentStore. Now, if set, is the
// clock of expiry. The zero value is ready to use and safe for concurrent use.
type MemoryComponentStore struct {
	Now func() time.Time

	mu sync.Mutex
	m  map[string]componentEntry
}

type componentEntry struct {
	value     string
	expiresAt time.Time
}

// Get implements ComponentStore.
func (s *MemoryComponentStore) Get(ctx context.Context, key string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok || (!e.expiresAt.IsZero() && !now.Before(e.expiresAt)) {
		return "", ErrNotFound
	}
	return e.value, nil
}

// Put implements ComponentStore.
func (s *MemoryComponentStore) Put(ctx context.Context, key, value string, expiresAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]componentEntry)
	}
	s.m[key] = componentEntry{value, expiresAt}
	return nil
}

// ComponentTokenSource fetches component_access_token for a third-party
// platform (POST /cgi-bin/component/api_component_token) with the latest
// component_verify_ticket from Store. Wrap it in a CachedTokenSource. Zero
// values: BaseURL "" is DefaultBaseURL, HTTPClient nil is http.DefaultClient,
// Store nil is a private MemoryComponentStore, Now nil is time.Now. Set the
// fields before first use; it is safe for concurrent use.
type ComponentTokenSource struct {
	ComponentAppID, ComponentAppSecret string
	Store                              ComponentStore
	BaseURL                            string
	HTTPClient                         *http.Client
	Now                                func() time.Time

	once sync.Once
	mem  *MemoryComponentStore
}

func (s *ComponentTokenSource) store() ComponentStore {
	if s.Store != nil {
		return s.Store
	}
	s.once.Do(func() { s.mem = &MemoryComponentStore{Now: s.Now} })
	return s.mem
}

func (s *ComponentTokenSource) ticketKey() string {
	return "wechatmp:verify_ticket:" + s.ComponentAppID
}

// SetVerifyTicket stores a component_verify_ticket pushed at time at (InfoType
// component_verify_ticket); it is valid for 12 hours.
func (s *ComponentTokenSource) SetVerifyTicket(ctx context.Context, ticket string, at time.Time) error {
	if ticket == "" {
		return errors.New("wechatmp: component: empty verify ticket")
	}
	return s.store().Put(ctx, s.ticketKey(), ticket, at.Add(12*time.Hour))
}

// Token fetches a new component_access_token.
func (s *ComponentTokenSource) Token(ctx context.Context) (Token, error) {
	ticket, err := s.store().Get(ctx, s.ticketKey())
	if errors.Is(err, ErrNotFound) {
		return Token{}, errors.New("wechatmp: component: no component_verify_ticket received yet (or it expired)")
	}
	if err != nil {
		return Token{}, err
	}
	body := map[string]string{"component_appid": s.ComponentAppID, "component_appsecret": s.ComponentAppSecret, "component_verify_ticket": ticket}
	return tokenFetch(ctx, s.HTTPClient, http.MethodPost, tokenURL(s.BaseURL, "/cgi-bin/component/api_component_token", nil), body, "component_access_token", s.Now)
}

// AuthorizerTokenSource fetches the authorizer_access_token of an account
// that authorised the platform (POST /cgi-bin/component/api_authorizer_token),
// from the refresh token kept in Store and the platform's Component token
// source (a CachedTokenSource over ComponentTokenSource). Should WeChat
// return a different refresh token, it is stored. Wrap it in a CachedTokenSource and pass that
// as Config.Tokens of the account's Client. Zero values as for
// ComponentTokenSource; Store is required. It is safe for concurrent use.
type AuthorizerTokenSource struct {
	ComponentAppID, AuthorizerAppID string
	Component                       TokenSource
	Store                           ComponentStore
	BaseURL                         string
	HTTPClient                      *http.Client
	Now                             func() time.Time
}

// AuthorizerRefreshKey is the ComponentStore key of an authorizer's refresh
// token.
func AuthorizerRefreshKey(componentAppID, authorizerAppID string) string {
	return "wechatmp:authorizer_refresh:" + componentAppID + ":" + authorizerAppID
}

// SetRefreshToken stores the authorizer_refresh_token obtained at
// authorisation (api_query_auth).
func (s *AuthorizerTokenSource) SetRefreshToken(ctx context.Context, refreshToken string) error {
	if s.Store == nil {
		return errors.New("wechatmp: authorizer: nil Store")
	}
	return s.Store.Put(ctx, AuthorizerRefreshKey(s.ComponentAppID, s.AuthorizerAppID), refreshToken, time.Time{})
}

// Token fetches a new authorizer_access_token. A rejected component token is
// invalidated and the fetch retried once.
func (s *AuthorizerTokenSource) Token(ctx context.Context) (Token, error) {
	if s.Store == nil || s.Component == nil {
		return Token{}, errors.New("wechatmp: authorizer: Store and Component are required")
	}
	key := AuthorizerRefreshKey(s.ComponentAppID, s.AuthorizerAppID)
	refresh, err := s.Store.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return Token{}, fmt.Errorf("wechatmp: authorizer %s: no refresh token (authorise first): %w", s.AuthorizerAppID, err)
	}
	if err != nil {
		return Token{}, err
	}
	for retried := false; ; retried = true {
		ct, err := s.Component.Token(ctx)
		if err != nil {
			return Token{}, fmt.Errorf("wechatmp: authorizer: component token: %w", err)
		}
		body := map[string]string{"component_appid": s.ComponentAppID, "authorizer_appid": s.AuthorizerAppID, "authorizer_refresh_token": refresh}
		u := tokenURL(s.BaseURL, "/cgi-bin/component/api_authorizer_token", url.Values{"component_access_token": {ct.Value}})
		var r struct {
			Refresh string `json:"authorizer_refresh_token"`
		}
		tok, err := tokenFetch(ctx, s.HTTPClient, http.MethodPost, u, body, "authorizer_access_token", s.Now, &r)
		if errors.Is(err, ErrTokenInvalid) && !retried {
			if inv, ok := s.Component.(TokenInvalidator); ok {
				if ierr := inv.InvalidateToken(ctx, ct.Value); ierr != nil {
					return Token{}, errors.Join(err, ierr)
				}
				continue
			}
		}
		if err != nil {
			return Token{}, err
		}
		if r.Refresh != "" && r.Refresh != refresh {
			if err := s.Store.Put(ctx, key, r.Refresh, time.Time{}); err != nil {
				return Token{}, err
			}
		}
		return tok, nil
	}
}
