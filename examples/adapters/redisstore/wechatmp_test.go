package redisstore_test

import (
	"testing"
	"time"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/redisstore"
	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/wechatmptest"
)

func TestTokenStoreConformance(t *testing.T) {
	t.Parallel()
	testenv.RedisURL(t)
	wechatmptest.TestTokenStore(t, func(t *testing.T) wechatmp.TokenStore {
		rdb, prefix := testenv.Redis(t)
		return redisstore.NewTokenStore(rdb, prefix)
	})
}

func TestDedupStoreConformance(t *testing.T) {
	t.Parallel()
	testenv.RedisURL(t)
	wechatmptest.TestDedupStore(t, func(t *testing.T) wechatmp.DedupStore {
		rdb, prefix := testenv.Redis(t)
		return redisstore.NewDedupStore(rdb, prefix)
	})
}

func TestDedupStoreExpiry(t *testing.T) {
	t.Parallel()
	testenv.RedisURL(t)
	wechatmptest.TestDedupStoreExpiry(t, func(t *testing.T, now func() time.Time) wechatmp.DedupStore {
		rdb, prefix := testenv.Redis(t)
		s := redisstore.NewDedupStore(rdb, prefix)
		s.Now = now
		return s
	})
}

func TestWindowStoreConformance(t *testing.T) {
	t.Parallel()
	testenv.RedisURL(t)
	wechatmptest.TestWindowStore(t, func(t *testing.T) wechatmp.WindowStore {
		rdb, prefix := testenv.Redis(t)
		return redisstore.NewWindowStore(rdb, prefix)
	})
}

// TestTokenStoreReplicas runs the three-replica, 150-caller token scenario of
// wechatmptest over one Redis token store.
func TestTokenStoreReplicas(t *testing.T) {
	t.Parallel()
	testenv.RedisURL(t)
	wechatmptest.TestTokenStoreReplicas(t, func(t *testing.T) wechatmp.TokenStore {
		rdb, prefix := testenv.Redis(t)
		return redisstore.NewTokenStore(rdb, prefix)
	})
}
