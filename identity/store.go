package identity

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"
)

// Kind is the kind of an identifier. Kinds are ranked by strength, weakest
// first: a later binding of a stronger identifier may merge two customers, and
// two customers that disagree on an identifier stronger than the proof are
// never merged (see Registry.BindPhone).
// It is a plain comparable value, safe for concurrent use.
type Kind uint8

// Identifier kinds, weakest first. The zero Kind stands for a manual merge
// (Registry.Merge), which is weaker than every identifier.
const (
	KindOpenID  Kind = 1 // a per-app WeChat openid
	KindPhone   Kind = 2 // a verified phone number (stored as a blind index)
	KindUnionID Kind = 3 // a WeChat unionid, shared by the apps of one open-platform account
	KindMember  Kind = 4 // a CRM member id
)

// String returns "openid", "phone", "unionid", "member id", or "manual" (the zero
// Kind).
func (k Kind) String() string {
	switch k {
	case KindOpenID:
		return "openid"
	case KindPhone:
		return "phone"
	case KindUnionID:
		return "unionid"
	case KindMember:
		return "member id"
	case 0:
		return "manual"
	default:
		return "unknown kind"
	}
}

// Key is one identifier as the store indexes it. Value is "appid:openid" for
// KindOpenID, the blind index (never the number) for KindPhone, and the
// identifier itself for KindUnionID and KindMember. A SQL store keeps keys in a
// bindings table with PRIMARY KEY (kind, value).
// It is a plain comparable value, safe for concurrent use.
type Key struct {
	Kind  Kind
	Value string
}

// OpenID is a WeChat openid together with the app (Official Account or mini
// program appid) that issued it: openids are per app.
// It is a plain comparable value, safe for concurrent use.
type OpenID struct {
	App string
	ID  string
}

// Key returns the store key of o.
func (o OpenID) Key() Key { return Key{Kind: KindOpenID, Value: o.App + ":" + o.ID} }

// Record is a customer as the store keeps it. Personal data is only present
// sealed (Sealed) or blind-indexed (PhoneIndex): a Store never sees a phone
// number, a name or a sensitive attribute in clear. Stores treat every field
// as opaque data to save and return, except ID, Version and ErasedAt.
//
// A record with MergedInto set is a tombstone left by a merge; one with
// ErasedAt set is an anonymised record kept under the retention policy.
// Values holding the same slices or maps may be read concurrently but not
// changed concurrently; Clone before changing a shared one.
type Record struct {
	ID          string
	Version     int64 // stored version; 0 only for a record not yet created
	OpenIDs     []OpenID
	UnionID     string
	PhoneIndex  string
	MemberID    string
	MemberLevel string
	Tags        []string
	Attributes  map[string]string
	Sealed      Sealed // phone, name and sensitive attributes
	FirstSeen   time.Time
	LastSeen    time.Time
	MergedInto  string
	MergeIDs    []string // merge records this customer took part in
	ErasedAt    time.Time
}

// Keys returns the identifier keys a live record is bound to: its openids,
// unionid, phone index and member id, in that order. Tombstones and erased
// records have none.
func (r Record) Keys() []Key {
	if r.MergedInto != "" || !r.ErasedAt.IsZero() {
		return nil
	}
	keys := make([]Key, 0, len(r.OpenIDs)+3)
	for _, o := range r.OpenIDs {
		keys = append(keys, o.Key())
	}
	if r.UnionID != "" {
		keys = append(keys, Key{Kind: KindUnionID, Value: r.UnionID})
	}
	if r.PhoneIndex != "" {
		keys = append(keys, Key{Kind: KindPhone, Value: r.PhoneIndex})
	}
	if r.MemberID != "" {
		keys = append(keys, Key{Kind: KindMember, Value: r.MemberID})
	}
	return keys
}

// Clone returns a deep copy of r.
func (r Record) Clone() Record {
	r.OpenIDs = slices.Clone(r.OpenIDs)
	r.Tags = slices.Clone(r.Tags)
	r.Attributes = maps.Clone(r.Attributes)
	r.Sealed.Data = slices.Clone(r.Sealed.Data)
	r.MergeIDs = slices.Clone(r.MergeIDs)
	return r
}

