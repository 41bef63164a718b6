package kb

import (
	"slices"
	"strings"
	"time"
)

// Index is an immutable, fully built knowledge base: the matcher over the
// published entries, the compiled rules, the phrase guard and the canned
// replies. Build one with Build, or get the current one from a KB.
//
// An Index is safe for concurrent use; lookups never lock. The zero Index
// knows nothing: it answers nothing, guards nothing and has no canned replies.
type Index struct {
	settings Settings // with defaults applied
	raw      Settings // as given
	all      []Entry  // every entry, sorted by id
	entries  *entryIndex
	rules    *ruleSet
	guard    *phraseGuard
	canned   *cannedSet
}

// Build validates d and builds its Index. The Index keeps its own copy of d.
// The error is a *ValidationError wrapping ErrInvalid.
func Build(d Data) (*Index, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	d = d.clone()
	byID := func(a, b Entry) int { return strings.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(d.Entries, byID) { // exports are sorted already
		slices.SortFunc(d.Entries, byID)
	}
	ix := &Index{settings: d.Settings.withDefaults(), raw: d.Settings, all: d.Entries}
	var err error
	if ix.entries, err = buildEntryIndex(d.Entries); err != nil {
		return nil, err
	}
	if ix.rules, err = buildRuleSet(d.Rules); err != nil {
		return nil, err
	}
	if ix.guard, err = buildGuard(d.Phrases); err != nil {
		return nil, err
	}
	ix.canned = buildCanned(d.Canned)
	return ix, nil
}

// with returns a copy of ix sharing every part but the ones changed by fn.
func (ix *Index) with(fn func(*Index) error) (*Index, error) {
	c := *ix
	if err := fn(&c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Settings returns the knowledge base's settings as given (zero fields mean
// the defaults).
func (ix *Index) Settings() Settings { return ix.raw }

// Data returns a deep copy of the whole knowledge base, for export.
func (ix *Index) Data() Data {
	d := Data{Settings: ix.raw, Entries: ix.all}
	if ix.rules != nil {
		d.Rules = ix.rules.rules
	}
	if ix.canned != nil {
		d.Canned = ix.canned.items
	}
	if ix.guard != nil {
		d.Phrases = ix.guard.phrases
	}
	return d.clone()
}

// Entry returns a copy of the entry with the given id, whatever its status.
func (ix *Index) Entry(id string) (Entry, bool) {
	i, ok := slices.BinarySearchFunc(ix.all, id, func(e Entry, id string) int { return strings.Compare(e.ID, id) })
	if !ok {
		return Entry{}, false
	}
	return ix.all[i].clone(), true
}

// Len returns the number of entries of every status.
func (ix *Index) Len() int { return len(ix.all) }

// Lookup ranks the entries that are published and inside their validity
// window at now against the message text. It returns the best matches, at
// most max(Settings.Recommendations, 2), each scoring at least
// Settings.MinScore, best first, with the reasons for each score. It does
// not consult the auto-reply rules; Answer does.
func (ix *Index) Lookup(text string, now time.Time) []Result {
	return ix.entries.lookup(text, now, max(ix.settings.Recommendations, 2), ix.settings.MinScore)
}

// Guard checks an agent's outgoing text against the guarded phrases and
// returns every violation, in order of position, with its span in the
// original text. Use Blocked to decide whether to stop the reply.
func (ix *Index) Guard(text string) []Violation { return ix.guard.check(text) }

// SearchCanned returns the canned replies whose code starts with prefix
// (case-insensitive; the leading "/" is optional), ordered by code. An
// empty prefix lists them all.
func (ix *Index) SearchCanned(prefix string) []Canned { return ix.canned.search(prefix) }

// FillCanned fills the canned reply with the given code from vars (see
// Canned.Fill). It returns an error wrapping ErrNotFound for an unknown
// code and a *VariableError for a variable without a value.
func (ix *Index) FillCanned(code string, vars map[string]string) (string, error) {
	c, ok := ix.canned.get(code)
	if !ok {
		return "", &notFoundError{what: "canned reply", id: code}
	}
	return c.Fill(vars)
}

// notFoundError wraps ErrNotFound with the missing item.
type notFoundError struct{ what, id string }

func (e *notFoundError) Error() string { return "kb: " + e.what + " " + quote(e.id) + " not found" }
func (e *notFoundError) Unwrap() error { return ErrNotFound }
