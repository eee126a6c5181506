package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api/audit"
	"confconsole/model"
)

// logView lists this session's audit records over the current screen, so a
// supervisor can check what the console sent on their behalf and whether it
// reached the file.
type logView struct {
	open    bool
	entries []audit.Entry // a snapshot, refreshed when an action lands
	offset  int           // first entry on screen
}

// openLogView snapshots the session's records and shows the newest.
func (a *App) openLogView() {
	a.logView = logView{open: true, entries: a.trail.Session()}
	a.logView.offset = max(len(a.logView.entries)-a.logViewHeight(), 0)
}

// refreshLogView takes a new snapshot when the view is open, keeping the
// newest record on screen if it was.
func (a *App) refreshLogView() {
	if !a.logView.open {
		return
	}
	h := a.logViewHeight()
	atEnd := a.logView.offset >= len(a.logView.entries)-h
	a.logView.entries = a.trail.Session()
	if atEnd {
		a.logView.offset = max(len(a.logView.entries)-h, 0)
	}
}

// logViewHeight is the number of records on screen: the height less the
// title, the file line, the warning line and the footer.
func (a *App) logViewHeight() int { return max(a.height-4, 1) }

func (a App) logViewKey(msg tea.KeyMsg) (App, tea.Cmd) {
	v := &a.logView
	h := a.logViewHeight()
	last := max(len(v.entries)-h, 0)
	k := a.keys
	switch {
	case key.Matches(msg, k.Back, k.AuditLog):
		a.logView = logView{}
	case key.Matches(msg, k.Quit):
		return a.requestQuit()
	case key.Matches(msg, k.Up):
		v.offset--
	case key.Matches(msg, k.Down):
		v.offset++
	case key.Matches(msg, k.PageUp):
		v.offset -= h
	case key.Matches(msg, k.PageDown):
		v.offset += h
	case key.Matches(msg, k.Top):
		v.offset = 0
	case key.Matches(msg, k.Bottom):
		v.offset = last
	}
	v.offset = min(max(v.offset, 0), last)
	return a, nil
}

// auditBadge is the header's warning while the trail is failing, "" while
// it is fine.
func (a *App) auditBadge() string {
	if a.auditErr == nil {
		return ""
	}
	return a.st.Stale.Render("AUDIT LOG NOT WRITTEN (" + keyName(a.keys.AuditLog) + ")")
}

// logViewView draws the records, oldest at the top, each line a record's
// Summary (already safe to print) cut to the width.
func (a *App) logViewView() string {
	v := &a.logView
	lines := make([]string, 0, a.height)
	lines = append(lines, fitStyled(a.st.Title.Render("confconsole")+"  "+a.st.Text.Render(fmt.Sprintf("audit log · this session · %d records", len(v.entries))), a.width))
	where := "not written to a file (--audit-log -); records of this session only"
	openErr := a.opts.AuditErr
	switch {
	case a.trail.Path() == "" && openErr == nil && a.opts.Demo:
		// The demo keeps no file unless one is named: say so, not a
		// flag the user did not give.
		where = "not written to a file (none with --demo unless --audit-log names one); records of this session only"
	case a.trail.Path() != "":
		where = "file: " + model.DisplayN(a.trail.Path(), 200)
	case openErr != nil:
		// Not the user's choice: say why, not which flag turns it off.
		where = "not written to a file: " + model.DisplayN(openErr.Error(), 200) + "; records of this session only"
	}
	lines = append(lines, a.st.Faint.Render(fit(where, a.width)))
	switch {
	case a.auditErr != nil && a.auditErr == openErr:
		lines = append(lines, a.st.Stale.Render(fit("✗ actions are not recorded in any file: restart with --audit-log PATH (a file you can write)", a.width)))
	case a.auditErr != nil:
		lines = append(lines, a.st.Stale.Render(fit("✗ the audit log is failing: "+model.DisplayN(a.auditErr.Error(), 300)+"; records marked (not in the file) are missing from it", a.width)))
	default:
		lines = append(lines, "")
	}
	h := a.logViewHeight()
	if len(v.entries) == 0 {
		lines = append(lines, a.st.Faint.Render(fit("  no action sent yet in this session", a.width)))
	}
	end := min(v.offset+h, len(v.entries))
	for _, e := range v.entries[v.offset:end] {
		st := a.st.Text
		if e.Phase == audit.PhaseResult && e.Outcome != audit.OutcomeOK {
			st = a.st.Stale
		}
		// Summary quotes labels and names as they are: shown in the
		// form whose width every terminal agrees on, as elsewhere.
		lines = append(lines, st.Render(fit(model.DisplayN(e.Summary(), 2*a.width+8), a.width)))
	}
	lines = padLines(lines, a.height-1)
	foot := keyName(a.keys.Back) + "/" + keyName(a.keys.AuditLog) + " close · " + keyName(a.keys.Up) + " " + keyName(a.keys.Down) + " scroll"
	lines = append(lines, a.st.Faint.Render(fit(strings.TrimSpace(foot), a.width)))
	return strings.Join(lines, "\n")
}
