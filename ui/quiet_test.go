package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// TestUnchangedPollsCostTheProgramNothing: through the real program, a
// poll that finds nothing new reaches the model as no message at all (so
// Bubble Tea's renderer is never handed an unchanged view, which it would
// then copy and compare on every frame), and writes nothing. The status
// line still ages from the newest poll: its turn from "live" to late waits
// for the polls let pass, again with no message, and then counts from the
// newest of them.
func TestUnchangedPollsCostTheProgramNothing(t *testing.T) {
	c := startLiveConsole(t, 3, perfSize{120, 40}, time.Second) // late after 3 s; no age changes for 39 s
	handled := func() []string {
		var got []string
		for {
			select {
			case m := <-c.seen:
				got = append(got, strings.TrimPrefix(strings.TrimPrefix(typeName(m), "ui."), "tea."))
			default:
				return got
			}
		}
	}
	handled()
	start := c.clock.Now()
	for i := range 5 {
		c.clock.Advance(time.Second)
		if n := c.pollNow(); n != 0 {
			t.Errorf("unchanged poll %d wrote %d bytes", i+1, n)
		}
		if sp := c.app().room.seen.load(); !sp.passed {
			t.Errorf("unchanged poll %d was delivered to the program", i+1)
		}
	}
	clockTimers := func(m tea.Msg) bool { _, ok := m.(clockMsg); return ok }
	// Five seconds on, the status timer set for three seconds after the
	// last poll the screen took is due: it must wait for three seconds
	// after the newest poll seen instead, without a message.
	before, _ := c.out.count()
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
	status := strings.Split(c.app().View(), "\n")[1]
	if !strings.Contains(status, "updated 3s ago") {
		t.Errorf("status %3.0fs after the first poll, 3s after the newest = %q, want updated 3s ago", c.clock.Now().Sub(start).Seconds(), status)
	}
}

func typeName(m tea.Msg) string { return fmt.Sprintf("%T", m) }
