package ui

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/sim"
	"confconsole/model"
)

const (
	simAccount = "AC00000000000000000000000000000001"
	simToken   = "0123456789abcdef0123456789abcdef"
)

// simWorld is the simulator with the demo scenario on a fake clock, served
// on loopback, and the real client pointed at it.
type simWorld struct {
	srv    *sim.Server
	clock  *sim.FakeClock
	client *api.Client
}

func newSimWorld(t *testing.T, token string) simWorld {
	t.Helper()
	clock := sim.NewFakeClock(testNow)
	srv := sim.New(sim.WithClock(clock), sim.WithSeed(7))
	if err := srv.AddAccount(simAccount, simToken); err != nil {
		t.Fatal(err)
	}
	stop, err := sim.StartDemo(srv, simAccount, 7)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	client, err := api.New(api.Config{
		AccountSID: simAccount, AuthToken: token, BaseURL: hs.URL,
		Retry: api.RetryPolicy{MaxAttempts: 1}, // the console's own back-off is under test
	})
	if err != nil {
		t.Fatal(err)
	}
	return simWorld{srv: srv, clock: clock, client: client}
}

// simHarness drives the console over the real client; its clock is the
// simulator's.
func simHarness(t *testing.T, w simWorld, mod func(*Options)) *harness {
	t.Helper()
	h := newHarnessFor(t, w.client, nil, w.clock.Now(), mod)
	return h
}

// advance moves both clocks and delivers the clock tick and the due poll.
func (h *harness) advance(w simWorld, d time.Duration) {
	h.t.Helper()
	w.clock.Advance(d)
	h.setClock(w.clock.Now())
	h.send(clockMsg{t: h.clock})
	h.poll()
}

func TestGoldenScreensSimulator(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {120, 40}}
	for _, sz := range sizes {
		size := strconv.Itoa(sz.w) + "x" + strconv.Itoa(sz.h)
		t.Run(size, func(t *testing.T) {
			w := newSimWorld(t, simToken)
			h := simHarness(t, w, func(o *Options) { o.Demo = true; o.AccountSID = simAccount })
			h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			checkGolden(t, "sim-list-"+size, h.view())
			if len(h.app.list.rows) != 3 {
				t.Fatalf("the demo has three live conferences, list shows %d:\n%s", len(h.app.list.rows), h.view())
			}
			h.key("enter")
			checkGolden(t, "sim-participants-"+size, h.view())
			h.key("e")
			h.advance(w, 30*time.Second)
			checkGolden(t, "sim-participants-feed-"+size, h.view())
		})
	}
}

func TestSimulatorActionsRoundTrip(t *testing.T) {
	w := newSimWorld(t, simToken)
	h := simHarness(t, w, nil)
	h.key("enter")
	sel, ok := h.app.room.selectedParticipant()
	if !ok {
		t.Fatalf("no participant selected:\n%s", h.view())
	}
	wasMuted := sel.Muted
	h.key("m")
	p := h.app.room.byID[sel.CallSID]
	if p.Muted == wasMuted {
		t.Errorf("after m and the refetch, muted = %v, want %v", p.Muted, !wasMuted)
	}
	if _, pending := h.app.room.pending[sel.CallSID]; pending {
		t.Errorf("still pending after the poll confirmed it")
	}
	// The participant hangs up before the next action lands.
	if err := w.srv.Hangup(simAccount, h.app.room.conf.SID, sel.CallSID); err != nil {
		t.Fatal(err)
	}
	h.key("h")
	if !strings.Contains(h.app.flash.text, "already left") {
		t.Errorf("flash = %q, want it to say the participant already left", h.app.flash.text)
	}
}

func TestSimulatorFaults(t *testing.T) {
	tests := []struct {
		name     string
		fault    sim.Fault
		want     string
		minDelay time.Duration
	}{
		{"429 with Retry-After", sim.Fault{Kind: sim.FaultTooManyRequests, RetryAfter: 20 * time.Second}, "throttling", 20 * time.Second},
		{"503", sim.Fault{Kind: sim.FaultUnavailable}, "HTTP 503", 4 * time.Second},
		{"html from a proxy", sim.Fault{Kind: sim.FaultHTMLError}, "HTTP 502", 4 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newSimWorld(t, simToken)
			h := simHarness(t, w, nil)
			h.key("enter")
			before := len(h.app.room.rows)
			w.srv.InjectFault(tc.fault)
			h.advance(w, 3*time.Second)
			v := h.view()
			if !strings.Contains(v, "STALE") || !strings.Contains(v, tc.want) {
				t.Errorf("want a stale marker and %q:\n%s", tc.want, v)
			}
			if len(h.app.room.rows) != before {
				t.Errorf("the last table should stay on screen")
			}
			if d := h.lastPollDelay(); d < tc.minDelay {
				t.Errorf("next poll in %v, want a back-off of at least %v", d, tc.minDelay)
			}
			h.advance(w, h.lastPollDelay())
			if v := h.view(); strings.Contains(v, "STALE") {
				t.Errorf("no recovery after the fault cleared:\n%s", v)
			}
		})
	}
}

func TestSimulatorWrongCredentials(t *testing.T) {
	w := newSimWorld(t, "ffffffffffffffffffffffffffffffff")
	h := simHarness(t, w, nil)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	v := h.view()
	if !strings.Contains(v, "rejected the credentials") || !strings.Contains(v, "TWILIO_AUTH_TOKEN") {
		t.Errorf("wrong credentials should be said plainly, with what to check:\n%s", v)
	}
	checkGolden(t, "sim-wrong-credentials-80x24", v)
	if d := h.lastPollDelay(); d != authBackoff {
		t.Errorf("next try in %v, want %v", d, authBackoff)
	}
}

func TestSimulatorConferenceEnds(t *testing.T) {
	w := newSimWorld(t, simToken)
	h := simHarness(t, w, nil)
	h.key("enter")
	conf := h.app.room.conf
	for _, p := range w.srv.Participants(simAccount, conf.SID) {
		if err := w.srv.Hangup(simAccount, conf.SID, p.CallSID); err != nil {
			t.Fatal(err)
		}
	}
	h.advance(w, 2*time.Second)
	if h.app.screen != screenList {
		t.Fatalf("the console should go back to the list when the conference ends:\n%s", h.view())
	}
	if !strings.Contains(h.app.flash.text, "has ended") {
		t.Errorf("flash = %q", h.app.flash.text)
	}
	_ = model.ConferenceCompleted
}
