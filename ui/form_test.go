package ui

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"confconsole/api"
	"confconsole/model"
)

// formKey turns a key name into the message Bubble Tea would deliver; any
// other string is typed as text.
func formKey(name string) tea.KeyMsg {
	switch name {
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "ctrl+s":
		return tea.KeyMsg{Type: tea.KeyCtrlS}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(name)}
}

// formResult runs cmd (a form's answer) and returns its message, or nil.
func formResult(cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}
	return cmd()
}

var formCSI = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

// formPlain strips colour codes, should a colour profile be on.
func formPlain(s string) string { return formCSI.ReplaceAllString(s, "") }

// formText is the words inside a form's box, borders dropped and spaces
// collapsed, so a message wrapped over two lines reads as one.
func formText(view string) string {
	var words []string
	for _, l := range strings.Split(formPlain(view), "\n") {
		l = strings.Trim(l, "│╭╮╰╯─ ")
		words = append(words, strings.Fields(l)...)
	}
	return strings.Join(words, " ")
}

// press feeds keys to the form and returns it with the last command.
func press(f AddForm, keys ...string) (AddForm, tea.Cmd) {
	var cmd tea.Cmd
	for _, k := range keys {
		f, cmd = f.Update(formKey(k))
	}
	return f, cmd
}

// focusRow tabs forward until the form's focus is on fld.
func focusRow(t *testing.T, f AddForm, fld formField) AddForm {
	t.Helper()
	for range 2 * int(formFieldCount) {
		if f.focus == fld {
			return f
		}
		f, _ = press(f, "tab")
	}
	t.Fatalf("tab never reached row %d", fld)
	return f
}

var (
	formAgent  = model.Participant{CallSID: "CA" + strings.Repeat("a", 32), Label: "agent-7", Status: model.ParticipantConnected}
	formCaller = model.Participant{CallSID: "CA" + strings.Repeat("b", 32), Label: "caller", Status: model.ParticipantConnected}
	formRinger = model.Participant{CallSID: "CA" + strings.Repeat("c", 32), Label: "ringing-one", Status: model.ParticipantRinging}
	formPeople = []model.Participant{formAgent, formCaller, formRinger}
)

func newTestForm() AddForm {
	return NewAddForm(NewFormStyles(plainRenderer(), MonoTheme()), "support-room", formPeople)
}

// filled is a form with valid To and From typed in, focus back on To.
func filled(t *testing.T) AddForm {
	t.Helper()
	f, _ := press(newTestForm(), "+14155550100", "tab", "+14155550199", "shift+tab")
	return f
}

func submitted(t *testing.T, f AddForm) api.CreateParticipant {
	t.Helper()
	f, cmd := press(f, "ctrl+s")
	msg, ok := formResult(cmd).(addSubmitMsg)
	if !ok {
		t.Fatalf("ctrl+s gave %#v, want addSubmitMsg; form shows:\n%s", formResult(cmd), formPlain(f.View(100, 40)))
	}
	return msg.params
}

