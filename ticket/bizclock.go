package ticket

import (
	"time"

	"github.com/kefu-go/kefu/businesshours"
)

// bizCursor counts business time forward through a calendar for one
// evaluation. It remembers the segment of constant openness around the
// instant it was last asked about (open or closed from `from` until `until`),
// so the many short steps between consecutive history records cost a
// comparison instead of a calendar computation; only crossing an opening or a
// closing asks the calendar for the next change. The sum of its steps equals
// Calendar.Between. A nil calendar counts calendar time.
//
// A bizCursor is a scratch value owned by one evaluator; it is not safe for
// concurrent use.
type bizCursor struct {
	cal   *businesshours.Calendar
	ready bool
	open  bool  // openness of [from, until)
	never bool  // no change after from: [from, ∞) has openness open
	from  int64 // Unix nanoseconds
	until int64
}

// seek positions the cursor on the segment containing a (Unix nanoseconds).
func (k *bizCursor) seek(a int64) {
	if !k.ready || a < k.from {
		k.ready = true
		k.from = a
		k.open = k.cal.IsOpen(time.Unix(0, a))
		k.next()
	}
	for !k.never && a >= k.until {
		k.from = k.until
		k.open = !k.open
		k.next()
	}
}

// next asks the calendar for the change after the segment start.
func (k *bizCursor) next() {
	nx, ok := k.cal.NextChange(time.Unix(0, k.from))
	k.never = !ok
	if ok {
		k.until = nx.UnixNano()
	}
}

// between returns the business time from a to b, or 0 when b is not after
// a. Calls are cheapest when successive a are non-decreasing, as in a replay
// of a history.
func (k *bizCursor) between(a, b time.Time) time.Duration {
	return k.betweenN(a.UnixNano(), b.UnixNano())
}

// betweenN is between on Unix nanoseconds.
func (k *bizCursor) betweenN(an, bn int64) time.Duration {
	if bn <= an {
		return 0
	}
	if k.cal == nil {
		return time.Duration(bn - an)
	}
	k.seek(an)
	var total int64
	for {
		if k.never || bn <= k.until {
			if k.open {
				total += bn - an
			}
			return time.Duration(total)
		}
		if k.open {
			total += k.until - an
		}
		an = k.until
		k.from = an
		k.open = !k.open
		k.next()
	}
}

// add returns the instant d of business time after a (see Calendar.Add):
// directly when it falls in the open segment around a, otherwise through the
// calendar.
func (k *bizCursor) add(a time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return a
	}
	if k.cal == nil {
		return a.Add(d)
	}
	an := a.UnixNano()
	if k.ready && k.open && an >= k.from && (k.never || an < k.until) && (k.never || k.until-an >= int64(d)) {
		return a.Add(d)
	}
	return k.cal.Add(a, d)
}
