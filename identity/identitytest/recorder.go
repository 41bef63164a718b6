package identitytest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kefu-go/kefu/identity"
)

// recordingStore wraps a Store and keeps a textual dump of everything that
// crosses the interface, in both directions, so a test can prove that no
// plaintext personal data ever reaches the store. It also counts commits.
type recordingStore struct {
	identity.Store
	mu      sync.Mutex
	dump    strings.Builder
	commits int
}

func (s *recordingStore) log(v ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range v {
		fmt.Fprintf(&s.dump, "%#v\n", x)
	}
}

func (s *recordingStore) Get(ctx context.Context, id string) (identity.Record, error) {
	r, err := s.Store.Get(ctx, id)
	s.log(id, r)
	return r, err
}

func (s *recordingStore) Lookup(ctx context.Context, key identity.Key) (string, error) {
	id, err := s.Store.Lookup(ctx, key)
	s.log(key, id)
	return id, err
}

func (s *recordingStore) Commit(ctx context.Context, w identity.Write) error {
	s.log(w)
	s.mu.Lock()
	s.commits++
	s.mu.Unlock()
	return s.Store.Commit(ctx, w)
}

func (s *recordingStore) List(ctx context.Context, q identity.Query) ([]identity.Record, error) {
	recs, err := s.Store.List(ctx, q)
	s.log(q, recs)
	return recs, err
}

func (s *recordingStore) GetMerge(ctx context.Context, id string) (identity.MergeRecord, error) {
	m, err := s.Store.GetMerge(ctx, id)
	s.log(id, m)
	return m, err
}

func (s *recordingStore) Commits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commits
}

// checkNoPlaintext fails t if any secret appears in what the store saw.
func (s *recordingStore) checkNoPlaintext(t *testing.T, secrets ...string) {
	t.Helper()
	s.mu.Lock()
	dump := s.dump.String()
	s.mu.Unlock()
	if len(dump) == 0 {
		t.Fatal("recording store saw nothing")
	}
	for _, secret := range secrets {
		if strings.Contains(dump, secret) {
			t.Errorf("the store received plaintext personal data %q", secret)
		}
	}
}
