package kb

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// Store persists knowledge entries. The KB reads them all at Open and
// Reload and writes one entry per change; the built index lives in memory.
//
// Implementations must be safe for concurrent use. Entries are plain values:
// an implementation stores them as a row or as JSON, and must return copies
// that do not alias its own memory.
type Store interface {
	// Get returns the entry with the given id, or an error wrapping
	// ErrNotFound.
	Get(ctx context.Context, id string) (Entry, error)
	// List returns every entry, of every status, sorted by id.
	List(ctx context.Context) ([]Entry, error)
	// Put stores e with compare-and-set on e.Version: 0 creates the entry
	// and fails with ErrConflict if it exists; otherwise e.Version must equal
	// the stored version, else ErrConflict (or ErrNotFound if the entry is
	// gone). On success the stored entry, whose Version is one more than
	// before (1 for a new entry), is returned.
	Put(ctx context.Context, e Entry) (Entry, error)
	// Delete removes the entry. Deleting a missing entry returns nil.
	Delete(ctx context.Context, id string) error
}

// ConfigStore is an optional interface a Store may implement to persist the
// rest of a knowledge base (settings, rules, canned replies, phrases) as one
// opaque JSON document. The KB probes for it with a type assertion.
type ConfigStore interface {
	// LoadConfig returns the saved document, or an error wrapping
	// ErrNotFound if none was saved.
	LoadConfig(ctx context.Context) ([]byte, error)
	// SaveConfig replaces the saved document.
	SaveConfig(ctx context.Context, doc []byte) error
}

// MemStore is the in-memory Store and ConfigStore. It is safe for concurrent
// use; its zero value is an empty store ready to use. Data is lost when the
// process exits.
type MemStore struct {
	mu      sync.Mutex
	entries map[string]Entry
	config  []byte
}

var (
	_ Store       = (*MemStore)(nil)
	_ ConfigStore = (*MemStore)(nil)
)

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{} }

// Get implements Store.
func (m *MemStore) Get(ctx context.Context, id string) (Entry, error) {
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok {
		return Entry{}, &notFoundError{what: "entry", id: id}
	}
	return e.clone(), nil
}

// List implements Store.
func (m *MemStore) List(ctx context.Context) ([]Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Entry, 0, len(m.entries))
	for _, e := range m.entries {
		out = append(out, e.clone())
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Put implements Store.
func (m *MemStore) Put(ctx context.Context, e Entry) (Entry, error) {
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	if e.ID == "" {
		return Entry{}, &ValidationError{Kind: "entry", Field: "id", Msg: "must be non-empty"}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, exists := m.entries[e.ID]
	switch {
	case e.Version == 0 && exists:
		return Entry{}, &conflictError{id: e.ID, want: 0, have: cur.Version}
	case e.Version != 0 && !exists:
		return Entry{}, &notFoundError{what: "entry", id: e.ID}
	case e.Version != 0 && e.Version != cur.Version:
		return Entry{}, &conflictError{id: e.ID, want: e.Version, have: cur.Version}
	}
	e = e.clone()
	e.Version++
	if m.entries == nil {
		m.entries = make(map[string]Entry)
	}
	m.entries[e.ID] = e
	return e.clone(), nil
}

// Delete implements Store.
func (m *MemStore) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, id)
	return nil
}

// LoadConfig implements ConfigStore.
func (m *MemStore) LoadConfig(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.config == nil {
		return nil, &notFoundError{what: "config", id: "kb"}
	}
	return slices.Clone(m.config), nil
}

// SaveConfig implements ConfigStore.
func (m *MemStore) SaveConfig(ctx context.Context, doc []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.config = append([]byte{}, doc...)
	return nil
}

// conflictError wraps ErrConflict with the versions involved.
type conflictError struct {
	id         string
	want, have int64
}

func (e *conflictError) Error() string {
	return "kb: version conflict on entry " + quote(e.id) + ": have " + itoa(e.have) + ", caller expected " + itoa(e.want)
}

func (e *conflictError) Unwrap() error { return ErrConflict }
