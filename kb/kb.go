package kb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures Open. The zero Config is valid: an in-memory store, the
// system clock and no logging.
type Config struct {
	// Store persists entries (and, if it implements ConfigStore, settings,
	// rules, canned replies and phrases). Nil means a new MemStore.
	Store Store
	// Now stamps Entry.UpdatedAt. Nil means time.Now.
	Now func() time.Time
	// Logger receives one debug line per published index. Nil is silent.
	// Message texts and customer data are never logged.
	Logger *slog.Logger
}

// KB is a live knowledge base: the current immutable Index, the Store behind
// it, and the statistics. Every change validates, writes to the Store,
// builds a new Index and publishes it with one atomic pointer swap; lookups
// read the pointer and never wait for a writer.
//
// A KB is safe for concurrent use. Create it with Open or New; the zero KB is
// not usable.
type KB struct {
	store  Store
	now    func() time.Time
	logger *slog.Logger
	mu     sync.Mutex // serialises writers
	cur    atomic.Pointer[Index]
	stats  Stats
}

// configDoc is what a ConfigStore holds.
type configDoc struct {
	Settings Settings `json:"settings"`
	Rules    []Rule   `json:"rules,omitempty"`
	Canned   []Canned `json:"canned,omitempty"`
	Phrases  []Phrase `json:"phrases,omitempty"`
}

// Open loads the knowledge base from cfg.Store and publishes its index.
func Open(ctx context.Context, cfg Config) (*KB, error) {
	k := &KB{store: cfg.Store, now: cfg.Now, logger: cfg.Logger}
	if k.store == nil {
		k.store = NewMemStore()
	}
	if k.now == nil {
		k.now = time.Now
	}
	if err := k.Reload(ctx); err != nil {
		return nil, err
	}
	return k, nil
}

// New returns an in-memory KB holding d (see Open and Import).
func New(d Data) (*KB, error) {
	k, err := Open(context.Background(), Config{})
	if err != nil {
		return nil, err
	}
	if err := k.Import(context.Background(), d); err != nil {
		return nil, err
	}
	return k, nil
}

// Reload re-reads the Store and publishes a fresh index, for when another
// process changed it.
func (k *KB) Reload(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.reloadLocked(ctx)
}

func (k *KB) reloadLocked(ctx context.Context) error {
	entries, err := k.store.List(ctx)
	if err != nil {
		return fmt.Errorf("kb: load entries: %w", err)
	}
	d := Data{Entries: entries}
	if cs, ok := k.store.(ConfigStore); ok {
		doc, err := cs.LoadConfig(ctx)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return fmt.Errorf("kb: load config: %w", err)
		default:
			var c configDoc
			if err := json.Unmarshal(doc, &c); err != nil {
				return fmt.Errorf("kb: load config: %w: %v", ErrInvalid, err)
			}
			d.Settings, d.Rules, d.Canned, d.Phrases = c.Settings, c.Rules, c.Canned, c.Phrases
		}
	}
	ix, err := Build(d)
	if err != nil {
		return fmt.Errorf("kb: stored knowledge base: %w", err)
	}
	k.publish(ix)
	return nil
}

func (k *KB) publish(ix *Index) {
	k.cur.Store(ix)
	if k.logger != nil {
		k.logger.Debug("kb: index published", "entries", ix.Len(), "live", len(ix.entries.entries))
	}
}

// Index returns the current index. It stays valid (and unchanged) after
// later updates; hold it to answer several questions from one consistent
// snapshot.
func (k *KB) Index() *Index { return k.cur.Load() }

// Answer decides what to do with a customer message at time now (see
// Index.Answer) and records the decision in the statistics.
func (k *KB) Answer(text string, now time.Time) Decision {
	d := k.Index().Answer(text, now)
	k.stats.Record(text, d)
	return d
}

// Lookup ranks the live entries for text at now (see Index.Lookup). It
// records nothing.
func (k *KB) Lookup(text string, now time.Time) []Result { return k.Index().Lookup(text, now) }

// Guard checks an agent's outgoing text (see Index.Guard).
func (k *KB) Guard(text string) []Violation { return k.Index().Guard(text) }

// SearchCanned searches canned replies by code prefix (see Index.SearchCanned).
func (k *KB) SearchCanned(prefix string) []Canned { return k.Index().SearchCanned(prefix) }

// FillCanned fills a canned reply (see Index.FillCanned).
func (k *KB) FillCanned(code string, vars map[string]string) (string, error) {
	return k.Index().FillCanned(code, vars)
}

// Stats returns the statistics the KB records on every Answer.
func (k *KB) Stats() *Stats { return &k.stats }

// Export returns the whole knowledge base (see Data.WriteJSON).
func (k *KB) Export() Data { return k.Index().Data() }

