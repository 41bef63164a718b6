package pgstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/pgstore"
	"github.com/kefu-go/kefu/wechatmp"
)

// TestDedupStorePurge checks that Purge deletes expired records only, by the
// store's clock.
func TestDedupStorePurge(t *testing.T) {
	t.Parallel()
	pool := testenv.Postgres(t, 0, pgstore.Migrate)
	var mu sync.Mutex
	clock := time.Unix(1700000000, 0)
	s := pgstore.NewDedupStore(pool)
	s.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	ctx := context.Background()
	rec := wechatmp.DedupRecord{Owner: "a"}
	for _, k := range []string{"short-1", "short-2"} {
		if ok, _, err := s.Claim(ctx, k, rec, time.Second); err != nil || !ok {
			t.Fatalf("Claim(%s) = %v, %v", k, ok, err)
		}
	}
	if ok, _, err := s.Claim(ctx, "long", rec, time.Hour); err != nil || !ok {
		t.Fatalf("Claim(long) = %v, %v", ok, err)
	}
	if n, err := s.Purge(ctx); err != nil || n != 0 {
		t.Fatalf("Purge before expiry = %d, %v; want 0", n, err)
	}
	mu.Lock()
	clock = clock.Add(2 * time.Second)
	mu.Unlock()
	if n, err := s.Purge(ctx); err != nil || n != 2 {
		t.Fatalf("Purge after expiry = %d, %v; want 2", n, err)
	}
	if _, err := s.Get(ctx, "long"); err != nil {
		t.Fatalf("live record purged: %v", err)
	}
	var rows int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM kefu_wechat_dedup`).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("%d rows left, %v; want 1", rows, err)
	}
}

// TestDedupStoreServerClock checks expiry by the database's clock (Now nil).
func TestDedupStoreServerClock(t *testing.T) {
	t.Parallel()
	s := pgstore.NewDedupStore(testenv.Postgres(t, 0, pgstore.Migrate))
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
}
