package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/live"
	"confconsole/model"
)

// fakeService is an in-memory Twilio for Update-level tests: it keeps
// conferences and participants, records every call, and fails a method once
// for each error queued on it.
type fakeService struct {
	mu    sync.Mutex
	confs []model.Conference
	parts map[string][]model.Participant // by conference SID
	recs  map[string][]model.Recording
	fail  map[string][]error // method name -> errors to return, in order
	// failApplied is errors UpdateRecording returns after making the
	// change, as a 500 that came after Twilio did it.
	failApplied []error
	calls       []string
	hold        chan struct{} // when set, participant lists wait until it is closed
	// created is every CreateParticipant's parameters, in order.
	created []api.CreateParticipant
}

// byName is, as Twilio does for a friendly name, the SID of the active
// conference of that name, or of a new one started for it. Called with
// f.mu held.
func (f *fakeService) byName(name string) string {
	for _, c := range f.confs {
		if c.FriendlyName == name && c.Status != model.ConferenceCompleted {
			return c.SID
		}
	}
	sid := fmt.Sprintf("CF%032x", len(f.confs)+0xbeef)
	f.confs = append(f.confs, model.Conference{SID: sid, FriendlyName: name, Status: model.ConferenceInProgress, Region: "us1"})
	return sid
}

// holdPolls makes the participant lists wait until release is called.
func (f *fakeService) holdPolls() (release func()) {
	c := make(chan struct{})
	f.mu.Lock()
	f.hold = c
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		if f.hold == c {
			f.hold = nil
		}
		f.mu.Unlock()
		close(c)
	}
}

func newFakeService() *fakeService {
	return &fakeService{parts: map[string][]model.Participant{}, recs: map[string][]model.Recording{}, fail: map[string][]error{}}
}

// failNext makes the next call of method return err.
func (f *fakeService) failNext(method string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method] = append(f.fail[method], err)
}

func (f *fakeService) record(method string, args ...any) error {
	f.calls = append(f.calls, strings.TrimSpace(method+" "+fmt.Sprint(args...)))
	if q := f.fail[method]; len(q) > 0 {
		f.fail[method] = q[1:]
		return q[0]
	}
	return nil
}

// called returns the calls made so far whose text starts with prefix.
func (f *fakeService) called(prefix string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeService) setParticipants(conf string, ps ...model.Participant) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.parts[conf] = ps
}

func (f *fakeService) edit(conf, callSID string, fn func(*model.Participant)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.parts[conf] {
		if f.parts[conf][i].CallSID == callSID {
			fn(&f.parts[conf][i])
		}
	}
}

