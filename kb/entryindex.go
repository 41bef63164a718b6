package kb

import (
	"math"
	"strconv"
	"sync"

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

// posting is one entry's use of a wording (a matcher pattern): the entry's
// position << 8 | the posting's ordinal in the entry << 2 | the kind. Four
// bytes: a lookup reads one per hit, and the postings of a large knowledge
// base (240 KB for 60,000) stay in the CPU's cache. What a lookup needs of
// the entry itself is in entryMeta, read once per entry.
type posting uint32

// makePosting packs a posting; ordinals from lastOrdinal up share it.
func makePosting(e, ord int, kind uint8) posting {
	return posting(e)<<8 | posting(min(ord, lastOrdinal))<<2 | posting(kind)
}

func (p posting) entry() int32 { return int32(p >> 8) }
func (p posting) kind() uint8  { return uint8(p & 3) }

// ordinal is the posting's place among its entry's postings, capped at
// lastOrdinal: a lookup tells the first 63 apart with one bit each.
func (p posting) ordinal() uint { return uint(p>>2) & lastOrdinal }

const lastOrdinal = 63

// maxEntries bounds the published entries so that a posting holds one.
const maxEntries = 1 << 24

// entryMeta is what a lookup reads of an entry the first time it hits it:
// the entry's validity window << 8 | its priority (validated to
// -100..100) as a byte. The window is an index in entryIndex.windows; 0
// means always valid (most entries). At most maxEntries entries have one.
type entryMeta uint32

func makeEntryMeta(window int, priority int) entryMeta {
	return entryMeta(window)<<8 | entryMeta(uint8(int8(priority)))
}

func (m entryMeta) window() int    { return int(m >> 8) }
func (m entryMeta) priority() int8 { return int8(uint8(m)) }

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
	postText []string    // per posting, the keyword as written in the entry
	meta     []entryMeta // per entry
	windows  []window    // validity windows; windows[0] is always
	pool     sync.Pool   // *scratch
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
	if len(ix.entries) > maxEntries {
		return nil, &ValidationError{Kind: "entry", Field: "status",
			Msg: "more than " + strconv.Itoa(maxEntries) + " published entries in one knowledge base"}
	}
	ix.meta = make([]entryMeta, len(ix.entries))

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
	add := func(e int, kind uint8, text string) {
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
			if p := &ix.posts[k]; kind == kindExclusion || (p.kind() != kindExclusion && kindWeight[kind] > kindWeight[p.kind()]) {
				*p = makePosting(e, k-entryStart, kind)
				ix.postText[k] = text
			}
			return
		}
		ix.posts = append(ix.posts, makePosting(e, len(patterns)-entryStart, kind))
		patterns = append(patterns, string(buf))
		ix.postText = append(ix.postText, text)
	}
	for i := range ix.entries {
		e := &ix.entries[i]
		if !e.ValidFrom.IsZero() || !e.ValidTo.IsZero() {
			w := window{math.MinInt64, math.MaxInt64}
			if !e.ValidFrom.IsZero() {
				w.from = e.ValidFrom.UnixNano()
			}
			if !e.ValidTo.IsZero() {
				w.to = e.ValidTo.UnixNano()
			}
			ix.windows = append(ix.windows, w)
			ix.meta[i] = makeEntryMeta(len(ix.windows)-1, e.Priority)
		} else {
			ix.meta[i] = makeEntryMeta(0, e.Priority)
		}
		entryStart = len(patterns)
		add(i, kindQuestion, e.Question)
		for _, k := range e.Keywords {
			add(i, kindKeyword, k)
		}
		for _, k := range e.Synonyms {
			add(i, kindSynonym, k)
		}
		for _, k := range e.Exclusions {
			add(i, kindExclusion, k)
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
