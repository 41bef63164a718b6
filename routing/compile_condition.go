package routing

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// condition validates and compiles cd, found at path in rule; top marks a
// rule's When, where the zero Condition matches everything.
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
			n.loc = l.Location() // nil keeps the input's own zone
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