// Put validates e, stores it with compare-and-set on e.Version (0 to create)
// and publishes the new index. It stamps UpdatedAt and returns the stored
// entry with its new Version. Errors: *ValidationError (ErrInvalid),
// ErrConflict, ErrNotFound, or the Store's.
func (k *KB) Put(ctx context.Context, e Entry) (Entry, error) {
	if err := e.Validate(); err != nil {
		return Entry{}, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	e.UpdatedAt = k.now()
	stored, err := k.store.Put(ctx, e)
	if err != nil {
		return Entry{}, fmt.Errorf("kb: put entry %q: %w", e.ID, err)
	}
	return stored, k.replaceLocked(stored.clone(), "")
}

// SetStatus changes the status of the entry with the given id, e.g. to
// StatusHidden to withdraw a delisted product's answer: the next lookup no
// longer sees it.
func (k *KB) SetStatus(ctx context.Context, id string, s Status) (Entry, error) {
	switch s {
	case StatusDraft, StatusPublished, StatusHidden:
	default:
		return Entry{}, &ValidationError{Kind: "entry", ID: id, Field: "status", Msg: "unknown status " + string(s)}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	e, err := k.store.Get(ctx, id)
	if err != nil {
		return Entry{}, fmt.Errorf("kb: set status of %q: %w", id, err)
	}
	e.Status = s
	e.UpdatedAt = k.now()
	stored, err := k.store.Put(ctx, e)
	if err != nil {
		return Entry{}, fmt.Errorf("kb: set status of %q: %w", id, err)
	}
	return stored, k.replaceLocked(stored.clone(), "")
}

// Delete removes the entry from the Store and the index. Deleting a missing
// entry returns nil.
func (k *KB) Delete(ctx context.Context, id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.store.Delete(ctx, id); err != nil {
		return fmt.Errorf("kb: delete entry %q: %w", id, err)
	}
	return k.replaceLocked(Entry{}, id)
}

// replaceLocked publishes an index where entry e is inserted or replaced, or
// the entry with id del is removed.
func (k *KB) replaceLocked(e Entry, del string) error {
	cur := k.Index()
	all := make([]Entry, 0, len(cur.all)+1)
	for _, x := range cur.all {
		if x.ID != e.ID && x.ID != del {
			all = append(all, x)
		}
	}
	if e.ID != "" {
		all = append(all, e)
		slices.SortFunc(all, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	}
	entries, err := buildEntryIndex(all)
	if err != nil {
		return err
	}
	next := *cur
	next.all, next.entries = all, entries
	k.publish(&next)
	return nil
}

// SetSettings replaces the thresholds.
func (k *KB) SetSettings(ctx context.Context, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	return k.changeConfig(ctx, func(ix *Index) error {
		ix.raw, ix.settings = s, s.withDefaults()
		return nil
	})
}

// SetRules replaces the auto-reply rules.
func (k *KB) SetRules(ctx context.Context, rules []Rule) error {
	d := Data{Rules: rules}
	if err := d.Validate(); err != nil {
		return err
	}
	d = d.clone()
	return k.changeConfig(ctx, func(ix *Index) (err error) {
		ix.rules, err = buildRuleSet(d.Rules)
		return err
	})
}

// SetCanned replaces the canned replies.
func (k *KB) SetCanned(ctx context.Context, canned []Canned) error {
	d := Data{Canned: canned}
	if err := d.Validate(); err != nil {
		return err
	}
	d = d.clone()
	return k.changeConfig(ctx, func(ix *Index) error {
		ix.canned = buildCanned(d.Canned)
		return nil
	})
}

// SetPhrases replaces the guarded phrases.
func (k *KB) SetPhrases(ctx context.Context, phrases []Phrase) error {
	d := Data{Phrases: phrases}
	if err := d.Validate(); err != nil {
		return err
	}
	d = d.clone()
	return k.changeConfig(ctx, func(ix *Index) (err error) {
		ix.guard, err = buildGuard(d.Phrases)
		return err
	})
}

// changeConfig builds the changed index, saves the configuration if the
// Store is a ConfigStore, then publishes.
func (k *KB) changeConfig(ctx context.Context, fn func(*Index) error) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	next, err := k.Index().with(fn)
	if err != nil {
		return err
	}
	if err := k.saveConfigLocked(ctx, next); err != nil {
		return err
	}
	k.publish(next)
	return nil
}

func (k *KB) saveConfigLocked(ctx context.Context, ix *Index) error {
	cs, ok := k.store.(ConfigStore)
	if !ok {
		return nil
	}
	d := ix.Data()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(configDoc{Settings: d.Settings, Rules: d.Rules, Canned: d.Canned, Phrases: d.Phrases}); err != nil {
		return fmt.Errorf("kb: save config: %w", err)
	}
	if err := cs.SaveConfig(ctx, buf.Bytes()); err != nil {
		return fmt.Errorf("kb: save config: %w", err)
	}
	return nil
}

// Import replaces the whole knowledge base with d: it validates and builds d
// first (nothing is written if d is invalid), then writes every entry to the
// Store (overwriting whatever version is there), deletes stored entries
// missing from d, saves the configuration and publishes. Writing to the
// Store is not atomic: if it fails part-way, Import reloads what the Store
// holds and returns the error.
func (k *KB) Import(ctx context.Context, d Data) error {
	ix, err := Build(d)
	if err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.importLocked(ctx, ix); err != nil {
		if rerr := k.reloadLocked(ctx); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	return nil
}

func (k *KB) importLocked(ctx context.Context, ix *Index) error {
	stored, err := k.store.List(ctx)
	if err != nil {
		return fmt.Errorf("kb: import: %w", err)
	}
	versions := make(map[string]int64, len(stored))
	for _, e := range stored {
		versions[e.ID] = e.Version
	}
	now := k.now()
	all := make([]Entry, len(ix.all))
	for i, e := range ix.all {
		e = e.clone()
		e.Version = versions[e.ID]
		if e.UpdatedAt.IsZero() {
			e.UpdatedAt = now
		}
		if all[i], err = k.store.Put(ctx, e); err != nil {
			return fmt.Errorf("kb: import entry %q: %w", e.ID, err)
		}
		delete(versions, e.ID)
	}
	for id := range versions {
		if err := k.store.Delete(ctx, id); err != nil {
			return fmt.Errorf("kb: import: delete %q: %w", id, err)
		}
	}
	if err := k.saveConfigLocked(ctx, ix); err != nil {
		return err
	}
	// Versions and stamps changed only: patch the unpublished index in place.
	ix.all = all
	for i := range all {
		if j, ok := ix.entries.byID(all[i].ID); ok {
			ix.entries.entries[j] = all[i].clone()
		}
	}
	k.publish(ix)
	return nil
}
