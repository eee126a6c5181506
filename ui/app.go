// Package ui is confconsole's terminal interface: a Bubble Tea program with a
// conference list, a live participants screen, an event feed and the forms
// that act on calls. Its screens watch the account's live state (api/live),
// which polls Twilio through Service for every console at once.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/live"
	"confconsole/model"
)

// Service is what the console needs from Twilio; *api.Client satisfies it,
// and tests pass a fake.
type Service interface {
	ListConferences(ctx context.Context, f api.ConferenceFilter) ([]model.Conference, error)
	FetchConference(ctx context.Context, sid string) (model.Conference, error)
	UpdateConference(ctx context.Context, sid string, u api.ConferenceUpdate) (model.Conference, error)
	ListParticipants(ctx context.Context, conferenceSID string, f api.ParticipantFilter) ([]model.Participant, error)
	CreateParticipant(ctx context.Context, conference string, p api.CreateParticipant) (model.Participant, error)
	UpdateParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string, u api.UpdateParticipant) (model.Participant, error)
	DeleteParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string) error
	ListRecordings(ctx context.Context, conferenceSID string) ([]model.Recording, error)
	UpdateRecording(ctx context.Context, conferenceSID, recordingSID string, u api.RecordingUpdate) (model.Recording, error)
}

// Options configures the console. The zero value of every field has a
// sensible meaning except Keys, which the binary fills from its key map.
type Options struct {
	Keys       KeyMap              // the bindings; the binary's come from keymap.go
	Conference string              // a CF… SID or a friendly name to open at start; empty opens the list
	Refresh    time.Duration       // poll interval; below MinRefresh it is raised to MinRefresh
	ReadOnly   bool                // hide and disable every key that changes a call
	Demo       bool                // show the DEMO badge
	Theme      string              // auto, dark or light (see DetectTheme)
	HoldURL    string              // what held callers hear; empty means Twilio's default music
	AccountSID string              // shown in the header so the user knows which account they act on
	Now        func() time.Time    // the clock; nil means time.Now (tests pin it)
	Getenv     func(string) string // for NO_COLOR and COLORFGBG; nil means an empty environment
	In         io.Reader           // nil means the terminal on stdin
	Out        io.Writer           // nil means stdout
	// Renderer builds every style the console draws with, so its colour
	// profile is the one used; an SSH server passes one per session. Nil
	// means one for Out (stdout when Out is nil), its profile read from that
	// and the environment, never by asking the terminal.
	Renderer *lipgloss.Renderer
	// Audit is the trail every action is recorded in; nil keeps this
	// session's records in memory only (the log view still lists them).
	Audit *audit.Log
	// AuditErr is why the audit log could not be opened, if it could not:
	// the console runs, and says so on every screen.
	AuditErr error

	// Profile is the twilio-cli profile in use, named in the header; ""
	// for none (credentials from the environment, or the demo).
	Profile string
	// Announcements are offered by name in the announce prompts.
	Announcements []Announcement
	// Webhook is set when Twilio's status callbacks reach this console (see
	// Webhook); nil means polling only.
	Webhook *Webhook
	// Live is the account's live state, shared by every console on it (the
	// SSH server's sessions): actions are submitted to it on behalf of
	// Operator (the OS user when that is zero), one at a time per
	// participant across all of them. Nil makes one over the Service for
	// this console alone; Run closes it.
	Live *live.Hub

	// Signals are the process's signals, for Run to own: SIGINT, SIGTERM
	// and SIGHUP quit as q does, SIGQUIT or a second signal at once. Nil
	// means none (ctx still stops the console).
	Signals <-chan os.Signal

	// Sizes gives the terminal's size when it is not the process's own (an
	// SSH session's pty): the size at start, then every resize. Nil means
	// Bubble Tea asks the terminal.
	Sizes <-chan tea.WindowSizeMsg
	// Operator is who sits at this console when a server says so (an SSH
	// session); zero means the local user. It is named in the header.
	Operator Operator

	// Drain is for a console whose ctx can end while its process and its
	// live state go on, as an SSH session's does when its client goes away
	// (a dropped network, a closed terminal). With Drain set and Live
	// given, a console stopped by ctx waits for the actions it already sent
	// (at most as long as quitting does, and sending nothing new) so that
	// Twilio's answers, not unknown, reach the audit trail. Nil: they are
	// written as unknown at once, as when the process itself stops.
	Drain *Drain
}

