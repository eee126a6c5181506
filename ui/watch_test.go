package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/live"
	"confconsole/api/sim"
)

// watchWorld is the simulator with its request log, a conference of
// three, and one live state whose pollers run on a fake clock: the test
// moves it one interval at a time and counts what reached the simulator.
type watchWorld struct {
	srv    *sim.Server
	log    *syncBuffer
	conf   string
	clock  *live.FakeClock
	hub    *live.Hub
	client *api.Client
}

func newWatchWorld(t *testing.T) watchWorld { return newWatchWorldHeld(t, nil) }

// newWatchWorldHeld is newWatchWorld with every write held until hold is
// closed (nil holds none).
func newWatchWorldHeld(t *testing.T, hold chan struct{}) watchWorld {
	t.Helper()
	log := &syncBuffer{}
	srv := sim.New(sim.WithClock(sim.NewFakeClock(testNow)), sim.WithSeed(11), sim.WithLogger(log))
	if err := srv.AddAccount(simAccount, simToken); err != nil {
		t.Fatal(err)
	}
	var conf string
	for _, j := range threePeople() {
		p, err := srv.JoinConnected(simAccount, bridge, j)
		if err != nil {
			t.Fatal(err)
		}
		conf = p.ConferenceSID
	}
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && hold != nil {
			<-hold
		}
		srv.ServeHTTP(rw, r)
	}))
	t.Cleanup(hs.Close)
	client, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: hs.URL, Retry: api.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	clock := live.NewFakeClock(testNow)
	hub := live.New(client, live.Options{Interval: 2 * time.Second, Jitter: live.NoJitter, Now: clock.Now, NewTimer: clock.NewTimer})
	t.Cleanup(hub.Close)
	return watchWorld{srv: srv, log: log, conf: conf, clock: clock, hub: hub, client: client}
}

// participantLists counts the participant lists the simulator answered.
func (w watchWorld) participantLists() int {
	return strings.Count(w.log.String(), "GET /2010-04-01/Accounts/"+simAccount+"/Conferences/"+w.conf+"/Participants.json")
}

// console opens a console for who on the world's conference, watching the
// world's live state.
func (w watchWorld) console(t *testing.T, who string) *harness {
	t.Helper()
	h := newHarnessFor(t, w.client, nil, testNow, func(o *Options) {
		o.Live, o.Conference, o.AccountSID = w.hub, w.conf, simAccount
		o.Operator = Operator{Name: who, Role: "moderator", Fingerprint: "SHA256:" + who + "-key"}
	})
	if h.app.screen != screenRoom || len(h.app.room.roster) != 3 {
		t.Fatalf("%s's console did not open the conference:\n%s", who, h.view())
	}
	return h
}

// TestConsolesShareOnePoller: two consoles watching one room cost one
// participant list per poll interval between them, not one each; an
// action one operator takes appears in the other's feed naming them; and
// a third console that never takes its snapshots (a stalled session)
// delays neither.
func TestConsolesShareOnePoller(t *testing.T) {
	w := newWatchWorld(t)
	alice := w.console(t, "alice")
	bob := w.console(t, "bob")
	carol := w.console(t, "carol") // from now on never reads
	if got := w.participantLists(); got != 1 {
		t.Fatalf("three consoles opening the room made %d participant lists, want 1", got)
	}

	const intervals = 5
	for i := 1; i <= intervals; i++ {
		w.clock.Advance(2 * time.Second)
		polls := uint64(i + 1)
		alice.awaitRoom(polls)
		bob.awaitRoom(polls)
		if got := w.participantLists(); got != i+1 {
			t.Fatalf("after %d intervals with three consoles: %d participant lists, want %d", i, got, i+1)
		}
	}

	// alice mutes agent-7; bob's console, on its next snapshot, says so.
	selectLabel(t, alice, "agent-7")
	alice.key("m")
	if got := alice.app.flash.text; got != "muted agent-7 · u to undo" {
		t.Fatalf("alice's flash = %q", got)
	}
	bob.awaitRoom(alice.app.room.polls)
	var seen bool
	for i := range bob.app.room.events.Len() {
		if e, _ := bob.app.room.events.At(i); e.String() == "alice muted agent-7" {
			seen = true
		}
	}
	if !seen {
		t.Errorf("bob's feed does not say alice muted agent-7: %q", feedTexts(bob))
	}
	if p, _ := bob.app.room.byID[alice.app.room.selected]; !p.Muted {
		t.Errorf("bob's roster does not show agent-7 muted")
	}
	bob.key("e")
	if !strings.Contains(bob.view(), "alice muted agent-7") {
		t.Errorf("bob's open feed does not show alice's mute:\n%s", bob.view())
	}
	if carol.app.room.polls != 1 {
		t.Fatalf("carol's console read snapshots it was not given: %d polls seen", carol.app.room.polls)
	}
}

// feedTexts is a console's feed, newest first.
func feedTexts(h *harness) []string {
	var out []string
	for i := range h.app.room.events.Len() {
		e, _ := h.app.room.events.At(i)
		out = append(out, e.String())
	}
	return out
}

// TestCallbackReachesTheScreen: a status callback the live state applies
// to a watched room reaches the screen without a poll: the row changes,
// the feed says so, and no participant list is sent for it.
func TestCallbackReachesTheScreen(t *testing.T) {
	w := newWatchWorld(t)
	h := w.console(t, "alice")
	selectLabel(t, h, "agent-7")
	p, _ := h.app.room.selectedParticipant()
	if p.Muted {
		t.Fatal("agent-7 starts muted")
	}
	lists := w.participantLists()
	polls := h.app.room.polls
	w.hub.ApplyCallback(live.Callback{Conference: w.conf, Kind: live.CallbackMute, CallSID: p.CallSID, Label: "agent-7",
		HasState: true, Muted: true})
	h.next()
	if got, _ := h.app.room.byID[p.CallSID]; !got.Muted {
		t.Errorf("the row does not show the mute the callback reported:\n%s", h.view())
	}
	if e, ok := h.app.room.events.At(0); !ok || e.Origin() != live.FromCallback || !strings.Contains(e.String(), "agent-7") {
		t.Errorf("the feed's newest event is %q (%v), want the callback's mute of agent-7", e.String(), e.Origin())
	}
	if w.participantLists() != lists || h.app.room.polls != polls {
		t.Errorf("the callback's change took a poll")
	}
}

// TestOthersPendingActionMarksTheRow: while alice's mute of agent-7 is on
// its way, bob's row for agent-7 says it is being muted, as alice's does;
// once it is done both show agent-7 muted.
func TestOthersPendingActionMarksTheRow(t *testing.T) {
	hold := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(hold) }) }
	t.Cleanup(release)
	w := newWatchWorldHeld(t, hold)
	alice := w.console(t, "alice")
	bob := w.console(t, "bob")
	selectLabel(t, alice, "agent-7")
	cmd := alice.pressOnly("m")
	answer := make(chan tea.Msg, 1)
	go func() { answer <- cmd() }()
	bob.next() // the live state tells every watcher of the pending mute
	if row := rowOf(t, bob.view(), "agent-7"); !strings.Contains(row, "muting…") {
		t.Errorf("bob's row while alice's mute is on its way: %q, want it to say muting…", row)
	}
	release()
	alice.send(<-answer)
	bob.awaitRoom(alice.app.room.polls)
	if row := rowOf(t, bob.view(), "agent-7"); strings.Contains(row, "muting…") || !strings.Contains(row, "muted") {
		t.Errorf("bob's row after alice's mute: %q, want muted", row)
	}
}
