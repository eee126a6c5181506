package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// testKeyMap mirrors the binary's bindings (keymap.go cannot be imported from
// package main), so key tests press the keys a user would.
func testKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up: b("↑/k", "up", "up", "k"), Down: b("↓/j", "down", "down", "j"),
		PageUp: b("pgup", "page up", "pgup"), PageDown: b("pgdn", "page down", "pgdown"),
		Top: b("g/home", "top", "g", "home"), Bottom: b("G/end", "bottom", "G", "end"),
		Open: b("enter", "open", "enter"), Back: b("esc", "back", "esc"),
		Quit: b("q", "quit", "q"), Help: b("?", "help", "?"), Refresh: b("r", "refresh", "r"),
		Filter: b("/", "filter", "/"), Sort: b("s", "sort", "s"),
		SortReverse: b("S", "reverse sort", "S"), Events: b("e", "events", "e"),
		FeedOlder: b("[", "older events", "["), FeedNewer: b("]", "newer events", "]"),
		AuditLog:      b("L", "audit log", "L"),
		ShowCompleted: b("c", "completed too", "c"),
		Mute:          b("m", "mute/unmute", "m"), Hold: b("h", "hold/resume", "h"),
		Coach: b("c", "coach", "c"), Announce: b("a", "announce", "a"),
		AnnounceAll: b("A", "announce all", "A"), Remove: b("x", "remove", "x"),
		Add: b("n", "add", "n"), End: b("E", "end conf", "E"),
		Recording: b("p", "rec pause/resume", "p"), StopRecording: b("P", "stop rec", "P"),
		Unmute: b("M", "unmute", "M"), Resume: b("H", "resume", "H"), Undo: b("u", "undo", "u"),
		Mark: b("space", "mark/unmark", " "), InvertMarks: b("*", "invert marks", "*"), Command: b(":", "command line", ":"),
		Yes: b("y", "yes", "y"), No: b("n/esc", "no", "n", "N", "esc"),
	}
}

func TestKeyTable(t *testing.T) {
	tests := []struct {
		name    string
		km      KeyMap
		want    []string
		wantNot []string
	}{
		{"full", testKeyMap(),
			[]string{"| key | action |\n| --- | --- |\n", "| `m` | mute/unmute |", "| `E` | end conf |",
				"| `?` | help |", "| **Participants** | |", "| `/` | filter |"},
			nil},
		{"read-only hides every mutating key", testKeyMap().ReadOnly(),
			[]string{"| `?` | help |", "| `e` | events |"},
			[]string{"mute", "hold", "coach", "announce", "remove", "add", "end conf", "recording"}},
		{"a pipe in a key stays inside its cell", KeyMap{Help: key.NewBinding(key.WithKeys("|"), key.WithHelp("|", "pipe"))},
			[]string{"| `\\|` | pipe |"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := KeyTable(tc.km)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("KeyTable lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(got, w) {
					t.Errorf("KeyTable shows %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestReadOnlyDisablesMutatingBindings(t *testing.T) {
	km := testKeyMap()
	ro := km.ReadOnly()
	for _, b := range ro.mutating() {
		if b.Enabled() {
			t.Errorf("binding %q still enabled in read-only mode", b.Help().Key)
		}
	}
	for _, b := range km.mutating() {
		if !b.Enabled() {
			t.Errorf("ReadOnly changed the original map: %q disabled", b.Help().Key)
		}
	}
	for _, g := range ro.FullHelp() {
		for _, b := range g {
			if !b.Enabled() {
				t.Errorf("FullHelp lists disabled %q", b.Help().Key)
			}
		}
	}
}

func TestConflicts(t *testing.T) {
	if c := testKeyMap().Conflicts(); len(c) != 0 {
		t.Errorf("the test key map has conflicts: %v", c)
	}
	km := testKeyMap()
	km.Mute = key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "mute"))
	if c := km.Conflicts(); len(c) != 1 || c[0] != "h: mute, hold/resume" {
		t.Errorf("Conflicts = %q, want the shared h", c)
	}
	km.ShowCompleted = key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "completed"))
	if c := km.Conflicts(); len(c) != 2 {
		t.Errorf("Conflicts = %q, want h and q", c)
	}
	if c := km.ReadOnly().Conflicts(); len(c) != 1 {
		t.Errorf("disabled bindings cannot conflict: %q", c)
	}
	// Add works on the conference list too: it may not share a key there.
	km = testKeyMap()
	km.ShowCompleted = key.NewBinding(key.WithKeys(km.Add.Keys()...), key.WithHelp("n", "completed"))
	if c := km.Conflicts(); len(c) != 1 || c[0] != "n: completed, add" {
		t.Errorf("Conflicts = %q, want add and completed sharing n on the list", c)
	}
}
