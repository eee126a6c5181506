package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds retries. Reads (GET) are retried on 429, 5xx and
// transport failures; writes (POST, DELETE) only on 429, which Twilio
// documents as "not processed", because a repeated create would dial someone
// twice. Zero fields take the values of DefaultRetryPolicy().
type RetryPolicy struct {
	// MaxAttempts counts the first try; 1 disables retries.
	MaxAttempts int
	// BaseDelay and MaxDelay shape the exponential backoff with full jitter:
	// before retry n the client sleeps a random time in
	// [0, min(MaxDelay, BaseDelay*2^n)).
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxWait bounds the total sleeping of one operation, Retry-After waits
	// included; a Retry-After longer than what is left ends the retries.
	MaxWait time.Duration
}

// DefaultRetryPolicy suits a console polling every few seconds: a couple of
// quick retries, never a stall of more than a few seconds.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts: 4,
		BaseDelay:   250 * time.Millisecond,
		MaxDelay:    4 * time.Second,
		MaxWait:     10 * time.Second,
	}
}

func (p RetryPolicy) validate() error {
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxWait < 0 {
		return fmt.Errorf("%w: retry policy has a negative field", ErrConfig)
	}
	return nil
}

// withDefaults fills zero fields.
func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts > 0 {
		d.MaxAttempts = p.MaxAttempts
	}
	if p.BaseDelay > 0 {
		d.BaseDelay = p.BaseDelay
	}
	if p.MaxDelay > 0 {
		d.MaxDelay = p.MaxDelay
	}
	if p.MaxWait > 0 {
		d.MaxWait = p.MaxWait
	}
	return d
}

// backoff is the full-jitter delay before retry n (n counts from 0); rnd
// returns a value in [0, 1).
func (p RetryPolicy) backoff(n int, rnd func() float64) time.Duration {
	ceiling := p.MaxDelay
	if n < 30 { // beyond that the shift overflows; MaxDelay wins anyway
		if d := p.BaseDelay << n; d > 0 && d < ceiling {
			ceiling = d
		}
	}
	r := rnd()
	if r < 0 || r >= 1 {
		r = 0
	}
	return time.Duration(r * float64(ceiling))
}

// retryable says whether a response status may be retried for this method.
func retryable(method string, status int) bool {
	if status == http.StatusTooManyRequests {
		return true
	}
	return method == http.MethodGet && status >= 500 && status != http.StatusNotImplemented
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// ok is false when the header is absent or unreadable.
func parseRetryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second) // absurd; MaxWait ends it anyway
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(h)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
