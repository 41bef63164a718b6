package kb

import (
	"strings"
	"time"

	"github.com/kefu-go/kefu/internal/textmatch"
)

// Status is the publication state of an entry. Only published entries are
// ever answered; the zero Status ("") counts as draft.
type Status string

// Entry statuses.
const (
	StatusDraft     Status = "draft"     // being written; never answered
	StatusPublished Status = "published" // answered inside its validity window
	StatusHidden    Status = "hidden"    // withdrawn (e.g. a delisted product); never answered
)

// MediaRef points at media the host sends along with an answer (an image,
// a news article, a mini-program card). kb only carries it.
type MediaRef struct {
	Kind string `json:"kind"` // e.g. "image", "news", "video"
	ID   string `json:"id"`   // the host's or WeChat's media id or URL
}

// Entry is one question and its answer.
//
// Keywords and synonyms are matched anywhere in a message after
// normalisation (see package doc); the question itself is matched too. An
// entry is never proposed for a message that contains one of its
// Exclusions. Entries are plain values; an Entry returned by an Index must
// not be modified.
type Entry struct {
	ID         string     `json:"id"`
	Category   []string   `json:"category,omitempty"` // path in the category tree, e.g. ["售后", "退款"]
	Question   string     `json:"question"`           // the canonical question or title, e.g. "营业时间"
	Keywords   []string   `json:"keywords,omitempty"`
	Synonyms   []string   `json:"synonyms,omitempty"`   // alternative wordings, weighted a little lower
	Exclusions []string   `json:"exclusions,omitempty"` // a message containing one of these never matches
	Answer     string     `json:"answer"`
	Media      []MediaRef `json:"media,omitempty"`
	Status     Status     `json:"status"`
	// ValidFrom and ValidTo bound when a published entry is answered:
	// ValidFrom <= now < ValidTo. A zero time means unbounded.
	ValidFrom time.Time `json:"valid_from,omitzero"`
	ValidTo   time.Time `json:"valid_to,omitzero"`
	// Priority breaks near-ties between entries, from -100 to 100; each
	// point adds 0.001 to the score.
	Priority  int       `json:"priority,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// Version is maintained by the Store for compare-and-set; 0 means "not
	// stored yet".
	Version int64 `json:"version,omitempty"`
}

// LiveAt reports whether the entry is answered at time now: published and
// inside its validity window.
func (e *Entry) LiveAt(now time.Time) bool {
	return e.Status == StatusPublished && e.inWindow(now.UnixNano())
}

func (e *Entry) inWindow(now int64) bool {
	return (e.ValidFrom.IsZero() || e.ValidFrom.UnixNano() <= now) &&
		(e.ValidTo.IsZero() || now < e.ValidTo.UnixNano())
}

// Validate checks the entry and returns a *ValidationError (wrapping
// ErrInvalid) for the first problem found.
func (e *Entry) Validate() error {
	bad := func(field, msg string) error {
		return &ValidationError{Kind: "entry", ID: e.ID, Field: field, Msg: msg}
	}
	if strings.TrimSpace(e.ID) == "" || strings.TrimSpace(e.ID) != e.ID {
		return bad("id", "must be non-empty without surrounding space")
	}
	switch e.Status {
	case "", StatusDraft, StatusPublished, StatusHidden:
	default:
		return bad("status", "unknown status "+string(e.Status))
	}
	for _, c := range e.Category {
		if strings.TrimSpace(c) == "" || strings.Contains(c, "/") {
			return bad("category", "segments must be non-empty and contain no '/'")
		}
	}
	hasPattern := textmatch.NormalizedLen(e.Question) > 0
	for _, list := range [][]string{e.Keywords, e.Synonyms, e.Exclusions} {
		for _, k := range list {
			if textmatch.NormalizedLen(k) == 0 {
				return bad("keywords", "keyword, synonym or exclusion "+quote(k)+" is empty after normalisation")
			}
		}
	}
	if !hasPattern && len(e.Keywords) == 0 && len(e.Synonyms) == 0 {
		return bad("question", "an entry needs a question or at least one keyword")
	}
	if strings.TrimSpace(e.Answer) == "" && len(e.Media) == 0 {
		return bad("answer", "an entry needs answer text or media")
	}
	for _, m := range e.Media {
		if m.Kind == "" || m.ID == "" {
			return bad("media", "media references need a kind and an id")
		}
	}
	if !e.ValidFrom.IsZero() && !e.ValidTo.IsZero() && !e.ValidFrom.Before(e.ValidTo) {
		return bad("valid_to", "must be after valid_from")
	}
	if e.Priority < -100 || e.Priority > 100 {
		return bad("priority", "must be between -100 and 100")
	}
	if e.Version < 0 {
		return bad("version", "must not be negative")
	}
	return nil
}

// CategoryPath returns the category as a "/"-joined path, e.g. "售后/退款".
func (e *Entry) CategoryPath() string { return strings.Join(e.Category, "/") }

// clone returns a deep copy so callers cannot alias the index's slices.
func (e Entry) clone() Entry {
	e.Category = cloneStrings(e.Category)
	e.Keywords = cloneStrings(e.Keywords)
	e.Synonyms = cloneStrings(e.Synonyms)
	e.Exclusions = cloneStrings(e.Exclusions)
	if e.Media != nil {
		e.Media = append([]MediaRef(nil), e.Media...)
	}
	return e
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

func quote(s string) string { return "\"" + s + "\"" }
