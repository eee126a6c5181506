package serve_test

import (
	"github.com/charmbracelet/bubbles/key"

	"confconsole/ui"
)

// testKeyMap is the binary's default key map (keymap.go, which the main
// package keeps): the keys an operator presses over SSH.
func testKeyMap() ui.KeyMap {
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
		Hold:          b("h", "hold/resume", "h"),
		Coach:         b("c", "coach", "c"),
		Announce:      b("a", "announce", "a"),
		AnnounceAll:   b("A", "announce all", "A"),
		Remove:        b("x", "remove", "x"),
		Add:           b("n", "add", "n"),
		End:           b("E", "end conf", "E"),
		Recording:     b("p", "rec pause/resume", "p"),
		StopRecording: b("P", "stop rec", "P"),

		Yes: b("y", "yes", "y"),
		No:  b("n/esc", "no", "n", "N", "esc"),
	}
}
