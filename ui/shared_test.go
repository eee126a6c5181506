package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/live"
	"confconsole/model"
)

// doorTransport holds every write at the door until the test lets it in,
// so a test can act while another console's action is on its way.
type doorTransport struct {
	writes  atomic.Int32
	entered chan struct{}
	open    chan struct{}
}

func (d *doorTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet {
		d.writes.Add(1)
		d.entered <- struct{}{}
		<-d.open
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestTwoConsolesOneLiveState runs two consoles, alice's and bob's, on one
// live state over the simulator: while alice's mute of agent-7 is on its
// way, bob's mute of the same participant is refused with a message naming
// alice and what she waits for, and is never sent; alice's goes through,
// and the audit log names each operator with their key.
func TestTwoConsolesOneLiveState(t *testing.T) {
	w := newLiveWorld(t, api.RetryPolicy{}, threePeople()...)
	door := &doorTransport{entered: make(chan struct{}), open: make(chan struct{})}
	client, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: w.url,
		Retry: api.RetryPolicy{MaxAttempts: 1}, HTTPClient: &http.Client{Transport: door}})
	if err != nil {
		t.Fatal(err)
	}
	w.client = client
	hub := live.New(client, live.Options{Jitter: live.NoJitter})
	defer hub.Close()
	trail, path := openTrail(t)
	alice := Operator{Name: "alice", Role: "moderator", Fingerprint: "SHA256:alice-key", SSHUser: "support"}
	bob := Operator{Name: "bob", Role: "moderator", Fingerprint: "SHA256:bob-key", SSHUser: "support"}
	ha := liveHarness(t, w, func(o *Options) { o.Live, o.Operator, o.Audit = hub, alice, trail })
	hb := liveHarness(t, w, func(o *Options) { o.Live, o.Operator, o.Audit = hub, bob, trail })
	selectLabel(t, ha, "agent-7")
	selectLabel(t, hb, "agent-7")

	// alice presses m; her request waits at the door.
	m, cmd := ha.app.Update(keyMsg("m"))
	ha.app = m.(App)
	answer := make(chan tea.Msg, 1)
	go func() { answer <- cmd() }()
	<-door.entered

	hb.key("m")
	flash := hb.app.flash.text
	for _, want := range []string{"alice", "is still waiting to mute agent-7"} {
		if !strings.Contains(flash, want) {
			t.Errorf("bob's flash %q does not say %q", flash, want)
		}
	}
	if !hb.app.flash.isErr {
		t.Errorf("bob's refusal is not shown as an error: %q", flash)
	}
	if _, pending := hb.app.room.pending[hb.app.room.selected]; pending {
		t.Error("bob's row still shows his refused mute as pending")
	}

	close(door.open)
	ha.send(<-answer)
	if got := ha.app.flash.text; got != "muted agent-7 · u to undo" {
		t.Errorf("alice's flash = %q, want %q", got, "muted agent-7 · u to undo")
	}
	if n := door.writes.Load(); n != 1 {
		t.Errorf("%d writes reached Twilio, want alice's one", n)
	}

	es := readTrail(t, path)
	var aliceOK, bobRefused bool
	for _, e := range es {
		switch {
		case e.Operator == "alice" && e.KeyFingerprint == "SHA256:alice-key" && e.Phase == audit.PhaseResult:
			aliceOK = e.Outcome == audit.OutcomeOK
		case e.Operator == "bob" && e.KeyFingerprint == "SHA256:bob-key" && e.Phase == audit.PhaseResult:
			bobRefused = e.Outcome == audit.OutcomeFailed && strings.Contains(e.Error, "alice")
		}
	}
	if !aliceOK || !bobRefused {
		t.Errorf("the trail should hold alice's mute done and bob's refused, each with the operator's key; got %+v", es)
	}
}

