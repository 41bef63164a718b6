// Package wechatmptest holds conformance suites for the store interfaces of
// package wechatmp, in the manner of testing/fstest.TestFS: an adapter (Redis,
// PostgreSQL, ...) passes its constructor and the suite checks the whole
// behavioural contract, concurrency included.
//
//	func TestRedisTokenStore(t *testing.T) {
//		wechatmptest.TestTokenStore(t, func(t *testing.T) wechatmp.TokenStore {
//			return redisstore.NewTokenStore(newTestRedis(t))
//		})
//	}
//
// Each suite calls newStore once per subtest and expects an empty store;
// run the suites with -race.
//
// # Suites
//
//   - TestTokenStore: Get/ErrNotFound, compare-and-set by version
//     (ErrConflict, versions counting up), refresh leases (exclusive, re-entrant,
//     released, expiring), opaque keys, cancelled contexts, and 50 goroutines
//     racing on CompareAndSwap and Lease with exactly one winner each round.
//   - TestTokenStoreReplicas: the end-to-end scenario over a store: three
//     Clients sharing it against the mptest fake platform, 50 concurrent
//     callers each, the token expiring mid-run; exactly one token fetch per
//     expiry and no token error reaching a caller.
//   - TestWindowStore: Open (refresh, never accumulate; out-of-order and
//     duplicate interactions ignored), Reserve (ErrWindowClosed,
//     ErrWindowQuota), Release and Exhaust for the current window only, opaque
//     keys, cancelled contexts, and 50 goroutines reserving from one window:
//     never more sends than the quota.
//   - TestDedupStore (in its own file): the callback dedup store.
package wechatmptest
