package live

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"confconsole/api"
)

// Priority orders requests waiting at a Gate: every waiting action is let
// through before any waiting poll, because an operator's mute is what someone
// is waiting for, while a poll missed now is made up by the next one.
type Priority int

// The priorities, most urgent first.
const (
	PriorityAction Priority = iota // a change to a call: mute, hold, remove...
	PriorityPoll                   // a read that refreshes a screen
)

// String names the priority ("action" or "poll"), for errors.
func (p Priority) String() string {
	if p == PriorityAction {
		return "action"
	}
	return "poll"
}

// DefaultMaxInFlight is how many requests a Gate lets run at once when given
// no limit: far below Twilio's per-account concurrency limit, and enough for
// a few rooms and an action at a time.
const DefaultMaxInFlight = 4

// DefaultThrottlePause is how long a Gate stops everyone after a 429 that
// came without a Retry-After header.
const DefaultThrottlePause = time.Second

// Gate is the one door every request to one Twilio account goes through. It
// bounds the requests in flight, lets actions go before polls when both wait,
// and after a 429 holds everyone back until the Retry-After the account was
// given has passed: one throttled request pauses the whole team's requests,
// not only the one that got it. It is safe for concurrent use; share one per
// account.
type Gate struct {
	max int
	now func() time.Time // the clock pauses are measured on

	mu       sync.Mutex
	inFlight int
	until    time.Time   // no request starts before this
	timer    *time.Timer // dispatches when the pause ends
	queues   [2][]*waiter
}

type waiter struct {
	ready   chan struct{} // closed when the waiter may go
	granted bool          // set under Gate.mu when ready is closed
}

// NewGate returns a gate letting at most maxInFlight requests run at once; 0
// or less means DefaultMaxInFlight.
func NewGate(maxInFlight int) *Gate {
	if maxInFlight <= 0 {
		maxInFlight = DefaultMaxInFlight
	}
	return &Gate{max: maxInFlight, now: time.Now}
}

// NewGateClock is NewGate on the clock now: a pause lasts until now says
// it has passed (a request arriving then goes at once). Tests pass a clock
// they move themselves; nil means time.Now.
func NewGateClock(maxInFlight int, now func() time.Time) *Gate {
	g := NewGate(maxInFlight)
	if now != nil {
		g.now = now
	}
	return g
}

// Acquire waits until a request of priority p may be sent, or ctx ends. On
// success the caller must call release exactly once with the request's
// error: a rate-limit error pauses the gate (see Observe).
func (g *Gate) Acquire(ctx context.Context, p Priority) (release func(error), err error) {
	if p != PriorityAction {
		p = PriorityPoll
	}
	w := &waiter{ready: make(chan struct{})}
	g.mu.Lock()
	g.queues[p] = append(g.queues[p], w)
	g.dispatch()
	g.mu.Unlock()

	select {
	case <-w.ready:
	case <-ctx.Done():
		g.mu.Lock()
		if w.granted { // let through at the same moment: hand the slot back
			g.inFlight--
		} else {
			g.queues[p] = remove(g.queues[p], w)
		}
		g.dispatch()
		g.mu.Unlock()
		return nil, fmt.Errorf("wait for a turn to call twilio (%s): %w", p, ctx.Err())
	}
	var once sync.Once
	return func(err error) {
		once.Do(func() {
			g.Observe(err)
			g.mu.Lock()
			g.inFlight--
			g.dispatch()
			g.mu.Unlock()
		})
	}, nil
}

// Observe pauses the gate when err says Twilio throttled the account: until
// the Retry-After it carried, or DefaultThrottlePause when it carried none.
// Other errors, and nil, change nothing.
func (g *Gate) Observe(err error) {
	if err == nil || !errors.Is(err, api.ErrRateLimited) {
		return
	}
	d := DefaultThrottlePause
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		d = ra.RetryAfter()
	}
	g.PauseUntil(g.now().Add(d))
}

// PauseUntil holds every request back until t (a later pause already in
// force is kept).
func (g *Gate) PauseUntil(t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.After(g.until) {
		g.until = t
	}
	g.dispatch()
}

// PausedUntil is the end of the pause in force, or the zero time when the
// gate is open.
func (g *Gate) PausedUntil() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.now().Before(g.until) {
		return g.until
	}
	return time.Time{}
}

// dispatch lets waiters go, actions first, while slots are free and no pause
// is in force; during a pause it arms a timer for the pause's end. Called
// with g.mu held.
func (g *Gate) dispatch() {
	if wait := g.until.Sub(g.now()); wait > 0 {
		if g.timer == nil {
			g.timer = time.AfterFunc(wait, func() {
				g.mu.Lock()
				g.timer = nil
				g.dispatch()
				g.mu.Unlock()
			})
		}
		return
	}
	for g.inFlight < g.max {
		q := &g.queues[PriorityAction]
		if len(*q) == 0 {
			q = &g.queues[PriorityPoll]
		}
		if len(*q) == 0 {
			return
		}
		w := (*q)[0]
		(*q)[0] = nil
		*q = (*q)[1:]
		w.granted = true
		close(w.ready)
		g.inFlight++
	}
}

func remove(ws []*waiter, w *waiter) []*waiter {
	for i, x := range ws {
		if x == w {
			return append(ws[:i:i], ws[i+1:]...)
		}
	}
	return ws
}
