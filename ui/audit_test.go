package ui

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/sim"
	"confconsole/model"
)

const bridge = "Support bridge"

// liveWorld is the simulator with one conference of known people on a fake
// clock, no demo scenario, so that every change is one the test made.
type liveWorld struct {
	srv    *sim.Server
	clock  *sim.FakeClock
	client *api.Client
	url    string
	conf   string // the conference SID
}

func newLiveWorld(t testing.TB, retry api.RetryPolicy, people ...sim.Join) liveWorld {
	t.Helper()
	clock := sim.NewFakeClock(testNow)
	srv := sim.New(sim.WithClock(clock), sim.WithSeed(11))
	if err := srv.AddAccount(simAccount, simToken); err != nil {
		t.Fatal(err)
	}
	w := liveWorld{srv: srv, clock: clock}
	for _, j := range people {
		p, err := srv.JoinConnected(simAccount, bridge, j)
		if err != nil {
			t.Fatal(err)
		}
		w.conf = p.ConferenceSID
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	w.url = hs.URL
	if retry.MaxAttempts == 0 {
		retry.MaxAttempts = 1 // the console's own back-off is under test
	}
	client, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: hs.URL, Retry: retry})
	if err != nil {
		t.Fatal(err)
	}
	w.client = client
	return w
}

// threePeople is the roster most tests start from.
func threePeople() []sim.Join {
	return []sim.Join{
		{Label: "agent-7"},
		{Label: "caller-2", Muted: true},
		{Label: "supervisor"},
	}
}

// openTrail opens an audit file in a temporary directory with a pinned
// clock and operator.
func openTrail(t testing.TB) (*audit.Log, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "audit.jsonl")
	l, err := audit.Open(path, audit.WithClock(func() time.Time { return testNow }),
		audit.WithIdentity(audit.Identity{Operator: "alice", Host: "console-1"}),
		audit.WithSecrets(simToken))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, path
}

// readTrail parses every line of the audit file.
func readTrail(t testing.TB, path string) []audit.Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []audit.Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

// liveHarness opens the console on the bridge over the real client.
func liveHarness(t testing.TB, w liveWorld, mod func(*Options)) *harness {
	t.Helper()
	h := newHarnessFor(t, w.client, nil, w.clock.Now(), func(o *Options) {
		o.Conference = bridge
		o.AccountSID = simAccount
		if mod != nil {
			mod(o)
		}
	})
	if h.app.screen != screenRoom {
		t.Fatalf("the console did not open %q:\n%s", bridge, h.view())
	}
	return h
}

// settle moves the simulated world on (a dialled participant connects) and
// delivers the next poll.
func (h *harness) settle(w liveWorld, d time.Duration) {
	h.t.Helper()
	w.clock.Advance(d)
	h.setClock(w.clock.Now())
	h.send(clockMsg{t: h.clock})
	h.poll()
}

