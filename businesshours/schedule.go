package businesshours

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Schedule is the configuration of a business calendar: opening periods for
// each day of the week in a time zone, holidays (dates closed all day) and
// special working days (dates open with their own periods, such as a Saturday
// that replaces a bridge day). Build it into a Calendar with New.
//
// A Schedule is a plain value; it is not safe for concurrent mutation. Its
// JSON form is
//
//	{
//	  "time_zone": "Asia/Shanghai",
//	  "weekly": {"monday": ["09:00-12:00", "13:30-18:00"], "saturday": ["10:00-16:00"]},
//	  "holidays": ["2026-10-01", "2026-10-02"],
//	  "working_days": [{"date": "2026-10-10", "periods": ["09:00-18:00"]}]
//	}
//
// where weekday keys are English names or three-letter abbreviations in any
// case, and a missing "time_zone" means UTC.
type Schedule struct {
	// Location is the time zone the periods and dates are written in. Nil
	// means UTC.
	Location *time.Location
	// Weekly holds the opening periods of each weekday, indexed by
	// time.Weekday (Weekly[time.Monday]). Periods may come in any order but
	// must not overlap.
	Weekly [7][]Period
	// Holidays are dates closed all day, whatever the weekly schedule says.
	Holidays []Date
	// WorkingDays are dates open with their own periods, replacing the weekly
	// schedule on that date.
	WorkingDays []WorkingDay
}

// WorkingDay is a special working day: on Date the calendar is open during
// Periods instead of the weekly periods.
type WorkingDay struct {
	Date    Date     `json:"date"`
	Periods []Period `json:"periods"`
}

type scheduleJSON struct {
	TimeZone    string              `json:"time_zone,omitempty"`
	Weekly      map[string][]Period `json:"weekly"`
	Holidays    []Date              `json:"holidays,omitempty"`
	WorkingDays []WorkingDay        `json:"working_days,omitempty"`
}

var weekdayKeys = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// MarshalJSON implements json.Marshaler.
func (s Schedule) MarshalJSON() ([]byte, error) {
	out := scheduleJSON{Weekly: map[string][]Period{}, Holidays: s.Holidays, WorkingDays: s.WorkingDays}
	if s.Location != nil && s.Location != time.UTC {
		out.TimeZone = s.Location.String()
	}
	for d, ps := range s.Weekly {
		if len(ps) > 0 {
			out.Weekly[weekdayKeys[d]] = ps
		}
	}
	return json.Marshal(out)
}

// UnmarshalJSON implements json.Unmarshaler. It rejects unknown fields,
// unknown weekday names and unknown time zones with a *ScheduleError; the
// periods themselves are checked by New.
func (s *Schedule) UnmarshalJSON(b []byte) error {
	var in scheduleJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return &ScheduleError{Reason: "decode json", Err: err}
	}
	var out Schedule
	if in.TimeZone != "" {
		loc, err := time.LoadLocation(in.TimeZone)
		if err != nil {
			return &ScheduleError{Field: "time_zone", Reason: fmt.Sprintf("unknown time zone %q", in.TimeZone), Err: err}
		}
		out.Location = loc
	}
	for key, ps := range in.Weekly {
		d, ok := parseWeekday(key)
		if !ok {
			return scheduleErr("weekly", "unknown weekday %q", key)
		}
		if out.Weekly[d] != nil {
			return scheduleErr("weekly", "weekday %s given twice", weekdayKeys[d])
		}
		out.Weekly[d] = ps
	}
	out.Holidays = in.Holidays
	out.WorkingDays = in.WorkingDays
	*s = out
	return nil
}

func parseWeekday(key string) (time.Weekday, bool) {
	k := strings.ToLower(strings.TrimSpace(key))
	for d, name := range weekdayKeys {
		if k == name || (len(k) == 3 && k == name[:3]) {
			return time.Weekday(d), true
		}
	}
	return 0, false
}
