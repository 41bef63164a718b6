package businesshours

import (
	"testing"
	"time"
)

var sinkTime time.Time

// BenchmarkAdd measures an SLA-style due computation: 8 business hours from a
// Friday afternoon, across lunch breaks and a weekend.
func BenchmarkAdd(b *testing.B) {
	c := shanghai(b)
	from := at(c.Location(), "2026-09-25 16:45")
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = c.Add(from, 8*time.Hour)
	}
}

// BenchmarkAddDST is BenchmarkAdd across a daylight-saving change.
func BenchmarkAddDST(b *testing.B) {
	c := newYork(b)
	from := at(c.Location(), "2026-03-06 16:00")
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = c.Add(from, 30*time.Hour)
	}
}

var sinkDur time.Duration

// BenchmarkBetween measures the business time of three calendar days.
func BenchmarkBetween(b *testing.B) {
	c := shanghai(b)
	from := at(c.Location(), "2026-09-25 16:45")
	to := from.Add(72 * time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		sinkDur = c.Between(from, to)
	}
}

var sinkBool bool

// BenchmarkIsOpen measures one open/closed check.
func BenchmarkIsOpen(b *testing.B) {
	c := shanghai(b)
	now := at(c.Location(), "2026-09-28 14:00")
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = c.IsOpen(now)
	}
}