// TestEveryActionIsAudited sends each action the console offers through the
// real client to the simulator and checks its pair of records in the file:
// the intent before, the result after, with who, where, what and Twilio's
// answer.
func TestEveryActionIsAudited(t *testing.T) {
	const url = "https://example.com/notice.xml"
	tests := []struct {
		name    string
		select_ string
		keys    []string // a key, "type:TEXT" to type, or "code" to type the conference's confirmation code
		action  audit.Action
		label   string // "" for conference-wide actions
		params  map[string]string
	}{
		{"mute", "agent-7", []string{"m"}, audit.ActionMute, "agent-7", map[string]string{"Muted": "true"}},
		{"unmute", "caller-2", []string{"m"}, audit.ActionUnmute, "caller-2", map[string]string{"Muted": "false"}},
		{"hold", "agent-7", []string{"h"}, audit.ActionHold, "agent-7", map[string]string{"Hold": "true"}},
		{"coach", "supervisor", []string{"c", "type:agent", "enter"}, audit.ActionCoach, "supervisor", map[string]string{"Coaching": "true"}},
		{"announce", "caller-2", []string{"a", "type:" + url, "enter"}, audit.ActionAnnounce, "caller-2", map[string]string{"AnnounceUrl": url}},
		{"announce to all", "caller-2", []string{"A", "type:" + url, "enter"}, audit.ActionAnnounceAll, "", map[string]string{"AnnounceUrl": url}},
		{"remove", "caller-2", []string{"x", "y"}, audit.ActionRemove, "caller-2", map[string]string{}},
		{"add", "caller-2", []string{"n", "type:+14155550100", "tab", "type:+14155550111", "tab", "type:agent-9", "ctrl+s"},
			audit.ActionAdd, "agent-9", map[string]string{"To": "+14155550100", "From": "+14155550111", "Label": "agent-9"}},
		{"end the conference", "caller-2", []string{"E", "code", "enter"}, audit.ActionEndConference, "", map[string]string{"Status": "completed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newLiveWorld(t, api.RetryPolicy{}, threePeople()...)
			trail, path := openTrail(t)
			h := liveHarness(t, w, func(o *Options) { o.Audit = trail })
			selectLabel(t, h, tc.select_)
			target := h.app.room.byID[h.app.room.selected]
			for _, k := range tc.keys {
				if s, ok := strings.CutPrefix(k, "type:"); ok {
					h.typeText(s)
					continue
				}
				if k == "code" {
					h.typeText(sidCode(h.app.room.conf.SID))
					continue
				}
				h.key(k)
			}
			es := readTrail(t, path)
			if len(es) != 2 {
				t.Fatalf("%d records, want an intent and a result: %+v\nscreen:\n%s", len(es), es, h.view())
			}
			in, res := es[0], es[1]
			if in.Phase != audit.PhaseIntent || res.Phase != audit.PhaseResult || in.ID != res.ID {
				t.Fatalf("want intent then result with one id, got %s %s / %s %s", in.Phase, in.ID, res.Phase, res.ID)
			}
			for _, e := range es {
				if e.Action != tc.action || !e.Action.Known() {
					t.Errorf("%s action = %q, want %q", e.Phase, e.Action, tc.action)
				}
				if e.Operator != "alice" || e.AccountSID != simAccount || e.ConferenceSID != w.conf || e.ConferenceName != bridge {
					t.Errorf("%s who/where = %q %q %q %q", e.Phase, e.Operator, e.AccountSID, e.ConferenceSID, e.ConferenceName)
				}
				if e.Label != tc.label {
					t.Errorf("%s label = %q, want %q", e.Phase, e.Label, tc.label)
				}
			}
			switch {
			case tc.action == audit.ActionAdd:
				if !model.IsCallSID(res.CallSID) {
					t.Errorf("the result should name the call Twilio created, got %q", res.CallSID)
				}
			case tc.label != "":
				if in.CallSID != target.CallSID || res.CallSID != target.CallSID {
					t.Errorf("call SIDs %q %q, want %q", in.CallSID, res.CallSID, target.CallSID)
				}
			}
			for k, v := range tc.params {
				if in.Params[k] != v {
					t.Errorf("param %s = %q, want %q (all %v)", k, in.Params[k], v, in.Params)
				}
			}
			if res.Outcome != audit.OutcomeOK || res.ErrorCode != 0 || res.Error != "" {
				t.Errorf("result %s code %d %q, want ok", res.Outcome, res.ErrorCode, res.Error)
			}
			if !strings.HasPrefix(res.RequestID, "RQ") || res.Attempts != 1 {
				t.Errorf("request id %q attempts %d, want Twilio's RQ… id and 1 attempt", res.RequestID, res.Attempts)
			}
			if in.Time.IsZero() || !in.Written || !res.Written {
				// Written is not in the file; Session keeps it.
				ses := trail.Session()
				if len(ses) != 2 || !ses[0].Written || !ses[1].Written {
					t.Errorf("session records not marked written: %+v", ses)
				}
			}
		})
	}
}

