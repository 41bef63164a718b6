package pgstore_test

import (
	"testing"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/pgstore"
	"github.com/kefu-go/kefu/identity"
	"github.com/kefu-go/kefu/identity/identitytest"
)

func newIdentityStore(t *testing.T) identity.Store {
	return pgstore.NewIdentityStore(testenv.Postgres(t, 0, pgstore.Migrate))
}

func TestIdentityStoreConformance(t *testing.T) {
	t.Parallel()
	testenv.PostgresDSN(t)
	identitytest.TestStore(t, newIdentityStore)
}

func TestIdentityRegistryOnPostgres(t *testing.T) {
	t.Parallel()
	testenv.PostgresDSN(t)
	identitytest.TestRegistry(t, newIdentityStore)
}
