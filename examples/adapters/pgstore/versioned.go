package pgstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// queryVersioned runs a query returning (id, version, document) rows and
// decodes each through decode. what names the listing in errors ("list kb
// entries"). The result is never nil, so an empty listing encodes as [].
func queryVersioned[T any](ctx context.Context, pool *pgxpool.Pool, what, sql string, args []any, decode func(id string, version int64, raw []byte) (T, error)) ([]T, error) {
	rows, err := pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var (
			id      string
			version int64
			raw     []byte
		)
		if err := rows.Scan(&id, &version, &raw); err != nil {
			return nil, fmt.Errorf("pgstore: %s: %w", what, err)
		}
		v, err := decode(id, version, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: %s: %w", what, err)
	}
	return out, nil
}
