package ui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/live"
	"confconsole/api/sim"
	"confconsole/model"
)

// posts counts the participant updates (POSTs to one participant) in the
// log, by call SID.
func (s *syncBuffer) posts() map[string]int {
	out := map[string]int{}
	for _, l := range strings.Split(s.String(), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || f[0] != http.MethodPost || !strings.Contains(f[1], "/Participants/CA") {
			continue
		}
		sid := f[1][strings.LastIndex(f[1], "/")+1:]
		out[strings.TrimSuffix(sid, ".json")]++
	}
	return out
}

// bulkWorld is the simulator with n people on the bridge ("presenter"
// first, then "caller-1" ...), its request log kept, and gate in front of
// it when not nil.
func bulkWorld(t *testing.T, n int, gate func(http.Handler) http.Handler, muted ...string) (liveWorld, *syncBuffer) {
	t.Helper()
	log := &syncBuffer{}
	clock := sim.NewFakeClock(testNow)
	srv := sim.New(sim.WithClock(clock), sim.WithSeed(11), sim.WithLogger(log))
	if err := srv.AddAccount(simAccount, simToken); err != nil {
		t.Fatal(err)
	}
	w := liveWorld{srv: srv, clock: clock}
	for i := range n {
		label := "presenter"
		if i > 0 {
			label = fmt.Sprintf("caller-%d", i)
		}
		p, err := srv.JoinConnected(simAccount, bridge, sim.Join{Label: label, Muted: slices.Contains(muted, label)})
		if err != nil {
			t.Fatal(err)
		}
		w.conf = p.ConferenceSID
	}
	var h http.Handler = srv
	if gate != nil {
		h = gate(srv)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	w.url = hs.URL
	client, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: hs.URL, Retry: api.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	w.client = client
	return w, log
}

// markedLabels is the labels of the marked participants, sorted.
func markedLabels(r *room) []string {
	var out []string
	for _, p := range r.marked() {
		out = append(out, p.Label)
	}
	slices.Sort(out)
	return out
}

// TestMarksFollowParticipants: marks stay on the same people through a
// filter, a sort, a join and a leave, vanish with whoever leaves, and the
// header and the MARK column show them (in words without colour).
func TestMarksFollowParticipants(t *testing.T) {
	w, _ := bulkWorld(t, 4, nil)
	h := liveHarness(t, w, nil)
	if strings.Contains(h.view(), "MARK") {
		t.Errorf("a MARK column with nothing marked:\n%s", h.view())
	}
	selectLabel(t, h, "caller-1")
	h.key(" ")
	selectLabel(t, h, "caller-3")
	h.key(" ")
	want := []string{"caller-1", "caller-3"}
	if got := markedLabels(&h.app.room); !slices.Equal(got, want) {
		t.Fatalf("marked %v, want %v", got, want)
	}
	v := h.view()
	if !strings.Contains(v, "2 marked") || !strings.Contains(v, "MARK") || !strings.Contains(rowOf(t, v, "caller-1"), "✓") ||
		strings.Contains(rowOf(t, v, "caller-2"), "✓") {
		t.Errorf("the header should count 2 marked and the rows say which:\n%s", v)
	}

	h.key("/")
	h.typeText("caller-3")
	h.key("enter")
	h.key("s")
	h.key("S")
	if got := markedLabels(&h.app.room); !slices.Equal(got, want) {
		t.Errorf("after filter and sort, marked %v, want %v", got, want)
	}
	h.key("esc") // clears the marks first, before the filter
	if n := len(h.app.room.marks); n != 0 || h.app.room.query == "" {
		t.Fatalf("esc: %d marks left, filter %q; want marks cleared and the filter kept", n, h.app.room.query)
	}
	h.key("esc")
	selectLabel(t, h, "caller-1")
	h.key(" ")
	selectLabel(t, h, "caller-2")
	h.key(" ")

	if _, err := w.srv.JoinConnected(simAccount, bridge, sim.Join{Label: "late"}); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Hangup(simAccount, w.conf, "caller-1"); err != nil {
		t.Fatal(err)
	}
	h.settle(w, 3e9)
	if got := markedLabels(&h.app.room); !slices.Equal(got, []string{"caller-2"}) {
		t.Errorf("after a join and caller-1 leaving, marked %v, want [caller-2]", got)
	}
	if !strings.Contains(h.view(), "1 marked") {
		t.Errorf("the header should count 1 marked:\n%s", h.view())
	}
}

// TestInvertMarksOverTheFilter: * inverts the marks of the rows on show
// only; the rows the filter hides keep theirs, and the confirmation says
// how many marked ones the filter hides. Without colour the MARK column
// says it in words.
func TestInvertMarksOverTheFilter(t *testing.T) {
	w, log := bulkWorld(t, 5, nil)
	h := liveHarness(t, w, func(o *Options) {
		o.Getenv = func(k string) string {
			if k == "NO_COLOR" {
				return "1"
			}
			return ""
		}
	})
	selectLabel(t, h, "presenter")
	h.key(" ")
	h.key("/")
	h.typeText("caller")
	h.key("enter")
	selectLabel(t, h, "caller-2")
	h.key(" ")
	h.key("*")
	want := []string{"caller-1", "caller-3", "caller-4", "presenter"}
	if got := markedLabels(&h.app.room); !slices.Equal(got, want) {
		t.Fatalf("after * over /caller, marked %v, want %v", got, want)
	}
	if v := h.view(); !strings.Contains(rowOf(t, v, "caller-1"), "marked") || strings.Contains(rowOf(t, v, "caller-2"), "marked") {
		t.Errorf("without colour the MARK column should say marked:\n%s", v)
	}
	h.key("m")
	q := h.app.room.confirm
	if q == nil || q.question != "Mute 4 marked participants? (1 hidden by the filter)" {
		t.Fatalf("confirmation = %+v, want the count and what the filter hides", q)
	}
	h.key("n")
	if n := len(log.posts()); n != 0 {
		t.Errorf("answering no sent %d updates", n)
	}
}

// TestBulkMuteEveryoneButThePresenter: mark the presenter, *, m, y mutes
// everyone else through the live state, each exactly once (the
// simulator's request log), skipping the one already muted, with one
// audit line per participant carrying the batch id; u then undoes it.
func TestBulkMuteEveryoneButThePresenter(t *testing.T) {
	w, log := bulkWorld(t, 8, nil, "caller-3")
	trail, path := openTrail(t)
	h := liveHarness(t, w, func(o *Options) { o.Audit = trail })
	selectLabel(t, h, "presenter")
	h.key(" ")
	h.key("*")
	h.key("m")
	if q := h.app.room.confirm; q == nil || q.question != "Mute 7 marked participants? (1 already muted, skipped)" {
		t.Fatalf("confirmation = %+v", q)
	}
	h.key("y")

	for _, p := range w.srv.Participants(simAccount, w.conf) {
		if p.Muted != (p.Label != "presenter") {
			t.Errorf("%s muted = %v", p.Label, p.Muted)
		}
	}
	posts := log.posts()
	if len(posts) != 6 {
		t.Errorf("%d participants were sent an update, want 6: %v", len(posts), posts)
	}
	for sid, n := range posts {
		if n != 1 {
			t.Errorf("%s got %d updates, want exactly 1", sid, n)
		}
	}
	flash := h.app.flash.text
	if !strings.HasPrefix(flash, "muted 6") || !strings.Contains(flash, "1 already muted") || !strings.Contains(flash, "u to undo") {
		t.Errorf("summary flash = %q", flash)
	}
	if len(h.app.room.marks) != 0 || h.app.room.bulk != nil {
		t.Errorf("after the batch: %d marks, bulk %+v; want none", len(h.app.room.marks), h.app.room.bulk)
	}

	es := readTrail(t, path)
	batch := ""
	for _, e := range es {
		if e.Batch == "" || e.Action != audit.ActionMute || e.Outcome != audit.OutcomeOK || e.Phase != audit.PhaseResult {
			t.Errorf("audit line %+v: want a mute result with the batch id", e)
			continue
		}
		if batch != "" && e.Batch != batch {
			t.Errorf("two batch ids: %q and %q", batch, e.Batch)
		}
		batch = e.Batch
		if posts[e.CallSID] != 1 {
			t.Errorf("audited %s (%s), which the simulator saw %d times", e.Label, e.CallSID, posts[e.CallSID])
		}
	}
	if len(es) != 6 {
		t.Errorf("%d audit lines, want one per participant sent (6)", len(es))
	}

	// A poll that shows the batch done clears its pending actions, as the
	// next poll would for an operator; without it the undo can find the
	// last mute still waiting for its poll and count it busy. Under load
	// the first poll can be one sent before the last answers came, which
	// confirms nothing: poll until the live state holds nothing pending.
	for i := 0; i < 5 && (i == 0 || len(h.app.room.shown.Pending) > 0); i++ {
		h.poll()
	}
	if p := h.app.room.shown.Pending; len(p) > 0 {
		t.Fatalf("five polls after the batch, %d actions still pending: %+v", len(p), p)
	}
	h.key("u")
	for _, p := range w.srv.Participants(simAccount, w.conf) {
		if want := p.Label == "caller-3"; p.Muted != want {
			t.Errorf("after undo %s muted = %v, want %v (the one muted before stays muted)", p.Label, p.Muted, want)
		}
	}
	if !strings.HasPrefix(h.app.flash.text, "unmuted 6") {
		t.Errorf("undo summary = %q", h.app.flash.text)
	}
	undo := readTrail(t, path)[6:]
	if len(undo) != 6 || undo[0].Batch == batch || undo[0].Action != audit.ActionUnmute {
		t.Errorf("the undo's audit lines: %+v", undo)
	}
	h.key("u")
	if !strings.Contains(h.app.flash.text, "nothing undone") {
		t.Errorf("a second u: flash %q, want it to say nothing is left to undo", h.app.flash.text)
	}
}

// TestBulkCancelMidway: esc while a bulk mute runs stops what was not
// sent; those are audited as cancelled, never sent, and the summary
// counts them.
func TestBulkCancelMidway(t *testing.T) {
	release := make(chan struct{})
	var seen sync.WaitGroup
	seen.Add(1)
	var once sync.Once
	gate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				// The first update waits, holding the others back in the queue.
				once.Do(func() { seen.Done(); <-release })
			}
			next.ServeHTTP(rw, r)
		})
	}
	w, log := bulkWorld(t, 9, gate)
	trail, path := openTrail(t)
	h := liveHarness(t, w, func(o *Options) { o.Audit = trail })
	selectLabel(t, h, "presenter")
	h.key(" ")
	h.key("*")
	h.key("m")
	cmd := h.pressOnly("y")
	seen.Wait()
	if !strings.Contains(h.view(), "muting 0/8") {
		t.Errorf("the header should show the progress:\n%s", h.view())
	}
	h.key("esc")
	if h.app.room.bulk == nil || !strings.Contains(h.app.flash.text, "cancelling") {
		t.Errorf("esc during a bulk action: flash %q", h.app.flash.text)
	}
	close(release)
	h.run(cmd)

	sent := len(log.posts())
	if sent == 0 || sent >= 8 {
		t.Fatalf("%d updates sent; want some, and not all 8, after the cancel", sent)
	}
	cancelled := 0
	for _, e := range readTrail(t, path) {
		if e.Outcome == audit.OutcomeCancelled {
			cancelled++
		}
	}
	if cancelled != 8-sent {
		t.Errorf("%d audited as cancelled, want %d (8 - %d sent)", cancelled, 8-sent, sent)
	}
	if want := fmt.Sprintf("%d cancelled", 8-sent); !strings.Contains(h.app.flash.text, want) {
		t.Errorf("summary %q lacks %q", h.app.flash.text, want)
	}
}

