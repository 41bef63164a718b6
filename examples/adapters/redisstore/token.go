package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefu-go/kefu/wechatmp"
)

// TokenStore is a wechatmp.TokenStore on Redis: a hash per token (value,
// expiry, early-refresh time, version) written by a compare-and-swap script,
// and a lease key per token set with SET NX semantics and a PX expiry, so the
// lease is timed by the Redis server's clock. It is safe for concurrent use.
type TokenStore struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ wechatmp.TokenStore = (*TokenStore)(nil)

// NewTokenStore returns a TokenStore whose keys start with prefix.
func NewTokenStore(rdb redis.UniversalClient, prefix string) *TokenStore {
	return &TokenStore{rdb: rdb, prefix: prefix}
}

func (s *TokenStore) recordKey(key string) string { return s.prefix + "token:" + key }
func (s *TokenStore) leaseKey(key string) string  { return s.prefix + "token-lease:" + key }

// Get implements wechatmp.TokenStore.
func (s *TokenStore) Get(ctx context.Context, key string) (wechatmp.TokenRecord, error) {
	if err := ctx.Err(); err != nil {
		return wechatmp.TokenRecord{}, err
	}
	vals, err := s.rdb.HMGet(ctx, s.recordKey(key), "value", "expires", "refresh", "version").Result()
	if err != nil {
		return wechatmp.TokenRecord{}, fmt.Errorf("redisstore: get token: %w", err)
	}
	if vals[3] == nil {
		return wechatmp.TokenRecord{}, wechatmp.ErrNotFound
	}
	return decodeToken(vals)
}

func decodeToken(vals []any) (wechatmp.TokenRecord, error) {
	str := func(v any) string { s, _ := v.(string); return s }
	var rec wechatmp.TokenRecord
	rec.Value = str(vals[0])
	expires, err1 := parseNanos(str(vals[1]))
	refresh, err2 := parseNanos(str(vals[2]))
	version, err3 := strconv.ParseInt(str(vals[3]), 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return wechatmp.TokenRecord{}, fmt.Errorf("redisstore: malformed token record: %w", err)
	}
	rec.ExpiresAt, rec.RefreshAt, rec.Version = expires, refresh, version
	return rec, nil
}

// tokenCAS stores the record if the stored version (0 when absent) is
// ARGV[1] and returns the new version, or -1 on a conflict.
var tokenCAS = redis.NewScript(`
local cur = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if cur ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], 'value', ARGV[2], 'expires', ARGV[3], 'refresh', ARGV[4], 'version', cur + 1)
return cur + 1
`)

// CompareAndSwap implements wechatmp.TokenStore.
func (s *TokenStore) CompareAndSwap(ctx context.Context, key string, oldVersion int64, rec wechatmp.TokenRecord) (wechatmp.TokenRecord, error) {
	if err := ctx.Err(); err != nil {
		return wechatmp.TokenRecord{}, err
	}
	v, err := tokenCAS.Run(ctx, s.rdb, []string{s.recordKey(key)},
		oldVersion, rec.Value, formatNanos(rec.ExpiresAt), formatNanos(rec.RefreshAt)).Int64()
	if err != nil {
		return wechatmp.TokenRecord{}, fmt.Errorf("redisstore: store token: %w", err)
	}
	if v < 0 {
		return wechatmp.TokenRecord{}, wechatmp.ErrConflict
	}
	rec.Version = v
	return rec, nil
}

// tokenLease takes or extends the lease for ARGV[1] for ARGV[2] ms.
var tokenLease = redis.NewScript(`
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`)

// tokenUnlease deletes the lease if ARGV[1] holds it.
var tokenUnlease = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`)

// Lease implements wechatmp.TokenStore. Redis times the lease to the
// millisecond; shorter leases last one millisecond.
func (s *TokenStore) Lease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	ok, err := tokenLease.Run(ctx, s.rdb, []string{s.leaseKey(key)}, owner, ceilMillis(ttl)).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: lease token: %w", err)
	}
	return ok == 1, nil
}

// Unlease implements wechatmp.TokenStore.
func (s *TokenStore) Unlease(ctx context.Context, key, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := tokenUnlease.Run(ctx, s.rdb, []string{s.leaseKey(key)}, owner).Err(); err != nil {
		return fmt.Errorf("redisstore: unlease token: %w", err)
	}
	return nil
}
