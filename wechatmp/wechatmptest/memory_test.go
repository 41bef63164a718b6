package wechatmptest_test

import (
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/wechatmptest"
)

// The in-memory stores of package wechatmp pass every suite; an adapter's
// test looks the same with its own constructor.
func TestMemoryStores(t *testing.T) {
	t.Run("Token", func(t *testing.T) {
		wechatmptest.TestTokenStore(t, func(*testing.T) wechatmp.TokenStore { return new(wechatmp.MemoryTokenStore) })
	})
	t.Run("TokenReplicas", func(t *testing.T) {
		wechatmptest.TestTokenStoreReplicas(t, func(*testing.T) wechatmp.TokenStore { return new(wechatmp.MemoryTokenStore) })
	})
	t.Run("Window", func(t *testing.T) {
		wechatmptest.TestWindowStore(t, func(*testing.T) wechatmp.WindowStore { return new(wechatmp.MemoryWindowStore) })
	})
	t.Run("Dedup", func(t *testing.T) {
		wechatmptest.TestDedupStore(t, func(*testing.T) wechatmp.DedupStore { return new(wechatmp.MemoryDedupStore) })
	})
	t.Run("DedupExpiry", func(t *testing.T) {
		wechatmptest.TestDedupStoreExpiry(t, func(_ *testing.T, now func() time.Time) wechatmp.DedupStore {
			return &wechatmp.MemoryDedupStore{Now: now}
		})
	})
}
