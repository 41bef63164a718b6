package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefu-go/kefu/routing"
)

var _ routing.IdleLister = (*RoutingStore)(nil)

// idleRankLen is the length of idleRank's result.
const idleRankLen = 20

var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// idleRank encodes t as 20 decimal digits whose lexicographic order is the
// order of instants: Unix nanoseconds with the sign bit flipped, zero
// padded. Instants outside the int64 range (before 1678 or after 2262) are
// clamped to its ends.
func idleRank(t time.Time) string {
	var ns int64
	switch {
	case t.Before(minNanoTime):
		ns = math.MinInt64
	case t.After(maxNanoTime):
		ns = math.MaxInt64
	default:
		ns = t.UnixNano()
	}
	r := strconv.FormatUint(uint64(ns)^(1<<63), 10)
	return strings.Repeat("0", idleRankLen-len(r)) + r
}

// idleMember is a conversation's member of the idle index: its rank, "/",
// its id. Members of one rank sort by id.
func idleMember(lastActivity time.Time, id string) string {
	return idleRank(lastActivity) + "/" + id
}

// IdleConversations implements routing.IdleLister. The members of the idle
// index below the bound are one ZRANGEBYLEX (O(log n + limit)); the
// conversations are then read in one pipeline. A conversation updated or
// closed between the two reads is left out when it no longer qualifies, so
// a call may return fewer than limit while more are idle; the next call
// finds them.
func (s *RoutingStore) IdleConversations(ctx context.Context, lastActivityBefore time.Time, limit int) ([]routing.Conversation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit < 1 {
		return nil, fmt.Errorf("%w: idle listing limit %d below 1", routing.ErrInvalidRequest, limit)
	}
	members, err := s.rdb.ZRangeByLex(ctx, s.idleKey(), &redis.ZRangeBy{
		Min: "-", Max: "(" + idleRank(lastActivityBefore), Count: int64(limit),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: idle conversations: %w", err)
	}
	if len(members) == 0 {
		return nil, nil
	}
	cmds := make([]*redis.StringCmd, len(members))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, m := range members {
			if len(m) <= idleRankLen+1 {
				return fmt.Errorf("redisstore: malformed idle index member %q", m)
			}
			cmds[i] = p.HGet(ctx, s.convKey(m[idleRankLen+1:]), "j")
		}
		return nil
	})
	if err != nil && err != redis.Nil {
		return nil, fmt.Errorf("redisstore: idle conversations: %w", err)
	}
	out := make([]routing.Conversation, 0, len(members))
	for _, cmd := range cmds {
		raw, err := cmd.Result()
		if err == redis.Nil {
			continue // closed since
		}
		if err != nil {
			return nil, fmt.Errorf("redisstore: idle conversations: %w", err)
		}
		var c routing.Conversation
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return nil, fmt.Errorf("redisstore: decode conversation: %w", err)
		}
		if c.State == routing.StateClosed || !c.LastActivity.Before(lastActivityBefore) {
			continue // updated since
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].LastActivity.Equal(out[j].LastActivity) {
			return out[i].LastActivity.Before(out[j].LastActivity)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
