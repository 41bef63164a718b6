package wechatmp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// CachedTokenSource caches the tokens of Base in a TokenStore shared by all
// replicas, so that they all use one token and only one of them asks WeChat
// for a new one (each new token invalidates the previous one five minutes
// later, and /cgi-bin/token allows 2000 fetches a day).
//
// The guarantees:
//   - A cached token is returned without I/O and without allocation until its
//     RefreshAt, RefreshBefore ahead of expiry (early refresh: WeChat keeps the
//     old token valid for five minutes after a new one is issued).
//   - One refresh at a time per process: concurrent callers wait for it.
//   - One refresh at a time across replicas: the refreshing process holds the
//     store's lease; the others keep using the still-valid token, or wait for
//     the new one by re-reading the store every PollInterval.
//   - An older token never overwrites a newer one (compare-and-set by version),
//     and InvalidateToken drops a token only while it is still the stored one.
//   - ForceRefresh replaces a given token at most once across replicas.
//   - A refresh that fails (store or WeChat unreachable) falls back to the
//     token this process holds while it is valid; the error surfaces once
//     the token has expired.
//
// Set the exported fields before first use and do not change them afterwards.
// A CachedTokenSource must not be copied after first use. It is safe for
// concurrent use.
type CachedTokenSource struct {
	// Base fetches new tokens from WeChat (CredentialTokenSource,
	// StableTokenSource, AuthorizerTokenSource, ...). Required.
	Base TokenSource
	// Store is shared by the replicas. nil: a private MemoryTokenStore (one
	// process only).
	Store TokenStore
	// Key is the store key. "": "wechatmp:token".
	Key string
	// RefreshBefore is how long before expiry a refresh starts. 0: 5 minutes.
	// It is capped at half the token's lifetime.
	RefreshBefore time.Duration
	// LeaseTTL bounds how long a replica that died while refreshing blocks the
	// others. 0: 30 seconds.
	LeaseTTL time.Duration
	// PollInterval is how often a replica waiting for another replica's
	// refresh re-reads the store. 0: 100 milliseconds.
	PollInterval time.Duration
	// Now is the clock. nil: time.Now.
	Now func() time.Time
	// Sleep waits for d or until ctx is done. nil: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives refresh diagnostics (never token values). nil: silent.
	Logger *slog.Logger

	once      sync.Once
	owner     string
	cache     atomic.Pointer[TokenRecord]
	rejected  atomic.Pointer[string] // the last token WeChat refused; never adopted again
	nextCheck atomic.Int64           // unix nanoseconds; see Token
	mu        sync.Mutex
	flight    *tokenFlight
}

type tokenFlight struct {
	done chan struct{}
	tok  Token
	err  error
}

var (
	_ TokenSource      = (*CachedTokenSource)(nil)
	_ TokenInvalidator = (*CachedTokenSource)(nil)
)

func (s *CachedTokenSource) init() {
	s.once.Do(func() {
		var b [12]byte
		_, _ = rand.Read(b[:])
		s.owner = hex.EncodeToString(b[:])
		if s.Store == nil {
			s.Store = &MemoryTokenStore{Now: s.Now}
		}
	})
}

func (s *CachedTokenSource) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *CachedTokenSource) key() string {
	if s.Key == "" {
		return "wechatmp:token"
	}
	return s.Key
}

func (s *CachedTokenSource) pollInterval() time.Duration {
	if s.PollInterval > 0 {
		return s.PollInterval
	}
	return 100 * time.Millisecond
}

func (s *CachedTokenSource) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	return clientSleep(ctx, d)
}

// Token returns the shared token, refreshing it when due.
func (s *CachedTokenSource) Token(ctx context.Context) (Token, error) {
	now := s.now()
	if rec := s.cache.Load(); rec != nil && rec.Value != "" && !s.isRejected(rec.Value) {
		if now.Before(rec.RefreshAt) {
			return Token{Value: rec.Value, ExpiresAt: rec.ExpiresAt}, nil
		}
		// Past RefreshAt but still valid: another replica may be refreshing;
		// do not ask the store again before nextCheck.
		if now.Before(rec.ExpiresAt) && now.UnixNano() < s.nextCheck.Load() {
			return Token{Value: rec.Value, ExpiresAt: rec.ExpiresAt}, nil
		}
	}
	return s.refresh(ctx, "", false)
}

