package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/kefu-go/kefu/routing"
)

// RoutingStore is a routing.Store (AgentStore and QueueStore) and a
// routing.ConversationStore (with routing.IdleLister) on Redis, shared by
// every replica of the host.
//
// An agent is one hash, prefix + "agent:{id}": presence, load, load per
// channel ("ch:<channel>"), the conversations held ("cv:<conversation>" →
// channel), last assignment and idle-since instants. Its recent assignment
// times, for the fairness window, are a sorted set prefix + "agent-fair:{id}"
// scored in microseconds (entries older than a day are dropped when no
// fairness limit asks for them). TryAssign, Release and SetPresence are Lua
// scripts over those two keys, so no agent ever exceeds a capacity, channel
// capacity or fairness limit, whatever the replicas do concurrently.
//
// A holding queue is a hash prefix + "queue:{name}" from conversation id to
// the JSON of its routing.Waiting entry; Remove is HDEL, so exactly one of
// several concurrent removers succeeds.
//
// An open conversation is a hash prefix + "conv:{conv}:" + id with its
// version and JSON; UpdateConversation is a compare-and-set script. The same
// scripts keep a sorted set prefix + "conv-idle:{conv}" of the open
// conversations ordered by last activity, so RoutingStore also implements
// the optional routing.IdleLister (for routing.SweepIdle): listing costs
// O(log n + limit).
//
// It is safe for concurrent use.
type RoutingStore struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ routing.Store = (*RoutingStore)(nil)

// NewRoutingStore returns a RoutingStore whose keys start with prefix.
func NewRoutingStore(rdb redis.UniversalClient, prefix string) *RoutingStore {
	return &RoutingStore{rdb: rdb, prefix: prefix}
}

func (s *RoutingStore) agentKeys(id string) []string {
	return []string{s.prefix + "agent:{" + id + "}", s.prefix + "agent-fair:{" + id + "}"}
}

// fairnessRetention bounds the fairness set when no request sets a limit.
const fairnessRetention = 24 * time.Hour

// agentPresence: ARGV = presence, now ns.
var agentPresence = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'presence')
local load = tonumber(redis.call('HGET', KEYS[1], 'load') or '0')
if ARGV[1] == 'online' and cur ~= 'online' and load == 0 then
	redis.call('HSET', KEYS[1], 'idle', ARGV[2])
