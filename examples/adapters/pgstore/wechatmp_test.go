package pgstore_test

import (
	"testing"
	"time"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/pgstore"
	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/wechatmptest"
)

func TestWindowStoreConformance(t *testing.T) {
	t.Parallel()
	testenv.PostgresDSN(t)
	wechatmptest.TestWindowStore(t, func(t *testing.T) wechatmp.WindowStore {
		return pgstore.NewWindowStore(testenv.Postgres(t, 0, pgstore.Migrate))
	})
}

func TestDedupStoreConformance(t *testing.T) {
	t.Parallel()
	testenv.PostgresDSN(t)
	wechatmptest.TestDedupStore(t, func(t *testing.T) wechatmp.DedupStore {
		return pgstore.NewDedupStore(testenv.Postgres(t, 0, pgstore.Migrate))
	})
}

func TestDedupStoreExpiry(t *testing.T) {
	t.Parallel()
	testenv.PostgresDSN(t)
	wechatmptest.TestDedupStoreExpiry(t, func(t *testing.T, now func() time.Time) wechatmp.DedupStore {
		s := pgstore.NewDedupStore(testenv.Postgres(t, 0, pgstore.Migrate))
		s.Now = now
		return s
	})
}

func TestTokenStoreConformance(t *testing.T) {
	t.Parallel()
	testenv.PostgresDSN(t)
	wechatmptest.TestTokenStore(t, func(t *testing.T) wechatmp.TokenStore {
		return pgstore.NewTokenStore(testenv.Postgres(t, 0, pgstore.Migrate))
	})
}

// TestTokenStoreReplicas runs the three-replica, 150-caller token scenario of
// wechatmptest over one PostgreSQL token store.
func TestTokenStoreReplicas(t *testing.T) {
	t.Parallel()
	testenv.PostgresDSN(t)
	wechatmptest.TestTokenStoreReplicas(t, func(t *testing.T) wechatmp.TokenStore {
		return pgstore.NewTokenStore(testenv.Postgres(t, 0, pgstore.Migrate))
	})
}
