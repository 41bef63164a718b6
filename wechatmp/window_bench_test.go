package wechatmp_test

import (
	"context"
	"testing"
	"time"

	"github.com/kefu-go/kefu/wechatmp"
)

// BenchmarkWindowReserve measures one atomic reserve on the in-memory store
// through Window.Reserve (the local guard before every customer-service
// send). Contract: under 1 µs/op.
func BenchmarkWindowReserve(b *testing.B) {
	ctx := context.Background()
	now := time.Now()
	store := new(wechatmp.MemoryWindowStore)
	w := wechatmp.NewWindow(store, func() time.Time { return now })
	st := wechatmp.OpenWindow(wechatmp.InteractionMessage, now)
	st.Quota = 1 << 40 // never spent during the benchmark
	if err := store.Open(ctx, wechatmp.WindowKey("wxapp", "o_user"), st); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := w.Reserve(ctx, "wxapp", "o_user"); err != nil {
			b.Fatal(err)
		}
	}
}
