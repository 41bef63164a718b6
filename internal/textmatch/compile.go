package textmatch

import (
	"cmp"
	"math/bits"
	"slices"
	"unicode/utf8"
)

// Compile builds a Matcher for patterns; pattern ids are slice indices.
// Patterns are normalised like the scanned text (see NormalizeRune), so
// "ＶＩＰ 会员?" and "vip会员" are the same pattern. Duplicates are allowed and
// each is reported. A pattern that is empty after normalisation is rejected
// with a *PatternError wrapping ErrEmptyPattern. Compile(nil) returns a
// Matcher that matches nothing.
func Compile(patterns []string) (*Matcher, error) {
	m := &Matcher{patLen: make([]int, len(patterns))}
	if len(patterns) == 0 {
		return m, nil
	}
	m.classes.assign(patterns)
	for b := range m.ascii {
		if nr, keep := NormalizeRune(rune(b)); keep {
			m.ascii[b] = m.classes.lookup(nr)
		} else {
			m.ascii[b] = droppedASCII
		}
	}

	// Normalise every pattern to a class sequence in one flat buffer.
	total, longest := 0, 0
	for _, p := range patterns {
		total += len(p)
	}
	flat := make([]uint32, 0, total)
	offs := make([]int, len(patterns)+1)
	for i, p := range patterns {
		offs[i] = len(flat)
		for j := 0; j < len(p); {
			r, w := rune(p[j]), 1
			if r >= utf8.RuneSelf {
				r, w = utf8.DecodeRuneInString(p[j:])
			}
			j += w
			if nr, ok := NormalizeRune(r); ok {
				flat = append(flat, m.classes.lookup(nr))
			}
		}
		l := len(flat) - offs[i]
		if l == 0 {
			return nil, &PatternError{Index: i, Pattern: p, Err: ErrEmptyPattern}
		}
		m.patLen[i] = l
		longest = max(longest, l)
	}
	offs[len(patterns)] = len(flat)
	seq := func(i int) []uint32 { return flat[offs[i]:offs[i+1]] }

	t := buildTrie(patterns, seq, longest)
	if len(t.parent) > maxStates {
		return nil, ErrTooLarge
	}
	slotOf, err := m.place(t)
	if err != nil {
		return nil, err
	}
	m.link(t, slotOf)
	return m, nil
}

// trie is the pattern trie before it is laid out: node 0 is the root, and
// the children of every node are kids[kidLo[v]:kidLo[v+1]], in increasing
// class order.
type trie struct {
	parent, class []uint32
	kidLo, kids   []uint32
	byDepth       []uint32 // the nodes in breadth-first order, root first
	terminal      []uint32 // per pattern, the node where it ends
}

