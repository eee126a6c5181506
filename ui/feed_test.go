package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/model"
)

// TestAddFormOverFeedShowsWhole: at 80x24 with the event feed open under
// the table, the add form is drawn whole (its last field, its button and
// its keys), not cut off by the feed.
func TestAddFormOverFeedShowsWhole(t *testing.T) {
	h := openRoom(t, demoService(), nil)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.key("e")
	h.key("n")
	v := h.view()
	for _, want := range []string{"End conf. on exit", "[ Add participant ]", "╰"} {
		if !strings.Contains(v, want) {
			t.Errorf("the add form lacks %q at 80x24 with the feed open:\n%s", want, v)
		}
	}
	h.key("esc")
	if v := h.view(); !strings.Contains(v, "EVENTS (0)") {
		t.Errorf("the feed should come back when the form closes:\n%s", v)
	}
}

// TestEventFeedScrolls: [ and ] page the open feed back and forward; a feed
// scrolled back keeps showing the same events while new ones arrive, and
// the title says which events are on screen.
func TestEventFeedScrolls(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24}) // the feed under the table: 6 events a page
	h.key("[")
	if want := "the event feed is closed: e opens it"; h.app.flash.text != want {
		t.Errorf("[ with the feed closed: flash %q, want %q", h.app.flash.text, want)
	}
	h.key("e")
	// Twenty events, one a second: caller-2 unmuted at 15:09:27, muted at
	// 15:09:28, and so on.
	change := func(i int) {
		h.setClock(testNow.Add(time.Duration(i) * time.Second))
		svc.edit(confSID, callSID(2), func(p *model.Participant) { p.Muted = !p.Muted })
		h.poll()
	}
	for i := 1; i <= 20; i++ {
		change(i)
	}
	at := func(i int) string { return testNow.Add(time.Duration(i) * time.Second).Format("15:04:05") }
	steps := []struct {
		do         func()
		title      string
		first, not string // the newest event line on screen, and one that must not be
	}{
		{func() {}, "EVENTS (20), [ older", at(20), at(14)},
		{func() { h.key("[") }, "EVENTS 7-12 of 20, ] newer", at(14), at(15)},
		{func() { change(21) }, "EVENTS 8-13 of 21, ] newer", at(14), at(21)},
		{func() { h.key("["); h.key("[") }, "EVENTS 16-21 of 21, ] newer", at(6), at(7)}, // no further back than a full page
		{func() { h.key("]") }, "EVENTS 10-15 of 21, ] newer", at(12), at(13)},
		{func() { h.key("]"); h.key("]") }, "EVENTS (21), [ older", at(21), at(15)},
	}
	for i, st := range steps {
		st.do()
		v := h.view()
		if !strings.Contains(v, st.title) {
			t.Errorf("step %d: feed title is not %q:\n%s", i, st.title, v)
		}
		if !strings.Contains(v, st.first+" caller-2") || strings.Contains(v, st.not+" caller-2") {
			t.Errorf("step %d: want the events from %s down, and not %s:\n%s", i, st.first, st.not, v)
		}
	}
	h.key("e")
	h.key("e")
	if v := h.view(); !strings.Contains(v, "EVENTS (21), [ older") {
		t.Errorf("a reopened feed starts at the newest:\n%s", v)
	}
}
