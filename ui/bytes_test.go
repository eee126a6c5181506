package ui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/live"
	"confconsole/api/sim"
)

// The byte budgets: what the console writes to the terminal, through the
// real Bubble Tea program and renderer, against the simulator over loopback,
// for a conference of 250 at 120x40 with colours. Over SSH across an ocean
// every byte is latency, and a console left open for hours must cost
// nothing while nothing changes.
const (
	budgetNoChange  = 0    // a poll that returns what the screen shows
	budgetOneRow    = 256  // one participant's row changes
	budgetPerSecond = 2048 // steady state, nothing changing but time

	// budgetRowAndCounts is a row change that also changes the header's
	// counts (a mute, a hold): two lines rewritten, each within a row's
	// budget.
	budgetRowAndCounts = 2 * budgetOneRow

	// A first paint or a resize is at most 6 KB, well inside one TCP
	// flight (about 14 KB). The console writes about 5.9 KB: 35 rows of
	// some 120 columns of text, labels in the terminal's default colour,
	// secondary text dimmed and states in the basic sixteen colours.
	// Heavily styled tables write 17-23 KB.
	budgetRepaint  = 6144
	ceilingRepaint = budgetRepaint

	// A first paint may include the "loading" frame drawn while the
	// first reply is on its way.
	ceilingFirstPaint = ceilingRepaint + 1024
)

// termOut is the terminal the program writes to: it counts bytes and feeds
// a screen emulator.
type termOut struct {
	mu     sync.Mutex
	n      int
	writes int
	at     time.Time // when the last write arrived
	screen *vtScreen
}

func (o *termOut) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.n += len(p)
	o.writes++
	o.at = time.Now()
	o.screen.write(p)
	return len(p), nil
}

func (o *termOut) count() (bytes, writes int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n, o.writes
}

// manualTimers replaces tea.Tick: a scheduled message is held until the
// test fires it, so a test lives through a minute of polls in a second.
type manualTimers struct {
	ctx     context.Context
	now     func() time.Time
	mu      sync.Mutex
	pending []pendingTimer
}

type pendingTimer struct {
	msg  tea.Msg // what the timer delivers, for choosing which to fire
	fire chan struct{}
}

func (m *manualTimers) schedule(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
	t := pendingTimer{msg: fn(time.Time{}), fire: make(chan struct{})}
	m.mu.Lock()
	m.pending = append(m.pending, t)
	m.mu.Unlock()
	return func() tea.Msg {
		select {
		case <-t.fire:
			return fn(m.now())
		case <-m.ctx.Done():
			return nil
		}
	}
}

// fire releases the pending timers whose message matches; it returns how
// many.
func (m *manualTimers) fire(match func(tea.Msg) bool) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	kept := m.pending[:0]
	for _, t := range m.pending {
		if match(t.msg) {
			close(t.fire)
			n++
			continue
		}
		kept = append(kept, t)
	}
	m.pending = kept
	return n
}

// isPolled reports a room snapshot that a poll made (not an action's).
func isPolled(m tea.Msg) bool {
	sm, ok := m.(roomSnapMsg)
	return ok && sm.ok && !sm.snap.Poll.Updated.IsZero()
}

// probe is the console's model as the program runs it, telling the test
// which messages it handled and which frame it drew for each. A message is
// reported once its frame is drawn (Bubble Tea calls View after Update).
type probe struct {
	App
	handled tea.Msg
	seen    chan tea.Msg
	last    *atomic.Pointer[string]
	state   *atomic.Pointer[App]
}

func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := p.App.Update(msg)
	p.App = m.(App)
	p.handled = msg
	return p, cmd
}

func (p probe) View() string {
	v := p.App.View()
	p.last.Store(&v)
	p.state.Store(&p.App)
	if p.handled != nil {
		p.seen <- p.handled
	}
	return v
}

// liveConsole is the console running as a real Bubble Tea program against
// the simulator.
type liveConsole struct {
	t      *testing.T
	prog   *tea.Program
	out    *termOut
	timers *manualTimers
	seen   chan tea.Msg
	last   *atomic.Pointer[string]
	state  *atomic.Pointer[App]
	srv    *sim.Server
	clock  *sim.FakeClock
	hub    *live.Hub   // the console's live state; its pollers poll when the test says
	polls  uint64      // the live state's polls the console has shown
	client *api.Client // the test's own, to change the world behind the console's back
	conf   string
	sz     perfSize
	shown  string // the frame on screen after the last step
}

