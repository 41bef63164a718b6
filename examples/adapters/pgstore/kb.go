package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kefu-go/kefu/kb"
)

// KBStore is a kb.Store and kb.ConfigStore on PostgreSQL: one JSON row per
// entry with a version column for compare-and-set, listed in byte order of
// id, and the knowledge base's configuration document kept byte for byte. It
// is safe for concurrent use.
type KBStore struct {
	pool *pgxpool.Pool
}

var (
	_ kb.Store       = (*KBStore)(nil)
	_ kb.ConfigStore = (*KBStore)(nil)
)

// NewKBStore returns a KBStore on pool. Run Migrate first.
func NewKBStore(pool *pgxpool.Pool) *KBStore { return &KBStore{pool: pool} }

// Get implements kb.Store.
func (s *KBStore) Get(ctx context.Context, id string) (kb.Entry, error) {
	if err := ctx.Err(); err != nil {
		return kb.Entry{}, err
	}
	var (
		version int64
		raw     []byte
	)
	err := s.pool.QueryRow(ctx, `SELECT version, entry FROM kefu_kb_entries WHERE id = $1`, id).Scan(&version, &raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return kb.Entry{}, fmt.Errorf("%w: entry %q", kb.ErrNotFound, id)
	}
	if err != nil {
		return kb.Entry{}, fmt.Errorf("pgstore: get kb entry: %w", err)
	}
	return decodeEntry(id, version, raw)
}

// List implements kb.Store.
func (s *KBStore) List(ctx context.Context) ([]kb.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return queryVersioned(ctx, s.pool, "list kb entries", `SELECT id, version, entry FROM kefu_kb_entries ORDER BY id`, nil, decodeEntry)
}

// Put implements kb.Store: an INSERT … ON CONFLICT DO NOTHING for a new
// entry, an UPDATE … WHERE version = $v otherwise.
func (s *KBStore) Put(ctx context.Context, e kb.Entry) (kb.Entry, error) {
	if err := ctx.Err(); err != nil {
		return kb.Entry{}, err
	}
	if e.ID == "" {
		return kb.Entry{}, &kb.ValidationError{Kind: "entry", Field: "id", Msg: "must be non-empty"}
	}
	old := e.Version
	e.Version++
	raw, err := json.Marshal(e)
	if err != nil {
		return kb.Entry{}, fmt.Errorf("pgstore: encode kb entry: %w", err)
	}
	var tag pgconn.CommandTag
	if old == 0 {
		tag, err = s.pool.Exec(ctx, `INSERT INTO kefu_kb_entries (id, version, entry) VALUES ($1, 1, $2) ON CONFLICT (id) DO NOTHING`, e.ID, raw)
	} else {
		tag, err = s.pool.Exec(ctx, `UPDATE kefu_kb_entries SET version = $3, entry = $4 WHERE id = $1 AND version = $2`, e.ID, old, e.Version, raw)
	}
	if err != nil {
		return kb.Entry{}, classify(kb.ErrInvalid, "put kb entry", err)
	}
	if tag.RowsAffected() == 1 {
		return decodeEntry(e.ID, e.Version, raw) // a copy that shares nothing with e
	}
	var have int64
	err = s.pool.QueryRow(ctx, `SELECT version FROM kefu_kb_entries WHERE id = $1`, e.ID).Scan(&have)
	switch {
	case errors.Is(err, pgx.ErrNoRows) && old != 0:
		return kb.Entry{}, fmt.Errorf("%w: entry %q", kb.ErrNotFound, e.ID)
	case errors.Is(err, pgx.ErrNoRows):
		return kb.Entry{}, fmt.Errorf("%w: entry %q changed concurrently", kb.ErrConflict, e.ID)
	case err != nil:
		return kb.Entry{}, fmt.Errorf("pgstore: put kb entry: %w", err)
	}
	return kb.Entry{}, fmt.Errorf("%w: entry %q: have %d, caller expected %d", kb.ErrConflict, e.ID, have, old)
}

// Delete implements kb.Store.
func (s *KBStore) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM kefu_kb_entries WHERE id = $1`, id); err != nil {
		return fmt.Errorf("pgstore: delete kb entry: %w", err)
	}
	return nil
}

// LoadConfig implements kb.ConfigStore.
func (s *KBStore) LoadConfig(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var doc []byte
	err := s.pool.QueryRow(ctx, `SELECT doc FROM kefu_kb_config WHERE id = 1`).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: kb config", kb.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("pgstore: load kb config: %w", err)
	}
	if doc == nil {
		doc = []byte{}
	}
	return doc, nil
}

// SaveConfig implements kb.ConfigStore.
func (s *KBStore) SaveConfig(ctx context.Context, doc []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if doc == nil {
		doc = []byte{}
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO kefu_kb_config (id, doc) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`, doc); err != nil {
		return fmt.Errorf("pgstore: save kb config: %w", err)
	}
	return nil
}

func decodeEntry(id string, version int64, raw []byte) (kb.Entry, error) {
	var e kb.Entry
	if err := json.Unmarshal(raw, &e); err != nil {
		return kb.Entry{}, fmt.Errorf("pgstore: decode kb entry %q: %w", id, err)
	}
	e.ID, e.Version = id, version
	return e, nil
}
