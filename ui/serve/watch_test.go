package serve_test

import (
	"strings"
	"testing"
	"time"

	"confconsole/api/live"
	"confconsole/ui/serve"
)

// TestSessionsShareOnePoller: SSH sessions watching one room cost one
// participant list per poll interval between them. The server's live state
// runs its pollers on a fake clock, so the intervals are the test's.
func TestSessionsShareOnePoller(t *testing.T) {
	clock := live.NewFakeClock(time.Now())
	w := newWorld(t, func(c *serve.Config) {
		hub := live.New(c.Service, live.Options{Interval: time.Second, Jitter: live.NoJitter, NewTimer: clock.NewTimer})
		t.Cleanup(hub.Close) // after the server's shutdown, which runs first
		c.Live = hub
	}, nil)
	lists := func() int { return strings.Count(w.simLog.String(), "/Participants.json") }

	const sessions = 4
	for _, who := range []string{"alice", "bob", "carol", "alice"}[:sessions] {
		tm := w.open(who, termOpts{command: demoRoom})
		tm.waitFor(who+"'s room", roomShown)
	}
	if got := lists(); got != 1 {
		t.Fatalf("%d sessions opening one room made %d participant lists, want 1", sessions, got)
	}
	const intervals = 3
	for i := 1; i <= intervals; i++ {
		clock.Advance(time.Second)
		deadline := time.Now().Add(10 * time.Second)
		for lists() < 1+i && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if got := lists(); got != 1+i {
			t.Fatalf("after %d intervals with %d sessions: %d participant lists, want %d", i, sessions, got, 1+i)
		}
	}
}
