package identitytest

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/kefu-go/kefu/identity"
)

// NewKeyring returns a keyring with fixed, public test keys: "k1" current, and
// a separate index key. Never use it outside tests.
func NewKeyring(tb testing.TB) *identity.Keyring {
	tb.Helper()
	k, err := identity.NewKeyring("k1", map[string][]byte{"k1": testKey(1)}, testKey(99))
	if err != nil {
		tb.Fatalf("identitytest: keyring: %v", err)
	}
	return k
}

func testKey(seed byte) []byte {
	k := make([]byte, 32)
	for i := range k {
		k[i] = seed + byte(i)
	}
	return k
}

// Directory is an in-memory identity.Directory that can be written as a
// literal: members by E.164 phone and by unionid. It counts its calls. It is
// safe for concurrent use once populated; the maps must not change while it
// is in use.
type Directory struct {
	ByPhone   map[string]identity.Member // key: Phone.E164()
	ByUnionID map[string]identity.Member

	mu    sync.Mutex
	calls int
}

var _ identity.Directory = (*Directory)(nil)

// MemberByPhone implements identity.Directory.
func (d *Directory) MemberByPhone(ctx context.Context, p identity.Phone) (identity.Member, error) {
	d.count()
	if m, ok := d.ByPhone[p.E164()]; ok {
		return m, nil
	}
	return identity.Member{}, identity.ErrNotFound
}

// MemberByUnionID implements identity.Directory.
func (d *Directory) MemberByUnionID(ctx context.Context, unionid string) (identity.Member, error) {
	d.count()
	if m, ok := d.ByUnionID[unionid]; ok {
		return m, nil
	}
	return identity.Member{}, identity.ErrNotFound
}

func (d *Directory) count() {
	d.mu.Lock()
	d.calls++
	d.mu.Unlock()
}

// Calls returns how many lookups reached the directory.
func (d *Directory) Calls() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls
}

// TagRecorder is an identity.TagSyncer that records every change, and fails
// with Err when Err is set. The zero value records and succeeds. It is safe
// for concurrent use.
type TagRecorder struct {
	mu      sync.Mutex
	Err     error
	changes []identity.TagChange
}

var _ identity.TagSyncer = (*TagRecorder)(nil)

// SyncTags implements identity.TagSyncer.
func (r *TagRecorder) SyncTags(ctx context.Context, c identity.TagChange) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changes = append(r.changes, c)
	return r.Err
}

// Changes returns the changes recorded so far.
func (r *TagRecorder) Changes() []identity.TagChange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.changes)
}
