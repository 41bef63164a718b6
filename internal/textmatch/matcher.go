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
	// da is the automaton as a double array: the state in slot s has its
	// goto edge on class c in slot t = da[s].base+c if da[t].check == s.
	// Slot 0 is the root. A transition reads one 16-byte record, which
	// also holds the new state's failure link and outputs.
	da     []daState
	reps   []reportList // reps[0] is empty
	outIDs []int        // pattern id per output slot
	patLen []int        // normalised length in runes, per pattern
	// ascii is the class of every ASCII byte after normalisation, or
	// droppedASCII for the ones normalisation drops.
	ascii [utf8.RuneSelf]uint32
}

// droppedASCII marks, in Matcher.ascii, an ASCII byte that normalisation
// drops (space, punctuation, control).
const droppedASCII = ^uint32(0)

// daState is one slot of the double array.
type daState struct {
	check uint32 // the parent's slot; freeSlot if the slot is unused
	base  uint32 // the children are at base+class
	fail  uint32 // failure link: the slot of the longest proper suffix state
	// rep is the index in Matcher.reps of the outputs reported on reaching
	// this state (its own, then its dictionary suffixes'); 0 for none.
	rep uint32
}

// freeSlot is the check of an unused slot; no state has that number.
const freeSlot = ^uint32(0)

// maxStates bounds the double array so that slot numbers stay below
// freeSlot with room for a base plus a class.
const maxStates = 1<<31 - 1

// reportList is the output slots lo..hi-1 of one state, patterns of len
// runes, followed by those of reps[next], the nearest suffix state with
// outputs (0 for none).
type reportList struct{ lo, hi, next, len uint32 }

// Slots returns the pattern id of every output slot (see Match.Slot): the
// pattern reported with Slot k is Slots()[k]. The slice is a copy.
func (m *Matcher) Slots() []int { return slices.Clone(m.outIDs) }

// Len returns the number of patterns.
func (m *Matcher) Len() int { return len(m.patLen) }

// PatternLen returns the length in runes of pattern id after normalisation.
// It panics if id is out of range, like a slice index.
func (m *Matcher) PatternLen(id int) int { return m.patLen[id] }

// Scan reports every occurrence of every pattern in text to fn, in order of
// end position (for equal ends, longer patterns first); overlapping and
// nested occurrences are all reported. Scan stops early when fn returns false.
// It returns the number of normalised runes read, which is the length of the
// normalised text when the scan was not stopped.
//
// Scan does not allocate; the Match passed to fn is a value.
func (m *Matcher) Scan(text string, fn func(Match) bool) int {
	if len(m.da) == 0 {
		return NormalizedLen(text)
	}
	var hitBuf [chunk]Hit
	var buf chunkBuf
	var cur cursor
	for {
		n0 := cur.n
		hits := m.scan(&cur, text, &buf, hitBuf[:0])
		for _, h := range hits {
			lo, hi, l, next := int(h.Lo), int(h.Hi), int(h.Len), h.Next
			for {
				// The match starts at rune h.N-l+1: in this chunk, or
				// found by a walk back over the text.
				start := 0
				if j := h.N - l - n0; j >= 0 {
					start = buf.starts[j]
				} else {
					start = originalStart(text, h.End, l)
				}
				for k := lo; k < hi; k++ {
					x := Match{Pattern: m.outIDs[k], Start: start, End: h.End,
						NormStart: h.N - l, NormEnd: h.N, Slot: k}
					if !fn(x) {
						return h.N
					}
				}
				if next == 0 {
					break
				}
				lo, hi, l, next = m.Outputs(next)
			}
		}
		if cur.i >= len(text) {
			return cur.n
		}
	}
}

// Hit is a place in a text where the automaton reached a state with
// outputs: patterns end there. The first of them are the output slots
// Lo..Hi-1 (see Match.Slot), patterns of Len runes; the others, if Next
// is not 0, are output list Next (see Outputs). The scan reads the first
// list for the caller, in a loop apart from the transitions, so that the
// caller's loop over the hits starts without a cache miss per hit.
type Hit struct {
	// End is the byte offset after the hit's last rune in the original
	// text, N the number of normalised runes up to there: a pattern of
	// length l spans normalised runes [N-l, N).
	End, N            int
	Lo, Hi, Len, Next uint32
}

// AppendHits scans text (see Scan) and appends a Hit to dst for every
// position where some pattern ends, in order. It returns the extended
// slice and the length of the normalised text. It allocates only when dst
// lacks capacity. Hits are the cheap form of Scan for a caller that keeps
// per-pattern data in slot order: it walks each hit's outputs itself, with
// no call per match.
func (m *Matcher) AppendHits(dst []Hit, text string) ([]Hit, int) {
	if len(m.da) == 0 {
		return dst, NormalizedLen(text)
	}
	var buf chunkBuf
	var cur cursor
	for {
		dst = slices.Grow(dst, chunk)
		dst = m.scan(&cur, text, &buf, dst)
		if cur.i >= len(text) {
			return dst, cur.n
		}
	}
}

// Outputs returns output list r of a Hit: the output slots lo..hi-1 (see
// Match.Slot), patterns of length runes after normalisation, then the
// list next, down to list 0, which is empty. Lists get shorter along the
// chain.
func (m *Matcher) Outputs(r uint32) (lo, hi, length int, next uint32) {
	rl := &m.reps[r]
	return int(rl.lo), int(rl.hi), int(rl.len), rl.next
}

// cursor is the state of a scan between calls of scan.
type cursor struct {
	i, n int    // byte offset and normalised runes read
	s    uint32 // the automaton's state
}