// startLiveConsole fills a conference with n participants, who joined seven
// seconds apart, and opens it in the console at sz.
func startLiveConsole(t *testing.T, n int, sz perfSize, refresh time.Duration) *liveConsole {
	return startLiveConsoleVia(t, n, sz, refresh, nil, nil)
}

// startLiveConsoleVia is startLiveConsole with the simulator's handler
// wrapped by wrap and its server set up by setup (either nil for none).
func startLiveConsoleVia(t *testing.T, n int, sz perfSize, refresh time.Duration, wrap func(http.Handler) http.Handler, setup func(*http.Server)) *liveConsole {
	t.Helper()
	clock := sim.NewFakeClock(testNow)
	srv := sim.New(sim.WithClock(clock), sim.WithSeed(7))
	if err := srv.AddAccount(simAccount, simToken); err != nil {
		t.Fatal(err)
	}
	var conf string
	for i := range n {
		p, err := srv.JoinConnected(simAccount, "all-hands", sim.Join{Label: fmt.Sprintf("%s %03d", perfLabels[i%len(perfLabels)], i+1), Muted: i%3 == 0})
		if err != nil {
			t.Fatal(err)
		}
		conf = p.ConferenceSID
		clock.Advance(7 * time.Second)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(srv)
	}
	hs := httptest.NewUnstartedServer(h)
	if setup != nil {
		setup(hs.Config)
	}
	hs.Start()
	t.Cleanup(hs.Close)
	console, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	// The test's own changes bypass wrap, which sees the console alone.
	direct := httptest.NewServer(srv)
	t.Cleanup(direct.Close)
	own, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: direct.URL})
	if err != nil {
		t.Fatal(err)
	}
	c := launch(t, console, srv, clock, conf, sz, refresh)
	c.client = own
	return c
}

// launch runs the console over svc the way Run does, with its clock on the
// simulator's and its timers in the test's hands.
func launch(t *testing.T, client *api.Client, srv *sim.Server, clock *sim.FakeClock, conf string, sz perfSize, refresh time.Duration) *liveConsole {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	inR, inW := io.Pipe()
	out := &termOut{screen: newVTScreen(sz.w, sz.h)}
	timers := &manualTimers{ctx: ctx, now: clock.Now}
	hub := live.New(client, live.Options{Interval: max(refresh, MinRefresh), RequestTimeout: RequestTimeout, EventCapacity: eventLogSize,
		Jitter: live.NoJitter, Now: clock.Now, NewTimer: live.NewFakeClock(testNow).NewTimer})
	opts := Options{Keys: testKeyMap(), Conference: conf, Refresh: refresh, Now: clock.Now, Theme: "dark", In: inR, Out: out, Live: hub}
	inColour(&opts)
	app := New(client, opts)
	app.sched = timers.schedule
	c := &liveConsole{
		t: t, out: out, timers: timers, seen: make(chan tea.Msg, 4096), last: &atomic.Pointer[string]{}, state: &atomic.Pointer[App]{},
		srv: srv, clock: clock, client: client, conf: conf, sz: sz, hub: hub,
	}
	c.prog = tea.NewProgram(probe{App: app, seen: c.seen, last: c.last, state: c.state}, programOptions(ctx, opts)...)
	done := make(chan error, 1)
	go func() { _, err := c.prog.Run(); done <- err }()
	t.Cleanup(func() {
		cancel()
		inW.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("the program did not stop")
		}
		hub.Close()
	})
	// A terminal reports its size at start; the renderer needs it to
	// erase what a shorter line leaves behind.
	c.prog.Send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
	c.waitFor(func(m tea.Msg) bool { return c.polled(m) && m.(roomSnapMsg).snap.Poll.Err == nil })
	c.settle(0)
	return c
}

// waitFor reads handled messages until one matches.
func (c *liveConsole) waitFor(match func(tea.Msg) bool) {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m := <-c.seen:
			if match(m) {
				return
			}
		case <-deadline:
			c.t.Fatal("the console did not handle the expected message within 10s")
		}
	}
}

// frame is the renderer's frame interval.
const frame = time.Second / frameRate

