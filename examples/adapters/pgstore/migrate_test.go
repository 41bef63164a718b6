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

// TestSchemaJoinCollations checks that columns compared with each other share
// a collation: a mismatch silently turns the history lookup of every ticket
// read into a sequential scan of the whole history table.
func TestSchemaJoinCollations(t *testing.T) {
	t.Parallel()
	pool := testenv.Postgres(t, 0, pgstore.Migrate)
	var ticketID, historyID string
	err := pool.QueryRow(context.Background(), `
SELECT (SELECT collation_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'kefu_tickets' AND column_name = 'id'),
	(SELECT collation_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'kefu_ticket_history' AND column_name = 'ticket_id')`).
		Scan(&ticketID, &historyID)
	if err != nil {
		t.Fatal(err)
	}
	if ticketID != "C" || historyID != "C" {
		t.Fatalf("kefu_tickets.id collation %q, kefu_ticket_history.ticket_id %q; want both \"C\"", ticketID, historyID)
	}
}
