package pgstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefu-go/kefu/identity"
)

// IdentityStore is an identity.Store on PostgreSQL: customers and merge
// records as JSON rows with a version column, bindings in a table whose
// primary key (kind, value) makes each identifier belong to one customer.
// Commit is one transaction; the records are never decrypted (the store sees
// only what the Registry sealed). It is safe for concurrent use.
type IdentityStore struct {
	pool *pgxpool.Pool
}

var _ identity.Store = (*IdentityStore)(nil)

// NewIdentityStore returns an IdentityStore on pool. Run Migrate first.
func NewIdentityStore(pool *pgxpool.Pool) *IdentityStore { return &IdentityStore{pool: pool} }

// Get implements identity.Store.
func (s *IdentityStore) Get(ctx context.Context, id string) (identity.Record, error) {
	if err := ctx.Err(); err != nil {
		return identity.Record{}, err
	}
	var (
		version int64
		raw     []byte
	)
	err := s.pool.QueryRow(ctx, `SELECT version, record FROM kefu_customers WHERE id = $1`, id).Scan(&version, &raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return identity.Record{}, fmt.Errorf("%w: customer %s", identity.ErrNotFound, id)
	}
	if err != nil {
		return identity.Record{}, fmt.Errorf("pgstore: get customer %s: %w", id, err)
	}
	return decodeCustomer(id, version, raw)
}

// Lookup implements identity.Store.
func (s *IdentityStore) Lookup(ctx context.Context, key identity.Key) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var id string
	err := s.pool.QueryRow(ctx, `SELECT customer FROM kefu_identity_bindings WHERE kind = $1 AND value = $2`,
		int16(key.Kind), key.Value).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("%w: %s binding", identity.ErrNotFound, key.Kind)
	}
	if err != nil {
		return "", fmt.Errorf("pgstore: lookup %s: %w", key.Kind, err)
	}
	return id, nil
}

// GetMerge implements identity.Store.
func (s *IdentityStore) GetMerge(ctx context.Context, id string) (identity.MergeRecord, error) {
	if err := ctx.Err(); err != nil {
		return identity.MergeRecord{}, err
	}
	var (
		version int64
		raw     []byte
	)
	err := s.pool.QueryRow(ctx, `SELECT version, merge FROM kefu_identity_merges WHERE id = $1`, id).Scan(&version, &raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return identity.MergeRecord{}, fmt.Errorf("%w: merge %s", identity.ErrNotFound, id)
	}
	if err != nil {
		return identity.MergeRecord{}, fmt.Errorf("pgstore: get merge %s: %w", id, err)
	}
	var m identity.MergeRecord
	if err := json.Unmarshal(raw, &m); err != nil {
		return identity.MergeRecord{}, fmt.Errorf("pgstore: decode merge %s: %w", id, err)
	}
	m.ID, m.Version = id, version
	return m, nil
}

// List implements identity.Store.
func (s *IdentityStore) List(ctx context.Context, q identity.Query) ([]identity.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	sql := `SELECT id, version, record FROM kefu_customers WHERE id > $1`
	args := []any{q.After}
	if !q.ErasedBefore.IsZero() {
		sql += ` AND erased_ns <> 0 AND erased_ns < $3`
	}
	sql += ` ORDER BY id LIMIT $2`
	args = append(args, limit)
	if !q.ErasedBefore.IsZero() {
		args = append(args, q.ErasedBefore.UnixNano())
	}
	return queryVersioned(ctx, s.pool, "list customers", sql, args, decodeCustomer)
}

