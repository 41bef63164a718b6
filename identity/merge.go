package identity

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Merge merges two customers the host knows to be one person (for example
// after an agent checked). Because no identifier proves it, any disagreement
// on a phone, unionid or member id refuses the merge with *ConflictError. The
// older customer (earlier FirstSeen) survives; the other id keeps resolving to
// it through Get. The returned customer is the survivor.
func (r *Registry) Merge(ctx context.Context, a, b string) (Customer, error) {
	for range maxAttempts {
		arec, err := r.loadLive(ctx, a)
		if err != nil {
			return Customer{}, err
		}
		brec, err := r.loadLive(ctx, b)
		if err != nil {
			return Customer{}, err
		}
		ac, err := r.keys.decode(arec)
		if err != nil {
			return Customer{}, err
		}
		if arec.ID == brec.ID {
			return ac, nil
		}
		bc, err := r.keys.decode(brec)
		if err != nil {
			return Customer{}, err
		}
		c, err := r.merge(ctx, arec, ac, brec, bc, identifier{})
		if retryable(err) {
			continue
		}
		return c, err
	}
	return Customer{}, ErrContention
}

// merge fuses a (stored as arec, possibly already changed by the binding x)
// and b (stored as brec), which x proves to be one person. x.kind is 0 for a
// manual merge.
func (r *Registry) merge(ctx context.Context, arec Record, a Customer, brec Record, b Customer, x identifier) (Customer, error) {
	for _, k := range []Kind{KindMember, KindUnionID, KindPhone} {
		if k > x.kind && differ(a, b, k) {
			return Customer{}, &ConflictError{Kind: k, Proof: x.kind, Customer: a.ID, Other: b.ID}
		}
	}
	w, l, wBefore, lBefore := a, b, arec, brec
	if b.FirstSeen.Before(a.FirstSeen) || (b.FirstSeen.Equal(a.FirstSeen) && b.ID < a.ID) {
		w, l, wBefore, lBefore = b, a, brec, arec
	}
	now := r.now()
	m := MergeRecord{
		ID: r.newID(), Proof: x.kind, Winner: w.ID, Loser: l.ID,
		WinnerBefore: wBefore, LoserBefore: lBefore, At: now,
	}
	merged := fuse(w, l)
	if x.kind != 0 {
		if _, err := x.apply(&merged); err != nil {
			return Customer{}, err
		}
	}
	merged.MergeIDs = append(merged.MergeIDs, m.ID)
	merged.Version = wBefore.Version
	mergedRec, err := r.keys.encode(merged)
	if err != nil {
		return Customer{}, err
	}
	tomb := Record{
		ID: l.ID, Version: lBefore.Version, FirstSeen: l.FirstSeen, LastSeen: l.LastSeen,
		MergedInto: w.ID, MergeIDs: append(slices.Clone(l.MergeIDs), m.ID),
	}
	wr := Write{Put: []Record{mergedRec, tomb}, PutMerges: []MergeRecord{m}}
	rebind(&wr, lBefore, tomb)
	rebind(&wr, wBefore, mergedRec)
	err = r.store.Commit(ctx, wr)
	r.cache.invalidate(w.ID, l.ID)
	if err != nil {
		return Customer{}, err
	}
	r.logInfo(ctx, "identity: customers merged", mergeAttrs(m)...)
	merged.Version = wBefore.Version + 1
	return merged, nil
}

// differ reports whether a and b both have an identifier of kind k and the
// values differ.
func differ(a, b Customer, k Kind) bool {
	switch k {
	case KindMember:
		return a.MemberID != "" && b.MemberID != "" && a.MemberID != b.MemberID
	case KindUnionID:
		return a.UnionID != "" && b.UnionID != "" && a.UnionID != b.UnionID
	case KindPhone:
		return !a.Phone.IsZero() && !b.Phone.IsZero() && a.Phone != b.Phone
	}
	return false
}

// fuse returns the winner w completed with the loser l: openids, tags and
// attributes are united (w's values win), identifiers w lacks are taken from
// l, first/last seen span both.
func fuse(w, l Customer) Customer {
	m := w.Clone()
	for _, o := range l.OpenIDs {
		if !slices.Contains(m.OpenIDs, o) {
			m.OpenIDs = append(m.OpenIDs, o)
		}
	}
	if m.UnionID == "" {
		m.UnionID = l.UnionID
	}
	if m.Phone.IsZero() {
		m.Phone = l.Phone
	}
	if m.MemberID == "" && l.MemberID != "" {
		m.MemberID, m.MemberLevel = l.MemberID, l.MemberLevel
	}
	if m.MemberLevel == "" {
		m.MemberLevel = l.MemberLevel
	}
	if m.Name == "" {
		m.Name = l.Name
	}
	for _, t := range l.Tags {
		if !slices.Contains(m.Tags, t) {
			m.Tags = append(m.Tags, t)
		}
	}
	m.Attributes = fillMap(m.Attributes, l.Attributes)
	m.Sensitive = fillMap(m.Sensitive, l.Sensitive)
	if l.FirstSeen.Before(m.FirstSeen) {
		m.FirstSeen = l.FirstSeen
	}
	if l.LastSeen.After(m.LastSeen) {
		m.LastSeen = l.LastSeen
	}
	return m
}

func fillMap(dst, src map[string]string) map[string]string {
	for k, v := range src {
		if _, ok := dst[k]; !ok {
			if dst == nil {
				dst = make(map[string]string, len(src))
			}
			dst[k] = v
		}
	}
	return dst
}

// UndoMerge splits a merge recorded under mergeID: the absorbed customer is
// restored exactly as it was stored before the merge (same id, identifiers
// re-bound to it), and the surviving customer loses what the merge brought it
// (openids, identifiers, tags and attributes taken from the other side) while
// keeping every change made since. It returns both customers, survivor first.
//
// It fails with ErrCannotUndo when the merge was already undone, when either
// customer was erased or the survivor was merged again (undo that merge
// first), or when an identifier to restore now belongs to a third customer.
// ErrNotFound means no such merge record.
func (r *Registry) UndoMerge(ctx context.Context, mergeID string) (winner, loser Customer, err error) {
	for range maxAttempts {
		m, err := r.store.GetMerge(ctx, mergeID)
		if err != nil {
			return Customer{}, Customer{}, err
		}
		if !m.UndoneAt.IsZero() {
			return Customer{}, Customer{}, fmt.Errorf("%w: merge %s already undone", ErrCannotUndo, mergeID)
		}
		tomb, err := r.store.Get(ctx, m.Loser)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Customer{}, Customer{}, err
		}
		if err != nil || tomb.MergedInto != m.Winner || !tomb.ErasedAt.IsZero() {
			return Customer{}, Customer{}, fmt.Errorf("%w: customer %s is no longer the merged-away side", ErrCannotUndo, m.Loser)
		}
		wrec, err := r.store.Get(ctx, m.Winner)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return Customer{}, Customer{}, err
		}
		if err != nil || wrec.MergedInto != "" || !wrec.ErasedAt.IsZero() {
			return Customer{}, Customer{}, fmt.Errorf("%w: customer %s was erased or merged again", ErrCannotUndo, m.Winner)
		}
		cur, err := r.keys.decode(wrec)
		if err != nil {
			return Customer{}, Customer{}, err
		}
		wb, err := r.keys.decode(m.WinnerBefore)
		if err != nil {
			return Customer{}, Customer{}, err
		}
		lb, err := r.keys.decode(m.LoserBefore)
		if err != nil {
			return Customer{}, Customer{}, err
		}
		restored := unfuse(cur, wb, lb)
		restoredRec, err := r.keys.encode(restored)
		if err != nil {
			return Customer{}, Customer{}, err
		}
		loserRec := m.LoserBefore.Clone()
		loserRec.Version = tomb.Version
		loserRec.MergeIDs = slices.Clone(tomb.MergeIDs)
		m.UndoneAt = r.now()
		w := Write{Put: []Record{restoredRec, loserRec}, PutMerges: []MergeRecord{m}}
		rebind(&w, wrec, restoredRec)
		for _, k := range loserRec.Keys() {
			w.Bind = append(w.Bind, Binding{Key: k, Customer: loserRec.ID})
		}
		err = r.store.Commit(ctx, w)
		r.cache.invalidate(m.Winner, m.Loser)
		if errors.Is(err, ErrVersionConflict) {
			continue
		}
		var taken *BindingTakenError
		if errors.As(err, &taken) {
			if taken.Owner == m.Winner || taken.Owner == m.Loser {
				continue // a concurrent change on one side: read again
			}
			return Customer{}, Customer{}, fmt.Errorf("%w: %w", ErrCannotUndo, err)
		}
		if err != nil {
			return Customer{}, Customer{}, err
		}
		r.logInfo(ctx, "identity: merge undone", mergeAttrs(m)...)
		restored.Version = wrec.Version + 1
		lc := lb
		lc.Version = tomb.Version + 1
		lc.MergeIDs = loserRec.MergeIDs
		return restored, lc, nil
	}
	return Customer{}, Customer{}, ErrContention
}