// Drain says how a console whose session went away finishes (see
// Options.Drain).
type Drain struct {
	// Cut, when closed, ends the wait at once (a server stopping without
	// waiting any longer): what is still unanswered is written as unknown.
	// Nil: only the bound ends it.
	Cut <-chan struct{}
	// Waiting, when set, is told before the wait how many actions it waits
	// for and for how long at most; it is not called when there are none.
	Waiting func(actions int, upTo time.Duration)
}

// Operator is the person at a console, as the server that started it
// identified them: never what a client claims.
type Operator struct {
	Name        string // from the operators file: the key's comment
	Role        string // "moderator" or "monitor"
	Fingerprint string // the SSH key's SHA256 fingerprint
	SSHUser     string // the user name the SSH client gave
}

// MinRefresh is the shortest poll interval the console uses: faster polling
// gets an account throttled and shows nothing a person can read.
const MinRefresh = time.Second

// DefaultRefresh is the poll interval when Options.Refresh is zero.
const DefaultRefresh = 2 * time.Second

// requestTimeout bounds every call to Twilio so a dead connection surfaces
// as a stale screen with an error, not a console that waits forever.
const requestTimeout = 10 * time.Second

// RequestTimeout is requestTimeout for whoever makes the live state the
// console is given (Options.Live), so an action sent through it waits for
// Twilio no longer than the console's own requests do.
const RequestTimeout = requestTimeout

// Run runs the console on the terminal (alternate screen) until the user
// quits, a signal stops it or ctx ends; the terminal is restored either
// way. After a signal the error is a SignalError.
func Run(ctx context.Context, svc Service, opts Options) error {
	app := New(svc, opts)
	// The screens' watches of the live state end with the program.
	watchCtx, stopWatching := context.WithCancel(ctx)
	defer stopWatching()
	app.roomDeps.ctx = watchCtx
	app.room.roomDeps = app.roomDeps
	app.list.ctx = watchCtx
	if app.ownHub {
		// The process is about to stop: an action Twilio has not answered
		// yet is recorded as unknown below, and its request is not waited
		// for, as it never was.
		defer func() { go app.roomDeps.hub.Close() }()
	}
	p := tea.NewProgram(app, programOptions(ctx, opts)...)
	sigs := watchSignals(p, opts.Signals, app.quitWait+time.Second)
	stopSizes := forwardSizes(p, opts.Sizes)
	_, err := p.Run()
	stopSizes()
	sig := sigs.finish()
	why := "the console quit"
	if app.drains(ctx, err, sigs) {
		why = "the session ended"
		// The session went away; the server and the live state go on and
		// will hear Twilio's answers: wait for them, as quitting does.
		if n := app.flights.unanswered(); n > 0 && app.opts.Drain.Waiting != nil {
			app.opts.Drain.Waiting(n, app.quitWait)
		}
		app.flights.settle(app.quitWait, app.opts.Drain.Cut)
	}
	// Whatever is still in the air gets its result line now: the process
	// is about to end, and the commands carrying them with it.
	abandonErr := app.flights.abandon(context.Background(), why)
	switch {
	case sig != nil:
		return SignalError{Signal: sig}
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		// The caller cancelled (a test, an embedding program): a normal way to stop.
		return abandonErr
	case err != nil:
		return fmt.Errorf("run the console: %w", err)
	}
	return abandonErr
}

// drains says whether a console whose program returned err waits for its
// actions in flight before writing them as unknown: only when its ctx ended
// it (not q, not a second signal: those chose how to stop), it was asked
// to (Options.Drain) and the live state outlives it.
func (a App) drains(ctx context.Context, err error, sigs *signalWatch) bool {
	if a.opts.Drain == nil || a.ownHub || ctx.Err() == nil || !errors.Is(err, tea.ErrProgramKilled) || sigs.killed.Load() {
		return false
	}
	select {
	case <-a.opts.Drain.Cut:
		return false
	default:
		return true
	}
}

