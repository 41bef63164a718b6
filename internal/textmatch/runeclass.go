package textmatch

import (
	"slices"
	"unicode/utf8"
)

// runeClasses maps every rune that occurs in some pattern to a dense class id
// starting at 1; every other rune maps to 0. ASCII uses a direct table, the
// rest an open-addressing hash table (linear probing, key 0 = empty: rune 0 is
// never a normalised rune).
type runeClasses struct {
	ascii [utf8.RuneSelf]uint32
	keys  []rune
	vals  []uint32
	shift uint32
	n     uint32 // number of classes
	// cjk maps U+4E00..U+9FFF directly to classes when the patterns use
	// many of those ideographs (see indexCJK); nil otherwise.
	cjk []uint16
}

// First and last CJK unified ideograph of the direct table.
const cjkFirst, cjkLast = 0x4E00, 0x9FFF

// indexCJK builds the direct table for the CJK unified ideographs if the
// patterns use enough of them to make it pay (a 42 KB table replaces a hash
// probe on every Chinese character of a scanned text).
func (t *runeClasses) indexCJK() {
	count := 0
	for _, r := range t.keys {
		if r >= cjkFirst && r <= cjkLast {
			count++
		}
	}
	if count < 256 || t.n > 0xFFFF {
		return
	}
	t.cjk = make([]uint16, cjkLast-cjkFirst+1)
	for i, r := range t.keys {
		if r >= cjkFirst && r <= cjkLast {
			t.cjk[r-cjkFirst] = uint16(t.vals[i])
		}
	}
}

func hashRune(r rune, shift uint32) uint32 {
	return (uint32(r) * 0x9E3779B1) >> shift
}

func (t *runeClasses) lookup(r rune) uint32 {
	if r >= 0 && r < utf8.RuneSelf {
		return t.ascii[r]
	}
	if len(t.keys) == 0 {
		return 0
	}
	mask := uint32(len(t.keys) - 1)
	for h := hashRune(r, t.shift); ; h = (h + 1) & mask {
		switch t.keys[h] {
		case r:
			return t.vals[h]
		case 0:
			return 0
		}
	}
}

// add returns the class of r, assigning the next id if r is new. The table
// must have been sized by reserve.
func (t *runeClasses) add(r rune) uint32 {
	if r >= 0 && r < utf8.RuneSelf {
		if t.ascii[r] == 0 {
			t.n++
			t.ascii[r] = t.n
		}
		return t.ascii[r]
	}
	mask := uint32(len(t.keys) - 1)
	for h := hashRune(r, t.shift); ; h = (h + 1) & mask {
		switch t.keys[h] {
		case r:
			return t.vals[h]
		case 0:
			t.n++
			t.keys[h] = r
			t.vals[h] = t.n
			return t.n
		}
	}
}

// reserve sizes the hash table for up to n distinct non-ASCII runes at a load
// factor of at most one half.
func (t *runeClasses) reserve(n int) {
	size, bits := 8, uint32(3)
	for size < 2*n {
		size *= 2
		bits++
	}
	t.keys = make([]rune, size)
	t.vals = make([]uint32, size)
	t.shift = 32 - bits
}

// assign numbers the distinct normalised runes of the patterns from 1 in
// order of decreasing frequency (ties by rune), so the busiest runes have
// the smallest classes: the automaton's children of a busy node then sit
// close together, and so do the states a scan visits most.
func (t *runeClasses) assign(patterns []string) {
	var ascii [utf8.RuneSelf]int
	var cjk []int32 // occurrences per CJK unified ideograph, the bulk
	other := make(map[rune]int)
	for _, p := range patterns {
		for _, r := range p {
			nr, ok := NormalizeRune(r)
			switch {
			case !ok:
			case nr < utf8.RuneSelf:
				ascii[nr]++
			case nr >= cjkFirst && nr <= cjkLast:
				if cjk == nil {
					cjk = make([]int32, cjkLast-cjkFirst+1)
				}
				cjk[nr-cjkFirst]++
			default:
				other[nr]++
			}
		}
	}
	type runeCount struct {
		r rune
		n int
	}
	var counts []runeCount
	for r, n := range ascii {
		if n > 0 {
			counts = append(counts, runeCount{rune(r), n})
		}
	}
	for k, n := range cjk {
		if n > 0 {
			counts = append(counts, runeCount{cjkFirst + rune(k), int(n)})
		}
	}
	for r, n := range other {
		counts = append(counts, runeCount{r, n})
	}
	slices.SortFunc(counts, func(a, b runeCount) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return int(a.r - b.r)
	})
	t.reserve(len(counts))
	for _, c := range counts {
		t.add(c.r)
	}
	t.indexCJK()
}
