package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// A burst is the printable bytes of one read from the terminal, which
// Bubble Tea v1 delivers as one key message with several runes.
func burst(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestBurstIsHandledKeyByKey(t *testing.T) {
	tests := []struct {
		name      string
		before    []tea.KeyMsg // keys pressed one by one first
		burst     tea.KeyMsg
		wantRow   int    // selected row afterwards
		wantMuted int    // row whose participant was muted, -1 for none
		wantQuery string // filter text afterwards
		wantQuit  bool
		wantFlash string
		wantLine  string // command line text afterwards
	}{
		{name: "moves twice then mutes", burst: burst("jjm"), wantRow: 2, wantMuted: 2},
		{name: "moves down and back up", burst: burst("jjk"), wantRow: 1, wantMuted: -1},
		{name: "the rest of a burst after / is filter text", burst: burst("j/ag"), wantRow: 0, wantMuted: -1, wantQuery: "ag"},
		{name: "a burst into an open filter stays text", before: []tea.KeyMsg{keyMsg("/")}, burst: burst("qjm"), wantRow: 0, wantMuted: -1, wantQuery: "qjm"},
		{name: "keys after a quit are not acted on", burst: burst("jqm"), wantRow: 1, wantMuted: -1, wantQuit: true},
		{name: "a paste outside a text field is not keys", burst: tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjm"), Paste: true},
			wantRow: 0, wantMuted: -1, wantFlash: "pasted text ignored"},
		{name: "a paste into the filter is text", before: []tea.KeyMsg{keyMsg("/")}, burst: tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjm"), Paste: true},
			wantRow: 0, wantMuted: -1, wantQuery: "jjm"},
		{name: "a burst into the command line stays text", before: []tea.KeyMsg{keyMsg(":")}, burst: burst("qjm"),
			wantRow: 0, wantMuted: -1, wantLine: "qjm"},
		{name: "a paste into the command line is text", before: []tea.KeyMsg{keyMsg(":")}, burst: tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("mute-all"), Paste: true},
			wantRow: 0, wantMuted: -1, wantLine: "mute-all"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := openRoom(t, svc, nil)
			rows := h.app.room.rows
			if len(rows) < 3 {
				t.Fatalf("the demo room has %d rows, want at least 3", len(rows))
			}
			for _, k := range tc.before {
				h.send(k)
			}
			h.send(tc.burst)
			if got := h.app.room.selIdx; got != tc.wantRow {
				t.Errorf("selected row %d, want %d", got, tc.wantRow)
			}
			calls := svc.called("UpdateParticipant")
			if tc.wantMuted < 0 {
				if len(calls) != 0 {
					t.Errorf("calls %q, want none", calls)
				}
			} else if p := rows[tc.wantMuted]; len(calls) != 1 || !strings.Contains(calls[0], p.CallSID+" muted=") {
				t.Errorf("calls %q, want one mute of %s (%s)", calls, p.Label, p.CallSID)
			}
			if got := h.app.room.filter.Value(); got != tc.wantQuery {
				t.Errorf("filter text %q, want %q", got, tc.wantQuery)
			}
			line := ""
			if h.app.cmdline != nil {
				line = h.app.cmdline.Value()
			}
			if line != tc.wantLine {
				t.Errorf("command line %q, want %q", line, tc.wantLine)
			}
			if h.quit != tc.wantQuit {
				t.Errorf("quit = %v, want %v", h.quit, tc.wantQuit)
			}
			if !strings.Contains(h.app.flash.text, tc.wantFlash) {
				t.Errorf("flash %q, want it to contain %q", h.app.flash.text, tc.wantFlash)
			}
		})
	}
}

func TestBurstIntoTheAddFormStaysText(t *testing.T) {
	h := openRoom(t, demoService(), nil)
	h.key("n")
	if h.app.room.add == nil || !h.app.textFieldFocused() {
		t.Fatal("the add form opens on a text field")
	}
	h.send(burst("+15550100"))
	if got := h.app.room.add.inputs[h.app.room.add.focus].Value(); got != "+15550100" {
		t.Errorf("the focused field holds %q, want the whole burst", got)
	}
}

