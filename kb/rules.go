package kb

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/kefu-go/kefu/internal/textmatch"
)

// RuleAction is what a fired auto-reply rule does.
type RuleAction string

// Rule actions.
const (
	// ActionReply answers with the rule's Reply text (and Media).
	ActionReply RuleAction = "reply"
	// ActionHuman hands the conversation to a person: no automatic answer is
	// sent, and the knowledge-base matches are attached as recommendations
	// for the agent.
	ActionHuman RuleAction = "human"
)

// Rule is an auto-reply rule in the style of the WeChat Official Account
// console: it fires when the whole message equals one of Exact (全匹配) or
// contains one of Contains (半匹配), unless it contains one of Exclude.
//
// Rules are checked before the knowledge entries. When several fire, the
// highest Priority wins; at equal priority ActionHuman beats ActionReply (an
// angry "投诉" with a greeting in it never gets the cheerful greeting), then
// an exact hit beats a contains hit, then the earlier rule wins.
type Rule struct {
	ID       string     `json:"id"`
	Exact    []string   `json:"exact,omitempty"`
	Contains []string   `json:"contains,omitempty"`
	Exclude  []string   `json:"exclude,omitempty"`
	Action   RuleAction `json:"action"`
	Reply    string     `json:"reply,omitempty"`
	Media    []MediaRef `json:"media,omitempty"`
	Priority int        `json:"priority,omitempty"`
}

// Validate returns a *ValidationError for the first problem in r.
func (r *Rule) Validate() error {
	bad := func(field, msg string) error {
		return &ValidationError{Kind: "rule", ID: r.ID, Field: field, Msg: msg}
	}
	if strings.TrimSpace(r.ID) == "" {
		return bad("id", "must be non-empty")
	}
	if len(r.Exact) == 0 && len(r.Contains) == 0 {
		return bad("exact", "a rule needs exact or contains keywords")
	}
	for _, list := range [][]string{r.Exact, r.Contains, r.Exclude} {
		for _, k := range list {
			if textmatch.NormalizedLen(k) == 0 {
				return bad("keywords", "keyword "+quote(k)+" is empty after normalisation")
			}
		}
	}
	switch r.Action {
	case ActionReply:
		if strings.TrimSpace(r.Reply) == "" && len(r.Media) == 0 {
			return bad("reply", "a reply rule needs reply text or media")
		}
	case ActionHuman:
	default:
		return bad("action", "unknown action "+quote(string(r.Action)))
	}
	return nil
}

// DefaultRules returns a starting set: complaints and insults ("投诉",
// "骗子", …) and requests for a person ("转人工", "人工客服", a bare "客服")
// hand the conversation to a human, ahead of every other rule and entry.
func DefaultRules() []Rule {
	return []Rule{
		{
			ID:       "angry",
			Contains: []string{"投诉", "骗子", "骗人", "欺诈", "垃圾", "差评", "举报", "12315", "曝光", "律师"},
			Action:   ActionHuman,
			Priority: 100,
		},
		{
			ID:       "to-human",
			Exact:    []string{"人工", "客服", "真人"},
			Contains: []string{"转人工", "人工客服", "人工服务", "找客服", "真人客服"},
			Action:   ActionHuman,
			Priority: 90,
		},
	}
}

// ruleSet is the compiled form of the rules.
type ruleSet struct {
	rules     []Rule
	exact     *textmatch.Matcher
	exactOf   []int32 // exact pattern → rule
	contains  *textmatch.Matcher
	containOf []rulePattern
}

type rulePattern struct {
	rule    int32
	exclude bool
}

func buildRuleSet(rules []Rule) (*ruleSet, error) {
	rs := &ruleSet{rules: rules}
	var exact, contains []string
	for i, r := range rules {
		for _, k := range r.Exact {
			exact = append(exact, k)
			rs.exactOf = append(rs.exactOf, int32(i))
		}
		for _, k := range r.Contains {
			contains = append(contains, k)
			rs.containOf = append(rs.containOf, rulePattern{rule: int32(i)})
		}
		for _, k := range r.Exclude {
			contains = append(contains, k)
			rs.containOf = append(rs.containOf, rulePattern{rule: int32(i), exclude: true})
		}
	}
	var err error
	if rs.exact, err = textmatch.Compile(exact); err != nil {
		return nil, err
	}
	if rs.contains, err = textmatch.Compile(contains); err != nil {
		return nil, err
	}
	return rs, nil
}

// ruleHit is a fired rule and the keyword that fired it.
type ruleHit struct {
	rule    *Rule
	keyword string
	exact   bool
}

// eval returns the rule that decides text, if any.
func (rs *ruleSet) eval(text string) (ruleHit, bool) {
	if rs == nil || len(rs.rules) == 0 {
		return ruleHit{}, false
	}
	type cand struct {
		rule    int32
		keyword int
		exact   bool
	}
	var buf [8]cand
	cands := buf[:0]
	var exBuf [8]int32
	excluded := exBuf[:0]
	for _, p := range rs.exact.Exact(text) {
		cands = append(cands, cand{rule: rs.exactOf[p], keyword: p, exact: true})
	}
	rs.contains.Scan(text, func(m textmatch.Match) bool {
		rp := rs.containOf[m.Pattern]
		if rp.exclude {
			excluded = append(excluded, rp.rule)
		} else {
			cands = append(cands, cand{rule: rp.rule, keyword: m.Pattern})
		}
		return true
	})
	best := -1
	for i, c := range cands {
		if slices.Contains(excluded, c.rule) {
			continue
		}
		if best < 0 || rs.precedes(c.rule, c.exact, cands[best].rule, cands[best].exact) {
			best = i
		}
	}
	if best < 0 {
		return ruleHit{}, false
	}
	c := cands[best]
	r := &rs.rules[c.rule]
	kw := ""
	if c.exact {
		kw = rs.keyword(c.rule, c.keyword, true)
	} else {
		kw = rs.keyword(c.rule, c.keyword, false)
	}
	return ruleHit{rule: r, keyword: kw, exact: c.exact}, true
}

// keyword returns the keyword text of a global pattern id.
func (rs *ruleSet) keyword(rule int32, pattern int, exact bool) string {
	if exact {
		first := slices.Index(rs.exactOf, rule)
		return rs.rules[rule].Exact[pattern-first]
	}
	first := slices.IndexFunc(rs.containOf, func(p rulePattern) bool { return p.rule == rule })
	return rs.rules[rule].Contains[pattern-first]
}

// precedes reports whether rule a (hit exactly or not) takes precedence over
// rule b.
func (rs *ruleSet) precedes(a int32, aExact bool, b int32, bExact bool) bool {
	ra, rb := &rs.rules[a], &rs.rules[b]
	if c := cmp.Compare(ra.Priority, rb.Priority); c != 0 {
		return c > 0
	}
	if ha, hb := ra.Action == ActionHuman, rb.Action == ActionHuman; ha != hb {
		return ha
	}
	if aExact != bExact {
		return aExact
	}
	return a < b
}

// explain describes why the rule fired.
func (h ruleHit) explain() string {
	how := "contains"
	if h.exact {
		how = "is exactly"
	}
	return "rule " + strconv.Quote(h.rule.ID) + " (priority " + strconv.Itoa(h.rule.Priority) + "): message " + how + " " + strconv.Quote(h.keyword)
}
