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

// innerOpen says whether anything ctrl+c closes before quitting is open.
func innerOpen(a App) bool {
	return a.showHelp || a.logView.open || a.formActive() || a.room.confirm != nil || a.room.filtering || a.list.filtering ||
		a.cmdline != nil
}

// TestCtrlCClosesWhatIsOpen: inside a form, a question, a filter or an
// overlay, ctrl+c closes it, sends nothing, and only a second ctrl+c quits;
// q closes the help and the audit log instead of quitting from them.
func TestCtrlCClosesWhatIsOpen(t *testing.T) {
	tests := []struct {
		name string
		room bool // on the participants screen; else the conference list
		keys []string
		text string
		quit string // the key that closes it (and, pressed again outside, quits)
	}{
		{"add form", true, []string{"n"}, "+14155550100", "ctrl+c"},
		{"announce prompt", true, []string{"a"}, "https://example.com/a.xml", "ctrl+c"},
		{"announce-all prompt", true, []string{"A"}, "https://example.com/a.xml", "ctrl+c"},
		{"end prompt", true, []string{"E"}, "aaaa", "ctrl+c"},
		{"coach picker", true, []string{"c"}, "", "ctrl+c"},
		{"remove question", true, []string{"x"}, "", "ctrl+c"},
		{"stop-recording question", true, []string{"P"}, "", "ctrl+c"},
		{"participants filter", true, []string{"/"}, "agent", "ctrl+c"},
		{"conference list filter", false, []string{"/"}, "sales", "ctrl+c"},
		{"command line on the participants", true, []string{":"}, "mute-all", "ctrl+c"},
		{"command line on the list", false, []string{":"}, "sales", "ctrl+c"},
		{"help on the participants", true, []string{"?"}, "", "ctrl+c"},
		{"help on the list", false, []string{"?"}, "", "ctrl+c"},
		{"audit log", true, []string{"L"}, "", "ctrl+c"},
		{"q closes the help", true, []string{"?"}, "", "q"},
		{"q closes the help on the list", false, []string{"?"}, "", "q"},
		{"q closes the audit log", true, []string{"L"}, "", "q"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			// A live recording, so P asks its question instead of saying
			// there is nothing to stop.
			svc.recs[confSID] = []model.Recording{{SID: "RE1", Status: model.RecordingInProgress}}
			var h *harness
			if tc.room {
				h = openRoom(t, svc, nil)
			} else {
				h = newHarness(t, svc, nil)
			}
			for _, k := range tc.keys {
				h.key(k)
			}
			h.typeText(tc.text)
			if !innerOpen(h.app) {
				t.Fatalf("nothing open after %q:\n%s", tc.keys, h.view())
			}
			before := len(svc.calls)
			h.key(tc.quit)
			if h.quit {
				t.Fatalf("%s inside the %s quit the console", tc.quit, tc.name)
			}
			if innerOpen(h.app) {
				t.Errorf("%s should close the %s:\n%s", tc.quit, tc.name, h.view())
			}
			for _, c := range svc.calls[before:] {
				if !strings.HasPrefix(c, "List") {
					t.Errorf("closing sent %q", c)
				}
			}
			if tc.room && h.app.room.query != "" || !tc.room && h.app.list.query != "" {
				t.Errorf("a filter closed by %s should be dropped, as esc drops it", tc.quit)
			}
			h.key(tc.quit)
			if !h.quit {
				t.Errorf("a second %s, outside, should quit", tc.quit)
			}
		})
	}
}

// endFake ends the conference confSID in the fake, as Twilio would.
func endFake(svc *fakeService) {
	svc.mu.Lock()
	defer svc.mu.Unlock()
	svc.confs[0].Status = model.ConferenceCompleted
	svc.parts[confSID] = nil
}

// leave takes the participant labelled label out of the fake's conference.
func leave(svc *fakeService, label string) {
	svc.mu.Lock()
	defer svc.mu.Unlock()
	var kept []model.Participant
	for _, p := range svc.parts[confSID] {
		if p.Label != label {
			kept = append(kept, p)
		}
	}
	svc.parts[confSID] = kept
}

// writes is every call that changes something.
func writes(svc *fakeService) []string {
	var out []string
	for _, m := range []string{"UpdateParticipant", "UpdateConference", "DeleteParticipant", "CreateParticipant", "UpdateRecording"} {
		out = append(out, svc.called(m)...)
	}
	return out
}

