package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"confconsole/model"
)

// TestHeaderBadgesBeforeSID: on a narrow terminal the DEMO and READ-ONLY
// badges stay whole; the SID shortens, then goes.
func TestHeaderBadgesBeforeSID(t *testing.T) {
	tests := []struct {
		width   int
		sid     string // what the title shows of the conference SID; "" for none
		account string // the same for the list's account SID
	}{
		// The room's title also says "polling only", before the SID.
		{80, "", shortSID("AC" + strings.Repeat("1", 32))},
		{100, shortSID(confSID), "AC" + strings.Repeat("1", 32)},
		{120, confSID, "AC" + strings.Repeat("1", 32)},
		{64, "", shortSID("AC" + strings.Repeat("1", 32))},
		{54, "", ""},
	}
	for _, tc := range tests {
		h := newHarness(t, demoService(), func(o *Options) {
			o.Demo, o.ReadOnly, o.AccountSID = true, true, "AC"+strings.Repeat("1", 32)
		})
		h.send(tea.WindowSizeMsg{Width: tc.width, Height: 24})
		lists := strings.Split(h.view(), "\n")[0]
		h.key("enter")
		room := strings.Split(h.view(), "\n")[0]
		for _, c := range []struct{ name, line, sid, full string }{
			{"list", lists, tc.account, "AC" + strings.Repeat("1", 32)},
			{"room", room, tc.sid, confSID},
		} {
			if w := ansi.StringWidth(c.line); w > tc.width {
				t.Errorf("%d columns, %s: title is %d wide: %q", tc.width, c.name, w, c.line)
			}
			badges := []string{" DEMO ", " READ-ONLY "}
			if c.name == "room" && tc.width >= 80 {
				badges = append(badges, "polling only")
			}
			for _, badge := range badges {
				if !strings.Contains(c.line, badge) {
					t.Errorf("%d columns, %s: badge %q cut or missing: %q", tc.width, c.name, badge, c.line)
				}
			}
			shown := strings.Contains(c.line, c.sid)
			if c.sid == "" {
				shown = !strings.Contains(c.line, c.full[:6])
			}
			if !shown || c.sid == shortSID(c.full) && strings.Contains(c.line, c.full) {
				t.Errorf("%d columns, %s: want SID shown as %q: %q", tc.width, c.name, c.sid, c.line)
			}
		}
	}
}

// TestHeaderCountsUseTheRowsWords: the status line counts calls on their
// way in by the word their rows show.
func TestHeaderCountsUseTheRowsWords(t *testing.T) {
	tests := []struct {
		statuses []model.ParticipantStatus
		want     string
	}{
		{nil, "4 connected · 0 ringing · 1 muted"},
		{[]model.ParticipantStatus{model.ParticipantQueued}, "4 connected · 1 queued · 1 muted"},
		{[]model.ParticipantStatus{model.ParticipantRinging, model.ParticipantConnecting, model.ParticipantRinging},
			"4 connected · 1 connecting · 2 ringing · 1 muted"},
	}
	for _, tc := range tests {
		svc := demoService()
		ps := svc.parts[confSID]
		for i, st := range tc.statuses {
			ps = append(ps, participant(10+i, "dial-out", func(p *model.Participant) { p.Status = st }))
		}
		svc.setParticipants(confSID, ps...)
		h := openRoom(t, svc, nil)
		v := h.view()
		if status := strings.Split(v, "\n")[1]; !strings.HasPrefix(status, tc.want) {
			t.Errorf("status line %q, want it to start %q", status, tc.want)
		}
		for _, st := range tc.statuses {
			if !strings.Contains(v, " "+string(st)+" ") {
				t.Errorf("no row says %q:\n%s", st, v)
			}
		}
	}
}
