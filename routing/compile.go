package routing

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RuleSet is a compiled, immutable rule set. Build one with Compile or
// ParseJSON; it is safe for concurrent use. The zero RuleSet is not usable;
// a nil *RuleSet decides nothing (Decide returns an empty Decision).
type RuleSet struct {
	name   string
	mode   Mode
	rules  []compiledRule // sorted: highest priority first
	def    *Action
	kw     *keywordIndex
	post   [][]int32 // keyword pattern → rules guarded by it (sorted)
	free   []int32   // rules without a keyword guard (sorted)
	pool   sync.Pool // *scratch
	nRules int       // enabled rules
}

type compiledRule struct {
	name     string
	priority int
	root     node
	action   Action
}

type opKind uint8

const (
	opTrue opKind = iota
	opAll
	opAny
	opNot
	opKeywords
	opRegexp
	opKinds
	opEvents
	opMenuKeys
	opTags
	opLevel
	opFirstContact
	opChannels
	opHours
	opPredicate
)

// node is a compiled condition.
type node struct {
	op   opKind
	path string // field path, such as "when.all[0].keywords"
	desc string // human description of the test
	kids []node

	setMode SetMode
	exact   bool
	pats    []int32  // keyword pattern IDs, parallel to words
	words   []string // keywords as written
	hitGot  []string // per word: `found "w"` or `text is "w"`; per tag: `has tag "t"`
	missGot []string // per word: `missing "w"`; per tag: `missing tag "t"`
	gotKeys []string // input values whose explanation is precomputed ...
	gotVals []string // ... as these strings, such as `kind "text"`
	re      *regexp.Regexp
	strs    []string
	min     int
	max     int
	hasMin  bool
	hasMax  bool
	flag    bool
	cal     Calendar
	loc     *time.Location // the calendar's zone for explanations, or nil
	pred    PredicateFunc
}

type compiler struct {
	env  Env
	cals map[string]Calendar
	kw   *keywordBuilder
	errs []error
}

func (c *compiler) fail(rule, field string, err error) {
	c.errs = append(c.errs, &RuleError{Rule: rule, Field: field, Err: err})
}

// Compile validates cfg and compiles it into a RuleSet. Every keyword of every
// rule is compiled into one multi-pattern matcher, so a decision scans the
// text once whatever the number of rules. Invalid configuration is rejected
// with an error joining one *RuleError per fault, each naming the rule and
// field; all match ErrInvalidRule.
func Compile(cfg Config, env Env) (*RuleSet, error) {
	c := &compiler{env: env, kw: newKeywordBuilder(), cals: make(map[string]Calendar, len(cfg.Calendars))}
	for name, cal := range cfg.Calendars {
		switch {
		case name == "":
			c.fail("", "calendars", errors.New("empty calendar name"))
		case cal == nil:
			c.fail("", "calendars."+name, errors.New("null calendar"))
		default:
			c.cals[name] = cal
		}
	}
	mode := cfg.Mode
	switch mode {
	case "":
		mode = FirstMatch
	case FirstMatch, CollectAll:
	default:
		c.fail("", "mode", fmt.Errorf("unknown mode %q (want %q or %q)", mode, FirstMatch, CollectAll))
	}
	type indexed struct {
		compiledRule
		decl int
	}
	var rules []indexed
	seen := make(map[string]bool, len(cfg.Rules))
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		id := r.Name
		if strings.TrimSpace(id) == "" {
			id = "#" + strconv.Itoa(i+1)
			c.fail(id, "name", errors.New("empty rule name"))
		} else if seen[id] {
			c.fail(id, "name", errors.New("duplicate rule name"))
		}
		seen[id] = true
		root := c.condition(id, "when", &r.When, true)
		c.action(id, "then", &r.Then)
		if r.Disabled {
			continue
		}
		rules = append(rules, indexed{compiledRule{name: id, priority: r.Priority, root: root, action: cloneAction(r.Then)}, i})
	}
	var def *Action
	if cfg.Default != nil {
		c.action("", "default", cfg.Default)
		a := cloneAction(*cfg.Default)
		def = &a
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].priority > rules[j].priority })
	rs := &RuleSet{name: cfg.Name, mode: mode, def: def, nRules: len(rules)}
	rs.rules = make([]compiledRule, len(rules))
	for i := range rules {
		rs.rules[i] = rules[i].compiledRule
	}
	kw, err := c.kw.build()
	if err != nil {
		return nil, &RuleError{Field: "keywords", Err: err}
	}
	rs.kw = kw
	rs.post = make([][]int32, kw.len())
	for i := range rs.rules {
		g, ok := c.guard(&rs.rules[i].root)
		if !ok {
			rs.free = append(rs.free, int32(i))
			continue
		}
		for _, p := range g {
			l := rs.post[p]
			if len(l) == 0 || l[len(l)-1] != int32(i) {
				rs.post[p] = append(l, int32(i))
			}
		}
	}
	rs.pool.New = func() any { return newScratch(len(rs.rules), kw.len()) }
	return rs, nil
}

