package kb

import (
	"math"
	"sync"
	"unicode/utf8"

	"github.com/kefu-go/kefu/internal/textmatch"
)

// Kinds of pattern an entry contributes.
const (
	kindQuestion uint8 = iota
	kindKeyword
	kindSynonym
	kindExclusion
)

// Weight of a hit by kind (synonyms count a little less).
var kindWeight = [...]float32{kindQuestion: 1, kindKeyword: 1, kindSynonym: 0.8}

// posting is one entry's use of a wording; it is also a matcher pattern.
// It is 16 bytes, four to a cache line: a lookup reads one per hit.
type posting struct {
	entry  int32
	weight float32 // kind weight × lengthWeight
	// window is the entry's validity window, an index in entryIndex.windows;
	// 0 means always valid (most entries), so a lookup reads nothing else.
	window   int32
	kind     uint8
	priority int8 // the entry's (validated to -100..100)
}

// window is a validity window in Unix nanoseconds, from <= now < to
// (MinInt64 and MaxInt64 when unbounded).
type window struct{ from, to int64 }

func (w window) contains(t int64) bool { return w.from <= t && t < w.to }

// entryIndex is the immutable matcher over the published entries. It is built
// over published entries regardless of their validity window; the window is
// checked at lookup time, so a promotion goes live the instant ValidFrom
// passes without a rebuild.
type entryIndex struct {
	entries []Entry // published entries, sorted by id
	matcher *textmatch.Matcher
	// posts are the matcher's patterns, each one entry's use of a wording,
	// in the matcher's slot order (textmatch.Match.Slot), so a hit reads
	// its posting at the index the matcher has just read.
	posts    []posting
	postText []string  // per posting, the keyword as written in the entry
	windows  []window  // validity windows; windows[0] is always
	pool     sync.Pool // *scratch
}

// buildEntryIndex indexes the published entries among all (which must be
// valid and sorted by id).
func buildEntryIndex(all []Entry) (*entryIndex, error) {
	ix := &entryIndex{}
	for i := range all {
		if all[i].Status == StatusPublished {
			ix.entries = append(ix.entries, all[i])
		}
	}

	// Every (entry, normalised wording) pair is its own pattern of the
	// matcher, so a match leads straight to its posting: no indirection
	// (and no cache miss) between the automaton and the entry. The trie
	// still shares the wording across entries. While building, postings are
	// indexed by pattern id; once compiled they are put in slot order.
	nPatterns := 0
	for i := range ix.entries {
		e := &ix.entries[i]
		nPatterns += 1 + len(e.Keywords) + len(e.Synonyms) + len(e.Exclusions)
	}
	patterns := make([]string, 0, nPatterns)
	ix.posts = make([]posting, 0, nPatterns)
	ix.postText = make([]string, 0, nPatterns)
	entryStart := 0 // first posting of the current entry
	var buf []byte
	ix.windows = []window{{math.MinInt64, math.MaxInt64}}
	var win int32 // the current entry's window
	var prio int8 // and priority
	add := func(e int32, kind uint8, text string) {
		buf = textmatch.AppendNormalized(buf[:0], text)
		if len(buf) == 0 {
			return
		}
		// Same wording twice in one entry (entries have a handful of
		// patterns: a linear scan beats a map): exclusions win, then the
		// stronger kind.
		for k := entryStart; k < len(patterns); k++ {
			if patterns[k] != string(buf) {
				continue
			}
			if p := &ix.posts[k]; kind == kindExclusion || (p.kind != kindExclusion && kindWeight[kind] > kindWeight[p.kind]) {
				p.kind = kind
				p.weight = hitWeight(kind, buf)
				ix.postText[k] = text
			}
			return
		}
		patterns = append(patterns, string(buf))
		ix.posts = append(ix.posts, posting{entry: e, kind: kind, weight: hitWeight(kind, buf), window: win, priority: prio})
		ix.postText = append(ix.postText, text)
	}
	for i := range ix.entries {
		e := &ix.entries[i]
		win = 0
		if !e.ValidFrom.IsZero() || !e.ValidTo.IsZero() {
			w := window{math.MinInt64, math.MaxInt64}
			if !e.ValidFrom.IsZero() {
				w.from = e.ValidFrom.UnixNano()
			}
			if !e.ValidTo.IsZero() {
				w.to = e.ValidTo.UnixNano()
			}
			win = int32(len(ix.windows))
			ix.windows = append(ix.windows, w)
		}
		prio = int8(e.Priority)
		entryStart = len(patterns)
		add(int32(i), kindQuestion, e.Question)
		for _, k := range e.Keywords {
			add(int32(i), kindKeyword, k)
		}
		for _, k := range e.Synonyms {
			add(int32(i), kindSynonym, k)
		}
		for _, k := range e.Exclusions {
			add(int32(i), kindExclusion, k)
		}
	}
	m, err := textmatch.Compile(patterns)
	if err != nil {
		return nil, err // unreachable: patterns are non-empty normalised strings
	}
	ix.matcher = m
	// Put the postings in slot order (see posts).
	slots := m.Slots()
	posts := make([]posting, len(slots))
	texts := make([]string, len(slots))
	for k, id := range slots {
		posts[k], texts[k] = ix.posts[id], ix.postText[id]
	}
	ix.posts, ix.postText = posts, texts
	return ix, nil
}

func hitWeight(kind uint8, norm []byte) float32 {
	if kind == kindExclusion {
		return 0
	}
	return kindWeight[kind] * lengthWeight(utf8.RuneCount(norm))
}

// lengthWeight is how specific a hit of n runes is: a single character
// says little, two characters ("退款") a fair amount, three or more a lot.
func lengthWeight(n int) float32 {
	switch n {
	case 1:
		return 0.4
	case 2:
		return 0.75
	}
	return 1
}

// byID returns the position of the published entry with the given id.
func (ix *entryIndex) byID(id string) (int, bool) {
	lo, hi := 0, len(ix.entries)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if ix.entries[mid].ID < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(ix.entries) && ix.entries[lo].ID == id
}
