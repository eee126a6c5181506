package ui

import (
	"strings"
	"testing"

	"confconsole/api"
	"confconsole/model"
)

func TestFormsFromTheRoom(t *testing.T) {
	const url = "https://example.com/notice.xml"
	tests := []struct {
		name      string
		select_   string
		keys      []string
		text      []string // typed after the keys, in order, each followed by the next key in then
		then      []string
		wantCall  string
		wantFlash string
		wantOpen  bool // the form is still open at the end
	}{
		{name: "coach picks an agent", select_: "agent-7", keys: []string{"c", "enter"},
			wantCall: "UpdateParticipant " + confSID + " " + callSID(1) + " coaching=true coach=" + callSID(2), wantFlash: "now coaching agent-7 → caller-2"},
		{name: "coach stops coaching", select_: "supervisor", keys: []string{"c", "up", "enter"},
			wantCall: "UpdateParticipant " + confSID + " " + callSID(3) + " coaching=false", wantFlash: "stopped coaching supervisor"},
		{name: "coach cancelled", select_: "supervisor", keys: []string{"c", "esc"}},
		{name: "announce to one", select_: "caller-2", keys: []string{"a"}, text: []string{url}, then: []string{"enter"},
			wantCall: "UpdateParticipant " + confSID + " " + callSID(2) + " announce=" + url, wantFlash: "announcement playing to caller-2"},
		{name: "announce with a bad URL stays open", select_: "caller-2", keys: []string{"a"}, text: []string{"ftp://x"}, then: []string{"enter"},
			wantOpen: true},
		{name: "announce to all", select_: "caller-2", keys: []string{"A"}, text: []string{url}, then: []string{"enter"},
			wantCall: "UpdateConference " + confSID + " status= announce=" + url, wantFlash: "announcement playing to the conference"},
		{name: "end refuses the name", select_: "caller-2", keys: []string{"E"}, text: []string{"support-escalations"}, then: []string{"enter"},
			wantOpen: true},
		{name: "end refuses a wrong code", select_: "caller-2", keys: []string{"E"}, text: []string{"aaab"}, then: []string{"enter"},
			wantOpen: true},
		{name: "end takes the SID's last four", select_: "caller-2", keys: []string{"E"}, text: []string{"aaaa"}, then: []string{"enter"},
			wantCall: "UpdateConference " + confSID + " status=completed announce=", wantFlash: "has ended"},
		{name: "end cancelled", select_: "caller-2", keys: []string{"E", "esc"}},
		{name: "q inside a form is text, not quit", select_: "caller-2", keys: []string{"E"}, text: []string{"q"}, wantOpen: true},
		{name: "add a participant", select_: "caller-2", keys: []string{"n"}, text: []string{"+14155550100", "+14155550111", "agent-9"},
			then: []string{"tab", "tab", "ctrl+s"}, wantCall: "CreateParticipant " + confSID + " to=+14155550100 label=agent-9", wantFlash: "dialling agent-9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := openRoom(t, svc, nil)
			selectLabel(t, h, tc.select_)
			for _, k := range tc.keys {
				h.key(k)
			}
			for i, s := range tc.text {
				h.typeText(s)
				if i < len(tc.then) {
					h.key(tc.then[i])
				}
			}
			if h.quit {
				t.Fatal("the console quit")
			}
			var calls []string
			for _, m := range []string{"UpdateParticipant", "UpdateConference", "CreateParticipant"} {
				calls = append(calls, svc.called(m)...)
			}
			if tc.wantCall == "" && len(calls) > 0 || tc.wantCall != "" && (len(calls) != 1 || calls[0] != tc.wantCall) {
				t.Errorf("calls = %q, want %q", calls, tc.wantCall)
			}
			if tc.wantFlash != "" && !strings.Contains(h.app.flash.text, tc.wantFlash) {
				t.Errorf("flash = %q, want %q", h.app.flash.text, tc.wantFlash)
			}
			if got := h.app.formActive(); got != tc.wantOpen {
				t.Errorf("form open = %v, want %v\n%s", got, tc.wantOpen, h.view())
			}
		})
	}
}