// chunk is the number of runes scan reads at a time.
const chunk = 64

// chunkBuf holds the runes of one chunk: the class of each and the byte
// offsets where it starts and ends in the text.
type chunkBuf struct {
	cls          [chunk]uint32
	starts, ends [chunk]int
	// at and list are, per state with outputs the walk reached, the
	// rune's index in the chunk and the state's output list.
	at, list [chunk]uint32
}

// scan advances cur over the next chunk runes of text (or to its end),
// appending a Hit to dst for every state with outputs it reaches; dst must
// have room for chunk more hits. It works in loops with few variables
// each: one turns runes into classes, one runs the automaton over the
// classes, one reads the output lists of the states that have some.
func (m *Matcher) scan(cur *cursor, text string, buf *chunkBuf, dst []Hit) []Hit {
	k, i := m.classify(text, cur.i, buf)
	s, nh := m.walk(cur.s, buf.cls[:k], buf)
	for h, j := range buf.at[:nh] {
		rl := &m.reps[buf.list[h]]
		dst = append(dst, Hit{End: buf.ends[j], N: cur.n + int(j) + 1, Lo: rl.lo, Hi: rl.hi, Len: rl.len, Next: rl.next})
	}
	cur.i, cur.n, cur.s = i, cur.n+k, s
	return dst
}

// classify reads up to chunk kept runes of text from byte i into buf. It
// returns how many it stored and the byte offset where it stopped.
func (m *Matcher) classify(text string, i int, buf *chunkBuf) (int, int) {
	cjk := m.classes.cjk
	k := 0
	for k < chunk && i < len(text) {
		start := i
		b0 := text[i]
		var c uint32
		switch {
		case b0 < utf8.RuneSelf:
			i++
			if c = m.ascii[b0]; c == droppedASCII {
				continue
			}
		case b0&0xF0 == 0xE0 && len(text)-i > 2 && cjkIdeograph(b0, text[i+1], text[i+2]):
			// A CJK unified ideograph (U+4E00..U+9FFF), the common case,
			// which normalisation keeps as it is.
			r := rune(b0&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F)
			if cjk != nil {
				c = uint32(cjk[r-cjkFirst])
			} else {
				c = m.classes.lookup(r)
			}
			i += 3
		default:
			r, w := decodeRune(text, i)
			i += w
			nr, keep := NormalizeRune(r)
			if !keep {
				continue
			}
			c = m.classes.lookup(nr)
		}
		buf.cls[k], buf.starts[k], buf.ends[k] = c, start, i
		k++
	}
	return k, i
}

// cjkIdeograph reports whether the three-byte sequence b0 b1 b2 (b0 being
// 0xE0..0xEF) encodes a rune of U+4E00..U+9FFF: E4 B8 80 to E9 BF BF.
func cjkIdeograph(b0, b1, b2 byte) bool {
	v := uint32(b0)<<16 | uint32(b1)<<8 | uint32(b2)
	return v&0xC0C0 == 0x8080 && v-0xE4B880 <= 0xE9BFBF-0xE4B880
}

// walk runs the automaton from state s over cls (at most chunk classes)
// and records in buf.at and buf.list every state with outputs it reaches.
// It returns the final state and the number of states recorded. (scan
// makes the Hits, reading their output lists, in a loop of its own.)
func (m *Matcher) walk(s uint32, cls []uint32, buf *chunkBuf) (uint32, int) {
	da := m.da
	// prev is the class of the last rune read (at the start, the class of
	// the state's last edge; 0 at the root, where no pair can follow),
	// deep whether the state is deeper than one.
	var prev uint32
	deep := s != 0 && da[s].check != 0
	if s != 0 {
		prev = s - da[da[s].check].base
	}
	nh := 0
	for j, c := range cls {
		if c == 0 { // in no pattern: back to the root
			s, prev, deep = 0, 0, false
			continue
		}
		// The transition function (see next), in two parts. From a state
		// deeper than one, follow the goto edge of c, falling back along
		// the failure links while they stay deeper than one.
		found := false
		if deep {
			for x := s; ; {
				if t := da[x].base + c; da[t].check == x {
					s, found = t, true
					break
				}
				if x = da[x].fail; x == 0 || da[x].check == 0 {
					break
				}
			}
		}
		// Otherwise the new state is the node of the last two classes or
		// of c alone. Both follow from the classes read, not from the
		// state, so the processor can fetch them ahead of the chain of
		// transitions. (The root's base is 0: its child on class p is in
		// slot p, if that slot's parent is the root; da[0].check is not 0.)
		if !found {
			if t := da[prev].base + c; da[prev].check == 0 && da[t].check == prev {
				s, deep = t, true
			} else if da[c].check == 0 {
				s, deep = c, false
			} else {
				s, deep = 0, false
			}
		}
		r := da[s].rep
		prev = c
		if r != 0 {
			buf.at[nh&(chunk-1)], buf.list[nh&(chunk-1)] = uint32(j), r
			nh++
		}
	}
	return s, nh
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
	if len(m.da) == 0 {
		return nil
	}
	var s uint32
	n := 0
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
		t := m.da[s].base + c
		if m.da[t].check != s {
			return nil
		}
		s = t
		n++
	}
	if s == 0 {
		return nil
	}
	// The state's list starts with its own outputs, if it has any: they
	// are the ones as long as the text.
	rl := m.reps[m.da[s].rep]
	if rl.lo == rl.hi || rl.len != uint32(n) {
		return nil
	}
	return m.outIDs[rl.lo:rl.hi:rl.hi]
}
