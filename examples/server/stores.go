package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/kefu-go/kefu/examples/adapters/pgstore"
	"github.com/kefu-go/kefu/examples/adapters/redisstore"
)

// redisPrefix starts every key the server writes to Redis, so that the
// server can share a Redis with other applications.
const redisPrefix = "kefu:"

// openStores returns the shared stores the configuration names, or the
// in-memory ones when it names none:
//
//   - KEFU_REDIS_URL alone: token, dedup records and windows in Redis;
//   - KEFU_POSTGRES_DSN alone: all three in PostgreSQL (migrated at start-up);
//   - both: the short-lived token and dedup records in Redis, the windows (the
//     quota that must survive a Redis restart) in PostgreSQL.
//
// It fails, rather than falling back to memory, when a configured backend does
// not answer: several replicas silently keeping their own state would
// double-answer retries and overrun the window quota.
func openStores(ctx context.Context, cfg config) (stores, error) {
	if cfg.RedisURL == "" && cfg.PostgresDSN == "" {
		return memoryStores(), nil
	}
	st := stores{Close: func() {}}
	var pings []func(context.Context) error
	var closers []func()
	fail := func(err error) (stores, error) {
		for _, c := range closers {
			c()
		}
		return stores{}, err
	}
	if cfg.PostgresDSN != "" {
		pool, err := pgxpool.New(ctx, cfg.PostgresDSN)
		if err != nil {
			return fail(fmt.Errorf("%w: KEFU_POSTGRES_DSN: %v", errConfig, err))
		}
		closers = append(closers, pool.Close)
		if err := pool.Ping(ctx); err != nil {
			return fail(fmt.Errorf("postgres: %w", err))
		}
		if err := pgstore.Migrate(ctx, pool); err != nil {
			return fail(err)
		}
		pings = append(pings, pool.Ping)
		st.Window = pgstore.NewWindowStore(pool)
		st.Dedup = pgstore.NewDedupStore(pool)
		st.Token = pgstore.NewTokenStore(pool)
		st.Name = "postgres"
	}
	if cfg.RedisURL != "" {
		opts, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return fail(fmt.Errorf("%w: KEFU_REDIS_URL: %v", errConfig, err))
		}
		rdb := redis.NewClient(opts)
		closers = append(closers, func() { _ = rdb.Close() })
		ping := func(ctx context.Context) error { return rdb.Ping(ctx).Err() }
		if err := ping(ctx); err != nil {
			return fail(fmt.Errorf("redis: %w", err))
		}
		pings = append(pings, ping)
		st.Token = redisstore.NewTokenStore(rdb, redisPrefix)
		st.Dedup = redisstore.NewDedupStore(rdb, redisPrefix)
		if st.Window == nil {
			st.Window = redisstore.NewWindowStore(rdb, redisPrefix)
			st.Name = "redis"
		} else {
			st.Name = "redis+postgres"
		}
	}
	st.Ping = func(ctx context.Context) error {
		var errs []error
		for _, p := range pings {
			errs = append(errs, p(ctx))
		}
		return errors.Join(errs...)
	}
	st.Close = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	return st, nil
}
