package routing_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the host's zoneinfo

	"github.com/kefu-go/kefu/routing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hoursRules routes out-of-hours messages to leave-a-message, per channel:
// channel "cn" follows a Shanghai calendar (lunch break, National Day
// holidays, a special working Saturday), channel "us" a New York calendar
// (daylight saving time). In hours, messages go to the channel's queue.
const hoursRules = `{
  "name": "hours",
  "calendars": {
    "cn": {
      "time_zone": "Asia/Shanghai",
      "weekly": {"mon": ["09:00-12:00", "13:30-18:00"], "tue": ["09:00-12:00", "13:30-18:00"],
                 "wed": ["09:00-12:00", "13:30-18:00"], "thu": ["09:00-12:00", "13:30-18:00"],
                 "fri": ["09:00-12:00", "13:30-18:00"]},
      "holidays": ["2026-10-01", "2026-10-02", "2026-10-05"],
      "working_days": [{"date": "2026-10-10", "periods": ["10:00-16:00"]}]
    },
    "us": {
      "time_zone": "America/New_York",
      "weekly": {"mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
                 "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]}
    }
  },
  "rules": [
    {"name": "cn-closed", "priority": 10,
     "when": {"all": [{"channels": ["cn"]}, {"business_hours": {"calendar": "cn", "open": false}}]},
     "then": {"targets": [{"leave_message": true}], "greeting": "非工作时间，请留言"}},
    {"name": "us-closed", "priority": 10,
     "when": {"all": [{"channels": ["us"]}, {"business_hours": {"calendar": "us", "open": false}}]},
     "then": {"targets": [{"leave_message": true}], "greeting": "We are closed; please leave a message"}},
    {"name": "cn-open", "when": {"channels": ["cn"]}, "then": {"queue": "cn-desk"}},
    {"name": "us-open", "when": {"channels": ["us"]}, "then": {"queue": "us-desk"}}
  ]
}`

func TestOutOfHoursRouting(t *testing.T) {
	rs, err := routing.ParseJSON([]byte(hoursRules), routing.Env{})
	require.NoError(t, err)
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse("2006-01-02 15:04", s)
		require.NoError(t, err)
		return v
	}
	tests := []struct {
		name    string
		channel string
		at      time.Time // UTC: the calendar's zone decides
		want    string
	}{
		// Asia/Shanghai is UTC+8 all year (no daylight saving time).
		{"cn monday 08:59", "cn", utc("2026-09-28 00:59"), routing.LeaveMessage},
		{"cn monday 09:00 opens", "cn", utc("2026-09-28 01:00"), "cn-desk"},
		{"cn monday 11:59", "cn", utc("2026-09-28 03:59"), "cn-desk"},
		{"cn lunch break 12:00", "cn", utc("2026-09-28 04:00"), routing.LeaveMessage},
		{"cn lunch break 13:29", "cn", utc("2026-09-28 05:29"), routing.LeaveMessage},
		{"cn afternoon 13:30", "cn", utc("2026-09-28 05:30"), "cn-desk"},
		{"cn closes 18:00", "cn", utc("2026-09-28 10:00"), routing.LeaveMessage},
		{"cn holiday thursday", "cn", utc("2026-10-01 02:00"), routing.LeaveMessage},
		{"cn holiday monday", "cn", utc("2026-10-05 02:00"), routing.LeaveMessage},
		{"cn ordinary tuesday after", "cn", utc("2026-10-06 02:00"), "cn-desk"},
		{"cn special working saturday 10:00", "cn", utc("2026-10-10 02:00"), "cn-desk"},
		{"cn special working saturday 09:30", "cn", utc("2026-10-10 01:30"), routing.LeaveMessage},
		{"cn special working saturday 16:00", "cn", utc("2026-10-10 08:00"), routing.LeaveMessage},
		{"cn ordinary saturday", "cn", utc("2026-10-17 02:00"), routing.LeaveMessage},
		{"cn summer and winter agree", "cn", utc("2026-03-02 01:00"), "cn-desk"},
		// America/New_York: 09:00 is 14:00 UTC in winter (EST) and 13:00 UTC
		// in summer (EDT). Daylight saving starts 2026-03-08, ends 2026-11-01.
		{"us EST monday 13:30 UTC is 08:30", "us", utc("2026-03-02 13:30"), routing.LeaveMessage},
		{"us EST monday 14:00 UTC is 09:00", "us", utc("2026-03-02 14:00"), "us-desk"},
		{"us EDT monday 13:30 UTC is 09:30", "us", utc("2026-03-09 13:30"), "us-desk"},
		{"us EDT monday 12:59 UTC is 08:59", "us", utc("2026-03-09 12:59"), routing.LeaveMessage},
		{"us EDT friday 20:59 UTC is 16:59", "us", utc("2026-10-30 20:59"), "us-desk"},
		{"us EDT friday 21:00 UTC is 17:00", "us", utc("2026-10-30 21:00"), routing.LeaveMessage},
		{"us sunday of fall back", "us", utc("2026-11-01 15:00"), routing.LeaveMessage},
		{"us EST monday after fall back 13:30 UTC is 08:30", "us", utc("2026-11-02 13:30"), routing.LeaveMessage},
		{"us EST monday after fall back 21:30 UTC is 16:30", "us", utc("2026-11-02 21:30"), "us-desk"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := rs.Decide(routing.Input{Text: "你好", Channel: tc.channel, Time: tc.at})
			assert.Equal(t, tc.want, d.Target(), d.Explain())
			if tc.want == routing.LeaveMessage {
				assert.NotEmpty(t, d.Action.Greeting, "out-of-hours greeting")
			}
		})
	}
}

