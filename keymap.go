package main

import (
	"github.com/charmbracelet/bubbles/key"

	"confconsole/ui"
)

// defaultKeyMap is the key bindings the binary ships. Keys avoid the ctrl
// combinations that tmux, screen and vim users already own; every binding
// carries its help text, which feeds the footer, the help overlay and the
// README's key table (ui.KeyTable).
func defaultKeyMap() ui.KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return ui.KeyMap{
		Up:          b("↑/k", "up", "up", "k"),
		Down:        b("↓/j", "down", "down", "j"),
		PageUp:      b("pgup", "page up", "pgup"),
		PageDown:    b("pgdn", "page down", "pgdown"),
		Top:         b("g/home", "top", "g", "home"),
		Bottom:      b("G/end", "bottom", "G", "end"),
		Open:        b("enter", "open", "enter"),
		Back:        b("esc", "back", "esc"),
		Quit:        b("q", "quit", "q"),
		Help:        b("?", "help", "?"),
		Refresh:     b("r", "refresh", "r"),
		Filter:      b("/", "filter", "/"),
		Sort:        b("s", "sort", "s"),
		SortReverse: b("S", "reverse sort", "S"),
		Events:      b("e", "events", "e"),
		FeedOlder:   b("[", "older events", "["),
		FeedNewer:   b("]", "newer events", "]"),
		AuditLog:    b("L", "audit log", "L"),

		ShowCompleted: b("c", "completed too", "c"),

		Mute:          b("m", "mute/unmute", "m"),
		Unmute:        b("M", "unmute", "M"),
		Hold:          b("h", "hold/resume", "h"),
		Resume:        b("H", "resume", "H"),
		Coach:         b("c", "coach", "c"),
		Announce:      b("a", "announce", "a"),
		AnnounceAll:   b("A", "announce all", "A"),
		Remove:        b("x", "remove", "x"),
		Add:           b("n", "add", "n"),
		End:           b("E", "end conf", "E"),
		Recording:     b("p", "rec pause/resume", "p"),
		StopRecording: b("P", "stop rec", "P"),
		Undo:          b("u", "undo", "u"),

		Mark:        b("space", "mark/unmark", " "),
		InvertMarks: b("*", "invert marks", "*"),
		Command:     b(":", "command line", ":"),

		Yes: b("y", "yes", "y"),
		No:  b("n/esc", "no", "n", "N", "esc"),
	}
}
