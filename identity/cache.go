package identity

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// customerCache is the warm in-process cache behind Resolve, Get and
// LookupPhone: decrypted customers by id, by (app, openid) and by phone blind
// index. Entries expire
// after ttl so changes made by other processes show up within ttl; changes
// made through this Registry invalidate at once. A generation counter keeps a
// load that raced with an invalidation from re-inserting stale data.
type customerCache struct {
	ttl     time.Duration // <= 0: disabled
	max     int
	gen     atomic.Uint64
	mu      sync.RWMutex
	byID    map[string]*cacheEntry
	byOp    map[string]*cacheEntry // key: opKey
	byPhone map[string]*cacheEntry // key: blind index
}

type cacheEntry struct {
	c          Customer
	phoneIndex string
	loaded     time.Time
}

func newCustomerCache(ttl time.Duration, max int) *customerCache {
	return &customerCache{
		ttl: ttl, max: max,
		byID: make(map[string]*cacheEntry), byOp: make(map[string]*cacheEntry), byPhone: make(map[string]*cacheEntry),
	}
}

func (cc *customerCache) fresh(e *cacheEntry, now time.Time) bool {
	return e != nil && now.Sub(e.loaded) < cc.ttl && !now.Before(e.loaded)
}

// appendOpKey appends the byOp key of (app, openid): app ids hold no ':'.
func appendOpKey(dst []byte, app, openid string) []byte {
	dst = append(dst, app...)
	dst = append(dst, ':')
	return append(dst, openid...)
}

// enabled reports whether the cache keeps anything; when it does not, callers
// can skip reading the clock for it.
func (cc *customerCache) enabled() bool { return cc.ttl > 0 }

// byOpenID returns the cached customer for (app, openid).
func (cc *customerCache) byOpenID(app, openid string, now time.Time) (Customer, bool) {
	if cc.ttl <= 0 {
		return Customer{}, false
	}
	cc.mu.RLock()
	var buf [256]byte
	e := cc.byOp[string(appendOpKey(buf[:0], app, openid))] // no allocation
	cc.mu.RUnlock()
	if !cc.fresh(e, now) {
		return Customer{}, false
	}
	return e.c, true
}

// byPhoneIndex returns the cached customer whose phone has the blind index.
func (cc *customerCache) byPhoneIndex(index string, now time.Time) (Customer, bool) {
	if cc.ttl <= 0 {
		return Customer{}, false
	}
	cc.mu.RLock()
	e := cc.byPhone[index]
	cc.mu.RUnlock()
	if !cc.fresh(e, now) {
		return Customer{}, false
	}
	return e.c, true
}

// get returns the cached customer with the id.
func (cc *customerCache) get(id string, now time.Time) (Customer, bool) {
	if cc.ttl <= 0 {
		return Customer{}, false
	}
	cc.mu.RLock()
	e := cc.byID[id]
	cc.mu.RUnlock()
	if !cc.fresh(e, now) {
		return Customer{}, false
	}
	return e.c, true
}

// generation returns the token a loader passes to put.
func (cc *customerCache) generation() uint64 { return cc.gen.Load() }

// put caches c, whose phone has the blind index phoneIndex ("" for none),
// unless an invalidation happened since gen was read.
func (cc *customerCache) put(c Customer, phoneIndex string, gen uint64, now time.Time) {
	if cc.ttl <= 0 {
		return
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.gen.Load() != gen {
		return
	}
	if old := cc.byID[c.ID]; old != nil {
		cc.dropLocked(old)
	}
	for len(cc.byID) >= cc.max {
		for _, e := range cc.byID { // evict an arbitrary entry
			cc.dropLocked(e)
			break
		}
	}
	// Clip the shared slices so that a caller appending to a returned
	// customer's slice copies it instead of writing into the cache's array.
	c.OpenIDs, c.Tags, c.MergeIDs = slices.Clip(c.OpenIDs), slices.Clip(c.Tags), slices.Clip(c.MergeIDs)
	e := &cacheEntry{c: c, phoneIndex: phoneIndex, loaded: now}
	cc.byID[c.ID] = e
	for _, o := range c.OpenIDs {
		cc.byOp[string(appendOpKey(nil, o.App, o.ID))] = e
	}
	if phoneIndex != "" {
		cc.byPhone[phoneIndex] = e
	}
}

// invalidate drops the customers with the ids and makes in-flight loads stale.
func (cc *customerCache) invalidate(ids ...string) {
	if cc.ttl <= 0 {
		return
	}
	cc.mu.Lock()
	cc.gen.Add(1)
	for _, id := range ids {
		if e := cc.byID[id]; e != nil {
			cc.dropLocked(e)
		}
	}
	cc.mu.Unlock()
}

func (cc *customerCache) dropLocked(e *cacheEntry) {
	delete(cc.byID, e.c.ID)
	for _, o := range e.c.OpenIDs {
		if k := string(appendOpKey(nil, o.App, o.ID)); cc.byOp[k] == e {
			delete(cc.byOp, k)
		}
	}
	if e.phoneIndex != "" && cc.byPhone[e.phoneIndex] == e {
		delete(cc.byPhone, e.phoneIndex)
	}
}
