package businesshours

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

const shanghaiJSON = `{
  "time_zone": "Asia/Shanghai",
  "weekly": {
    "Mon": ["09:00-12:00", "13:30-18:00"], "tuesday": ["09:00-12:00", "13:30-18:00"],
    "wed": ["09:00-12:00", "13:30-18:00"], "thu": ["09:00-12:00", "13:30-18:00"],
    "FRIDAY": ["09:00-12:00", "13:30-18:00"]
  },
  "holidays": ["2026-10-01", "2026-10-02", "2026-10-03"],
  "working_days": [{"date": "2026-10-10", "periods": ["10:00-16:00"]}]
}`

func TestCalendarJSON(t *testing.T) {
	var cfg struct {
		Hours *Calendar `json:"hours"`
	}
	if err := json.Unmarshal([]byte(`{"hours":`+shanghaiJSON+`}`), &cfg); err != nil {
		t.Fatal(err)
	}
	want := shanghai(t)
	for _, s := range []string{"2026-09-28 12:00", "2026-09-28 13:30", "2026-10-01 10:00", "2026-10-10 10:00"} {
		at := at(want.Location(), s)
		if cfg.Hours.IsOpen(at) != want.IsOpen(at) {
			t.Errorf("IsOpen(%s) differs from the Go-built calendar", s)
		}
	}
	if cfg.Hours.Location().String() != "Asia/Shanghai" {
		t.Errorf("Location = %s", cfg.Hours.Location())
	}

	// Round trip through MarshalJSON.
	b, err := json.Marshal(cfg.Hours)
	if err != nil {
		t.Fatal(err)
	}
	var again Calendar
	if err := json.Unmarshal(b, &again); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	b2, _ := json.Marshal(&again)
	if string(b) != string(b2) {
		t.Errorf("round trip changed the schedule:\n%s\n%s", b, b2)
	}
	if !strings.Contains(string(b), `"monday":["09:00-12:00","13:30-18:00"]`) {
		t.Errorf("marshalled form = %s", b)
	}
}

func TestScheduleJSONErrors(t *testing.T) {
	tests := []struct {
		name, in, field string
	}{
		{"unknown weekday", `{"weekly":{"funday":["09:00-10:00"]}}`, "weekly"},
		{"weekday twice", `{"weekly":{"mon":["09:00-10:00"],"monday":["11:00-12:00"]}}`, "weekly"},
		{"unknown zone", `{"time_zone":"Mars/Olympus","weekly":{"mon":["09:00-10:00"]}}`, "time_zone"},
		{"unknown field", `{"weekly":{"mon":["09:00-10:00"]},"holiday":[]}`, ""},
		{"bad period", `{"weekly":{"mon":["9-10"]}}`, ""},
		{"bad date", `{"weekly":{"mon":["09:00-10:00"]},"holidays":["2026-13-01"]}`, ""},
		{"invalid schedule", `{"weekly":{"mon":["10:00-09:00"]}}`, "weekly.monday[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Calendar
			err := json.Unmarshal([]byte(tt.in), &c)
			if !errors.Is(err, ErrInvalidSchedule) {
				t.Fatalf("err = %v, want ErrInvalidSchedule", err)
			}
			var se *ScheduleError
			if !errors.As(err, &se) || se.Field != tt.field {
				t.Fatalf("err = %v, want field %q", err, tt.field)
			}
		})
	}
}

func TestNullCalendarJSON(t *testing.T) {
	var cfg struct{ Hours *Calendar }
	if err := json.Unmarshal([]byte(`{"Hours":null}`), &cfg); err != nil || cfg.Hours != nil {
		t.Fatalf("null: %v, %v", cfg.Hours, err)
	}
	b, err := json.Marshal(cfg)
	if err != nil || string(b) != `{"Hours":null}` {
		t.Fatalf("marshal nil = %s, %v", b, err)
	}
}

func TestParse(t *testing.T) {
	good := map[string]TimeOfDay{"00:00": 0, "09:30": Clock(9, 30), "24:00": EndOfDay, "12:00:30": Clock(12, 0) + 30}
	for s, want := range good {
		got, err := ParseTimeOfDay(s)
		if err != nil || got != want {
			t.Errorf("ParseTimeOfDay(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("String() = %q, want %q", got.String(), s)
		}
	}
	for _, s := range []string{"", "9:00", "24:01", "12:60", "ab:cd", "12", "1:2:3:4", "-1:00"} {
		if _, err := ParseTimeOfDay(s); err == nil {
			t.Errorf("ParseTimeOfDay(%q) succeeded", s)
		}
	}
	if _, err := ParsePeriod("09:00"); err == nil {
		t.Error("ParsePeriod without dash succeeded")
	}
	if got, err := ParsePeriod("09:00 - 12:00"); err != nil || got != (Period{Clock(9, 0), Clock(12, 0)}) {
		t.Errorf("ParsePeriod with spaces = %v, %v", got, err)
	}
	if d := (Date{2026, time.February, 29}); d.Valid() {
		t.Error("2026-02-29 valid")
	}
	if d := (Date{2028, time.February, 29}); !d.Valid() {
		t.Error("2028-02-29 invalid")
	}
}
