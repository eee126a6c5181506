package ui

import (
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/model"
)

// virtualTime runs a harness's timers on a clock of its own: each timer
// fires when the clock reaches its moment, earliest first, so a test lives
// through minutes in milliseconds and sees every wake-up the console asks
// for, when it asks for it.
type virtualTime struct {
	h      *harness
	timers []virtualTimer
	drop   func(tea.Msg) bool // timers whose message is lost
	lost   func() bool        // the live state's polls are lost (they never go out) while it says so

	clockWakes int // clock messages delivered
	idleWakes  int // of those, the ones after which the screen read the same
	replies    int // poll replies handled
}

type virtualTimer struct {
	at time.Time
	fn func(time.Time) tea.Msg
}

// useVirtualTime takes over h's scheduler; the timers h recorded so far
// were all set at h's current time.
func useVirtualTime(h *harness) *virtualTime {
	v := &virtualTime{h: h, drop: func(tea.Msg) bool { return false }, lost: func() bool { return false }}
	armed := &h.app.timers.armed
	for _, s := range h.scheduled {
		msg := s.msg
		fn := func(time.Time) tea.Msg { return msg }
		if c, ok := msg.(clockMsg); ok {
			// The harness made the message when the timer was set; made
			// when it fires, it carries that moment, or nothing if replaced.
			fn = func(now time.Time) tea.Msg {
				if armed.Load() != c.gen {
					return nil
				}
				return clockMsg{t: now, gen: c.gen}
			}
		}
		v.timers = append(v.timers, virtualTimer{at: h.clock.Add(s.d), fn: fn})
	}
	h.scheduled = nil
	h.app.sched = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		v.timers = append(v.timers, virtualTimer{at: h.clock.Add(d), fn: fn})
		return nil
	}
	return v
}

// runUntil fires, in order, every timer due by end, and has the live state
// poll the screen shown whenever its next poll is due (unless polls are
// lost), then leaves the clock at end.
func (v *virtualTime) runUntil(end time.Time) {
	v.h.t.Helper()
	for {
		i := -1
		for j, t := range v.timers {
			if !t.at.After(end) && (i < 0 || t.at.Before(v.timers[i].at)) {
				i = j
			}
		}
		if at, ok := v.nextPoll(); ok && !at.After(end) && (i < 0 || !v.timers[i].at.Before(at)) {
			if at.After(v.h.clock) {
				v.h.setClock(at)
			}
			v.h.poll()
			v.replies++
			continue
		}
		if i < 0 {
			break
		}
		t := v.timers[i]
		v.timers = slices.Delete(v.timers, i, i+1)
		if t.at.After(v.h.clock) {
			v.h.setClock(t.at)
		}
		msg := t.fn(v.h.clock)
		if msg == nil || v.drop(msg) {
			continue // a replaced clock timer: Bubble Tea drops a nil message
		}
		before := v.h.view()
		v.h.send(msg)
		if _, ok := msg.(clockMsg); ok {
			v.clockWakes++
			if v.h.view() == before {
				v.idleWakes++
			}
		}
	}
	v.h.setClock(end)
}

// nextPoll is when the live state polls the screen shown next, if it
// does.
func (v *virtualTime) nextPoll() (time.Time, bool) {
	if v.lost() || !v.h.watching() {
		return time.Time{}, false
	}
	at := v.h.app.list.poll.nextAt
	if v.h.app.screen == screenRoom {
		at = v.h.app.room.poll.nextAt
	}
	return at, !at.IsZero()
}

// An idle console with a steady roster and polls on time wakes for the
// clock only when a row's age moves on a minute, not once a second, and
// never for nothing.
func TestIdleConsoleWakesOnlyWhenTheScreenChanges(t *testing.T) {
	for _, screen := range []string{"participants", "conferences"} {
		t.Run(screen, func(t *testing.T) {
			mod := func(o *Options) { o.Conference = confSID }
			if screen == "conferences" {
				mod = nil
			}
			h := newHarness(t, demoService(), mod)
			v := useVirtualTime(h)
			const minutes = 3
			v.runUntil(testNow.Add(minutes * time.Minute))
			if v.replies < minutes*29 {
				t.Fatalf("%d polls in %d minutes of 2 s polls: the test did not run the polls", v.replies, minutes)
			}
			// Every age on these screens is a whole number of minutes at
			// testNow, so they all move together: once a minute.
			if v.clockWakes > 2*minutes {
				t.Errorf("%d clock wake-ups in %d idle minutes (with %d poll replies), want at most %d", v.clockWakes, minutes, v.replies, 2*minutes)
			}
			if v.idleWakes > 0 {
				t.Errorf("%d of %d clock wake-ups changed nothing on screen", v.idleWakes, v.clockWakes)
			}
			t.Logf("%d clock wake-ups and %d poll replies in %d minutes", v.clockWakes, v.replies, minutes)
		})
	}
}

// statusOf is the room's second header line, where the freshness is.
func statusOf(h *harness) string {
	lines := strings.Split(h.view(), "\n")
	if len(lines) < 2 {
		return ""
	}
	return lines[1]
}

