package identity

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// maxAttempts bounds the optimistic-concurrency retries of one operation.
const maxAttempts = 16

// maxMergeHops bounds how many tombstones Get follows.
const maxMergeHops = 16

// Config configures a Registry. Only Keyring is required.
// New reads a Config once; the Registry keeps no reference to it, so the
// caller may reuse or change it afterwards.
type Config struct {
	// Keyring seals personal data and keys the phone blind index. Required.
	Keyring *Keyring
	// Store persists customers. Nil means a new MemoryStore.
	Store Store
	// Directory looks CRM members up. Nil means LookupMember returns
	// ErrNoDirectory.
	Directory Directory
	// MemberTTL is how long a Directory answer (including "no member") is
	// reused. Zero means 10 minutes; negative means no caching.
	MemberTTL time.Duration
	// TagSyncer mirrors tag changes to WeChat. Nil means no mirroring.
	TagSyncer TagSyncer
	// Retention says what erasure keeps and for how long. The zero value
	// deletes erased customers at once.
	Retention RetentionPolicy
	// CacheTTL is how long a resolved customer is served from the in-process
	// cache, and so the bound on how stale it can be after a change made by
	// another process; LastSeen is persisted at most once per CacheTTL. Zero
	// means one minute; negative disables the cache (LastSeen is then
	// persisted at most once a minute).
	CacheTTL time.Duration
	// CacheSize caps the number of cached customers. Zero means 100,000.
	CacheSize int
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
	// NewID returns a fresh, unique customer or merge-record id. Nil means 128
	// random bits in hex.
	NewID func() string
	// Logger receives merge, undo and erasure events (ids only, never
	// personal data). Nil means silent.
	Logger *slog.Logger
}

// Registry resolves WeChat users to customers, binds phones, unionids and CRM
// members, merges and unmerges customers, keeps tags, and erases on request,
// keeping personal data sealed in the Store.
//
// A Registry is safe for concurrent use, also by several processes sharing a
// Store: every change is an atomic Store.Commit guarded by record versions and
// unique bindings, retried on conflict. Create it with New; the zero value is
// not usable.
type Registry struct {
	keys      *Keyring
	store     Store
	dir       Directory
	syncer    TagSyncer
	retention RetentionPolicy
	touch     time.Duration
	now       func() time.Time
	newID     func() string
	log       *slog.Logger
	cache     *customerCache
	members   *memberCache
	// readShared reads a record for a read-only path (decode, then discard):
	// MemoryStore.lend, which does not copy, or Store.Get for other stores.
	readShared func(ctx context.Context, id string) (Record, error)
}

