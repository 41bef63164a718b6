package routing_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kefu-go/kefu/routing"
)

// BenchmarkIdleConversations lists the 100 least recently active of n open
// conversations, a tenth of them idle, in a MemoryStore (a scan: O(n)).
func BenchmarkIdleConversations(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("open=%d", n), func(b *testing.B) {
			s := new(routing.MemoryStore)
			for i := range n {
				// Every tenth conversation was last active before t0.
				at := t0.Add(time.Duration(i%10) * time.Minute)
				if _, err := s.CreateConversation(ctx, routing.NewConversation(fmt.Sprint("cust-", i), "wx", at)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				got, err := s.IdleConversations(ctx, t0.Add(time.Second), 100)
				if err != nil || len(got) != 100 {
					b.Fatalf("%d, %v", len(got), err)
				}
			}
		})
	}
}
