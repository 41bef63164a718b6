package redisstore

import (
	"strconv"
	"time"
)

// formatNanos encodes t as decimal Unix nanoseconds, "0" for the zero time.
// Scripts store these strings and never do arithmetic on them (Lua numbers
// are doubles, exact only to 2^53).
func formatNanos(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}

// parseNanos inverts formatNanos; "" and "0" are the zero time.
func parseNanos(s string) (time.Time, error) {
	if s == "" || s == "0" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(0, n).UTC(), nil
}

// ceilMillis rounds d up to whole milliseconds, at least 1.
func ceilMillis(d time.Duration) int64 {
	ms := (d + time.Millisecond - 1) / time.Millisecond
	return max(int64(ms), 1)
}