// TestSingleUnmuteAndResumeKeys: M and H act on the selected row without
// marks, explicitly: never the toggle's opposite.
func TestSingleUnmuteAndResumeKeys(t *testing.T) {
	w, log := bulkWorld(t, 2, nil, "caller-1")
	h := liveHarness(t, w, nil)
	selectLabel(t, h, "presenter")
	h.key("M")
	if !strings.Contains(h.app.flash.text, "already unmuted") || len(log.posts()) != 0 {
		t.Errorf("M on an unmuted row: flash %q, %d sent", h.app.flash.text, len(log.posts()))
	}
	h.key("H")
	if !strings.Contains(h.app.flash.text, "already off hold") || len(log.posts()) != 0 {
		t.Errorf("H on a row off hold: flash %q", h.app.flash.text)
	}
	selectLabel(t, h, "caller-1")
	h.key("M")
	if p := h.app.room.byID[h.app.room.selected]; p.Muted || !strings.Contains(h.app.flash.text, "u to undo") {
		t.Errorf("M on a muted row: muted %v, flash %q", p.Muted, h.app.flash.text)
	}
}

// TestCommandLine: completion, an action on the selection, an unknown
// command, and a jump to a conference by name.
func TestCommandLine(t *testing.T) {
	w, log := bulkWorld(t, 3, nil)
	var other model.Participant
	for _, l := range []string{"rep", "lead"} { // a conference starts with its second participant
		p, err := w.srv.JoinConnected(simAccount, "Sales floor", sim.Join{Label: l})
		if err != nil {
			t.Fatal(err)
		}
		other = p
	}
	h := newHarnessFor(t, w.client, nil, w.clock.Now(), nil)

	h.key(":")
	h.typeText("Sal")
	h.key("tab")
	if got := h.app.cmdline.Value(); got != "Sales floor" {
		t.Errorf("tab completed %q to %q, want the conference's name", "Sal", got)
	}
	h.key("enter")
	if h.app.screen != screenRoom || h.app.room.conf.SID != other.ConferenceSID {
		t.Fatalf("enter on a conference name did not open it:\n%s", h.view())
	}

	// The choices and the line's own keys show on the screen, under the
	// line (which stands where the flash would).
	lastLine := func() string {
		v := strings.Split(h.view(), "\n")
		return v[len(v)-1]
	}
	h.key(":")
	if f := lastLine(); !strings.Contains(f, "tab complete") || strings.Contains(f, "mute/unmute") {
		t.Errorf("footer with the command line open = %q, want its keys, not the room's", f)
	}
	h.typeText("zz")
	h.key("tab")
	if f := lastLine(); !strings.Contains(f, `nothing starts with "zz"`) {
		t.Errorf("tab on %q: footer %q, want it to say nothing matches", "zz", f)
	}
	h.key("esc")
	h.key(":")
	h.typeText("mu")
	h.key("tab")
	if got, f := h.app.cmdline.Value(), lastLine(); got != "mute" || !strings.Contains(f, "mute  mute-all") {
		t.Errorf("tab on %q: line %q, footer %q; want the shared prefix and the choices listed", "mu", got, f)
	}
	h.key("enter")
	if p := h.app.room.byID[h.app.room.selected]; !p.Muted || len(log.posts()) != 1 {
		t.Errorf(":mute did not mute the selection (%+v, %d sent)", p, len(log.posts()))
	}

	h.key(":")
	h.typeText("frobnicate")
	h.key("enter")
	if f := h.app.flash.text; !strings.Contains(f, `unknown command "frobnicate"`) || !strings.Contains(f, "unmute-all") {
		t.Errorf("unknown command flash = %q", f)
	}

	h.key(":")
	h.typeText(bridge)
	h.key("enter")
	if h.app.room.conf.SID != w.conf {
		t.Fatalf(":%s did not jump there", bridge)
	}
	if f := h.app.flash.text; strings.Contains(f, "frobnicate") {
		t.Errorf("the last command's error is still up after a command that worked: %q", f)
	}
	h.key(":")
	h.typeText("mute-all")
	h.key("enter")
	if q := h.app.room.confirm; q == nil || q.question != "Mute 3 participants?" {
		t.Fatalf("mute-all confirmation = %+v", q)
	}
	h.key("y")
	for _, p := range w.srv.Participants(simAccount, w.conf) {
		if !p.Muted {
			t.Errorf(":mute-all left %s unmuted", p.Label)
		}
	}
	h.key(":")
	h.typeText("q")
	h.key("enter")
	if !h.quit {
		t.Errorf(":q did not quit")
	}
}

