package ui

import (
	"strings"
	"testing"
)

// TestSavedAnnouncements holds that the announce prompts offer the
// configured announcements by name (typed, or completed with tab), refuse
// anything that is neither a name nor a URL with the names listed, and
// offer the URLs used last in the session.
func TestSavedAnnouncements(t *testing.T) {
	const (
		closing = "https://example.com/closing.mp3"
		back    = "https://example.com/back.mp3"
		other   = "https://example.com/other.xml"
	)
	saved := func(o *Options) {
		o.Announcements = []Announcement{{Name: "back soon", URL: back}, {Name: "closing", URL: closing}}
	}
	tests := []struct {
		name     string
		keys     []string // "type:TEXT" types TEXT
		wantCall string
		wantView []string // in the view after the keys
		wantOpen bool
	}{
		{name: "a saved name stands for its URL", keys: []string{"a", "type:closing", "enter"},
			wantCall: "UpdateParticipant " + confSID + " " + callSID(2) + " announce=" + closing},
		{name: "tab completes a name", keys: []string{"a", "type:ba", "tab", "enter"},
			wantCall: "UpdateParticipant " + confSID + " " + callSID(2) + " announce=" + back},
		{name: "a name ignoring case, to everyone", keys: []string{"A", "type:CLOSING", "enter"},
			wantCall: "UpdateConference " + confSID + " status= announce=" + closing},
		{name: "a URL still works", keys: []string{"a", "type:" + other, "enter"},
			wantCall: "UpdateParticipant " + confSID + " " + callSID(2) + " announce=" + other},
		{name: "the prompt lists the saved names", keys: []string{"a"},
			wantView: []string{"saved: back soon, closing", "tab completes"}, wantOpen: true},
		{name: "neither a name nor a URL", keys: []string{"a", "type:closng", "enter"},
			wantView: []string{"saved name: back soon, closing"}, wantOpen: true},
		{name: "the last used URL is offered next time", keys: []string{"a", "type:" + other, "enter", "A"},
			wantCall: "UpdateParticipant " + confSID + " " + callSID(2) + " announce=" + other,
			wantView: []string{"recent: " + other}, wantOpen: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := openRoom(t, svc, saved)
			selectLabel(t, h, "caller-2")
			for _, k := range tc.keys {
				if text, ok := strings.CutPrefix(k, "type:"); ok {
					h.typeText(text)
					continue
				}
				h.key(k)
			}
			var calls []string
			for _, m := range []string{"UpdateParticipant", "UpdateConference"} {
				calls = append(calls, svc.called(m)...)
			}
			if tc.wantCall == "" && len(calls) > 0 || tc.wantCall != "" && (len(calls) != 1 || calls[0] != tc.wantCall) {
				t.Errorf("calls = %q, want %q", calls, tc.wantCall)
			}
			view := h.view()
			for _, w := range tc.wantView {
				if !strings.Contains(view, w) {
					t.Errorf("the view lacks %q:\n%s", w, view)
				}
			}
			if got := h.app.formActive(); got != tc.wantOpen {
				t.Errorf("form open = %v, want %v\n%s", got, tc.wantOpen, view)
			}
		})
	}
}

// TestHeaderShowsProfile holds that both screens name the twilio-cli
// profile in use.
func TestHeaderShowsProfile(t *testing.T) {
	svc := demoService()
	h := newHarness(t, svc, func(o *Options) { o.Profile = "prod" })
	if first := strings.SplitN(h.view(), "\n", 2)[0]; !strings.Contains(first, "profile prod") {
		t.Errorf("the list's header %q does not name the profile", first)
	}
	h = openRoom(t, svc, func(o *Options) { o.Profile = "prod" })
	if first := strings.SplitN(h.view(), "\n", 2)[0]; !strings.Contains(first, "profile prod") {
		t.Errorf("the room's header %q does not name the profile", first)
	}
	h = openRoom(t, svc, nil)
	if strings.Contains(h.view(), "profile") {
		t.Errorf("a header names a profile when none is in use:\n%s", h.view())
	}
}
