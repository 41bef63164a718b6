package ticket

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kefu-go/kefu/businesshours"
)

// testCalendars returns calendars with lunch breaks, a holiday, a special
// working day, daylight saving and a period ending at midnight.
func testCalendars(t *testing.T) map[string]*businesshours.Calendar {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	build := func(s businesshours.Schedule) *businesshours.Calendar {
		c, err := businesshours.New(s)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	var s businesshours.Schedule
	s.Location = ny
	for d := time.Sunday; d <= time.Saturday; d++ {
		s.Weekly[d] = []businesshours.Period{
			{Start: businesshours.Clock(1, 30), End: businesshours.Clock(2, 30)}, // inside the DST gap
			{Start: businesshours.Clock(9, 0), End: businesshours.Clock(12, 0)},
			{Start: businesshours.Clock(22, 0), End: businesshours.Clock(24, 0)},
		}
	}
	s.Holidays = []businesshours.Date{{Year: 2026, Month: time.March, Day: 9}}
	s.WorkingDays = []businesshours.WorkingDay{{Date: businesshours.Date{Year: 2026, Month: time.March, Day: 10},
		Periods: []businesshours.Period{{Start: businesshours.Clock(10, 0), End: businesshours.Clock(11, 0)}}}}
	return map[string]*businesshours.Calendar{
		"shanghai": shanghaiHours(t),
		"new_york": build(s),
		"nil":      nil,
	}
}

// TestBizCursorMatchesCalendar replays random non-decreasing instants through
// one cursor and checks every step and every add against the calendar.
func TestBizCursorMatchesCalendar(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC) // a week around the US spring-forward
	for name, cal := range testCalendars(t) {
		for run := 0; run < 200; run++ {
			k := bizCursor{cal: cal}
			at := start.Add(time.Duration(rng.Int64N(int64(24 * time.Hour))))
			for step := 0; step < 12; step++ {
				var gap time.Duration
				switch rng.IntN(4) {
				case 0: // same segment, usually
					gap = time.Duration(rng.Int64N(int64(10 * time.Minute)))
				case 1:
					gap = time.Duration(rng.Int64N(int64(6 * time.Hour)))
				case 2:
					gap = time.Duration(rng.Int64N(int64(3 * 24 * time.Hour)))
				default: // exactly onto a boundary
					if nx, ok := cal.NextChange(at); ok {
						gap = nx.Sub(at)
					}
				}
				next := at.Add(gap)
				if got, want := k.between(at, next), cal.Between(at, next); got != want {
					t.Fatalf("%s: between(%s, %s) = %s, calendar says %s", name, at, next, got, want)
				}
				d := time.Duration(rng.Int64N(int64(20 * time.Hour)))
				if got, want := k.add(next, d), cal.Add(next, d); !got.Equal(want) {
					t.Fatalf("%s: add(%s, %s) = %s, calendar says %s", name, next, d, got, want)
				}
				at = next
			}
			// Going backwards resets the cursor instead of miscounting.
			back := at.Add(-5 * 24 * time.Hour)
			if got, want := k.between(back, at), cal.Between(back, at); got != want {
				t.Fatalf("%s: between after going back = %s, calendar says %s", name, got, want)
			}
			if got := k.between(at, back); got != 0 {
				t.Fatalf("%s: reversed between = %s, want 0", name, got)
			}
		}
	}
}
