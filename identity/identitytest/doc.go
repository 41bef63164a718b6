// Package identitytest checks identity.Store implementations and provides
// test doubles for the identity package.
//
// An adapter (PostgreSQL, Redis, ...) runs the same suites as the in-memory
// store:
//
//	func TestPostgresStore(t *testing.T) {
//		identitytest.TestStore(t, func(t *testing.T) identity.Store { return newEmptyStore(t) })
//		identitytest.TestRegistry(t, func(t *testing.T) identity.Store { return newEmptyStore(t) })
//	}
//
// TestStore checks the Store contract directly: every method, the
// ErrNotFound sentinel, compare-and-set on versions, unique bindings, atomic
// writes, paging, isolation from callers' memory, cancelled contexts, and
// races (concurrent first contacts, creates of one id, binds of one key,
// updates from one version);
// TestRegistry drives an identity.Registry over the store through every flow
// (resolve, bind, merge, undo, member lookup, tags, erasure, key rotation) and
// verifies that no plaintext phone number, name or sensitive attribute ever
// reaches the store. Run both with -race.
//
// Directory and TagRecorder are in-memory doubles for identity.Directory and
// identity.TagSyncer; NewKeyring returns a keyring with fixed test keys.
package identitytest