// InvalidateToken drops value if it is still the current token, locally and
// in the store, so that the next Token call fetches a new one. The Client calls
// it when WeChat rejects value with 40001, 40014 or 42001.
func (s *CachedTokenSource) InvalidateToken(ctx context.Context, value string) error {
	s.init()
	// Remember the refusal first: a refresh in flight may have read value
	// from the store before this call drops it there, and must not bring it
	// back into the cache for the caller's retry.
	s.rejected.Store(&value)
	if cur := s.cache.Load(); cur != nil && cur.Value == value {
		s.cache.CompareAndSwap(cur, nil)
	}
	rec, err := s.Store.Get(ctx, s.key())
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if rec.Value != value {
		return nil // already replaced by a newer token
	}
	_, err = s.Store.CompareAndSwap(ctx, s.key(), rec.Version, TokenRecord{ExpiresAt: rec.ExpiresAt})
	if errors.Is(err, ErrConflict) {
		return nil // someone else replaced or invalidated it
	}
	return err
}

// ForceRefresh makes Base issue a new token (Base must implement TokenForcer,
// for example StableTokenSource) to replace stale, the token believed to be
// leaked or broken. If another replica already replaced stale, its token is
// returned and WeChat is not called: a forced refresh is taken by one replica
// only.
func (s *CachedTokenSource) ForceRefresh(ctx context.Context, stale string) (Token, error) {
	if _, ok := s.Base.(TokenForcer); !ok {
		return Token{}, errors.New("wechatmp: token source cannot force a refresh")
	}
	return s.refresh(ctx, stale, true)
}

// refresh runs at most one refresh per process at a time; callers that arrive
// during one wait for its result.
func (s *CachedTokenSource) refresh(ctx context.Context, stale string, force bool) (Token, error) {
	s.init()
	for {
		s.mu.Lock()
		if f := s.flight; f != nil {
			s.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return Token{}, ctx.Err()
			}
			if f.err != nil && ctx.Err() == nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
				continue // the leader's context ended, not ours: try again
			}
			if force && f.tok.Value == stale {
				continue // that flight was not our forced one
			}
			return f.tok, f.err
		}
		f := &tokenFlight{done: make(chan struct{})}
		s.flight = f
		s.mu.Unlock()

		f.tok, f.err = s.refreshShared(ctx, stale, force)
		if f.err != nil && !force && ctx.Err() == nil {
			f.tok, f.err = s.keepCached(ctx, f.err)
		}
		s.mu.Lock()
		s.flight = nil
		s.mu.Unlock()
		close(f.done)
		return f.tok, f.err
	}
}

// refreshShared coordinates with the other replicas through the store.
func (s *CachedTokenSource) refreshShared(ctx context.Context, stale string, force bool) (Token, error) {
	key := s.key()
	for {
		rec, err := s.get(ctx, key)
		if err != nil {
			return Token{}, err
		}
		now := s.now()
		if s.fresh(rec, now, stale, force) {
			return s.adopt(rec), nil
		}
		got, err := s.Store.Lease(ctx, key, s.owner, s.leaseTTL())
		if err != nil {
			return Token{}, err
		}
		if got {
			return s.fetchLeased(ctx, key, stale, force)
		}
		// Another replica is refreshing. Keep using a valid token meanwhile.
		if !force && rec.Value != "" && rec.Value != stale && !s.isRejected(rec.Value) && now.Before(rec.ExpiresAt) {
			s.nextCheck.Store(now.Add(s.pollInterval()).UnixNano())
			return s.adopt(rec), nil
		}
		if err := s.sleep(ctx, s.pollInterval()); err != nil {
			return Token{}, err
		}
	}
}

// keepCached rides out a failed refresh (the store or WeChat unreachable)
// with the token this process holds, while that is still valid; it returns
// err otherwise.
func (s *CachedTokenSource) keepCached(ctx context.Context, err error) (Token, error) {
	now := s.now()
	cur := s.cache.Load()
	if cur == nil || cur.Value == "" || !now.Before(cur.ExpiresAt) {
		return Token{}, err
	}
	if s.Logger != nil {
		s.Logger.WarnContext(ctx, "wechatmp: token refresh failed; using the cached token", "key", s.key(), "err", err)
	}
	s.nextCheck.Store(now.Add(s.pollInterval()).UnixNano())
	return Token{Value: cur.Value, ExpiresAt: cur.ExpiresAt}, nil
}

