package businesshours

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Calendar is a built, validated business calendar. It answers whether the
// business is open at an instant, when it next opens or changes, the instant a
// given amount of business time after another (Add) and the business time
// between two instants (Between). All of them are correct across daylight
// saving changes, allocate nothing and do not depend on the location of their
// arguments: times are converted to the calendar's time zone.
//
// A Calendar is immutable once built and safe for concurrent use by multiple
// goroutines. A nil *Calendar and the zero Calendar are valid and mean "always
// open": business time then equals calendar time, which is how callers ask for
// SLA targets in calendar hours.
//
// Wall-clock times that do not exist (skipped by a spring-forward change) map to
// the instant the clock jumps; wall-clock times that occur twice (fall-back) map
// to their first occurrence. So a period 01:00–03:00 on a spring-forward day
// lasts one real hour, and 00:00–03:00 on a fall-back day lasts four.
//
// Supported instants are those time.Time.UnixNano can represent (years 1678 to
// 2262).
type Calendar struct {
	built       bool
	sched       Schedule
	loc         *time.Location
	week        [7][]span
	holidays    map[int64]struct{}
	special     map[int64][]span
	exceptions  bool
	lastSpecial int64 // the last day number with a holiday or working day
	// When the location's last UTC offset lasts forever (no more daylight
	// saving), instants from fixedFrom on have offset fixedOff without a zone
	// lookup.
	hasFixed  bool
	fixedFrom int64
	fixedOff  int64
}

// span is a validated period in seconds after midnight.
type span struct{ start, end int64 }

// New validates s and builds a Calendar from it. It returns an error matching
// ErrInvalidSchedule (a *ScheduleError naming the field) when a period is
// empty, reversed or spans midnight, periods of a day overlap, the week has no
// opening period at all, a date is invalid or given twice, a date is both a
// holiday and a working day, or a working day has no periods. Touching periods
// (09:00–12:00 and 12:00–13:00) are joined.
func New(s Schedule) (*Calendar, error) {
	c := &Calendar{built: true, loc: s.Location}
	if c.loc == nil {
		c.loc = time.UTC
	}
	hasOpen := false
	for d := range s.Weekly {
		spans, err := buildSpans("weekly."+weekdayKeys[d], s.Weekly[d])
		if err != nil {
			return nil, err
		}
		c.week[d] = spans
		hasOpen = hasOpen || len(spans) > 0
	}
	if !hasOpen {
		return nil, scheduleErr("weekly", "no opening period in the week (use a nil *Calendar for calendar hours)")
	}
	c.holidays = make(map[int64]struct{}, len(s.Holidays))
	for i, d := range s.Holidays {
		field := fmt.Sprintf("holidays[%d]", i)
		if !d.Valid() {
			return nil, scheduleErr(field, "invalid date %s", d)
		}
		n := d.dayNumber()
		if _, dup := c.holidays[n]; dup {
			return nil, scheduleErr(field, "date %s given twice", d)
		}
		c.holidays[n] = struct{}{}
		c.noteException(n)
	}
	c.special = make(map[int64][]span, len(s.WorkingDays))
	for i, w := range s.WorkingDays {
		field := fmt.Sprintf("working_days[%d]", i)
		if !w.Date.Valid() {
			return nil, scheduleErr(field, "invalid date %s", w.Date)
		}
		n := w.Date.dayNumber()
		if _, dup := c.holidays[n]; dup {
			return nil, scheduleErr(field, "date %s is also a holiday", w.Date)
		}
		if _, dup := c.special[n]; dup {
			return nil, scheduleErr(field, "date %s given twice", w.Date)
		}
		if len(w.Periods) == 0 {
			return nil, scheduleErr(field, "working day %s has no periods (list it as a holiday to close it)", w.Date)
		}
		spans, err := buildSpans(field+".periods", w.Periods)
		if err != nil {
			return nil, err
		}
		c.special[n] = spans
		c.noteException(n)
	}
	c.sched = s.clone()
	c.sched.Location = c.loc
	c.findFixedOffset()
	return c, nil
}

