// Package pgstore implements kefu's store interfaces on PostgreSQL with pgx
// v5: ticket.Store, identity.Store, kb.Store (and kb.ConfigStore),
// wechatmp.WindowStore and wechatmp.DedupStore. Every store passes its
// package's conformance suite (tickettest, identitytest, kbtest, wechatmptest) against
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
// Instants round-trip exactly. Ticket and wechatmp instants are stored as Unix
// nanoseconds (bigint columns named *_ns; 0 or NULL for the zero time), which
// covers the years 1678 to 2262, and come back in UTC; tickets are ordered by
// instants that may differ by less than the microsecond a timestamptz keeps.
// Identity and kb records are JSON documents with RFC 3339 times to the
// nanosecond.
package pgstore
