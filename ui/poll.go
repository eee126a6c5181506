package ui

import "time"

// poller keeps one screen's polling honest: at most one request in flight,
// replies to superseded requests dropped, the next poll scheduled only when
// the reply arrives, and back-off after failures.
type poller struct {
	seq      int  // number of the latest request; a reply with another is stale
	inFlight bool // a request is out; another refetch waits for it
	again    bool // a refetch was asked for while a request was in flight
	gen      int  // generation of the scheduled tick; older ticks are ignored
	failures int  // consecutive failures, for back-off

	updated time.Time // when the last successful reply arrived
	err     error     // the last failure; nil after a success
	nextAt  time.Time // when the next poll is due, to say "retrying in Ns"
}

// begin marks a new request and returns its number, or ok false when one is
// already in flight (the refetch then happens when it lands).
func (p *poller) begin() (seq int, ok bool) {
	if p.inFlight {
		p.again = true
		return 0, false
	}
	p.seq++
	p.gen++ // any scheduled tick is now superseded
	p.inFlight = true
	p.again = false
	return p.seq, true
}

// land accepts the reply numbered seq; false means it is stale and must be
// dropped.
func (p *poller) land(seq int) bool {
	if seq != p.seq || !p.inFlight {
		return false
	}
	p.inFlight = false
	return true
}

// abandon forgets the request in flight (the screen closed): its reply will
// be stale.
func (p *poller) abandon() {
	p.seq++
	p.gen++
	p.inFlight = false
	p.again = false
}

// succeeded records a good reply at t.
func (p *poller) succeeded(t time.Time) {
	p.updated = t
	p.err = nil
	p.failures = 0
}

// failed records a failed reply.
func (p *poller) failed(err error) {
	p.err = err
	p.failures++
}

// Back-off limits: a throttled or failing Twilio is asked again later and
// later, never more rarely than maxBackoff, so recovery shows up quickly.
const (
	maxBackoff  = 60 * time.Second
	authBackoff = 30 * time.Second
)

// delay is how long to wait before the next poll, given the last outcome.
func (p *poller) delay(interval time.Duration, jitter func(time.Duration) time.Duration) time.Duration {
	if p.err == nil {
		return interval + jitter(interval)
	}
	c := classify(p.err)
	switch c.kind {
	case errAuth:
		return authBackoff
	case errThrottled, errServer:
		d := interval
		for i := 0; i < p.failures && d < maxBackoff; i++ {
			d *= 2
		}
		if d > maxBackoff {
			d = maxBackoff
		}
		if c.retryAfter > d {
			d = c.retryAfter
		}
		return d + jitter(d)
	}
	return interval + jitter(interval)
}
