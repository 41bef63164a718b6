package redisstore_test

import (
	"testing"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/redisstore"
	"github.com/kefu-go/kefu/routing"
	"github.com/kefu-go/kefu/routing/routingtest"
)

func TestRoutingStoreConformance(t *testing.T) {
	t.Parallel()
	testenv.RedisURL(t)
	routingtest.TestStore(t, func(t *testing.T) routing.Store {
		rdb, prefix := testenv.Redis(t)
		return redisstore.NewRoutingStore(rdb, prefix)
	})
}

func TestConversationStoreConformance(t *testing.T) {
	t.Parallel()
	testenv.RedisURL(t)
	routingtest.TestConversationStore(t, func(t *testing.T) routing.ConversationStore {
		rdb, prefix := testenv.Redis(t)
		return redisstore.NewRoutingStore(rdb, prefix)
	})
}

func TestIdleListerConformance(t *testing.T) {
	t.Parallel()
	testenv.RedisURL(t)
	routingtest.TestIdleLister(t, func(t *testing.T) routing.ConversationStore {
		rdb, prefix := testenv.Redis(t)
		return redisstore.NewRoutingStore(rdb, prefix)
	})
}