// forwardSizes hands the sizes from sizes to p until stop is called.
func forwardSizes(p *tea.Program, sizes <-chan tea.WindowSizeMsg) (stop func()) {
	if sizes == nil {
		return func() {}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			case m := <-sizes:
				// Send blocks until the program reads it, or returns once it has ended.
				p.Send(m)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// frameRate caps how often Bubble Tea draws. Its renderer wakes on a ticker
// at this rate for as long as the program runs, even when nothing changed:
// at the default 60 a console left open all day costs a steady share of a
// core. A frame only ever follows a key, a poll reply or the clock's timer
// (see clock.go), so a lower rate costs a key at most one frame (50 ms) of
// latency.
const frameRate = 20

// programOptions are the Bubble Tea options Run starts the program with;
// the tests that count what the console writes use the same.
func programOptions(ctx context.Context, opts Options) []tea.ProgramOption {
	// Bubble Tea's own signal handler is off: it can block for ever sending
	// its quit message to a program that has already stopped, and shutdown
	// then waits for it (a known v1 race). Run owns the signals instead.
	popts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithContext(ctx), tea.WithFPS(frameRate), tea.WithoutSignalHandler()}
	if opts.In != nil {
		popts = append(popts, tea.WithInput(opts.In))
	}
	// The terminal gets the cells that changed rather than the renderer's
	// whole lines (see cellWriter); the styles keep reading opts.Out.
	out := opts.Out
	if out == nil {
		out = os.Stdout
	}
	cw := newCellWriter(out)
	popts = append(popts, tea.WithOutput(cw.output()), tea.WithFilter(cw.filter))
	return popts
}

// scheduler delays a message; tea.Tick in the program, an immediate
// recording in tests so that no test sleeps.
type scheduler func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd

// timers are the console's clock and how it delays its messages.
// One value is shared by App and its screens, so that a test replacing the
// scheduler on App replaces it for every screen.
type timers struct {
	now   func() time.Time
	sched scheduler
	armed atomic.Int64 // the number of the clock timer that counts (see wake)
	// park, when set, replaces the command that waits for a live-state
	// snapshot: tests hold it and deliver the snapshot when they have
	// made the poll they want. Nil in the program.
	park func(wait func() tea.Msg) tea.Cmd
}

// receive is the command that waits for a screen's next snapshot.
func (t *timers) receive(wait func() tea.Msg) tea.Cmd {
	if t.park != nil {
		return t.park(wait)
	}
	return wait
}

type screen int

const (
	screenList screen = iota
	screenRoom
)

// App is the console's root model.
type App struct {
	svc      Service
	opts     Options
	keys     KeyMap
	st       *Styles     // built once, never changed: shared by every copy of the model
	fst      *FormStyles // the same for the forms
	*timers              // shared with the screens
	interval time.Duration

	width, height int
	clock         time.Time // "now" as of the last message; View reads only this
	screen        screen
	list          confList
	room          room
	showHelp      bool
	flash         flash
	start         tea.Cmd          // the first step: the named conference's lookup, or watching the list
	lines         memo             // styled header, footer and flash lines by their plain text
	cmdline       *textinput.Model // the command line, on the flash line; nil when closed
	cmdHint       flash            // what tab found, shown under the open command line

	announce announceOffer // saved and recent announcements for the prompts

	trail    *audit.Log
	auditErr error   // the open error or the first record that missed the file; never cleared
	logView  logView // this session's audit records, when open

	roomDeps roomDeps      // what every room shares with the console
	flights  *flights      // actions sent and not yet answered; shared by every copy
	ownHub   bool          // the live state was made by New for this console alone
	quit     quitState     // on the way out?
	quitWhy  string        // why a Stop asked the console to quit ("server stopping"), for the flash
	quitWait time.Duration // how long quitting waits for actions in flight
	wake     wake          // the timer set for the next change on screen
}

// flash is the one-line message under the table: the outcome of the last
// action, or why something could not be done. A new message replaces the
// old one: the latest wins.
type flash struct {
	text  string
	isErr bool
	until time.Time
	// endedConf is the conference SID when the text is Twilio's "not
	// found" for an action on it: that conference ending explains it.
	endedConf string
}

const (
	flashInfoFor = 5 * time.Second
	flashErrFor  = 15 * time.Second
)

// New builds the console's model without starting a program, for tests and
// for Run.
func New(svc Service, opts Options) App {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Refresh == 0 {
		opts.Refresh = DefaultRefresh
	}
	if opts.Refresh < MinRefresh {
		opts.Refresh = MinRefresh
	}
	keys := opts.Keys
	if opts.ReadOnly {
		keys = keys.ReadOnly()
	}
	theme := DetectTheme(opts.Theme, opts.Getenv)
	if opts.Renderer == nil {
		opts.Renderer = newRenderer(opts.Out, theme)
	}
	st := NewStyles(opts.Renderer, theme)
	fst := NewFormStyles(opts.Renderer, theme)
	a := App{
		svc:      svc,
		opts:     opts,
		keys:     keys,
		st:       &st,
		fst:      &fst,
		timers:   &timers{now: opts.Now, sched: tea.Tick},
		interval: opts.Refresh,
		width:    80,
		height:   24,
		lines:    newMemo(),
		announce: announceOffer{saved: slices.Clone(opts.Announcements)},
		flights:  newFlights(),
		quitWait: requestTimeout,
	}
	a.clock = a.now()
	a.trail = opts.Audit
	if a.trail == nil {
		a.trail = audit.Disabled()
	}
	a.auditErr = opts.AuditErr
	if a.auditErr != nil {
		a.setFlash("audit log not written: "+model.DisplayN(a.auditErr.Error(), 200)+"; actions are still sent but not recorded ("+keyName(a.keys.AuditLog)+" lists this session's)", true)
	}
	hub := opts.Live
	if hub == nil {
		hub = live.New(svc, live.Options{Interval: opts.Refresh, RequestTimeout: requestTimeout, EventCapacity: eventLogSize, Now: opts.Now})
		a.ownHub = true
	}
	operator := live.Operator{Name: opts.Operator.Name, Fingerprint: opts.Operator.Fingerprint, SSHUser: opts.Operator.SSHUser}
	var actor *audit.Actor
	if operator == (live.Operator{}) {
		// Locally the trail names the OS user as it always has (its own
		// identity, with the SSH user of a shell reached over SSH).
		operator = live.LocalOperator()
	} else {
		actor = &audit.Actor{Operator: operator.Name, SSHUser: operator.SSHUser, Fingerprint: operator.Fingerprint}
	}
	shared := a.opts
	a.roomDeps = roomDeps{svc: svc, opts: &shared, keys: keys, st: &st, fst: &fst, timers: a.timers,
		interval: a.interval, lines: a.lines, trail: a.trail, flights: a.flights, hub: hub, ctx: context.Background(), operator: operator, actor: actor,
		batchFeed: make(chan batchEvent, batchFeedSize)}
	a.room.roomDeps = a.roomDeps
	a.list = newConfList(hub, keys, &st, a.timers, a.interval, a.lines)
	a.list.fst = &fst
	if opts.ReadOnly {
		a.list.addOff = opts.Keys.Add
	}
	a.list.width, a.list.height, a.list.clock = a.width, a.height, a.clock
	if opts.Conference != "" {
		a.start = resolveConference(svc, opts.Conference)
	} else {
		a.start = func() tea.Msg { return watchListMsg{} }
	}
	return a
}

// watchListMsg has the console start watching the list: the watch belongs
// to the model the program runs, which Init cannot change.
type watchListMsg struct{}

// watchList has the list watch the live state's conferences, saying on the
// flash line when it cannot.
func (a *App) watchList() (App, tea.Cmd) {
	cmd := a.list.watch()
	if out := a.list.out; out.flash != "" {
		a.setFlash(out.flash, out.flashErr)
	}
	a.list.out = listOut{}
	return *a, cmd
}

// Init starts the first fetch: the named conference, or the list; and a
// timer for a flash New set, should no message come before it runs out.
func (a App) Init() tea.Cmd {
	var wake tea.Cmd
	if at := a.nextChange(); !at.IsZero() {
		// Init cannot record the timer in the model; the first update
		// replaces it with one it records.
		wake = a.clockTimer(at, a.timers.armed.Add(1), nil)
	}
	return tea.Batch(wake, a.start)
}

// Update handles one message, then keeps the selection on screen, whatever
// the message changed (rows, the viewport, a question line under the table).
func (a App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	a.setClock(a.now())
	// Polls let pass unseen (quiet.go) still say how fresh the screen is.
	a.room.poll = a.room.seen.fresher(a.room.poll)
	a.list.poll = a.list.seen.fresher(a.list.poll)
	next, cmd := a.update(msg)
	next.fixScroll()
	if next.quit == quitWaiting {
		next.noteQuitting()
	}
	if !next.flash.until.IsZero() && !next.clock.Before(next.flash.until) {
		next.flash = flash{}
	}
	if wake := next.rearm(); wake != nil {
		cmd = tea.Batch(cmd, wake)
	}
	return next, cmd
}

// setClock moves the console's "now" to t, for the screens too: whatever
// a message brings is drawn as of when it came.
func (a *App) setClock(t time.Time) {
	a.clock, a.list.clock, a.room.clock = t, t, t
}

func (a App) update(msg tea.Msg) (App, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		if a.screen == screenList {
			// The list learns the size when it is shown again (leaveRoom):
			// it scrolls for the size it is shown at, not every size between.
			a.list, _ = a.list.Update(msg)
		}
		a.room, _ = a.room.Update(msg)
		a.fixScroll()
		return a, nil
	case clockMsg:
		if msg.gen == a.wake.gen {
			a.wake.at = time.Time{} // the armed timer fired; Update sets the next
		}
		a.setClock(msg.t)
		return a, nil
	case tea.KeyMsg:
		return a.handleKeys(msg)
	case signalMsg:
		if st, ok := msg.sig.(Stop); ok && a.quitWhy == "" {
			a.quitWhy = model.InertN(st.Why, 40)
		}
		return a.requestQuit()
	case quitWaitedMsg:
		if a.quit == quitWaiting {
			a.quit = quitDone
			return a, tea.Quit
		}
		return a, nil
	case resolvedMsg:
		return a.onResolved(msg)
	case watchListMsg:
		if a.screen != screenList {
			return a, nil
		}
		return a.watchList()
	case listSnapMsg:
		if a.screen != screenList {
			return a, nil // a snapshot of a list the user has left
		}
		return a.updateList(msg)
	case roomSnapMsg:
		if a.screen != screenRoom {
			return a, nil // a snapshot for a room the user has left
		}
		return a.updateRoom(msg)
	case dialMsg:
		return a.onDialled(msg)
	case actionMsg, recordingMsg, batchEventMsg, batchIdleMsg, batchDoneMsg, undoMsg:
		// Answered after the room was left, it still has its flash and
		// its audit records.
		return a.updateRoom(msg)
	}
	if a.screen == screenList && (a.formActive() || isFormResult(msg)) {
		return a.updateList(msg)
	}
	if a.formActive() || isFormResult(msg) {
		return a.updateRoom(msg)
	}
	return a, nil
}