// TestNotSentIsFailed: an action whose turn at the account's gate never
// came (the gate paused by a 429 for longer than the action may wait) was
// never sent: the trail records it failed, not unknown, and the flash says
// it was not sent and may be tried again, and the row is free.
func TestNotSentIsFailed(t *testing.T) {
	notSent := fmt.Errorf("mute agent-7: %w: wait for a turn: %w", live.ErrNotSent, context.DeadlineExceeded)
	res := sendAudited(context.Background(), auditScope{log: audit.Disabled()}, audit.Entry{Action: audit.ActionMute},
		func(context.Context) (string, error) { return "", notSent })
	if res.outcome != audit.OutcomeFailed {
		t.Errorf("outcome %s for an action never sent, want failed", res.outcome)
	}

	h := openRoom(t, demoService(), nil)
	selectLabel(t, h, "agent-7")
	p, _ := h.app.room.selectedParticipant()
	h.app.room.pending[p.CallSID] = pendingAction{kind: actMute}
	h.send(actionMsg{kind: actMute, conference: confSID, callSID: p.CallSID, name: "agent-7", err: notSent, outcome: res.outcome})
	if got := h.app.flash.text; !strings.HasPrefix(got, "mute agent-7 was not sent: ") || !strings.Contains(got, "try again") {
		t.Errorf("flash %q, want it to say the mute was not sent and may be tried again", got)
	}
	if _, pending := h.app.room.pending[p.CallSID]; pending {
		t.Error("the row still shows the mute pending")
	}
}

// TestTwoConsolesOneRecording: the recording is the conference's, so while
// alice's pause is on its way, bob's stop (asked and confirmed) is refused
// with a message naming alice, and only her change reaches Twilio; once it
// is answered, bob's header shows the recording paused.
func TestTwoConsolesOneRecording(t *testing.T) {
	w := newLiveWorld(t, api.RetryPolicy{})
	if _, err := w.client.CreateParticipant(context.Background(), bridge, api.CreateParticipant{
		From: "+15005550006", To: "+14155550123", Label: "recorder", ConferenceRecord: "record-from-start",
	}); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(time.Minute)
	for _, j := range threePeople() {
		p, err := w.srv.JoinConnected(simAccount, bridge, j)
		if err != nil {
			t.Fatal(err)
		}
		w.conf = p.ConferenceSID
	}
	door := &doorTransport{entered: make(chan struct{}), open: make(chan struct{})}
	client, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: w.url,
		Retry: api.RetryPolicy{MaxAttempts: 1}, HTTPClient: &http.Client{Transport: door}})
	if err != nil {
		t.Fatal(err)
	}
	w.client = client
	hub := live.New(client, live.Options{Jitter: live.NoJitter})
	defer hub.Close()
	ha := liveHarness(t, w, func(o *Options) { o.Live, o.Operator = hub, Operator{Name: "alice", Role: "moderator"} })
	hb := liveHarness(t, w, func(o *Options) { o.Live, o.Operator = hub, Operator{Name: "bob", Role: "moderator"} })
	if ha.app.room.rec != model.RecordingInProgress || hb.app.room.rec != model.RecordingInProgress {
		t.Fatalf("no recording running (alice sees %q, bob %q)", ha.app.room.rec, hb.app.room.rec)
	}

	m, cmd := ha.app.Update(keyMsg("p"))
	ha.app = m.(App)
	answer := make(chan tea.Msg, 1)
	go func() { answer <- cmd() }()
	<-door.entered

	hb.key("P")
	hb.key("y")
	if got := hb.app.flash.text; !strings.Contains(got, "alice is still waiting to pause the recording") {
		t.Errorf("bob's flash %q does not name alice's pause", got)
	}
	close(door.open)
	ha.send(<-answer)
	if got := ha.app.flash.text; got != "recording paused" {
		t.Errorf("alice's flash = %q, want %q", got, "recording paused")
	}
	if n := door.writes.Load(); n != 1 {
		t.Errorf("%d writes reached Twilio, want alice's one", n)
	}

	// Bob's header follows alice's pause from the live state, without a
	// key or a request of his own.
	hb.next()
	if hb.app.room.rec != model.RecordingPaused || !strings.Contains(strings.Split(hb.view(), "\n")[0], "REC paused") {
		t.Errorf("bob's screen still shows the recording %q after alice paused it:\n%s", hb.app.room.rec, hb.view())
	}
	if n := door.writes.Load(); n != 1 {
		t.Errorf("%d writes reached Twilio, want alice's one", n)
	}
}
