// Package testenv connects the adapter tests to the PostgreSQL and Redis
// servers named by the environment, and isolates every test: a fresh
// PostgreSQL schema, migrated and dropped at cleanup, or a unique Redis key
// prefix whose keys are deleted at cleanup. Tests skip, saying why, when a
// server is not configured or not reachable.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

// Environment variables holding the servers' DSNs.
const (
	PostgresEnv = "KEFU_TEST_POSTGRES" // e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable
	RedisEnv    = "KEFU_TEST_REDIS"    // e.g. redis://127.0.0.1:6379/0
)

// Unique returns a short random identifier, safe in SQL identifiers and
// Redis keys.
func Unique() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// PostgresDSN returns the DSN from the environment or skips t.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		t.Skipf("%s not set: skipping the PostgreSQL test (set it to e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", PostgresEnv)
	}
	return dsn
}

// Postgres returns a pool whose search_path is a new, empty schema, after
// migrate (if non-nil) ran on it. The schema is dropped and the pool closed
// at cleanup. maxConns bounds the pool (0: 8).
func Postgres(t testing.TB, maxConns int32, migrate func(context.Context, *pgxpool.Pool) error) *pgxpool.Pool {
	t.Helper()
	dsn := PostgresDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Skipf("%s unreachable: skipping the PostgreSQL test: %v", PostgresEnv, err)
	}
	defer admin.Close(ctx)
	schema := "kefu_test_" + Unique()
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	if maxConns <= 0 {
		maxConns = 8
	}
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("pool: %v", err)
	}
	t.Cleanup(pool.Close)
	if migrate != nil {
		if err := migrate(ctx, pool); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	return pool
}

// RedisURL returns the Redis URL from the environment or skips t.
func RedisURL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(RedisEnv)
	if dsn == "" {
		t.Skipf("%s not set: skipping the Redis test (set it to e.g. redis://127.0.0.1:6379/0)", RedisEnv)
	}
	return dsn
}

// Redis returns a client of the server named by the environment and a
// unique key prefix; every key under the prefix is deleted at cleanup. The
// test is skipped when the variable is unset or the server unreachable.
func Redis(t testing.TB) (*redis.Client, string) {
	t.Helper()
	dsn := RedisURL(t)
	opt, err := redis.ParseURL(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", RedisEnv, err)
	}
	opt.PoolSize = 64
	rdb := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		t.Skipf("%s unreachable: skipping the Redis test: %v", RedisEnv, err)
	}
	prefix := "kefutest:" + Unique() + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		defer rdb.Close()
		var keys []string
		iter := rdb.Scan(ctx, 0, escapeGlob(prefix)+"*", 1000).Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("scan %s: %v", prefix, err)
			return
		}
		for len(keys) > 0 {
			n := min(len(keys), 500)
			if err := rdb.Unlink(ctx, keys[:n]...).Err(); err != nil {
				t.Errorf("unlink: %v", err)
				return
			}
			keys = keys[n:]
		}
	})
	return rdb, prefix
}

func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}
