package routing_test

import (
	"testing"

	"github.com/kefu-go/kefu/routing"
	"github.com/kefu-go/kefu/routing/routingtest"
)

func TestMemoryStore(t *testing.T) {
	routingtest.TestStore(t, func(t *testing.T) routing.Store { return new(routing.MemoryStore) })
	routingtest.TestConversationStore(t, func(t *testing.T) routing.ConversationStore { return new(routing.MemoryStore) })
}
