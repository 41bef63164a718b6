package routing

import (
	"time"

	"github.com/kefu-go/kefu/businesshours"
)

// SetMode says how a list of keywords or tags must be present.
type SetMode string

// Set modes.
const (
	// AnyOf matches when at least one element is present (the default).
	AnyOf SetMode = "any"
	// AllOf matches when every element is present.
	AllOf SetMode = "all"
	// NoneOf matches when no element is present.
	NoneOf SetMode = "none"
)

// MatchKind says how a keyword is compared with the message text. Both kinds
// compare normalised text: full-width and half-width forms, letter case,
// whitespace and punctuation do not matter.
type MatchKind string

// Match kinds.
const (
	// Contains (半匹配) matches a keyword anywhere in the text (the default).
	Contains MatchKind = "contains"
	// Exact (全匹配) matches only when the whole text is the keyword.
	Exact MatchKind = "exact"
)

// Condition is one node of a rule's condition tree. Exactly one of its fields
// is set: a combinator (All, Any, Not) or a test. The zero Condition, used as a
// Rule's When, matches every input (a catch-all rule); anywhere else it is
// rejected. Condition is a plain value with the same shape in Go and in JSON;
// the constructors (Keywords, And, MemberLevelBetween, ...) build it.
type Condition struct {
	// All matches when every child matches (and).
	All []Condition `json:"all,omitempty"`
	// Any matches when at least one child matches (or).
	Any []Condition `json:"any,omitempty"`
	// Not matches when its child does not.
	Not *Condition `json:"not,omitempty"`

	// Keywords tests the message text for keywords.
	Keywords *KeywordTest `json:"keywords,omitempty"`
	// Regexp is a regular expression (RE2 syntax) tested on the original text.
	Regexp string `json:"regexp,omitempty"`
	// Kinds matches when Input.Kind is one of them.
	Kinds []string `json:"kinds,omitempty"`
	// Events matches when Input.Event is one of them.
	Events []string `json:"events,omitempty"`
	// MenuKeys matches when Input.MenuKey is one of them.
	MenuKeys []string `json:"menu_keys,omitempty"`
	// Tags tests the customer's tags.
	Tags *TagTest `json:"tags,omitempty"`
	// MemberLevel matches when Input.MemberLevel lies in the range.
	MemberLevel *LevelRange `json:"member_level,omitempty"`
	// FirstContact matches when Input.FirstContact equals it.
	FirstContact *bool `json:"first_contact,omitempty"`
	// Channels matches when Input.Channel is one of them.
	Channels []string `json:"channels,omitempty"`
	// BusinessHours tests Input.Time against a business calendar.
	BusinessHours *HoursTest `json:"business_hours,omitempty"`
	// Predicate names a host predicate registered in Env.Predicates.
	Predicate string `json:"predicate,omitempty"`
}

// KeywordTest tests the message text for keywords.
// It is a plain value: safe to read concurrently, not to modify while read.
type KeywordTest struct {
	// Mode is AnyOf (default), AllOf or NoneOf.
	Mode SetMode `json:"mode,omitempty"`
	// Match is Contains (default) or Exact.
	Match MatchKind `json:"match,omitempty"`
	// Words are the keywords; at least one, none empty after normalisation.
	Words []string `json:"words"`
}

// TagTest tests the customer's tags.
// It is a plain value: safe to read concurrently, not to modify while read.
type TagTest struct {
	// Mode is AnyOf (default), AllOf or NoneOf.
	Mode SetMode `json:"mode,omitempty"`
	// Tags are the tags; at least one.
	Tags []string `json:"tags"`
}

// LevelRange is an inclusive range of member levels; a nil bound is open.
// It is a plain value: safe to read concurrently, not to modify while read.
type LevelRange struct {
	// Min is the lowest level that matches; nil means no lower bound.
	Min *int `json:"min,omitempty"`
	// Max is the highest level that matches; nil means no upper bound.
	Max *int `json:"max,omitempty"`
}