func (s *CachedTokenSource) leaseTTL() time.Duration {
	if s.LeaseTTL > 0 {
		return s.LeaseTTL
	}
	return 30 * time.Second
}

// fresh reports whether rec can be used without fetching.
func (s *CachedTokenSource) fresh(rec TokenRecord, now time.Time, stale string, force bool) bool {
	if rec.Value == "" || !now.Before(rec.ExpiresAt) || s.isRejected(rec.Value) {
		return false
	}
	if force {
		return rec.Value != stale // someone already replaced it
	}
	return now.Before(rec.RefreshAt)
}

// isRejected reports whether WeChat refused value (see InvalidateToken).
func (s *CachedTokenSource) isRejected(value string) bool {
	r := s.rejected.Load()
	return r != nil && *r == value
}

func (s *CachedTokenSource) get(ctx context.Context, key string) (TokenRecord, error) {
	rec, err := s.Store.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		return TokenRecord{}, nil
	}
	return rec, err
}

func (s *CachedTokenSource) adopt(rec TokenRecord) Token {
	if cur := s.cache.Load(); cur == nil || *cur != rec {
		r := rec
		s.cache.Store(&r)
	}
	return Token{Value: rec.Value, ExpiresAt: rec.ExpiresAt}
}

// fetchLeased fetches a new token while holding the lease.
func (s *CachedTokenSource) fetchLeased(ctx context.Context, key, stale string, force bool) (Token, error) {
	defer func() {
		if err := s.Store.Unlease(context.WithoutCancel(ctx), key, s.owner); err != nil && s.Logger != nil {
			s.Logger.WarnContext(ctx, "wechatmp: release token lease", "key", key, "err", err)
		}
	}()
	rec, err := s.get(ctx, key) // re-read: the previous holder may have refreshed
	if err != nil {
		return Token{}, err
	}
	fetchedAt := s.now()
	if s.fresh(rec, fetchedAt, stale, force) {
		return s.adopt(rec), nil
	}
	var tok Token
	if force {
		tok, err = s.Base.(TokenForcer).ForceToken(ctx)
	} else {
		tok, err = s.Base.Token(ctx)
	}
	if err == nil && (tok.Value == "" || !fetchedAt.Before(tok.ExpiresAt)) {
		err = errors.New("wechatmp: token source returned an empty or expired token")
	}
	if err != nil {
		if !force && rec.Value != "" && rec.Value != stale && !s.isRejected(rec.Value) && fetchedAt.Before(rec.ExpiresAt) {
			// Early refresh failed; the current token still works.
			if s.Logger != nil {
				s.Logger.WarnContext(ctx, "wechatmp: early token refresh failed", "key", key, "err", err)
			}
			s.nextCheck.Store(fetchedAt.Add(s.pollInterval()).UnixNano())
			return s.adopt(rec), nil
		}
		return Token{}, err
	}
	if s.Logger != nil {
		s.Logger.InfoContext(ctx, "wechatmp: token refreshed", "key", key, "expires_at", tok.ExpiresAt, "forced", force)
	}
	next := TokenRecord{Value: tok.Value, ExpiresAt: tok.ExpiresAt, RefreshAt: s.refreshAt(fetchedAt, tok.ExpiresAt)}
	for range 8 {
		stored, err := s.Store.CompareAndSwap(ctx, key, rec.Version, next)
		if err == nil {
			return s.adopt(stored), nil
		}
		if !errors.Is(err, ErrConflict) {
			return Token{}, err
		}
		if rec, err = s.get(ctx, key); err != nil {
			return Token{}, err
		}
		if rec.Value != "" && rec.ExpiresAt.After(next.ExpiresAt) {
			return s.adopt(rec), nil // a newer token won: never overwrite it
		}
	}
	return Token{}, errors.New("wechatmp: token store: too many conflicts")
}

func (s *CachedTokenSource) refreshAt(fetchedAt, expiresAt time.Time) time.Time {
	early := s.RefreshBefore
	if early <= 0 {
		early = 5 * time.Minute
	}
	if life := expiresAt.Sub(fetchedAt); early > life/2 {
		early = life / 2
	}
	return expiresAt.Add(-early)
}
