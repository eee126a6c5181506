package ui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"confconsole/model"
)

// TestConferenceListSorts: s and S, listed under "Everywhere" in help, sort
// the conference list too, and the flash and the status line use the same
// words.
func TestConferenceListSorts(t *testing.T) {
	svc := demoService()
	svc.confs = append(svc.confs, model.Conference{SID: "CF" + strings.Repeat("e", 32), FriendlyName: "Alpha-desk", Status: model.ConferenceInProgress, Region: "au1", Created: testNow})
	h := newHarness(t, svc, nil)
	names := func() []string {
		var out []string
		for _, c := range h.app.list.rows {
			out = append(out, c.FriendlyName)
		}
		return out
	}
	steps := []struct {
		key   string
		want  []string
		words string // on the status line and in the flash
	}{
		{"s", []string{"Alpha-desk", "sales-standup", "support-escalations"}, "by name"},
		{"S", []string{"support-escalations", "sales-standup", "Alpha-desk"}, "by name, reversed"},
		{"s", []string{"Alpha-desk", "sales-standup", "support-escalations"}, "by status, reversed"}, // all in progress: Twilio's order, reversed
		{"S", []string{"support-escalations", "sales-standup", "Alpha-desk"}, "by status"},
		{"s", []string{"Alpha-desk", "sales-standup", "support-escalations"}, "by region"},
	}
	for _, st := range steps {
		h.key(st.key)
		if got := names(); !slices.Equal(got, st.want) {
			t.Errorf("after %s: order %v, want %v", st.key, got, st.want)
		}
		if want := "sorted " + st.words; h.app.flash.text != want {
			t.Errorf("after %s: flash %q, want %q", st.key, h.app.flash.text, want)
		}
		status := strings.Split(h.view(), "\n")[1]
		if !strings.Contains(status, "· "+st.words+" ") {
			t.Errorf("after %s: status line %q does not say %q", st.key, status, st.words)
		}
	}
}

// TestRoomSortFlashMatchesHeader: on the participants screen the flash says
// what the status line says, reversed or not, for s and for S.
func TestRoomSortFlashMatchesHeader(t *testing.T) {
	h := openRoom(t, demoService(), nil)
	for _, st := range []struct{ key, words string }{
		{"S", "by arrival, reversed"},
		{"s", "by label, reversed"},
		{"S", "by label"},
	} {
		h.key(st.key)
		if want := "sorted " + st.words; h.app.flash.text != want {
			t.Errorf("after %s: flash %q, want %q", st.key, h.app.flash.text, want)
		}
		if status := strings.Split(h.view(), "\n")[1]; !strings.Contains(status, "· "+st.words+" ") {
			t.Errorf("after %s: status line %q does not say %q", st.key, status, st.words)
		}
	}
}

// TestConferenceNotStartedYetIsWaitedFor: --conference with the name of a
// conference that has not started waits for it on the list, saying so, and
// opens it once it is in progress; esc stops waiting.
func TestConferenceNotStartedYetIsWaitedFor(t *testing.T) {
	svc := demoService()
	h := newHarness(t, svc, func(o *Options) { o.Conference = "daily-standup" })
	v := h.view()
	if h.app.screen != screenList || !strings.Contains(strings.Split(v, "\n")[1], `waiting for "daily-standup" to start (esc stops waiting)`) {
		t.Fatalf("want the list, waiting for daily-standup:\n%s", v)
	}
	if strings.Contains(v, "✗") {
		t.Errorf("waiting is not an error:\n%s", v)
	}
	h.poll()
	if h.app.screen != screenList {
		t.Fatal("opened something before daily-standup started")
	}
	standup := model.Conference{SID: "CF" + strings.Repeat("f", 32), FriendlyName: "daily-standup", Status: model.ConferenceInit}
	svc.confs = append(svc.confs, standup)
	h.poll()
	if h.app.screen != screenList {
		t.Fatal("opened daily-standup before it was in progress")
	}
	svc.confs[len(svc.confs)-1].Status = model.ConferenceInProgress
	h.poll()
	if h.app.screen != screenRoom || h.app.room.conf.SID != standup.SID {
		t.Fatalf("daily-standup started but was not opened:\n%s", h.view())
	}
	h.key("esc")
	if strings.Contains(h.view(), "waiting for") {
		t.Errorf("still waiting after the conference opened:\n%s", h.view())
	}

	h = newHarness(t, demoService(), func(o *Options) { o.Conference = "daily-standup" })
	h.key("esc")
	if v := h.view(); strings.Contains(strings.Split(v, "\n")[1], "waiting for") || h.app.flash.text != `stopped waiting for "daily-standup"` {
		t.Errorf("esc should stop waiting (flash %q):\n%s", h.app.flash.text, v)
	}
}

// TestFooterSaysWhatEscDoes: with a filter kept, esc clears it (on the
// list, and in a room before it goes back), so the footer says "clear
// filter" rather than "back"; with marks, it says "clear marks" once.
func TestFooterSaysWhatEscDoes(t *testing.T) {
	escDescs := func(bs []key.Binding) []string {
		var out []string
		for _, b := range bs {
			if slices.Contains(b.Keys(), "esc") {
				out = append(out, b.Help().Desc)
			}
		}
		return out
	}
	h := newHarness(t, demoService(), nil)
	h.key("/")
	h.typeText("s")
	h.key("enter")
	if got := escDescs(h.app.list.keyBindings()); !slices.Equal(got, []string{"clear filter"}) {
		t.Errorf("list with a filter kept: esc is %q in the footer, want clear filter", got)
	}

	h = openRoom(t, demoService(), nil)
	if got := escDescs(h.app.room.keyBindings()); !slices.Equal(got, []string{"back"}) {
		t.Errorf("room: esc is %q, want back", got)
	}
	h.key("/")
	h.typeText("a")
	h.key("enter")
	if got := escDescs(h.app.room.keyBindings()); !slices.Equal(got, []string{"clear filter"}) {
		t.Errorf("room with a filter kept: esc is %q, want clear filter", got)
	}
	h.key(" ")
	if got := escDescs(h.app.room.keyBindings()); !slices.Equal(got, []string{"clear marks"}) {
		t.Errorf("room with a mark: esc is %q, want clear marks once", got)
	}
	h.key("esc")
	h.key("esc")
	if h.app.screen != screenRoom || h.app.room.query != "" {
		t.Fatalf("esc esc: screen %v, filter %q; want the room, the filter cleared", h.app.screen, h.app.room.query)
	}
}