// TestReadOnlyMarksSendNothing: in read-only mode marks and the command
// line's navigation work, and no action key or command sends anything.
func TestReadOnlyMarksSendNothing(t *testing.T) {
	w, log := bulkWorld(t, 3, nil)
	h := liveHarness(t, w, func(o *Options) { o.ReadOnly = true })
	selectLabel(t, h, "presenter")
	h.key(" ")
	h.key("*")
	if n := len(h.app.room.marks); n != 2 {
		t.Errorf("read-only: %d marked after space and *, want 2", n)
	}
	for _, k := range []string{"m", "M", "h", "H", "x", "u"} {
		h.key(k)
		if !strings.Contains(h.app.flash.text, "read-only") || h.app.room.confirm != nil {
			t.Errorf("read-only %s: flash %q, confirm %+v", k, h.app.flash.text, h.app.room.confirm)
		}
	}
	h.key(":")
	h.typeText("mute-all")
	h.key("enter")
	if !strings.Contains(h.app.flash.text, "read-only") {
		t.Errorf("read-only :mute-all: flash %q", h.app.flash.text)
	}
	if n := len(log.posts()); n != 0 {
		t.Errorf("read-only sent %d updates", n)
	}
}

// TestBulkAnnounceToEach: a with marks asks for one announcement and plays
// it to each marked participant, once each; neither it nor a remove can be
// undone, and the console says so.
func TestBulkAnnounceToEach(t *testing.T) {
	const url = "https://example.com/notice.xml"
	w, log := bulkWorld(t, 4, nil)
	h := liveHarness(t, w, nil)
	selectLabel(t, h, "caller-1")
	h.key(" ")
	selectLabel(t, h, "caller-2")
	h.key(" ")
	h.key("a")
	h.typeText(url)
	h.key("enter")
	if q := h.app.room.confirm; q == nil || q.question != "Announce to 2 marked participants?" {
		t.Fatalf("confirmation = %+v\n%s", q, h.view())
	}
	h.key("y")
	posts := log.posts()
	if len(posts) != 2 {
		t.Errorf("%d participants sent an announcement, want 2: %v", len(posts), posts)
	}
	if f := h.app.flash.text; !strings.HasPrefix(f, "announced to 2") || !strings.Contains(f, "cannot be undone") {
		t.Errorf("summary = %q", f)
	}
	h.key("u")
	if f := h.app.flash.text; !strings.Contains(f, "announce cannot be undone") {
		t.Errorf("u after a bulk announce: flash %q", f)
	}
	h.poll() // the screen catches up with the polls the live state made after the batch
	selectLabel(t, h, "caller-3")
	h.key("x")
	h.key("y")
	if f := h.app.flash.text; !strings.Contains(f, "removed caller-3") || !strings.Contains(f, "cannot be undone") {
		t.Errorf("remove flash = %q", f)
	}
	h.key("u")
	if f := h.app.flash.text; !strings.Contains(f, "remove cannot be undone") {
		t.Errorf("u after a remove: flash %q", f)
	}
}

