// Package redisstore implements kefu's shared-state interfaces on Redis with
// go-redis v9: wechatmp.TokenStore, wechatmp.DedupStore and
// wechatmp.WindowStore for the WeChat platform, and routing.AgentStore,
// routing.QueueStore (together routing.Store) and routing.ConversationStore
// (with the optional routing.IdleLister, for routing.SweepIdle) for agent
// presence and load, holding queues and open conversations. Each passes its package's conformance suite (wechatmptest,
// routingtest) against a real server.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	client, err := wechatmp.NewClient(wechatmp.Config{
//		AppID: appID, AppSecret: secret,
//		TokenStore: redisstore.NewTokenStore(rdb, "kefu:"),
//		Window:     wechatmp.NewWindow(redisstore.NewWindowStore(rdb, "kefu:"), nil),
//	})
//	handler, err := wechatmp.NewHandler(wechatmp.HandlerConfig{Dedup: redisstore.NewDedupStore(rdb, "kefu:"), ...})
//	dispatcher, err := routing.NewDispatcher(routing.DispatcherConfig{Store: redisstore.NewRoutingStore(rdb, "kefu:"), ...})
//
// # Keys
//
// Every key starts with the prefix given to the constructor, so that several
// deployments (or tests) share one Redis: prefix + "token:" + key,
// "token-lease:", "dedup:", "window:", "agent:{id}", "agent-fair:{id}",
// "turn:", "queue:{name}", "conv:{conv}:", "conv-idle:{conv}". The caller's
// keys are used verbatim and may hold any bytes. The keys one script touches
// share a hash tag, so the stores work on Redis Cluster through a
// redis.UniversalClient; all open conversations and their idle index share
// the tag "conv" (one cluster slot), which keeps the index exact.
//
// # Atomicity and concurrency
//
// Each read-check-write (compare-and-swap of a token, a lease, a dedup
// claim, a window reservation, an agent assignment) is one Lua script, which
// Redis runs atomically: replicas never both win a claim, never reserve more
// sends than the window's quota and never give an agent more conversations
// than its capacity. Every store is safe for concurrent use.
//
// # Errors
//
// Stores return the sentinels their interfaces document (wechatmp.ErrConflict,
// wechatmp.ErrWindowQuota, routing.ErrNotFound, …); Redis failures are
// returned wrapped and prefixed "redisstore:".
package redisstore