// TestPromptTargetLeaves: every prompt that holds a target (a participant or
// the conference) closes when that target leaves while it is open, says who
// left, and sends nothing, even when the operator then presses the key that
// would have confirmed it.
func TestPromptTargetLeaves(t *testing.T) {
	const url = "https://example.com/a.xml"
	tests := []struct {
		name    string
		select_ string
		keys    []string
		text    string
		gone    func(*fakeService)
		then    string // the key that would have confirmed
		flash   string
	}{
		{"announce: the participant leaves", "caller-2", []string{"a"}, url, func(s *fakeService) { leave(s, "caller-2") }, "enter",
			"caller-2 left the conference; nothing was announced"},
		{"coach: the chosen participant leaves", "agent-7", []string{"c", "j"}, "", func(s *fakeService) { leave(s, "supervisor") }, "enter",
			"supervisor left the conference; agent-7 coaches nobody new"},
		{"coach: the coach leaves", "agent-7", []string{"c"}, "", func(s *fakeService) { leave(s, "agent-7") }, "enter",
			"agent-7 left the conference; nobody was coached"},
		{"coach: the chosen participant is put on hold", "agent-7", []string{"c"}, "", func(s *fakeService) {
			s.edit(confSID, callSID(2), func(p *model.Participant) { p.Hold = true })
		}, "enter", "caller-2 was put on hold and cannot be coached"},
		{"remove: the participant leaves", "caller-2", []string{"x"}, "", func(s *fakeService) { leave(s, "caller-2") }, "y",
			"caller-2 left the conference; nothing was sent"},
		{"announce: the conference ends", "caller-2", []string{"a"}, url, endFake, "enter",
			"conference support-escalations has ended; nothing was sent"},
		{"announce to all: the conference ends", "caller-2", []string{"A"}, url, endFake, "enter",
			"conference support-escalations has ended; nothing was sent"},
		{"end: the conference ends", "caller-2", []string{"E"}, "aaaa", endFake, "enter",
			"conference support-escalations has ended; nothing was sent"},
		{"coach: the conference ends", "agent-7", []string{"c"}, "", endFake, "enter",
			"conference support-escalations has ended; nothing was sent"},
		{"remove: the conference ends", "caller-2", []string{"x"}, "", endFake, "y",
			"conference support-escalations has ended; nothing was sent"},
		{"stop recording: the conference ends", "caller-2", []string{"P"}, "", endFake, "y",
			"conference support-escalations has ended; nothing was sent"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			svc.recs[confSID] = []model.Recording{{SID: "RE" + strings.Repeat("1", 32), Status: model.RecordingInProgress}}
			h := openRoom(t, svc, nil)
			selectLabel(t, h, tc.select_)
			for _, k := range tc.keys {
				h.key(k)
			}
			h.typeText(tc.text)
			if !innerOpen(h.app) {
				t.Fatalf("nothing open:\n%s", h.view())
			}
			tc.gone(svc)
			h.poll()
			if innerOpen(h.app) {
				t.Errorf("the prompt should close when its target leaves:\n%s", h.view())
			}
			if !strings.Contains(h.app.flash.text, tc.flash) || !h.app.flash.isErr {
				t.Errorf("flash = %q (error %v), want an error saying %q", h.app.flash.text, h.app.flash.isErr, tc.flash)
			}
			h.key(tc.then)
			if w := writes(svc); len(w) != 0 {
				t.Errorf("sent %q after the target left", w)
			}
		})
	}
}

// TestFlashLatestWins: a new message replaces the last one; an error about
// something else is never joined to the conference's end.
func TestFlashLatestWins(t *testing.T) {
	tests := []struct {
		name  string
		first func(h *harness, svc *fakeService)
		shown string // the first message
	}{
		{"a coach picker closed", func(h *harness, svc *fakeService) {
			selectLabel(t, h, "agent-7")
			h.key("c")
			h.key("j") // supervisor
			leave(svc, "supervisor")
			h.poll()
		}, "supervisor left the conference"},
		{"a mute refused", func(h *harness, svc *fakeService) {
			svc.failNext("UpdateParticipant", twilioErr(api.OpUpdateParticipant, callSID(1), 400, 21220, "Invalid parameter"))
			selectLabel(t, h, "agent-7")
			h.key("m")
		}, "mute agent-7 failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := openRoom(t, svc, nil)
			tc.first(h, svc)
			if !strings.Contains(h.app.flash.text, tc.shown) || !h.app.flash.isErr {
				t.Fatalf("flash = %q, want an error saying %q", h.app.flash.text, tc.shown)
			}
			endFake(svc)
			h.poll()
			if got, want := h.app.flash.text, "conference support-escalations has ended"; got != want {
				t.Errorf("flash = %q, want only %q", got, want)
			}
		})
	}
}

// TestCoachPickedAfterTheTargetLeft: a choice that lands after a poll took
// its participant away sends nothing.
func TestCoachPickedAfterTheTargetLeft(t *testing.T) {
	tests := []struct {
		name          string
		coach, target string
		flash         string
	}{
		{"the target left", callSID(1), callSID(99), "has already left the conference; nobody was coached"},
		{"the coach left", callSID(98), callSID(2), "has already left the conference; nobody was coached"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := openRoom(t, svc, nil)
			selectLabel(t, h, "agent-7")
			h.key("c")
			h.send(coachPickMsg{coachCallSID: tc.coach, targetCallSID: tc.target})
			if w := writes(svc); len(w) != 0 {
				t.Errorf("sent %q", w)
			}
			if !strings.Contains(h.app.flash.text, tc.flash) {
				t.Errorf("flash = %q, want %q", h.app.flash.text, tc.flash)
			}
		})
	}
}
