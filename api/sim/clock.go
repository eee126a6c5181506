package sim

import (
	"sync"
	"time"
)

// Clock tells the simulator what time it is. Participant progress, resource
// dates and demo events all follow it, so a test that owns the clock owns the
// simulated world's timeline.
type Clock interface {
	Now() time.Time
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns the current wall-clock time.
func (RealClock) Now() time.Time { return time.Now() }

// FakeClock is a clock that moves only when told to. It is safe for concurrent
// use.
type FakeClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewFakeClock returns a FakeClock stopped at t.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{now: t} }

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (a negative d moves it back).
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// ScaledClock runs factor times faster (or slower) than the wall clock from
// the moment it was made, so a demo or an endurance run can live through an
// hour of calls in minutes.
type ScaledClock struct {
	start  time.Time // wall-clock origin, with its monotonic reading
	factor float64
}

// NewScaledClock returns a clock that starts at the current wall-clock time and
// advances factor simulated seconds per real second. A factor of zero or less
// is treated as 1.
func NewScaledClock(factor float64) *ScaledClock {
	if factor <= 0 {
		factor = 1
	}
	return &ScaledClock{start: time.Now(), factor: factor}
}

// Now returns the scaled time.
func (c *ScaledClock) Now() time.Time {
	elapsed := time.Since(c.start)
	return c.start.Add(time.Duration(float64(elapsed) * c.factor))
}
