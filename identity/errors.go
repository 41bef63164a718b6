package identity

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers branch on them with errors.Is; the typed errors
// below carry the details and match the corresponding sentinel.
var (
	// ErrNotFound reports that a customer, binding, merge record or CRM member
	// does not exist. Store implementations return it (possibly wrapped) from
	// Get, Lookup and GetMerge; a Directory returns it when no member matches.
	ErrNotFound = errors.New("identity: not found")

	// ErrVersionConflict reports that a Store.Commit found a record whose
	// version differs from the one the caller read (optimistic concurrency).
	ErrVersionConflict = errors.New("identity: version conflict")

	// ErrBindingTaken reports that an identifier is already bound to another
	// customer. The detailed form is *BindingTakenError.
	ErrBindingTaken = errors.New("identity: identifier bound to another customer")

	// ErrIdentifierConflict reports that two customers (or a customer and a new
	// identifier) disagree on an identifier that outranks the proof of identity,
	// so they are not merged. The detailed form is *ConflictError.
	ErrIdentifierConflict = errors.New("identity: identifier conflict")

	// ErrErased reports that the customer was erased on request.
	ErrErased = errors.New("identity: customer erased")

	// ErrInvalidPhone reports a phone number that cannot be normalised to E.164.
	ErrInvalidPhone = errors.New("identity: invalid phone number")

	// ErrInvalidIdentifier reports an empty or malformed app id, openid,
	// unionid, member id, customer id, tag or attribute name, or another
	// unusable argument (a nil Update function).
	ErrInvalidIdentifier = errors.New("identity: invalid identifier")

	// ErrInvalidKey reports an unusable keyring configuration.
	ErrInvalidKey = errors.New("identity: invalid key")

	// ErrDecrypt reports a sealed field that cannot be opened: unknown key id,
	// wrong key, or tampered ciphertext.
	ErrDecrypt = errors.New("identity: decrypt failed")

	// ErrNoDirectory reports a member lookup on a Registry without a Directory.
	ErrNoDirectory = errors.New("identity: no member directory configured")

	// ErrTagSync reports that tags were saved but the TagSyncer failed; the
	// detailed form is *TagSyncError, whose Change can be passed to the
	// TagSyncer again. (Repeating the Tag/Untag call would find nothing to
	// change and sync nothing.)
	ErrTagSync = errors.New("identity: tag sync failed")

	// ErrCannotUndo reports a merge that can no longer be undone: already
	// undone, a party was erased or merged again, or an identifier of the
	// restored customer now belongs to someone else.
	ErrCannotUndo = errors.New("identity: merge cannot be undone")

	// ErrImmutable reports an Update callback that changed an identifier or
	// another field only the Registry may change.
	ErrImmutable = errors.New("identity: field cannot be changed by update")

	// ErrContention reports that an operation kept losing optimistic-concurrency
	// races and gave up; retrying later is safe.
	ErrContention = errors.New("identity: too much contention, retry")
)

// BindingTakenError details ErrBindingTaken: Key is bound to Owner.
// It is immutable once returned and safe for concurrent use.
type BindingTakenError struct {
	Key   Key
	Owner string
}

// Error implements error. The key value is not printed: it may be a blind
// index or an openid.
func (e *BindingTakenError) Error() string {
	return fmt.Sprintf("identity: %s already bound to customer %s", e.Key.Kind, e.Owner)
}

// Is reports whether target is ErrBindingTaken.
func (e *BindingTakenError) Is(target error) bool { return target == ErrBindingTaken }

// ConflictError details ErrIdentifierConflict. Kind names the identifier the
// two parties disagree on. Customer is the customer being bound or merged;
// Other is the customer it was about to be merged with, or empty when the
// conflict is with a new identifier for Customer itself. Proof is the kind of
// identifier that would have justified the merge (0 for a manual merge).
// It is immutable once returned and safe for concurrent use.
type ConflictError struct {
	Kind     Kind
	Proof    Kind
	Customer string
	Other    string
}

// Error implements error.
func (e *ConflictError) Error() string {
	if e.Other == "" {
		return fmt.Sprintf("identity: customer %s already has a different %s", e.Customer, e.Kind)
	}
	return fmt.Sprintf("identity: merge of customers %s and %s blocked: different %s (proof was %s)",
		e.Customer, e.Other, e.Kind, e.Proof)
}

// Is reports whether target is ErrIdentifierConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrIdentifierConflict }

// TagSyncError details ErrTagSync. The tags are already stored; Change is
// the change the TagSyncer failed to mirror (retry it with
// TagSyncer.SyncTags), Err is the TagSyncer's error.
// It is immutable once returned and safe for concurrent use.
type TagSyncError struct {
	CustomerID string
	Change     TagChange
	Err        error
}

// Error implements error.
func (e *TagSyncError) Error() string {
	return fmt.Sprintf("identity: tag sync for customer %s: %v", e.CustomerID, e.Err)
}

// Unwrap returns the TagSyncer's error.
func (e *TagSyncError) Unwrap() error { return e.Err }

// Is reports whether target is ErrTagSync.
func (e *TagSyncError) Is(target error) bool { return target == ErrTagSync }
