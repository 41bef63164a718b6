package mptest

import (
	"sync"
	"time"
)

// Clock is a controllable clock shared by the fake platform and the code under
// test (pass Clock.Now as the Now of Clients, Windows and token sources). The
// zero value starts at the zero time; NewClock is the usual way to make one.
// A Clock is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// DefaultStart is where NewServer's clock starts when Config.Clock is nil.
var DefaultStart = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// advanceTo moves the clock forward to t if it shows an earlier time.
func (c *Clock) advanceTo(t time.Time) {
	c.mu.Lock()
	if c.t.Before(t) {
		c.t = t
	}
	c.mu.Unlock()
}

// Set sets the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}
