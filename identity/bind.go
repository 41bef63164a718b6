package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// identifier is one identifier being bound to a customer.
type identifier struct {
	kind   Kind
	openid OpenID
	phone  Phone
	value  string  // unionid or member id
	member *Member // for KindMember: level and name to copy
}

func (x identifier) key(k *Keyring) Key {
	switch x.kind {
	case KindOpenID:
		return x.openid.Key()
	case KindPhone:
		return Key{Kind: KindPhone, Value: k.phoneIndex(x.phone)}
	default:
		return Key{Kind: x.kind, Value: x.value}
	}
}

// apply sets x on c. It reports whether c changed, and returns a
// *ConflictError when c holds a different unionid or member id: those are
// never replaced. A different phone is replaced (the host verified the new
// one); openids accumulate.
func (x identifier) apply(c *Customer) (bool, error) {
	switch x.kind {
	case KindOpenID:
		for _, o := range c.OpenIDs {
			if o == x.openid {
				return false, nil
			}
		}
		c.OpenIDs = append(c.OpenIDs[:len(c.OpenIDs):len(c.OpenIDs)], x.openid)
		return true, nil
	case KindPhone:
		if c.Phone == x.phone {
			return false, nil
		}
		c.Phone = x.phone
		return true, nil
	case KindUnionID:
		if c.UnionID == x.value {
			return false, nil
		}
		if c.UnionID != "" {
			return false, &ConflictError{Kind: KindUnionID, Proof: KindUnionID, Customer: c.ID}
		}
		c.UnionID = x.value
		return true, nil
	case KindMember:
		changed := false
		if c.MemberID != x.value {
			if c.MemberID != "" {
				return false, &ConflictError{Kind: KindMember, Proof: KindMember, Customer: c.ID}
			}
			c.MemberID = x.value
			changed = true
		}
		if m := x.member; m != nil {
			if m.Level != "" && c.MemberLevel != m.Level {
				c.MemberLevel, changed = m.Level, true
			}
			if m.Name != "" && c.Name != m.Name {
				c.Name, changed = m.Name, true
			}
		}
		return changed, nil
	}
	return false, fmt.Errorf("%w: unknown identifier kind %d", ErrInvalidIdentifier, x.kind)
}

// BindOpenID adds another openid (for example the mini-program openid of a
// customer resolved through the Official Account) to the customer. If the
// openid already belongs to another customer, the two are merged unless they
// disagree on a phone, unionid or member id (*ConflictError). It returns the
// resulting customer, whose ID may differ from id after a merge.
func (r *Registry) BindOpenID(ctx context.Context, id, app, openid string) (Customer, error) {
	if !validOpenID(app, openid) {
		return Customer{}, fmt.Errorf("%w: app and openid must be non-empty, app without ':'", ErrInvalidIdentifier)
	}
	return r.bind(ctx, id, identifier{kind: KindOpenID, openid: OpenID{App: app, ID: openid}})
}

// LinkUnionID records the customer's unionid. When the unionid already
// belongs to another customer (the same person met through another app), the
// two are merged into one, unless they have different CRM member ids
// (*ConflictError naming KindMember). A customer with a different unionid
// fails with *ConflictError. It returns the resulting customer, whose ID may
// differ from id after a merge.
func (r *Registry) LinkUnionID(ctx context.Context, id, unionid string) (Customer, error) {
	if unionid == "" || len(unionid) > 128 {
		return Customer{}, fmt.Errorf("%w: unionid must be 1 to 128 bytes", ErrInvalidIdentifier)
	}
	return r.bind(ctx, id, identifier{kind: KindUnionID, value: unionid})
}

// BindPhone records a phone number the host has verified (identity does not
// send or check codes), replacing the customer's previous phone. When the
// phone already belongs to another customer, the two are merged, unless they
// have different unionids or member ids: then the merge is refused with a
// *ConflictError naming the stronger identifier and nothing changes. It
// returns the resulting customer, whose ID may differ from id after a merge.
func (r *Registry) BindPhone(ctx context.Context, id string, p Phone) (Customer, error) {
	if p.IsZero() {
		return Customer{}, fmt.Errorf("%w: zero phone", ErrInvalidPhone)
	}
	return r.bind(ctx, id, identifier{kind: KindPhone, phone: p})
}

// bind attaches x to the customer, merging with the customer that already
// holds x when the ranking allows it.
func (r *Registry) bind(ctx context.Context, id string, x identifier) (Customer, error) {
	key := x.key(r.keys)
	for range maxAttempts {
		arec, err := r.loadLive(ctx, id)
		if err != nil {
			return Customer{}, err
		}
		a, err := r.keys.decode(arec)
		if err != nil {
			return Customer{}, err
		}
		a2 := a.Clone()
		changed, err := x.apply(&a2)
		if err != nil {
			return Customer{}, err
		}
		owner, err := r.store.Lookup(ctx, key)
		switch {
		case errors.Is(err, ErrNotFound) || (err == nil && owner == a.ID):
			if !changed {
				return a, nil
			}
			c, err := r.save(ctx, arec, a2)
			if retryable(err) {
				continue
			}
			return c, err
		case err != nil:
			return Customer{}, err
		}
		brec, err := r.store.Get(ctx, owner)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return Customer{}, err
		}
		if brec.MergedInto != "" || !brec.ErasedAt.IsZero() {
			continue // moving concurrently; read again
		}
		b, err := r.keys.decode(brec)
		if err != nil {
			return Customer{}, err
		}
		c, err := r.merge(ctx, arec, a2, brec, b, x)
		if retryable(err) {
			continue
		}
		return c, err
	}
	return Customer{}, ErrContention
}

// retryable reports an optimistic-concurrency failure worth re-reading for.
func retryable(err error) bool {
	return errors.Is(err, ErrVersionConflict) || errors.Is(err, ErrBindingTaken)
}

// save replaces old with c (compare-and-set on old.Version), moving bindings
// to match, and invalidates the cache.
func (r *Registry) save(ctx context.Context, old Record, c Customer) (Customer, error) {
	c.Version = old.Version
	rec, err := r.keys.encode(c)
	if err != nil {
		return Customer{}, err
	}
	w := Write{Put: []Record{rec}}
	rebind(&w, old, rec)
	err = r.store.Commit(ctx, w)
	r.cache.invalidate(c.ID)
	if err != nil {
		return Customer{}, err
	}
	c.Version = old.Version + 1
	return c, nil
}

// rebind adds to w the binding changes that take a customer from old to
// updated: keys of old missing from updated are unbound, keys of updated are
// bound.
func rebind(w *Write, old, updated Record) {
	keep := make(map[Key]bool)
	for _, k := range updated.Keys() {
		keep[k] = true
		w.Bind = append(w.Bind, Binding{Key: k, Customer: updated.ID})
	}
	for _, k := range old.Keys() {
		if !keep[k] {
			w.Unbind = append(w.Unbind, Binding{Key: k, Customer: old.ID})
		}
	}
}

// mergeAttrs returns the slog attributes describing a merge record.
func mergeAttrs(m MergeRecord) []slog.Attr {
	return []slog.Attr{
		slog.String("merge", m.ID), slog.String("winner", m.Winner),
		slog.String("loser", m.Loser), slog.String("proof", m.Proof.String()),
	}
}