// settle waits until the renderer has drawn the console's latest frame: a
// write after the first writes counted that leaves the emulated screen
// showing exactly that frame. When the frame did not change it waits a
// frame's time, in which the renderer must write nothing. It then checks
// the frame fits the terminal.
func (c *liveConsole) settle(writes int) {
	c.t.Helper()
	v := *c.last.Load()
	if v == c.shown {
		time.Sleep(frame + 5*time.Millisecond)
	} else {
		want := plainLines(v)
		deadline := time.Now().Add(2 * time.Second)
		for !c.showing(want, writes) {
			if time.Now().After(deadline) {
				c.out.mu.Lock()
				got := c.out.screen.lines()
				c.out.mu.Unlock()
				c.t.Fatalf("the screen does not show the frame 2s after it was drawn:\nscreen:\n%s\nframe:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			time.Sleep(time.Millisecond)
		}
	}
	c.shown = v
	checkFrame(c.t, "frame", v, c.sz)
	c.out.mu.Lock()
	defer c.out.mu.Unlock()
	if p := c.out.screen.problems; len(p) > 0 {
		c.t.Fatalf("the screen was corrupted: %s", strings.Join(p, "; "))
	}
}

// showing reports whether more than writes writes have arrived and the
// screen shows want.
func (c *liveConsole) showing(want []string, writes int) bool {
	c.out.mu.Lock()
	defer c.out.mu.Unlock()
	if c.out.writes <= writes {
		return false
	}
	got := c.out.screen.lines()
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			return false
		}
	}
	return true
}

// step runs do, waits for the console to handle a message matching until
// and draw, and returns the bytes written meanwhile.
func (c *liveConsole) step(do func(), until func(tea.Msg) bool) int {
	c.t.Helper()
	before, writes := c.out.count()
	do()
	c.waitFor(until)
	c.settle(writes)
	after, _ := c.out.count()
	return after - before
}

// polled reports the snapshot of a poll the console has not shown yet.
func (c *liveConsole) polled(m tea.Msg) bool {
	if !isPolled(m) {
		return false
	}
	n := m.(roomSnapMsg).snap.Poll.Polls
	if n <= c.polls {
		return false
	}
	c.polls = n
	return true
}

// pollNow has the live state poll the room, as its interval would, and
// waits for the console to take the snapshot (awaitPoll). It returns the
// bytes written meanwhile.
func (c *liveConsole) pollNow() int {
	c.t.Helper()
	before, writes := c.out.count()
	n := c.seenPolls()
	c.hub.Refresh(c.conf)
	c.awaitPoll(n)
	c.settle(writes)
	after, _ := c.out.count()
	return after - before
}

// seenPolls is how many polls the console's wait for snapshots has seen.
func (c *liveConsole) seenPolls() uint64 {
	if sp := c.app().room.seen.load(); sp != nil {
		return sp.Polls
	}
	return 0
}

// awaitPoll waits for the console's wait to see a poll after the nth and,
// unless it let the snapshot pass as showing nothing new (quiet.go), for
// the console to handle it.
func (c *liveConsole) awaitPoll(n uint64) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for c.seenPolls() <= n {
		if time.Now().After(deadline) {
			c.t.Fatal("the console's wait did not see the poll within 10s")
		}
		time.Sleep(100 * time.Microsecond)
	}
	if !c.app().room.seen.load().passed {
		c.waitFor(c.polled)
	}
}

// nudgeMsg is a message the console does nothing with: what it draws
// for it is what time alone changed.
type nudgeMsg struct{}

// tick moves time on by a second, has the console draw as of then (as
// its clock's timer would when anything on screen changes with time), and
// fires the poll due, as with one-second polls. It returns the bytes
// written.
func (c *liveConsole) tick() int {
	c.t.Helper()
	c.clock.Advance(time.Second)
	n := c.step(func() { c.prog.Send(nudgeMsg{}) }, func(m tea.Msg) bool { _, ok := m.(nudgeMsg); return ok })
	return n + c.pollNow()
}

func (c *liveConsole) update(label string, u api.UpdateParticipant) {
	c.t.Helper()
	if _, err := c.client.UpdateParticipant(context.Background(), c.conf, label, u); err != nil {
		c.t.Fatal(err)
	}
}

// perfLog prints a figure in the form the performance report reads.
func perfLog(t *testing.T, name string, value float64, unit string) {
	t.Helper()
	t.Logf("perf: %s %g %s", name, value, unit)
}

