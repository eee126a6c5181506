package ui

import (
	"strings"
	"testing"

	"confconsole/model"
)

// TestActionSpecsCoverEveryKind holds the table of action specs whole: every
// kind has its own words and audit name, and every kind that changes a
// participant says which cell shows it pending and what confirms it in a
// poll, with a participant before the action not confirming it and one
// after it confirming it.
func TestActionSpecsCoverEveryKind(t *testing.T) {
	const agent = "CA00000000000000000000000000000001"
	live := model.Participant{Status: model.ParticipantConnected}
	with := func(f func(*model.Participant)) model.Participant { p := live; f(&p); return p }
	tests := []struct {
		kind          actionKind
		before, after model.Participant // zero when no poll can show the action
	}{
		{actMute, live, with(func(p *model.Participant) { p.Muted = true })},
		{actUnmute, with(func(p *model.Participant) { p.Muted = true }), live},
		{actHold, live, with(func(p *model.Participant) { p.Hold = true })},
		{actResume, with(func(p *model.Participant) { p.Hold = true }), live},
		{actCoach, with(func(p *model.Participant) { p.Coaching, p.CallSIDToCoach = true, "CA-other" }),
			with(func(p *model.Participant) { p.Coaching, p.CallSIDToCoach = true, agent })},
		{actStopCoach, with(func(p *model.Participant) { p.Coaching, p.CallSIDToCoach = true, agent }), live},
		{actRemove, live, with(func(p *model.Participant) { p.Status = model.ParticipantComplete })},
		{actAnnounce, model.Participant{}, model.Participant{}},
		{actAnnounceAll, model.Participant{}, model.Participant{}},
		{actAdd, model.Participant{}, model.Participant{}},
		{actEnd, model.Participant{}, model.Participant{}},
	}
	if len(tests) != len(actionSpecs)-1 {
		t.Fatalf("%d kinds tested, %d in the table", len(tests), len(actionSpecs)-1)
	}
	fallback := actionKind(0).spec()
	seen := map[string]actionKind{}
	for _, tt := range tests {
		sp := tt.kind.spec()
		t.Run(sp.verb, func(t *testing.T) {
			if sp.verb == fallback.verb || sp.done == fallback.done || sp.audit == fallback.audit {
				t.Errorf("kind %d has the fallback words: %+v", tt.kind, sp)
			}
			if k, dup := seen[string(sp.audit)]; dup {
				t.Errorf("kinds %d and %d share the audit name %q", k, tt.kind, sp.audit)
			}
			seen[string(sp.audit)] = tt.kind
			polled := tt.after != (model.Participant{})
			if polled == (sp.cell == noCell) {
				t.Errorf("polled = %v but cell = %d", polled, sp.cell)
			}
			if !polled {
				return
			}
			if !strings.HasSuffix(sp.pending, "…") || len(sp.pending) <= len("…") {
				t.Errorf("pending word %q", sp.pending)
			}
			for _, w := range []string{sp.still, sp.mismatch, sp.now} {
				if w == fallback.still || w == fallback.mismatch || w == fallback.now {
					t.Errorf("fallback word %q", w)
				}
			}
			pa := pendingAction{kind: tt.kind, target: agent}
			if pa.satisfiedBy(tt.before) {
				t.Errorf("a participant before the action confirms it: %+v", tt.before)
			}
			if !pa.satisfiedBy(tt.after) {
				t.Errorf("a participant after the action does not confirm it: %+v", tt.after)
			}
		})
	}
}