// TestRecordingChangesAreAudited pauses, resumes and stops a conference
// recording and checks each one's records.
func TestRecordingChangesAreAudited(t *testing.T) {
	w := newLiveWorld(t, api.RetryPolicy{})
	ctx := context.Background()
	// The first participant opens the conference with a recording from its
	// start; the others join once it runs.
	if _, err := w.client.CreateParticipant(ctx, bridge, api.CreateParticipant{
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
	trail, path := openTrail(t)
	h := liveHarness(t, w, func(o *Options) { o.Audit = trail })
	if h.app.room.rec != model.RecordingInProgress {
		t.Fatalf("no recording running in the simulator (rec = %q)", h.app.room.rec)
	}
	h.key("p")
	h.key("p")
	h.key("P")
	h.key("y")
	es := readTrail(t, path)
	want := []audit.Action{audit.ActionRecordingPause, audit.ActionRecordingResume, audit.ActionRecordingStop}
	if len(es) != 2*len(want) {
		t.Fatalf("%d records, want %d: %+v", len(es), 2*len(want), es)
	}
	for i, a := range want {
		in, res := es[2*i], es[2*i+1]
		if in.Action != a || res.Action != a || in.ID != res.ID || res.Outcome != audit.OutcomeOK {
			t.Errorf("records %d: %s %s %s / %s %s %s, want %s ok", i, in.Phase, in.Action, in.ID, res.Phase, res.Action, res.Outcome, a)
		}
		if in.Params["Status"] == "" {
			t.Errorf("record %d: no Status param: %v", i, in.Params)
		}
	}
}

// TestFailedActionIsAuditedWithTwilioCode checks the result of an action
// Twilio answered with an error: Twilio's code, the request id, the attempt
// count, and an outcome by what the answer says. A 429 is documented as not
// processed, so it failed; a 500 may come after the change was made, so it
// is unknown and the screen says the next poll will tell.
func TestFailedActionIsAuditedWithTwilioCode(t *testing.T) {
	tests := []struct {
		name    string
		fault   sim.FaultKind
		outcome audit.Outcome
		code    int
		flash   string
	}{
		{"429", sim.FaultTooManyRequests, audit.OutcomeFailed, 20429, "mute agent-7 failed"},
		{"500", sim.FaultInternalError, audit.OutcomeUnknown, 20500, "mute agent-7 got an error answer (twilio 20500 (HTTP 500): Internal Server Error): it may have been applied; the next poll will tell"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newLiveWorld(t, api.RetryPolicy{}, threePeople()...)
			trail, path := openTrail(t)
			h := liveHarness(t, w, func(o *Options) { o.Audit = trail })
			selectLabel(t, h, "agent-7")
			w.srv.InjectFault(sim.Fault{Kind: tc.fault, Method: "POST"})
			h.answer(h.pressOnly("m"))
			es := readTrail(t, path)
			if len(es) != 2 {
				t.Fatalf("%d records, want 2", len(es))
			}
			res := es[1]
			if res.Outcome != tc.outcome || res.ErrorCode != tc.code || res.Attempts != 1 || res.Error == "" || res.RequestID == "" {
				t.Errorf("result = %+v, want %s with code %d after 1 attempt", res, tc.outcome, tc.code)
			}
			if !strings.Contains(h.app.flash.text, tc.flash) || !h.app.flash.isErr {
				t.Errorf("flash = %q, want %q", h.app.flash.text, tc.flash)
			}
		})
	}
}

// TestAuditWriteFailureIsShown makes the file unwritable mid-session: the
// action still goes to Twilio, the flash says it is not recorded, and every
// screen's header carries the warning from then on.
func TestAuditWriteFailureIsShown(t *testing.T) {
	w := newLiveWorld(t, api.RetryPolicy{}, threePeople()...)
	trail, _ := openTrail(t)
	h := liveHarness(t, w, func(o *Options) { o.Audit = trail })
	if strings.Contains(h.view(), "AUDIT LOG NOT WRITTEN") {
		t.Fatalf("warning before any failure:\n%s", h.view())
	}
	trail.Close() // every later record fails, as on a full or vanished disk
	selectLabel(t, h, "agent-7")
	h.key("m")
	if p := w.srv.Participants(simAccount, w.conf); !mutedIn(p, "agent-7") {
		t.Errorf("the mute should still have been sent")
	}
	if !h.app.flash.isErr || !strings.Contains(h.app.flash.text, "NOT recorded in the audit log") {
		t.Errorf("flash = %q, want it to say the record is missing", h.app.flash.text)
	}
	if v := h.view(); !strings.Contains(strings.Split(v, "\n")[0], "AUDIT LOG NOT WRITTEN") {
		t.Errorf("the header should warn:\n%s", v)
	}
	h.key("esc") // back to the list: the warning stays
	if v := h.view(); !strings.Contains(strings.Split(v, "\n")[0], "AUDIT LOG NOT WRITTEN") {
		t.Errorf("the list header should warn too:\n%s", v)
	}
	h.key("L")
	v := h.view()
	for _, want := range []string{"the audit log is failing", "(not in the file)", "mute"} {
		if !strings.Contains(v, want) {
			t.Errorf("log view lacks %q:\n%s", want, v)
		}
	}
}

func mutedIn(ps []model.Participant, label string) bool {
	for _, p := range ps {
		if p.Label == label {
			return p.Muted
		}
	}
	return false
}

// TestAuditOpenErrorIsShown: a log that could not be opened is said on the
// first screen, before any action.
func TestAuditOpenErrorIsShown(t *testing.T) {
	svc := demoService()
	h := newHarness(t, svc, func(o *Options) {
		o.AuditErr = &os.PathError{Op: "open", Path: "/nowhere/audit.jsonl", Err: os.ErrPermission}
	})
	if first := strings.Split(h.view(), "\n")[0]; !strings.Contains(first, "AUDIT LOG NOT WRITTEN (L)") {
		t.Errorf("header = %q", first)
	}
	if !strings.Contains(h.app.flash.text, "audit log not written: open /nowhere/audit.jsonl: permission denied") {
		t.Errorf("flash = %q", h.app.flash.text)
	}
	h.key("L")
	lines := strings.Split(h.view(), "\n")
	if want := "not written to a file: open /nowhere/audit.jsonl: permission denied; records of this session only"; !strings.Contains(lines[1], want) {
		t.Errorf("log view should say why there is no file, %q:\n%s", want, h.view())
	}
	if v := h.view(); strings.Contains(v, "--audit-log -") {
		t.Errorf("log view blames --audit-log -, which was not given:\n%s", v)
	}
	if !strings.Contains(lines[2], "--audit-log PATH") {
		t.Errorf("log view should say what to do:\n%s", h.view())
	}
}

// TestLogViewListsThisSession opens the log view with L, from the
// participants screen, and closes it with esc and with L.
func TestLogViewListsThisSession(t *testing.T) {
	svc := demoService()
	trail := audit.Disabled(audit.WithClock(func() time.Time { return testNow }))
	h := openRoom(t, svc, func(o *Options) { o.Audit = trail })
	h.key("L")
	if v := h.view(); !strings.Contains(v, "no action sent yet") || !strings.Contains(v, "--audit-log -") {
		t.Errorf("empty log view:\n%s", v)
	}
	h.key("esc")
	selectLabel(t, h, "agent-7")
	h.key("m")
	h.key("L")
	v := h.view()
	if !strings.Contains(v, `intent mute "agent-7" in "support-escalations"`) ||
		!strings.Contains(v, `result mute "agent-7" in "support-escalations": ok`) {
		t.Errorf("log view should list the mute's two records:\n%s", v)
	}
	// Keys that act on calls do nothing while the log is open.
	h.key("m")
	if n := len(svc.called("UpdateParticipant")); n != 1 {
		t.Errorf("m inside the log view sent an update (%d calls)", n)
	}
	h.key("L")
	if h.app.logView.open {
		t.Error("L should close the log view")
	}
	if !strings.Contains(h.view(), "agent-7") {
		t.Errorf("back on the participants screen:\n%s", h.view())
	}
}

// TestIntentIsOnDiskBeforeTheRequest reads the audit file from inside the
// server as the action's request arrives: the intent must already be there
// (written and synced), and the result not yet.
func TestIntentIsOnDiskBeforeTheRequest(t *testing.T) {
	e := newFaultEnv(t)
	trail, path := openTrail(t)
	var mu sync.Mutex
	var seen []audit.Entry
	e.proxy.set("POST", func(w http.ResponseWriter, r *http.Request) {
		es := readTrail(t, path)
		mu.Lock()
		seen = es
		mu.Unlock()
		e.srv.ServeHTTP(w, r)
	})
	h := liveHarness(t, e.liveWorld, func(o *Options) { o.Audit = trail })
	selectLabel(t, h, "agent-7")
	h.key("m")
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0].Phase != audit.PhaseIntent || seen[0].Action != audit.ActionMute {
		t.Fatalf("when the request arrived the file held %+v, want the mute's intent alone", seen)
	}
	if es := readTrail(t, path); len(es) != 2 || es[1].Phase != audit.PhaseResult {
		t.Errorf("after the answer the file holds %+v, want intent and result", es)
	}
}