func TestTerminalBytes(t *testing.T) {
	sz := perfSize{120, 40}
	start := time.Now()
	c := startLiveConsole(t, 248, sz, time.Second)
	first, _ := c.out.count()
	perfLog(t, "bytes.first_paint", float64(first), "B")
	if first > ceilingFirstPaint {
		t.Errorf("first paint wrote %d bytes, more than %d (budget %d)", first, ceilingFirstPaint, budgetRepaint)
	}
	// A poll with nothing new (time standing still: what time passing
	// costs is measured below).
	if n := c.pollNow(); n > budgetNoChange {
		t.Errorf("a poll that changed nothing wrote %d bytes, budget %d", n, budgetNoChange)
	} else {
		perfLog(t, "bytes.unchanged_poll", float64(n), "B")
	}

	rows := c.app().room.rows
	visible, coachee := rows[5], rows[6]
	scripted := []struct {
		name   string
		budget int
		change func()
	}{
		{"one_row", budgetOneRow, func() {
			c.update(visible.CallSID, api.UpdateParticipant{Coaching: api.Bool(true), CallSIDToCoach: coachee.CallSID})
		}},
		{"one_mute", budgetRowAndCounts, func() { c.update(visible.CallSID, api.UpdateParticipant{Muted: api.Bool(!visible.Muted)}) }},
		{"one_hold", budgetRowAndCounts, func() { c.update(visible.CallSID, api.UpdateParticipant{Hold: api.Bool(true)}) }},
		{"join_offscreen_end", budgetOneRow, func() { c.join("zz late joiner") }},
		{"leave_mid_screen", budgetRepaint, func() {
			if err := c.srv.Hangup(simAccount, c.conf, c.app().room.rows[10].CallSID); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, s := range scripted {
		s.change()
		n := c.pollNow()
		perfLog(t, "bytes."+s.name, float64(n), "B")
		if n > s.budget {
			t.Errorf("%s wrote %d bytes, budget %d", s.name, n, s.budget)
		}
	}
	// A join in the middle of the screen: sorted by label, a newcomer
	// lands among the rows shown and those below move down.
	c.key("s")
	room := c.app().room
	c.join(room.rows[room.offset+10].Label + "+") // sorts right after the 11th row on screen
	n := c.pollNow()
	perfLog(t, "bytes.join_mid_screen", float64(n), "B")
	if n > budgetRepaint {
		t.Errorf("a join mid-screen wrote %d bytes, more than a repaint's budget %d", n, budgetRepaint)
	}

	// A resize repaints everything.
	c.resize(perfSize{100, 30})
	n = c.resize(sz)
	perfLog(t, "bytes.resize_120x40", float64(n), "B")
	if n > ceilingRepaint {
		t.Errorf("a resize to 120x40 wrote %d bytes, more than %d (budget %d)", n, ceilingRepaint, budgetRepaint)
	}

	// A minute with nothing but time passing: a clock tick and a poll a
	// second.
	seconds := 60
	if raceEnabled {
		seconds = 10
	}
	total, worst := 0, 0
	for range seconds {
		n := c.tick()
		total += n
		worst = max(worst, n)
	}
	perfLog(t, "bytes.steady_per_second", float64(total)/float64(seconds), "B/s")
	perfLog(t, "bytes.steady_worst_second", float64(worst), "B")
	if total > seconds*budgetPerSecond {
		t.Errorf("%d s of polls with nothing changing wrote %d bytes (%d B/s), budget %d B/s", seconds, total, total/seconds, budgetPerSecond)
	}

	// A whole minute at once (a laptop waking, a stalled link): every
	// row's TIME moves on, so at most a repaint.
	c.clock.Advance(time.Minute - time.Second)
	n = c.tick()
	perfLog(t, "bytes.minute_at_once", float64(n), "B")
	if n > ceilingRepaint {
		t.Errorf("a minute passing at once wrote %d bytes, more than a repaint (%d)", n, ceilingRepaint)
	}
	t.Logf("scripted session took %v", time.Since(start).Round(time.Millisecond))
}

// app is the model as of the last message handled; the test reads it
// between steps, while the program is idle.
func (c *liveConsole) app() App { return *c.state.Load() }

func (c *liveConsole) join(label string) {
	c.t.Helper()
	if _, err := c.srv.JoinConnected(simAccount, c.conf, sim.Join{Label: label}); err != nil {
		c.t.Fatal(err)
	}
}

// key types k into the program's input, as a terminal would.
func (c *liveConsole) key(k string) int {
	c.t.Helper()
	return c.step(func() { c.prog.Send(keyMsg(k)) }, func(m tea.Msg) bool { _, ok := m.(tea.KeyMsg); return ok })
}

// resize changes the terminal's size and returns the bytes the repaint
// cost.
func (c *liveConsole) resize(sz perfSize) int {
	c.t.Helper()
	c.out.mu.Lock()
	c.out.screen.resize(sz.w, sz.h)
	c.out.mu.Unlock()
	c.sz = sz
	c.shown = ""
	return c.step(func() { c.prog.Send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h}) },
		func(m tea.Msg) bool { _, ok := m.(tea.WindowSizeMsg); return ok })
}
