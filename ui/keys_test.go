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
		Up: b("↑/k", "move up", "up", "k"), Down: b("↓/j", "move down", "down", "j"),
		PageUp: b("pgup", "page up", "pgup"), PageDown: b("pgdn", "page down", "pgdown"),
		Top: b("g/home", "first row", "g", "home"), Bottom: b("G/end", "last row", "G", "end"),
		Open: b("enter", "open / submit", "enter"), Back: b("esc", "back / cancel / clear filter", "esc"),
		Quit: b("q", "quit", "q"), Help: b("?", "help", "?"), Refresh: b("r", "refresh now", "r"),
		Filter: b("/", "filter", "/"), Sort: b("s", "next sort column", "s"),
		SortReverse: b("S", "reverse sort", "S"), Events: b("e", "event feed on/off", "e"),
		ShowCompleted: b("c", "show completed too", "c"),
		Mute:          b("m", "mute / unmute", "m"), Hold: b("h", "hold / resume", "h"),
		Coach: b("c", "coach an agent / stop", "c"), Announce: b("a", "announce to participant", "a"),
		AnnounceAll: b("A", "announce to conference", "A"), Remove: b("x", "remove participant", "x"),
		Add: b("n", "add participant", "n"), End: b("E", "end conference", "E"),
		Recording: b("p", "pause / resume recording", "p"), StopRecording: b("P", "stop recording", "P"),
		Yes: b("y", "confirm", "y"), No: b("n/esc", "cancel", "n", "N", "esc"),
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
			[]string{"| key | action |\n| --- | --- |\n", "| `m` | mute / unmute |", "| `E` | end conference |",
				"| `?` | help |", "| **Participants** | |", "| `/` | filter |"},
			nil},
		{"read-only hides every mutating key", testKeyMap().ReadOnly(),
			[]string{"| `?` | help |", "| `e` | event feed on/off |"},
			[]string{"mute", "hold", "coach", "announce", "remove", "add participant", "end conference", "recording"}},
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
