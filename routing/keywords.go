package routing

import (
	"github.com/kefu-go/kefu/internal/textmatch"
)

// keywordBuilder collects the keywords of every rule of a rule set, deduped
// on their normalised form, so that they compile into one automaton.
type keywordBuilder struct {
	ids   map[string]int32
	words []string // normalised, by pattern ID
	exact bool     // some keyword condition matches exactly
}

func newKeywordBuilder() *keywordBuilder {
	return &keywordBuilder{ids: make(map[string]int32)}
}

// add registers word and returns its pattern ID; ok is false when the word is
// empty after normalisation (it would match everywhere).
func (b *keywordBuilder) add(word string) (int32, bool) {
	n := textmatch.Normalize(word)
	if n == "" {
		return 0, false
	}
	if id, ok := b.ids[n]; ok {
		return id, true
	}
	id := int32(len(b.words))
	b.ids[n] = id
	b.words = append(b.words, n)
	return id, true
}

// weight ranks patterns for guard selection: longer patterns are rarer.
func (b *keywordBuilder) weight(id int32) int { return len(b.words[id]) }

func (b *keywordBuilder) build() (*keywordIndex, error) {
	m, err := textmatch.Compile(b.words)
	if err != nil {
		return nil, err
	}
	return &keywordIndex{m: m, n: len(b.words), exact: b.exact}, nil
}

// keywordIndex is the rule set's single keyword automaton.
type keywordIndex struct {
	m     *textmatch.Matcher
	n     int
	exact bool
}

func (k *keywordIndex) len() int { return k.n }

// scan reads text once and records in s every pattern that occurs, and every
// pattern that is the whole text when exact matching is in use.
func (k *keywordIndex) scan(text string, s *scratch) {
	k.m.Scan(text, func(x textmatch.Match) bool {
		s.hit(int32(x.Pattern))
		return true
	})
	if k.exact && len(s.hits) > 0 {
		for _, id := range k.m.Exact(text) {
			s.whole[id] = s.epoch
		}
	}
}
