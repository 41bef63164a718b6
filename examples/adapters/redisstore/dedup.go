package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefu-go/kefu/wechatmp"
)

// DedupStore is a wechatmp.DedupStore on Redis: a hash per push key (owner,
// state, reply) with a PX expiry of the claim's ttl. Claim, Update and
// Release are Lua scripts, so exactly one replica claims a push. It is safe
// for concurrent use.
type DedupStore struct {
	rdb    redis.UniversalClient
	prefix string
	// Now, if set, decides expiry instead of the Redis server's clock: each
	// record also holds its expiry instant by this clock, and a record past
	// it behaves as missing (Redis still deletes it after its ttl). For
	// tests on a fake clock; set it before first use.
	Now func() time.Time
}

var _ wechatmp.DedupStore = (*DedupStore)(nil)

// NewDedupStore returns a DedupStore whose keys start with prefix.
func NewDedupStore(rdb redis.UniversalClient, prefix string) *DedupStore {
	return &DedupStore{rdb: rdb, prefix: prefix}
}

func (s *DedupStore) key(key string) string { return s.prefix + "dedup:" + key }

// clock returns the caller clock in milliseconds as a script argument, ""
// when Now is nil.
func (s *DedupStore) clock() string {
	if s.Now == nil {
		return ""
	}
	return strconv.FormatInt(s.Now().UnixMilli(), 10)
}

// dedupLive is the Lua prelude shared by the scripts: live() reports whether
// KEYS[1] holds a record not expired by the caller's clock ARGV[1] (ms, or
// "" for Redis's own expiry).
const dedupLive = `
local function live()
	if redis.call('EXISTS', KEYS[1]) == 0 then return false end
	if ARGV[1] == '' then return true end
	local x = tonumber(redis.call('HGET', KEYS[1], 'x') or '0')
	return x > tonumber(ARGV[1])
end
local function put()
	local ttl = tonumber(ARGV[5])
	redis.call('DEL', KEYS[1])
	local x = 0
	if ARGV[1] ~= '' then x = tonumber(ARGV[1]) + ttl end
	redis.call('HSET', KEYS[1], 'o', ARGV[2], 's', ARGV[3], 'r', ARGV[4], 'x', x)
	redis.call('PEXPIRE', KEYS[1], ttl)
end
`

// dedupClaim: ARGV = clock, owner, state, reply, ttl ms. Returns 1 when
// claimed, else the live record {owner, state, reply}.
var dedupClaim = redis.NewScript(dedupLive + `
if live() then return redis.call('HMGET', KEYS[1], 'o', 's', 'r') end
put()
return 1
`)

// dedupUpdate: same ARGV; returns 0 when another owner holds the key.
var dedupUpdate = redis.NewScript(dedupLive + `
if live() and redis.call('HGET', KEYS[1], 'o') ~= ARGV[2] then return 0 end
put()
return 1
`)

// dedupGet: ARGV = clock; returns the live record or nil.
var dedupGet = redis.NewScript(dedupLive + `
if not live() then return false end
return redis.call('HMGET', KEYS[1], 'o', 's', 'r')
`)

// dedupRelease: ARGV = clock, owner.
var dedupRelease = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'o') == ARGV[2] then redis.call('DEL', KEYS[1]) end
return 0
`)

// Claim implements wechatmp.DedupStore.
func (s *DedupStore) Claim(ctx context.Context, key string, rec wechatmp.DedupRecord, ttl time.Duration) (bool, wechatmp.DedupRecord, error) {
	if err := ctx.Err(); err != nil {
		return false, wechatmp.DedupRecord{}, err
	}
	res, err := dedupClaim.Run(ctx, s.rdb, []string{s.key(key)},
		s.clock(), rec.Owner, int(rec.State), rec.Reply, ceilMillis(ttl)).Result()
	if err != nil {
		return false, wechatmp.DedupRecord{}, fmt.Errorf("redisstore: dedup claim: %w", err)
	}
	if n, ok := res.(int64); ok && n == 1 {
		return true, wechatmp.DedupRecord{}, nil
	}
	existing, err := decodeDedup(res)
	return false, existing, err
}

// Update implements wechatmp.DedupStore.
func (s *DedupStore) Update(ctx context.Context, key string, rec wechatmp.DedupRecord, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, err := dedupUpdate.Run(ctx, s.rdb, []string{s.key(key)},
		s.clock(), rec.Owner, int(rec.State), rec.Reply, ceilMillis(ttl)).Int()
	if err != nil {
		return fmt.Errorf("redisstore: dedup update: %w", err)
	}
	if n == 0 {
		return wechatmp.ErrDedupNotOwner
	}
	return nil
}

// Get implements wechatmp.DedupStore.
func (s *DedupStore) Get(ctx context.Context, key string) (wechatmp.DedupRecord, error) {
	if err := ctx.Err(); err != nil {
		return wechatmp.DedupRecord{}, err
	}
	res, err := dedupGet.Run(ctx, s.rdb, []string{s.key(key)}, s.clock()).Result()
	if err == redis.Nil {
		return wechatmp.DedupRecord{}, wechatmp.ErrDedupNotFound
	}
	if err != nil {
		return wechatmp.DedupRecord{}, fmt.Errorf("redisstore: dedup get: %w", err)
	}
	return decodeDedup(res)
}

// Release implements wechatmp.DedupStore.
func (s *DedupStore) Release(ctx context.Context, key, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := dedupRelease.Run(ctx, s.rdb, []string{s.key(key)}, s.clock(), owner).Err(); err != nil {
		return fmt.Errorf("redisstore: dedup release: %w", err)
	}
	return nil
}

// decodeDedup decodes the {owner, state, reply} array the scripts return.
func decodeDedup(res any) (wechatmp.DedupRecord, error) {
	vals, ok := res.([]any)
	if !ok || len(vals) != 3 {
		return wechatmp.DedupRecord{}, fmt.Errorf("redisstore: malformed dedup record %T", res)
	}
	owner, _ := vals[0].(string)
	state, _ := vals[1].(string)
	reply, _ := vals[2].(string)
	var rec wechatmp.DedupRecord
	rec.Owner = owner
	if state == strconv.Itoa(int(wechatmp.DedupDone)) {
		rec.State = wechatmp.DedupDone
	}
	if reply != "" {
		rec.Reply = []byte(reply)
	}
	return rec, nil
}