// isFormResult reports whether msg is what a form sends when it closes.
func isFormResult(msg tea.Msg) bool {
	switch msg.(type) {
	case formCancelMsg, addSubmitMsg, coachPickMsg, promptSubmitMsg:
		return true
	}
	return false
}

// updateRoom hands msg to the room, lending it the flash line and the
// announcements offered, and does what the room asks.
func (a App) updateRoom(msg tea.Msg) (App, tea.Cmd) {
	r := a.room
	r.width, r.height, r.clock = a.width, a.height, a.clock
	r.flash, r.announce = a.flash, a.announce
	r, cmd := r.Update(msg)
	a.flash, a.announce = r.flash, r.announce
	out := r.out
	r.out, r.flash, r.announce = roomOut{}, flash{}, announceOffer{}
	a.room = r
	if out.auditErr != nil {
		a.auditErr = out.auditErr
	}
	if out.logChanged {
		a.refreshLogView()
	}
	if out.leave {
		return a.leaveRoom()
	}
	return a, cmd
}

// openRoom switches to the participants screen of conf and starts polling it.
func (a App) openRoom(conf model.Conference) (App, tea.Cmd) {
	a.list.unwatch()
	a.list.waitFor = "" // the user chose a conference: no other opens under them
	r := newRoom(a.roomDeps, conf)
	if err := r.watch(); err != nil {
		a.setFlash("could not open "+conferenceName(conf)+": "+explain(err), true)
		return a.watchList()
	}
	a.screen = screenRoom
	a.room = r
	a.room.width, a.room.height, a.room.clock = a.width, a.height, a.clock
	// The recording state comes with the live state's snapshots (its
	// first poll asks for it).
	return a, a.room.receive()
}

