package routing

import (
	"strconv"
)

// Decide routes one input. It scans the text once with the rule set's single
// keyword matcher, then evaluates, in priority order, only the rules whose
// required keywords occur plus the rules that require none; the cost does not
// grow with the number of rules the text cannot match. Decide takes no lock
// and is safe for concurrent use. A nil RuleSet returns the zero Decision.
func (rs *RuleSet) Decide(in Input) Decision {
	return rs.decide(&in, false)
}

// Trace routes one input like Decide but evaluates every rule, so that the
// decision also lists every rejected rule (none is Skipped) and, in
// FirstMatch mode, the lower-priority rules that would also match (Shadowed).
// Use it for dry runs and pre-launch checks; it costs O(rules).
func (rs *RuleSet) Trace(in Input) Decision {
	return rs.decide(&in, true)
}

func (rs *RuleSet) decide(in *Input, full bool) Decision {
	if rs == nil {
		return Decision{}
	}
	d := Decision{RuleSet: rs.name}
	s := rs.pool.Get().(*scratch)
	defer rs.pool.Put(s)
	s.begin()
	if in.Text != "" && rs.kw.len() > 0 {
		rs.kw.scan(in.Text, s)
	}
	if !full {
		for _, p := range s.hits {
			for _, r := range rs.post[p] {
				if s.cand[r] != s.epoch {
					s.cand[r] = s.epoch
					s.cands = append(s.cands, r)
				}
			}
		}
		sortInt32s(s.cands)
	}
	first := FirstMatch == rs.mode
	matchAt := -1 // index of the first matching rule
	evaluated := 0
	ci, fi := 0, 0
	nMatched, nRejected, nShadowed := 0, 0, 0
	for k := 0; ; k++ {
		var r int32
		if full {
			if k >= len(rs.rules) {
				break
			}
			r = int32(k)
		} else {
			switch {
			case ci < len(s.cands) && (fi >= len(rs.free) || s.cands[ci] < rs.free[fi]):
				r = s.cands[ci]
				ci++
			case fi < len(rs.free):
				r = rs.free[fi]
				fi++
			default:
				r = -1
			}
			if r < 0 {
				break
			}
		}
		start := len(s.trace)
		ok := rs.eval(&rs.rules[r].root, in, s)
		if matchAt < 0 || !first {
			evaluated++
		}
		out := outcomeNone
		switch {
		case ok && (matchAt < 0 || !first):
			if matchAt < 0 {
				matchAt = int(r)
			}
			out = outcomeMatched
			nMatched++
		case ok:
			out = outcomeShadowed
			nShadowed++
		case matchAt < 0 || !first:
			out = outcomeRejected
			nRejected++
		}
		if out == outcomeNone {
			s.trace = s.trace[:start]
		} else {
			s.results = append(s.results, ruleOutcome{rule: r, out: out, start: int32(start), end: int32(len(s.trace))})
		}
		if ok && first && !full {
			break
		}
	}
	// One allocation for all checks and one for the three result lists,
	// each capped so that appending to one never overwrites another.
	checks := append([]Check(nil), s.trace...)
	if n := nMatched + nRejected + nShadowed; n > 0 {
		all := make([]RuleResult, n)
		if nMatched > 0 {
			d.Matched = all[:0:nMatched]
		}
		if nRejected > 0 {
			d.Rejected = all[nMatched : nMatched : nMatched+nRejected]
		}
		if nShadowed > 0 {
			d.Shadowed = all[nMatched+nRejected : nMatched+nRejected : n]
		}
	}
	for _, o := range s.results {
		rule := &rs.rules[o.rule]
		res := RuleResult{Rule: rule.name, Priority: rule.priority, Checks: checks[o.start:o.end:o.end]}
		switch o.out {
		case outcomeMatched:
			d.Matched = append(d.Matched, res)
		case outcomeRejected:
			d.Rejected = append(d.Rejected, res)
		case outcomeShadowed:
			d.Shadowed = append(d.Shadowed, res)
		}
	}
	if matchAt < 0 || !first {
		d.Skipped = len(rs.rules) - evaluated
	} else {
		d.Skipped = matchAt + 1 - evaluated
	}
	switch {
	case len(d.Matched) == 0:
		if rs.def != nil {
			d.Action, d.Default = cloneAction(*rs.def), true
		}
	case first:
		d.Action = cloneAction(rs.rules[matchAt].action)
	default:
		for _, o := range s.results {
			if o.out == outcomeMatched {
				d.Action.mergeFrom(&rs.rules[o.rule].action)
			}
		}
	}
	return d
}

type outcome uint8

const (
	outcomeNone outcome = iota
	outcomeMatched
	outcomeRejected
	outcomeShadowed
)

// ruleOutcome is one evaluated rule's result and its trace region.
type ruleOutcome struct {
	rule       int32
	out        outcome
	start, end int32
}

// sortInt32s sorts a short slice in place (insertion sort: candidate lists
// are small and this allocates nothing).
func sortInt32s(a []int32) {
	for i := 1; i < len(a); i++ {
		v := a[i]
		j := i - 1
		for j >= 0 && a[j] > v {
			a[j+1] = a[j]
			j--
		}
		a[j+1] = v
	}
}

