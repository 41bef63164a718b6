package routing

import (
	"encoding/json"
	"fmt"
	"time"
)

// Handling says who answers first.
type Handling string

// Handling values.
const (
	// BotFirst lets the bot (for example kb auto-reply) answer before a person.
	BotFirst Handling = "bot_first"
	// Human sends the conversation straight to a person, skipping the bot.
	Human Handling = "human"
)

// Action is what a matching rule decides. Every field is optional, but an
// action must set at least one. It is a plain value.
type Action struct {
	// Queue is the queue to route to; shorthand for a single target without
	// timeout. Set Queue or Targets, not both.
	Queue string `json:"queue,omitempty"`
	// Targets are queues tried in order, each with a timeout (wait in the
	// senior queue up to 60 s, then the general queue, then leave a message).
	Targets []Target `json:"targets,omitempty"`
	// Priority is the conversation's queue priority; higher is served first.
	Priority int `json:"priority,omitempty"`
	// Handling is BotFirst or Human; empty leaves it to the host.
	Handling Handling `json:"handling,omitempty"`
	// Greeting is a text to send the customer, such as a VIP notice.
	Greeting string `json:"greeting,omitempty"`
	// AddTags are tags the host should add to the customer.
	AddTags []string `json:"add_tags,omitempty"`
	// TicketIntent tells the host to open a ticket of this kind ("refund").
	TicketIntent string `json:"ticket_intent,omitempty"`
}

// Target is one step of an escalation chain.
// It is a plain value: safe to read concurrently, not to modify while read.
type Target struct {
	// Queue is the queue to wait in.
	Queue string `json:"queue,omitempty"`
	// Timeout is how long to wait in Queue before moving to the next target;
	// zero waits without limit. A target whose queue has nobody online is
	// skipped at once, whatever its timeout.
	Timeout time.Duration `json:"-"`
	// Skills are skills an agent of Queue must have to take the
	// conversation at this step (for example "senior").
	Skills []string `json:"skills,omitempty"`
	// LeaveMessage marks the terminal step: the host should take a message.
	// Queue, Timeout and Skills are ignored on such a target.
	LeaveMessage bool `json:"leave_message,omitempty"`
}

type targetJSON struct {
	Queue        string   `json:"queue,omitempty"`
	Timeout      string   `json:"timeout,omitempty"`
	Skills       []string `json:"skills,omitempty"`
	LeaveMessage bool     `json:"leave_message,omitempty"`
}

// MarshalJSON writes Timeout as a duration string such as "1m0s".
func (t Target) MarshalJSON() ([]byte, error) {
	j := targetJSON{Queue: t.Queue, Skills: t.Skills, LeaveMessage: t.LeaveMessage}
	if t.Timeout != 0 {
		j.Timeout = t.Timeout.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads Timeout as a duration string such as "60s".
func (t *Target) UnmarshalJSON(b []byte) error {
	var j targetJSON
	if err := strictUnmarshal(b, &j); err != nil {
		return err
	}
	var d time.Duration
	if j.Timeout != "" {
		var err error
		if d, err = time.ParseDuration(j.Timeout); err != nil {
			return fmt.Errorf("timeout: %w", err)
		}
	}
	*t = Target{Queue: j.Queue, Timeout: d, Skills: j.Skills, LeaveMessage: j.LeaveMessage}
	return nil
}

// FirstQueue returns the first queue the action routes to: Queue, or the
// first target's queue, or "" when the action routes nowhere.
func (a *Action) FirstQueue() string {
	if a.Queue != "" {
		return a.Queue
	}
	if len(a.Targets) == 0 || a.Targets[0].LeaveMessage {
		return ""
	}
	return a.Targets[0].Queue
}

// Chain returns the action's targets: Targets, or a single target for Queue.
func (a *Action) Chain() []Target {
	if len(a.Targets) > 0 {
		return a.Targets
	}
	if a.Queue != "" {
		return []Target{{Queue: a.Queue}}
	}
	return nil
}

// isZero reports whether the action sets nothing.
func (a *Action) isZero() bool {
	return a.Queue == "" && len(a.Targets) == 0 && a.Priority == 0 && a.Handling == "" &&
		a.Greeting == "" && len(a.AddTags) == 0 && a.TicketIntent == ""
}

// mergeFrom fills the fields of a that are still unset from b (collect-all:
// the higher-priority rule wins each field; tags and skills accumulate).
func (a *Action) mergeFrom(b *Action) {
	if a.Queue == "" && len(a.Targets) == 0 {
		a.Queue, a.Targets = b.Queue, b.Targets
	}
	if a.Priority == 0 {
		a.Priority = b.Priority
	}
	if a.Handling == "" {
		a.Handling = b.Handling
	}
	if a.Greeting == "" {
		a.Greeting = b.Greeting
	}
	if a.TicketIntent == "" {
		a.TicketIntent = b.TicketIntent
	}
	a.AddTags = appendMissing(a.AddTags, b.AddTags)
}

// appendMissing appends the elements of src not yet in dst, copying dst first
// so that compiled actions are never aliased.
func appendMissing(dst, src []string) []string {
	for _, s := range src {
		found := false
		for _, d := range dst {
			if d == s {
				found = true
				break
			}
		}
		if !found {
			dst = append(dst[:len(dst):len(dst)], s)
		}
	}
	return dst
}