// New returns a Registry configured by cfg. It fails with ErrInvalidKey when
// cfg.Keyring is nil or was not made by NewKeyring.
func New(cfg Config) (*Registry, error) {
	if cfg.Keyring == nil || cfg.Keyring.aeads == nil {
		return nil, fmt.Errorf("%w: Config.Keyring is required (made by NewKeyring)", ErrInvalidKey)
	}
	r := &Registry{
		keys:      cfg.Keyring,
		store:     cfg.Store,
		dir:       cfg.Directory,
		syncer:    cfg.TagSyncer,
		retention: cfg.Retention,
		now:       cfg.Now,
		newID:     cfg.NewID,
		log:       cfg.Logger,
	}
	if r.store == nil {
		r.store = NewMemoryStore()
	}
	r.readShared = r.store.Get
	if ms, ok := r.store.(*MemoryStore); ok {
		r.readShared = ms.lend
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.newID == nil {
		r.newID = randomID
	}
	ttl := cfg.CacheTTL
	if ttl == 0 {
		ttl = time.Minute
	}
	r.touch = ttl
	if ttl < 0 {
		r.touch = time.Minute
	}
	size := cfg.CacheSize
	if size <= 0 {
		size = 100_000
	}
	r.cache = newCustomerCache(ttl, size)
	mttl := cfg.MemberTTL
	if mttl == 0 {
		mttl = 10 * time.Minute
	}
	r.members = newMemberCache(mttl)
	return r, nil
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// Resolve returns the customer for the openid that app (an Official Account or
// mini program appid) issued, creating the customer on first contact.
// Concurrent first contacts for the same openid, in one process or several,
// create exactly one customer. A known openid is served from the in-process
// cache. Errors: ErrInvalidIdentifier for an empty app or openid (or an app
// containing ':'), store errors otherwise.
func (r *Registry) Resolve(ctx context.Context, app, openid string) (Customer, error) {
	if !validOpenID(app, openid) {
		return Customer{}, fmt.Errorf("%w: app and openid must be non-empty, app without ':'", ErrInvalidIdentifier)
	}
	now := r.now()
	if c, ok := r.cache.byOpenID(app, openid, now); ok {
		return c, nil
	}
	key := OpenID{App: app, ID: openid}.Key()
	for range maxAttempts {
		gen := r.cache.generation()
		id, err := r.store.Lookup(ctx, key)
		if errors.Is(err, ErrNotFound) {
			c, err := r.create(ctx, OpenID{App: app, ID: openid}, now)
			if errors.Is(err, ErrBindingTaken) || errors.Is(err, ErrVersionConflict) {
				continue // lost a first-contact race: read the winner's customer
			}
			return c, err
		}
		if err != nil {
			return Customer{}, err
		}
		rec, err := r.readShared(ctx, id) // touchRecord and decode copy what they keep
		if errors.Is(err, ErrNotFound) {
			continue // erased or purged concurrently
		}
		if err != nil {
			return Customer{}, err
		}
		rec, err = r.touchRecord(ctx, rec, now)
		if errors.Is(err, ErrVersionConflict) {
			continue
		}
		if err != nil {
			return Customer{}, err
		}
		c, err := r.keys.decode(rec)
		if err != nil {
			return Customer{}, err
		}
		r.cache.put(c, rec.PhoneIndex, gen, now)
		return c, nil
	}
	return Customer{}, ErrContention
}

// create stores a new customer bound to o.
func (r *Registry) create(ctx context.Context, o OpenID, now time.Time) (Customer, error) {
	c := Customer{ID: r.newID(), OpenIDs: []OpenID{o}, FirstSeen: now, LastSeen: now}
	rec, err := r.keys.encode(c)
	if err != nil {
		return Customer{}, err
	}
	if err := r.store.Commit(ctx, Write{Put: []Record{rec}, Bind: []Binding{{Key: o.Key(), Customer: c.ID}}}); err != nil {
		return Customer{}, err
	}
	c.Version = 1
	return c, nil
}

// touchRecord persists LastSeen = now when the stored one is older than the
// touch interval.
func (r *Registry) touchRecord(ctx context.Context, rec Record, now time.Time) (Record, error) {
	if now.Sub(rec.LastSeen) < r.touch {
		return rec, nil
	}
	rec.LastSeen = now
	if err := r.store.Commit(ctx, Write{Put: []Record{rec}}); err != nil {
		return Record{}, err
	}
	rec.Version++
	return rec, nil
}

// Get returns the customer with the id. An id that was merged into another
// customer returns that customer (follow the returned ID). Errors:
// ErrNotFound, ErrErased.
func (r *Registry) Get(ctx context.Context, id string) (Customer, error) {
	var now time.Time
	if r.cache.enabled() {
		now = r.now()
		if c, ok := r.cache.get(id, now); ok {
			return c, nil
		}
	}
	gen := r.cache.generation()
	rec, err := r.followLive(ctx, id, true) // decode copies what it keeps
	if err != nil {
		return Customer{}, err
	}
	c, err := r.keys.decode(rec)
	if err != nil {
		return Customer{}, err
	}
	r.cache.put(c, rec.PhoneIndex, gen, now)
	return c, nil
}

// LookupPhone returns the customer bound to the phone, found through the
// blind index: nothing is decrypted but that one customer. A customer already
// in the in-process cache is found there by the same blind index (stale by at
// most Config.CacheTTL after a change made by another process, as for
// Resolve). Errors: ErrNotFound when no customer has the phone,
// ErrInvalidPhone for the zero Phone.
func (r *Registry) LookupPhone(ctx context.Context, p Phone) (Customer, error) {
	if p.IsZero() {
		return Customer{}, fmt.Errorf("%w: zero phone", ErrInvalidPhone)
	}
	index := r.keys.phoneIndex(p)
	if r.cache.enabled() {
		if c, ok := r.cache.byPhoneIndex(index, r.now()); ok {
			return c, nil
		}
	}
	id, err := r.store.Lookup(ctx, Key{Kind: KindPhone, Value: index})
	if err != nil {
		return Customer{}, err
	}
	return r.Get(ctx, id)
}

// LookupUnionID returns the customer bound to the unionid, or ErrNotFound.
func (r *Registry) LookupUnionID(ctx context.Context, unionid string) (Customer, error) {
	if unionid == "" {
		return Customer{}, fmt.Errorf("%w: empty unionid", ErrInvalidIdentifier)
	}
	id, err := r.store.Lookup(ctx, Key{Kind: KindUnionID, Value: unionid})
	if err != nil {
		return Customer{}, err
	}
	return r.Get(ctx, id)
}

// loadLive reads the record with the id, following merge tombstones. The
// record is the caller's to change.
func (r *Registry) loadLive(ctx context.Context, id string) (Record, error) {
	return r.followLive(ctx, id, false)
}

// followLive reads the record with the id, following merge tombstones,
// through readShared when shared is set (the caller only reads the record)
// and through Store.Get otherwise.
func (r *Registry) followLive(ctx context.Context, id string, shared bool) (Record, error) {
	if id == "" {
		return Record{}, fmt.Errorf("%w: empty customer id", ErrInvalidIdentifier)
	}
	for range maxMergeHops {
		var rec Record
		var err error
		if shared {
			rec, err = r.readShared(ctx, id)
		} else {
			rec, err = r.store.Get(ctx, id)
		}
		if err != nil {
			return Record{}, err
		}
		if !rec.ErasedAt.IsZero() {
			return Record{}, fmt.Errorf("%w: customer %s", ErrErased, id)
		}
		if rec.MergedInto == "" {
			return rec, nil
		}
		id = rec.MergedInto
	}
	return Record{}, fmt.Errorf("identity: customer %s: merge chain longer than %d", id, maxMergeHops)
}

// logInfo logs msg with attrs when a Logger is configured.
func (r *Registry) logInfo(ctx context.Context, msg string, attrs ...slog.Attr) {
	if r.log != nil {
		r.log.LogAttrs(ctx, slog.LevelInfo, msg, attrs...)
	}
}
