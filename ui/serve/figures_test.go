package serve_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"confconsole/api/live"
	"confconsole/ui/serve"
)

// figureSessions is how many SSH sessions the figures are quoted for.
const figureSessions = 50

// BenchmarkRequestsPerInterval counts the Twilio requests (every request
// the simulator logs, reads and writes) per poll interval while one room is
// watched by 1 and by 50 real SSH sessions. The live state runs on a fake
// clock, so an interval is exactly one Advance; the figure must be 1 in
// both cases, and the benchmark fails when it is not.
func BenchmarkRequestsPerInterval(b *testing.B) {
	for _, sessions := range []int{1, figureSessions} {
		b.Run(fmt.Sprintf("sessions=%d", sessions), func(b *testing.B) {
			clock := live.NewFakeClock(time.Now())
			w := newWorld(b, func(c *serve.Config) {
				hub := live.New(c.Service, live.Options{Interval: time.Second, Jitter: live.NoJitter, NewTimer: clock.NewTimer})
				b.Cleanup(hub.Close) // after the server's shutdown, which runs first
				c.Live = hub
				c.MaxPerOperator = figureSessions
			}, nil)
			requests := func() int { return strings.Count(w.simLog.String(), "\n") }
			lists := func() int { return strings.Count(w.simLog.String(), "/Participants.json") }
			for range sessions {
				tm := w.open("alice", termOpts{command: demoRoom})
				tm.waitFor("the room", roomShown)
			}
			intervals := 0
			r0 := requests()
			for b.Loop() {
				want := lists() + 1
				clock.Advance(time.Second)
				deadline := time.Now().Add(10 * time.Second)
				for lists() < want && time.Now().Before(deadline) {
					time.Sleep(time.Millisecond)
				}
				// Whatever else the interval would cost (a second list from
				// another session, a conference fetch) comes with the first.
				time.Sleep(50 * time.Millisecond)
				intervals++
			}
			per := float64(requests()-r0) / float64(intervals)
			b.ReportMetric(per, "requests/interval")
			b.ReportMetric(0, "ns/op") // the time is the test's own sleeps
			if per != 1 {
				b.Errorf("%d sessions on one room: %.2f requests per poll interval, want 1; the simulator saw:\n%s",
					sessions, per, tail(w.simLog.String(), 2000))
			}
		})
	}
}

// signals makes out report each write on a channel (never blocking), so a
// benchmark can wake the moment bytes arrive rather than poll.
func signals(out *syncBuffer) <-chan struct{} {
	ch := make(chan struct{}, 1)
	out.mu.Lock()
	out.notify = ch
	out.mu.Unlock()
	return ch
}

// rowName is a table row's first column, and whether the row is selected (▶).
var rowName = regexp.MustCompile(`^(▶)?\s+(\S+)`)

// BenchmarkKeyToScreen opens 50 SSH sessions on one room, live (polling
// the simulator's real-time demo every second), and from one of them moves
// the selection down and up (j, k) over and over: each op is the time from
// the key's bytes leaving the client to the client receiving the redrawn
// row that now carries the selection. It reports p50 and p95; the target
// for p95 is one frame at 20 fps plus 10 ms (60 ms).
func BenchmarkKeyToScreen(b *testing.B) {
	w := newWorld(b, func(c *serve.Config) { c.MaxPerOperator = figureSessions }, nil)
	var driver *terminal
	for i := range figureSessions {
		tm := w.open("alice", termOpts{command: demoRoom})
		tm.waitFor("the room", roomShown)
		if i == 0 {
			driver = tm
		}
	}
	// The first two rows of the table: j selects the second, k the first.
	var names []string
	for _, l := range strings.Split(driver.text(), "\n") {
		if m := rowName.FindStringSubmatch(l); m != nil && (m[1] != "" || len(names) == 1) {
			names = append(names, m[2])
			if len(names) == 2 {
				break
			}
		}
	}
	if len(names) != 2 || names[0] == names[1] {
		b.Fatalf("could not find two rows to move between (%q) on:\n%s", names, driver.text())
	}
	wake := signals(driver.out)
	var lat []time.Duration
	for b.Loop() {
		key, want := "j", names[1]
		if len(lat)%2 == 1 {
			key, want = "k", names[0]
		}
		moved := regexp.MustCompile(`▶\s*` + regexp.QuoteMeta(want))
		mark := driver.mark()
		t0 := time.Now()
		if _, err := io.WriteString(driver.in, key); err != nil {
			b.Fatal(err)
		}
		deadline := time.After(10 * time.Second)
		for !moved.MatchString(stripFrom(driver.out.String(), mark)) {
			select {
			case <-wake:
			case <-deadline:
				b.Fatalf("%s did not move the selection to %s within 10 s", key, want)
			}
		}
		lat = append(lat, time.Since(t0))
		b.StopTimer()
		// A person's pace, and a random one: a fixed pause would lock the
		// keys to the renderer's 50 ms ticker and hide part of the wait.
		time.Sleep(20*time.Millisecond + rand.N(50*time.Millisecond))
		b.StartTimer()
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}

// stripFrom is the text printed after mark, escape sequences removed.
func stripFrom(all string, mark int) string {
	if mark > len(all) {
		mark = len(all)
	}
	return ansi.Strip(all[mark:])
}
