package wechatmp

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by store interfaces (TokenStore, WindowStore,
// ComponentStore) for a key they do not hold.
var ErrNotFound = errors.New("wechatmp: not found")

// ErrConflict is returned by TokenStore.CompareAndSwap when the stored record
// is not the version the caller read: another writer got there first.
var ErrConflict = errors.New("wechatmp: store version conflict")

// Token is an access token and the time it expires.
type Token struct {
	Value     string
	ExpiresAt time.Time
}

// Valid reports whether the token is non-empty and not expired at now.
func (t Token) Valid(now time.Time) bool {
	return t.Value != "" && now.Before(t.ExpiresAt)
}

// TokenSource returns access tokens. Token must be safe for concurrent use by
// multiple goroutines.
type TokenSource interface {
	Token(ctx context.Context) (Token, error)
}

// TokenInvalidator is implemented by caching token sources. The Client calls
// InvalidateToken with the token WeChat rejected (40001, 40014, 42001) before
// retrying once; the source drops it only if it is still the current token.
type TokenInvalidator interface {
	InvalidateToken(ctx context.Context, value string) error
}

// TokenForcer is implemented by token sources that can make WeChat issue a new
// token even though the current one has not expired (stable_token with
// force_refresh=true). It must be used sparingly: WeChat allows 20 a day.
type TokenForcer interface {
	ForceToken(ctx context.Context) (Token, error)
}

// StaticTokenSource returns tok for ever. For tests and for hosts that obtain
// tokens elsewhere. It is safe for concurrent use.
type StaticTokenSource Token

// Token returns the static token.
func (s StaticTokenSource) Token(context.Context) (Token, error) { return Token(s), nil }

// TokenRecord is what a TokenStore holds for one key: the shared token of all
// replicas.
type TokenRecord struct {
	Value     string
	ExpiresAt time.Time // the token is unusable from then on (stores may evict the record then)
	RefreshAt time.Time // replicas start refreshing from then on (early refresh)
	// Version is assigned by the store: 1 for the first write of a key, +1 on
	// every successful CompareAndSwap. Callers never set it.
	Version int64
}

// TokenStore shares access tokens between replicas. It is modelled on
// autocert.Cache, with two additions that make a shared token safe: writes are
// compare-and-set by version (an older token never overwrites a newer one, and
// only the stored token can be invalidated), and a refresh lease guards the
// fetch so that concurrent replicas do not both ask WeChat for a new token
// (each fetch invalidates the previous token).
//
// A Redis implementation maps CompareAndSwap to a WATCH/MULTI or Lua script
// and Lease to SET NX PX; a SQL one to UPDATE ... WHERE version = $old and an
// INSERT ... ON CONFLICT on a lease table. Implementations must be safe for
// concurrent use; wechatmptest.TestTokenStore checks the contract.
type TokenStore interface {
	// Get returns the record stored under key, or ErrNotFound.
	Get(ctx context.Context, key string) (TokenRecord, error)
	// CompareAndSwap stores rec under key if the stored version is oldVersion
	// (0: the key is absent) and returns the record as stored, with its new
	// Version. Otherwise it stores nothing and returns ErrConflict.
	CompareAndSwap(ctx context.Context, key string, oldVersion int64, rec TokenRecord) (TokenRecord, error)
	// Lease acquires the refresh lease of key for owner for ttl, if no other
	// owner holds an unexpired lease. It reports whether owner holds it now
	// (re-acquiring one's own lease extends it).
	Lease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error)
	// Unlease releases owner's lease of key; releasing a lease one does not
	// hold is a no-op.
	Unlease(ctx context.Context, key, owner string) error
}
