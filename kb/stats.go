package kb

import (
	"cmp"
	"slices"
	"sync"

	"github.com/kefu-go/kefu/internal/textmatch"
)

// DefaultMaxMisses bounds how many distinct unanswered questions Stats keeps
// when MaxMisses is zero.
const DefaultMaxMisses = 10000

// Stats counts what customers ask: for every entry how often it was answered
// automatically or offered first to an agent, and which questions got no
// answer at all (misses, grouped by their normalised text).
//
// Stats is safe for concurrent use. The zero Stats is ready to use.
type Stats struct {
	// MaxMisses bounds the distinct misses kept; further new misses are only
	// counted in Report.OtherMisses. Zero means DefaultMaxMisses. Set it
	// before first use.
	MaxMisses int

	mu          sync.Mutex
	total       int64
	byOutcome   map[Outcome]int64
	entries     map[string]*EntryCount
	misses      map[string]*MissCount
	otherMisses int64
}

// EntryCount is how often one entry came up.
type EntryCount struct {
	ID        string
	Question  string
	Answered  int64 // answered automatically
	Suggested int64 // recommended first to an agent (or first suggestion of a hand-over)
}

// MissCount is one unanswered question and how often it was asked.
type MissCount struct {
	Text  string // the first wording seen
	Count int64
}

// Report is a summary for the "what do users ask most" page.
type Report struct {
	Questions   int64 // messages recorded
	Answered    int64 // answered automatically (entries and reply rules)
	Recommended int64
	Human       int64
	Unanswered  int64
	TopEntries  []EntryCount // most asked entries, by Answered+Suggested
	TopMisses   []MissCount  // most frequent misses
	OtherMisses int64        // misses not kept because MaxMisses was reached
}

// Record counts one decision for the message text.
func (s *Stats) Record(text string, d Decision) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byOutcome == nil {
		s.byOutcome = make(map[Outcome]int64)
		s.entries = make(map[string]*EntryCount)
		s.misses = make(map[string]*MissCount)
	}
	s.total++
	s.byOutcome[d.Outcome]++
	entryCount := func(e *Entry) *EntryCount {
		c := s.entries[e.ID]
		if c == nil {
			c = &EntryCount{ID: e.ID, Question: e.Question}
			s.entries[e.ID] = c
		}
		return c
	}
	switch d.Outcome {
	case OutcomeAuto:
		if d.Entry != nil {
			entryCount(d.Entry).Answered++
		}
	case OutcomeRecommend, OutcomeHuman:
		if len(d.Results) > 0 {
			entryCount(d.Results[0].Entry).Suggested++
		}
	case OutcomeNoAnswer:
		key := textmatch.Normalize(text)
		if m := s.misses[key]; m != nil {
			m.Count++
			return
		}
		limit := s.MaxMisses
		if limit <= 0 {
			limit = DefaultMaxMisses
		}
		if len(s.misses) >= limit {
			s.otherMisses++
			return
		}
		s.misses[key] = &MissCount{Text: text, Count: 1}
	}
}

// Report returns the totals and the top n entries and misses (n <= 0 means
// all), ties broken by id or text so reports are stable.
func (s *Stats) Report(n int) Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := Report{
		Questions:   s.total,
		Answered:    s.byOutcome[OutcomeAuto],
		Recommended: s.byOutcome[OutcomeRecommend],
		Human:       s.byOutcome[OutcomeHuman],
		Unanswered:  s.byOutcome[OutcomeNoAnswer],
		OtherMisses: s.otherMisses,
	}
	for _, c := range s.entries {
		r.TopEntries = append(r.TopEntries, *c)
	}
	slices.SortFunc(r.TopEntries, func(a, b EntryCount) int {
		if c := cmp.Compare(b.Answered+b.Suggested, a.Answered+a.Suggested); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	for _, m := range s.misses {
		r.TopMisses = append(r.TopMisses, *m)
	}
	slices.SortFunc(r.TopMisses, func(a, b MissCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Text, b.Text)
	})
	if n > 0 {
		r.TopEntries = r.TopEntries[:min(n, len(r.TopEntries))]
		r.TopMisses = r.TopMisses[:min(n, len(r.TopMisses))]
	}
	return r
}

// Reset clears all counts.
func (s *Stats) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total, s.otherMisses = 0, 0
	s.byOutcome, s.entries, s.misses = nil, nil, nil
}