// TestBurstWhileQuittingStillQuits: while the console waits for an action
// in flight, a burst that holds q quits at once; its other keys do nothing.
func TestBurstWhileQuittingStillQuits(t *testing.T) {
	trail, _ := openTrail(t)
	h := openRoom(t, demoService(), func(o *Options) { o.Audit = trail })
	h.app.flights.reserve() // an action command that has not returned
	h.pressOnly("q")
	if h.app.quit != quitWaiting {
		t.Fatalf("quit state %v after q with an action in flight, want waiting", h.app.quit)
	}
	m, _ := h.app.Update(burst("jq"))
	h.app = m.(App)
	if h.app.quit != quitDone {
		t.Errorf("quit state %v after a burst holding q, want done", h.app.quit)
	}
	if h.app.room.selIdx != 0 {
		t.Errorf("the selection moved to row %d while quitting", h.app.room.selIdx)
	}
}

// TestQuitRightAfterAnActionWaitsForIt: "mq" in one burst makes the mute
// command and then asks to quit before the command has even run; the quit
// must wait for it rather than end the program under it.
func TestQuitRightAfterAnActionWaitsForIt(t *testing.T) {
	h := openRoom(t, demoService(), nil)
	m, _ := h.app.Update(burst("mq"))
	h.app = m.(App)
	if h.app.quit != quitWaiting {
		t.Errorf("quit state %v after mq, want waiting for the mute", h.app.quit)
	}
	if !strings.Contains(h.app.flash.text, "1 action still on its way") {
		t.Errorf("flash %q, want it to say one action is on its way", h.app.flash.text)
	}
}

// TestEscThenAKeyInOneRead: esc and the key after it arriving in one read
// (a slow SSH link, a script) reach Bubble Tea as one alt+key message. A
// key no binding and no text field means with alt is taken as what was
// typed: esc, then the key.
func TestEscThenAKeyInOneRead(t *testing.T) {
	alt := func(k string) tea.KeyMsg { m := keyMsg(k); m.Alt = true; return m }
	tests := []struct {
		name      string
		before    []string
		msg       tea.KeyMsg
		wantRow   int
		wantMarks int
		wantLine  *string // the command line's text; nil for closed
		wantQuery string
	}{
		{name: "esc clears the marks, j moves", before: []string{" "}, msg: alt("j"), wantRow: 1},
		{name: "esc closes the command line, : opens a new one", before: []string{":", "m", "u"}, msg: alt(":"), wantLine: new(string)},
		{name: "esc esc: the marks, then the filter", before: []string{" ", "/", "a", "g", "enter"}, msg: alt("esc"), wantQuery: ""},
		{name: "a word move in a text field stays one", before: []string{"/", "a", "g"}, msg: alt("b"), wantQuery: "ag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := openRoom(t, demoService(), nil)
			for _, k := range tc.before {
				h.key(k)
			}
			h.send(tc.msg)
			if got := h.app.room.selIdx; got != tc.wantRow {
				t.Errorf("selected row %d, want %d", got, tc.wantRow)
			}
			if got := len(h.app.room.marks); got != tc.wantMarks {
				t.Errorf("%d marks, want %d", got, tc.wantMarks)
			}
			switch {
			case tc.wantLine == nil && h.app.cmdline != nil:
				t.Errorf("command line open with %q, want it closed", h.app.cmdline.Value())
			case tc.wantLine != nil && h.app.cmdline == nil:
				t.Errorf("command line closed, want it open with %q", *tc.wantLine)
			case tc.wantLine != nil && h.app.cmdline.Value() != *tc.wantLine:
				t.Errorf("command line %q, want %q", h.app.cmdline.Value(), *tc.wantLine)
			}
			if got := h.app.room.filter.Value(); got != tc.wantQuery {
				t.Errorf("filter %q, want %q", got, tc.wantQuery)
			}
			if h.app.screen != screenRoom {
				t.Errorf("left the room")
			}
		})
	}
}

// TestBoundAltKeyStaysAlt: a key map that binds alt+m (the configuration
// file can) gets alt+m, not esc and m.
func TestBoundAltKeyStaysAlt(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, func(o *Options) {
		o.Keys.Mute = key.NewBinding(key.WithKeys("alt+m"), key.WithHelp("alt+m", "mute/unmute"))
	})
	h.key(" ")
	m := keyMsg("m")
	m.Alt = true
	h.send(m)
	if len(h.app.room.marks) != 1 {
		t.Errorf("alt+m cleared the marks as esc would")
	}
	if calls := svc.called("UpdateParticipant"); len(calls) != 0 {
		t.Errorf("sent %q before the question", calls)
	}
	if h.app.room.confirm == nil {
		t.Errorf("alt+m with a mark should ask to mute the marked participant:\n%s", h.view())
	}
}
