package identity_test

import (
	"testing"

	"github.com/kefu-go/kefu/identity"
	"github.com/kefu-go/kefu/identity/identitytest"
)

func newMemoryStore(*testing.T) identity.Store { return identity.NewMemoryStore() }

func TestMemoryStore(t *testing.T) {
	identitytest.TestStore(t, newMemoryStore)
}

func TestMemoryStoreZeroValue(t *testing.T) {
	identitytest.TestStore(t, func(*testing.T) identity.Store { return new(identity.MemoryStore) })
}

func TestRegistryOnMemoryStore(t *testing.T) {
	identitytest.TestRegistry(t, newMemoryStore)
}