// TestLogViewShowsAResultThatLandsWhileOpen: an action in flight when the
// log view opens appears in it when Twilio answers.
func TestLogViewShowsAResultThatLandsWhileOpen(t *testing.T) {
	svc := demoService()
	trail := audit.Disabled(audit.WithClock(func() time.Time { return testNow }))
	h := openRoom(t, svc, func(o *Options) { o.Audit = trail })
	selectLabel(t, h, "agent-7")
	cmd := h.pressOnly("m")
	h.key("L")
	if strings.Contains(h.view(), "result mute") {
		t.Fatal("a result before the call was made")
	}
	h.run(cmd)
	if v := h.view(); !strings.Contains(v, `result mute "agent-7"`) || !h.app.logView.open {
		t.Errorf("the open log view should show the result:\n%s", v)
	}
}

// TestAuditLogViewSaysWhyNoFile: the log view's second line says why
// nothing goes to a file in the words of what the user did: the demo's
// own default, or --audit-log -.
func TestAuditLogViewSaysWhyNoFile(t *testing.T) {
	tests := []struct {
		name     string
		demo     bool
		want     string
		unwanted string
	}{
		{"demo", true, "none with --demo", "(--audit-log -)"},
		{"turned off", false, "(--audit-log -)", "--demo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, demoService(), func(o *Options) { o.Demo = tt.demo })
			h.key("L")
			second := strings.Split(h.view(), "\n")[1]
			if !strings.Contains(second, tt.want) || strings.Contains(second, tt.unwanted) {
				t.Errorf("log view's second line = %q, want %q and not %q", second, tt.want, tt.unwanted)
			}
		})
	}
}
