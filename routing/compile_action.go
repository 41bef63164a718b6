package routing

import (
	"errors"
	"fmt"
)

func (c *compiler) action(rule, path string, a *Action) {
	if a.isZero() {
		c.fail(rule, path, errors.New("empty action"))
	}
	if a.Queue != "" && len(a.Targets) > 0 {
		c.fail(rule, path+".targets", errors.New("set queue or targets, not both"))
	}
	for i, t := range a.Targets {
		f := fmt.Sprintf("%s.targets[%d]", path, i)
		switch {
		case t.LeaveMessage && i != len(a.Targets)-1:
			c.fail(rule, f, errors.New("leave_message must be the last target"))
		case !t.LeaveMessage && t.Queue == "":
			c.fail(rule, f+".queue", errors.New("empty queue"))
		case t.Timeout < 0:
			c.fail(rule, f+".timeout", fmt.Errorf("negative timeout %v", t.Timeout))
		}
		for j, s := range t.Skills {
			if s == "" {
				c.fail(rule, fmt.Sprintf("%s.skills[%d]", f, j), errors.New("empty skill"))
			}
		}
	}
	switch a.Handling {
	case "", BotFirst, Human:
	default:
		c.fail(rule, path+".handling", fmt.Errorf("unknown handling %q (want %q or %q)", a.Handling, BotFirst, Human))
	}
	for i, t := range a.AddTags {
		if t == "" {
			c.fail(rule, fmt.Sprintf("%s.add_tags[%d]", path, i), errors.New("empty tag"))
		}
	}
}

func cloneAction(a Action) Action {
	if len(a.Targets) > 0 {
		a.Targets = append([]Target(nil), a.Targets...)
		for i := range a.Targets {
			if len(a.Targets[i].Skills) > 0 {
				a.Targets[i].Skills = append([]string(nil), a.Targets[i].Skills...)
			}
		}
	}
	if len(a.AddTags) > 0 {
		a.AddTags = append([]string(nil), a.AddTags...)
	}
	return a
}