// guard returns keyword patterns at least one of which must occur in the text
// for n to match, or ok=false when n can match without any keyword.
func (c *compiler) guard(n *node) (g []int32, ok bool) {
	switch n.op {
	case opKeywords:
		switch n.setMode {
		case AnyOf:
			return n.pats, true
		case AllOf:
			best := n.pats[0]
			for _, p := range n.pats[1:] {
				if c.kw.weight(p) > c.kw.weight(best) {
					best = p
				}
			}
			return []int32{best}, true
		}
		return nil, false
	case opAll:
		for i := range n.kids {
			if kg, kok := c.guard(&n.kids[i]); kok && (!ok || len(kg) < len(g)) {
				g, ok = kg, true
			}
		}
		return g, ok
	case opAny:
		for i := range n.kids {
			kg, kok := c.guard(&n.kids[i])
			if !kok {
				return nil, false
			}
			g = append(g[:len(g):len(g)], kg...)
		}
		return g, len(n.kids) > 0
	}
	return nil, false
}

func (c *compiler) condition(rule, path string, cd *Condition, top bool) node {
	n := node{path: path}
	switch cnt := cd.setCount(); {
	case cnt == 0 && top:
		n.op, n.desc = opTrue, "always (no condition)"
		return n
	case cnt == 0:
		c.fail(rule, path, errors.New("empty condition"))
		return n
	case cnt > 1:
		c.fail(rule, path, fmt.Errorf("condition sets %d tests; combine them with all/any", cnt))
		return n
	}
	switch {
	case cd.All != nil || cd.Any != nil:
		kids, name := cd.All, "all"
		n.op = opAll
		if cd.Any != nil {
			kids, name, n.op = cd.Any, "any", opAny
		}
		if len(kids) == 0 {
			c.fail(rule, path+"."+name, errors.New("empty list"))
		}
		n.desc = name
		n.kids = make([]node, len(kids))
		for i := range kids {
			n.kids[i] = c.condition(rule, fmt.Sprintf("%s.%s[%d]", path, name, i), &kids[i], false)
		}
	case cd.Not != nil:
		n.op, n.desc = opNot, "not"
		n.kids = []node{c.condition(rule, path+".not", cd.Not, false)}
	case cd.Keywords != nil:
		c.keywords(rule, path+".keywords", cd.Keywords, &n)
	case cd.Regexp != "":
		n.op, n.path = opRegexp, path+".regexp"
		re, err := regexp.Compile(cd.Regexp)
		if err != nil {
			c.fail(rule, n.path, err)
		}
		n.re, n.desc = re, "regexp "+strconv.Quote(cd.Regexp)
	case cd.Kinds != nil:
		c.strList(rule, path+".kinds", cd.Kinds, opKinds, "kind in", &n)
		n.precomputeGot("kind ", append(n.strs[:len(n.strs):len(n.strs)], commonKinds...))
	case cd.Events != nil:
		c.strList(rule, path+".events", cd.Events, opEvents, "event in", &n)
		n.precomputeGot("event ", n.strs)
	case cd.MenuKeys != nil:
		c.strList(rule, path+".menu_keys", cd.MenuKeys, opMenuKeys, "menu key in", &n)
		n.precomputeGot("menu key ", n.strs)
	case cd.Channels != nil:
		c.strList(rule, path+".channels", cd.Channels, opChannels, "channel in", &n)
		n.precomputeGot("channel ", n.strs)
	case cd.Tags != nil:
		n.path = path + ".tags"
		n.setMode = c.setMode(rule, n.path+".mode", cd.Tags.Mode)
		c.strList(rule, n.path+".tags", cd.Tags.Tags, opTags, "", &n)
		n.path = path + ".tags"
		n.desc = fmt.Sprintf("tags %s of %q", n.setMode, cd.Tags.Tags)
		for _, t := range n.strs {
			n.hitGot = append(n.hitGot, "has tag "+strconv.Quote(t))
			n.missGot = append(n.missGot, "missing tag "+strconv.Quote(t))
		}
	case cd.MemberLevel != nil:
		n.op, n.path = opLevel, path+".member_level"
		lr := cd.MemberLevel
		if lr.Min == nil && lr.Max == nil {
			c.fail(rule, n.path, errors.New("range sets neither min nor max"))
		}
		if lr.Min != nil {
			n.min, n.hasMin = *lr.Min, true
		}
		if lr.Max != nil {
			n.max, n.hasMax = *lr.Max, true
		}
		if n.hasMin && n.hasMax && n.min > n.max {
			c.fail(rule, n.path+".max", fmt.Errorf("max %d below min %d", n.max, n.min))
		}
		switch {
		case n.hasMin && n.hasMax:
			n.desc = fmt.Sprintf("member level %d..%d", n.min, n.max)
		case n.hasMin:
			n.desc = fmt.Sprintf("member level >= %d", n.min)
		default:
			n.desc = fmt.Sprintf("member level <= %d", n.max)
		}
	case cd.FirstContact != nil:
		n.op, n.path, n.flag = opFirstContact, path+".first_contact", *cd.FirstContact
		n.desc = "first contact is " + strconv.FormatBool(n.flag)
	case cd.BusinessHours != nil:
		n.op, n.path, n.flag = opHours, path+".business_hours", cd.BusinessHours.Open
		name := cd.BusinessHours.Calendar
		cal := c.cals[name]
		if cal == nil {
			cal = c.env.Calendars[name]
		}
		if cal == nil {
			c.fail(rule, n.path+".calendar", fmt.Errorf("%w %q", ErrUnknownCalendar, name))
		}
		n.cal = cal
		if l, ok := cal.(interface{ Location() *time.Location }); ok {
			n.loc = l.Location()
		}
		if n.flag {
			n.desc = fmt.Sprintf("inside business hours of %q", name)
		} else {
			n.desc = fmt.Sprintf("outside business hours of %q", name)
		}
	case cd.Predicate != "":
		n.op, n.path = opPredicate, path+".predicate"
		n.pred = c.env.Predicates[cd.Predicate]
		if n.pred == nil {
			c.fail(rule, n.path, fmt.Errorf("%w %q", ErrUnknownPredicate, cd.Predicate))
		}
		n.desc = "predicate " + strconv.Quote(cd.Predicate)
	}
	return n
}

