package routing

import (
	"fmt"
	"strings"
)

// LeaveMessage is the queue name Verify and Decision.Target use for a
// decision whose first target is a leave-a-message step.
const LeaveMessage = "leave_message"

// Case is one sample message of a pre-launch check with the routing it
// should get.
// It is a plain value: safe to read concurrently, not to modify while read.
type Case struct {
	// Name labels the case in reports; empty uses the input text.
	Name string `json:"name,omitempty"`
	// Input is the sample message.
	Input Input `json:"input"`
	// WantQueue is the expected first queue: a queue name, LeaveMessage, or
	// "" for no queue.
	WantQueue string `json:"want_queue"`
	// WantRule, when set, is the expected (first) matching rule.
	WantRule string `json:"want_rule,omitempty"`
}

// Mismatch is a case whose decision differs from the expectation.
// It is a plain value: safe to read concurrently, not to modify while read.
type Mismatch struct {
	// Case is the failing case.
	Case Case
	// Got is the full decision (from RuleSet.Trace), with its explanation.
	Got Decision
	// Problem says what differs.
	Problem string
}

// Report is the result of Verify.
// It is a plain value: safe to read concurrently, not to modify while read.
type Report struct {
	// Cases is the number of cases run.
	Cases int
	// Mismatches are the failing cases, in input order.
	Mismatches []Mismatch
}

// OK reports whether every case routed as expected.
func (r Report) OK() bool { return len(r.Mismatches) == 0 }

// String returns a report listing each mismatch with its explanation.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d case(s), %d mismatch(es)\n", r.Cases, len(r.Mismatches))
	for _, m := range r.Mismatches {
		fmt.Fprintf(&b, "\nMISMATCH %s: %s\n", m.Case.label(), m.Problem)
		for _, line := range strings.Split(strings.TrimRight(m.Got.Explain(), "\n"), "\n") {
			b.WriteString("  " + line + "\n")
		}
	}
	return b.String()
}

func (c Case) label() string {
	if c.Name != "" {
		return c.Name
	}
	return fmt.Sprintf("%q", c.Input.Text)
}

// Target returns the decision's first target as Verify compares it: the first
// queue, LeaveMessage when the first target is a leave-a-message step, or "".
func (d *Decision) Target() string {
	chain := d.Action.Chain()
	if len(chain) == 0 {
		return ""
	}
	if chain[0].LeaveMessage {
		return LeaveMessage
	}
	return chain[0].Queue
}

// Verify runs every case through rs (with Trace, so that a mismatch explains
// every rule) and reports each case whose first target, and rule when
// WantRule is set, differs from the expectation. Use it in a Go test before
// launching a rule set:
//
//	if r := routing.Verify(rs, cases); !r.OK() {
//		t.Fatal(r)
//	}
func Verify(rs *RuleSet, cases []Case) Report {
	r := Report{Cases: len(cases)}
	for _, c := range cases {
		d := rs.Trace(c.Input)
		var problems []string
		if got := d.Target(); got != c.WantQueue {
			problems = append(problems, fmt.Sprintf("queue %q, want %q", got, c.WantQueue))
		}
		if c.WantRule != "" && d.Rule() != c.WantRule {
			problems = append(problems, fmt.Sprintf("rule %q, want %q", d.Rule(), c.WantRule))
		}
		if len(problems) > 0 {
			r.Mismatches = append(r.Mismatches, Mismatch{Case: c, Got: d, Problem: strings.Join(problems, "; ")})
		}
	}
	return r
}
