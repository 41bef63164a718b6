// Package replica holds the multi-replica tests of the adapters: two
// wechatmp.Handler and wechatmp.Client instances, as two processes of one
// deployment would run them, share the Redis (or PostgreSQL) stores while the
// mptest fake platform delivers callbacks and retries to alternating replicas
// and agents send from both, and two routing.Dispatchers share the Redis
// agent and queue store. The package has no API; see the tests.
package replica