// leaveRoom goes back to the conference list and polls it at once.
func (a App) leaveRoom() (App, tea.Cmd) {
	a.room.unwatch()
	a.screen = screenList
	a.room = room{roomDeps: a.roomDeps}
	a.list, _ = a.list.Update(tea.WindowSizeMsg{Width: a.width, Height: a.height})
	return a.watchList()
}

// setFlash shows text under the table for a while.
func (a *App) setFlash(text string, isErr bool) {
	d := flashInfoFor
	if isErr {
		d = flashErrFor
	}
	a.flash = flash{text: text, isErr: isErr, until: a.clock.Add(d)}
}

func (a App) handleKey(msg tea.KeyMsg) (App, tea.Cmd) {
	if msg.String() == "ctrl+c" {
		// Inside a form, a filter, a question or an overlay, ctrl+c closes
		// it; the next one quits (after waiting for actions in flight).
		if a.quit == quitNone && a.closeInner() {
			return a, nil
		}
		return a.requestQuit()
	}
	if a.quit != quitNone {
		// On the way out: nothing new is sent; q quits without waiting.
		if key.Matches(msg, a.keys.Quit) {
			return a.requestQuit()
		}
		return a, nil
	}
	if a.cmdline != nil {
		return a.commandKey(msg)
	}
	if a.showHelp {
		if key.Matches(msg, a.keys.Help, a.keys.Back, a.keys.Quit) {
			a.showHelp = false // q too: the help is an overlay, and closing it is what q means there
		}
		return a, nil
	}
	if a.logView.open && key.Matches(msg, a.keys.Quit) {
		a.logView = logView{}
		return a, nil
	}
	if a.logView.open {
		return a.logViewKey(msg)
	}
	if a.overlayActive() && a.screen == screenList {
		return a.updateList(msg)
	}
	if a.overlayActive() {
		return a.updateRoom(msg)
	}
	if a.screen == screenRoom {
		if a.room.filtering || a.room.confirm != nil {
			return a.updateRoom(msg)
		}
	}
	if a.screen == screenList && a.list.filtering {
		return a.updateList(msg)
	}
	switch {
	case key.Matches(msg, a.keys.Quit):
		return a.requestQuit()
	case key.Matches(msg, a.keys.Help):
		a.showHelp = true
		return a, nil
	case key.Matches(msg, a.keys.AuditLog):
		a.openLogView()
		return a, nil
	case key.Matches(msg, a.keys.Command):
		return a, a.openCommandLine()
	}
	if a.screen == screenRoom {
		return a.updateRoom(msg)
	}
	return a.updateList(msg)
}

