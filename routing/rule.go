package routing

import "github.com/kefu-go/kefu/businesshours"

// Mode says how many rules a rule set applies to one input.
type Mode string

// Rule set modes.
const (
	// FirstMatch applies the highest-priority matching rule only (default).
	FirstMatch Mode = "first_match"
	// CollectAll applies every matching rule: for each action field the
	// highest-priority rule that sets it wins; tags and skills accumulate.
	CollectAll Mode = "collect_all"
)

// Rule is one routing rule: when its condition matches, its action applies.
// It is a plain value: safe to read concurrently, not to modify while read.
type Rule struct {
	// Name identifies the rule in explanations and errors; unique and
	// non-empty.
	Name string `json:"name"`
	// Priority orders the rules: higher runs first; equal priorities keep
	// their order of declaration.
	Priority int `json:"priority"`
	// When is the condition; the zero Condition matches everything.
	When Condition `json:"when"`
	// Then is the action; it must set at least one field.
	Then Action `json:"then"`
	// Disabled rules are validated but never evaluated.
	Disabled bool `json:"disabled,omitempty"`
}

// Config is a rule set as written in Go or JSON, before compilation.
// It is a plain value: safe to read concurrently, not to modify while read.
type Config struct {
	// Name identifies the rule set in explanations.
	Name string `json:"name,omitempty"`
	// Mode is FirstMatch (default) or CollectAll.
	Mode Mode `json:"mode,omitempty"`
	// Rules are the rules, in any order (Priority orders them).
	Rules []Rule `json:"rules"`
	// Default applies when no rule matches; nil means no action.
	Default *Action `json:"default,omitempty"`
	// Calendars are business calendars by name for business-hours
	// conditions; they take precedence over Env.Calendars. In JSON each is a
	// businesshours schedule object.
	Calendars map[string]*businesshours.Calendar `json:"calendars,omitempty"`
}

// Env supplies what a rule set refers to by name. The zero Env is valid: a
// rule set using no predicates and no external calendars needs nothing.
// It is a plain value: safe to read concurrently, not to modify while read.
type Env struct {
	// Predicates are host predicates by name.
	Predicates map[string]PredicateFunc
	// Calendars are business calendars by name.
	Calendars map[string]Calendar
}
