package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api/live"
	"confconsole/model"
)

// listAlone is the conference list as a model of its own, with no console
// around it, watching a live state over svc whose pollers poll only when
// asked; its commands are run by hand.
func listAlone(t *testing.T, svc live.Service) (confList, *live.Hub) {
	t.Helper()
	st := NewStyles(plainRenderer(), DarkTheme())
	tm := &timers{
		now:   func() time.Time { return testNow },
		sched: func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
	}
	hub := live.New(svc, live.Options{Jitter: live.NoJitter, Now: tm.now, NewTimer: live.NewFakeClock(testNow).NewTimer})
	t.Cleanup(hub.Close)
	l := newConfList(hub, testKeyMap(), &st, tm, DefaultRefresh, newMemo())
	l, _ = l.Update(tea.WindowSizeMsg{Width: 100, Height: 20})
	l, _ = l.Update(clockMsg{t: testNow})
	return l, hub
}

// TestListScreenIsAModel drives the conference list on its own, as the SSH
// server's sessions do: it watches the live state through its own
// command, drops a snapshot of a watch that is not its own, moves its
// selection, and asks the console (through its out, never by reaching into
// it) to open a conference, to show a flash and to note a failed poll.
func TestListScreenIsAModel(t *testing.T) {
	svc := demoService()
	l, hub := listAlone(t, svc)
	first := l.watch()
	if first == nil {
		t.Fatal("the list did not start watching")
	}
	other, err := hub.WatchRecentConferences(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	stale := listSnapMsg{sub: other, ok: true, snap: live.ConferenceList{
		Conferences: []model.Conference{{SID: "CFstale", FriendlyName: "stale", Status: model.ConferenceInProgress}},
		Poll:        live.PollStatus{Updated: testNow, Polls: 1}}}
	l, _ = l.Update(stale)
	if len(l.rows) != 0 || l.loaded {
		t.Fatalf("a snapshot of another watch was applied: %v", l.rows)
	}
	l, next := l.Update(first())
	if next == nil {
		t.Fatal("the list does not wait for its next snapshot")
	}
	if v := l.View(); !strings.Contains(v, "▶ support-escalations") || !strings.Contains(v, "sales-standup") {
		t.Fatalf("the list does not show the conferences:\n%s", v)
	}
	l, _ = l.Update(keyMsg("j"))
	if l.selected != conf2SID || l.out != (listOut{}) {
		t.Fatalf("j: selected %q, out %+v", l.selected, l.out)
	}
	l, _ = l.Update(keyMsg("enter"))
	if l.out.open == nil || l.out.open.SID != conf2SID {
		t.Fatalf("enter asked to open %+v, want %s", l.out.open, conf2SID)
	}
	l, _ = l.Update(keyMsg("s"))
	if l.out.open != nil || !strings.HasPrefix(l.out.flash, "sorted by name") {
		t.Errorf("s: out %+v, want a flash saying the order and nothing else", l.out)
	}

	// A poll that fails says so, with the previous failure when there was one.
	boom := errors.New("boom")
	for i, prev := range []error{nil, boom} {
		l, _ = l.Update(listSnapMsg{sub: l.sub, ok: true, snap: live.ConferenceList{Conferences: svc.confs,
			Poll: live.PollStatus{Updated: testNow, Err: boom, Failures: i + 1, Polls: l.polls + 1}}})
		if l.out.pollErr != boom || l.out.prevErr != prev {
			t.Errorf("failure %d: out %+v, want the error and %v before it", i+1, l.out, prev)
		}
	}

	// A conference waited for is opened when a poll shows it in progress.
	l.waitFor = "sales-standup"
	l, _ = l.Update(listSnapMsg{sub: l.sub, ok: true, snap: live.ConferenceList{Conferences: svc.confs,
		Poll: live.PollStatus{Updated: testNow, Polls: l.polls + 1}}})
	if l.out.open == nil || l.out.open.SID != conf2SID || l.waitFor != "" {
		t.Errorf("waited-for conference: out %+v, waitFor %q", l.out, l.waitFor)
	}
}

// TestListKeepsItsScrollWhileHidden holds that resizing the terminal while
// a conference is open scrolls the list once, for the size it is shown at
// again, as when the console was one model: not once for every size in
// between, which would leave it scrolled for a size long gone.
func TestListKeepsItsScrollWhileHidden(t *testing.T) {
	svc := demoService()
	svc.confs = nil
	for i := range 50 {
		svc.confs = append(svc.confs, model.Conference{
			SID: fmt.Sprintf("CF%032d", i), FriendlyName: fmt.Sprintf("room-%02d", i),
			Status: model.ConferenceInProgress, Region: "us1", Created: testNow.Add(-time.Minute),
		})
	}
	h := newHarness(t, svc, nil)
	for range 25 {
		h.key("j")
	}
	if h.app.list.offset != 0 {
		t.Fatalf("row 26 of a 35-row table scrolled the list to %d", h.app.list.offset)
	}
	h.key("enter")
	if h.app.screen != screenRoom {
		t.Fatal("enter did not open the conference")
	}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 10})
	h.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	h.key("esc")
	if h.app.screen != screenList || h.app.list.offset != 0 {
		t.Errorf("back on the list (screen %d) at offset %d, want 0", h.app.screen, h.app.list.offset)
	}
}
