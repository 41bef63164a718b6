package kb

import (
	"slices"
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
	nKeywords int32
	dead      bool // excluded, or outside its validity window
	priority  int8 // the entry's priority
	rank      int8 // place among the results, -1 if not one
	strength  float32
	// seen has bit k set once the entry's posting of ordinal k has hit
	// (ordinals from lastOrdinal up are looked up in scratch.kw).
	seen     uint64
	exactEnd int32 // furthest end of a hit that starts the message
	// The normalised runes covered by the hits are a union of disjoint
	// runs: the last one inline (set by the entry's first hit), the others
	// chained in scratch.runs. A dead accumulator's are never set or read.
	runStart, runEnd int32
	prevRun          int32 // last of the earlier runs, -1 if none
	covered          int32 // the runs' total length
	score            float64
}

// run is one of an entry's covered runs before its last one.
type run struct {
	start, end int32
	prev       int32
}

// entryState is one entry's part of scratch.ents.
type entryState struct {
	acc  int32
	meta entryMeta
}

// scratch is the per-lookup working memory, reused through a sync.Pool.
type scratch struct {
	// ents holds per entry what a lookup needs first, side by side (one
	// cache line): a copy of its meta and 1 + the index of its
	// accumulator in accs, or 0 (a lookup clears what it set).
	ents  []entryState
	accs  []acc
	runs  []run
	top   []int32 // indexes in accs, best first
	found []textmatch.Hit
	kw    []keywordHit // first hit of each wording, in order
}

// keywordHit is the first hit of a posting, of the entry of acc.
type keywordHit struct{ acc, post int32 }

func (ix *entryIndex) getScratch() *scratch {
	if s, ok := ix.pool.Get().(*scratch); ok {
		return s
	}
	s := &scratch{ents: make([]entryState, len(ix.entries))}
	for e, m := range ix.meta {
		s.ents[e].meta = m
	}
	return s
}

func (s *scratch) reset() {
	ents := s.ents
	for i := range s.accs {
		ents[s.accs[i].entry].acc = 0
	}
	s.accs = s.accs[:0]
	s.runs = s.runs[:0]
	s.top = s.top[:0]
	s.kw = s.kw[:0]
}

// maxLimit is the most results a lookup returns (and the most
// recommendations a knowledge base's Settings may ask for).
const maxLimit = 50

// lookup ranks the entries live at now for text and returns at most limit
// (at most maxLimit) results scoring at least minScore.
func (ix *entryIndex) lookup(text string, now time.Time, limit int, minScore float64) []Result {
	if ix == nil || len(ix.entries) == 0 || limit <= 0 {
		return nil
	}
	limit = min(limit, maxLimit)
	s := ix.getScratch()
	defer ix.pool.Put(s)
	s.reset()
	var n int
	s.found, n = ix.matcher.AppendHits(s.found[:0], text)
	if n == 0 {
		return nil
	}
	s.count(ix, now.UnixNano())

	// Score and keep the best limit candidates (insertion into a short
	// list); once it is full, a candidate must reach the last one's score.
	accs, top := s.accs, s.top[:0]
	cutoff := minScore
	for i := range accs {
		a := &accs[i]
		if a.dead || a.nKeywords == 0 {
			continue
		}
		if a.score = ix.score(a, n); a.score < cutoff {
			continue
		}
		pos := len(top)
		if pos == limit {
			if !ix.better(a, &accs[top[pos-1]]) {
				continue
			}
			pos--
		} else {
			top = append(top, 0)
		}
		for pos > 0 && ix.better(a, &accs[top[pos-1]]) {
			top[pos] = top[pos-1]
			pos--
		}
		top[pos] = int32(i)
		if len(top) == limit {
			cutoff = accs[top[limit-1]].score // at least minScore
		}
	}
	s.top = top
	if len(s.top) == 0 {
		return nil
	}
	return ix.results(s, n)
}

