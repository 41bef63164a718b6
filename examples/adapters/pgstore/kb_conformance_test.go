package pgstore_test

import (
	"testing"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/pgstore"
	"github.com/kefu-go/kefu/kb"
	"github.com/kefu-go/kefu/kb/kbtest"
)

// TestKBStoreConformance runs kb's store conformance suite against
// PostgreSQL.
func TestKBStoreConformance(t *testing.T) {
	t.Parallel()
	testenv.PostgresDSN(t)
	kbtest.TestStore(t, func(t *testing.T) kb.Store {
		return pgstore.NewKBStore(testenv.Postgres(t, 0, pgstore.Migrate))
	})
}