// Commit implements identity.Store: one transaction that checks every
// version with UPDATE/DELETE … WHERE version = $v (or INSERT … ON CONFLICT DO
// NOTHING for new rows) and binds keys with INSERT … ON CONFLICT DO NOTHING,
// rolling everything back at the first refusal. Rows are touched in a fixed
// order (ids, then keys, sorted) so that concurrent commits do not deadlock.
func (s *IdentityStore) Commit(ctx context.Context, w identity.Write) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkWrite(w); err != nil {
		return err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: commit: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if err := commitRecords(ctx, tx, w); err != nil {
		return contention(err)
	}
	if err := commitBindings(ctx, tx, w); err != nil {
		return contention(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return contention(fmt.Errorf("pgstore: commit: %w", err))
	}
	return nil
}

// checkWrite refuses what no database state can make valid.
func checkWrite(w identity.Write) error {
	seen := make(map[string]bool, len(w.Put)+len(w.Delete))
	check := func(id string) error {
		if id == "" {
			return fmt.Errorf("%w: empty customer id", identity.ErrInvalidIdentifier)
		}
		if seen[id] {
			return fmt.Errorf("%w: write names customer %s twice", identity.ErrInvalidIdentifier, id)
		}
		seen[id] = true
		return nil
	}
	for _, r := range w.Put {
		if err := check(r.ID); err != nil {
			return err
		}
	}
	for _, d := range w.Delete {
		if err := check(d.ID); err != nil {
			return err
		}
	}
	merges := make(map[string]bool, len(w.PutMerges))
	for _, m := range w.PutMerges {
		if m.ID == "" || merges[m.ID] {
			return fmt.Errorf("%w: empty or repeated merge id", identity.ErrInvalidIdentifier)
		}
		merges[m.ID] = true
	}
	for _, b := range w.Bind {
		if b.Customer == "" {
			return fmt.Errorf("%w: binding to an empty customer id", identity.ErrInvalidIdentifier)
		}
	}
	return nil
}

func commitRecords(ctx context.Context, tx pgx.Tx, w identity.Write) error {
	puts := slices.SortedFunc(slices.Values(w.Put), func(a, b identity.Record) int { return strings.Compare(a.ID, b.ID) })
	for _, r := range puts {
		raw, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("pgstore: encode customer %s: %w", r.ID, err)
		}
		erased := int64(0)
		if !r.ErasedAt.IsZero() {
			erased = r.ErasedAt.UnixNano()
		}
		var tag pgconn.CommandTag
		if r.Version == 0 {
			tag, err = tx.Exec(ctx, `INSERT INTO kefu_customers (id, version, erased_ns, record) VALUES ($1, 1, $2, $3)
				ON CONFLICT (id) DO NOTHING`, r.ID, erased, raw)
		} else {
			tag, err = tx.Exec(ctx, `UPDATE kefu_customers SET version = version + 1, erased_ns = $3, record = $4
				WHERE id = $1 AND version = $2`, r.ID, r.Version, erased, raw)
		}
		if err != nil {
			return classify(identity.ErrInvalidIdentifier, "put customer "+r.ID, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%w: customer %s", identity.ErrVersionConflict, r.ID)
		}
	}
	dels := slices.SortedFunc(slices.Values(w.Delete), func(a, b identity.Ref) int { return strings.Compare(a.ID, b.ID) })
	for _, d := range dels {
		tag, err := tx.Exec(ctx, `DELETE FROM kefu_customers WHERE id = $1 AND version = $2`, d.ID, d.Version)
		if err != nil {
			return fmt.Errorf("pgstore: delete customer %s: %w", d.ID, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%w: customer %s", identity.ErrVersionConflict, d.ID)
		}
	}
	merges := slices.SortedFunc(slices.Values(w.PutMerges), func(a, b identity.MergeRecord) int { return strings.Compare(a.ID, b.ID) })
	for _, m := range merges {
		raw, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("pgstore: encode merge %s: %w", m.ID, err)
		}
		var tag pgconn.CommandTag
		if m.Version == 0 {
			tag, err = tx.Exec(ctx, `INSERT INTO kefu_identity_merges (id, version, merge) VALUES ($1, 1, $2)
				ON CONFLICT (id) DO NOTHING`, m.ID, raw)
		} else {
			tag, err = tx.Exec(ctx, `UPDATE kefu_identity_merges SET version = version + 1, merge = $3
				WHERE id = $1 AND version = $2`, m.ID, m.Version, raw)
		}
		if err != nil {
			return classify(identity.ErrInvalidIdentifier, "put merge "+m.ID, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("%w: merge %s", identity.ErrVersionConflict, m.ID)
		}
	}
	if len(w.DeleteMerges) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM kefu_identity_merges WHERE id = ANY($1)`, w.DeleteMerges); err != nil {
			return fmt.Errorf("pgstore: delete merges: %w", err)
		}
	}
	return nil
}

func compareBindings(a, b identity.Binding) int {
	return cmp.Or(cmp.Compare(a.Key.Kind, b.Key.Kind), strings.Compare(a.Key.Value, b.Key.Value), strings.Compare(a.Customer, b.Customer))
}

func commitBindings(ctx context.Context, tx pgx.Tx, w identity.Write) error {
	for _, b := range slices.SortedFunc(slices.Values(w.Unbind), compareBindings) {
		if _, err := tx.Exec(ctx, `DELETE FROM kefu_identity_bindings WHERE kind = $1 AND value = $2 AND customer = $3`,
			int16(b.Key.Kind), b.Key.Value, b.Customer); err != nil {
			return fmt.Errorf("pgstore: unbind: %w", err)
		}
	}
	for _, b := range slices.SortedFunc(slices.Values(w.Bind), compareBindings) {
		tag, err := tx.Exec(ctx, `INSERT INTO kefu_identity_bindings (kind, value, customer) VALUES ($1, $2, $3)
			ON CONFLICT (kind, value) DO NOTHING`, int16(b.Key.Kind), b.Key.Value, b.Customer)
		if err != nil {
			return classify(identity.ErrInvalidIdentifier, "bind", err)
		}
		if tag.RowsAffected() == 1 {
			continue
		}
		var owner string
		if err := tx.QueryRow(ctx, `SELECT customer FROM kefu_identity_bindings WHERE kind = $1 AND value = $2`,
			int16(b.Key.Kind), b.Key.Value).Scan(&owner); err != nil {
			return fmt.Errorf("pgstore: bind: %w", err)
		}
		if owner != b.Customer {
			return &identity.BindingTakenError{Key: b.Key, Owner: owner}
		}
	}
	return nil
}

// contention maps PostgreSQL's serialization failures and deadlocks, which a
// retry resolves, to ErrVersionConflict.
func contention(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01") {
		return errors.Join(identity.ErrVersionConflict, err)
	}
	return err
}

func decodeCustomer(id string, version int64, raw []byte) (identity.Record, error) {
	var r identity.Record
	if err := json.Unmarshal(raw, &r); err != nil {
		return identity.Record{}, fmt.Errorf("pgstore: decode customer %s: %w", id, err)
	}
	r.ID, r.Version = id, version
	return r, nil
}
