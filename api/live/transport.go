package live

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// passedKey marks a context whose request already holds a turn at a Gate,
// so the gate's transport does not make it queue a second time.
type passedKey struct{ g *Gate }

// Transport wraps next (http.DefaultTransport when nil) so that every HTTP
// attempt to the account goes through the gate, including the client's own
// retries, and every 429 any of them gets pauses the whole account at once,
// before the client has finished retrying. Give it to the client in
// api.Config.HTTPClient. GETs queue as polls, every other method as an
// action. A request the Hub sent already holds its turn: it only waits for a
// pause to end.
func (g *Gate) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &gateTransport{g: g, next: next}
}

type gateTransport struct {
	g    *Gate
	next http.RoundTripper
}

func (t *gateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	release := func(error) {}
	if ctx.Value(passedKey{t.g}) != nil {
		if err := t.g.waitOpen(ctx); err != nil {
			closeBody(req)
			return nil, err
		}
	} else {
		p := PriorityAction
		if req.Method == http.MethodGet || req.Method == http.MethodHead {
			p = PriorityPoll
		}
		var err error
		if release, err = t.g.Acquire(ctx, p); err != nil {
			closeBody(req) // a RoundTripper must close the body, even on error
			return nil, err
		}
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		// Paused before the slot is given back, so no waiter slips out
		// in between.
		d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now())
		if !ok {
			d = DefaultThrottlePause
		}
		t.g.PauseUntil(time.Now().Add(d))
	}
	release(nil) // the pause, if any, came from the response itself
	return resp, err
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// waitOpen waits until no pause is in force, or ctx ends.
func (g *Gate) waitOpen(ctx context.Context) error {
	for {
		wait := time.Until(g.PausedUntil())
		if wait <= 0 {
			return nil
		}
		tm := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			tm.Stop()
			return fmt.Errorf("wait for twilio's rate limit to pass: %w", ctx.Err())
		case <-tm.C:
		}
	}
}

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil && secs >= 0 {
		return time.Duration(min(secs, 24*3600)) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
