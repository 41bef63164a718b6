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
