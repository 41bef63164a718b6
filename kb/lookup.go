package kb

import (
	"strconv"
	"strings"
	"time"

	"github.com/kefu-go/kefu/internal/textmatch"
)

// Scoring weights. A match's score is
//
//	0.6 × strength + 0.4 × coverage + 0.1 × exact + 0.001 × priority
//
// where strength is the sum of the weights of the distinct question,
// keyword and synonym hits (0.4 for one rune, 0.75 for two, 1 for three or
// more; synonyms × 0.8), capped at 1; coverage is the share of the normalised message covered by those hits;
// exact is 1 when the whole message is the question, a keyword or a synonym.
const (
	strengthWeight = 0.6
	coverageWeight = 0.4
	exactBonus     = 0.1
	priorityWeight = 0.001
)

// Result is one ranked match of a lookup.
type Result struct {
	// Entry is the matched entry. It is shared with the index and must not be
	// modified.
	Entry  *Entry
	Score  float64
	Reason Reason
}

// Reason explains a Result's score, which is
//
//	0.6 × Strength + 0.4 × Coverage + 0.1 (if Exact) + 0.001 × Priority
//
// Strength sums the distinct hits of the entry's question, keywords and
// synonyms, each weighted by its normalised length (0.4 for one character,
// 0.75 for two, 1 for three or more; synonyms × 0.8), capped at 1.
// Coverage is the share of the normalised message those hits cover.
type Reason struct {
	// Keywords are the entry's question, keywords and synonyms (as written in
	// the entry) found in the message, in order of first occurrence.
	Keywords []string
	Strength float64 // sum of the hits' weights, capped at 1
	Coverage float64 // share of the normalised message covered by the hits
	Exact    bool    // the whole message is the question, a keyword or a synonym
	Priority int     // the entry's priority
}

// String renders the reason for logs and agent tooltips, e.g.
// "keywords 营业时间; strength 1.00; coverage 0.57".
func (r Reason) String() string {
	var b strings.Builder
	b.WriteString("keywords ")
	b.WriteString(strings.Join(r.Keywords, ", "))
	b.WriteString("; strength ")
	b.WriteString(strconv.FormatFloat(r.Strength, 'f', 2, 64))
	b.WriteString("; coverage ")
	b.WriteString(strconv.FormatFloat(r.Coverage, 'f', 2, 64))
	if r.Exact {
		b.WriteString("; exact")
	}
	if r.Priority != 0 {
		b.WriteString("; priority ")
		b.WriteString(strconv.Itoa(r.Priority))
	}
	return b.String()
}

// acc accumulates the hits of one entry during a lookup.
type acc struct {
	entry     int32
	firstHit  int32 // head of the hit list in scratch.hits, -1 if none
	lastHit   int32
	nKeywords int32
	dead      bool // excluded, or outside its validity window
	priority  int8 // the entry's priority
	strength  float32
	exactEnd  int32 // furthest end of a hit that starts the message
	topBlock  int32 // last of the entry's covered runs in scratch.blocks, -1 if none
	covered   int32 // normalised runes covered by the hits (the runs' total)
	score     float64
}

// block is a maximal run of normalised runes covered by one entry's hits;
// an entry's runs are disjoint and chained from the last one back.
type block struct {
	start, end int32
	prev       int32
}

type hit struct {
	post int32
	next int32
}

// scratch is the per-lookup working memory, reused through a sync.Pool.
type scratch struct {
	// accOf is, per entry, 1 + the index of its accumulator in accs, or 0;
	// a lookup clears what it set.
	accOf  []int32
	accs   []acc
	hits   []hit
	blocks []block
	top    []int32 // indexes in accs, best first
	found  []textmatch.Hit
}

func (ix *entryIndex) getScratch() *scratch {
	if s, ok := ix.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{accOf: make([]int32, len(ix.entries))}
}

func (s *scratch) reset() {
	for i := range s.accs {
		s.accOf[s.accs[i].entry] = 0
	}
	s.accs = s.accs[:0]
	s.hits = s.hits[:0]
	s.blocks = s.blocks[:0]
	s.top = s.top[:0]
}

