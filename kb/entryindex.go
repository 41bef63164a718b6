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

// posting links a pattern to one entry that uses it.
type posting struct {
	entry  int32
	kind   uint8
	weight float32 // kind weight × lengthWeight
}

// entryIndex is the immutable matcher over the published entries. It is built
// over published entries regardless of their validity window; the window is
// checked at lookup time, so a promotion goes live the instant ValidFrom
// passes without a rebuild.
type entryIndex struct {
	entries  []Entry  // published entries, sorted by id
	window   []window // per entry, its validity window
	priority []int32  // per entry, its priority (kept apart: scoring reads it)
	matcher  *textmatch.Matcher
	postOff  []int32 // postings of pattern p: posts[postOff[p]:postOff[p+1]]
	posts    []posting
	postText []string  // per posting, the keyword as written in the entry
	pool     sync.Pool // *scratch
}

// window is an entry's validity window in Unix nanoseconds: from <= now < to.
type window struct {
	from int64 // MinInt64 if unbounded
	to   int64 // MaxInt64 if unbounded
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
	ix.window = make([]window, len(ix.entries))
	ix.priority = make([]int32, len(ix.entries))

	type pending struct {
		pattern int32
		post    posting
		text    string
	}
	nPatterns := 0
	for i := range ix.entries {
		e := &ix.entries[i]
		nPatterns += 1 + len(e.Keywords) + len(e.Synonyms) + len(e.Exclusions)
	}
	patternID := make(map[string]int32, nPatterns)
	patterns := make([]string, 0, nPatterns)
	pend := make([]pending, 0, nPatterns)
	entryStart := 0 // first pending posting of the current entry
	var buf []byte
	add := func(e int32, kind uint8, text string) {
		buf = textmatch.AppendNormalized(buf[:0], text)
		if len(buf) == 0 {
			return
		}
		id, ok := patternID[string(buf)]
		if !ok {
			id = int32(len(patterns))
			s := string(buf)
			patternID[s] = id
			patterns = append(patterns, s)
		}
		// Same wording twice in one entry (entries have a handful of
		// patterns: a linear scan beats a map): exclusions win, then the
		// stronger kind.
		for k := entryStart; k < len(pend); k++ {
			if pend[k].pattern != id {
				continue
			}
			if kind == kindExclusion || (pend[k].post.kind != kindExclusion && kindWeight[kind] > kindWeight[pend[k].post.kind]) {
				pend[k].post.kind = kind
				pend[k].text = text
				pend[k].post.weight = hitWeight(kind, buf)
			}
			return
		}
		pend = append(pend, pending{id, posting{entry: e, kind: kind, weight: hitWeight(kind, buf)}, text})
	}
	for i := range ix.entries {
		e := &ix.entries[i]
		ix.window[i] = window{from: math.MinInt64, to: math.MaxInt64}
		if !e.ValidFrom.IsZero() {
			ix.window[i].from = e.ValidFrom.UnixNano()
		}
		if !e.ValidTo.IsZero() {
			ix.window[i].to = e.ValidTo.UnixNano()
		}
		ix.priority[i] = int32(e.Priority)
		entryStart = len(pend)
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
	ix.postOff = make([]int32, len(patterns)+1)
	for _, p := range pend {
		ix.postOff[p.pattern+1]++
	}
	for i := 1; i < len(ix.postOff); i++ {
		ix.postOff[i] += ix.postOff[i-1]
	}
	ix.posts = make([]posting, len(pend))
	ix.postText = make([]string, len(pend))
	fill := append([]int32(nil), ix.postOff[:len(patterns)]...)
	for _, p := range pend {
		ix.posts[fill[p.pattern]] = p.post
		ix.postText[fill[p.pattern]] = p.text
		fill[p.pattern]++
	}
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
