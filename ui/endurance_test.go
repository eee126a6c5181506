package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/sim"
)

// usage is what a long session could leak.
type usage struct {
	goroutines int
	heap       uint64 // live heap after a full collection
	fds        int
}

func measure(t testing.TB) usage {
	t.Helper()
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fds := -1
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		fds = len(ents)
	}
	return usage{goroutines: runtime.NumGoroutine(), heap: ms.HeapAlloc, fds: fds}
}

// TestEnduranceShift lives through an 8-hour shift on the simulator's fake
// clock, in steps of a minute: each step someone joins and, once twenty are
// on the call, the longest-staying one leaves; every tenth step the
// supervisor mutes or unmutes someone (an audited action) and every
// thirtieth a poll fails. Goroutines, the live heap and open files must be
// the same at the end as half-way (when the feed and the caches are full;
// the simulator, in the same process, is counted too), and the event
// feed, the audit session and the screen caches must stay bounded.
func TestEnduranceShift(t *testing.T) {
	shift := 8 * time.Hour
	if testing.Short() {
		shift = 2 * time.Hour
	}
	const step = time.Minute
	w := newLiveWorld(t, api.RetryPolicy{}, threePeople()...)
	// A small audit session, so that it is full (and flat) by half-way.
	trail, err := audit.Open(filepath.Join(t.TempDir(), "audit.jsonl"), audit.WithSessionSize(40),
		audit.WithIdentity(audit.Identity{Operator: "alice"}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { trail.Close() })
	h := liveHarness(t, w, func(o *Options) { o.Audit = trail })
	h.key("e") // the feed is on, as it would be

	var onCall []string // labels, oldest first
	next := 0
	var warm usage
	steps := int(shift / step)
	for i := 0; i < steps; i++ {
		label := fmt.Sprintf("visitor-%d", next)
		next++
		if _, err := w.srv.JoinConnected(simAccount, w.conf, sim.Join{Label: label}); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		onCall = append(onCall, label)
		if len(onCall) > 20 {
			if err := w.srv.Hangup(simAccount, w.conf, onCall[0]); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			onCall = onCall[1:]
		}
		if i%30 == 29 {
			w.srv.InjectFault(sim.Fault{Kind: sim.FaultUnavailable, Method: "GET"})
		}
		w.clock.Advance(step)
		h.setClock(w.clock.Now())
		h.scheduled = h.scheduled[:0] // the clock ticks: the loop delivers its own
		h.send(clockMsg{t: h.clock})
		h.poll()
		if i%10 == 9 && len(h.app.room.rows) > 0 {
			h.app.room.selectRow(i%len(h.app.room.rows), h.app.room.tableHeight())
			h.key("m")
		}
		if i == steps/2 {
			warm = measure(t) // the feed and the caches are full by now
		}
	}
	end := measure(t)
	t.Logf("%v simulated in %d steps, %d joins; half-way: %d goroutines, heap %d KiB, %d fds; at the end: %d goroutines, heap %d KiB, %d fds; %d events kept of %d, %d audit records in the session",
		shift, steps, next, warm.goroutines, warm.heap>>10, warm.fds, end.goroutines, end.heap>>10, end.fds,
		h.app.room.events.Len(), eventLogSize, len(trail.Session()))

	if end.goroutines > warm.goroutines+2 {
		t.Errorf("goroutines grew from %d to %d", warm.goroutines, end.goroutines)
	}
	if end.fds > warm.fds+2 {
		t.Errorf("open files grew from %d to %d", warm.fds, end.fds)
	}
	// The heap is flat within a margin: the simulator, in this process,
	// keeps every SID it issued (about 150 bytes a join, some 35 KiB over
	// the second half) and maps keep their capacity; a leak of half a KiB
	// per step would pass the margin.
	if end.heap > warm.heap+(128<<10) {
		t.Errorf("live heap grew from %d KiB to %d KiB", warm.heap>>10, end.heap>>10)
	}
	if n := h.app.room.events.Len(); n > eventLogSize {
		t.Errorf("the event feed holds %d events, more than its bound %d", n, eventLogSize)
	}
	if n := len(trail.Session()); n > 40 {
		t.Errorf("the audit session holds %d records", n)
	}
	if n := len(h.app.lines.m); n > memoMax {
		t.Errorf("the line memo holds %d lines", n)
	}
	if n := len(h.app.room.roster); n > 25 {
		t.Errorf("the roster kept %d participants; about 20 are on the call", n)
	}
	if h.app.room.poll.err != nil {
		t.Errorf("the last poll failed: %v", h.app.room.poll.err)
	}
}
