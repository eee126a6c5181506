package serve_test

import (
	"regexp"
	"sync"
	"testing"
	"time"
)

// TestSessionsShareOneLiveState: two moderators' sessions on one room act
// through the server's one live state. While alice's mute of a caller is on
// its way to Twilio, carol's on the same caller is refused with a message
// naming alice, and only alice's reaches Twilio.
func TestSessionsShareOneLiveState(t *testing.T) {
	arrived, release := make(chan struct{}, 8), make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	w := newWorld(t, nil, func() {
		arrived <- struct{}{}
		<-release
	})
	t.Cleanup(open) // before the world's cleanups, which wait for the requests held here
	alice := w.open("alice", termOpts{command: demoRoom})
	carol := w.open("carol", termOpts{command: demoRoom})
	alice.waitFor("alice's room", roomShown)
	carol.waitFor("carol's room", roomShown)

	alice.send("m")
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("alice's mute never reached the simulator")
	}
	mark := carol.mark()
	carol.send("m")
	carol.waitAfter(mark, "carol told that alice's action is pending", regexp.MustCompile(`alice is still waiting to`))
	open()
	alice.waitFor("alice's mute answered", regexp.MustCompile(`✓ (un)?muted`))
	if n := len(w.writes()); n != 1 {
		t.Errorf("%d writes reached Twilio, want alice's one: %v", n, w.writes())
	}
}
