package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// RetentionPolicy says what erasure keeps. The zero value deletes an erased
// customer at once and keeps nothing.
// It is a plain value, safe for concurrent use.
type RetentionPolicy struct {
	// KeepFor keeps an anonymised record (id, first/last seen, erasure time,
	// and what the flags below allow; no identifier, no personal data) for
	// this long after erasure, for statistics; PurgeErased deletes it
	// afterwards. Zero or negative deletes the record at once.
	KeepFor time.Duration
	// KeepTags keeps the tags in the anonymised record.
	KeepTags bool
	// KeepMemberLevel keeps the member level (not the member id) in the
	// anonymised record.
	KeepMemberLevel bool
}

// Erase forgets a customer on request (the right to erasure): every
// identifier is unbound, personal data and attributes are dropped, merge
// records and the tombstones of customers merged into it are deleted, cached
// CRM answers for its phone and unionid are dropped, and the record is either
// deleted or anonymised under Config.Retention. Erasing an id that was merged
// away erases the customer it was merged into. Erasing an erased or unknown
// customer returns nil.
func (r *Registry) Erase(ctx context.Context, id string) error {
	for range maxAttempts {
		rec, err := r.loadLive(ctx, id)
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrErased) {
			return nil
		}
		if err != nil {
			return err
		}
		w := Write{Unbind: bindingsOf(rec)}
		tombs, merges, err := r.absorbed(ctx, rec)
		if err != nil {
			return err
		}
		for _, t := range tombs {
			w.Delete = append(w.Delete, Ref{ID: t.ID, Version: t.Version})
		}
		w.DeleteMerges = merges
		now := r.now()
		if r.retention.KeepFor > 0 {
			anon := Record{ID: rec.ID, Version: rec.Version, FirstSeen: rec.FirstSeen, LastSeen: rec.LastSeen, ErasedAt: now}
			if r.retention.KeepTags {
				anon.Tags = rec.Tags
			}
			if r.retention.KeepMemberLevel {
				anon.MemberLevel = rec.MemberLevel
			}
			w.Put = append(w.Put, anon)
		} else {
			w.Delete = append(w.Delete, Ref{ID: rec.ID, Version: rec.Version})
		}
		err = r.store.Commit(ctx, w)
		ids := []string{rec.ID}
		for _, t := range tombs {
			ids = append(ids, t.ID)
		}
		r.cache.invalidate(ids...)
		if retryable(err) {
			continue
		}
		if err != nil {
			return err
		}
		r.members.forget(memberKeys(rec)...) // tombstones hold no identifiers
		r.logInfo(ctx, "identity: customer erased", slog.String("customer", rec.ID), slog.Int("tombstones", len(tombs)))
		return nil
	}
	return ErrContention
}

// absorbed returns the tombstones of customers merged (directly or through
// other tombstones) into rec, and every merge record those customers and rec
// took part in.
func (r *Registry) absorbed(ctx context.Context, rec Record) (tombs []Record, merges []string, err error) {
	queue := []Record{rec}
	seen := map[string]bool{rec.ID: true}
	for len(queue) > 0 && len(seen) < 1000 {
		cur := queue[0]
		queue = queue[1:]
		for _, mid := range cur.MergeIDs {
			if slices.Contains(merges, mid) {
				continue
			}
			merges = append(merges, mid)
			m, err := r.store.GetMerge(ctx, mid)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			if m.Winner != cur.ID || seen[m.Loser] {
				continue
			}
			t, err := r.store.Get(ctx, m.Loser)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			if t.MergedInto != cur.ID {
				continue // undone, or merged elsewhere since
			}
			seen[t.ID] = true
			tombs = append(tombs, t)
			queue = append(queue, t)
		}
	}
	return tombs, merges, nil
}

func bindingsOf(rec Record) []Binding {
	keys := rec.Keys()
	bs := make([]Binding, len(keys))
	for i, k := range keys {
		bs[i] = Binding{Key: k, Customer: rec.ID}
	}
	return bs
}

// ForgetOpenID forgets one openid, for example when the user unsubscribes and
// asks to be forgotten: the openid is unbound from its customer and removed
// from the customer's merge history. A customer left with no identifier at
// all is erased (see Erase). Forgetting an unknown openid returns nil.
func (r *Registry) ForgetOpenID(ctx context.Context, app, openid string) error {
	if !validOpenID(app, openid) {
		return fmt.Errorf("%w: app and openid must be non-empty, app without ':'", ErrInvalidIdentifier)
	}
	o := OpenID{App: app, ID: openid}
	for range maxAttempts {
		id, err := r.store.Lookup(ctx, o.Key())
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		rec, err := r.store.Get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if len(rec.Keys()) == 1 {
			err := r.Erase(ctx, rec.ID)
			if err != nil {
				return err
			}
			continue // confirm the binding is gone
		}
		c, err := r.keys.decode(rec)
		if err != nil {
			return err
		}
		c.OpenIDs = slices.DeleteFunc(c.OpenIDs, func(x OpenID) bool { return x == o })
		_, err = r.save(ctx, rec, c)
		if retryable(err) {
			continue
		}
		if err != nil {
			return err
		}
		return r.scrubMerges(ctx, rec.MergeIDs, o)
	}
	return ErrContention
}

// scrubMerges removes o from the snapshots kept in merge records.
func (r *Registry) scrubMerges(ctx context.Context, ids []string, o OpenID) error {
	drop := func(x OpenID) bool { return x == o }
	for _, id := range ids {
		err := r.updateMerge(ctx, id, func(m *MergeRecord) (bool, error) {
			n := len(m.WinnerBefore.OpenIDs) + len(m.LoserBefore.OpenIDs)
			m.WinnerBefore.OpenIDs = slices.DeleteFunc(m.WinnerBefore.OpenIDs, drop)
			m.LoserBefore.OpenIDs = slices.DeleteFunc(m.LoserBefore.OpenIDs, drop)
			return len(m.WinnerBefore.OpenIDs)+len(m.LoserBefore.OpenIDs) != n, nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// updateMerge applies fn to the merge record with compare-and-set, retrying
// on conflict; fn reports whether it changed anything. A missing record is
// skipped.
func (r *Registry) updateMerge(ctx context.Context, id string, fn func(m *MergeRecord) (bool, error)) error {
	for range maxAttempts {
		m, err := r.store.GetMerge(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		changed, err := fn(&m)
		if err != nil || !changed {
			return err
		}
		err = r.store.Commit(ctx, Write{PutMerges: []MergeRecord{m}})
		if !errors.Is(err, ErrVersionConflict) {
			return err
		}
	}
	return ErrContention
}

// PurgeErased deletes the anonymised records whose retention period
// (Config.Retention.KeepFor) ended before now, and returns how many it
// deleted. Run it periodically (a cron job, a ticker in the host); it is
// idempotent and safe to run from several processes.
func (r *Registry) PurgeErased(ctx context.Context, now time.Time) (int, error) {
	cutoff := now.Add(-max(r.retention.KeepFor, 0))
	n, after := 0, ""
	for {
		recs, err := r.store.List(ctx, Query{After: after, Limit: 100, ErasedBefore: cutoff})
		if err != nil {
			return n, err
		}
		for _, rec := range recs {
			err := r.store.Commit(ctx, Write{Delete: []Ref{{ID: rec.ID, Version: rec.Version}}})
			if errors.Is(err, ErrVersionConflict) {
				continue // purged by another process
			}
			if err != nil {
				return n, err
			}
			n++
		}
		if len(recs) < 100 {
			return n, nil
		}
		after = recs[len(recs)-1].ID
	}
}