// commonKinds are the message kinds whose explanation strings every kind
// test precomputes, so that explaining them allocates nothing.
var commonKinds = []string{"", KindText, KindImage, KindVoice, KindVideo, KindShortVideo, KindLocation, KindLink, KindEvent}

// precomputeGot prepares the explanation prefix+quoted(v) of each value in
// vals and of the empty value, so that a decision seeing one of them does
// not build the string.
func (n *node) precomputeGot(prefix string, vals []string) {
	for _, v := range append(vals[:len(vals):len(vals)], "") {
		if !contains(n.gotKeys, v) {
			n.gotKeys = append(n.gotKeys, v)
			n.gotVals = append(n.gotVals, prefix+strconv.Quote(v))
		}
	}
}

// got returns the explanation prefix+quoted(v), precomputed when possible.
func (n *node) got(prefix, v string) string {
	for i, k := range n.gotKeys {
		if k == v {
			return n.gotVals[i]
		}
	}
	return prefix + strconv.Quote(v)
}

func (c *compiler) setMode(rule, field string, m SetMode) SetMode {
	switch m {
	case "":
		return AnyOf
	case AnyOf, AllOf, NoneOf:
		return m
	}
	c.fail(rule, field, fmt.Errorf("unknown mode %q (want any, all or none)", m))
	return AnyOf
}