// View draws the whole screen.
func (a App) View() string {
	if a.width <= 0 || a.height <= 0 {
		return ""
	}
	var v string
	switch {
	case a.showHelp:
		v = a.helpView()
	case a.logView.open:
		v = a.logViewView()
	case a.screen == screenRoom:
		v = a.roomView()
	default:
		v = a.listView()
	}
	return clampHeight(v, a.height)
}

// clampHeight keeps a frame within h lines on a terminal too small for the
// layout: the top lines (where we are) and the last (the keys) survive.
// Bubble Tea would otherwise drop lines from the top.
func clampHeight(v string, h int) string {
	if strings.Count(v, "\n") < h {
		return v
	}
	lines := strings.Split(v, "\n")
	if h == 1 {
		return lines[0]
	}
	return strings.Join(append(lines[:h-1:h-1], lines[len(lines)-1]), "\n")
}

// badges are the header's marks of the mode the console is in (DEMO,
// READ-ONLY, an audit log that is not written), each already styled.
func (a *App) badges() []string {
	var out []string
	if a.opts.Demo {
		out = append(out, a.st.Badge.Render(" DEMO "))
	}
	if a.opts.ReadOnly {
		out = append(out, a.st.ReadOnly.Render(" READ-ONLY "))
	}
	if b := a.auditBadge(); b != "" {
		out = append(out, b)
	}
	if a.opts.Profile != "" {
		out = append(out, a.st.Faint.Render("profile "+model.DisplayN(a.opts.Profile, 24)))
	}
	if op := a.opts.Operator; op.Name != "" {
		out = append(out, a.st.Faint.Render(model.DisplayN(op.Name, 24)+" ("+op.Role+")"))
	}
	return out
}

// titleLine joins a header's styled parts and ends it with a SID, all cut to
// the width. The parts come first, so a mode badge is never cut for the
// SID's sake: on a narrow terminal the SID shortens to its prefix and tail,
// then goes.
func (a *App) titleLine(parts []string, sid string) string {
	const gap = "  "
	line := strings.Join(parts, gap)
	if sid != "" {
		room := a.width - ansi.StringWidth(line) - len(gap)
		switch {
		case room >= len(sid):
			line += gap + a.st.Faint.Render(sid)
		case room >= len(shortSID(sid)):
			line += gap + a.st.Faint.Render(shortSID(sid))
		}
	}
	return fitStyled(line, a.width)
}
