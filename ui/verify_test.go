package ui

import (
	"strings"
	"testing"

	"confconsole/model"
)

// TestWriteVerification: Twilio answers 2xx but the polls keep showing the
// old state. After pendingPolls polls the row says so in the cell the action
// concerns (not the old state as fact, not the new one) and the flash gives
// the sentence; a later poll that agrees clears the mark.
func TestWriteVerification(t *testing.T) {
	tests := []struct {
		name  string
		label string
		key   string
		undo  func(*model.Participant) // what the fake's next polls show instead
		redo  func(*model.Participant) // the state finally showing up
		cell  string
		flash string
	}{
		{"mute", "agent-7", "m", func(p *model.Participant) { p.Muted = false }, func(p *model.Participant) { p.Muted = true },
			"⚠ unmuted", "Twilio accepted mute, but agent-7 is still unmuted"},
		{"unmute", "caller-2", "m", func(p *model.Participant) { p.Muted = true }, func(p *model.Participant) { p.Muted = false },
			"⚠ muted", "Twilio accepted unmute, but caller-2 is still muted"},
		{"hold", "agent-7", "h", func(p *model.Participant) { p.Hold = false }, func(p *model.Participant) { p.Hold = true },
			"⚠ no hold", "Twilio accepted hold, but agent-7 is still not on hold"},
		{"resume", "caller-9", "h", func(p *model.Participant) { p.Hold = true }, func(p *model.Participant) { p.Hold = false },
			"⚠ on hold", "Twilio accepted resume, but caller-9 is still on hold"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := openRoom(t, svc, nil)
			selectLabel(t, h, tc.label)
			sid := h.app.room.selected
			cmd := h.pressOnly(tc.key)
			msg := cmd()                    // Twilio says yes...
			svc.edit(confSID, sid, tc.undo) // ...but the call does not show it
			h.send(msg)                     // the refetch is the first poll
			if row := rowOf(t, h.view(), tc.label); strings.Contains(row, "⚠") {
				t.Fatalf("marked after one poll: %q", row)
			}
			for i := 1; i < pendingPolls; i++ {
				h.poll()
			}
			row := rowOf(t, h.view(), tc.label)
			if !strings.Contains(row, tc.cell) {
				t.Errorf("row should say %q: %q", tc.cell, row)
			}
			if h.app.flash.text != tc.flash || !h.app.flash.isErr {
				t.Errorf("flash = %q, want %q", h.app.flash.text, tc.flash)
			}
			h.poll() // still not showing: the mark stays
			if row := rowOf(t, h.view(), tc.label); !strings.Contains(row, tc.cell) {
				t.Errorf("the mark should stay while the polls disagree: %q", row)
			}
			svc.edit(confSID, sid, tc.redo)
			h.poll()
			if row := rowOf(t, h.view(), tc.label); strings.Contains(row, "⚠") {
				t.Errorf("the mark should go once a poll agrees: %q", row)
			}
		})
	}
}

// TestWriteVerificationClearedByNewAction: acting again on a marked row
// replaces the question with the new action.
func TestWriteVerificationClearedByNewAction(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	selectLabel(t, h, "agent-7")
	msg := h.pressOnly("m")()
	svc.edit(confSID, callSID(1), func(p *model.Participant) { p.Muted = false })
	h.send(msg)
	for i := 1; i < pendingPolls; i++ {
		h.poll()
	}
	if _, ok := h.app.room.mismatch[callSID(1)]; !ok {
		t.Fatal("no mismatch recorded")
	}
	h.key("m") // mute again; this time the fake keeps it
	if _, ok := h.app.room.mismatch[callSID(1)]; ok {
		t.Error("a new action should clear the old mark")
	}
	if row := rowOf(t, h.view(), "agent-7"); strings.Contains(row, "⚠") || !strings.Contains(row, "muted") {
		t.Errorf("row = %q", row)
	}
}
