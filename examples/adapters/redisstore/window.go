package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefu-go/kefu/wechatmp"
)

// WindowStore is a wechatmp.WindowStore on Redis: a hash per window (kind,
// opening and closing instants, quota, sends used). Every method is one Lua
// script, so Reserve never hands out more sends than the quota, whichever
// replicas ask. Instants are kept as (seconds, nanoseconds) pairs, which Lua
// compares exactly. A window key expires 72 hours after its last Open, well
// after any window closes. It is safe for concurrent use.
type WindowStore struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ wechatmp.WindowStore = (*WindowStore)(nil)

// NewWindowStore returns a WindowStore whose keys start with prefix.
func NewWindowStore(rdb redis.UniversalClient, prefix string) *WindowStore {
	return &WindowStore{rdb: rdb, prefix: prefix}
}

// windowTTL bounds the life of a window key; the longest window lasts 48 h.
const windowTTL = 72 * time.Hour

func (s *WindowStore) key(key string) string { return s.prefix + "window:" + key }

// windowLib is the Lua prelude: before compares (s, ns) instants, state
// returns the stored hash as the array decodeWindow reads.
const windowLib = `
local function before(as, an, bs, bn)
	as, an, bs, bn = tonumber(as), tonumber(an), tonumber(bs), tonumber(bn)
	return as < bs or (as == bs and an < bn)
end
local function state()
	return redis.call('HMGET', KEYS[1], 'k', 'os', 'on', 'cs', 'cn', 'q', 'u')
end
`

// windowOpen: ARGV = kind, os, on, cs, cn, quota, used, ttl ms. It keeps
// the stored window when it was opened no earlier, or when it has sends left
// at the new opening and closes after the new window (see
// wechatmp.WindowState.Refresh).
var windowOpen = redis.NewScript(windowLib + `
local cur = redis.call('HMGET', KEYS[1], 'os', 'on', 'cs', 'cn', 'q', 'u')
if cur[1] then
	if not before(cur[1], cur[2], ARGV[2], ARGV[3]) then return 0 end
	local q, u = tonumber(cur[5]), tonumber(cur[6])
	if q > 0 and u < q and before(ARGV[2], ARGV[3], cur[3], cur[4]) and before(ARGV[4], ARGV[5], cur[3], cur[4]) then
		return 0
	end
end
redis.call('HSET', KEYS[1], 'k', ARGV[1], 'os', ARGV[2], 'on', ARGV[3], 'cs', ARGV[4], 'cn', ARGV[5], 'q', ARGV[6], 'u', ARGV[7])
redis.call('PEXPIRE', KEYS[1], ARGV[8])
return 1
`)

// windowReserve: ARGV = now s, now ns. Returns {status, state...}: status 0
// reserved, 1 closed (or unknown: no state), 2 quota spent.
var windowReserve = redis.NewScript(windowLib + `
if redis.call('EXISTS', KEYS[1]) == 0 then return {1} end
local st = state()
local q, u = tonumber(st[6]), tonumber(st[7])
if q <= 0 or not before(ARGV[1], ARGV[2], st[4], st[5]) then
	redis.call('DEL', KEYS[1])
	return {1, unpack(st)}
end
if u >= q then return {2, unpack(st)} end
redis.call('HINCRBY', KEYS[1], 'u', 1)
return {0, unpack(state())}
`)

// windowRelease: ARGV = opened s, opened ns.
var windowRelease = redis.NewScript(`
local cur = redis.call('HMGET', KEYS[1], 'os', 'on', 'u')
if cur[1] == ARGV[1] and cur[2] == ARGV[2] and tonumber(cur[3]) > 0 then
	redis.call('HINCRBY', KEYS[1], 'u', -1)
end
return 0
`)

// windowExhaust: ARGV = opened s, opened ns, closes s, closes ns (both "" for
// none).
var windowExhaust = redis.NewScript(windowLib + `
local cur = redis.call('HMGET', KEYS[1], 'os', 'on', 'cs', 'cn', 'q', 'u')
if cur[1] ~= ARGV[1] or cur[2] ~= ARGV[2] then return 0 end
if tonumber(cur[6]) < tonumber(cur[5]) then redis.call('HSET', KEYS[1], 'u', cur[5]) end
if ARGV[3] ~= '' and before(ARGV[3], ARGV[4], cur[3], cur[4]) then
	redis.call('HSET', KEYS[1], 'cs', ARGV[3], 'cn', ARGV[4])
end
return 1
`)

