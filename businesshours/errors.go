package businesshours

import (
	"errors"
	"fmt"
)

// ErrInvalidSchedule is matched (with errors.Is) by every error that New and
// the JSON decoders return for a schedule that cannot be built. The details are
// in a *ScheduleError.
var ErrInvalidSchedule = errors.New("businesshours: invalid schedule")

// ScheduleError describes why a schedule was rejected. Field names the part of
// the schedule at fault, for example "weekly.monday[1]", "holidays[3]" or
// "working_days[0].periods[0]"; Reason says what is wrong with it.
//
// ScheduleError matches ErrInvalidSchedule with errors.Is.
type ScheduleError struct {
	Field  string // the offending part of the schedule
	Reason string // what is wrong, lower case
	Err    error  // an underlying cause, such as a time zone lookup error; may be nil
}

// Error implements error.
func (e *ScheduleError) Error() string {
	msg := "businesshours: invalid schedule: "
	if e.Field != "" {
		msg += e.Field + ": "
	}
	msg += e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is reports whether target is ErrInvalidSchedule.
func (e *ScheduleError) Is(target error) bool { return target == ErrInvalidSchedule }

// Unwrap returns the underlying cause, if any.
func (e *ScheduleError) Unwrap() error { return e.Err }

func scheduleErr(field, format string, args ...any) error {
	return &ScheduleError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
