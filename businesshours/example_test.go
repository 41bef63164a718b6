package businesshours_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/kefu-go/kefu/businesshours"
)

func Example() {
	var cfg struct {
		Hours *businesshours.Calendar `json:"hours"`
	}
	err := json.Unmarshal([]byte(`{"hours": {
		"time_zone": "Asia/Shanghai",
		"weekly": {
			"mon": ["09:00-12:00", "13:30-18:00"], "tue": ["09:00-12:00", "13:30-18:00"],
			"wed": ["09:00-12:00", "13:30-18:00"], "thu": ["09:00-12:00", "13:30-18:00"],
			"fri": ["09:00-12:00", "13:30-18:00"]
		},
		"holidays": ["2026-10-01", "2026-10-02"],
		"working_days": [{"date": "2026-10-10", "periods": ["10:00-16:00"]}]
	}}`), &cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	cal := cfg.Hours
	loc := cal.Location()
	received := time.Date(2026, 9, 30, 16, 0, 0, 0, loc) // Wednesday afternoon

	fmt.Println("open:", cal.IsOpen(received))
	fmt.Println("due in 4 business hours:", cal.Add(received, 4*time.Hour).Format("Mon 2006-01-02 15:04"))
	fmt.Println("next open after closing:", cal.NextOpen(time.Date(2026, 10, 9, 19, 0, 0, 0, loc)).Format("Mon 2006-01-02 15:04"))
	fmt.Println("business time Wed 16:00 → Mon 10:00:", cal.Between(received, time.Date(2026, 10, 5, 10, 0, 0, 0, loc)))

	_, err = businesshours.New(businesshours.Schedule{Weekly: [7][]businesshours.Period{
		time.Monday: {{Start: businesshours.Clock(22, 0), End: businesshours.Clock(2, 0)}},
	}})
	fmt.Println(err)
	// Output:
	// open: true
	// due in 4 business hours: Mon 2026-10-05 11:00
	// next open after closing: Sat 2026-10-10 10:00
	// business time Wed 16:00 → Mon 10:00: 3h0m0s
	// businesshours: invalid schedule: weekly.monday[0]: period 22:00-02:00 spans midnight: split it into 22:00-24:00 and 00:00-02:00 on the next day
}
