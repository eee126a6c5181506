package ui

import (
	"context"
	"strings"
	"testing"

	"confconsole/api"
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
			// Twilio says yes, but the call does not show it.
			msg := h.answerHeld(cmd, func() { svc.edit(confSID, sid, tc.undo) })
			h.send(msg) // the live state's poll after the action is the first
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
	msg := h.answerHeld(h.pressOnly("m"), func() { svc.edit(confSID, callSID(1), func(p *model.Participant) { p.Muted = false }) })
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

// TestWarningGivesWayToThePoll: a warning that says an action was probably
// not done (or may have been) must not outlive the poll that shows it done:
// since m toggles, obeying "try again" would undo it. The poll that settles
// the question replaces the warning with the news; a flash that has already
// replaced the warning is left alone.
func TestWarningGivesWayToThePoll(t *testing.T) {
	timeout := &api.Error{Op: api.OpUpdateParticipant, Target: callSID(1), Err: context.DeadlineExceeded}
	serverError := &api.Error{Op: api.OpUpdateParticipant, Target: callSID(1), Status: 500, Code: 20500, Message: "Internal Server Error"}
	tests := []struct {
		name string
		err  error // the answer to the mute; nil is a 2xx
		// late: the mute shows only after the polls gave up on it
		// (else the first poll after the answer shows it).
		late    bool
		warning string // the flash the poll must replace
		news    string
	}{
		{"timeout, done late", timeout, true,
			"no answer came to mute, and agent-7 is still unmuted: it was probably not done; try again",
			"agent-7 is now muted: mute took effect after all; no need to try again"},
		{"500, done late", serverError, true,
			"the answer to mute was an error (HTTP 500, twilio 20500), and agent-7 is still unmuted: it was probably not done; try again",
			"agent-7 is now muted: mute took effect after all; no need to try again"},
		{"accepted, shown late", nil, true,
			"Twilio accepted mute, but agent-7 is still unmuted",
			"agent-7 is now muted: mute took effect after all; no need to try again"},
		{"500, done at once", serverError, false,
			"mute agent-7 got an error answer (twilio 20500 (HTTP 500): Internal Server Error): it may have been applied; the next poll will tell",
			"agent-7 is now muted: mute took effect; no need to try again"},
		{"timeout, done at once", timeout, false,
			"no answer from Twilio to mute agent-7 (no answer from Twilio in time (timed out)): it may or may not have been done; the next polls will show which, so wait before trying again",
			"agent-7 is now muted: mute took effect; no need to try again"},
	}
	for _, tc := range tests {
		for _, superseded := range []bool{false, true} {
			name := tc.name
			if superseded {
				name += ", warning already replaced"
			}
			t.Run(name, func(t *testing.T) {
				svc := demoService()
				h := openRoom(t, svc, nil)
				selectLabel(t, h, "agent-7")
				sid := h.app.room.selected
				unmute := func(p *model.Participant) { p.Muted = false }
				if tc.err != nil {
					svc.failNext("UpdateParticipant", tc.err)
				}
				refetch := h.answer(h.pressOnly("m"))
				if tc.err == nil {
					svc.edit(confSID, sid, unmute) // Twilio said yes; the call does not show it
				}
				if tc.late {
					h.run(refetch)
					for i := 1; i < pendingPolls; i++ {
						h.poll()
					}
				}
				if h.app.flash.text != tc.warning || !h.app.flash.isErr {
					t.Fatalf("flash = %q, want the warning %q", h.app.flash.text, tc.warning)
				}
				if superseded {
					h.app.setFlash("announcement playing to caller-2", false)
				}
				svc.edit(confSID, sid, func(p *model.Participant) { p.Muted = true })
				if tc.late {
					h.poll()
				} else {
					h.run(refetch)
				}
				want, wantErr := tc.news, false
				if superseded {
					want = "announcement playing to caller-2"
				}
				if h.app.flash.text != want || h.app.flash.isErr != wantErr {
					t.Errorf("flash = %q (error %v), want %q", h.app.flash.text, h.app.flash.isErr, want)
				}
				if row := rowOf(t, h.view(), "agent-7"); strings.Contains(row, "⚠") || !strings.Contains(row, "muted") {
					t.Errorf("row = %q", row)
				}
				h.poll() // a later poll keeps the news, and does not repeat the warning
				if h.app.flash.text != want {
					t.Errorf("after another poll, flash = %q, want %q", h.app.flash.text, want)
				}
			})
		}
	}
}

// TestRecordingChangeWithUnclearAnswer: a 500 to pausing the recording may
// come after Twilio paused it, so the live state asks for the recording's
// state at the poll right after, rather than the header keep showing it
// running.
func TestRecordingChangeWithUnclearAnswer(t *testing.T) {
	tests := []struct {
		name    string
		applied bool
		want    model.RecordingStatus
	}{
		{"paused after all", true, model.RecordingPaused},
		{"not paused", false, model.RecordingInProgress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			svc.recs[confSID] = []model.Recording{{SID: "RE1", Status: model.RecordingInProgress}}
			h := openRoom(t, svc, nil)
			err := twilioErr(api.OpUpdateRecording, "Twilio.CURRENT", 500, 20500, "Internal Server Error")
			if tc.applied {
				svc.mu.Lock()
				svc.failApplied = append(svc.failApplied, err)
				svc.mu.Unlock()
			} else {
				svc.failNext("UpdateRecording", err)
			}
			h.send(h.pressOnly("p")())
			if want := "it may have been changed"; !strings.Contains(h.app.flash.text, want) || !h.app.flash.isErr {
				t.Errorf("flash = %q, want it to say %q", h.app.flash.text, want)
			}
			if h.app.room.rec != tc.want {
				t.Errorf("header shows the recording %q, want %q", h.app.room.rec, tc.want)
			}
			if c := svc.called("UpdateRecording"); len(c) != 1 {
				t.Errorf("calls = %q, want the one change", c)
			}
		})
	}
}