// MergeRecord is the audit record of one merge, enough to undo it: the two
// records exactly as they were stored before the merge. Proof is the kind of
// identifier that proved the two customers are one person (0 for a manual
// merge).
// Values holding the same slices or maps may be read concurrently but not
// changed concurrently; Clone before changing a shared one.
type MergeRecord struct {
	ID           string
	Version      int64 // stored version; 0 only for a record not yet created
	Proof        Kind
	Winner       string
	Loser        string
	WinnerBefore Record
	LoserBefore  Record
	At           time.Time
	UndoneAt     time.Time
}

// Clone returns a deep copy of m.
func (m MergeRecord) Clone() MergeRecord {
	m.WinnerBefore = m.WinnerBefore.Clone()
	m.LoserBefore = m.LoserBefore.Clone()
	return m
}

// Binding binds Key to the customer with id Customer.
// It is a plain comparable value, safe for concurrent use.
type Binding struct {
	Key      Key
	Customer string
}

// Ref names a stored record at the version the caller read.
// It is a plain comparable value, safe for concurrent use.
type Ref struct {
	ID      string
	Version int64
}

// Write is one atomic change to a Store: Store.Commit applies all of it or
// none of it. Each record id appears at most once across Put and Delete.
// A Write is built by one goroutine and must not change while Commit runs.
type Write struct {
	// Put creates or replaces records with compare-and-set on Version: a
	// record with Version 0 must not exist yet; any other Version must equal
	// the stored version. The store saves each record with Version+1.
	Put []Record
	// Delete removes records, with the same compare-and-set on Version.
	Delete []Ref
	// Unbind removes each binding whose key is bound to the given customer; a
	// key that is unbound or bound to another customer is left alone.
	Unbind []Binding
	// Bind binds each key to the given customer, after Unbind is applied. A key
	// already bound to the same customer is fine; a key bound to another
	// customer fails the whole write with *BindingTakenError.
	Bind []Binding
	// PutMerges creates or replaces merge records by ID, with the same
	// compare-and-set on Version as Put.
	PutMerges []MergeRecord
	// DeleteMerges removes merge records by ID; missing ones are ignored.
	DeleteMerges []string
}

// Query selects records for Store.List, in ascending ID order.
// It is a plain value, safe for concurrent use.
type Query struct {
	// After returns only records whose ID sorts after it ("" = from the start).
	After string
	// Limit caps the number of records returned; 0 or less means 100.
	Limit int
	// ErasedBefore, if set, returns only erased records whose ErasedAt is
	// strictly before it.
	ErasedBefore time.Time
}

// Store persists customers, their identifier bindings and merge records. The
// Registry keeps every invariant; a store only has to make each Commit atomic
// and enforce the compare-and-set and binding rules described on Write. In
// SQL: a customers table with a version column (UPDATE … WHERE id=$1 AND
// version=$2), a bindings table with PRIMARY KEY (kind, value), a merges
// table, and one transaction per Commit.
//
// Customer ids in bindings and merge records are plain strings: a store must
// not reject them for naming a record it does not hold (no foreign keys; the
// Registry deletes what it no longer needs).
//
// Implementations must be safe for concurrent use. Returned values must not
// share memory with the store's own state. Stores see only ciphertext and
// blind indexes, never a phone number in clear.
//
// identity/identitytest.TestStore checks an implementation against this
// contract.
type Store interface {
	// Get returns the record with the id, or an error matching ErrNotFound.
	Get(ctx context.Context, id string) (Record, error)
	// Lookup returns the id of the customer key is bound to, or an error
	// matching ErrNotFound.
	Lookup(ctx context.Context, key Key) (string, error)
	// Commit applies w atomically. It returns an error matching
	// ErrVersionConflict when a version check fails and *BindingTakenError
	// (matching ErrBindingTaken) when a Bind key belongs to another customer;
	// in both cases nothing is applied.
	Commit(ctx context.Context, w Write) error
	// List returns the records selected by q in ascending ID order.
	List(ctx context.Context, q Query) ([]Record, error)
	// GetMerge returns the merge record with the id, or an error matching
	// ErrNotFound.
	GetMerge(ctx context.Context, id string) (MergeRecord, error)
}

// validOpenID reports whether app and openid can form a key.
func validOpenID(app, openid string) bool {
	return app != "" && openid != "" && !strings.Contains(app, ":") && len(app) <= 64 && len(openid) <= 128
}
