package ticket

import "sync/atomic"

// historyTail makes a chain of pure steps (Open, Apply, Reply, …) append to
// one backing array instead of copying the whole history at every step,
// without ever letting two results share a record.
//
// Every Ticket a step returns owns a tail: the backing array of its History
// (base) and the length claimed in that array so far. A step on a ticket
// whose History is still the array's claimed prefix takes the next slot with
// a compare-and-swap and writes the record there; every other step — a
// second step from the same input, a ticket whose History was re-sliced or
// replaced, a ticket without a tail — copies the history into a new array
// with room to grow. So the input of a step is never modified, two results
// of one input never share a record, concurrent steps on one input are race
// free, and a ticket moving forward costs amortised O(1) per record.
type historyTail struct {
	base *Record      // &History[0] of the array this tail describes
	n    atomic.Int64 // slots of the array handed out
}

// minHistorySpare is the spare capacity of a new history array.
const minHistorySpare = 4

// appendRecord returns t with rec appended (numbered, version bumped,
// UpdatedAt set). It never modifies t's records: see historyTail.
func (t Ticket) appendRecord(rec Record) (Ticket, Record) {
	n := len(t.History)
	rec.Seq = int64(n) + 1
	tl := t.tail
	owned := tl != nil && n > 0 && tl.base == &t.History[0]
	if owned && n < cap(t.History) && tl.n.CompareAndSwap(int64(n), int64(n)+1) {
		t.History = t.History[:n+1]
		t.History[n] = rec
	} else {
		// A chain that filled its array doubles it; anything else (a second
		// step from one input, a ticket from a Store) starts a new array
		// with a little room.
		extra := minHistorySpare
		if owned && n == cap(t.History) && tl.n.Load() == int64(n) {
			extra = max(extra, n+1)
		}
		h := make([]Record, n+1, n+1+extra)
		copy(h, t.History)
		h[n] = rec
		t.History = h
		t.tail = newTail(h)
	}
	t.Version++
	t.UpdatedAt = rec.At
	return t, rec
}

// newTail returns a tail for the history h, which the caller owns, claiming
// its current length.
func newTail(h []Record) *historyTail {
	tl := &historyTail{base: &h[:1][0]}
	tl.n.Store(int64(len(h)))
	return tl
}

// cloneForAppend is Clone with room for extra more records, which the next
// steps on the copy fill in place.
func (t Ticket) cloneForAppend(extra int) Ticket {
	h := make([]Record, len(t.History), len(t.History)+max(extra, 0))
	copy(h, t.History)
	t.History = nil
	t = t.Clone()
	t.History = h
	if cap(h) > 0 {
		t.tail = newTail(h)
	}
	return t
}
