package textmatch

import (
	"cmp"
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

	// Normalise every pattern to a class sequence in one flat buffer.
	// Size the rune-class table for the distinct non-ASCII runes only: a
	// small table stays in the CPU cache during Scan.
	// CJK ideographs, the bulk, are counted in a bit set; the rest in a map.
	var cjkSeen []uint64
	distinct := make(map[rune]struct{})
	nDistinct := 0
	total := 0
	for _, p := range patterns {
		total += len(p)
		for _, r := range p {
			if r < utf8.RuneSelf {
				continue
			}
			nr, ok := NormalizeRune(r)
			switch {
			case !ok || nr < utf8.RuneSelf:
			case nr >= cjkFirst && nr <= cjkLast:
				if cjkSeen == nil {
					cjkSeen = make([]uint64, (cjkLast-cjkFirst)/64+1)
				}
				k := nr - cjkFirst
				if cjkSeen[k/64]&(1<<(k%64)) == 0 {
					cjkSeen[k/64] |= 1 << (k % 64)
					nDistinct++
				}
			default:
				if _, dup := distinct[nr]; !dup {
					distinct[nr] = struct{}{}
					nDistinct++
				}
			}
		}
	}
	m.classes.reserve(nDistinct)
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
				flat = append(flat, m.classes.add(nr))
			}
		}
		l := len(flat) - offs[i]
		if l == 0 {
			return nil, &PatternError{Index: i, Pattern: p, Err: ErrEmptyPattern}
		}
		m.patLen[i] = l
		m.longest = max(m.longest, l)
	}
	offs[len(patterns)] = len(flat)
	m.classes.indexCJK()
	seq := func(i int) []uint32 { return flat[offs[i]:offs[i+1]] }
	m.buildFilters(patterns, seq)

	// Insert the patterns in lexicographic order: each new pattern shares a
	// prefix with the previous one, and the children of every node are created
	// in increasing class order, so the edges come out sorted.
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

	parent := []uint32{0}
	class := []uint32{0}
	depth := []int{0}
	terminal := make([]uint32, len(patterns))
	path := make([]uint32, 1, m.longest+1) // path[d] = node at depth d of the previous pattern
	var prev []uint32
	for _, id := range order {
		cur := seq(id)
		lcp := 0
		for lcp < len(cur) && lcp < len(prev) && cur[lcp] == prev[lcp] {
			lcp++
		}
		path = path[:lcp+1]
		for d := lcp; d < len(cur); d++ {
			node := uint32(len(parent))
			parent = append(parent, path[d])
			class = append(class, cur[d])
			depth = append(depth, d+1)
			path = append(path, node)
		}
		terminal[id] = path[len(cur)]
		prev = cur
	}
	nStates := len(parent)
	if nStates > maxStates {
		return nil, ErrTooLarge
	}
	m.states = make([]state, nStates+1) // and a sentinel

	// Flatten the edges: counting sort of nodes by parent keeps creation order.
	m.root = make([]uint32, m.classes.n+1)
	counts := make([]uint32, nStates+1)
	for v := 1; v < nStates; v++ {
		counts[parent[v]+1]++
	}
	for s := 1; s <= nStates; s++ {
		counts[s] += counts[s-1]
	}
	m.edges = make([]edge, nStates-1)
	fill := slices.Clone(counts[:nStates])
	for v := 1; v < nStates; v++ {
		p := parent[v]
		k := fill[p]
		fill[p]++
		m.edges[k] = edge{cls: class[v], to: uint32(v)}
		if p == 0 {
			m.root[class[v]] = uint32(v)
		}
	}

	// Outputs: counting sort of pattern ids by terminal node, ids ascending.
	outCounts := make([]uint32, nStates+1)
	for _, t := range terminal {
		outCounts[t+1]++
	}
	for s := 1; s <= nStates; s++ {
		outCounts[s] += outCounts[s-1]
	}
	m.outIDs = make([]int, len(patterns))
	m.outs = make([]output, len(patterns))
	outFill := slices.Clone(outCounts[:nStates])
	for id, t := range terminal {
		m.outIDs[outFill[t]] = id
		m.outs[outFill[t]] = output{id: uint32(id), len: uint32(m.patLen[id])}
		outFill[t]++
	}
	for s := range m.states {
		m.states[s].edgeLo, m.states[s].outLo = counts[s], outCounts[s]
	}
	m.buildWide()
	hasOutputs := func(s uint32) bool { return outCounts[s] != outCounts[s+1] }

	// Failure and dictionary links in breadth-first (depth) order.
	// Counting sort of the states by depth.
	depthOff := make([]int, m.longest+2)
	for _, d := range depth {
		depthOff[d+1]++
	}
	for d := 1; d < len(depthOff); d++ {
		depthOff[d] += depthOff[d-1]
	}
	byDepth := make([]uint32, nStates)
	for v, d := range depth {
		byDepth[depthOff[d]] = uint32(v)
		depthOff[d]++
	}
	for _, v := range byDepth[1:] {
		p, c := parent[v], class[v]
		var f uint32
		if p != 0 {
			f = m.next(m.states[p].fail(), c)
		}
		st := &m.states[v]
		st.link = f
		if hasOutputs(f) {
			st.dict = f
		} else {
			st.dict = m.states[f].dict
		}
		if hasOutputs(v) || st.dict != 0 {
			st.link |= reportsBit
		}
	}
	return m, nil
}

// buildWide fills the wide table with the edges of the non-root states that
// have more than wideFanout of them, at a load factor of at most one half.
func (m *Matcher) buildWide() {
	n := 0
	for s := 1; s+1 < len(m.states); s++ {
		if k := m.states[s+1].edgeLo - m.states[s].edgeLo; k > wideFanout {
			n += int(k)
		}
	}
	if n == 0 {
		return
	}
	bits := uint32(4)
	for 1<<bits < 2*n {
		bits++
	}
	m.wide = make([]wideEdge, 1<<bits)
	m.wideShift = 64 - bits
	mask := uint32(len(m.wide) - 1)
	for s := 1; s+1 < len(m.states); s++ {
		lo, hi := m.states[s].edgeLo, m.states[s+1].edgeLo
		if hi-lo <= wideFanout {
			continue
		}
		for _, e := range m.edges[lo:hi] {
			key := wideKey(uint32(s), e.cls)
			h := m.wideSlot(key)
			for m.wide[h].key != 0 {
				h = (h + 1) & mask
			}
			m.wide[h] = wideEdge{key: key, to: e.to}
		}
	}
}

// buildFilters records, in small bit sets that stay in the CPU cache, which
// pairs of adjacent classes occur inside some pattern and which classes are
// one-rune patterns. Scan uses them to skip the automaton's transition
// function (and its cache misses) wherever no pattern can continue.
func (m *Matcher) buildFilters(patterns []string, seq func(int) []uint32) {
	pairs := 0
	for i := range patterns {
		pairs += len(seq(i)) - 1
	}
	bits := uint32(12)
	for bits < 22 && 1<<bits < 8*pairs {
		bits++
	}
	m.pairShift = 64 - bits
	m.pairs = make([]uint64, 1<<bits/64)
	m.single = make([]uint64, m.classes.n/64+1)
	for i := range patterns {
		q := seq(i)
		if len(q) == 1 {
			m.single[q[0]/64] |= 1 << (q[0] % 64)
		}
		for j := 1; j < len(q); j++ {
			h := m.pairHash(q[j-1], q[j])
			m.pairs[h/64] |= 1 << (h % 64)
		}
	}
}
