package kb

import (
	"strconv"
	"time"
)

// Outcome is the kind of a Decision.
type Outcome string

// Outcomes of Answer.
const (
	// OutcomeNoAnswer: nothing matched well enough; the message is a miss.
	OutcomeNoAnswer Outcome = "no answer"
	// OutcomeAuto: answer automatically with Decision.Text (and Media).
	OutcomeAuto Outcome = "auto"
	// OutcomeRecommend: do not answer automatically; offer Decision.Results
	// to the agent for a one-click reply.
	OutcomeRecommend Outcome = "recommend"
	// OutcomeHuman: hand the conversation to a person now (a "转人工" request
	// or an angry message); Decision.Results may hold suggestions.
	OutcomeHuman Outcome = "human"
)

// Decision is what the knowledge base does with one customer message, and
// why.
type Decision struct {
	Outcome Outcome
	// Entry is the answered entry for OutcomeAuto from an entry; nil for a
	// rule reply. Shared with the index: do not modify.
	Entry *Entry
	// Rule is the auto-reply rule that decided (OutcomeAuto or
	// OutcomeHuman), if any. Shared with the index: do not modify.
	Rule *Rule
	// Text and Media are the automatic answer (OutcomeAuto only).
	Text  string
	Media []MediaRef
	// Results are the ranked entry matches: the recommendations for
	// OutcomeRecommend, context for the agent for OutcomeHuman, and the
	// winner first for OutcomeAuto.
	Results []Result
	// Reason says in words why this decision was taken, including the
	// thresholds compared.
	Reason string
}

// ID returns what the decision answers with, in the vocabulary of the
// pre-launch check: the entry id or rule id of an automatic answer,
// "human", or "no answer" (which includes recommendations).
func (d *Decision) ID() string {
	switch d.Outcome {
	case OutcomeAuto:
		if d.Entry != nil {
			return d.Entry.ID
		}
		if d.Rule != nil {
			return d.Rule.ID
		}
	case OutcomeHuman:
		return ExpectHuman
	}
	return ExpectNoAnswer
}

// Answer decides what to do with a customer message at time now:
//
//  1. The auto-reply rules come first (see Rule for precedence). A reply rule
//     answers; a human rule hands over, with the entry matches attached for
//     the agent.
//  2. Otherwise the entries are looked up (see Lookup). The top match is
//     answered automatically only if it scores at least
//     Settings.AutoReplyScore and leads the runner-up by at least
//     Settings.AutoReplyMargin; otherwise the top Settings.Recommendations
//     matches are recommended to the agent. With no match it is a miss.
//
// Answer is pure: it records nothing (KB.Answer also updates the
// statistics).
func (ix *Index) Answer(text string, now time.Time) Decision {
	if hit, ok := ix.rules.eval(text); ok {
		r := hit.rule
		if r.Action == ActionHuman {
			return Decision{Outcome: OutcomeHuman, Rule: r, Results: ix.recommend(ix.Lookup(text, now)),
				Reason: hit.explain() + "; hand to a human"}
		}
		return Decision{Outcome: OutcomeAuto, Rule: r, Text: r.Reply, Media: r.Media,
			Reason: hit.explain() + "; automatic reply"}
	}
	results := ix.Lookup(text, now)
	s := ix.settings
	if len(results) == 0 {
		return Decision{Outcome: OutcomeNoAnswer,
			Reason: "no live entry scored at least " + fmtScore(s.MinScore)}
	}
	top := results[0]
	runnerUp := 0.0
	runnerID := "none"
	if len(results) > 1 {
		runnerUp, runnerID = results[1].Score, strconv.Quote(results[1].Entry.ID)
	}
	why := "entry " + strconv.Quote(top.Entry.ID) + " scored " + fmtScore(top.Score) + " (" + top.Reason.String() + ")"
	lead := top.Score - runnerUp
	switch {
	case top.Score < s.AutoReplyScore:
		why += "; below the auto-reply score " + fmtScore(s.AutoReplyScore) + "; recommended to the agent"
	case lead < s.AutoReplyMargin:
		why += "; only " + fmtScore(lead) + " ahead of " + runnerID + ", margin " + fmtScore(s.AutoReplyMargin) + " needed; recommended to the agent"
	default:
		why += "; at least " + fmtScore(s.AutoReplyScore) + " and " + fmtScore(lead) + " ahead of " + runnerID +
			" (margin " + fmtScore(s.AutoReplyMargin) + "); automatic reply"
		return Decision{Outcome: OutcomeAuto, Entry: top.Entry, Text: top.Entry.Answer, Media: top.Entry.Media,
			Results: results, Reason: why}
	}
	return Decision{Outcome: OutcomeRecommend, Results: ix.recommend(results), Reason: why}
}

func (ix *Index) recommend(r []Result) []Result {
	if n := ix.settings.Recommendations; len(r) > n {
		return r[:n:n]
	}
	return r
}

func fmtScore(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }
