package routing

// scratch is the per-decision working memory of a RuleSet, pooled so that a
// decision allocates nothing for it. Stamps with the current epoch replace
// clearing: an entry is set when it holds the epoch.
type scratch struct {
	epoch   uint32
	found   []uint32 // pattern → epoch when found anywhere in the text
	whole   []uint32 // pattern → epoch when it is the whole text
	cand    []uint32 // rule → epoch when it became a candidate
	hits    []int32  // patterns found, in order of first occurrence
	cands   []int32  // candidate rules (unsorted until sorted)
	trace   []Check
	results []ruleOutcome
}

func newScratch(rules, patterns int) *scratch {
	return &scratch{
		found: make([]uint32, patterns),
		whole: make([]uint32, patterns),
		cand:  make([]uint32, rules),
	}
}

func (s *scratch) begin() {
	s.epoch++
	if s.epoch == 0 { // wrapped: clear once every 2^32 decisions
		clear(s.found)
		clear(s.whole)
		clear(s.cand)
		s.epoch = 1
	}
	s.hits = s.hits[:0]
	s.cands = s.cands[:0]
	s.trace = s.trace[:0]
	s.results = s.results[:0]
}

// hit records pattern id as found in the text.
func (s *scratch) hit(id int32) {
	if s.found[id] != s.epoch {
		s.found[id] = s.epoch
		s.hits = append(s.hits, id)
	}
}

func (s *scratch) isFound(id int32) bool { return s.found[id] == s.epoch }
func (s *scratch) isWhole(id int32) bool { return s.whole[id] == s.epoch }