func TestOutOfHoursExplanationUsesCalendarZone(t *testing.T) {
	rs, err := routing.ParseJSON([]byte(hoursRules), routing.Env{})
	require.NoError(t, err)
	d := rs.Decide(routing.Input{Channel: "us", Time: time.Date(2026, 3, 9, 12, 30, 0, 0, time.UTC)})
	require.Equal(t, "us-closed", d.Rule())
	require.Len(t, d.Matched[0].Checks, 2)
	hours := d.Matched[0].Checks[1]
	assert.Equal(t, "when.all[1].business_hours", hours.Path)
	assert.Equal(t, `outside business hours of "us"`, hours.Test)
	assert.Equal(t, "closed at Mon 2026-03-09 08:30 EDT", hours.Got)

	d = rs.Decide(routing.Input{Channel: "cn", Time: time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC)})
	require.Equal(t, "cn-closed", d.Rule())
	assert.Equal(t, "closed at Thu 2026-10-01 10:00 CST", d.Matched[0].Checks[1].Got)

	// In hours, the explanation shows why the out-of-hours rule was rejected.
	d = rs.Decide(routing.Input{Channel: "cn", Time: time.Date(2026, 10, 10, 2, 0, 0, 0, time.UTC)})
	require.Equal(t, "cn-open", d.Rule())
	require.Len(t, d.Rejected, 2, d.Explain())
	assert.Contains(t, d.Explain(), "✗ when.all[1].business_hours: outside business hours of \"cn\": open at Sat 2026-10-10 10:00 CST")
}

// zonelessCalendar is always closed and has no zone of its own.
type zonelessCalendar struct{}

func (zonelessCalendar) IsOpen(time.Time) bool    { return false }
func (zonelessCalendar) Location() *time.Location { return nil }

func TestCalendarWithoutZoneExplainsInInputZone(t *testing.T) {
	rs := mustCompile(t, routing.Config{Rules: []routing.Rule{{Name: "closed", When: routing.OutsideBusinessHours("x"),
		Then: routing.Action{Targets: []routing.Target{{LeaveMessage: true}}}}}},
		routing.Env{Calendars: map[string]routing.Calendar{"x": zonelessCalendar{}}})
	d := rs.Decide(routing.Input{Time: time.Date(2026, 11, 25, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))})
	require.Equal(t, "closed", d.Rule())
	assert.Equal(t, "closed at Wed 2026-11-25 09:30 CST", d.Matched[0].Checks[0].Got)
}