// TestUndoSingleAction: after m the flash offers u; u sends the inverse
// once, says so, and audits it; a second u finds nothing to undo.
func TestUndoSingleAction(t *testing.T) {
	w, log := bulkWorld(t, 2, nil)
	trail, path := openTrail(t)
	h := liveHarness(t, w, func(o *Options) { o.Audit = trail })
	selectLabel(t, h, "caller-1")
	h.key("m")
	if !strings.HasSuffix(h.app.flash.text, "u to undo") {
		t.Fatalf("flash after mute = %q", h.app.flash.text)
	}
	h.key("u")
	// The inverse has been answered by now: the flash says it is done.
	if f := h.app.flash.text; !strings.HasPrefix(f, "undone: unmute caller-1") {
		t.Errorf("flash after u = %q", f)
	}
	for _, p := range w.srv.Participants(simAccount, w.conf) {
		if p.Label == "caller-1" && p.Muted {
			t.Errorf("caller-1 still muted after the undo")
		}
	}
	posts := log.posts()
	if len(posts) != 1 || posts[h.app.room.selected] != 2 {
		t.Errorf("updates sent %v, want the mute and its undo to caller-1", posts)
	}
	es := readTrail(t, path)
	if len(es) != 3 || es[2].Action != audit.ActionUnmute || es[2].Outcome != audit.OutcomeOK || es[2].Label != "caller-1" {
		t.Errorf("audit lines %+v, want the mute's pair and the undo's unmute", es)
	}
	h.key("u")
	if f := h.app.flash.text; !strings.Contains(f, "nothing to undo") {
		t.Errorf("second u: flash %q", f)
	}
}

