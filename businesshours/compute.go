package businesshours

import "time"

const nanosPerSecond = int64(time.Second)

// alwaysOpen reports whether c is a nil or zero calendar.
func (c *Calendar) alwaysOpen() bool { return c == nil || !c.built }

// IsOpen reports whether the business is open at t.
func (c *Calendar) IsOpen(t time.Time) bool {
	if c.alwaysOpen() {
		return true
	}
	tn := t.UnixNano()
	day := c.dayOf(tn)
	ps := c.periodsOn(day)
	if len(ps) == 0 {
		return false
	}
	m := c.mapDay(day)
	for _, p := range ps {
		if s, e := c.bounds(m, p); s <= tn && tn < e {
			return true
		}
	}
	return false
}

// NextOpen returns t if the business is open at t, otherwise the instant it
// next opens. The result is in t's location.
func (c *Calendar) NextOpen(t time.Time) time.Time {
	if c.alwaysOpen() {
		return t
	}
	tn := t.UnixNano()
	for day := c.dayOf(tn); ; day++ {
		ps := c.periodsOn(day)
		if len(ps) == 0 {
			continue
		}
		m := c.mapDay(day)
		for _, p := range ps {
			s, e := c.bounds(m, p)
			if e <= tn || s == e {
				continue
			}
			if s <= tn {
				return t
			}
			return time.Unix(0, s).In(t.Location())
		}
	}
}

// NextChange returns the first instant after t at which the business opens
// (if closed at t) or closes (if open at t), joining periods that touch across
// midnight. ok is false when the calendar never changes again (open around the
// clock from t on, or a nil Calendar). The result is in t's location.
func (c *Calendar) NextChange(t time.Time) (next time.Time, ok bool) {
	if c.alwaysOpen() {
		return time.Time{}, false
	}
	tn := t.UnixNano()
	first := c.dayOf(tn)
	limit := max(first, c.lastSpecial) + 8
	open := false
	var runEnd int64
	for day := first; ; day++ {
		if open && day > limit {
			return time.Time{}, false
		}
		ps := c.periodsOn(day)
		if len(ps) == 0 {
			if open {
				return time.Unix(0, runEnd).In(t.Location()), true
			}
			continue
		}
		m := c.mapDay(day)
		for _, p := range ps {
			s, e := c.bounds(m, p)
			if e <= tn || s == e {
				continue
			}
			switch {
			case open && s == runEnd:
				runEnd = e
			case open:
				return time.Unix(0, runEnd).In(t.Location()), true
			case s > tn:
				return time.Unix(0, s).In(t.Location()), true
			default:
				open, runEnd = true, e
			}
		}
	}
}

// Add returns the instant at which d of business time has elapsed after t: the
// earliest u with Between(t, u) == d. Add(t, d) for d <= 0 returns t. Opening
// periods are counted from t on, so a duration that uses up the day exactly
// returns the closing time, not the next opening. The result is in t's
// location.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	if c.alwaysOpen() {
		return t.Add(d)
	}
	tn := t.UnixNano()
	rem := int64(d)
	for day := c.dayOf(tn); ; day++ {
		ps := c.periodsOn(day)
		if len(ps) == 0 {
			continue
		}
		m := c.mapDay(day)
		for _, p := range ps {
			s, e := c.bounds(m, p)
			if e <= tn {
				continue
			}
			if s < tn {
				s = tn
			}
			if e-s >= rem {
				return time.Unix(0, s+rem).In(t.Location())
			}
			rem -= e - s
		}
	}
}

// Between returns the business time elapsed from a to b. If b is before a the
// result is negative: Between(a, b) == -Between(b, a).
func (c *Calendar) Between(a, b time.Time) time.Duration {
	if c.alwaysOpen() {
		return b.Sub(a)
	}
	an, bn := a.UnixNano(), b.UnixNano()
	if bn < an {
		return -c.between(bn, an)
	}
	return c.between(an, bn)
}

func (c *Calendar) between(an, bn int64) time.Duration {
	var total int64
	last := c.dayOf(bn)
	for day := c.dayOf(an); day <= last; day++ {
		ps := c.periodsOn(day)
		if len(ps) == 0 {
			continue
		}
		m := c.mapDay(day)
		for _, p := range ps {
			s, e := c.bounds(m, p)
			s, e = max(s, an), min(e, bn)
			if e > s {
				total += e - s
			}
		}
	}
	return time.Duration(total)
}

// periodsOn returns the opening spans of a local day number.
func (c *Calendar) periodsOn(day int64) []span {
	if c.exceptions {
		if _, closed := c.holidays[day]; closed {
			return nil
		}
		if ps, ok := c.special[day]; ok {
			return ps
		}
	}
	wd := (day + 4) % 7 // 1970-01-01 was a Thursday
	if wd < 0 {
		wd += 7
	}
	return c.week[wd]
}

// dayOf returns the local day number of the instant tn (Unix nanoseconds).
func (c *Calendar) dayOf(tn int64) int64 {
	sec := floorDiv(tn, nanosPerSecond)
	return floorDiv(sec+c.offsetAt(sec), secondsPerDay)
}

// dayMap converts wall-clock seconds of one local day to instants.
type dayMap struct {
	wall0 int64 // the day's midnight in local seconds since the epoch
	off   int64 // the UTC offset in force all day, when fixed
	fixed bool  // no offset change within the day (and well around it)
}

func (c *Calendar) mapDay(day int64) dayMap {
	w0 := day * secondsPerDay
	before := c.offsetAt(w0 - secondsPerDay)
	after := c.offsetAt(w0 + 2*secondsPerDay)
	return dayMap{wall0: w0, off: before, fixed: before == after}
}

// bounds returns the instants (Unix nanoseconds) at which span p starts and
// ends on the day m.
func (c *Calendar) bounds(m dayMap, p span) (start, end int64) {
	if m.fixed {
		return (m.wall0 + p.start - m.off) * nanosPerSecond, (m.wall0 + p.end - m.off) * nanosPerSecond
	}
	return c.wallToUnix(m.wall0+p.start) * nanosPerSecond, c.wallToUnix(m.wall0+p.end) * nanosPerSecond
}

// wallToUnix returns the first instant whose local wall clock reads w or later
// (w in local seconds since the epoch): the instant itself when w occurs once,
// its first occurrence when it occurs twice, and the moment of the jump when it
// is skipped.
func (c *Calendar) wallToUnix(w int64) int64 {
	offBefore := c.offsetAt(w - secondsPerDay)
	offAfter := c.offsetAt(w + secondsPerDay)
	a, b := w-offBefore, w-offAfter
	validA := c.offsetAt(a) == offBefore
	validB := c.offsetAt(b) == offAfter
	switch {
	case validA && validB:
		return min(a, b)
	case validA:
		return a
	case validB:
		return b
	}
	start, _ := time.Unix(max(a, b), 0).In(c.loc).ZoneBounds()
	return start.Unix()
}

func (c *Calendar) offsetAt(unix int64) int64 {
	if c.hasFixed && unix >= c.fixedFrom {
		return c.fixedOff
	}
	_, off := time.Unix(unix, 0).In(c.loc).Zone()
	return int64(off)
}