func (f *fakeService) ListConferences(ctx context.Context, flt api.ConferenceFilter) ([]model.Conference, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("ListConferences", flt.Status, " |", flt.FriendlyName); err != nil {
		return nil, err
	}
	var out []model.Conference
	for _, c := range f.confs {
		if flt.Status != "" && string(c.Status) != flt.Status {
			continue
		}
		if flt.FriendlyName != "" && c.FriendlyName != flt.FriendlyName {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func (f *fakeService) FetchConference(ctx context.Context, sid string) (model.Conference, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("FetchConference", sid); err != nil {
		return model.Conference{}, err
	}
	for _, c := range f.confs {
		if c.SID == sid {
			return c, nil
		}
	}
	return model.Conference{}, notFound("fetch conference", sid)
}

func (f *fakeService) UpdateConference(ctx context.Context, sid string, u api.ConferenceUpdate) (model.Conference, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("UpdateConference", sid, " status=", u.Status, " announce=", u.AnnounceURL); err != nil {
		return model.Conference{}, err
	}
	for i, c := range f.confs {
		if c.SID == sid {
			if u.Status == "completed" {
				f.confs[i].Status = model.ConferenceCompleted
				f.parts[sid] = nil
			}
			return f.confs[i], nil
		}
	}
	return model.Conference{}, notFound("update conference", sid)
}

func (f *fakeService) ListParticipants(ctx context.Context, conf string, flt api.ParticipantFilter) ([]model.Participant, error) {
	f.mu.Lock()
	hold := f.hold
	f.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("ListParticipants", conf); err != nil {
		return nil, err
	}
	return append([]model.Participant(nil), f.parts[conf]...), nil
}

func (f *fakeService) CreateParticipant(ctx context.Context, conf string, p api.CreateParticipant) (model.Participant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("CreateParticipant", conf, " to=", p.To, " label=", p.Label); err != nil {
		return model.Participant{}, err
	}
	f.created = append(f.created, p)
	if !strings.HasPrefix(conf, "CF") {
		conf = f.byName(conf)
	}
	np := model.Participant{CallSID: fmt.Sprintf("CA%032d", len(f.parts[conf])+100), Label: p.Label, Status: model.ParticipantQueued, ConferenceSID: conf}
	f.parts[conf] = append(f.parts[conf], np)
	return np, nil
}

func (f *fakeService) UpdateParticipant(ctx context.Context, conf, callSID string, u api.UpdateParticipant) (model.Participant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	desc := callSID
	if u.Muted != nil {
		desc += fmt.Sprintf(" muted=%v", *u.Muted)
	}
	if u.Hold != nil {
		desc += fmt.Sprintf(" hold=%v", *u.Hold)
	}
	if u.HoldURL != "" {
		desc += " holdurl=" + u.HoldURL
	}
	if u.Coaching != nil {
		desc += fmt.Sprintf(" coaching=%v", *u.Coaching)
	}
	if u.CallSIDToCoach != "" {
		desc += " coach=" + u.CallSIDToCoach
	}
	if u.AnnounceURL != "" {
		desc += " announce=" + u.AnnounceURL
	}
	if err := f.record("UpdateParticipant", conf, " ", desc); err != nil {
		return model.Participant{}, err
	}
	for i := range f.parts[conf] {
		p := &f.parts[conf][i]
		if p.CallSID != callSID {
			continue
		}
		if u.Muted != nil {
			p.Muted = *u.Muted
		}
		if u.Hold != nil {
			p.Hold = *u.Hold
		}
		if u.Coaching != nil {
			p.Coaching = *u.Coaching
			p.CallSIDToCoach = u.CallSIDToCoach
		}
		return *p, nil
	}
	return model.Participant{}, notFound("update participant", callSID)
}

func (f *fakeService) DeleteParticipant(ctx context.Context, conf, callSID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("DeleteParticipant", conf, " ", callSID); err != nil {
		return err
	}
	ps := f.parts[conf]
	for i := range ps {
		if ps[i].CallSID == callSID {
			f.parts[conf] = append(ps[:i:i], ps[i+1:]...)
			return nil
		}
	}
	return notFound("delete participant", callSID)
}

func (f *fakeService) ListRecordings(ctx context.Context, conf string) ([]model.Recording, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("ListRecordings", conf); err != nil {
		return nil, err
	}
	return append([]model.Recording(nil), f.recs[conf]...), nil
}

func (f *fakeService) UpdateRecording(ctx context.Context, conf, sid string, u api.RecordingUpdate) (model.Recording, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.record("UpdateRecording", conf, " ", sid, " ", u.Status); err != nil {
		return model.Recording{}, err
	}
	var after error
	if len(f.failApplied) > 0 {
		after, f.failApplied = f.failApplied[0], f.failApplied[1:]
	}
	for i := range f.recs[conf] {
		r := &f.recs[conf][i]
		if r.Status == model.RecordingInProgress || r.Status == model.RecordingPaused {
			r.Status = model.RecordingStatus(u.Status)
			if after != nil {
				return model.Recording{}, after
			}
			return *r, nil
		}
	}
	return model.Recording{}, notFound("update recording", sid)
}

// twilioErr builds the error the real client returns for a Twilio error
// response.
func twilioErr(op api.Operation, target string, status, code int, msg string) error {
	return &api.Error{Op: op, Target: target, Status: status, Code: code, Message: msg}
}

func notFound(op, target string) error {
	return twilioErr(api.Operation(op), target, http.StatusNotFound, 20404, "The requested resource was not found")
}

// Fixed identities for the tests.
var (
	testNow  = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	confSID  = "CF" + strings.Repeat("a", 32)
	conf2SID = "CF" + strings.Repeat("b", 32)
)

func callSID(n int) string { return fmt.Sprintf("CA%032x", n) }

func participant(n int, label string, mods ...func(*model.Participant)) model.Participant {
	p := model.Participant{
		CallSID: callSID(n), ConferenceSID: confSID, Label: label,
		Status: model.ParticipantConnected, Created: testNow.Add(-time.Duration(n) * 7 * time.Minute),
	}
	for _, m := range mods {
		m(&p)
	}
	return p
}

func muted(p *model.Participant) { p.Muted = true }
func held(p *model.Participant)  { p.Hold = true }

// scheduledMsg stands in for a tea.Tick in tests: the delay is recorded and
// the message is not delivered, so no test sleeps.
type scheduledMsg struct {
	d   time.Duration
	msg tea.Msg
}

// harness drives an App like Bubble Tea does: a message into Update, the
// commands run, their messages fed back, until nothing is left but
// scheduled ticks.
type harness struct {
	t         testing.TB
	app       App
	svc       *fakeService
	scheduled []scheduledMsg
	quit      bool
	clock     time.Time // written by setClock only: the live state reads it
	clockMu   sync.Mutex
	gateAt    time.Time // the account gate's time: the last poll's due time, or clock
	hub       *live.Hub
	// parked are the commands waiting for a live-state snapshot, newest
	// last: the harness runs them when it has made the poll it wants.
	parked []func() tea.Msg
}

// answerHeld runs an action's command with the live state's polls held
// (it polls at once after the action), then meanwhile, which changes the
// call behind Twilio's answer, then lets the polls go; it returns the
// answer for send, which delivers that poll.
func (h *harness) answerHeld(cmd tea.Cmd, meanwhile func()) tea.Msg {
	h.t.Helper()
	release := h.svc.holdPolls()
	msg := cmd()
	meanwhile()
	release()
	return msg
}

// awaitPollMsg has the harness deliver the room's snapshots up to the
// one of the live state's nth poll.
type awaitPollMsg struct{ n uint64 }

// parkedMsg is a snapshot receive the harness holds (timers.park).
type parkedMsg struct{ wait func() tea.Msg }

// now is the harness's clock, for the console and its live state.
func (h *harness) now() time.Time {
	h.clockMu.Lock()
	defer h.clockMu.Unlock()
	return h.clock
}

// gateNow is the account gate's clock: a poll the harness makes comes when
// it was due, so a pause Twilio asked for (Retry-After) is over by then, as
// it is for the live state's own schedule.
func (h *harness) gateNow() time.Time {
	h.clockMu.Lock()
	defer h.clockMu.Unlock()
	if h.gateAt.After(h.clock) {
		return h.gateAt
	}
	return h.clock
}

// setClock sets the harness's clock.
func (h *harness) setClock(t time.Time) {
	h.clockMu.Lock()
	defer h.clockMu.Unlock()
	h.clock = t
}

func newHarness(t testing.TB, svc *fakeService, mod func(*Options)) *harness {
	t.Helper()
	return newHarnessFor(t, svc, svc, testNow, mod)
}

// newHarnessFor drives an App over any Service (the real client against the
// simulator, say), its clock starting at now.
func newHarnessFor(t testing.TB, svc Service, fake *fakeService, now time.Time, mod func(*Options)) *harness {
	t.Helper()
	h := &harness{t: t, svc: fake, clock: now}
	opts := Options{Keys: testKeyMap(), Refresh: 2 * time.Second, Now: h.now, Theme: "dark"}
	if mod != nil {
		mod(&opts)
	}
	if opts.Live == nil {
		// The live state's pollers wait on timers nobody fires: the
		// harness polls when a test says (poll, or after an action), so
		// every request a test counts is one it asked for.
		interval := opts.Refresh
		if interval == 0 {
			interval = DefaultRefresh
		}
		opts.Live = live.New(svc, live.Options{
			Interval: max(interval, MinRefresh), RequestTimeout: RequestTimeout, EventCapacity: eventLogSize,
			Jitter: live.NoJitter, Now: h.now, NewTimer: live.NewFakeClock(now).NewTimer, Gate: live.NewGateClock(0, h.gateNow),
		})
		t.Cleanup(opts.Live.Close)
	}
	h.hub = opts.Live
	if opts.Renderer == nil {
		opts.Renderer = plainRenderer()
	}
	a := New(svc, opts)
	a.sched = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		return func() tea.Msg { return scheduledMsg{d: d, msg: fn(h.clock)} }
	}
	a.park = func(wait func() tea.Msg) tea.Cmd {
		return func() tea.Msg { return parkedMsg{wait: wait} }
	}
	h.app = a
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.run(a.Init())
	return h
}

// send delivers msg and everything its commands produce.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	n := h.app.room.polls
	m, cmd := h.app.Update(msg)
	h.app = m.(App)
	h.run(cmd)
	if h.kicked(msg) {
		h.awaitRoom(n + 1) // the live state polls at once after an action it sent
	}
}

// kicked reports whether msg answers an action the live state sent on the
// room shown, so that it polls the room at once.
func (h *harness) kicked(msg tea.Msg) bool {
	switch m := msg.(type) {
	case actionMsg:
		return h.inRoom(m.conference) && reachedTwilio(m.err)
	case recordingMsg:
		return m.op != recFetch && m.outcome != "" && h.inRoom(m.conference) && reachedTwilio(m.err)
	}
	return false
}

func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(5 * time.Second):
		h.t.Fatal("a command blocked: the UI must not wait on timers in commands")
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case tea.QuitMsg:
		h.quit = true
	case scheduledMsg:
		h.scheduled = append(h.scheduled, msg)
	case awaitPollMsg:
		h.awaitRoom(msg.n)
	case parkedMsg:
		h.parked = append(h.parked, msg.wait)
		if h.watching() && h.polls() == 0 {
			h.await(1) // a screen just opened shows its first poll
		}
	default:
		h.send(msg)
	}
}