// TestBulkAnnounceRefusesTypedText: a typed announcement is served once,
// so announcing it to each marked participant would reach one of them:
// the console says so and sends nothing.
func TestBulkAnnounceRefusesTypedText(t *testing.T) {
	w, log := bulkWorld(t, 3, nil)
	registered := 0
	h := liveHarness(t, w, func(o *Options) {
		o.Webhook = &Webhook{URL: "https://hooks.example.com/cb", Announce: func(string) (string, error) {
			registered++
			return "https://hooks.example.com/say/once", nil
		}}
	})
	selectLabel(t, h, "caller-1")
	h.key(" ")
	selectLabel(t, h, "caller-2")
	h.key(" ")
	h.key("a")
	h.typeText("please stay on the line")
	h.key("enter")
	if f := h.app.flash.text; !strings.Contains(f, "spoken once") || h.app.room.confirm != nil {
		t.Errorf("typed text to the marks: flash %q, confirm %+v", f, h.app.room.confirm)
	}
	if registered != 0 || len(log.posts()) != 0 {
		t.Errorf("registered %d texts and sent %d updates, want none", registered, len(log.posts()))
	}
}

// TestBulkProgressFromSnapshots: the header's progress is the live state's
// count from the room's snapshots, not only what results reached the
// screen.
func TestBulkProgressFromSnapshots(t *testing.T) {
	w, _ := bulkWorld(t, 3, nil)
	h := liveHarness(t, w, nil)
	h.app.room.bulk = &bulkRun{id: "Bsnap", kind: actMute, total: 8, processed: 1}
	h.app.room.batches = []live.BatchProgress{{ID: "Bsnap", Kind: live.Mute, Total: 8, Done: 4, Skipped: 1}}
	if v := h.view(); !strings.Contains(v, "muting 5/8") {
		t.Errorf("the header should show the snapshot's progress, muting 5/8:\n%s", v)
	}
}