// record appends a check for n.
func (s *scratch) record(n *node, ok bool, got string) bool {
	s.trace = append(s.trace, Check{Path: n.path, Test: n.desc, OK: ok, Got: got})
	return ok
}

// keep reduces the trace after start to the region [from:].
func (s *scratch) keep(start, from int) {
	k := copy(s.trace[start:], s.trace[from:])
	s.trace = s.trace[:start+k]
}

// eval evaluates n. On return, the trace region it appended holds only
// checks whose OK equals the result: the reasons for it.
func (rs *RuleSet) eval(n *node, in *Input, s *scratch) bool {
	switch n.op {
	case opTrue:
		return s.record(n, true, "matches every input")
	case opAll:
		start := len(s.trace)
		for i := range n.kids {
			from := len(s.trace)
			if !rs.eval(&n.kids[i], in, s) {
				s.keep(start, from)
				return false
			}
		}
		return true
	case opAny:
		start := len(s.trace)
		for i := range n.kids {
			from := len(s.trace)
			if rs.eval(&n.kids[i], in, s) {
				s.keep(start, from)
				return true
			}
		}
		return false
	case opNot:
		start := len(s.trace)
		r := rs.eval(&n.kids[0], in, s)
		for i := start; i < len(s.trace); i++ {
			s.trace[i].OK = !s.trace[i].OK
		}
		return !r
	case opKeywords:
		return evalKeywords(n, s)
	case opRegexp:
		loc := n.re.FindStringIndex(in.Text)
		if loc == nil {
			return s.record(n, false, "no match")
		}
		return s.record(n, true, "matched "+strconv.Quote(in.Text[loc[0]:loc[1]]))
	case opKinds:
		return s.record(n, contains(n.strs, in.Kind), n.got("kind ", in.Kind))
	case opEvents:
		return s.record(n, contains(n.strs, in.Event), n.got("event ", in.Event))
	case opMenuKeys:
		return s.record(n, contains(n.strs, in.MenuKey), n.got("menu key ", in.MenuKey))
	case opChannels:
		return s.record(n, contains(n.strs, in.Channel), n.got("channel ", in.Channel))
	case opTags:
		return evalTags(n, in, s)
	case opLevel:
		ok := (!n.hasMin || in.MemberLevel >= n.min) && (!n.hasMax || in.MemberLevel <= n.max)
		return s.record(n, ok, levelGot(in.MemberLevel))
	case opFirstContact:
		return s.record(n, in.FirstContact == n.flag, "first contact "+strconv.FormatBool(in.FirstContact))
	case opHours:
		open := n.cal.IsOpen(in.Time)
		at := in.Time
		if n.loc != nil {
			at = at.In(n.loc) // explain in the calendar's own zone
		}
		got := "closed at " + at.Format("Mon 2006-01-02 15:04 MST")
		if open {
			got = "open at " + at.Format("Mon 2006-01-02 15:04 MST")
		}
		return s.record(n, open == n.flag, got)
	case opPredicate:
		ok := n.pred(*in)
		return s.record(n, ok, "returned "+strconv.FormatBool(ok))
	}
	return false
}

func evalKeywords(n *node, s *scratch) bool {
	present := func(i int) bool {
		if n.exact {
			return s.isWhole(n.pats[i])
		}
		return s.isFound(n.pats[i])
	}
	switch n.setMode {
	case AllOf:
		for i := range n.pats {
			if !present(i) {
				return s.record(n, false, n.missGot[i])
			}
		}
		if len(n.pats) == 1 {
			return s.record(n, true, n.hitGot[0])
		}
		return s.record(n, true, "found all")
	case NoneOf:
		for i := range n.pats {
			if present(i) {
				return s.record(n, false, n.hitGot[i])
			}
		}
		return s.record(n, true, "found none")
	default:
		for i := range n.pats {
			if present(i) {
				return s.record(n, true, n.hitGot[i])
			}
		}
		return s.record(n, false, "found none")
	}
}

func evalTags(n *node, in *Input, s *scratch) bool {
	switch n.setMode {
	case AllOf:
		for i, t := range n.strs {
			if !in.hasTag(t) {
				return s.record(n, false, n.missGot[i])
			}
		}
		return s.record(n, true, "has all")
	case NoneOf:
		for i, t := range n.strs {
			if in.hasTag(t) {
				return s.record(n, false, n.hitGot[i])
			}
		}
		return s.record(n, true, "has none")
	default:
		for i, t := range n.strs {
			if in.hasTag(t) {
				return s.record(n, true, n.hitGot[i])
			}
		}
		return s.record(n, false, "has none")
	}
}

// levelGots are the explanations of the usual member levels, built once.
var levelGots = func() (t [64]string) {
	for i := range t {
		t[i] = "level " + strconv.Itoa(i)
	}
	return t
}()

// levelGot returns the explanation of member level l.
func levelGot(l int) string {
	if l >= 0 && l < len(levelGots) {
		return levelGots[l]
	}
	return "level " + strconv.Itoa(l)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
