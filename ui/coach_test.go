package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api/sim"
	"confconsole/model"
)

func pressCoach(c CoachPicker, keys ...string) (CoachPicker, tea.Cmd) {
	var cmd tea.Cmd
	for _, k := range keys {
		c, cmd = c.Update(formKey(k))
	}
	return c, cmd
}

func coachPeople() (sup model.Participant, others []model.Participant) {
	sup = model.Participant{CallSID: "CA" + strings.Repeat("5", 32), Label: "supervisor", Status: model.ParticipantConnected}
	gone := model.Participant{CallSID: "CA" + strings.Repeat("d", 32), Label: "gone", Status: model.ParticipantComplete}
	return sup, []model.Participant{formAgent, sup, formRinger, formCaller, gone}
}

func TestCoachPicker(t *testing.T) {
	sup, people := coachPeople()
	coaching := sup
	coaching.Coaching, coaching.CallSIDToCoach = true, formCaller.CallSID
	tests := []struct {
		name  string
		coach model.Participant
		keys  []string
		want  tea.Msg
	}{
		{"first choice", sup, []string{"enter"}, coachPickMsg{sup.CallSID, formAgent.CallSID}},
		{"down picks the next connected one", sup, []string{"down", "enter"}, coachPickMsg{sup.CallSID, formCaller.CallSID}},
		{"down stops at the end", sup, []string{"down", "down", "down", "enter"}, coachPickMsg{sup.CallSID, formCaller.CallSID}},
		{"up stops at the top", sup, []string{"up", "up", "enter"}, coachPickMsg{sup.CallSID, formAgent.CallSID}},
		{"starts on the current target", coaching, []string{"enter"}, coachPickMsg{sup.CallSID, formCaller.CallSID}},
		{"stop coaching is first", coaching, []string{"up", "up", "enter"}, coachPickMsg{sup.CallSID, ""}},
		{"esc cancels", sup, []string{"down", "esc"}, formCancelMsg{}},
		{"other keys do nothing", sup, []string{"x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCoachPicker(NewFormStyles(plainRenderer(), MonoTheme()), tt.coach, people)
			_, cmd := pressCoach(c, tt.keys...)
			if got := formResult(cmd); got != tt.want {
				t.Errorf("result = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestCoachPickerRows(t *testing.T) {
	sup, people := coachPeople()
	v := formText(NewCoachPicker(NewFormStyles(plainRenderer(), MonoTheme()), sup, people).View(80, 24))
	for _, want := range []string{"whom should supervisor coach?", "▶ agent-7", "caller", "enter choose", "esc cancel"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	// Never the coach itself, nobody not connected, no stop row when not coaching.
	for _, unwanted := range []string{"▶ supervisor", "  supervisor", "ringing-one", "gone", "stop coaching"} {
		if strings.Contains(v, unwanted) {
			t.Errorf("view has %q:\n%s", unwanted, v)
		}
	}
	sup.Coaching, sup.CallSIDToCoach = true, formAgent.CallSID
	v = formText(NewCoachPicker(NewFormStyles(plainRenderer(), MonoTheme()), sup, people).View(80, 24))
	if !strings.Contains(v, "stop coaching") || !strings.Contains(v, "▶ agent-7 (coaching now)") {
		t.Errorf("coaching coach's view lacks the stop row or the current mark:\n%s", v)
	}
}

func TestCoachPickerNobodyToCoach(t *testing.T) {
	sup, _ := coachPeople()
	c := NewCoachPicker(NewFormStyles(plainRenderer(), MonoTheme()), sup, []model.Participant{sup, formRinger})
	if v := formText(c.View(80, 24)); !strings.Contains(v, "nobody else is connected") {
		t.Errorf("empty picker does not say so:\n%s", v)
	}
	if _, cmd := pressCoach(c, "enter"); formResult(cmd) != nil {
		t.Errorf("enter on an empty picker sent %#v", formResult(cmd))
	}
}

func TestCoachPickerRefreshKeepsCursor(t *testing.T) {
	sup, people := coachPeople()
	c := NewCoachPicker(NewFormStyles(plainRenderer(), MonoTheme()), sup, people)
	c, _ = pressCoach(c, "down") // on caller
	// agent-7 leaves and a new participant joins ahead of caller.
	newcomer := model.Participant{CallSID: "CA" + strings.Repeat("f", 32), Label: "newcomer", Status: model.ParticipantConnected}
	c.SetParticipants([]model.Participant{newcomer, sup, formCaller})
	if _, cmd := pressCoach(c, "enter"); formResult(cmd) != (coachPickMsg{sup.CallSID, formCaller.CallSID}) {
		t.Errorf("after a refresh enter gave %#v, want caller still chosen", formResult(cmd))
	}
}

func TestCoachPickerSendsOnceAndIsInert(t *testing.T) {
	sup, _ := coachPeople()
	evil := model.Participant{CallSID: "CA" + strings.Repeat("e", 32), Label: "\x1b[2J\u202eevil", Status: model.ParticipantConnected}
	sup.Label = "sup\x07"
	c := NewCoachPicker(NewFormStyles(plainRenderer(), MonoTheme()), sup, []model.Participant{evil})
	v := c.View(80, 24)
	if strings.ContainsAny(v, "\x07\u202e") || strings.Contains(v, "\x1b[2J") {
		t.Errorf("view carries raw control characters: %q", v)
	}
	if !strings.Contains(v, "␛[2J<U+202E>evil") || !strings.Contains(v, "sup␇") {
		t.Errorf("labels not shown inert:\n%s", v)
	}
	c, cmd := pressCoach(c, "enter")
	if formResult(cmd) == nil {
		t.Fatal("enter sent nothing")
	}
	if _, cmd = pressCoach(c, "enter"); formResult(cmd) != nil {
		t.Errorf("second enter sent %#v", formResult(cmd))
	}
}

func TestCoachPickerRefreshTakesCoachState(t *testing.T) {
	sup, people := coachPeople()
	c := NewCoachPicker(NewFormStyles(plainRenderer(), MonoTheme()), sup, people)
	if strings.Contains(formText(c.View(80, 24)), "stop coaching") {
		t.Fatal("stop row shown for a coach that is not coaching")
	}
	// Meanwhile the supervisor started coaching caller (another operator).
	now := sup
	now.Coaching, now.CallSIDToCoach = true, formCaller.CallSID
	c.SetParticipants([]model.Participant{formAgent, now, formCaller})
	if v := formText(c.View(80, 24)); !strings.Contains(v, "stop coaching") || !strings.Contains(v, "caller (coaching now)") {
		t.Errorf("refresh did not pick up the coach's new state:\n%s", v)
	}
}

// coachCrew is the scene: hank coaches, and dave, gina and ivy are
// the others, ivy on hold.
func coachCrew() (hank model.Participant, people []model.Participant) {
	p := func(n byte, label string) model.Participant {
		return model.Participant{CallSID: "CA" + strings.Repeat(string(n), 32), Label: label, Status: model.ParticipantConnected}
	}
	hank = p('1', "hank")
	ivy := p('4', "ivy")
	ivy.Hold = true
	return hank, []model.Participant{p('2', "dave"), hank, p('3', "gina"), ivy}
}

func TestCoachPickerKeysSkipTheHeld(t *testing.T) {
	hank, people := coachCrew()
	dave, gina := people[0].CallSID, people[2].CallSID
	tests := []struct {
		name string
		keys []string
		want tea.Msg
	}{
		{"j moves down", []string{"j", "enter"}, coachPickMsg{hank.CallSID, gina}},
		{"k moves up", []string{"j", "k", "enter"}, coachPickMsg{hank.CallSID, dave}},
		{"down never lands on a held one", []string{"j", "j", "j", "enter"}, coachPickMsg{hank.CallSID, gina}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCoachPicker(NewFormStyles(plainRenderer(), MonoTheme()), hank, people)
			_, cmd := pressCoach(c, tt.keys...)
			if got := formResult(cmd); got != tt.want {
				t.Errorf("result = %#v, want %#v", got, tt.want)
			}
		})
	}
	v := formText(NewCoachPicker(NewFormStyles(plainRenderer(), MonoTheme()), hank, people).View(100, 24))
	if !strings.Contains(v, "ivy (on hold: cannot be coached until resumed)") || strings.Contains(v, "▶ ivy") {
		t.Errorf("ivy should be listed as held, and not choosable:\n%s", v)
	}
	if !strings.Contains(v, "↑/k up") || !strings.Contains(v, "↓/j down") {
		t.Errorf("the help should name j and k:\n%s", v)
	}
	// With only held people to choose from, enter sends nothing and the
	// picker says why.
	c := NewCoachPicker(NewFormStyles(plainRenderer(), MonoTheme()), hank, []model.Participant{hank, people[3]})
	if v := formText(c.View(100, 24)); !strings.Contains(v, "everyone else is on hold") {
		t.Errorf("the picker should say everyone is on hold:\n%s", v)
	}
	if _, cmd := pressCoach(c, "enter"); formResult(cmd) != nil {
		t.Errorf("enter with only held participants sent %#v", formResult(cmd))
	}
}

// TestCoachPickerChoiceVoided: the picker never slides from the participant
// under the cursor to a neighbour; when that participant (or the coach)
// goes, the choice is void and the picker says who and why.
func TestCoachPickerChoiceVoided(t *testing.T) {
	hank, people := coachCrew()
	dave, gina, ivy := people[0], people[2], people[3]
	coaching := hank
	coaching.Coaching, coaching.CallSIDToCoach = true, dave.CallSID
	heldGina := gina
	heldGina.Hold = true
	gone := gina
	gone.Status = model.ParticipantComplete
	tests := []struct {
		name  string
		coach model.Participant
		keys  []string
		now   []model.Participant
		void  string // "" keeps the choice
		want  tea.Msg
	}{
		{"the chosen one leaves", hank, []string{"j"}, []model.Participant{dave, hank, ivy}, "gina left the conference; hank coaches nobody new", nil},
		{"the chosen one's call completes", hank, []string{"j"}, []model.Participant{dave, hank, gone, ivy}, "gina left the conference", nil},
		{"the chosen one is put on hold", hank, []string{"j"}, []model.Participant{dave, hank, heldGina, ivy}, "gina was put on hold and cannot be coached", nil},
		{"the coach leaves", hank, []string{"j"}, []model.Participant{dave, gina, ivy}, "hank left the conference; nobody was coached", nil},
		{"the coach stops coaching meanwhile", coaching, []string{"k"}, []model.Participant{dave, hank, gina, ivy}, "hank stopped coaching meanwhile", nil},
		{"someone else leaves", hank, []string{"j"}, []model.Participant{hank, gina, ivy}, "", coachPickMsg{hank.CallSID, gina.CallSID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCoachPicker(NewFormStyles(plainRenderer(), MonoTheme()), tt.coach, people)
			c, _ = pressCoach(c, tt.keys...)
			void := c.SetParticipants(tt.now)
			if tt.void == "" && void != "" || !strings.Contains(void, tt.void) {
				t.Errorf("void = %q, want %q", void, tt.void)
			}
			if tt.void != "" {
				return
			}
			if _, cmd := pressCoach(c, "enter"); formResult(cmd) != tt.want {
				t.Errorf("enter gave %#v, want %#v", formResult(cmd), tt.want)
			}
		})
	}
}

// TestCoachPickSameTargetSendsNothing: the picker opens on the one being
// coached, so c then enter picks them again; that changes nothing, so
// nothing is sent and the undo stays what it was (an undo of a coach is a
// stop, which would end the coaching that was running before).
func TestCoachPickSameTargetSendsNothing(t *testing.T) {
	w, log := bulkWorld(t, 2, nil)
	var agent model.Participant
	for _, p := range w.srv.Participants(simAccount, w.conf) {
		if p.Label == "caller-1" {
			agent = p
		}
	}
	if _, err := w.srv.JoinConnected(simAccount, bridge, sim.Join{Label: "supervisor", CallSIDToCoach: agent.CallSID}); err != nil {
		t.Fatal(err)
	}
	h := liveHarness(t, w, nil)
	selectLabel(t, h, "supervisor")
	h.key("c")
	h.key("enter")
	if n := len(log.posts()); n != 0 {
		t.Errorf("re-picking the one being coached sent %d updates, want none", n)
	}
	if f := h.app.flash.text; !strings.Contains(f, "already coaching caller-1") || !strings.Contains(f, "nothing was sent") {
		t.Errorf("flash = %q, want it to say supervisor already coaches caller-1 and nothing was sent", f)
	}
	h.key("u")
	for _, p := range w.srv.Participants(simAccount, w.conf) {
		if p.Label == "supervisor" && !p.Coaching {
			t.Errorf("u after the re-pick stopped the coaching that was running before it")
		}
	}
}
