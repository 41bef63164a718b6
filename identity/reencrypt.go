package identity

import (
	"context"
	"errors"
	"fmt"
)

// Reencrypt moves every sealed record, and the snapshots kept in merge
// records, to the keyring's current key, and returns how many records and
// merge records it rewrote. Run it after making a new key current; once it
// returns nil, keys no longer current can be dropped from the keyring. It is
// idempotent, resumable and safe to run while the Registry serves traffic
// (each record is rewritten with compare-and-set). Records it rewrites that
// were sealed in the legacy JSON format are sealed in the binary format.
func (r *Registry) Reencrypt(ctx context.Context) (int, error) {
	n, after := 0, ""
	seenMerges := make(map[string]bool)
	for {
		recs, err := r.store.List(ctx, Query{After: after, Limit: 100})
		if err != nil {
			return n, err
		}
		for _, rec := range recs {
			done, err := r.reencryptRecord(ctx, rec)
			if err != nil {
				return n, err
			}
			if done {
				n++
			}
			for _, mid := range rec.MergeIDs {
				if seenMerges[mid] {
					continue
				}
				seenMerges[mid] = true
				done, err := r.reencryptMerge(ctx, mid)
				if err != nil {
					return n, err
				}
				if done {
					n++
				}
			}
		}
		if len(recs) < 100 {
			return n, nil
		}
		after = recs[len(recs)-1].ID
	}
}

// reseal moves rec.Sealed to the current key, rewriting fields sealed in the
// legacy JSON format as v1; it reports whether it changed.
func (r *Registry) reseal(rec *Record) (bool, error) {
	if rec.Sealed.IsZero() || rec.Sealed.KeyID == r.keys.current {
		return false, nil
	}
	aad := recordAAD(rec.ID)
	pt, err := r.keys.open(rec.Sealed, aad)
	if err != nil {
		return false, err
	}
	if len(pt) > 0 && pt[0] == sealedFormatJSON { // upgrade the legacy format while at it
		f, err := parseSealedFields(string(pt))
		if err != nil {
			return false, fmt.Errorf("%w: customer %s: %v", ErrDecrypt, rec.ID, err)
		}
		clear(pt)
		pt = appendSealedFields(nil, f)
	}
	rec.Sealed, err = r.keys.seal(pt, aad)
	clear(pt) // personal data: do not leave it for the garbage collector
	return err == nil, err
}

func (r *Registry) reencryptRecord(ctx context.Context, rec Record) (bool, error) {
	for range maxAttempts {
		changed, err := r.reseal(&rec)
		if err != nil || !changed {
			return false, err
		}
		err = r.store.Commit(ctx, Write{Put: []Record{rec}})
		if err == nil {
			r.cache.invalidate(rec.ID)
			return true, nil
		}
		if !errors.Is(err, ErrVersionConflict) {
			return false, err
		}
		rec, err = r.store.Get(ctx, rec.ID)
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
	return false, ErrContention
}

func (r *Registry) reencryptMerge(ctx context.Context, id string) (bool, error) {
	done := false
	err := r.updateMerge(ctx, id, func(m *MergeRecord) (bool, error) {
		w, err := r.reseal(&m.WinnerBefore)
		if err != nil {
			return false, err
		}
		l, err := r.reseal(&m.LoserBefore)
		done = w || l
		return done, err
	})
	return done && err == nil, err
}
