package redisstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/kefu-go/kefu/routing"
)

var _ routing.ConversationStore = (*RoutingStore)(nil)

// An open conversation is a hash prefix + "conv:{conv}:" + id holding its
// version ("v"), its JSON ("j") and its member of the idle index ("i");
// closing it deletes the hash, freeing the id. The idle index is a sorted
// set prefix + "conv-idle:{conv}" whose members, all scored 0, are
// idleMember(LastActivity, id), so that lexicographic order is
// LastActivity order (see idle.go). Both keys share the hash tag "conv", so
// the scripts below keep hash and index in step atomically, on Redis
// Cluster too (where every open conversation therefore lives on one node).

func (s *RoutingStore) convKey(id string) string { return s.prefix + "conv:{conv}:" + id }

func (s *RoutingStore) idleKey() string { return s.prefix + "conv-idle:{conv}" }

// convCreate: KEYS = conversation, idle index; ARGV = json, idle member.
// Returns 0 when a conversation is open under the key.
var convCreate = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', 1, 'j', ARGV[1], 'i', ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[2])
return 1
`)

// convUpdate: KEYS = conversation, idle index; ARGV = expected version,
// json, "1" to close, idle member. Returns -1 when missing, -2 on a version
// mismatch, else the new version.
var convUpdate = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return -1 end
if tonumber(v) ~= tonumber(ARGV[1]) then return -2 end
local old = redis.call('HGET', KEYS[1], 'i')
if old then redis.call('ZREM', KEYS[2], old) end
if ARGV[3] == '1' then
	redis.call('DEL', KEYS[1])
else
	redis.call('HSET', KEYS[1], 'v', tonumber(v) + 1, 'j', ARGV[2], 'i', ARGV[4])
	redis.call('ZADD', KEYS[2], 0, ARGV[4])
end
return tonumber(v) + 1
`)

// Conversation implements routing.ConversationStore.
func (s *RoutingStore) Conversation(ctx context.Context, key string) (routing.Conversation, error) {
	if err := ctx.Err(); err != nil {
		return routing.Conversation{}, err
	}
	raw, err := s.rdb.HGet(ctx, s.convKey(key), "j").Result()
	if err == redis.Nil {
		return routing.Conversation{}, fmt.Errorf("%w: conversation %q", routing.ErrNotFound, key)
	}
	if err != nil {
		return routing.Conversation{}, fmt.Errorf("redisstore: conversation: %w", err)
	}
	var c routing.Conversation
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return routing.Conversation{}, fmt.Errorf("redisstore: decode conversation: %w", err)
	}
	return c, nil
}

// CreateConversation implements routing.ConversationStore.
func (s *RoutingStore) CreateConversation(ctx context.Context, c routing.Conversation) (routing.Conversation, error) {
	if err := ctx.Err(); err != nil {
		return routing.Conversation{}, err
	}
	if c.ID == "" {
		return routing.Conversation{}, fmt.Errorf("%w: conversation has no id", routing.ErrInvalidRequest)
	}
	if c.State == routing.StateClosed {
		return routing.Conversation{}, fmt.Errorf("%w: cannot create a closed conversation", routing.ErrInvalidRequest)
	}
	c.Version = 1
	raw, err := json.Marshal(c)
	if err != nil {
		return routing.Conversation{}, fmt.Errorf("redisstore: encode conversation: %w", err)
	}
	ok, err := convCreate.Run(ctx, s.rdb, []string{s.convKey(c.ID), s.idleKey()}, raw, idleMember(c.LastActivity, c.ID)).Int()
	if err != nil {
		return routing.Conversation{}, fmt.Errorf("redisstore: create conversation: %w", err)
	}
	if ok == 0 {
		return routing.Conversation{}, fmt.Errorf("%w: conversation %q is already open", routing.ErrConflict, c.ID)
	}
	return decodeConversation(raw)
}

// UpdateConversation implements routing.ConversationStore.
func (s *RoutingStore) UpdateConversation(ctx context.Context, c routing.Conversation) (routing.Conversation, error) {
	if err := ctx.Err(); err != nil {
		return routing.Conversation{}, err
	}
	expected := c.Version
	c.Version++
	raw, err := json.Marshal(c)
	if err != nil {
		return routing.Conversation{}, fmt.Errorf("redisstore: encode conversation: %w", err)
	}
	closing := "0"
	if c.State == routing.StateClosed {
		closing = "1"
	}
	v, err := convUpdate.Run(ctx, s.rdb, []string{s.convKey(c.ID), s.idleKey()}, expected, raw, closing, idleMember(c.LastActivity, c.ID)).Int64()
	switch {
	case err != nil:
		return routing.Conversation{}, fmt.Errorf("redisstore: update conversation: %w", err)
	case v == -1:
		return routing.Conversation{}, fmt.Errorf("%w: conversation %q", routing.ErrNotFound, c.ID)
	case v == -2:
		return routing.Conversation{}, fmt.Errorf("%w: conversation %q is not at version %d", routing.ErrConflict, c.ID, expected)
	}
	return decodeConversation(raw)
}

// decodeConversation returns a copy of the stored conversation that shares
// no memory with the caller's.
func decodeConversation(raw []byte) (routing.Conversation, error) {
	var c routing.Conversation
	if err := json.Unmarshal(raw, &c); err != nil {
		return routing.Conversation{}, fmt.Errorf("redisstore: decode conversation: %w", err)
	}
	return c, nil
}