// add counts a hit of posting p on normalised runes [start, end).
func (s *scratch) add(ix *entryIndex, p, start, end int32, nowNano int64) {
	post := ix.posts[p]
	e := post.entry()
	var a *acc
	if k := s.accOf[e]; k != 0 {
		a = &s.accs[k-1]
	} else {
		meta := ix.meta[e]
		s.accs = append(s.accs, acc{entry: e, firstHit: -1, lastHit: -1, topBlock: -1, priority: meta.priority,
			dead: meta.window != 0 && !ix.windows[meta.window].contains(nowNano)})
		s.accOf[e] = int32(len(s.accs))
		a = &s.accs[len(s.accs)-1]
	}
	if a.dead {
		return
	}
	kind := post.kind()
	if kind == kindExclusion {
		a.dead = true
		return
	}
	l := end - start
	if start == 0 && end > a.exactEnd {
		a.exactEnd = end
	}
	// Coverage is the union of the hits. Hits come by end position, so a
	// new hit can only overlap the last runs: merge them.
	for a.topBlock >= 0 {
		b := &s.blocks[a.topBlock]
		if b.end < start {
			break
		}
		start, end = min(start, b.start), max(end, b.end)
		a.covered -= b.end - b.start
		a.topBlock = b.prev
	}
	s.blocks = append(s.blocks, block{start: start, end: end, prev: a.topBlock})
	a.topBlock = int32(len(s.blocks) - 1)
	a.covered += end - start
	for h := a.firstHit; h >= 0; h = s.hits[h].next {
		if s.hits[h].post == p {
			return // the same wording again
		}
	}
	s.hits = append(s.hits, hit{post: p, next: -1})
	h := int32(len(s.hits) - 1)
	if a.lastHit >= 0 {
		s.hits[a.lastHit].next = h
	} else {
		a.firstHit = h
	}
	a.lastHit = h
	a.nKeywords++
	a.strength += kindWeight[kind] * lengthWeight(int(l))
}

// lookup ranks the entries live at now for text and returns at most limit
// results scoring at least minScore.
func (ix *entryIndex) lookup(text string, now time.Time, limit int, minScore float64) []Result {
	if ix == nil || len(ix.entries) == 0 || limit <= 0 {
		return nil
	}
	s := ix.getScratch()
	defer ix.pool.Put(s)
	s.reset()
	nowNano := now.UnixNano()

	var n int
	s.found, n = ix.matcher.AppendHits(s.found[:0], text)
	for _, h := range s.found {
		for r := h.List; r != 0; {
			lo, hi, l, next := ix.matcher.Outputs(r)
			r = next
			for k := lo; k < hi; k++ {
				s.add(ix, int32(k), int32(h.N-l), int32(h.N), nowNano)
			}
		}
	}
	if n == 0 {
		return nil
	}

	// Score and keep the best limit candidates (insertion into a short list).
	nKeywords := 0
	for i := range s.accs {
		a := &s.accs[i]
		if a.dead || a.nKeywords == 0 {
			continue
		}
		a.score = ix.score(a, n)
		if a.score < minScore {
			continue
		}
		pos := len(s.top)
		if pos == limit {
			if !ix.better(a, &s.accs[s.top[pos-1]]) {
				continue
			}
			pos--
		} else {
			s.top = append(s.top, 0)
		}
		for pos > 0 && ix.better(a, &s.accs[s.top[pos-1]]) {
			s.top[pos] = s.top[pos-1]
			pos--
		}
		s.top[pos] = int32(i)
	}
	if len(s.top) == 0 {
		return nil
	}
	for _, t := range s.top {
		nKeywords += int(s.accs[t].nKeywords)
	}
	out := make([]Result, len(s.top))
	kw := make([]string, 0, nKeywords)
	for i, t := range s.top {
		a := &s.accs[t]
		e := &ix.entries[a.entry]
		from := len(kw)
		for h := a.firstHit; h >= 0; h = s.hits[h].next {
			kw = append(kw, ix.postText[s.hits[h].post])
		}
		out[i] = Result{Entry: e, Score: a.score, Reason: Reason{
			Keywords: kw[from:len(kw):len(kw)],
			Strength: min(1, float64(a.strength)),
			Coverage: min(1, float64(a.covered)/float64(n)),
			Exact:    a.exactEnd == int32(n),
			Priority: int(a.priority),
		}}
	}
	return out
}

func (ix *entryIndex) score(a *acc, n int) float64 {
	coverage := min(1, float64(a.covered)/float64(n))
	sc := strengthWeight*min(1, float64(a.strength)) + coverageWeight*coverage
	if a.exactEnd == int32(n) {
		sc += exactBonus
	}
	return sc + priorityWeight*float64(a.priority)
}

// better orders candidates: higher score, then earlier id (deterministic).
func (ix *entryIndex) better(a, b *acc) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.entry < b.entry
}
