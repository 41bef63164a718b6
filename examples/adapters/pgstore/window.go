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

// WindowStore is a wechatmp.WindowStore on PostgreSQL, one row per window.
// Every method is one statement; Reserve is an UPDATE … WHERE used < quota,
// so replicas never reserve more sends than the quota between them. It is
// safe for concurrent use.
type WindowStore struct {
	pool *pgxpool.Pool
}

var _ wechatmp.WindowStore = (*WindowStore)(nil)

// NewWindowStore returns a WindowStore on pool. Run Migrate first.
func NewWindowStore(pool *pgxpool.Pool) *WindowStore { return &WindowStore{pool: pool} }

const windowColumns = `kind, opened_ns, closes_ns, quota, used`

func scanWindow(row pgx.Row) (wechatmp.WindowState, error) {
	var (
		kind           int16
		opened, closes int64
		st             wechatmp.WindowState
	)
	if err := row.Scan(&kind, &opened, &closes, &st.Quota, &st.Used); err != nil {
		return wechatmp.WindowState{}, err
	}
	st.Kind, st.OpenedAt, st.ClosesAt = wechatmp.Interaction(kind), fromNanos(opened), fromNanos(closes)
	return st, nil
}

// Get implements wechatmp.WindowStore.
func (s *WindowStore) Get(ctx context.Context, key string) (wechatmp.WindowState, error) {
	if err := ctx.Err(); err != nil {
		return wechatmp.WindowState{}, err
	}
	st, err := scanWindow(s.pool.QueryRow(ctx, `SELECT `+windowColumns+` FROM kefu_wechat_windows WHERE key = $1`, key))
	if errors.Is(err, pgx.ErrNoRows) {
		return wechatmp.WindowState{}, wechatmp.ErrNotFound
	}
	if err != nil {
		return wechatmp.WindowState{}, fmt.Errorf("pgstore: get window: %w", err)
	}
	return st, nil
}

// Open implements wechatmp.WindowStore: an upsert that replaces only a
// window opened strictly earlier which does not keep st (one with sends left
// at st's opening that closes after st; see wechatmp.WindowState.Refresh).
func (s *WindowStore) Open(ctx context.Context, key string, st wechatmp.WindowState) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `
INSERT INTO kefu_wechat_windows AS w (key, `+windowColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (key) DO UPDATE SET kind = EXCLUDED.kind, opened_ns = EXCLUDED.opened_ns, closes_ns = EXCLUDED.closes_ns,
	quota = EXCLUDED.quota, used = EXCLUDED.used
WHERE w.opened_ns < EXCLUDED.opened_ns
	AND NOT (w.quota > 0 AND w.used < w.quota AND EXCLUDED.opened_ns < w.closes_ns AND w.closes_ns > EXCLUDED.closes_ns)`,
		key, int16(st.Kind), nanos(st.OpenedAt), nanos(st.ClosesAt), st.Quota, st.Used)
	if err != nil {
		return fmt.Errorf("pgstore: open window: %w", err)
	}
	return nil
}

// Reserve implements wechatmp.WindowStore. A window found closed is deleted,
// so the table holds only windows that may still be used.
func (s *WindowStore) Reserve(ctx context.Context, key string, now time.Time) (wechatmp.WindowState, error) {
	for {
		if err := ctx.Err(); err != nil {
			return wechatmp.WindowState{}, err
		}
		st, retry, err := s.reserve(ctx, key, now)
		if !retry {
			return st, err
		}
		// A send was released or the window reopened between the refused
		// UPDATE and the diagnosis: try again.
	}
}

// reserve makes one attempt; retry reports a refusal that the latest state
// no longer explains.
func (s *WindowStore) reserve(ctx context.Context, key string, now time.Time) (st wechatmp.WindowState, retry bool, err error) {
	n := now.UnixNano()
	st, err = scanWindow(s.pool.QueryRow(ctx, `
UPDATE kefu_wechat_windows SET used = used + 1
WHERE key = $1 AND quota > 0 AND closes_ns > $2 AND used < quota
RETURNING `+windowColumns, key, n))
	if err == nil {
		return st, false, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return wechatmp.WindowState{}, false, fmt.Errorf("pgstore: reserve window: %w", err)
	}
	// Refused: say why, from the latest committed state.
	st, err = scanWindow(s.pool.QueryRow(ctx, `
DELETE FROM kefu_wechat_windows WHERE key = $1 AND NOT (quota > 0 AND closes_ns > $2)
RETURNING `+windowColumns, key, n))
	switch {
	case err == nil:
		return st, false, wechatmp.ErrWindowClosed
	case !errors.Is(err, pgx.ErrNoRows):
		return wechatmp.WindowState{}, false, fmt.Errorf("pgstore: reserve window: %w", err)
	}
	st, err = s.Get(ctx, key)
	switch {
	case errors.Is(err, wechatmp.ErrNotFound):
		return wechatmp.WindowState{}, false, wechatmp.ErrWindowClosed
	case err != nil:
		return wechatmp.WindowState{}, false, err
	case !st.IsOpen(now):
		return st, false, wechatmp.ErrWindowClosed
	case st.Used >= st.Quota:
		return st, false, wechatmp.ErrWindowQuota
	}
	return wechatmp.WindowState{}, true, nil
}

// Release implements wechatmp.WindowStore.
func (s *WindowStore) Release(ctx context.Context, key string, openedAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `UPDATE kefu_wechat_windows SET used = used - 1 WHERE key = $1 AND opened_ns = $2 AND used > 0`,
		key, nanos(openedAt))
	if err != nil {
		return fmt.Errorf("pgstore: release window: %w", err)
	}
	return nil
}

// Exhaust implements wechatmp.WindowStore.
func (s *WindowStore) Exhaust(ctx context.Context, key string, openedAt, closesAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `
UPDATE kefu_wechat_windows SET used = greatest(used, quota),
	closes_ns = CASE WHEN $3::bigint <> 0 AND $3::bigint < closes_ns THEN $3::bigint ELSE closes_ns END
WHERE key = $1 AND opened_ns = $2`, key, nanos(openedAt), nanos(closesAt))
	if err != nil {
		return fmt.Errorf("pgstore: exhaust window: %w", err)
	}
	return nil
}