end
redis.call('HSET', KEYS[1], 'presence', ARGV[1])
return 0
`)

// agentAssign: ARGV = conversation, channel, capacity, channel capacity,
// fairness limit, now ns, now µs, fairness cut µs (entries at or before it
// are out of the window). Returns 1 assigned (or already held), 0 refused.
var agentAssign = redis.NewScript(`
local h, f = KEYS[1], KEYS[2]
if redis.call('HEXISTS', h, 'cv:' .. ARGV[1]) == 1 then return 1 end
if redis.call('HGET', h, 'presence') ~= 'online' then return 0 end
if tonumber(redis.call('HGET', h, 'load') or '0') >= tonumber(ARGV[3]) then return 0 end
local chcap = tonumber(ARGV[4])
if chcap > 0 and tonumber(redis.call('HGET', h, 'ch:' .. ARGV[2]) or '0') >= chcap then return 0 end
redis.call('ZREMRANGEBYSCORE', f, '-inf', ARGV[8])
local limit = tonumber(ARGV[5])
if limit > 0 and redis.call('ZCARD', f) >= limit then return 0 end
redis.call('HSET', h, 'cv:' .. ARGV[1], ARGV[2], 'last', ARGV[6], 'idle', '0')
redis.call('HINCRBY', h, 'load', 1)
redis.call('HINCRBY', h, 'ch:' .. ARGV[2], 1)
redis.call('ZADD', f, ARGV[7], ARGV[7] .. '/' .. ARGV[1])
return 1
`)

// agentRelease: ARGV = conversation, now ns. Returns 0 when not held.
var agentRelease = redis.NewScript(`
local h = KEYS[1]
local ch = redis.call('HGET', h, 'cv:' .. ARGV[1])
if not ch then return 0 end
redis.call('HDEL', h, 'cv:' .. ARGV[1])
if redis.call('HINCRBY', h, 'ch:' .. ch, -1) <= 0 then redis.call('HDEL', h, 'ch:' .. ch) end
if redis.call('HINCRBY', h, 'load', -1) <= 0 then redis.call('HSET', h, 'idle', ARGV[2]) end
return 1
`)

// SetPresence implements routing.AgentStore.
func (s *RoutingStore) SetPresence(ctx context.Context, agentID string, p routing.Presence, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if agentID == "" {
		return fmt.Errorf("%w: empty agent id", routing.ErrInvalidRequest)
	}
	switch p {
	case routing.Online, routing.Away, routing.Offline:
	default:
		return fmt.Errorf("%w: unknown presence %q", routing.ErrInvalidRequest, p)
	}
	if err := agentPresence.Run(ctx, s.rdb, s.agentKeys(agentID)[:1], string(p), formatNanos(now)).Err(); err != nil {
		return fmt.Errorf("redisstore: set presence: %w", err)
	}
	return nil
}

// AgentStates implements routing.AgentStore. The agents are read in one
// pipeline; each agent's state is one consistent hash read.
func (s *RoutingStore) AgentStates(ctx context.Context, agentIDs []string) ([]routing.AgentState, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cmds := make([]*redis.MapStringStringCmd, len(agentIDs))
	if len(agentIDs) > 0 {
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, id := range agentIDs {
				cmds[i] = p.HGetAll(ctx, s.agentKeys(id)[0])
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("redisstore: agent states: %w", err)
		}
	}
	out := make([]routing.AgentState, len(agentIDs))
	for i, id := range agentIDs {
		st, err := decodeAgent(id, cmds[i].Val())
		if err != nil {
			return nil, err
		}
		out[i] = st
	}
	return out, nil
}

func decodeAgent(id string, h map[string]string) (routing.AgentState, error) {
	st := routing.AgentState{AgentID: id, Presence: routing.Offline}
	if len(h) == 0 {
		return st, nil
	}
	if p := h["presence"]; p != "" {
		st.Presence = routing.Presence(p)
	}
	var err error
	if st.Load, err = atoi(h["load"]); err != nil {
		return st, fmt.Errorf("redisstore: agent %s: load: %w", id, err)
	}
	if st.LastAssigned, err = parseNanos(h["last"]); err != nil {
		return st, fmt.Errorf("redisstore: agent %s: last assigned: %w", id, err)
	}
	if st.Load == 0 {
		if st.IdleSince, err = parseNanos(h["idle"]); err != nil {
			return st, fmt.Errorf("redisstore: agent %s: idle since: %w", id, err)
		}
		return st, nil
	}
	st.ChannelLoad = make(map[string]int)
	for k, v := range h {
		if ch, ok := strings.CutPrefix(k, "ch:"); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				return st, fmt.Errorf("redisstore: agent %s: channel load: %w", id, err)
			}
			if n > 0 {
				st.ChannelLoad[ch] = n
			}
		}
	}
	return st, nil
}

func atoi(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	return strconv.Atoi(s)
}

// TryAssign implements routing.AgentStore.
func (s *RoutingStore) TryAssign(ctx context.Context, req routing.AssignRequest) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if err := validate(req); err != nil {
		return false, err
	}
	window := fairnessRetention
	if req.FairnessLimit > 0 {
		window = req.FairnessWindow
	}
	nowUs := req.Now.UnixMicro()
	cutUs := req.Now.Add(-window).UnixMicro()
	ok, err := agentAssign.Run(ctx, s.rdb, s.agentKeys(req.AgentID),
		req.ConversationID, req.Channel, req.Capacity, req.ChannelCapacity, req.FairnessLimit,
		formatNanos(req.Now), nowUs, cutUs).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: assign: %w", err)
	}
	return ok == 1, nil
}

// validate checks req as routing.MemoryStore does.
func validate(req routing.AssignRequest) error {
	switch {
	case req.AgentID == "":
		return fmt.Errorf("%w: empty agent id", routing.ErrInvalidRequest)
	case req.ConversationID == "":
		return fmt.Errorf("%w: empty conversation id", routing.ErrInvalidRequest)
	case req.Capacity < 1:
		return fmt.Errorf("%w: capacity %d below 1", routing.ErrInvalidRequest, req.Capacity)
	case req.ChannelCapacity < 0:
		return fmt.Errorf("%w: negative channel capacity", routing.ErrInvalidRequest)
	case req.FairnessLimit < 0 || (req.FairnessLimit > 0 && req.FairnessWindow <= 0):
		return fmt.Errorf("%w: fairness limit %d needs a positive window", routing.ErrInvalidRequest, req.FairnessLimit)
	}
	return nil
}

// Release implements routing.AgentStore.
func (s *RoutingStore) Release(ctx context.Context, agentID, conversationID string, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, err := agentRelease.Run(ctx, s.rdb, s.agentKeys(agentID)[:1], conversationID, formatNanos(now)).Int()
	if err != nil {
		return fmt.Errorf("redisstore: release: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("%w: agent %s does not hold conversation %s", routing.ErrNotFound, agentID, conversationID)
	}
	return nil
}

// NextTurn implements routing.AgentStore.
func (s *RoutingStore) NextTurn(ctx context.Context, queue string) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, err := s.rdb.Incr(ctx, s.prefix+"turn:"+queue).Uint64()
	if err != nil {
		return 0, fmt.Errorf("redisstore: next turn: %w", err)
	}
	return n, nil
}

func (s *RoutingStore) queueKey(queue string) string { return s.prefix + "queue:{" + queue + "}" }

// Push implements routing.QueueStore.
func (s *RoutingStore) Push(ctx context.Context, w routing.Waiting) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if w.ConversationID == "" || w.Queue == "" {
		return fmt.Errorf("%w: waiting entry needs a conversation id and a queue", routing.ErrInvalidRequest)
	}
	b, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("redisstore: encode waiting entry: %w", err)
	}
	if err := s.rdb.HSet(ctx, s.queueKey(w.Queue), w.ConversationID, b).Err(); err != nil {
		return fmt.Errorf("redisstore: push: %w", err)
	}
	return nil
}

// Remove implements routing.QueueStore.
func (s *RoutingStore) Remove(ctx context.Context, queue, conversationID string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, err := s.rdb.HDel(ctx, s.queueKey(queue), conversationID).Result()
	if err != nil {
		return fmt.Errorf("redisstore: remove: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("%w: conversation %s not waiting in %s", routing.ErrNotFound, conversationID, queue)
	}
	return nil
}

// Waiting implements routing.QueueStore.
func (s *RoutingStore) Waiting(ctx context.Context, queue string) ([]routing.Waiting, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vals, err := s.rdb.HVals(ctx, s.queueKey(queue)).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: waiting: %w", err)
	}
	out := make([]routing.Waiting, 0, len(vals))
	for _, v := range vals {
		var w routing.Waiting
		if err := json.Unmarshal([]byte(v), &w); err != nil {
			return nil, fmt.Errorf("redisstore: decode waiting entry: %w", err)
		}
		out = append(out, w)
	}
	return out, nil
}
