package ticket

import (
	"fmt"
	"time"

	"github.com/kefu-go/kefu/businesshours"
)

// Metric names an SLA clock.
// It is a plain value.
type Metric int

// SLA metrics, after Zendesk's set.
const (
	// FirstReply runs from creation to the first public agent record (a
	// reply, or a transition the customer is notified of).
	FirstReply Metric = iota
	// NextReply runs from a customer message or a transition the customer
	// fires (provide_info, reopen), after the first reply, to the next
	// public agent record.
	NextReply
	// PeriodicUpdate runs from each public agent record to the next one.
	PeriodicUpdate
	// Resolution runs from creation to a resolved state; after a reopen it
	// resumes with the time already spent.
	Resolution
	numMetrics
)

var metricNames = [numMetrics]string{"first_reply", "next_reply", "periodic_update", "resolution"}

// String returns the metric's name, e.g. "first_reply".
func (m Metric) String() string {
	if m >= 0 && m < numMetrics {
		return metricNames[m]
	}
	return fmt.Sprintf("metric(%d)", int(m))
}

// ParseMetric returns the metric named s.
func ParseMetric(s string) (Metric, bool) {
	for i, n := range metricNames {
		if n == s {
			return Metric(i), true
		}
	}
	return 0, false
}

// Targets are the SLA targets for one priority. A zero target means the
// metric is not tracked.
// It is a plain configuration value.
type Targets struct {
	FirstReply     time.Duration
	NextReply      time.Duration
	PeriodicUpdate time.Duration
	Resolution     time.Duration
}

func (t *Targets) of(m Metric) time.Duration {
	switch m {
	case FirstReply:
		return t.FirstReply
	case NextReply:
		return t.NextReply
	case PeriodicUpdate:
		return t.PeriodicUpdate
	case Resolution:
		return t.Resolution
	}
	return 0
}

// Policy is one SLA policy: the tickets it applies to, its targets per
// priority, and how time is counted. It is a plain configuration value;
// NewSLA copies it. When must be safe for concurrent use.
type Policy struct {
	// Name identifies the policy in Status and events.
	Name string
	// When selects the tickets the policy applies to. Nil matches every
	// ticket and is allowed only on the last policy (the default).
	When func(t *Ticket) bool
	// Targets holds the targets per priority. A priority without an entry
	// uses the PriorityNormal entry; without that, nothing is tracked.
	Targets map[Priority]Targets
	// Calendar counts business time. Nil counts calendar hours.
	Calendar *businesshours.Calendar
	// WarnBefore is how much (business) time before a due instant a
	// warning fires. Zero means no warnings.
	WarnBefore time.Duration
	// AlertHours is when warnings and breaches may fire; Service.Check holds
	// them back outside these hours. Nil means Calendar (and with a nil
	// Calendar, any time).
	AlertHours *businesshours.Calendar
}

func (p *Policy) targets(pr Priority) (Targets, bool) {
	if p == nil {
		return Targets{}, false
	}
	if t, ok := p.Targets[pr]; ok {
		return t, true
	}
	t, ok := p.Targets[PriorityNormal]
	return t, ok
}

func (p *Policy) alertHours() *businesshours.Calendar {
	if p.AlertHours != nil {
		return p.AlertHours
	}
	return p.Calendar
}

// SLA is an ordered list of policies: the first whose When matches a ticket
// applies, and the last is the default. It is immutable and safe for
// concurrent use (as long as the When functions are). A nil *SLA tracks
// nothing.
type SLA struct {
	policies []Policy
}

// NewSLA validates the policies and returns an SLA. It fails with
// ErrInvalidPolicy when there are none, a name is empty or repeated, a
// target or WarnBefore is negative, a priority is unknown, or a policy with
// a nil When is not the last.
func NewSLA(policies ...Policy) (*SLA, error) {
	if len(policies) == 0 {
		return nil, fmt.Errorf("%w: no policies", ErrInvalidPolicy)
	}
	seen := map[string]bool{}
	for i, p := range policies {
		switch {
		case p.Name == "":
			return nil, fmt.Errorf("%w: policy %d has no name", ErrInvalidPolicy, i)
		case seen[p.Name]:
			return nil, fmt.Errorf("%w: policy %q defined twice", ErrInvalidPolicy, p.Name)
		case p.When == nil && i != len(policies)-1:
			return nil, fmt.Errorf("%w: policy %q matches every ticket but is not last, so the policies after it never apply", ErrInvalidPolicy, p.Name)
		case p.WarnBefore < 0:
			return nil, fmt.Errorf("%w: policy %q: negative warn-before", ErrInvalidPolicy, p.Name)
		}
		seen[p.Name] = true
		for pr, t := range p.Targets {
			if _, ok := pr.normalized(); !ok || pr == "" {
				return nil, fmt.Errorf("%w: policy %q: unknown priority %q", ErrInvalidPolicy, p.Name, pr)
			}
			for m := Metric(0); m < numMetrics; m++ {
				if t.of(m) < 0 {
					return nil, fmt.Errorf("%w: policy %q: negative %s target for %s", ErrInvalidPolicy, p.Name, m, pr)
				}
			}
		}
	}
	ps := make([]Policy, len(policies))
	for i, p := range policies {
		ps[i] = p
		ps[i].Targets = make(map[Priority]Targets, len(p.Targets))
		for k, v := range p.Targets {
			ps[i].Targets[k] = v
		}
	}
	return &SLA{policies: ps}, nil
}

// Policy returns the policy that applies to t, or nil when none matches (no
// default) or s is nil.
func (s *SLA) Policy(t *Ticket) *Policy {
	if s == nil {
		return nil
	}
	for i := range s.policies {
		p := &s.policies[i]
		if p.When == nil || p.When(t) {
			return p
		}
	}
	return nil
}