// TestFooterFollowsTheMarks: the footer offers space and : on a selected
// row, the bulk keys and "esc clear marks" with marks, and "esc cancel" while
// a bulk action runs.
func TestFooterFollowsTheMarks(t *testing.T) {
	w, _ := bulkWorld(t, 3, nil)
	h := liveHarness(t, w, nil)
	h.send(tea.WindowSizeMsg{Width: 200, Height: 40})
	footer := func() string { v := strings.Split(h.view(), "\n"); return v[len(v)-1] }
	if f := footer(); !strings.Contains(f, "space mark/unmark") || !strings.Contains(f, ": command line") || strings.Contains(f, "M unmute") {
		t.Errorf("footer without marks: %s", f)
	}
	h.key(" ")
	if f := footer(); !strings.HasPrefix(f, "m mute/unmute • M unmute • h hold/resume • H resume") || !strings.Contains(f, "esc clear marks") {
		t.Errorf("footer with marks: %s", f)
	}
	h.app.room.bulk = &bulkRun{id: "Bx", kind: actMute, total: 2}
	if f := footer(); !strings.HasPrefix(f, "esc cancel bulk mute") {
		t.Errorf("footer during a bulk mute: %s", f)
	}
}

// TestBulkMuteSomeoneLeft: a marked participant who hangs up before the
// bulk mute reaches them is counted as having left, not as a failure, and
// audited as skipped; everyone else is muted once.
func TestBulkMuteSomeoneLeft(t *testing.T) {
	w, log := bulkWorld(t, 6, nil)
	trail, path := openTrail(t)
	h := liveHarness(t, w, func(o *Options) { o.Audit = trail })
	h.key("*")
	h.key("m")
	if err := w.srv.Hangup(simAccount, w.conf, "caller-2"); err != nil {
		t.Fatal(err)
	}
	h.key("y")
	if f := h.app.flash.text; !strings.HasPrefix(f, "muted 5") || !strings.Contains(f, "1 had left") || strings.Contains(f, "failed") {
		t.Errorf("summary = %q, want 5 muted and 1 had left", f)
	}
	for sid, n := range log.posts() {
		if n != 1 {
			t.Errorf("%s got %d updates, want at most 1", sid, n)
		}
	}
	left := 0
	for _, e := range readTrail(t, path) {
		if e.Label == "caller-2" {
			left++
			if e.Outcome != audit.OutcomeSkipped || e.Error != "left" || e.Batch == "" {
				t.Errorf("the leaver's audit line = %+v, want skipped: left, with the batch id", e)
			}
		}
	}
	if left != 1 {
		t.Errorf("the leaver has %d audit lines, want 1", left)
	}
}