// inRoom reports whether the console shows the room of conference.
func (h *harness) inRoom(conference string) bool {
	return h.app.screen == screenRoom && h.app.room.sub != nil && conference != "" && h.app.room.conf.SID == conference
}

// reachedTwilio reports whether an action answered with err was sent, so
// that the live state polls after it.
func reachedTwilio(err error) bool {
	return !errors.Is(err, live.ErrNotSent) && !errors.Is(err, live.ErrBusy)
}

// passGate moves the account gate's clock to at, or past the pause
// Twilio asked for if that ends later, and lets the requests waiting for
// it go: the harness's polls come when they are due, as the live state's
// own would.
func (h *harness) passGate(at time.Time) {
	gate := h.hub.Gate()
	if until := gate.PausedUntil(); until.After(at) {
		at = until
	}
	h.clockMu.Lock()
	if at.After(h.gateAt) {
		h.gateAt = at
	}
	h.clockMu.Unlock()
	gate.PauseUntil(time.Time{}) // a no-op pause that dispatches the waiting requests
}

// watching reports whether the screen shown watches the live state.
func (h *harness) watching() bool {
	if h.app.screen == screenRoom {
		return h.app.room.sub != nil
	}
	return h.app.list.sub != nil
}

// polls is the live state's poll count as of the shown screen's last
// snapshot.
func (h *harness) polls() uint64 {
	if h.app.screen == screenRoom {
		return h.app.room.polls
	}
	return h.app.list.polls
}

