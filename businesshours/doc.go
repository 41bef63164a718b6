// Package businesshours is a business calendar: opening periods for each day
// of the week in a time zone (several per day, for lunch breaks and split
// shifts), holidays and special working days. It answers the questions SLA
// timers and routing rules ask: is the business open now, when does it next
// open or close, what instant is eight business hours after this one, and how
// much business time passed between two instants.
//
// Build a Calendar from a Schedule (written in Go or loaded from JSON) with
// New, which validates it:
//
//	var s businesshours.Schedule
//	s.Location, _ = time.LoadLocation("Asia/Shanghai")
//	for d := time.Monday; d <= time.Friday; d++ {
//		s.Weekly[d] = []businesshours.Period{
//			{Start: businesshours.Clock(9, 0), End: businesshours.Clock(12, 0)},
//			{Start: businesshours.Clock(13, 30), End: businesshours.Clock(18, 0)},
//		}
//	}
//	cal, err := businesshours.New(s)
//	...
//	due := cal.Add(receivedAt, 8*time.Hour) // eight business hours later
//
// A *Calendar can also be a field of a JSON configuration; see Schedule for
// the format. A nil *Calendar is "always open", so code that takes a calendar
// counts calendar hours when none is configured.
//
// # Time zones and daylight saving
//
// Periods are wall-clock times in the schedule's location, and every
// operation is exact across daylight-saving changes: a working day that
// contains a spring-forward change is one hour shorter, and wall-clock times
// are mapped to instants as Calendar describes. Periods cannot span midnight;
// write a night shift as two periods (22:00–24:00 and 00:00–02:00 of the next
// day) and the calendar joins them.
//
// # Errors
//
// New and the JSON decoders return errors that match ErrInvalidSchedule with
// errors.Is and carry a *ScheduleError naming the offending field (for
// example "weekly.monday[1]"). The query methods never fail.
//
// # Concurrency
//
// A Calendar is immutable and safe for concurrent use; its methods do not
// allocate. Schedule is a plain configuration value.
//
// # Testing
//
// Every method takes the instant to ask about, so tests pass fixed times and
// never wait.
package businesshours