func TestEndConferenceGoesBackToTheList(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	h.key("E")
	if !strings.Contains(h.view(), "type aaaa to confirm") {
		t.Fatalf("E should ask for the end of the SID:\n%s", h.view())
	}
	h.typeText("aaaa")
	h.key("enter")
	if c := svc.called("UpdateConference"); len(c) != 1 || !strings.Contains(c[0], "status=completed") {
		t.Fatalf("calls = %q", c)
	}
	if h.app.screen != screenList {
		t.Errorf("after ending, the console should be back on the list:\n%s", h.view())
	}
	if !strings.Contains(h.app.flash.text, "has ended") {
		t.Errorf("flash = %q", h.app.flash.text)
	}
}

func TestAddFailureShowsTwilioError(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	svc.failNext("CreateParticipant", twilioErr(api.OpCreateParticipant, confSID, 400, 21217, "Phone number does not appear to be valid"))
	h.key("n")
	h.typeText("+15005550001")
	h.key("tab")
	h.typeText("+14155550111")
	h.key("ctrl+s")
	if want := "twilio 21217 (HTTP 400): Phone number does not appear to be valid"; !strings.Contains(h.app.flash.text, want) {
		t.Errorf("flash = %q, want %q", h.app.flash.text, want)
	}
}

func TestCoachPendingShowsInTheRow(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	selectLabel(t, h, "agent-7")
	h.key("c")
	if !strings.Contains(h.view(), "caller-2") {
		t.Fatalf("the picker should list caller-2:\n%s", h.view())
	}
	m, cmd := h.app.Update(keyMsg("enter"))
	h.app = m.(App)
	pick := cmd() // the picker's choice
	m, act := h.app.Update(pick)
	h.app = m.(App)
	if row := rowOf(t, h.view(), "agent-7"); !strings.Contains(row, "coaching…") {
		t.Errorf("row should be pending: %q", row)
	}
	h.run(act)
	row := rowOf(t, h.view(), "agent-7")
	if !strings.Contains(row, "→ caller-2") {
		t.Errorf("after the poll the row should show whom agent-7 coaches: %q", row)
	}
	_ = model.ParticipantConnected
}

// TestEndConferenceWhateverItsName: a conference's name never stands between
// the operator and ending it. The prompt shows the name inert and asks for
// the last four characters of the SID, which every keyboard types.
func TestEndConferenceWhateverItsName(t *testing.T) {
	tests := []struct {
		name  string
		conf  string
		shown string // how the name reads on screen
	}{
		{"control characters", "conf\nline2\ttab", "conf␊line2␉tab"},
		{"128 wide characters", strings.Repeat("鬱", 128), "鬱鬱鬱鬱"},
		{"bidi and zero-width", "\u202eroom\u200bA", "<U+202E>room<U+200B>A"},
		{"escape sequences", "bridge \x1b]0;pwned\x07", "bridge ␛]0;pwned␇"},
		{"no name", "", "name  (none)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			svc.confs[0].FriendlyName = tc.conf
			h := openRoom(t, svc, nil)
			h.key("E")
			v := h.view()
			checkScreenSane(t, v, 120)
			for _, want := range []string{tc.shown, "SID   " + confSID, "type aaaa to confirm"} {
				if !strings.Contains(v, want) {
					t.Errorf("the prompt lacks %q:\n%s", want, v)
				}
			}
			h.typeText("aaaa")
			h.key("enter")
			if c := svc.called("UpdateConference"); len(c) != 1 || !strings.Contains(c[0], "status=completed") {
				t.Fatalf("calls = %q, want one that ends the conference\n%s", c, h.view())
			}
		})
	}
}
