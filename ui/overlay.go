package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// The forms (add participant, announce URL, end confirmation, coach picker)
// open over the participants table. Until they are wired, the keys that
// need them do nothing.

func (a *App) overlayActive() bool { return a.formActive() }

func (a *App) formActive() bool { return false }

func (a *App) formKeys() []key.Binding { return nil }

// formView is the open form drawn in a w x h area, or "" when none is open.
func (a *App) formView(w, h int) string { return "" }

func (a App) roomFormKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) { return a, nil }

func (a App) updateOverlay(msg tea.Msg) (tea.Model, tea.Cmd) { return a, nil }

// helpView is the full key help, generated from the key map, flowed into
// as many columns as the terminal's height needs.
func (a *App) helpView() string {
	var items []string
	for gi, g := range a.keys.Groups() {
		if gi > 0 {
			items = append(items, "")
		}
		items = append(items, a.st.Header.Render(g.Title))
		for _, b := range g.Bindings {
			h := b.Help()
			items = append(items, a.st.Help.FullKey.Render(fit(h.Key, 7))+" "+a.st.Help.FullDesc.Render(h.Desc))
		}
	}
	title := a.st.Title.Render("confconsole · keys")
	foot := a.st.Faint.Render(keyName(a.keys.Help) + " or " + keyName(a.keys.Back) + " closes this help")
	avail := max(a.height-4, 1)
	var cols [][]string
	for len(items) > 0 {
		n := min(avail, len(items))
		cols = append(cols, items[:n])
		items = items[n:]
	}
	const colW = 28
	rows := make([]string, avail)
	for ci, col := range cols {
		for i := range rows {
			cell := ""
			if i < len(col) {
				cell = col[i]
			}
			if ci < len(cols)-1 {
				cell = fitStyledPad(cell, colW)
			}
			rows[i] += cell
		}
	}
	lines := append([]string{title, ""}, rows...)
	lines = append(lines, "", foot)
	for i := range lines {
		lines[i] = fitStyled(lines[i], a.width)
	}
	return strings.Join(padLines(lines, a.height), "\n")
}

// fitStyledPad cuts or pads an already styled string to w cells.
func fitStyledPad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}
