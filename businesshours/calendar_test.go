package businesshours

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func p(s string) Period {
	v, err := ParsePeriod(s)
	if err != nil {
		panic(err)
	}
	return v
}

func ps(ss ...string) []Period {
	out := make([]Period, len(ss))
	for i, s := range ss {
		out[i] = p(s)
	}
	return out
}

func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// shanghai: Mon–Fri 09:00–12:00 and 13:30–18:00 (lunch break), closed on
// 2026-10-01..03, open on Saturday 2026-10-10 from 10:00 to 16:00.
func shanghai(t testing.TB) *Calendar {
	t.Helper()
	var s Schedule
	s.Location = mustLoad(t, "Asia/Shanghai")
	for wd := time.Monday; wd <= time.Friday; wd++ {
		s.Weekly[wd] = ps("13:30-18:00", "09:00-12:00") // out of order on purpose
	}
	s.Holidays = []Date{d("2026-10-01"), d("2026-10-02"), d("2026-10-03")}
	s.WorkingDays = []WorkingDay{{Date: d("2026-10-10"), Periods: ps("10:00-16:00")}}
	c, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newYork: Mon–Fri 09:00–17:00, Sunday 00:00–24:00 (to observe DST days).
func newYork(t testing.TB) *Calendar {
	t.Helper()
	var s Schedule
	s.Location = mustLoad(t, "America/New_York")
	for wd := time.Monday; wd <= time.Friday; wd++ {
		s.Weekly[wd] = ps("09:00-17:00")
	}
	s.Weekly[time.Sunday] = ps("00:00-24:00")
	c, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// night: every day 22:00–24:00 and 00:00–02:00 (a shift across midnight).
func night(t testing.TB) *Calendar {
	t.Helper()
	var s Schedule
	s.Location = mustLoad(t, "Asia/Shanghai")
	for wd := range s.Weekly {
		s.Weekly[wd] = ps("00:00-02:00", "22:00-24:00")
	}
	c, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func TestIsOpen(t *testing.T) {
	c := shanghai(t)
	loc := c.Location()
	tests := []struct {
		at   string
		want bool
	}{
		{"2026-09-28 08:59", false}, // Monday before opening
		{"2026-09-28 09:00", true},
		{"2026-09-28 11:59", true},
		{"2026-09-28 12:00", false}, // lunch
		{"2026-09-28 13:29", false},
		{"2026-09-28 13:30", true},
		{"2026-09-28 18:00", false}, // closing is exclusive
		{"2026-09-26 10:00", false}, // Saturday
		{"2026-10-01 10:00", false}, // holiday (Thursday)
		{"2026-10-05 10:00", true},  // Monday after the holidays
		{"2026-10-10 09:30", false}, // special working Saturday opens at 10:00
		{"2026-10-10 10:00", true},
		{"2026-10-10 15:59", true},
		{"2026-10-10 16:00", false},
	}
	for _, tt := range tests {
		if got := c.IsOpen(at(loc, tt.at)); got != tt.want {
			t.Errorf("IsOpen(%s) = %v, want %v", tt.at, got, tt.want)
		}
	}
	// The argument's location does not matter: 01:00 UTC is 09:00 in Shanghai.
	if !c.IsOpen(time.Date(2026, 9, 28, 1, 0, 0, 0, time.UTC)) {
		t.Error("IsOpen(01:00 UTC Monday) = false, want true")
	}
}

func TestNextOpen(t *testing.T) {
	c := shanghai(t)
	loc := c.Location()
	tests := []struct{ from, want string }{
		{"2026-09-28 10:00", "2026-09-28 10:00"}, // open: unchanged
		{"2026-09-28 07:00", "2026-09-28 09:00"},
		{"2026-09-28 12:10", "2026-09-28 13:30"},
		{"2026-09-28 18:00", "2026-09-29 09:00"},
		{"2026-09-25 19:00", "2026-09-28 09:00"}, // Friday evening → Monday
		{"2026-09-30 18:30", "2026-10-05 09:00"}, // before the holidays → after the weekend
		{"2026-10-09 18:30", "2026-10-10 10:00"}, // → special Saturday
	}
	for _, tt := range tests {
		got := c.NextOpen(at(loc, tt.from))
		if want := at(loc, tt.want); !got.Equal(want) {
			t.Errorf("NextOpen(%s) = %s, want %s", tt.from, got, want)
		}
	}
}

func TestNextChange(t *testing.T) {
	c := shanghai(t)
	loc := c.Location()
	tests := []struct{ from, want string }{
		{"2026-09-28 10:00", "2026-09-28 12:00"},
		{"2026-09-28 12:00", "2026-09-28 13:30"},
		{"2026-09-28 13:30", "2026-09-28 18:00"},
		{"2026-09-25 18:00", "2026-09-28 09:00"},
	}
	for _, tt := range tests {
		got, ok := c.NextChange(at(loc, tt.from))
		if want := at(loc, tt.want); !ok || !got.Equal(want) {
			t.Errorf("NextChange(%s) = %s, %v; want %s", tt.from, got, ok, want)
		}
	}

	n := night(t)
	got, ok := n.NextChange(at(n.Location(), "2026-09-28 23:00"))
	if want := at(n.Location(), "2026-09-29 02:00"); !ok || !got.Equal(want) {
		t.Errorf("night NextChange(23:00) = %s, %v; want %s (periods joined across midnight)", got, ok, want)
	}

	var s Schedule
	for wd := range s.Weekly {
		s.Weekly[wd] = ps("00:00-24:00")
	}
	always, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := always.NextChange(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); ok {
		t.Errorf("24/7 NextChange = %s, true; want false", got)
	}
	s.Holidays = []Date{d("2026-12-25")}
	withHoliday, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	got, ok = withHoliday.NextChange(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if want := time.Date(2026, 12, 25, 0, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("24/7 with holiday NextChange = %s, %v; want %s", got, ok, want)
	}
}

func TestAdd(t *testing.T) {
	c := shanghai(t)
	loc := c.Location()
	tests := []struct {
		name string
		from string
		dur  time.Duration
		want string
	}{
		{"within a period", "2026-09-28 09:00", 2 * time.Hour, "2026-09-28 11:00"},
		{"exactly to lunch", "2026-09-28 10:00", 2 * time.Hour, "2026-09-28 12:00"},
		{"across lunch", "2026-09-28 11:00", 2 * time.Hour, "2026-09-28 14:30"},
		{"start during lunch", "2026-09-28 12:15", time.Hour, "2026-09-28 14:30"},
		{"start before opening", "2026-09-28 06:00", 30 * time.Minute, "2026-09-28 09:30"},
		{"to next day", "2026-09-28 17:00", 2 * time.Hour, "2026-09-29 10:00"},
		{"full day is 7.5h", "2026-09-28 09:00", 7*time.Hour + 30*time.Minute, "2026-09-28 18:00"},
		{"friday to monday", "2026-09-25 17:30", time.Hour, "2026-09-28 09:30"},
		{"over holidays", "2026-09-30 17:00", 2 * time.Hour, "2026-10-05 10:00"},
		{"to special saturday", "2026-10-09 17:00", 2 * time.Hour, "2026-10-10 11:00"},
		{"special saturday to monday", "2026-10-10 15:00", 2 * time.Hour, "2026-10-12 10:00"},
		{"zero", "2026-09-27 03:00", 0, "2026-09-27 03:00"},
		{"negative", "2026-09-27 03:00", -time.Hour, "2026-09-27 03:00"},
		{"two weeks", "2026-09-14 09:00", 10 * (7*time.Hour + 30*time.Minute), "2026-09-25 18:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := at(loc, tt.from)
			got := c.Add(from, tt.dur)
			if want := at(loc, tt.want); !got.Equal(want) {
				t.Errorf("Add(%s, %s) = %s, want %s", tt.from, tt.dur, got, want)
			}
			if tt.dur > 0 {
				if b := c.Between(from, got); b != tt.dur {
					t.Errorf("Between(from, Add(from, %s)) = %s", tt.dur, b)
				}
			}
		})
	}
}

func TestAddKeepsArgumentLocationAndNanoseconds(t *testing.T) {
	c := shanghai(t)
	from := time.Date(2026, 9, 28, 1, 0, 0, 123, time.UTC) // 09:00 Shanghai
	got := c.Add(from, time.Hour)
	if got.Location() != time.UTC {
		t.Errorf("location = %s, want UTC", got.Location())
	}
	if want := from.Add(time.Hour); !got.Equal(want) {
		t.Errorf("Add = %s, want %s", got, want)
	}
}

func TestBetween(t *testing.T) {
	c := shanghai(t)
	loc := c.Location()
	tests := []struct {
		a, b string
		want time.Duration
	}{
		{"2026-09-28 09:00", "2026-09-28 18:00", 7*time.Hour + 30*time.Minute},
		{"2026-09-28 11:00", "2026-09-28 14:00", time.Hour + 30*time.Minute},
		{"2026-09-28 12:00", "2026-09-28 13:30", 0},
		{"2026-09-26 00:00", "2026-09-28 00:00", 0},                                            // weekend
		{"2026-09-28 00:00", "2026-10-05 00:00", 3 * (7*time.Hour + 30*time.Minute)},           // a week with two holidays
		{"2026-09-28 00:00", "2026-10-12 00:00", 8*(7*time.Hour+30*time.Minute) + 6*time.Hour}, // plus the special Saturday
		{"2026-09-28 14:00", "2026-09-28 11:00", -(time.Hour + 30*time.Minute)},                // reversed
	}
	for _, tt := range tests {
		if got := c.Between(at(loc, tt.a), at(loc, tt.b)); got != tt.want {
			t.Errorf("Between(%s, %s) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestDaylightSaving(t *testing.T) {
	c := newYork(t)
	ny := c.Location()
	// 2026-03-08: clocks go from 02:00 EST to 03:00 EDT. 2026-11-01: from 02:00
	// EDT back to 01:00 EST. Sundays are open 00:00–24:00.
	tests := []struct {
		name string
		a, b string
		want time.Duration
	}{
		{"spring-forward sunday has 23 hours", "2026-03-08 00:00", "2026-03-09 00:00", 23 * time.Hour},
		{"fall-back sunday has 25 hours", "2026-11-01 00:00", "2026-11-02 00:00", 25 * time.Hour},
		{"ordinary sunday", "2026-03-15 00:00", "2026-03-16 00:00", 24 * time.Hour},
		{"two working weeks around spring forward", "2026-03-02 00:00", "2026-03-14 00:00", 10*8*time.Hour + 23*time.Hour},
	}
	for _, tt := range tests {
		if got := c.Between(at(ny, tt.a), at(ny, tt.b)); got != tt.want {
			t.Errorf("%s: Between = %s, want %s", tt.name, got, tt.want)
		}
	}
	// Friday 16:00 EST + 2h business → Monday 10:00 EDT, although the weekend lost
	// an hour; and the Sunday in between counts 23 business hours.
	from := at(ny, "2026-03-06 16:00")
	if got, want := c.Add(from, 2*time.Hour+23*time.Hour), at(ny, "2026-03-09 10:00"); !got.Equal(want) {
		t.Errorf("Add across spring forward = %s, want %s", got, want)
	}
	// Monday 09:00 opening is 14:00 UTC in winter and 13:00 UTC in summer.
	if got := c.NextOpen(at(ny, "2026-03-09 05:00")).UTC().Hour(); got != 13 {
		t.Errorf("NextOpen on first EDT Monday = %d:00 UTC, want 13:00", got)
	}
	if got := c.NextOpen(at(ny, "2026-03-02 05:00")).UTC().Hour(); got != 14 {
		t.Errorf("NextOpen on an EST Monday = %d:00 UTC, want 14:00", got)
	}
}

func TestDaylightSavingPeriodsInsideTheChange(t *testing.T) {
	var s Schedule
	s.Location = mustLoad(t, "America/New_York")
	s.Weekly[time.Sunday] = ps("01:00-03:00")
	s.Weekly[time.Monday] = ps("09:00-10:00")
	c, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	ny := s.Location
	day := func(y int, m time.Month, dd int) (time.Time, time.Time) {
		return time.Date(y, m, dd, 0, 0, 0, 0, ny), time.Date(y, m, dd, 12, 0, 0, 0, ny)
	}
	a, b := day(2026, 3, 8) // 02:00–03:00 does not exist
	if got := c.Between(a, b); got != time.Hour {
		t.Errorf("01:00-03:00 on spring-forward day = %s, want 1h", got)
	}
	a, b = day(2026, 11, 1) // 01:00–02:00 happens twice; 01:00 is its first occurrence
	if got := c.Between(a, b); got != 3*time.Hour {
		t.Errorf("01:00-03:00 on fall-back day = %s, want 3h", got)
	}
	// A period that starts inside the gap starts when the clock jumps.
	s.Weekly[time.Sunday] = ps("02:30-04:00")
	c2, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	a, b = day(2026, 3, 8)
	if got := c2.Between(a, b); got != time.Hour {
		t.Errorf("02:30-04:00 on spring-forward day = %s, want 1h", got)
	}
	if got, want := c2.NextOpen(a), time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("NextOpen = %s, want %s (the jump to 03:00 EDT)", got.UTC(), want)
	}
}

// TestAgainstMinuteSampling checks Between, Add, IsOpen and NextOpen against
// each other minute by minute around both DST changes, in a zone east of UTC
// too.
func TestAgainstMinuteSampling(t *testing.T) {
	berlin := func(t testing.TB) *Calendar {
		var s Schedule
		s.Location = mustLoad(t, "Europe/Berlin")
		for wd := range s.Weekly {
			s.Weekly[wd] = ps("00:30-02:30", "02:45-03:15", "08:00-12:00", "23:00-24:00")
		}
		c, err := New(s)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for name, c := range map[string]*Calendar{"new_york": newYork(t), "night": night(t), "shanghai": shanghai(t), "berlin": berlin(t)} {
		for _, start := range []time.Time{
			time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 27, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 10, 23, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC),
		} {
			var open time.Duration
			for i := 0; i < 4*24*60; i++ {
				at := start.Add(time.Duration(i) * time.Minute)
				if got := c.Between(start, at); got != open {
					t.Fatalf("%s: Between(%s, %s) = %s, sampled %s", name, start, at, got, open)
				}
				isOpen := c.IsOpen(at)
				if next := c.NextOpen(at); isOpen != next.Equal(at) {
					t.Fatalf("%s: IsOpen(%s) = %v but NextOpen = %s", name, at, isOpen, next)
				}
				if isOpen {
					open += time.Minute
					if got := c.Add(start, open); !got.Equal(at.Add(time.Minute)) {
						t.Fatalf("%s: Add(%s, %s) = %s, want %s", name, start, open, got, at.Add(time.Minute))
					}
				}
			}
		}
	}
}

func TestNilAndZeroCalendarAreAlwaysOpen(t *testing.T) {
	now := time.Date(2026, 9, 27, 3, 0, 0, 0, time.UTC)
	for name, c := range map[string]*Calendar{"nil": nil, "zero": {}} {
		if !c.IsOpen(now) || !c.NextOpen(now).Equal(now) {
			t.Errorf("%s: not open", name)
		}
		if got := c.Add(now, 5*time.Hour); !got.Equal(now.Add(5 * time.Hour)) {
			t.Errorf("%s: Add = %s", name, got)
		}
		if got := c.Between(now, now.Add(90*time.Minute)); got != 90*time.Minute {
			t.Errorf("%s: Between = %s", name, got)
		}
		if _, ok := c.NextChange(now); ok {
			t.Errorf("%s: NextChange ok", name)
		}
		if c.Location() != time.UTC {
			t.Errorf("%s: Location = %s", name, c.Location())
		}
	}
}

func TestNewRejects(t *testing.T) {
	week := func(periods ...Period) Schedule {
		var s Schedule
		s.Weekly[time.Monday] = periods
		return s
	}
	tests := []struct {
		name  string
		s     Schedule
		field string
	}{
		{"empty week", Schedule{}, "weekly"},
		{"spans midnight", week(p("22:00-02:00")), "weekly.monday[0]"},
		{"empty period", week(p("09:00-09:00")), "weekly.monday[0]"},
		{"after 24:00", week(Period{Start: Clock(9, 0), End: EndOfDay + 1}), "weekly.monday[0]"},
		{"starts at 24:00", week(Period{Start: EndOfDay, End: EndOfDay}), "weekly.monday[0]"},
		{"negative", week(Period{Start: -1, End: Clock(9, 0)}), "weekly.monday[0]"},
		{"overlap", week(p("09:00-12:00"), p("11:00-13:00")), "weekly.monday"},
		{"invalid holiday", func() Schedule {
			s := week(p("09:00-17:00"))
			s.Holidays = []Date{{2026, time.February, 30}}
			return s
		}(), "holidays[0]"},
		{"duplicate holiday", func() Schedule {
			s := week(p("09:00-17:00"))
			s.Holidays = []Date{d("2026-10-01"), d("2026-10-01")}
			return s
		}(), "holidays[1]"},
		{"holiday and working day", func() Schedule {
			s := week(p("09:00-17:00"))
			s.Holidays = []Date{d("2026-10-01")}
			s.WorkingDays = []WorkingDay{{Date: d("2026-10-01"), Periods: ps("09:00-12:00")}}
			return s
		}(), "working_days[0]"},
		{"working day without periods", func() Schedule {
			s := week(p("09:00-17:00"))
			s.WorkingDays = []WorkingDay{{Date: d("2026-10-10")}}
			return s
		}(), "working_days[0]"},
		{"working day bad period", func() Schedule {
			s := week(p("09:00-17:00"))
			s.WorkingDays = []WorkingDay{{Date: d("2026-10-10"), Periods: ps("18:00-09:00")}}
			return s
		}(), "working_days[0].periods[0]"},
		{"duplicate working day", func() Schedule {
			s := week(p("09:00-17:00"))
			s.WorkingDays = []WorkingDay{{Date: d("2026-10-10"), Periods: ps("09:00-12:00")}, {Date: d("2026-10-10"), Periods: ps("13:00-14:00")}}
			return s
		}(), "working_days[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.s)
			if !errors.Is(err, ErrInvalidSchedule) {
				t.Fatalf("New err = %v, want ErrInvalidSchedule", err)
			}
			var se *ScheduleError
			if !errors.As(err, &se) || se.Field != tt.field {
				t.Fatalf("New err = %#v, want field %q", err, tt.field)
			}
			t.Log(err)
		})
	}
}

func TestNewJoinsTouchingPeriodsAndCopiesInput(t *testing.T) {
	var s Schedule
	s.Weekly[time.Monday] = ps("12:00-13:00", "09:00-12:00")
	c, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	s.Weekly[time.Monday][0] = p("00:00-01:00") // must not affect c
	mon := time.Date(2026, 9, 28, 0, 0, 0, 0, time.UTC)
	got, ok := c.NextChange(mon.Add(10 * time.Hour))
	if want := mon.Add(13 * time.Hour); !ok || !got.Equal(want) {
		t.Errorf("NextChange = %s, want %s", got, want)
	}
	if c.IsOpen(mon.Add(30 * time.Minute)) {
		t.Error("calendar changed by mutating the schedule after New")
	}
}

func TestZeroAllocations(t *testing.T) {
	c := shanghai(t)
	ny := newYork(t)
	now := at(c.Location(), "2026-09-25 17:30")
	dst := at(ny.Location(), "2026-03-06 16:00")
	allocs := testing.AllocsPerRun(100, func() {
		_ = c.Add(now, 20*time.Hour)
		_ = c.Between(now, now.Add(72*time.Hour))
		_ = c.IsOpen(now)
		_ = c.NextOpen(now)
		_, _ = c.NextChange(now)
		_ = ny.Add(dst, 30*time.Hour)
		_ = ny.Between(dst, dst.Add(80*time.Hour))
	})
	if allocs != 0 {
		t.Errorf("allocations = %v, want 0", allocs)
	}
}

func TestFixedOffsetFastPathKeepsHistoricDST(t *testing.T) {
	var s Schedule
	s.Location = mustLoad(t, "Asia/Shanghai") // DST from 1986 to 1991, none since
	for wd := range s.Weekly {
		s.Weekly[wd] = ps("00:00-24:00")
	}
	c, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	if !c.hasFixed {
		t.Fatal("Asia/Shanghai: no fixed final offset found")
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, s.Location) }
	if got := c.Between(day(1990, 4, 15), day(1990, 4, 16)); got != 23*time.Hour {
		t.Errorf("1990-04-15 (DST start in China) lasted %v, want 23h", got)
	}
	if got := c.Between(day(2026, 4, 15), day(2026, 4, 16)); got != 24*time.Hour {
		t.Errorf("2026-04-15 lasted %v, want 24h", got)
	}
	ny := newYork(t)
	if ny.hasFixed {
		t.Error("America/New_York reported a fixed final offset")
	}
	utc, err := New(Schedule{Weekly: s.Weekly})
	if err != nil {
		t.Fatal(err)
	}
	if !utc.hasFixed || utc.fixedOff != 0 {
		t.Errorf("UTC: hasFixed %v off %d", utc.hasFixed, utc.fixedOff)
	}
}
