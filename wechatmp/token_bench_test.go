package wechatmp_test

import (
	"context"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// BenchmarkTokenCached measures the hot path of every API call: a cached
// token lookup. Contract: 0 allocs/op.
func BenchmarkTokenCached(b *testing.B) {
	ctx := context.Background()
	now := time.Now()
	src := &wechatmp.CachedTokenSource{
		Base: wechatmp.StaticTokenSource{Value: "ACCESS_TOKEN", ExpiresAt: now.Add(2 * time.Hour)},
	}
	if _, err := src.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := src.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTokenCachedZeroAllocs(t *testing.T) {
	ctx := context.Background()
	src := &wechatmp.CachedTokenSource{Base: wechatmp.StaticTokenSource{Value: "T", ExpiresAt: time.Now().Add(time.Hour)}}
	if _, err := src.Token(ctx); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = src.Token(ctx) }); n != 0 {
		t.Fatalf("cached Token allocates %v times", n)
	}
}
