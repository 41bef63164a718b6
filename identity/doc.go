// Package identity tells a customer-service workflow who a WeChat user is,
// so an agent can greet "张先生" by name and level instead of asking, while
// keeping personal data protected as PIPL expects.
//
// A Registry resolves a (app, openid) pair to a Customer, creating the
// customer on first contact; concurrent first contacts, in one process or
// many, create exactly one customer. Identifiers are added as they become
// known: more openids (Official Account, mini programs), a unionid
// (LinkUnionID), a phone number the host has verified (BindPhone), and a CRM
// member found through a host-supplied Directory (LookupMember, cached for
// Config.MemberTTL, RefreshMember to bypass the cache).
//
// When a new identifier already belongs to another customer, the two are one
// person and are merged, keeping openids, tags, attributes and history, with a
// MergeRecord from which Registry.UndoMerge restores both. Identifiers are
// ranked, strongest first: CRM member id, unionid, phone, openid. A merge is
// refused with a *ConflictError when the two customers hold different values
// of an identifier stronger than the one that proved the match (two WeChat
// users sharing a family phone have different unionids and stay apart).
//
// Tags ("敏感肌", "孕期") come from the host or from routing/kb outcomes
// (Registry.Tag) and can be mirrored to WeChat's tag API through a TagSyncer.
// Registry.ForgetOpenID and Registry.Erase implement unsubscribe and the
// right to erasure, under a RetentionPolicy.
//
// # Personal data
//
// Phone numbers, names and Customer.Sensitive attributes are sealed with
// AES-GCM under a Keyring whose key ids allow rotation (Registry.Reencrypt);
// phones are found through a keyed HMAC blind index, so a lookup by phone
// never decrypts more than the customer it finds and the Store never sees a
// number. Phone and Customer print and log themselves masked (138****1234)
// through fmt and log/slog.
//
// # Storage
//
// A Store persists records with optimistic concurrency and unique identifier
// bindings; MemoryStore is the in-memory default, and identity/identitytest
// has the conformance suite for other implementations.
package identity