func (c *Calendar) noteException(day int64) {
	if !c.exceptions || day > c.lastSpecial {
		c.lastSpecial = day
	}
	c.exceptions = true
}

func buildSpans(field string, ps []Period) ([]span, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	spans := make([]span, 0, len(ps))
	for i, p := range ps {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case p.Start < 0 || p.Start >= EndOfDay || p.End < 0 || p.End > EndOfDay:
			return nil, scheduleErr(f, "period %s outside 00:00-24:00", p)
		case p.End < p.Start:
			return nil, scheduleErr(f, "period %s spans midnight: split it into %s-24:00 and 00:00-%s on the next day", p, p.Start, p.End)
		case p.End == p.Start:
			return nil, scheduleErr(f, "period %s is empty", p)
		}
		spans = append(spans, span{int64(p.Start), int64(p.End)})
	}
	slices.SortFunc(spans, func(a, b span) int { return int(a.start - b.start) })
	out := spans[:1]
	for _, sp := range spans[1:] {
		last := &out[len(out)-1]
		if sp.start < last.end {
			return nil, scheduleErr(field, "periods %s and %s overlap", spanPeriod(*last), spanPeriod(sp))
		}
		if sp.start == last.end {
			last.end = sp.end
			continue
		}
		out = append(out, sp)
	}
	return slices.Clip(out), nil
}

func spanPeriod(s span) Period { return Period{TimeOfDay(s.start), TimeOfDay(s.end)} }

func (s Schedule) clone() Schedule {
	out := s
	for d := range s.Weekly {
		out.Weekly[d] = slices.Clone(s.Weekly[d])
	}
	out.Holidays = slices.Clone(s.Holidays)
	out.WorkingDays = make([]WorkingDay, len(s.WorkingDays))
	for i, w := range s.WorkingDays {
		out.WorkingDays[i] = WorkingDay{Date: w.Date, Periods: slices.Clone(w.Periods)}
	}
	if len(s.WorkingDays) == 0 {
		out.WorkingDays = nil
	}
	return out
}

// Location returns the calendar's time zone (UTC for a nil or zero Calendar).
func (c *Calendar) Location() *time.Location {
	if c == nil || !c.built {
		return time.UTC
	}
	return c.loc
}

// Schedule returns a copy of the schedule the calendar was built from (the zero
// Schedule for a nil or zero Calendar).
func (c *Calendar) Schedule() Schedule {
	if c == nil || !c.built {
		return Schedule{}
	}
	return c.sched.clone()
}

// MarshalJSON encodes the calendar's schedule (see Schedule). A nil or zero
// Calendar encodes as null.
func (c *Calendar) MarshalJSON() ([]byte, error) {
	if c == nil || !c.built {
		return []byte("null"), nil
	}
	return json.Marshal(c.sched)
}

// UnmarshalJSON decodes a schedule (see Schedule) and builds it with New, so a
// configuration struct can hold a *Calendar field directly. JSON null leaves
// the calendar unchanged.
func (c *Calendar) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s Schedule
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	built, err := New(s)
	if err != nil {
		return err
	}
	*c = *built
	return nil
}

// findFixedOffset notes the final UTC offset of the location if it never
// changes again, so offset lookups after it are a comparison.
func (c *Calendar) findFixedOffset() {
	probe := time.Date(3000, time.January, 1, 0, 0, 0, 0, time.UTC).In(c.loc)
	start, end := probe.ZoneBounds()
	if !end.IsZero() {
		return // still changing (daylight saving rules go on)
	}
	_, off := probe.Zone()
	c.hasFixed, c.fixedOff = true, int64(off)
	c.fixedFrom = -1 << 62
	if !start.IsZero() {
		c.fixedFrom = start.Unix()
	}
}