// TestBulkQuestionOutlivesARosterChange: a poll that brings any change
// (someone joins, a marked participant leaves) while the bulk question is
// open leaves the question open, and y then acts on those still marked. A
// bulk question names no one participant, so it is no one's leaving that
// can void it.
func TestBulkQuestionOutlivesARosterChange(t *testing.T) {
	tests := []struct {
		name   string
		change func(w liveWorld) error
		muted  int // how many of the bridge end muted
	}{
		{"a join", func(w liveWorld) error {
			_, err := w.srv.JoinConnected(simAccount, bridge, sim.Join{Label: "late"})
			return err
		}, 4},
		{"a marked participant leaves", func(w liveWorld) error {
			return w.srv.Hangup(simAccount, w.conf, "caller-2")
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, _ := bulkWorld(t, 4, nil)
			h := liveHarness(t, w, nil)
			h.key("*")
			h.key("m")
			if h.app.room.confirm == nil {
				t.Fatalf("no question after * m:\n%s", h.view())
			}
			if err := tt.change(w); err != nil {
				t.Fatal(err)
			}
			h.settle(w, 3e9)
			if h.app.room.confirm == nil {
				t.Fatalf("the poll closed the bulk question; flash %q", h.app.flash.text)
			}
			h.key("y")
			muted := 0
			for _, p := range w.srv.Participants(simAccount, w.conf) {
				if p.Muted {
					muted++
				}
			}
			if muted != tt.muted {
				t.Errorf("%d muted after y, want %d; flash %q", muted, tt.muted, h.app.flash.text)
			}
		})
	}
}

