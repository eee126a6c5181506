package ui

import (
	"errors"
	"strings"
	"testing"
)

// TestTypedAnnouncements holds that, with a webhook, the announce prompts
// hand plain text to it and send the URL it returns (once, never offered
// again as a recent one), that a saved name or a URL still wins, and that a
// webhook refusing the text leaves nothing sent and the participant free.
func TestTypedAnnouncements(t *testing.T) {
	const (
		closing = "https://example.com/closing.mp3"
		said    = "https://hooks.example.com/announce/0123"
	)
	tests := []struct {
		name      string
		keys      []string // "type:TEXT" types TEXT
		refuse    bool     // the webhook's Announce fails
		wantText  []string // what the webhook was asked to say
		wantCalls []string
		wantView  []string
	}{
		{name: "text to one participant", keys: []string{"a", "type:Back in <5> & out", "enter"},
			wantText:  []string{"Back in <5> & out"},
			wantCalls: []string{"UpdateParticipant " + confSID + " " + callSID(2) + " announce=" + said}},
		{name: "text to everyone", keys: []string{"A", "type:  Closing now ", "enter"},
			wantText:  []string{"Closing now"},
			wantCalls: []string{"UpdateConference " + confSID + " status= announce=" + said}},
		{name: "a saved name is not text", keys: []string{"a", "type:closing", "enter"},
			wantCalls: []string{"UpdateParticipant " + confSID + " " + callSID(2) + " announce=" + closing}},
		{name: "a single-use URL is not offered again", keys: []string{"a", "type:hello", "enter", "A"},
			wantText:  []string{"hello"},
			wantCalls: []string{"UpdateParticipant " + confSID + " " + callSID(2) + " announce=" + said},
			wantView:  []string{"or text to say"}},
		{name: "the webhook refuses", keys: []string{"a", "type:hello", "enter"}, refuse: true,
			wantText: []string{"hello"},
			wantView: []string{"nothing was announced: 256 announcements are waiting"}},
		{name: "the webhook refuses, then a URL goes", keys: []string{"a", "type:hello", "enter", "a", "type:" + closing, "enter"}, refuse: true,
			wantText:  []string{"hello"},
			wantCalls: []string{"UpdateParticipant " + confSID + " " + callSID(2) + " announce=" + closing}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var asked []string
			svc := demoService()
			h := openRoom(t, svc, func(o *Options) {
				o.Announcements = []Announcement{{Name: "closing", URL: closing}}
				o.Webhook = &Webhook{URL: "https://hooks.example.com/", Announce: func(text string) (string, error) {
					asked = append(asked, text)
					if tc.refuse {
						return "", errors.New("256 announcements are waiting to be played; try again when they have")
					}
					return said, nil
				}}
			})
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
			if strings.Join(calls, "\n") != strings.Join(tc.wantCalls, "\n") {
				t.Errorf("calls = %q, want %q", calls, tc.wantCalls)
			}
			if strings.Join(asked, "\n") != strings.Join(tc.wantText, "\n") {
				t.Errorf("asked to say %q, want %q", asked, tc.wantText)
			}
			view := h.view()
			for _, w := range tc.wantView {
				if !strings.Contains(view, w) {
					t.Errorf("the view lacks %q:\n%s", w, view)
				}
			}
			if strings.Contains(view, "recent: "+said) {
				t.Errorf("the single-use URL is offered again:\n%s", view)
			}
		})
	}
}
