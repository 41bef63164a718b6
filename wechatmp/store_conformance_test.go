package wechatmp_test

import (
	"testing"

	"github.com/kefu-go/kefu/wechatmp"
	"github.com/kefu-go/kefu/wechatmp/wechatmptest"
)

func TestMemoryTokenStoreConformance(t *testing.T) {
	wechatmptest.TestTokenStore(t, func(*testing.T) wechatmp.TokenStore { return new(wechatmp.MemoryTokenStore) })
}

func TestMemoryWindowStoreConformance(t *testing.T) {
	wechatmptest.TestWindowStore(t, func(*testing.T) wechatmp.WindowStore { return new(wechatmp.MemoryWindowStore) })
}
