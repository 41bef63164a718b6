package identity

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TagSyncer mirrors customer tag changes to WeChat's user-tag API
// (tags/members/batchtagging and batchuntagging), or anywhere else the host
// likes. The Registry calls it after the change is stored, with every openid
// of the customer. Implementations must be safe for concurrent use.
type TagSyncer interface {
	SyncTags(ctx context.Context, change TagChange) error
}

// TagSyncFunc adapts a function to TagSyncer, for wiring a closure over the
// host's WeChat client. It is safe for concurrent use if the function is.
type TagSyncFunc func(ctx context.Context, change TagChange) error

// SyncTags implements TagSyncer by calling f.
func (f TagSyncFunc) SyncTags(ctx context.Context, change TagChange) error { return f(ctx, change) }

// TagChange is one tag change of one customer. WeChat tags users per app:
// pick the openids of the Official Account the tags belong to.
// The syncer receives its own copy; it may keep it and read it from any
// goroutine.
type TagChange struct {
	CustomerID string
	OpenIDs    []OpenID // every openid of the customer, in every app
	Added      []string // tags the customer did not have before
	Removed    []string // tags the customer no longer has
}

// maxTagLen is the longest tag accepted, in bytes.
const maxTagLen = 64

// validTag reports whether t is a usable tag: non-empty, at most 64 bytes of
// valid UTF-8, no control characters, no surrounding spaces.
func validTag(t string) bool {
	if t == "" || len(t) > maxTagLen || !utf8.ValidString(t) || strings.TrimSpace(t) != t {
		return false
	}
	return !strings.ContainsFunc(t, unicode.IsControl)
}

// Tag adds tags (e.g. "敏感肌", "孕期") to the customer; tags it already has
// are ignored. Tags come from the host or from routing/kb outcomes. With a
// TagSyncer configured, the added tags are then mirrored; if that fails the
// tags stay stored and the error is a *TagSyncError (matching ErrTagSync)
// carrying the change to mirror again.
func (r *Registry) Tag(ctx context.Context, id string, tags ...string) (Customer, error) {
	return r.Update(ctx, id, func(c *Customer) error {
		for _, t := range tags {
			if !slices.Contains(c.Tags, t) {
				c.Tags = append(c.Tags, t)
			}
		}
		return nil
	})
}

// Untag removes tags from the customer; tags it does not have are ignored.
// Mirroring works as for Tag.
func (r *Registry) Untag(ctx context.Context, id string, tags ...string) (Customer, error) {
	return r.Update(ctx, id, func(c *Customer) error {
		c.Tags = slices.DeleteFunc(c.Tags, func(t string) bool { return slices.Contains(tags, t) })
		return nil
	})
}

// Update changes the customer's Name, MemberLevel, Tags, Attributes and
// Sensitive attributes through fn, which receives a private copy and may be
// called more than once (on a concurrent change it runs again on fresh
// data). An error from fn aborts the update and is returned as is; an fn
// that changes nothing writes nothing. Changing any other field fails with
// ErrImmutable: identifiers change through BindPhone, LinkUnionID,
// BindOpenID, LookupMember and the erasure methods.
// Tag changes are mirrored as described on Tag.
func (r *Registry) Update(ctx context.Context, id string, fn func(c *Customer) error) (Customer, error) {
	if fn == nil {
		return Customer{}, fmt.Errorf("%w: nil update function", ErrInvalidIdentifier)
	}
	for range maxAttempts {
		rec, err := r.loadLive(ctx, id)
		if err != nil {
			return Customer{}, err
		}
		before, err := r.keys.decode(rec)
		if err != nil {
			return Customer{}, err
		}
		c := before.Clone()
		if err := fn(&c); err != nil {
			return Customer{}, err
		}
		if err := checkUpdate(before, c); err != nil {
			return Customer{}, err
		}
		added, removed := diffTags(before.Tags, c.Tags)
		if unchanged(before, c) {
			return before, nil
		}
		c, err = r.save(ctx, rec, c)
		if retryable(err) {
			continue
		}
		if err != nil {
			return Customer{}, err
		}
		if r.syncer != nil && (len(added) > 0 || len(removed) > 0) {
			ch := TagChange{CustomerID: c.ID, OpenIDs: slices.Clone(c.OpenIDs), Added: added, Removed: removed}
			if err := r.syncer.SyncTags(ctx, ch); err != nil {
				return c, &TagSyncError{CustomerID: c.ID, Change: ch, Err: err}
			}
		}
		return c, nil
	}
	return Customer{}, ErrContention
}

// checkUpdate rejects changes to fields Update may not touch, and bad tags.
func checkUpdate(before, after Customer) error {
	immutable := func(field string) error {
		return fmt.Errorf("%w: %s", ErrImmutable, field)
	}
	switch {
	case after.ID != before.ID:
		return immutable("ID")
	case after.Version != before.Version:
		return immutable("Version")
	case !slices.Equal(after.OpenIDs, before.OpenIDs):
		return immutable("OpenIDs")
	case after.UnionID != before.UnionID:
		return immutable("UnionID")
	case after.Phone != before.Phone:
		return immutable("Phone")
	case after.MemberID != before.MemberID:
		return immutable("MemberID")
	case !after.FirstSeen.Equal(before.FirstSeen) || !after.LastSeen.Equal(before.LastSeen):
		return immutable("FirstSeen/LastSeen")
	case !slices.Equal(after.MergeIDs, before.MergeIDs):
		return immutable("MergeIDs")
	}
	seen := make(map[string]bool, len(after.Tags))
	for _, t := range after.Tags {
		if !validTag(t) {
			return fmt.Errorf("%w: tag %q must be 1 to %d bytes of text without control characters or surrounding spaces", ErrInvalidIdentifier, t, maxTagLen)
		}
		if seen[t] {
			return fmt.Errorf("%w: duplicate tag %q", ErrInvalidIdentifier, t)
		}
		seen[t] = true
	}
	for k := range maps.Keys(after.Attributes) {
		if k == "" {
			return fmt.Errorf("%w: empty attribute name", ErrInvalidIdentifier)
		}
	}
	for k := range maps.Keys(after.Sensitive) {
		if k == "" {
			return fmt.Errorf("%w: empty sensitive attribute name", ErrInvalidIdentifier)
		}
	}
	return nil
}

// unchanged reports whether an update left every field it may change as it
// was (after checkUpdate, nothing else can differ).
func unchanged(before, after Customer) bool {
	return after.Name == before.Name && after.MemberLevel == before.MemberLevel &&
		slices.Equal(after.Tags, before.Tags) &&
		maps.Equal(after.Attributes, before.Attributes) && maps.Equal(after.Sensitive, before.Sensitive)
}

// diffTags returns the tags in after but not before, and the reverse.
func diffTags(before, after []string) (added, removed []string) {
	for _, t := range after {
		if !slices.Contains(before, t) {
			added = append(added, t)
		}
	}
	for _, t := range before {
		if !slices.Contains(after, t) {
			removed = append(removed, t)
		}
	}
	return added, removed
}