// buildTrie inserts the patterns in lexicographic order: each new pattern
// shares a prefix with the previous one, and the children of every node are
// created in increasing class order, so they come out sorted.
func buildTrie(patterns []string, seq func(int) []uint32, longest int) *trie {
	order := make([]int, len(patterns))
	for i := range order {
		order[i] = i
	}
	// Comparing packed keys of the first two classes first decides most
	// comparisons with two loads.
	keys := make([]uint64, len(patterns))
	for i := range patterns {
		q := seq(i)
		k := uint64(q[0]) << 32
		if len(q) > 1 {
			k |= uint64(q[1])
		}
		keys[i] = k
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(keys[a], keys[b]); c != 0 {
			return c
		}
		if c := slices.Compare(seq(a), seq(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})

	t := &trie{parent: []uint32{0}, class: []uint32{0}, terminal: make([]uint32, len(patterns))}
	depth := []uint32{0}
	path := make([]uint32, 1, longest+1) // path[d] = node at depth d of the previous pattern
	var prev []uint32
	for _, id := range order {
		cur := seq(id)
		lcp := 0
		for lcp < len(cur) && lcp < len(prev) && cur[lcp] == prev[lcp] {
			lcp++
		}
		path = path[:lcp+1]
		for d := lcp; d < len(cur); d++ {
			node := uint32(len(t.parent))
			t.parent = append(t.parent, path[d])
			t.class = append(t.class, cur[d])
			depth = append(depth, uint32(d+1))
			path = append(path, node)
		}
		t.terminal[id] = path[len(cur)]
		prev = cur
	}
	n := len(t.parent)

	// Children: counting sort of the nodes by parent keeps creation order.
	t.kidLo = make([]uint32, n+1)
	for v := 1; v < n; v++ {
		t.kidLo[t.parent[v]+1]++
	}
	for v := 1; v <= n; v++ {
		t.kidLo[v] += t.kidLo[v-1]
	}
	t.kids = make([]uint32, n-1)
	fill := slices.Clone(t.kidLo[:n])
	for v := 1; v < n; v++ {
		p := t.parent[v]
		t.kids[fill[p]] = uint32(v)
		fill[p]++
	}

	// Breadth-first order: counting sort of the nodes by depth.
	depthOff := make([]int, longest+2)
	for _, d := range depth {
		depthOff[d+1]++
	}
	for d := 1; d < len(depthOff); d++ {
		depthOff[d] += depthOff[d-1]
	}
	t.byDepth = make([]uint32, n)
	for v, d := range depth {
		t.byDepth[depthOff[d]] = uint32(v)
		depthOff[d]++
	}
	return t
}

// place lays the trie out as a double array (see Matcher.da): in
// breadth-first order, each node with children gets a base at which the
// slots of all its children are free (see findBase). It returns the slot
// of every node. Shallow nodes, the ones a scan visits most, end up at the
// front of the array, and classes numbered by frequency keep the children
// of busy nodes close together.
func (m *Matcher) place(t *trie) ([]uint32, error) {
	n := len(t.parent)
	slotOf := make([]uint32, n)
	b := &daBuilder{}
	b.grow(int(m.classes.n) + 1)
	b.use(0) // the root
	m.da = b.st
	var cls []uint32
	maxBase := 0
	for _, v := range t.byDepth {
		kids := t.kids[t.kidLo[v]:t.kidLo[v+1]]
		if len(kids) == 0 {
			continue
		}
		cls = cls[:0]
		for _, k := range kids {
			cls = append(cls, t.class[k])
		}
		base := 0 // the root's children are in the slots of their classes (see walk)
		if v != 0 {
			base = b.findBase(cls)
		}
		if base+int(m.classes.n)+1 > maxStates {
			return nil, ErrTooLarge
		}
		maxBase = max(maxBase, base)
		b.grow(base + int(cls[len(cls)-1]) + 1)
		b.st[slotOf[v]].base = uint32(base)
		for _, k := range kids {
			s := base + int(t.class[k])
			b.use(s)
			b.st[s].check = slotOf[v]
			slotOf[k] = uint32(s)
		}
	}
	// Every base+class of a scan must be inside the array.
	b.grow(maxBase + int(m.classes.n) + 1)
	m.da = b.st
	return slotOf, nil
}

// link sets the failure links and the outputs of every slot, in
// breadth-first order so that a node's failure target (a shallower node) is
// complete before the node.
func (m *Matcher) link(t *trie, slotOf []uint32) {
	// Outputs in slot order (a counting sort of the pattern ids by the slot
	// where they end, ids ascending): the outputs of shallow nodes, the
	// most frequent matches, come first.
	nSlots := len(m.da)
	outLo := make([]uint32, nSlots+1)
	for _, v := range t.terminal {
		outLo[slotOf[v]+1]++
	}
	for s := 1; s <= nSlots; s++ {
		outLo[s] += outLo[s-1]
	}
	m.outIDs = make([]int, len(t.terminal))
	fill := slices.Clone(outLo[:nSlots])
	for id, v := range t.terminal {
		s := slotOf[v]
		m.outIDs[fill[s]] = id
		fill[s]++
	}

	m.reps = []reportList{{}} // 0: reports nothing
	for _, v := range t.byDepth[1:] {
		s, p := slotOf[v], t.parent[v]
		st := &m.da[s]
		if p != 0 {
			st.fail = m.next(m.da[slotOf[p]].fail, t.class[v])
		}
		st.rep = m.da[st.fail].rep // inherited
		if lo, hi := outLo[s], outLo[s+1]; lo < hi {
			l := uint32(m.patLen[m.outIDs[lo]])
			m.reps = append(m.reps, reportList{lo: lo, hi: hi, next: st.rep, len: l})
			st.rep = uint32(len(m.reps) - 1)
		}
	}
}

// daBuilder allocates the slots of the double array.
type daBuilder struct {
	st   []daState
	used []uint64 // bit set of the slots taken
	// searchFrom[k-1] is where the search for the base of a node with k
	// children (16 for 16 or more) starts: the slot where the previous
	// such node went. Single children fill the holes left behind.
	searchFrom [16]int
}

// grow extends the array to at least n slots, the new ones free.
func (b *daBuilder) grow(n int) {
	if n <= len(b.st) {
		return
	}
	old := len(b.st)
	b.st = slices.Grow(b.st, n-old)[:n]
	for i := old; i < n; i++ {
		b.st[i] = daState{check: freeSlot}
	}
	if words := (n + 63) / 64; words > len(b.used) {
		b.used = append(b.used, make([]uint64, words-len(b.used))...)
	}
}

func (b *daBuilder) use(s int) { b.used[s/64] |= 1 << (s % 64) }

func (b *daBuilder) free(s int) bool {
	return s/64 >= len(b.used) || b.used[s/64]&(1<<(s%64)) == 0
}

// nextFree returns the first free slot at or after s.
func (b *daBuilder) nextFree(s int) int {
	for w := s / 64; w < len(b.used); w++ {
		free := ^b.used[w]
		if w == s/64 {
			free &= ^uint64(0) << (s % 64)
		}
		if free != 0 {
			return w*64 + bits.TrailingZeros64(free)
		}
	}
	return max(s, len(b.used)*64)
}

// findBase returns a base at which the slots base+c of all classes c in cls
// (ascending, non-zero) are free: the lowest one after the previous node
// with as many children. Nodes with several children rarely fit in the
// scattered holes of the crowded front of the array, and trying each hole
// for each node would make Compile quadratic.
func (b *daBuilder) findBase(cls []uint32) int {
	k := min(len(cls), len(b.searchFrom)) - 1
	c0 := int(cls[0])
	for p := max(b.searchFrom[k], c0); ; p++ {
		p = b.nextFree(p)
		base := p - c0
		ok := true
		for _, c := range cls[1:] {
			if !b.free(base + int(c)) {
				ok = false
				break
			}
		}
		if ok {
			b.searchFrom[k] = p
			return base
		}
	}
}

// next is the automaton's transition function: the goto edge of slot s on
// class c, falling back along the failure links.
func (m *Matcher) next(s, c uint32) uint32 {
	for {
		if t := m.da[s].base + c; m.da[t].check == s {
			return t
		}
		if s == 0 {
			return 0
		}
		s = m.da[s].fail
	}
}
