package kb

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kefu-go/kefu/internal/textmatch"
)

// Severity says what the host should do with a reply that violates a phrase
// rule.
type Severity string

// Severities.
const (
	SeverityBlock Severity = "block" // do not send the reply
	SeverityFlag  Severity = "flag"  // send, but mark for review
)

// Phrase is a forbidden or risky phrase for agents' outgoing text, such as a
// promise the company cannot keep ("终身免费升级") or an absolute claim the
// advertising law forbids ("最便宜"). It is matched like knowledge keywords:
// after normalisation, so spaces, punctuation and full-width letters do not
// hide it.
type Phrase struct {
	Text       string   `json:"text"`
	Rule       string   `json:"rule"`                 // the rule or policy it belongs to, e.g. "广告法-绝对化用语"
	Severity   Severity `json:"severity"`             // block or flag
	Suggestion string   `json:"suggestion,omitempty"` // what to say instead
}

// Validate returns a *ValidationError for the first problem in p.
func (p *Phrase) Validate() error {
	bad := func(field, msg string) error {
		return &ValidationError{Kind: "phrase", ID: p.Text, Field: field, Msg: msg}
	}
	if textmatch.NormalizedLen(p.Text) == 0 {
		return bad("text", "is empty after normalisation")
	}
	if strings.TrimSpace(p.Rule) == "" {
		return bad("rule", "must be non-empty")
	}
	if p.Severity != SeverityBlock && p.Severity != SeverityFlag {
		return bad("severity", "must be \"block\" or \"flag\"")
	}
	return nil
}

// Violation is one occurrence of a guarded phrase in an outgoing text.
//
// Positions are given twice, both in the ORIGINAL text (not the normalised
// one): Start and End are byte offsets, for Go slicing (text[Start:End] ==
// Text); RuneStart and RuneEnd count Unicode code points, for editors that
// index by character. A span may contain spaces or punctuation the agent
// put inside the phrase ("终身 免费升级").
type Violation struct {
	Phrase    Phrase
	Start     int    // byte offset of the first byte
	End       int    // byte offset after the last byte
	RuneStart int    // code-point offset of the first character
	RuneEnd   int    // code-point offset after the last character
	Text      string // text[Start:End], as the agent typed it
	Severity  Severity
}

// Blocked reports whether any violation has SeverityBlock.
func Blocked(vs []Violation) bool {
	for i := range vs {
		if vs[i].Severity == SeverityBlock {
			return true
		}
	}
	return false
}

type phraseGuard struct {
	phrases []Phrase
	matcher *textmatch.Matcher
}

func buildGuard(phrases []Phrase) (*phraseGuard, error) {
	texts := make([]string, len(phrases))
	for i := range phrases {
		texts[i] = phrases[i].Text
	}
	m, err := textmatch.Compile(texts)
	if err != nil {
		return nil, err
	}
	return &phraseGuard{phrases: phrases, matcher: m}, nil
}

func (g *phraseGuard) check(text string) []Violation {
	if g == nil {
		return nil
	}
	var out []Violation
	g.matcher.Scan(text, func(m textmatch.Match) bool {
		p := g.phrases[m.Pattern]
		out = append(out, Violation{Phrase: p, Start: m.Start, End: m.End, Text: text[m.Start:m.End], Severity: p.Severity})
		return true
	})
	// Scan reports by end position; order by start, then end, and count runes
	// in one pass.
	slices.SortStableFunc(out, func(a, b Violation) int {
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		return cmp.Compare(a.End, b.End)
	})
	pos, runes := 0, 0
	for i := range out {
		runes += utf8.RuneCountInString(text[pos:out[i].Start])
		pos = out[i].Start
		out[i].RuneStart = runes
		out[i].RuneEnd = runes + utf8.RuneCountInString(out[i].Text)
	}
	return out
}