func TestAddFormSendsOnlyWhatWasSet(t *testing.T) {
	type row struct {
		fld   formField
		times int // presses of space
	}
	tests := []struct {
		name  string
		rows  []row
		typed map[formField]string
		want  api.CreateParticipant
	}{
		{"untouched: To and From only", nil, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199"}},
		{"muted once: on", []row{{fieldMuted, 1}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199", Muted: api.Bool(true)}},
		{"muted twice: explicitly off", []row{{fieldMuted, 2}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199", Muted: api.Bool(false)}},
		{"muted three times: back to default, not sent", []row{{fieldMuted, 3}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199"}},
		{"early media once: off (its default is on)", []row{{fieldEarlyMedia, 1}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199", EarlyMedia: api.Bool(false)}},
		{"start on enter off, end on exit on, record on",
			[]row{{fieldStartOnEnter, 1}, {fieldEndOnExit, 1}, {fieldRecord, 1}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199",
				StartConferenceOnEnter: api.Bool(false), EndConferenceOnExit: api.Bool(true), Record: api.Bool(true)}},
		{"beep once: false", []row{{fieldBeep, 1}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199", Beep: "false"}},
		{"beep twice: onEnter", []row{{fieldBeep, 2}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199", Beep: "onEnter"}},
		{"beep thrice: onExit", []row{{fieldBeep, 3}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199", Beep: "onExit"}},
		{"beep four times: true, explicitly", []row{{fieldBeep, 4}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199", Beep: "true"}},
		{"beep five times: default again", []row{{fieldBeep, 5}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199"}},
		{"coaching off explicitly", []row{{fieldCoaching, 2}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199", Coaching: api.Bool(false)}},
		{"coaching agent-7", []row{{fieldCoaching, 1}, {fieldWhom, 1}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199", Coaching: api.Bool(true), CallSIDToCoach: formAgent.CallSID}},
		{"coaching caller (second choice)", []row{{fieldCoaching, 1}, {fieldWhom, 2}}, nil,
			api.CreateParticipant{To: "+14155550100", From: "+14155550199", Coaching: api.Bool(true), CallSIDToCoach: formCaller.CallSID}},
		{"label and timeout", nil, map[formField]string{fieldLabel: "new-agent", fieldTimeout: "30"},
			api.CreateParticipant{To: "+14155550100", From: "+14155550199", Label: "new-agent", Timeout: api.Int(30)}},
		{"client and sip endpoints", nil, map[formField]string{fieldTo: "sip:bob@example.com", fieldFrom: "client:alice"},
			api.CreateParticipant{To: "sip:bob@example.com", From: "client:alice"}},
		{"sip To with a SIP username From", nil, map[formField]string{fieldTo: "sip:bob@example.com", fieldFrom: "sup"},
			api.CreateParticipant{To: "sip:bob@example.com", From: "sup"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTestForm()
			typed := map[formField]string{fieldTo: "+14155550100", fieldFrom: "+14155550199"}
			for k, v := range tt.typed {
				typed[k] = v
			}
			for _, fld := range []formField{fieldTo, fieldFrom, fieldLabel, fieldTimeout} {
				if v, ok := typed[fld]; ok {
					f = focusRow(t, f, fld)
					f, _ = press(f, v)
				}
			}
			for _, r := range tt.rows {
				f = focusRow(t, f, r.fld)
				for range r.times {
					f, _ = press(f, "space")
				}
			}
			got := submitted(t, f)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("params = %s\nwant     %s", formParams(got), formParams(tt.want))
			}
		})
	}
}

// formParams prints the set fields of p, pointers dereferenced.
func formParams(p api.CreateParticipant) string {
	v := reflect.ValueOf(p)
	var parts []string
	for i := range v.NumField() {
		fv := v.Field(i)
		if fv.IsZero() {
			continue
		}
		if fv.Kind() == reflect.Pointer {
			fv = fv.Elem()
		}
		parts = append(parts, fmt.Sprintf("%s=%v", v.Type().Field(i).Name, fv.Interface()))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func TestAddFormLeftArrowCyclesBack(t *testing.T) {
	f := focusRow(t, filled(t), fieldBeep)
	f, _ = press(f, "left")
	if got := submitted(t, f).Beep; got != "true" {
		t.Errorf("left on beep's default gave %q, want the last choice, true", got)
	}
	f = focusRow(t, filled(t), fieldMuted)
	f, _ = press(f, "left")
	if got := submitted(t, f).Muted; got == nil || *got != false {
		t.Errorf("left on muted's default gave %v, want explicitly false", got)
	}
	f = focusRow(t, filled(t), fieldMuted)
	f, _ = press(f, "right")
	if got := submitted(t, f).Muted; got == nil || *got != true {
		t.Errorf("right on muted's default gave %v, want true", got)
	}
}

func TestAddFormRefusesInvalid(t *testing.T) {
	tests := []struct {
		name      string
		keys      []string
		wantView  string
		wantFocus formField
	}{
		{"empty", nil, "To: is empty; write a phone number", fieldTo},
		{"spaces in To", []string{"+1 415 555 0100", "tab", "+14155550199"},
			"To: +1 415 555 0100 has spaces; write it as +14155550100", fieldTo},
		{"To that no numbering plan has", []string{"+15551234567", "tab", "+14155550199"},
			"To: +15551234567 is not a number in use in country code +1; check the digits", fieldTo},
		{"client From to a phone", []string{"+14155550100", "tab", "client:alice"},
			"when To is a phone number, From must be one too", fieldFrom},
		{"label taken", []string{"+14155550100", "tab", "+14155550199", "tab", "agent-7"},
			"Label: agent-7 is already the label of someone", fieldLabel},
		{"coaching without whom", []string{"+14155550100", "tab", "+14155550199", "tab", "tab", "tab", "space"},
			"coaching needs someone to coach", fieldWhom},
		{"timeout out of range", []string{"+14155550100", "tab", "+14155550199",
			"tab", "tab", "tab", "tab", "tab", "tab", "4"}, "Timeout: is 4 seconds", fieldTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := press(newTestForm(), tt.keys...)
			f, cmd := press(f, "ctrl+s")
			if msg := formResult(cmd); msg != nil {
				t.Fatalf("invalid form sent %#v", msg)
			}
			view := formPlain(f.View(120, 40))
			if !strings.Contains(formText(view), tt.wantView) {
				t.Errorf("view lacks %q:\n%s", tt.wantView, view)
			}
			if f.focus != tt.wantFocus {
				t.Errorf("focus on row %d after refusal, want %d (the first problem)", f.focus, tt.wantFocus)
			}
			if !strings.Contains(view, "✗") {
				t.Error("problem not marked with ✗")
			}
		})
	}
}

func TestAddFormFixAndResubmit(t *testing.T) {
	f, _ := press(newTestForm(), "+1 415", "tab", "+14155550199", "ctrl+s")
	if !strings.Contains(formPlain(f.View(120, 40)), "is too short") {
		t.Fatal("problem with To not shown")
	}
	// Clear To and type it properly: the problem goes, the request goes out.
	f, _ = press(f, "backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "+14155550100")
	if v := formPlain(f.View(120, 40)); strings.Contains(v, "✗") {
		t.Errorf("problem still shown after the fix:\n%s", v)
	}
	if got := submitted(t, f); got.To != "+14155550100" {
		t.Errorf("To = %q", got.To)
	}
}

func TestAddFormProblemsShowAfterLeavingAField(t *testing.T) {
	f := newTestForm()
	if v := formPlain(f.View(120, 40)); strings.Contains(v, "✗") {
		t.Fatalf("a fresh form shows problems:\n%s", v)
	}
	f, _ = press(f, "4155550100")
	if v := formPlain(f.View(120, 40)); strings.Contains(v, "✗") {
		t.Errorf("problem shown while still typing:\n%s", v)
	}
	f, _ = press(f, "tab")
	v := formPlain(f.View(120, 40))
	if !strings.Contains(v, "no leading + and country code") {
		t.Errorf("problem not shown after leaving the field:\n%s", v)
	}
	if strings.Contains(v, "From: is empty") {
		t.Errorf("untouched From flagged before any submit:\n%s", v)
	}
}

func TestAddFormEnterMovesThenSubmits(t *testing.T) {
	f := filled(t)
	// Enter walks every visible row (whom is hidden) to the submit line.
	steps := 0
	for f.focus != fieldSubmit && steps < 20 {
		var cmd tea.Cmd
		f, cmd = press(f, "enter")
		if cmd != nil {
			if msg := formResult(cmd); msg != nil {
				t.Fatalf("enter on row %d sent %#v", f.focus, msg)
			}
		}
		steps++
	}
	if steps != int(formFieldCount)-3 { // all rows but whom and the dial form's conference, minus the start
		t.Errorf("enter took %d steps to reach submit, want %d", steps, formFieldCount-3)
	}
	f, cmd := press(f, "enter")
	if _, ok := formResult(cmd).(addSubmitMsg); !ok {
		t.Fatalf("enter on the last row gave %#v, want addSubmitMsg", formResult(cmd))
	}
	// A second enter, before the console closes the form, sends nothing.
	f, cmd = press(f, "enter")
	if msg := formResult(cmd); msg != nil {
		t.Errorf("second enter sent %#v", msg)
	}
	if _, cmd = press(f, "ctrl+s"); formResult(cmd) != nil {
		t.Error("ctrl+s after submitting sent again")
	}
	if _, cmd = press(f, "esc"); formResult(cmd) != (formCancelMsg{}) {
		t.Error("esc after submitting does not close")
	}
}

func TestAddFormNavigation(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want formField
	}{
		{"tab", []string{"tab"}, fieldFrom},
		{"down", []string{"down", "down"}, fieldLabel},
		{"shift+tab wraps to submit", []string{"shift+tab"}, fieldSubmit},
		{"up wraps", []string{"up", "up"}, fieldEndOnExit},
		{"whom hidden: coaching to beep", []string{"tab", "tab", "tab", "tab", "tab"}, fieldBeep},
		{"whom shown while coaching", []string{"tab", "tab", "tab", "tab", "space", "tab"}, fieldWhom},
		{"left and right move the cursor in text, not the focus", []string{"abc", "left", "right"}, fieldTo},
		{"space in text is text", []string{"space"}, fieldTo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := press(newTestForm(), tt.keys...)
			if f.focus != tt.want {
				t.Errorf("focus = row %d, want %d", f.focus, tt.want)
			}
		})
	}
	f, _ := press(newTestForm(), "a", "space", "b")
	if got := f.inputs[fieldTo].Value(); got != "a b" {
		t.Errorf("typing a space b gave %q", got)
	}
}

func TestAddFormCancel(t *testing.T) {
	for _, keys := range [][]string{{"esc"}, {"tab", "tab", "tab", "esc"}, {"+1", "esc"}} {
		_, cmd := press(newTestForm(), keys...)
		if msg := formResult(cmd); msg != (formCancelMsg{}) {
			t.Errorf("%v gave %#v, want formCancelMsg", keys, msg)
		}
	}
}

func TestAddFormWhomChoicesAndRefresh(t *testing.T) {
	f := focusRow(t, filled(t), fieldCoaching)
	f, _ = press(f, "space", "tab")
	v := formPlain(f.View(120, 40))
	if !strings.Contains(v, "nobody yet") {
		t.Errorf("whom row does not ask for a pick:\n%s", v)
	}
	// Cycle through every choice: the ringing participant is never offered.
	var seen []string
	for range 4 {
		f, _ = press(f, "space")
		seen = append(seen, f.whom)
	}
	want := []string{formAgent.CallSID, formCaller.CallSID, "", formAgent.CallSID}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("whom cycled %v, want %v", seen, want)
	}
	// agent-7 leaves: the choice is dropped and the form asks again.
	f.SetParticipants([]model.Participant{formCaller})
	if f.whom != "" {
		t.Errorf("whom = %q after the target left, want none", f.whom)
	}
	if _, cmd := press(f, "ctrl+s"); formResult(cmd) != nil {
		t.Error("submitted coaching with no target")
	}
	// Turning coaching off clears the target.
	f = focusRow(t, filled(t), fieldCoaching)
	f, _ = press(f, "space", "tab", "space", "shift+tab", "space")
	if got := submitted(t, f); got.CallSIDToCoach != "" || got.Coaching == nil || *got.Coaching {
		t.Errorf("coaching off still sends target %q coaching %v", got.CallSIDToCoach, got.Coaching)
	}
}

func TestAddFormViewIsInert(t *testing.T) {
	evil := model.Participant{CallSID: "CA" + strings.Repeat("e", 32), Label: "\x1b]52;c;cm0=\x07\u202eevil", Status: model.ParticipantConnected}
	f := NewAddForm(NewFormStyles(plainRenderer(), MonoTheme()), "room\x1b[2J", []model.Participant{evil})
	f = focusRow(t, f, fieldCoaching)
	f, _ = press(f, "space", "tab", "space")
	v := f.View(120, 40)
	if strings.ContainsAny(v, "\x07\u202e") || strings.Contains(v, "\x1b]") || strings.Contains(v, "\x1b[2J") {
		t.Errorf("view carries the raw escape:\n%q", v)
	}
	if !strings.Contains(v, "␛]52;c;cm0=␇<U+202E>evil") || !strings.Contains(v, "room␛[2J") {
		t.Errorf("view does not show the escapes inert:\n%s", v)
	}
	// Invisible characters typed or pasted into a field never get in.
	f = newTestForm()
	f, _ = f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("+1415\u202e555\u200b0100"), Paste: true})
	if got := f.inputs[fieldTo].Value(); got != "+14155550100" {
		t.Errorf("pasted value = %q, want the invisible characters dropped", got)
	}
}

func TestAddFormViewFits(t *testing.T) {
	f, _ := press(newTestForm(), "+1 415 555 0100 and a great deal more text to push the line", "tab", "ctrl+s")
	for _, size := range [][2]int{{80, 24}, {120, 40}, {40, 12}, {30, 8}} {
		v := formPlain(f.View(size[0], size[1]))
		lines := strings.Split(v, "\n")
		for _, l := range lines {
			if w := lipgloss.Width(l); w > size[0] {
				t.Errorf("%dx%d: line %d cells wide: %q", size[0], size[1], w, l)
			}
		}
		if len(lines) > size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		if !strings.Contains(v, "▶") {
			t.Errorf("%dx%d: the focused row is scrolled out of view:\n%s", size[0], size[1], v)
		}
	}
	// At a comfortable size everything is there, in words.
	v := formPlain(newTestForm().View(80, 30))
	for _, want := range []string{"Add participant to support-room", "To", "From", "Label", "Muted", "default (no)",
		"Early media", "default (yes)", "Beep", "Ring timeout", "Record", "Start conf. on enter",
		"End conf. on exit", "[ Add participant ]", "esc cancel", "ctrl+s submit"} {
		if !strings.Contains(v, want) {
			t.Errorf("80x30 view lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "Coach whom") {
		t.Error("whom row shown while coaching is not on")
	}
}

// TestAddFormWhomNeverHeldNeverSlides: the add form's coach target is never
// a participant on hold (Twilio would refuse with 16027), and when the one
// chosen leaves or is put on hold the form says so instead of moving on to
// a neighbour.
func TestAddFormWhomNeverHeldNeverSlides(t *testing.T) {
	heldAgent := formAgent
	heldAgent.Hold = true
	tests := []struct {
		name string
		now  []model.Participant
		note string
	}{
		{"the chosen one leaves", []model.Participant{formCaller}, "agent-7 left the conference: space to pick again"},
		{"the chosen one is put on hold", []model.Participant{heldAgent, formCaller}, "agent-7 was put on hold: space to pick again"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := focusRow(t, filled(t), fieldCoaching)
			f, _ = press(f, "space", "tab", "space")
			if f.whom != formAgent.CallSID {
				t.Fatalf("whom = %q, want agent-7", f.whom)
			}
			f.SetParticipants(tc.now)
			if f.whom != "" {
				t.Errorf("whom = %q, want none", f.whom)
			}
			if v := formPlain(f.View(120, 40)); !strings.Contains(v, tc.note) {
				t.Errorf("the form should say %q:\n%s", tc.note, v)
			}
			if _, cmd := press(f, "ctrl+s"); formResult(cmd) != nil {
				t.Errorf("submitted %#v after the target went", formResult(cmd))
			}
			f, _ = press(f, "space")
			if f.whom != formCaller.CallSID {
				t.Errorf("space should offer caller, the only one coachable; whom = %q", f.whom)
			}
			if v := formPlain(f.View(120, 40)); strings.Contains(v, tc.note) {
				t.Errorf("the note should go once another is picked:\n%s", v)
			}
		})
	}
}
