package ui

import (
	"slices"

	tea "github.com/charmbracelet/bubbletea"
)

// Bubble Tea v1 turns the printable bytes of one read from the terminal into
// one key message: "jjm" typed fast, repeated by the keyboard, delayed by a
// slow SSH link or written by a script arrives as a single KeyRunes message
// with three runes, which matches no binding. handleKeys takes such a burst
// apart so that every rune is a key of its own, in order; only where a text
// field has the focus does the rest of the burst stay text.

// handleKeys handles one key message, which may carry several keys.
func (a App) handleKeys(msg tea.KeyMsg) (App, tea.Cmd) {
	if msg.Alt && !a.altMeant(msg) {
		// esc and the next key in one read ("\x1bj") read as alt+j:
		// act on what was typed, esc and then the key.
		var first, rest tea.Cmd
		a, first = a.handleKey(tea.KeyMsg{Type: tea.KeyEsc})
		a.fixScroll()
		msg.Alt = false
		a, rest = a.handleKeys(msg)
		return a, tea.Batch(first, rest)
	}
	if msg.Type != tea.KeyRunes || len(msg.Runes) == 0 {
		return a.handleKey(msg)
	}
	if msg.Paste && !a.textFieldFocused() {
		// A terminal paste outside a text field is text put in the wrong
		// place (a call SID, a URL), not keys: played as keys, its letters
		// would mute, hold and remove callers at random.
		a.setFlash("pasted text ignored: paste only into a text field, such as the filter ("+keyName(a.keys.Filter)+")", true)
		return a, nil
	}
	if len(msg.Runes) == 1 {
		return a.handleKey(msg)
	}
	var cmds []tea.Cmd
	runes := msg.Runes
	for i := range runes {
		if a.quit == quitDone {
			break // keys after the quit are not acted on
		}
		k := msg
		if a.textFieldFocused() {
			k.Runes = runes[i:]
			var cmd tea.Cmd
			a, cmd = a.handleKey(k)
			cmds = append(cmds, cmd)
			break
		}
		k.Runes = runes[i : i+1]
		var cmd tea.Cmd
		a, cmd = a.handleKey(k)
		a.fixScroll()
		cmds = append(cmds, cmd)
	}
	return a, tea.Batch(cmds...)
}

// textFieldFocused reports whether the next key goes into a text field: the
// command line, the list's or the room's filter, a prompt, or a text row of
// the add form. It follows the order in which handleKey hands keys out.
func (a *App) textFieldFocused() bool {
	switch {
	case a.cmdline != nil:
		return true
	case a.showHelp, a.logView.open:
		return false
	case a.overlayActive() && a.screen == screenList:
		f := a.list.add
		return f != nil && !f.submitted && f.isText(f.focus)
	case a.overlayActive():
		switch a.room.form {
		case formPrompt:
			return true
		case formAdd:
			return a.room.add != nil && !a.room.add.submitted && a.room.add.isText(a.room.add.focus)
		}
		return false
	case a.screen == screenRoom:
		return a.room.confirm == nil && a.room.filtering
	}
	return a.list.filtering
}

// altMeant reports whether an alt+key message means alt+key: a binding
// names it, or a text field has the focus and it is one of the text
// input's word keys. Anything else with alt is esc and a key that came in
// one read.
func (a *App) altMeant(msg tea.KeyMsg) bool {
	k := msg.String()
	for _, g := range a.keys.Groups() {
		for _, b := range g.Bindings {
			if slices.Contains(b.Keys(), k) {
				return true
			}
		}
	}
	if !a.textFieldFocused() {
		return false
	}
	switch k {
	case "alt+f", "alt+b", "alt+d", "alt+left", "alt+right", "alt+backspace", "alt+delete":
		return true
	}
	return false
}
