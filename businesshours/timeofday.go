package businesshours

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeOfDay is a wall-clock time within a day, in seconds after midnight, from
// 0 (00:00) to 86400 (24:00, allowed only as the end of a period). It is a
// plain value, safe for concurrent use. Its text form is "HH:MM" or "HH:MM:SS".
type TimeOfDay int32

// EndOfDay is 24:00, the end of a period that closes at midnight.
const EndOfDay TimeOfDay = 24 * 60 * 60

// Clock returns the TimeOfDay hour:minute, for example Clock(13, 30) for 13:30.
func Clock(hour, minute int) TimeOfDay { return TimeOfDay(hour*3600 + minute*60) }

// String formats t as "HH:MM", or "HH:MM:SS" when it has seconds.
func (t TimeOfDay) String() string {
	h, m, s := int(t)/3600, int(t)/60%60, int(t)%60
	if s != 0 {
		return fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%02d:%02d", h, m)
}

// ParseTimeOfDay parses "HH:MM" or "HH:MM:SS" (00:00 to 24:00).
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, fmt.Errorf("businesshours: time of day %q: want HH:MM or HH:MM:SS", s)
	}
	var v [3]int
	for i, p := range parts {
		if len(p) != 2 {
			return 0, fmt.Errorf("businesshours: time of day %q: want two digits per field", s)
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("businesshours: time of day %q: not a number", s)
		}
		v[i] = n
	}
	if v[1] > 59 || v[2] > 59 {
		return 0, fmt.Errorf("businesshours: time of day %q: minutes and seconds must be below 60", s)
	}
	t := TimeOfDay(v[0]*3600 + v[1]*60 + v[2])
	if t > EndOfDay {
		return 0, fmt.Errorf("businesshours: time of day %q: after 24:00", s)
	}
	return t, nil
}

// MarshalText implements encoding.TextMarshaler.
func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	v, err := ParseTimeOfDay(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Period is an opening period within one day, [Start, End) in wall-clock time.
// End may be 24:00 (EndOfDay). A period never spans midnight: write 22:00–02:00
// as 22:00–24:00 on the first day and 00:00–02:00 on the next; the calendar
// joins them into one opening. Its text form is "09:00-12:00". It is a plain
// value, as are Date and WorkingDay.
type Period struct {
	Start TimeOfDay
	End   TimeOfDay
}

// String formats p as "HH:MM-HH:MM".
func (p Period) String() string { return p.Start.String() + "-" + p.End.String() }

// ParsePeriod parses "HH:MM-HH:MM". It checks only the syntax; New checks that
// the period is well formed.
func ParsePeriod(s string) (Period, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return Period{}, fmt.Errorf("businesshours: period %q: want HH:MM-HH:MM", s)
	}
	start, err := ParseTimeOfDay(strings.TrimSpace(a))
	if err != nil {
		return Period{}, err
	}
	end, err := ParseTimeOfDay(strings.TrimSpace(b))
	if err != nil {
		return Period{}, err
	}
	return Period{Start: start, End: end}, nil
}

// MarshalText implements encoding.TextMarshaler.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Date is a calendar date in the schedule's time zone. Its text form is
// "2006-01-02".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// String formats d as "2006-01-02".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// Valid reports whether d names a real calendar date.
func (d Date) Valid() bool {
	if d.Month < time.January || d.Month > time.December || d.Day < 1 {
		return false
	}
	t := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	return t.Day() == d.Day && t.Month() == d.Month
}

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("businesshours: date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// dayNumber is the number of days from 1970-01-01 to d.
func (d Date) dayNumber() int64 {
	return floorDiv(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix(), secondsPerDay)
}

const secondsPerDay = 24 * 60 * 60

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