// count walks the hits of s.found and accumulates them per entry.
func (s *scratch) count(ix *entryIndex, nowNano int64) {
	posts, ents := ix.posts, s.ents
	accs, kw := s.accs, s.kw
	for i := range s.found {
		h := &s.found[i]
		end := int32(h.N)
		lo, hi, length, next := int(h.Lo), int(h.Hi), int(h.Len), h.Next
		for {
			l := int32(length)
			start := end - l
			for k := lo; k < hi; k++ {
				post := posts[k]
				e := post.entry()
				es := &ents[e]
				ai := es.acc - 1
				kind := post.kind()
				if ai < 0 {
					// The entry's first hit (most hits): set its
					// accumulator in one go, without reading it back.
					ai = int32(len(accs))
					if len(accs) < cap(accs) {
						accs = accs[:ai+1]
					} else {
						accs = append(accs, acc{})
					}
					es.acc = ai + 1
					a := &accs[ai]
					w := es.meta.window()
					a.entry, a.priority, a.rank = e, es.meta.priority(), -1
					// A dead accumulator's other fields are never read.
					if a.dead = kind == kindExclusion || w != 0 && !ix.windows[w].contains(nowNano); a.dead {
						continue
					}
					a.exactEnd = 0
					if start == 0 {
						a.exactEnd = end
					}
					a.runStart, a.runEnd, a.prevRun, a.covered = start, end, -1, l
					a.seen = 0
					if ord := post.ordinal(); ord < lastOrdinal {
						a.seen = 1 << ord
					}
					a.nKeywords, a.strength = 1, kindWeight[kind]*lengthWeight(int(l))
					kw = append(kw, keywordHit{ai, int32(k)})
					continue
				}
				a := &accs[ai]
				if a.dead {
					continue
				}
				if kind == kindExclusion {
					a.dead = true
					continue
				}
				if start == 0 && end > a.exactEnd {
					a.exactEnd = end
				}
				s.cover(a, start, end)
				// Strength counts each wording of the entry once.
				if ord := post.ordinal(); ord < lastOrdinal {
					if a.seen&(1<<ord) != 0 {
						continue
					}
					a.seen |= 1 << ord
				} else if slices.Contains(kw, keywordHit{ai, int32(k)}) {
					continue // rare: an entry with more than 63 wordings
				}
				a.nKeywords++
				a.strength += kindWeight[kind] * lengthWeight(int(l))
				kw = append(kw, keywordHit{ai, int32(k)})
			}
			if next == 0 {
				break
			}
			lo, hi, length, next = ix.matcher.Outputs(next)
		}
	}
	s.accs, s.kw = accs, kw
}

// cover adds normalised runes [start, end) to the runs covered by a's
// hits (a later hit than those: hits come by end position, so it can only
// overlap the last runs).
func (s *scratch) cover(a *acc, start, end int32) {
	if start > a.runEnd {
		s.runs = append(s.runs, run{start: a.runStart, end: a.runEnd, prev: a.prevRun})
		a.prevRun = int32(len(s.runs) - 1)
		a.runStart, a.runEnd = start, end
		a.covered += end - start
		return
	}
	rs, re := min(start, a.runStart), max(end, a.runEnd)
	a.covered -= a.runEnd - a.runStart
	for a.prevRun >= 0 && s.runs[a.prevRun].end >= rs {
		b := s.runs[a.prevRun]
		rs = min(rs, b.start)
		a.covered -= b.end - b.start
		a.prevRun = b.prev
	}
	a.runStart, a.runEnd = rs, re
	a.covered += re - rs
}

// results builds the Results of the entries in s.top, each with the
// wordings that hit it, in order of first occurrence.
func (ix *entryIndex) results(s *scratch, n int) []Result {
	// The keywords of each result go to their own part of one slice, in
	// the order of s.kw.
	var next [maxLimit]int
	total := 0
	for r, t := range s.top {
		a := &s.accs[t]
		a.rank = int8(r)
		next[r] = total
		total += int(a.nKeywords)
	}
	kw := make([]string, total)
	for _, x := range s.kw {
		if r := s.accs[x.acc].rank; r >= 0 {
			kw[next[r]] = ix.postText[x.post]
			next[r]++
		}
	}
	out := make([]Result, len(s.top))
	from := 0
	for i, t := range s.top {
		a := &s.accs[t]
		to := from + int(a.nKeywords)
		strength, coverage := a.capped(n)
		out[i] = Result{Entry: &ix.entries[a.entry], Score: a.score, Reason: Reason{
			Keywords: kw[from:to:to],
			Strength: strength,
			Coverage: coverage,
			Exact:    a.exactEnd == int32(n),
			Priority: int(a.priority),
		}}
		from = to
	}
	return out
}

func (ix *entryIndex) score(a *acc, n int) float64 {
	strength, coverage := a.capped(n)
	sc := strengthWeight*strength + coverageWeight*coverage
	if a.exactEnd == int32(n) {
		sc += exactBonus
	}
	return sc + priorityWeight*float64(a.priority)
}

// capped returns a's strength and its coverage of a message of n
// normalised runes, each capped at 1 (plain comparisons rather than min:
// the operands are never NaN).
func (a *acc) capped(n int) (strength, coverage float64) {
	strength = float64(a.strength)
	if strength > 1 {
		strength = 1
	}
	coverage = float64(a.covered) / float64(n)
	if coverage > 1 {
		coverage = 1
	}
	return strength, coverage
}

// better orders candidates: higher score, then earlier id (deterministic).
func (ix *entryIndex) better(a, b *acc) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.entry < b.entry
}
