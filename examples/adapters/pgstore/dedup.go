package pgstore

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefu-go/kefu/wechatmp"
)

// DedupStore is a wechatmp.DedupStore on PostgreSQL: one row per push key
// with its owner, state, reply and expiry. Claim and Update are single
// INSERT … ON CONFLICT DO UPDATE … WHERE statements, so exactly one replica
// wins a key. Expired rows behave as missing and are purged in small batches
// as claims go by (or by Purge). It is safe for concurrent use.
type DedupStore struct {
	pool *pgxpool.Pool
	// Now is the clock that decides expiry. Nil means the database server's
	// clock, which keeps replicas with skewed clocks consistent; tests set a
	// fake clock. Set it before first use.
	Now func() time.Time

	claims atomic.Uint64
}

var _ wechatmp.DedupStore = (*DedupStore)(nil)

// NewDedupStore returns a DedupStore on pool using the database's clock. Run
// Migrate first.
func NewDedupStore(pool *pgxpool.Pool) *DedupStore { return &DedupStore{pool: pool} }

// purgeEvery is how many claims pass between two purges of expired rows.
const purgeEvery = 256

// now returns the clock argument of the statements: Unix nanoseconds, or nil
// for the database clock (see dbNow).
func (s *DedupStore) now() *int64 {
	if s.Now == nil {
		return nil
	}
	n := s.Now().UnixNano()
	return &n
}

// dbNow is the SQL for "now" in Unix nanoseconds, $1 being the caller's
// clock or NULL.
const dbNow = `coalesce($1::bigint, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint * 1000)`

// Claim implements wechatmp.DedupStore.
func (s *DedupStore) Claim(ctx context.Context, key string, rec wechatmp.DedupRecord, ttl time.Duration) (bool, wechatmp.DedupRecord, error) {
	if err := ctx.Err(); err != nil {
		return false, wechatmp.DedupRecord{}, err
	}
	if s.claims.Add(1)%purgeEvery == 0 {
		_, _ = s.purge(ctx, 1000)
	}
	for {
		if err := ctx.Err(); err != nil {
			return false, wechatmp.DedupRecord{}, err
		}
		tag, err := s.pool.Exec(ctx, `
INSERT INTO kefu_wechat_dedup AS d (key, owner, state, reply, expires_ns) VALUES ($2, $3, $4, $5, `+dbNow+` + $6)
ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, state = EXCLUDED.state, reply = EXCLUDED.reply,
	expires_ns = EXCLUDED.expires_ns
WHERE d.expires_ns <= `+dbNow,
			s.now(), key, rec.Owner, int16(rec.State), rec.Reply, ttl.Nanoseconds())
		if err != nil {
			return false, wechatmp.DedupRecord{}, fmt.Errorf("pgstore: dedup claim: %w", err)
		}
		if tag.RowsAffected() == 1 {
			return true, wechatmp.DedupRecord{}, nil
		}
		existing, err := s.Get(ctx, key)
		if errors.Is(err, wechatmp.ErrDedupNotFound) {
			continue // released or expired in between: claim again
		}
		if err != nil {
			return false, wechatmp.DedupRecord{}, err
		}
		return false, existing, nil
	}
}

// Update implements wechatmp.DedupStore.
func (s *DedupStore) Update(ctx context.Context, key string, rec wechatmp.DedupRecord, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `
INSERT INTO kefu_wechat_dedup AS d (key, owner, state, reply, expires_ns) VALUES ($2, $3, $4, $5, `+dbNow+` + $6)
ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, state = EXCLUDED.state, reply = EXCLUDED.reply,
	expires_ns = EXCLUDED.expires_ns
WHERE d.owner = EXCLUDED.owner OR d.expires_ns <= `+dbNow,
		s.now(), key, rec.Owner, int16(rec.State), rec.Reply, ttl.Nanoseconds())
	if err != nil {
		return fmt.Errorf("pgstore: dedup update: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return wechatmp.ErrDedupNotOwner
	}
	return nil
}

// Get implements wechatmp.DedupStore.
func (s *DedupStore) Get(ctx context.Context, key string) (wechatmp.DedupRecord, error) {
	if err := ctx.Err(); err != nil {
		return wechatmp.DedupRecord{}, err
	}
	var (
		rec   wechatmp.DedupRecord
		state int16
	)
	err := s.pool.QueryRow(ctx, `SELECT owner, state, reply FROM kefu_wechat_dedup WHERE key = $2 AND expires_ns > `+dbNow,
		s.now(), key).Scan(&rec.Owner, &state, &rec.Reply)
	if errors.Is(err, pgx.ErrNoRows) {
		return wechatmp.DedupRecord{}, wechatmp.ErrDedupNotFound
	}
	if err != nil {
		return wechatmp.DedupRecord{}, fmt.Errorf("pgstore: dedup get: %w", err)
	}
	rec.State = wechatmp.DedupState(state)
	return rec, nil
}

// Release implements wechatmp.DedupStore.
func (s *DedupStore) Release(ctx context.Context, key, owner string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM kefu_wechat_dedup WHERE key = $1 AND owner = $2`, key, owner); err != nil {
		return fmt.Errorf("pgstore: dedup release: %w", err)
	}
	return nil
}

// Purge deletes every expired record and returns how many it deleted. Claim
// already purges in small batches; a host may also call Purge periodically.
func (s *DedupStore) Purge(ctx context.Context) (int64, error) {
	return s.purge(ctx, 0)
}

// purge deletes up to limit expired rows (0: all).
func (s *DedupStore) purge(ctx context.Context, limit int) (int64, error) {
	sql := `DELETE FROM kefu_wechat_dedup WHERE expires_ns <= ` + dbNow
	args := []any{s.now()}
	if limit > 0 {
		sql = `DELETE FROM kefu_wechat_dedup WHERE key IN (SELECT key FROM kefu_wechat_dedup WHERE expires_ns <= ` + dbNow + ` LIMIT $2)`
		args = append(args, limit)
	}
	tag, err := s.pool.Exec(ctx, sql, args...)
	if err != nil {
		return 0, fmt.Errorf("pgstore: dedup purge: %w", err)
	}
	return tag.RowsAffected(), nil
}