func (c *compiler) keywords(rule, path string, k *KeywordTest, n *node) {
	n.op, n.path = opKeywords, path
	n.setMode = c.setMode(rule, path+".mode", k.Mode)
	switch k.Match {
	case "", Contains:
		n.desc = string(Contains)
	case Exact:
		n.exact, n.desc = true, string(Exact)
		c.kw.exact = true
	default:
		c.fail(rule, path+".match", fmt.Errorf("unknown match %q (want contains or exact)", k.Match))
	}
	if len(k.Words) == 0 {
		c.fail(rule, path+".words", errors.New("no keywords"))
	}
	for i, w := range k.Words {
		id, ok := c.kw.add(w)
		if !ok {
			c.fail(rule, fmt.Sprintf("%s.words[%d]", path, i), fmt.Errorf("keyword %q is empty after normalisation", w))
			continue
		}
		n.pats = append(n.pats, id)
		n.words = append(n.words, w)
		if n.exact {
			n.hitGot = append(n.hitGot, "text is "+strconv.Quote(w))
		} else {
			n.hitGot = append(n.hitGot, "found "+strconv.Quote(w))
		}
		n.missGot = append(n.missGot, "missing "+strconv.Quote(w))
	}
	n.desc = fmt.Sprintf("keywords %s %s %q", n.setMode, n.desc, k.Words)
}

func (c *compiler) strList(rule, path string, list []string, op opKind, what string, n *node) {
	n.op, n.path = op, path
	if len(list) == 0 {
		c.fail(rule, path, errors.New("empty list"))
	}
	for i, s := range list {
		if s == "" {
			c.fail(rule, fmt.Sprintf("%s[%d]", path, i), errors.New("empty value"))
		}
	}
	n.strs = append([]string(nil), list...)
	n.desc = fmt.Sprintf("%s %q", what, list)
}

func (c *compiler) action(rule, path string, a *Action) {
	if a.isZero() {
		c.fail(rule, path, errors.New("empty action"))
	}
	if a.Queue != "" && len(a.Targets) > 0 {
		c.fail(rule, path+".targets", errors.New("set queue or targets, not both"))
	}
	for i, t := range a.Targets {
		f := fmt.Sprintf("%s.targets[%d]", path, i)
		switch {
		case t.LeaveMessage && i != len(a.Targets)-1:
			c.fail(rule, f, errors.New("leave_message must be the last target"))
		case !t.LeaveMessage && t.Queue == "":
			c.fail(rule, f+".queue", errors.New("empty queue"))
		case t.Timeout < 0:
			c.fail(rule, f+".timeout", fmt.Errorf("negative timeout %v", t.Timeout))
		}
		for j, s := range t.Skills {
			if s == "" {
				c.fail(rule, fmt.Sprintf("%s.skills[%d]", f, j), errors.New("empty skill"))
			}
		}
	}
	switch a.Handling {
	case "", BotFirst, Human:
	default:
		c.fail(rule, path+".handling", fmt.Errorf("unknown handling %q (want %q or %q)", a.Handling, BotFirst, Human))
	}
	for i, t := range a.AddTags {
		if t == "" {
			c.fail(rule, fmt.Sprintf("%s.add_tags[%d]", path, i), errors.New("empty tag"))
		}
	}
}

func cloneAction(a Action) Action {
	if len(a.Targets) > 0 {
		a.Targets = append([]Target(nil), a.Targets...)
		for i := range a.Targets {
			if len(a.Targets[i].Skills) > 0 {
				a.Targets[i].Skills = append([]string(nil), a.Targets[i].Skills...)
			}
		}
	}
	if len(a.AddTags) > 0 {
		a.AddTags = append([]string(nil), a.AddTags...)
	}
	return a
}

// Name returns the rule set's name.
func (rs *RuleSet) Name() string {
	if rs == nil {
		return ""
	}
	return rs.name
}

// Mode returns the rule set's mode.
func (rs *RuleSet) Mode() Mode {
	if rs == nil {
		return FirstMatch
	}
	return rs.mode
}

// Len returns the number of enabled rules.
func (rs *RuleSet) Len() int {
	if rs == nil {
		return 0
	}
	return rs.nRules
}
