package redisstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/redisstore"
	"github.com/kefu-go/kefu/wechatmp"
)

// TestDedupStoreServerClock checks expiry by Redis's own clock (Now nil):
// the record's PX expiry.
func TestDedupStoreServerClock(t *testing.T) {
	t.Parallel()
	rdb, prefix := testenv.Redis(t)
	s := redisstore.NewDedupStore(rdb, prefix)
	ctx := context.Background()
	if ok, _, err := s.Claim(ctx, "k", wechatmp.DedupRecord{Owner: "a"}, 50*time.Millisecond); err != nil || !ok {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	if _, err := s.Get(ctx, "k"); err != nil {
		t.Fatalf("Get within the ttl: %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := s.Get(ctx, "k"); !errors.Is(err, wechatmp.ErrDedupNotFound) {
		t.Fatalf("Get after the ttl = %v, want ErrDedupNotFound", err)
	}
	if ok, _, err := s.Claim(ctx, "k", wechatmp.DedupRecord{Owner: "b"}, time.Minute); err != nil || !ok {
		t.Fatalf("Claim after expiry = %v, %v; want true", ok, err)
	}
	ttl, err := rdb.PTTL(ctx, prefix+"dedup:k").Result()
	if err != nil || ttl <= 0 || ttl > time.Minute {
		t.Fatalf("PTTL = %v, %v; want a positive ttl of at most a minute", ttl, err)
	}
}
