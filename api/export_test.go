package api

import (
	"context"
	"sync"
	"time"
)

// InstantRetries makes c record its retry waits instead of sleeping, for the
// tests of package api_test; the returned func lists the waits so far.
func InstantRetries(c *Client) func() []time.Duration {
	var mu sync.Mutex
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), waits...)
	}
}