// unfuse removes from cur (the survivor now) what the merge brought from lb,
// given the survivor before the merge (wb).
func unfuse(cur, wb, lb Customer) Customer {
	c := cur.Clone()
	c.OpenIDs = slices.DeleteFunc(c.OpenIDs, func(o OpenID) bool {
		return slices.Contains(lb.OpenIDs, o) && !slices.Contains(wb.OpenIDs, o)
	})
	if lb.UnionID != "" && c.UnionID == lb.UnionID && wb.UnionID != lb.UnionID {
		c.UnionID = wb.UnionID
	}
	if !lb.Phone.IsZero() && c.Phone == lb.Phone && wb.Phone != lb.Phone {
		c.Phone = wb.Phone
	}
	if lb.MemberID != "" && c.MemberID == lb.MemberID && wb.MemberID != lb.MemberID {
		c.MemberID, c.MemberLevel = wb.MemberID, wb.MemberLevel
	}
	if lb.Name != "" && c.Name == lb.Name && wb.Name != lb.Name {
		c.Name = wb.Name
	}
	c.Tags = slices.DeleteFunc(c.Tags, func(t string) bool {
		return slices.Contains(lb.Tags, t) && !slices.Contains(wb.Tags, t)
	})
	c.Attributes = unfill(c.Attributes, wb.Attributes, lb.Attributes)
	c.Sensitive = unfill(c.Sensitive, wb.Sensitive, lb.Sensitive)
	c.FirstSeen = wb.FirstSeen
	return c
}

func unfill(cur, before, added map[string]string) map[string]string {
	out := maps.Clone(cur)
	for k, v := range added {
		if _, had := before[k]; !had && out[k] == v {
			delete(out, k)
		}
	}
	return out
}
