package identity

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Member is a CRM member as the host's Directory reports it.
// It is a plain value, safe for concurrent use.
type Member struct {
	ID    string // CRM member id; required
	Level string // e.g. "gold", "diamond"
	Name  string // how agents address the customer; personal data, sealed at rest
}

// Directory is the host's CRM, looked up by verified phone or by unionid.
// Implementations return an error matching ErrNotFound when no member
// matches, and must be safe for concurrent use.
type Directory interface {
	MemberByPhone(ctx context.Context, p Phone) (Member, error)
	MemberByUnionID(ctx context.Context, unionid string) (Member, error)
}

// maxMemberEntries caps the number of cached Directory answers.
const maxMemberEntries = 100_000

// memberCache remembers Directory answers, including "no member", for ttl.
type memberCache struct {
	ttl time.Duration // <= 0: disabled
	max int           // entries kept at most
	mu  sync.Mutex
	m   map[string]memberEntry
}

type memberEntry struct {
	member Member
	found  bool
	at     time.Time
}

func newMemberCache(ttl time.Duration) *memberCache {
	return &memberCache{ttl: ttl, max: maxMemberEntries, m: make(map[string]memberEntry)}
}

func (mc *memberCache) get(key string, now time.Time) (memberEntry, bool) {
	if mc.ttl <= 0 {
		return memberEntry{}, false
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	e, ok := mc.m[key]
	if !ok || now.Sub(e.at) >= mc.ttl || now.Before(e.at) {
		delete(mc.m, key)
		return memberEntry{}, false
	}
	return e, true
}

func (mc *memberCache) put(key string, e memberEntry) {
	if mc.ttl <= 0 {
		return
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if len(mc.m) >= mc.max {
		for k, old := range mc.m {
			if e.at.Sub(old.at) >= mc.ttl {
				delete(mc.m, k)
			}
		}
		for k := range mc.m { // still full of fresh answers: drop arbitrary ones
			if len(mc.m) < mc.max {
				break
			}
			delete(mc.m, k)
		}
	}
	mc.m[key] = e
}

// forget drops the answers for the keys.
func (mc *memberCache) forget(keys ...string) {
	mc.mu.Lock()
	defer mc.mu.Unlock()
	for _, k := range keys {
		delete(mc.m, k)
	}
}

// memberKeys returns the member-cache keys of a record's phone and unionid.
func memberKeys(rec Record) []string {
	var keys []string
	if rec.PhoneIndex != "" {
		keys = append(keys, "p:"+rec.PhoneIndex)
	}
	if rec.UnionID != "" {
		keys = append(keys, "u:"+rec.UnionID)
	}
	return keys
}

// LookupMember finds the customer's CRM member through the Directory, by
// phone first and then by unionid, reusing answers for Config.MemberTTL. A
// member found is bound to the customer (member id, level and name), which
// may merge the customer with another one already bound to that member id.
// It returns the resulting customer and the member.
//
// Errors: ErrNoDirectory without a Directory; ErrNotFound when the customer
// has neither phone nor unionid or the Directory knows neither;
// *ConflictError when the customer is bound to a different member id.
func (r *Registry) LookupMember(ctx context.Context, id string) (Customer, Member, error) {
	return r.lookupMember(ctx, id, false)
}

// RefreshMember is LookupMember bypassing (and renewing) the cached Directory
// answers, for when the host knows the CRM changed (a level upgrade).
func (r *Registry) RefreshMember(ctx context.Context, id string) (Customer, Member, error) {
	return r.lookupMember(ctx, id, true)
}

func (r *Registry) lookupMember(ctx context.Context, id string, refresh bool) (Customer, Member, error) {
	if r.dir == nil {
		return Customer{}, Member{}, ErrNoDirectory
	}
	c, err := r.Get(ctx, id)
	if err != nil {
		return Customer{}, Member{}, err
	}
	m, found, err := r.findMember(ctx, c, refresh)
	if err != nil {
		return Customer{}, Member{}, err
	}
	if !found {
		return c, Member{}, fmt.Errorf("%w: no CRM member for customer %s", ErrNotFound, c.ID)
	}
	if m.ID == "" || len(m.ID) > 128 {
		return c, Member{}, fmt.Errorf("%w: directory returned a member without a valid id", ErrInvalidIdentifier)
	}
	c, err = r.bind(ctx, c.ID, identifier{kind: KindMember, value: m.ID, member: &m})
	if err != nil {
		return Customer{}, Member{}, err
	}
	return c, m, nil
}

// findMember asks the directory (or the cache) by phone, then by unionid.
func (r *Registry) findMember(ctx context.Context, c Customer, refresh bool) (Member, bool, error) {
	type query struct {
		key string
		ask func() (Member, error)
	}
	var qs []query
	if !c.Phone.IsZero() {
		p := c.Phone
		qs = append(qs, query{"p:" + r.keys.phoneIndex(p), func() (Member, error) { return r.dir.MemberByPhone(ctx, p) }})
	}
	if c.UnionID != "" {
		u := c.UnionID
		qs = append(qs, query{"u:" + u, func() (Member, error) { return r.dir.MemberByUnionID(ctx, u) }})
	}
	for _, q := range qs {
		now := r.now()
		e, ok := r.members.get(q.key, now)
		if refresh || !ok {
			m, err := q.ask()
			switch {
			case err == nil:
				e = memberEntry{member: m, found: true, at: now}
			case errors.Is(err, ErrNotFound):
				e = memberEntry{at: now}
			default:
				return Member{}, false, fmt.Errorf("identity: member directory: %w", err)
			}
			r.members.put(q.key, e)
		}
		if e.found {
			return e.member, true, nil
		}
	}
	return Member{}, false, nil
}
