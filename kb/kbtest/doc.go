// Package kbtest is test support for kb: TestStore is the conformance suite
// every kb.Store implementation should pass, in the style of
// testing/fstest.TestFS and golang.org/x/net/nettest.TestConn.
//
//	func TestStore(t *testing.T) {
//		kbtest.TestStore(t, func(t *testing.T) kb.Store {
//			s := pgstore.New(newTestSchema(t)) // a fresh, empty store
//			return s
//		})
//	}
//
// TestStore checks create, read, update and delete with compare-and-set on
// Entry.Version, the ErrNotFound and ErrConflict sentinels, that List is
// sorted by id in byte order (SQL stores need a binary collation such as
// COLLATE "C"), that every Entry field survives a round trip (times are
// compared with time.Time.Equal, nil and empty slices are equal), that
// returned entries do not alias the store's memory, that a cancelled context
// fails every method, and that concurrent compare-and-set writers cannot
// both win. If the store also implements kb.ConfigStore, that is checked
// too.
//
// # Concurrency
//
// TestStore runs its concurrency subtests with several goroutines; run it
// with -race.
package kbtest
