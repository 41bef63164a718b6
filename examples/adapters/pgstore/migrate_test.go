package pgstore_test

import (
	"context"
	"sync"
	"testing"

	"github.com/kefu-go/kefu/examples/adapters/internal/testenv"
	"github.com/kefu-go/kefu/examples/adapters/pgstore"
)

// TestMigrateIdempotent runs Migrate concurrently and repeatedly on an empty
// schema: every run succeeds and each migration is recorded once.
func TestMigrateIdempotent(t *testing.T) {
	t.Parallel()
	pool := testenv.Postgres(t, 8, nil)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() { errs[i] = pgstore.Migrate(ctx, pool) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("concurrent Migrate: %v", err)
		}
	}
	if err := pgstore.Migrate(ctx, pool); err != nil {
		t.Fatalf("Migrate again: %v", err)
	}
	var n, maxVersion int
	if err := pool.QueryRow(ctx, `SELECT count(*), max(version) FROM kefu_schema_migrations`).Scan(&n, &maxVersion); err != nil {
		t.Fatal(err)
	}
	if n != pgstore.SchemaVersion || maxVersion != pgstore.SchemaVersion {
		t.Fatalf("%d migrations recorded, newest %d; want %d", n, maxVersion, pgstore.SchemaVersion)
	}
}