// lineWith is the first line of the screen containing s.
func lineWith(h *harness, s string) string {
	for _, l := range strings.Split(h.view(), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// Each text that depends on the time changes when it should, with no
// poll reply or key to redraw it.
func TestClockTextsChangeOnTime(t *testing.T) {
	type check struct {
		after time.Duration // from testNow
		show  func(*harness) string
		want  string
	}
	throttled := twilioErr(api.OpListParticipants, confSID, http.StatusTooManyRequests, 20429, "Too Many Requests")
	tests := []struct {
		name     string
		mod      func(*Options)
		svc      func(*fakeService)
		lostPoll bool // polls never go out after the first
		checks   []check
	}{
		{
			name: "an age crossing a minute",
			svc: func(f *fakeService) {
				// Joined 29 s before testNow: a minute old at +31 s, an odd
				// second, when no 2 s poll replies.
				f.setParticipants(confSID, participant(1, "agent-7"), model.Participant{
					CallSID: callSID(9), ConferenceSID: confSID, Label: "newcomer", Status: model.ParticipantConnected,
					Created: testNow.Add(-29 * time.Second),
				})
			},
			checks: []check{
				{30*time.Second + 900*time.Millisecond, func(h *harness) string { return lineWith(h, "newcomer") }, "<1m"},
				{31 * time.Second, func(h *harness) string { return lineWith(h, "newcomer") }, " 1m"},
			},
		},
		{
			name:     "a late poll shows its age, each second",
			lostPoll: true,
			checks: []check{
				{4900 * time.Millisecond, statusOf, "live"},
				{5 * time.Second, statusOf, "updated 5s ago"},
				{6 * time.Second, statusOf, "updated 6s ago"},
				{47 * time.Second, statusOf, "updated 47s ago"},
				{3 * time.Minute, statusOf, "updated 3m ago"},
			},
		},
		{
			name: "a flash expiring",
			mod: func(o *Options) {
				o.AuditErr = &os.PathError{Op: "open", Path: "audit.jsonl", Err: os.ErrPermission}
			},
			checks: []check{
				{flashErrFor - 100*time.Millisecond, func(h *harness) string { return h.view() }, "audit log not written"},
				{flashErrFor, func(h *harness) string {
					if strings.Contains(h.view(), "audit log not written") {
						return "still shown"
					}
					return "gone"
				}, "gone"},
			},
		},
		{
			name: "a retry countdown",
			svc:  func(f *fakeService) { f.failNext("ListParticipants", throttled) },
			checks: []check{
				// The first poll fails at testNow, the next is 4 s away.
				{0, statusOf, "retry in 4s"},
				{time.Second, statusOf, "retry in 3s"},
				{2500 * time.Millisecond, statusOf, "retry in 2s"},
				{3 * time.Second, statusOf, "retry in 1s"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			if tc.svc != nil {
				tc.svc(svc)
			}
			h := openRoom(t, svc, tc.mod)
			v := useVirtualTime(h)
			if tc.lostPoll {
				v.lost = func() bool { return true }
			}
			for _, c := range tc.checks {
				v.runUntil(testNow.Add(c.after))
				if got := c.show(h); !strings.Contains(got, c.want) {
					t.Errorf("at +%v: want %q in:\n%s", c.after, c.want, got)
				}
			}
		})
	}
}

// While a poll is late the console wakes each second to count its age;
// once replies come on time again it stops.
func TestLatePollTicksEachSecondOnlyWhileLate(t *testing.T) {
	h := openRoom(t, demoService(), nil)
	v := useVirtualTime(h)
	lost := true
	v.lost = func() bool { return lost }
	v.runUntil(testNow.Add(30 * time.Second))
	// Late from +5 s: a wake each second from then on.
	if v.clockWakes < 25 || v.clockWakes > 27 {
		t.Errorf("%d clock wake-ups in 30 s with the poll late from 5 s, want about 26", v.clockWakes)
	}
	if v.idleWakes > 0 {
		t.Errorf("%d of %d clock wake-ups changed nothing on screen", v.idleWakes, v.clockWakes)
	}
	lost = false
	h.poll() // a refresh: the poll is answered again
	if s := statusOf(h); !strings.Contains(s, "live") {
		t.Fatalf("after a reply the status should say live: %q", s)
	}
	wakes := v.clockWakes
	v.runUntil(testNow.Add(30*time.Second + time.Minute))
	if n := v.clockWakes - wakes; n > 2 {
		t.Errorf("%d clock wake-ups in the minute after polls came back, want at most 2", n)
	}
}

// ageChange and agoChange name the first moment the text they stand for
// reads differently: the same just before, different at it.
func TestNextChangeMomentsMatchTheTexts(t *testing.T) {
	base := time.Date(2026, 3, 14, 15, 9, 26, 400_000_000, time.UTC)
	var offsets []time.Duration
	for _, d := range []time.Duration{-90 * time.Second, -time.Second, 0, 300 * time.Millisecond, 59 * time.Second,
		time.Minute, 119*time.Second + 700*time.Millisecond, 2 * time.Minute, 61 * time.Minute,
		23*time.Hour + 59*time.Minute + 30*time.Second, 24 * time.Hour, 50*time.Hour + 17*time.Minute} {
		offsets = append(offsets, d)
	}
	texts := []struct {
		name string
		text func(now, t time.Time) string
		next func(now, t time.Time) time.Time
	}{
		{"coarseAge", coarseAge, ageChange},
		{"ago", ago, agoChange},
	}
	for _, tx := range texts {
		for _, d := range offsets {
			now := base.Add(d)
			at := tx.next(now, base)
			if !at.After(now) {
				t.Errorf("%s %v old: next change %v is not after now %v", tx.name, d, at, now)
				continue
			}
			shown := tx.text(now, base)
			if before := tx.text(at.Add(-time.Nanosecond), base); before != shown {
				t.Errorf("%s %v old: reads %q before its next change at +%v, want still %q", tx.name, d, before, at.Sub(now), shown)
			}
			if after := tx.text(at, base); after == shown {
				t.Errorf("%s %v old: still reads %q at its next change (+%v)", tx.name, d, after, at.Sub(now))
			}
		}
	}
}
