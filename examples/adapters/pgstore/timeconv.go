package pgstore

import "time"

// nanos returns t as Unix nanoseconds, 0 for the zero time. Instants outside
// the years 1678–2262 do not fit and are clamped by UnixNano's rules.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// nullNanos is nanos with SQL NULL for the zero time.
func nullNanos(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	n := t.UnixNano()
	return &n
}

// fromNanos inverts nanos: 0 is the zero time, anything else a UTC instant.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