// HoursTest tests Input.Time against a named business calendar.
// It is a plain value: safe to read concurrently, not to modify while read.
type HoursTest struct {
	// Calendar names a calendar in the rule set's Calendars or Env.Calendars.
	Calendar string `json:"calendar"`
	// Open selects inside business hours (true) or outside them (false).
	Open bool `json:"open"`
}

// Calendar is a business calendar. *businesshours.Calendar implements it.
// Implementations must be safe for concurrent use. When a calendar also has
// a method Location() *time.Location (as *businesshours.Calendar does),
// explanations show the input's time in that zone.
type Calendar interface {
	// IsOpen reports whether t falls inside business hours.
	IsOpen(t time.Time) bool
}

// PredicateFunc is a host-supplied condition, registered by name in
// Env.Predicates so that JSON rule sets can refer to it. It must be fast,
// must not block, and must be safe for concurrent use.
type PredicateFunc func(in Input) bool

// And matches when every condition matches.
func And(conds ...Condition) Condition { return Condition{All: conds} }

// Or matches when at least one condition matches.
func Or(conds ...Condition) Condition { return Condition{Any: conds} }

// Not matches when c does not.
func Not(c Condition) Condition { return Condition{Not: &c} }

// Keywords tests the text for words with the given mode and match kind.
func Keywords(mode SetMode, match MatchKind, words ...string) Condition {
	return Condition{Keywords: &KeywordTest{Mode: mode, Match: match, Words: words}}
}

// AnyKeyword matches when the text contains at least one of words (半匹配).
func AnyKeyword(words ...string) Condition { return Keywords(AnyOf, Contains, words...) }

// Regexp matches when the original text matches the RE2 expression expr.
func Regexp(expr string) Condition { return Condition{Regexp: expr} }

// KindIs matches when the message kind is one of kinds.
func KindIs(kinds ...string) Condition { return Condition{Kinds: kinds} }

// EventIs matches when the event type is one of events.
func EventIs(events ...string) Condition { return Condition{Events: events} }

// MenuKeyIs matches when the menu (event) key is one of keys.
func MenuKeyIs(keys ...string) Condition { return Condition{MenuKeys: keys} }

// TagsMatch tests the customer's tags with the given mode.
func TagsMatch(mode SetMode, tags ...string) Condition {
	return Condition{Tags: &TagTest{Mode: mode, Tags: tags}}
}

// MemberLevelBetween matches member levels from min to max inclusive.
func MemberLevelBetween(min, max int) Condition {
	return Condition{MemberLevel: &LevelRange{Min: &min, Max: &max}}
}

// MemberLevelAtLeast matches member levels of min or more.
func MemberLevelAtLeast(min int) Condition {
	return Condition{MemberLevel: &LevelRange{Min: &min}}
}

// IsFirstContact matches when Input.FirstContact equals first.
func IsFirstContact(first bool) Condition { return Condition{FirstContact: &first} }

// ChannelIs matches when the channel is one of channels.
func ChannelIs(channels ...string) Condition { return Condition{Channels: channels} }

// InBusinessHours matches when Input.Time is inside the calendar's hours.
func InBusinessHours(calendar string) Condition {
	return Condition{BusinessHours: &HoursTest{Calendar: calendar, Open: true}}
}

// OutsideBusinessHours matches when Input.Time is outside the calendar's hours.
func OutsideBusinessHours(calendar string) Condition {
	return Condition{BusinessHours: &HoursTest{Calendar: calendar, Open: false}}
}

// HostPredicate matches when the host predicate registered under name does.
func HostPredicate(name string) Condition { return Condition{Predicate: name} }

// setCount counts the fields of c that are set.
func (c *Condition) setCount() int {
	n := 0
	for _, set := range []bool{
		c.All != nil, c.Any != nil, c.Not != nil, c.Keywords != nil, c.Regexp != "",
		c.Kinds != nil, c.Events != nil, c.MenuKeys != nil, c.Tags != nil,
		c.MemberLevel != nil, c.FirstContact != nil, c.Channels != nil,
		c.BusinessHours != nil, c.Predicate != "",
	} {
		if set {
			n++
		}
	}
	return n
}

var _ Calendar = (*businesshours.Calendar)(nil)