// TestUndoWhileAnActionIsOnItsWay: u while this console's own action has
// no answer yet would undo the change before it (the live state's last
// answered one), or say there is nothing to undo although the operator has
// just acted: it waits instead, and says for what. Once the answer is in,
// u says at once that it is undoing, before Twilio answers the undo.
func TestUndoWhileAnActionIsOnItsWay(t *testing.T) {
	w, log := bulkWorld(t, 2, nil)
	h := liveHarness(t, w, nil)
	selectLabel(t, h, "caller-1")
	cmd := h.pressOnly("m")
	if cmd == nil {
		t.Fatal("m made no command")
	}
	if undo := h.pressOnly("u"); undo != nil {
		t.Errorf("u with the mute on its way made a command (an undo of something else)")
	}
	if f := h.app.flash.text; !strings.Contains(f, "not undone: Twilio has yet to answer mute caller-1") {
		t.Errorf("flash = %q, want it to say what u waits for", f)
	}
	h.run(cmd)
	if n := log.posts()[h.app.room.selected]; n != 1 {
		t.Fatalf("%d updates to caller-1, want the mute alone", n)
	}
	undo := h.pressOnly("u")
	if f := h.app.flash.text; !strings.HasPrefix(f, "undoing") {
		t.Errorf("flash right after u = %q, want it to say the undo is under way", f)
	}
	// u again before the undo's answer: the live state took the mute for
	// the first undo, and would say nothing had changed.
	if again := h.pressOnly("u"); again != nil {
		t.Errorf("u with an undo on its way made a command")
	}
	if f := h.app.flash.text; !strings.Contains(f, "not undone: your last undo has no answer yet") {
		t.Errorf("flash after u u = %q, want it to say the undo has no answer yet", f)
	}
	h.run(undo)
	if f := h.app.flash.text; !strings.HasPrefix(f, "undone: unmute caller-1") {
		t.Errorf("flash after the undo's answer = %q", f)
	}
}

// TestUndoWhileARecordingOrAnnouncementIsOnItsWay: the live state undoes
// the last action Twilio answered, so u with a recording change or an
// announcement of this console still unanswered would unmute whom the
// operator muted before it (and, once the answer is in, the same u says
// it cannot be undone). It waits, says for what, and sends nothing.
func TestUndoWhileARecordingOrAnnouncementIsOnItsWay(t *testing.T) {
	tests := []struct {
		name  string
		start func(h *harness) tea.Cmd // the action left unanswered
		want  string
	}{
		{"recording", func(h *harness) tea.Cmd { return h.pressOnly("p") }, "not undone: Twilio has yet to answer the recording change"},
		{"announcement", func(h *harness) tea.Cmd {
			h.key("A") // to the whole conference: no one participant's pending
			h.typeText("https://example.com/notice.xml")
			// The prompt's enter sends it; its answer is held back
			// from the console, which still counts it on its way.
			answer := h.answerOf(h.pressOnly("enter"))
			if answer == nil {
				return nil
			}
			return func() tea.Msg { return answer }
		}, "not undone: Twilio has yet to answer the announcement"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, log := bulkWorld(t, 2, nil)
			h := liveHarness(t, w, nil)
			selectLabel(t, h, "caller-1")
			h.key("m")
			if n := log.posts()[h.app.room.selected]; n != 1 {
				t.Fatalf("%d updates to caller-1, want the mute", n)
			}
			if cmd := tt.start(h); cmd == nil {
				t.Fatal("no command for the action")
			}
			if undo := h.pressOnly("u"); undo != nil {
				t.Errorf("u with the %s on its way made a command (an undo of the mute before it)", tt.name)
			}
			if f := h.app.flash.text; !strings.Contains(f, tt.want) {
				t.Errorf("flash = %q, want %q", f, tt.want)
			}
		})
	}
}

// TestUndoWithUnclearAnswer: the undo's inverse left and its answer does
// not say whether it was made (a gateway's 502 after Twilio unmuted). The
// flash must not say "nothing undone": it may well be undone (the audit
// line says unknown), and u again has nothing left to undo.
func TestUndoWithUnclearAnswer(t *testing.T) {
	var posts atomic.Int32
	gate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || posts.Add(1) != 2 {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(httptest.NewRecorder(), r) // made, then the answer is lost
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte(`{"code": 20500, "message": "Bad Gateway", "status": 502}`)) //nolint:errcheck
		})
	}
	w, _ := bulkWorld(t, 2, gate)
	h := liveHarness(t, w, nil)
	selectLabel(t, h, "caller-1")
	h.key("m")
	h.key("u")
	if n := posts.Load(); n != 2 {
		t.Fatalf("%d POSTs, want the mute and its undo", n)
	}
	f := h.app.flash.text
	if strings.HasPrefix(f, "nothing undone") || !strings.Contains(f, "may have") || !strings.Contains(f, "caller-1") {
		t.Errorf("flash after an unclear answer to the undo = %q, want it to say the unmute of caller-1 may have been made", f)
	}
}
