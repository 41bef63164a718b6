// Package pgstore implements kefu's store interfaces on PostgreSQL with pgx
// v5: ticket.Store, identity.Store, kb.Store (and kb.ConfigStore),
// wechatmp.WindowStore and wechatmp.DedupStore. Every store passes its
// package's conformance suite (tickettest, identitytest, wechatmptest) against
// a real server.
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	if err != nil { ... }
//	if err := pgstore.Migrate(ctx, pool); err != nil { ... }
//	tickets := &ticket.Service{Store: pgstore.NewTicketStore(pool)}
//	customers, err := identity.New(identity.Config{Store: pgstore.NewIdentityStore(pool), ...})
//	handler, err := wechatmp.NewHandler(wechatmp.HandlerConfig{Dedup: pgstore.NewDedupStore(pool), ...})
//
// # Schema
//
// Migrate applies the embedded, versioned SQL migrations (migrations/*.sql)
// to the pool's current schema and records them in kefu_schema_migrations; it
// is idempotent and safe to call from every replica at start-up. Tables are
// prefixed kefu_. To keep several deployments in one database, give each its
// own schema through the pool's search_path.
//
// # Concurrency
//
// Every store is a thin value around the *pgxpool.Pool and is safe for
// concurrent use by many goroutines and many replicas: each compare-and-set
// is a single SQL statement (UPDATE … WHERE version = $expected, INSERT … ON
// CONFLICT) or one transaction, so optimistic concurrency holds across
// processes.
//
// # Errors
//
// Stores return the sentinels their interfaces document (ticket.ErrConflict,
// identity.ErrVersionConflict, wechatmp.ErrWindowQuota, …), wrapped with
// context; database failures are returned wrapped, prefixed "pgstore:", and
// keep the *pgconn.PgError reachable with errors.As. PostgreSQL text cannot
// hold a NUL byte or invalid UTF-8: such a ticket, kb entry or customer is
// refused with the package's invalid-value sentinel (ticket.ErrInvalidTicket,
// kb.ErrInvalid, identity.ErrInvalidIdentifier) and nothing is written.
//
// # Time
//
// PostgreSQL keeps timestamps to the microsecond: ticket and identity times
// come back truncated to microseconds. The wechatmp stores keep Unix
// nanoseconds, so window and token times round-trip exactly.
package pgstore
