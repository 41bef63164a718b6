package textmatch

import (
	"slices"
	"unicode/utf8"
)

// Match is one occurrence of a pattern in a scanned text.
type Match struct {
	// Pattern is the index of the pattern in the slice given to Compile.
	Pattern int
	// Start and End are byte offsets in the ORIGINAL text: text[Start:End] is
	// the occurrence, including any dropped runes (spaces, punctuation) inside
	// it. Start is the first byte of the first matched rune and End the byte
	// after the last one.
	Start, End int
	// NormStart and NormEnd are rune offsets in the normalised text.
	NormStart, NormEnd int
	// Slot is the position of the pattern among the automaton's outputs,
	// a dense index (0 <= Slot < Len()) that Slots maps back to pattern ids.
	// A caller that keeps per-pattern data in slot order reads it at the
	// index Scan has just read, instead of one memory access behind the
	// pattern id.
	Slot int
}

// Matcher finds every occurrence of a fixed set of patterns in a text, in one
// pass, with an Aho–Corasick automaton over normalised runes. Build one with
// Compile.
//
// A Matcher is immutable and safe for concurrent use by multiple goroutines.
// The zero Matcher has no patterns and matches nothing.
type Matcher struct {
	classes runeClasses
	root    []uint32 // root transition per class; 0 = stay at the root
	// states holds the automaton's states, state 0 being the root, plus a
	// sentinel, so that one step of a scan reads one small record: the
	// goto edges, failure link, outputs and dictionary link of a state.
	states []state
	edges  []edge // goto edges, per state sorted by class, ranges in states
	// wide is a hash table (open addressing, linear probing) of the goto
	// edges of the states with more than wideFanout edges (one probe, where
	// a search of hundreds of edges would take several cache misses);
	// wideShift maps a key's hash to a slot.
	wide      []wideEdge
	wideShift uint32
	outIDs    []int    // pattern ids ending at a state, ranges in states (for Exact)
	outs      []output // the same with their lengths, for Scan
	patLen    []int    // normalised length in runes, per pattern
	// pairs is a hashed bit set of the class pairs adjacent inside some
	// pattern (false positives allowed); single marks the classes that are
	// one-rune patterns. See buildFilters.
	pairs     []uint64
	pairShift uint32
	single    []uint64
	longest   int
}

// state is one state of the automaton. Its goto edges are
// edges[edgeLo:states[s+1].edgeLo] and its own outputs
// outs[outLo:states[s+1].outLo] (16 bytes: four states per cache line, and
// the next state's record, which bounds both ranges, is usually in the same
// line).
type state struct {
	edgeLo uint32
	// link is the failure link (the longest proper suffix state), with
	// reportsBit set when the state or its dictionary chain has outputs.
	link  uint32
	outLo uint32
	dict  uint32 // nearest state on the failure chain with outputs, 0 = none
}

// reportsBit marks, in state.link, a state whose visit reports matches.
const reportsBit = 1 << 31

func (st *state) fail() uint32 { return st.link &^ reportsBit }

// maxStates bounds the automaton so that state numbers fit beside reportsBit.
const maxStates = reportsBit - 1

// edge is one goto transition; class and target side by side so a lookup
// touches one cache line.
type edge struct{ cls, to uint32 }

// wideFanout is the number of edges above which child finds a state's goto
// edge in the wide table rather than by scanning its edges.
const wideFanout = 8

// wideEdge is one slot of the wide table: key is state<<32 | class (0 for an
// empty slot: the root is never in the table).
type wideEdge struct {
	key uint64
	to  uint32
}

func wideKey(s, c uint32) uint64 { return uint64(s)<<32 | uint64(c) }

func (m *Matcher) wideSlot(key uint64) uint32 {
	return uint32(key * 0x9E3779B97F4A7C15 >> m.wideShift)
}

// wideChild returns the goto transition of state s (a wide state) on c.
func (m *Matcher) wideChild(s, c uint32) (uint32, bool) {
	key := wideKey(s, c)
	mask := uint32(len(m.wide) - 1)
	for h := m.wideSlot(key); ; h = (h + 1) & mask {
		switch e := m.wide[h]; e.key {
		case key:
			return e.to, true
		case 0:
			return 0, false
		}
	}
}

// output is a pattern ending at a state and its normalised length.
type output struct{ id, len uint32 }

// Slots returns the pattern id of every output slot (see Match.Slot): the
// pattern reported with Slot k is Slots()[k]. The slice is a copy.
func (m *Matcher) Slots() []int { return slices.Clone(m.outIDs) }

// Len returns the number of patterns.
func (m *Matcher) Len() int { return len(m.patLen) }

// PatternLen returns the length in runes of pattern id after normalisation.
// It panics if id is out of range, like a slice index.
func (m *Matcher) PatternLen(id int) int { return m.patLen[id] }

// child returns the goto transition of non-root state s on class c: through
// the wide table when s has more than wideFanout edges, otherwise by a scan
// of its few edges (sorted by class). It is the one transition lookup of
// the automaton: Compile builds the failure links with it and Scan and
// Exact follow them with it.
func (m *Matcher) child(s, c uint32) (uint32, bool) {
	lo, hi := m.states[s].edgeLo, m.states[s+1].edgeLo
	if hi-lo > wideFanout {
		return m.wideChild(s, c)
	}
	for ; lo < hi; lo++ {
		if e := m.edges[lo]; e.cls >= c {
			return e.to, e.cls == c
		}
	}
	return 0, false
}

func (m *Matcher) pairHash(a, b uint32) uint32 {
	return uint32((uint64(a)<<32 | uint64(b)) * 0x9E3779B97F4A7C15 >> m.pairShift)
}

