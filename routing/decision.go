package routing

import (
	"fmt"
	"strings"
)

// Decision is the outcome of a rule set for one input, with its explanation.
// It is a plain value owned by the caller.
type Decision struct {
	// RuleSet is the deciding rule set's name.
	RuleSet string `json:"rule_set,omitempty"`
	// Action is what to do: the matched rule's action (FirstMatch), the merge
	// of every matched rule's action (CollectAll), or the rule set's default.
	Action Action `json:"action"`
	// Matched are the applied rules, highest priority first, each with the
	// checks that made it match. Empty when nothing matched.
	Matched []RuleResult `json:"matched,omitempty"`
	// Rejected are the rules evaluated before the (first) match, or all
	// evaluated rules when nothing matched or in CollectAll mode, each with
	// the check that failed.
	Rejected []RuleResult `json:"rejected,omitempty"`
	// Shadowed, filled only by RuleSet.Trace in FirstMatch mode, are rules
	// that would also match but lost to a higher-priority rule.
	Shadowed []RuleResult `json:"shadowed,omitempty"`
	// Skipped counts the rules that were not evaluated because none of the
	// keywords they require occurs in the text: among the rules ranked
	// before the match in FirstMatch mode, among all rules when nothing
	// matched or in CollectAll mode.
	Skipped int `json:"skipped,omitempty"`
	// Default reports that no rule matched and the default action applied.
	Default bool `json:"default,omitempty"`
}

// RuleResult is one rule's outcome with its reasons.
// It is a plain value: safe to read concurrently, not to modify while read.
type RuleResult struct {
	// Rule is the rule's name.
	Rule string `json:"rule"`
	// Priority is the rule's priority.
	Priority int `json:"priority"`
	// Checks are the tests that decided the outcome: for a match, the tests
	// that held; for a rejection, the tests that failed.
	Checks []Check `json:"checks"`
}

// Check is one evaluated test of a condition.
// It is a plain value: safe to read concurrently, not to modify while read.
type Check struct {
	// Path is the test's place in the rule, such as "when.all[1].keywords".
	Path string `json:"path"`
	// Test describes the test, such as `keywords any contains ["退款"]`.
	Test string `json:"test"`
	// OK reports whether the check went the way the outcome needed. Under
	// a "not", OK is the negated result of the inner test.
	OK bool `json:"ok"`
	// Got is what the input showed, such as `found "退款"` or "text".
	Got string `json:"got"`
}

// Rule returns the name of the first applied rule, or "" when none matched.
func (d *Decision) Rule() string {
	if len(d.Matched) == 0 {
		return ""
	}
	return d.Matched[0].Rule
}

// Queue returns the first queue the decision routes to, or "".
func (d *Decision) Queue() string { return d.Action.FirstQueue() }

// String returns a one-line summary.
func (d Decision) String() string {
	if len(d.Matched) == 0 {
		if d.Default {
			return fmt.Sprintf("no rule matched; default → %s", d.Action.summary())
		}
		return "no rule matched; no action"
	}
	names := make([]string, len(d.Matched))
	for i, m := range d.Matched {
		names[i] = fmt.Sprintf("%q", m.Rule)
	}
	return fmt.Sprintf("rule %s → %s", strings.Join(names, ", "), d.Action.summary())
}

// Explain returns a multi-line explanation: the matched rule and why, the
// nearer candidates that were rejected and why, and the resulting action.
func (d Decision) Explain() string {
	var b strings.Builder
	set := ""
	if d.RuleSet != "" {
		set = fmt.Sprintf(" in rule set %q", d.RuleSet)
	}
	switch {
	case len(d.Matched) == 0:
		fmt.Fprintf(&b, "no rule matched%s\n", set)
	default:
		for _, m := range d.Matched {
			fmt.Fprintf(&b, "matched rule %q (priority %d)%s\n", m.Rule, m.Priority, set)
			writeChecks(&b, m.Checks)
		}
	}
	if len(d.Rejected) > 0 {
		b.WriteString("rejected candidates:\n")
		for _, r := range d.Rejected {
			fmt.Fprintf(&b, "  rule %q (priority %d)\n", r.Rule, r.Priority)
			writeChecks(&b, r.Checks)
		}
	}
	if d.Skipped > 0 {
		fmt.Fprintf(&b, "skipped %d other rule(s): none of the keywords they require occurs in the text\n", d.Skipped)
	}
	for _, s := range d.Shadowed {
		fmt.Fprintf(&b, "shadowed: rule %q (priority %d) also matches but ranks lower\n", s.Rule, s.Priority)
	}
	switch {
	case d.Default:
		fmt.Fprintf(&b, "default action: %s\n", d.Action.summary())
	case len(d.Matched) > 0:
		fmt.Fprintf(&b, "action: %s\n", d.Action.summary())
	}
	return b.String()
}

func writeChecks(b *strings.Builder, checks []Check) {
	for _, c := range checks {
		mark := "✓"
		if !c.OK {
			mark = "✗"
		}
		fmt.Fprintf(b, "    %s %s: %s: %s\n", mark, c.Path, c.Test, c.Got)
	}
}

// summary describes the action in one line.
func (a *Action) summary() string {
	var parts []string
	if a.Queue != "" {
		parts = append(parts, fmt.Sprintf("queue %q", a.Queue))
	}
	if len(a.Targets) > 0 {
		ts := make([]string, len(a.Targets))
		for i, t := range a.Targets {
			switch {
			case t.LeaveMessage:
				ts[i] = "leave a message"
			case t.Timeout > 0:
				ts[i] = fmt.Sprintf("%q up to %v", t.Queue, t.Timeout)
			default:
				ts[i] = fmt.Sprintf("%q", t.Queue)
			}
			if len(t.Skills) > 0 {
				ts[i] += fmt.Sprintf(" (skills %q)", t.Skills)
			}
		}
		parts = append(parts, "targets "+strings.Join(ts, " → "))
	}
	if a.Priority != 0 {
		parts = append(parts, fmt.Sprintf("priority %d", a.Priority))
	}
	if a.Handling != "" {
		parts = append(parts, string(a.Handling))
	}
	if a.Greeting != "" {
		parts = append(parts, fmt.Sprintf("greeting %q", a.Greeting))
	}
	if len(a.AddTags) > 0 {
		parts = append(parts, fmt.Sprintf("add tags %q", a.AddTags))
	}
	if a.TicketIntent != "" {
		parts = append(parts, fmt.Sprintf("ticket %q", a.TicketIntent))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}