// awaitRoom delivers the room's snapshots until one comes from the live
// state's nth poll of it (or the room is left).
func (h *harness) awaitRoom(n uint64) {
	h.t.Helper()
	if h.app.screen == screenRoom {
		h.await(n)
	}
}

// next delivers the shown screen's next snapshot, whatever made it.
func (h *harness) next() {
	h.t.Helper()
	if len(h.parked) == 0 {
		h.t.Fatal("the screen waits for no snapshot")
	}
	wait := h.parked[len(h.parked)-1]
	h.parked = h.parked[:len(h.parked)-1]
	done := make(chan tea.Msg, 1)
	go func() { done <- wait() }()
	select {
	case msg := <-done:
		h.send(msg)
	case <-time.After(5 * time.Second):
		h.t.Fatal("no snapshot came from the live state")
	}
}

// await delivers the shown screen's snapshots until one comes from the
// live state's nth poll of its feed (or the screen changes).
func (h *harness) await(n uint64) {
	h.t.Helper()
	h.passGate(time.Time{})
	screen := h.app.screen
	for h.app.screen == screen && h.watching() && h.polls() < n {
		h.next()
	}
}

// key presses one key, as Bubble Tea would deliver it.
func (h *harness) key(k string) {
	h.t.Helper()
	h.send(keyMsg(k))
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "home":
		return tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "ctrl+s":
		return tea.KeyMsg{Type: tea.KeyCtrlS}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// typeText types s one rune at a time.
func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		h.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// poll has the live state poll the shown screen's feed, as if the
// interval passed, and delivers the snapshot.
func (h *harness) poll() {
	h.t.Helper()
	if h.app.screen == screenRoom && h.app.room.sub != nil {
		n := h.app.room.polls
		h.passGate(h.app.room.poll.nextAt)
		h.hub.Refresh(h.app.room.conf.SID)
		h.awaitRoom(n + 1)
		return
	}
	if h.app.screen == screenList && h.app.list.sub != nil {
		n := h.app.list.polls
		h.passGate(h.app.list.poll.nextAt)
		h.hub.RefreshList()
		h.await(n + 1)
		return
	}
	h.t.Fatal("no screen watches the live state")
}

// lastPollDelay is how long after the harness's now the live state will
// poll the shown screen's feed again.
func (h *harness) lastPollDelay() time.Duration {
	h.t.Helper()
	if h.app.screen == screenRoom {
		return h.app.room.poll.nextAt.Sub(h.clock)
	}
	return h.app.list.poll.nextAt.Sub(h.clock)
}

func (h *harness) view() string { return h.app.View() }

// demoService is a fake with two conferences, the first with four people.
func demoService() *fakeService {
	f := newFakeService()
	f.confs = []model.Conference{
		{SID: confSID, FriendlyName: "support-escalations", Status: model.ConferenceInProgress, Region: "us1", Created: testNow.Add(-42 * time.Minute)},
		{SID: conf2SID, FriendlyName: "sales-standup", Status: model.ConferenceInProgress, Region: "ie1", Created: testNow.Add(-3 * time.Hour)},
	}
	f.setParticipants(confSID,
		participant(1, "agent-7", func(p *model.Participant) { p.StartConferenceOnEnter = true }),
		participant(2, "caller-2", muted),
		participant(3, "supervisor", func(p *model.Participant) { p.Coaching = true; p.CallSIDToCoach = callSID(1) }),
		participant(4, "caller-9", held),
	)
	return f
}

// openRoom starts a harness on the participants screen of confSID.
func openRoom(t testing.TB, svc *fakeService, mod func(*Options)) *harness {
	t.Helper()
	return newHarness(t, svc, func(o *Options) {
		o.Conference = confSID
		if mod != nil {
			mod(o)
		}
	})
}

// snapshotOf is the room's next snapshot as a poll that found ps would
// make it, for tests that time the screen's side alone.
func snapshotOf(h *harness, ps []model.Participant) roomSnapMsg {
	r := h.app.room
	return roomSnapMsg{sub: r.sub, ok: true, snap: live.RoomSnapshot{Conference: r.conf.SID, Participants: ps,
		Poll: live.PollStatus{Updated: h.clock, Polls: r.polls + 1}, Events: r.events, EventsAdded: r.eventsAdded}}
}
