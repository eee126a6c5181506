package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestUnchangedPollsCostTheProgramNothing: through the real program, on
// the room and then on the conference list, a poll that finds nothing new
// reaches the model as no message at all (so Bubble Tea's renderer is never
// handed an unchanged view, which it would then copy and compare on every
// frame), and writes nothing. The freshness line still ages from the
// newest poll: its turn from "live" to late waits for the polls let pass,
// again with no message, and then counts from the newest of them.
func TestUnchangedPollsCostTheProgramNothing(t *testing.T) {
	// Three participants joined 7 s apart: no row's age changes for 39 s.
	c := startLiveConsole(t, 3, perfSize{120, 40}, time.Second) // late after 3 s
	t.Run("room", func(t *testing.T) {
		quietPolls(t, c, func() *seenPolls { return c.app().room.seen }, func() { c.hub.Refresh(c.conf) })
	})
	t.Run("list", func(t *testing.T) {
		c.t = t
		c.step(func() { c.prog.Send(keyMsg("esc")) }, func(m tea.Msg) bool {
			s, ok := m.(listSnapMsg)
			return ok && !s.snap.Poll.Updated.IsZero()
		})
		quietPolls(t, c, func() *seenPolls { return c.app().list.seen }, c.hub.RefreshList)
	})
}

// quietPolls has the screen shown polled five times a second apart with
// nothing changing, then lets its polls stop (see the test above).
func quietPolls(t *testing.T, c *liveConsole, seen func() *seenPolls, refresh func()) {
	handled := func() []string {
		var got []string
		for {
			select {
			case m := <-c.seen:
				got = append(got, fmt.Sprintf("%T", m))
			default:
				return got
			}
		}
	}
	polls := func() uint64 {
		if sp := seen().load(); sp != nil {
			return sp.Polls
		}
		return 0
	}
	time.Sleep(3 * frame)
	handled()
	before, _ := c.out.count()
	for i := range 5 {
		c.clock.Advance(time.Second)
		n := polls()
		refresh()
		deadline := time.Now().Add(10 * time.Second)
		for polls() == n && time.Now().Before(deadline) {
			time.Sleep(100 * time.Microsecond)
		}
		if sp := seen().load(); sp == nil || sp.Polls == n {
			t.Fatalf("unchanged poll %d: the console's wait did not see it", i+1)
		} else if !sp.passed {
			t.Errorf("unchanged poll %d was delivered to the program", i+1)
		}
	}
	clockTimers := func(m tea.Msg) bool { _, ok := m.(clockMsg); return ok }
	// Five seconds on, the status timer set for three seconds after the
	// last poll the screen took is due: it must wait for three seconds
	// after the newest poll seen instead, without a message.
	c.timers.fire(clockTimers)
	time.Sleep(3 * frame)
	if got := handled(); len(got) != 0 {
		t.Errorf("the program handled %v while polls were on time and nothing changed, want nothing", got)
	}
	if after, _ := c.out.count(); after != before {
		t.Errorf("%d bytes written while polls were on time and nothing changed", after-before)
	}
	// No poll for three seconds after the newest: late, counted from it.
	c.clock.Advance(3 * time.Second)
	c.step(func() { c.timers.fire(clockTimers) }, clockTimers)
	if v := c.app().View(); !strings.Contains(v, "updated 3s ago") {
		t.Errorf("3s after the newest poll the screen does not say updated 3s ago:\n%s", v)
	}
	// A poll on time again: live, and drawn (the screen changed).
	n := polls()
	c.step(refresh, func(m tea.Msg) bool {
		sp := seen().load()
		return sp != nil && sp.Polls > n
	})
	if v := c.app().View(); strings.Contains(v, "updated 3s ago") {
		t.Errorf("after a poll on time the screen still says it is late:\n%s", v)
	}
}
