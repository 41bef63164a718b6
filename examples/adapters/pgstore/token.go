package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefu-go/kefu/wechatmp"
)

// TokenStore is a wechatmp.TokenStore on PostgreSQL: a row per token with a
// version for compare-and-swap, and a lease row per key whose expiry is
// decided by the database server's clock. It is safe for concurrent use.
type TokenStore struct {
	pool *pgxpool.Pool
}

var _ wechatmp.TokenStore = (*TokenStore)(nil)

// NewTokenStore returns a TokenStore on pool. Run Migrate first.
func NewTokenStore(pool *pgxpool.Pool) *TokenStore { return &TokenStore{pool: pool} }

// Get implements wechatmp.TokenStore.
func (s *TokenStore) Get(ctx context.Context, key string) (wechatmp.TokenRecord, error) {
	if err := ctx.Err(); err != nil {
		return wechatmp.TokenRecord{}, err
	}
	rec, err := scanToken(s.pool.QueryRow(ctx, `SELECT value, expires_ns, refresh_ns, version FROM kefu_wechat_tokens WHERE key = $1`, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return wechatmp.TokenRecord{}, wechatmp.ErrNotFound
	}
	if err != nil {
		return wechatmp.TokenRecord{}, fmt.Errorf("pgstore: get token: %w", err)
	}
	return rec, nil
}

func scanToken(row pgx.Row) (wechatmp.TokenRecord, error) {
	var (
		rec              wechatmp.TokenRecord
		expires, refresh int64
	)
	if err := row.Scan(&rec.Value, &expires, &refresh, &rec.Version); err != nil {
		return wechatmp.TokenRecord{}, err
	}
	rec.ExpiresAt, rec.RefreshAt = fromNanos(expires), fromNanos(refresh)
	return rec, nil
}

// CompareAndSwap implements wechatmp.TokenStore.
func (s *TokenStore) CompareAndSwap(ctx context.Context, key string, oldVersion int64, rec wechatmp.TokenRecord) (wechatmp.TokenRecord, error) {
	if err := ctx.Err(); err != nil {
		return wechatmp.TokenRecord{}, err
	}
	sql := `UPDATE kefu_wechat_tokens SET value = $3, expires_ns = $4, refresh_ns = $5, version = version + 1
		WHERE key = $1 AND version = $2
		RETURNING value, expires_ns, refresh_ns, version`
	if oldVersion == 0 {
		sql = `INSERT INTO kefu_wechat_tokens (key, value, expires_ns, refresh_ns, version)
		SELECT $1, $3, $4, $5, 1 WHERE $2::bigint = 0
		ON CONFLICT (key) DO NOTHING
		RETURNING value, expires_ns, refresh_ns, version`
	}
	stored, err := scanToken(s.pool.QueryRow(ctx, sql, key, oldVersion, rec.Value, nanos(rec.ExpiresAt), nanos(rec.RefreshAt)))
	if errors.Is(err, pgx.ErrNoRows) {
		return wechatmp.TokenRecord{}, wechatmp.ErrConflict
	}
	if err != nil {
		return wechatmp.TokenRecord{}, fmt.Errorf("pgstore: store token: %w", err)
	}
	return stored, nil
}

// Lease implements wechatmp.TokenStore.
func (s *TokenStore) Lease(ctx context.Context, key, owner string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	tag, err := s.pool.Exec(ctx, `
INSERT INTO kefu_wechat_token_leases AS l (key, owner, until_ns) VALUES ($1, $2, `+dbNowNoArg+` + $3)
ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, until_ns = EXCLUDED.until_ns
WHERE l.owner = EXCLUDED.owner OR l.until_ns <= `+dbNowNoArg,
		key, owner, ttl.Nanoseconds())
	if err != nil {
		return false, fmt.Errorf("pgstore: lease token: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Unlease implements wechatmp.TokenStore.
func (s *TokenStore) Unlease(ctx context.Context, key, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM kefu_wechat_token_leases WHERE key = $1 AND owner = $2`, key, owner); err != nil {
		return fmt.Errorf("pgstore: unlease token: %w", err)
	}
	return nil
}

// dbNowNoArg is the database clock in Unix nanoseconds.
const dbNowNoArg = `((extract(epoch FROM clock_timestamp()) * 1000000)::bigint * 1000)`
