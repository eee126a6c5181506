package live

import (
	"sync"
	"time"
)

// FakeClock is a clock and timer source a test moves by hand: give its Now
// and NewTimer to Options, and the pollers poll exactly when Advance
// passes their time, never on their own. A timer set for zero or less
// fires at once.
type FakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers map[*fakeTimer]struct{}
}

// NewFakeClock returns a FakeClock reading start.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{now: start, timers: make(map[*fakeTimer]struct{})}
}

// Now is the clock's time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d and fires every timer whose time has
// come.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for t := range c.timers {
		if !t.at.After(c.now) {
			c.fire(t)
		}
	}
}

// Set moves the clock to t (never back) and fires the timers due.
func (c *FakeClock) Set(t time.Time) {
	if d := t.Sub(c.Now()); d > 0 {
		c.Advance(d)
	}
}

// Timers is how many timers are set and not yet fired or stopped.
func (c *FakeClock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// NewTimer makes a timer firing d from the clock's now.
func (c *FakeClock) NewTimer(d time.Duration) Timer {
	t := &fakeTimer{c: c, ch: make(chan time.Time, 1)}
	t.Reset(d)
	return t
}

// fire delivers t's tick and disarms it. Called with c.mu held.
func (c *FakeClock) fire(t *fakeTimer) {
	delete(c.timers, t)
	select {
	case t.ch <- c.now:
	default:
	}
}

type fakeTimer struct {
	c  *FakeClock
	ch chan time.Time
	at time.Time
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	_, armed := t.c.timers[t]
	delete(t.c.timers, t)
	return armed
}

func (t *fakeTimer) Reset(d time.Duration) bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	_, armed := t.c.timers[t]
	t.at = t.c.now.Add(d)
	t.c.timers[t] = struct{}{}
	if d <= 0 {
		t.c.fire(t)
	}
	return armed
}