// mayContinue reports whether the pair (a, b) of adjacent classes may occur
// inside some pattern. If not, after reading b the automaton is at depth at
// most one: every state deeper than one ends in a pattern's pair.
func (m *Matcher) mayContinue(a, b uint32) bool {
	h := m.pairHash(a, b)
	return m.pairs[h/64]&(1<<(h%64)) != 0
}

// next is the automaton's transition function.
func (m *Matcher) next(s, c uint32) uint32 {
	if c == 0 {
		return 0
	}
	for s != 0 {
		if t, ok := m.child(s, c); ok {
			return t
		}
		s = m.states[s].fail()
	}
	return m.root[c]
}

// Scan reports every occurrence of every pattern in text to fn, in order of
// end position (for equal ends, longer patterns first); overlapping and
// nested occurrences are all reported. Scan stops early when fn returns false.
// It returns the number of normalised runes read, which is the length of the
// normalised text when the scan was not stopped.
//
// Scan does not allocate; the Match passed to fn is a value.
func (m *Matcher) Scan(text string, fn func(Match) bool) int {
	if len(m.states) == 0 {
		return NormalizedLen(text)
	}
	var s, prev uint32
	// starts[k%len(starts)] is the byte offset of the k-th kept rune, so a
	// match's start needs no walk back over the text (see originalStart).
	var starts [startRing]int
	n := 0
	cjk := m.classes.cjk
	for i := 0; i < len(text); {
		start := i
		var c uint32
		if b0 := text[i]; b0 >= 0xE4 && b0 <= 0xE9 && i+2 < len(text) &&
			text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80 && (b0 > 0xE4 || text[i+1] >= 0xB8) {
			// Fast path for the common case, a CJK unified ideograph
			// (U+4E00..U+9FFF), which normalisation keeps as it is.
			r := rune(b0&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F)
			if cjk != nil {
				c = uint32(cjk[r-cjkFirst])
			} else {
				c = m.classes.lookup(r)
			}
			i += 3
		} else {
			r, w := decodeRune(text, i)
			i += w
			nr, keep := NormalizeRune(r)
			if !keep {
				continue
			}
			c = m.classes.lookup(nr)
		}
		starts[uint(n)%startRing] = start
		n++
		if s == 0 || c == 0 || !m.mayContinue(prev, c) {
			// Fast path: the new state is the depth-one node of c (or the
			// root), whose only outputs are one-rune patterns.
			prev = c
			s = m.root[c]
			if s == 0 || m.single[c/64]&(1<<(c%64)) == 0 {
				continue
			}
		} else {
			prev = c
			// The transition function (see next): follow the goto edge of
			// c, falling back along the failure links.
			for {
				t, ok := m.child(s, c)
				if ok {
					s = t
					break
				}
				if s = m.states[s].fail(); s == 0 {
					s = m.root[c]
					break
				}
			}
			if m.states[s].link&reportsBit == 0 {
				continue
			}
		}
		if !m.report(s, text, i, n, &starts, fn) {
			return n
		}
	}
	return n
}

// startRing is the size of Scan's ring of start offsets; longer matches
// walk back over the text.
const startRing = 64

// report passes the outputs of state s and its dictionary chain to fn. It
// is kept out of Scan's loop so that the loop's registers are not spilled.
//
//go:noinline
func (m *Matcher) report(s uint32, text string, end, n int, starts *[startRing]int, fn func(Match) bool) bool {
	for o := s; o != 0; {
		lo, hi := m.states[o].outLo, m.states[o+1].outLo
		o = m.states[o].dict
		for k := lo; k < hi; k++ {
			out := m.outs[k]
			id, l := int(out.id), int(out.len)
			var start int
			if l <= startRing {
				start = starts[uint(n-l)%startRing]
			} else {
				start = originalStart(text, end, l)
			}
			if !fn(Match{Pattern: id, Start: start, End: end, NormStart: n - l, NormEnd: n, Slot: int(k)}) {
				return false
			}
		}
	}
	return true
}

// originalStart walks back from end over the original text and returns the
// byte offset of the l-th kept rune before end.
func originalStart(text string, end, l int) int {
	i := end
	for l > 0 && i > 0 {
		r, w := utf8.DecodeLastRuneInString(text[:i])
		i -= w
		if _, keep := NormalizeRune(r); keep {
			l--
		}
	}
	return i
}

// AppendMatches appends every occurrence in text (see Scan) to dst and returns
// the extended slice.
func (m *Matcher) AppendMatches(dst []Match, text string) []Match {
	m.Scan(text, func(x Match) bool {
		dst = append(dst, x)
		return true
	})
	return dst
}

// Any reports whether some pattern occurs in text.
func (m *Matcher) Any(text string) bool {
	found := false
	m.Scan(text, func(Match) bool {
		found = true
		return false
	})
	return found
}

// Exact returns the ids of the patterns whose normalised form equals the whole
// normalised text (WeChat's 全匹配), in increasing order, or nil. It walks the
// trie once and does not allocate; the returned slice is shared and must not
// be modified.
func (m *Matcher) Exact(text string) []int {
	if len(m.states) == 0 {
		return nil
	}
	var s uint32
	for i := 0; i < len(text); {
		r, w := decodeRune(text, i)
		i += w
		nr, keep := NormalizeRune(r)
		if !keep {
			continue
		}
		c := m.classes.lookup(nr)
		if c == 0 {
			return nil
		}
		var ok bool
		if s == 0 {
			s = m.root[c]
			ok = s != 0
		} else {
			s, ok = m.child(s, c)
		}
		if !ok {
			return nil
		}
	}
	if s == 0 {
		return nil
	}
	lo, hi := m.states[s].outLo, m.states[s+1].outLo
	if lo == hi {
		return nil
	}
	return m.outIDs[lo:hi:hi]
}