// splitTime returns t as the (seconds, nanoseconds) strings the scripts
// compare.
func splitTime(t time.Time) (string, string) {
	return strconv.FormatInt(t.Unix(), 10), strconv.Itoa(t.Nanosecond())
}

// Get implements wechatmp.WindowStore.
func (s *WindowStore) Get(ctx context.Context, key string) (wechatmp.WindowState, error) {
	if err := ctx.Err(); err != nil {
		return wechatmp.WindowState{}, err
	}
	vals, err := s.rdb.HMGet(ctx, s.key(key), "k", "os", "on", "cs", "cn", "q", "u").Result()
	if err != nil {
		return wechatmp.WindowState{}, fmt.Errorf("redisstore: get window: %w", err)
	}
	if vals[0] == nil {
		return wechatmp.WindowState{}, wechatmp.ErrNotFound
	}
	return decodeWindow(vals)
}

// Open implements wechatmp.WindowStore.
func (s *WindowStore) Open(ctx context.Context, key string, st wechatmp.WindowState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	os, on := splitTime(st.OpenedAt)
	cs, cn := splitTime(st.ClosesAt)
	err := windowOpen.Run(ctx, s.rdb, []string{s.key(key)},
		int(st.Kind), os, on, cs, cn, st.Quota, st.Used, windowTTL.Milliseconds()).Err()
	if err != nil {
		return fmt.Errorf("redisstore: open window: %w", err)
	}
	return nil
}

// Reserve implements wechatmp.WindowStore. A window found closed is deleted.
func (s *WindowStore) Reserve(ctx context.Context, key string, now time.Time) (wechatmp.WindowState, error) {
	if err := ctx.Err(); err != nil {
		return wechatmp.WindowState{}, err
	}
	ns, nn := splitTime(now)
	vals, err := windowReserve.Run(ctx, s.rdb, []string{s.key(key)}, ns, nn).Slice()
	if err != nil {
		return wechatmp.WindowState{}, fmt.Errorf("redisstore: reserve window: %w", err)
	}
	status, _ := vals[0].(int64)
	var st wechatmp.WindowState
	if len(vals) > 1 {
		if st, err = decodeWindow(vals[1:]); err != nil {
			return wechatmp.WindowState{}, err
		}
	}
	switch status {
	case 0:
		return st, nil
	case 2:
		return st, wechatmp.ErrWindowQuota
	default:
		return st, wechatmp.ErrWindowClosed
	}
}

// Release implements wechatmp.WindowStore.
func (s *WindowStore) Release(ctx context.Context, key string, openedAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	os, on := splitTime(openedAt)
	if err := windowRelease.Run(ctx, s.rdb, []string{s.key(key)}, os, on).Err(); err != nil {
		return fmt.Errorf("redisstore: release window: %w", err)
	}
	return nil
}

// Exhaust implements wechatmp.WindowStore.
func (s *WindowStore) Exhaust(ctx context.Context, key string, openedAt, closesAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	os, on := splitTime(openedAt)
	cs, cn := "", ""
	if !closesAt.IsZero() {
		cs, cn = splitTime(closesAt)
	}
	if err := windowExhaust.Run(ctx, s.rdb, []string{s.key(key)}, os, on, cs, cn).Err(); err != nil {
		return fmt.Errorf("redisstore: exhaust window: %w", err)
	}
	return nil
}

// decodeWindow decodes the {kind, os, on, cs, cn, quota, used} array.
func decodeWindow(vals []any) (wechatmp.WindowState, error) {
	if len(vals) != 7 {
		return wechatmp.WindowState{}, fmt.Errorf("redisstore: malformed window state (%d fields)", len(vals))
	}
	var n [7]int64
	for i, v := range vals {
		str, _ := v.(string)
		x, err := strconv.ParseInt(str, 10, 64)
		if err != nil {
			return wechatmp.WindowState{}, fmt.Errorf("redisstore: malformed window state: %w", err)
		}
		n[i] = x
	}
	return wechatmp.WindowState{
		Kind:     wechatmp.Interaction(n[0]),
		OpenedAt: time.Unix(n[1], n[2]).UTC(),
		ClosesAt: time.Unix(n[3], n[4]).UTC(),
		Quota:    int(n[5]),
		Used:     int(n[6]),
	}, nil
}
