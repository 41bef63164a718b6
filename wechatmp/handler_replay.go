package wechatmp

import (
	"errors"
	"strconv"
	"time"
)

// ErrStaleTimestamp is returned by VerifyTimestamp for a timestamp that is
// missing, malformed or outside the allowed window.
var ErrStaleTimestamp = errors.New("wechatmp: callback timestamp outside the allowed window")

// VerifyTimestamp checks a callback's timestamp parameter (Unix seconds)
// against now: it must lie within ±window. A signature alone does not stop a
// captured callback from being replayed later; this check does. WeChat retries
// within about 20 seconds of the first attempt, so a window of minutes leaves
// room for retries and clock skew.
func VerifyTimestamp(timestamp string, now time.Time, window time.Duration) error {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || ts <= 0 {
		return ErrStaleTimestamp
	}
	d := now.Unix() - ts
	if d < 0 {
		d = -d
	}
	w := int64(window / time.Second)
	if d > w {
		return ErrStaleTimestamp
	}
	return nil
}
