package ui

import (
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"confconsole/model"
)

func TestFit(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"abc", 5, "abc  "},
		{"abcdef", 4, "abc…"},
		{"王芳", 5, "王芳 "},
		{"王芳王芳", 5, "王芳…"},
		{"王芳王芳", 4, "王…"}, // a wide rune never straddles the edge
		{"😀x", 3, "😀x"},
		{"anything", 0, ""},
	}
	for _, tc := range tests {
		got := fit(tc.in, tc.w)
		if got != tc.want && ansi.StringWidth(got) == tc.w {
			// Truncation may pad a half cell with a space; only the width is a promise.
			continue
		}
		if ansi.StringWidth(got) != tc.w || (tc.w > 0 && !strings.HasPrefix(tc.in, strings.TrimRight(strings.TrimSuffix(got, "…"), " "))) {
			t.Errorf("fit(%q, %d) = %q (width %d)", tc.in, tc.w, got, ansi.StringWidth(got))
		}
	}
}

func TestPlanLayoutCollapses(t *testing.T) {
	tests := []struct {
		width    int
		shown    []int
		hidden   []int
		shortSID bool
	}{
		{200, []int{colLabel, colSID, colStatus, colMuted, colHold, colCoach, colEnterExit, colTime}, nil, false},
		{120, []int{colLabel, colSID, colEnterExit, colTime}, nil, false},
		{100, []int{colLabel, colSID, colEnterExit}, nil, true},
		{80, []int{colLabel, colStatus, colMuted, colHold, colCoach, colTime}, []int{colEnterExit}, true},
		{60, []int{colLabel, colStatus, colMuted, colHold}, []int{colEnterExit, colTime}, true},
		{40, []int{colLabel, colStatus, colMuted, colHold}, []int{colSID, colCoach, colEnterExit, colTime}, false},
	}
	for _, tc := range tests {
		l := planParticipants(participantColumns, tc.width, false)
		for _, c := range tc.shown {
			if !l.show[c] {
				t.Errorf("width %d: column %s hidden", tc.width, participantColumns[c].title)
			}
		}
		for _, c := range tc.hidden {
			if l.show[c] {
				t.Errorf("width %d: column %s shown", tc.width, participantColumns[c].title)
			}
		}
		if l.show[colSID] && (l.widths[colSID] < 34) != tc.shortSID {
			t.Errorf("width %d: SID width %d, short = %v", tc.width, l.widths[colSID], tc.shortSID)
		}
		if tc.width >= 60 && l.total() > tc.width {
			t.Errorf("width %d: table is %d wide", tc.width, l.total())
		}
	}
}

// TestLabelGetsTheRoom: a long label shows whole when the room is there,
// the SID shortening to its prefix and tail for it, and no column is dropped
// for it; short labels leave the SID whole.
func TestLabelGetsTheRoom(t *testing.T) {
	long := "customer Renée Côté, Northern Region Key Accounts" // 50 cells
	tests := []struct {
		width     int
		label     string
		wholeSID  bool
		wantLabel string // what the row shows of the label
	}{
		{200, long, true, long},
		{120, long, false, "customer Renée Côté, Northern Region Key A…"}, // all the room there is
		{120, "caller-2", true, "caller-2"},
		{80, long, false, "customer René…"}, // as before: the columns come first
	}
	for _, tc := range tests {
		svc := demoService()
		svc.edit(confSID, callSID(2), func(p *model.Participant) { p.Label = tc.label })
		h := openRoom(t, svc, nil)
		h.send(tea.WindowSizeMsg{Width: tc.width, Height: 24})
		v := h.view()
		row := rowOf(t, v, tc.wantLabel)
		if got := strings.Contains(row, callSID(2)); got != tc.wholeSID {
			t.Errorf("%d columns, label %q: whole SID shown = %v, want %v:\n%s", tc.width, tc.label, got, tc.wholeSID, v)
		}
		if !strings.Contains(row, "connected") || tc.width >= 120 && !strings.Contains(v, "ENTER/EXIT") {
			t.Errorf("%d columns: a column gave way to the label:\n%s", tc.width, v)
		}
		for _, l := range strings.Split(v, "\n") {
			if w := ansi.StringWidth(l); w > tc.width {
				t.Errorf("%d columns: a line is %d wide: %q", tc.width, w, l)
			}
		}
	}
}

func TestWindow(t *testing.T) {
	tests := []struct{ offset, sel, n, h, want int }{
		{0, 0, 10, 5, 0},
		{0, 4, 10, 5, 0},
		{0, 5, 10, 5, 1},
		{3, 2, 10, 5, 2},
		{8, 9, 10, 5, 5},
		{0, 3, 3, 5, 0},
		{7, 9, 10, 0, 0},
	}
	for _, tc := range tests {
		if got := window(tc.offset, tc.sel, tc.n, tc.h); got != tc.want {
			t.Errorf("window(%d, %d, %d, %d) = %d, want %d", tc.offset, tc.sel, tc.n, tc.h, got, tc.want)
		}
	}
}

func TestHostileLabelsAreInert(t *testing.T) {
	svc := demoService()
	svc.setParticipants(confSID,
		participant(1, "evil\x1b]52;c;aGk=\x07"),
		participant(2, "\u202eadmin"),
		participant(3, "zero\u200bwidth"),
	)
	svc.confs[0].FriendlyName = "conf\x1b[2J"
	h := openRoom(t, svc, func(o *Options) { o.Conference = confSID })
	h.key("e")
	v := h.view()
	if strings.ContainsAny(v, "\x1b\x07\u202e\u200b") {
		t.Errorf("a control or invisible character reached the screen: %q", v)
	}
	for _, want := range []string{"evil␛]52;c", "<U+202E>admin", "zero<U+200B>", "conf␛[2J"} {
		if !strings.Contains(v, want) {
			t.Errorf("want %q shown visibly:\n%s", want, v)
		}
	}
	_ = model.Inert
}

// testRenderer is a renderer with its colour profile pinned to p, writing
// nowhere: the console's styles take their profile from it alone.
func testRenderer(p termenv.Profile) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	r.SetHasDarkBackground(true)
	return r
}

// plainRenderer renders plain text, as the goldens hold it.
func plainRenderer() *lipgloss.Renderer { return testRenderer(termenv.Ascii) }

// inColour has the console draw in 256 colours, as over most SSH sessions;
// the harness otherwise draws plain text.
func inColour(o *Options) { o.Renderer = testRenderer(termenv.ANSI256) }

func TestColourAndNoColor(t *testing.T) {
	coloured := openRoom(t, demoService(), inColour)
	v := coloured.view()
	rawRow := func(label string) string {
		for _, l := range strings.Split(v, "\n") {
			if strings.Contains(ansi.Strip(l), " "+label+" ") {
				return l
			}
		}
		t.Fatalf("no row %q", label)
		return ""
	}
	sel := rawRow("agent-7")
	if !strings.Contains(sel, "48;5;") || !strings.Contains(sel, "▶") {
		t.Errorf("the selected row should have a background colour and the marker: %q", sel)
	}
	if other := rawRow("caller-2"); strings.Contains(other, "48;5;") || strings.Contains(other, "▶") {
		t.Errorf("an unselected row looks selected: %q", other)
	}
	plain := openRoom(t, demoService(), func(o *Options) {
		inColour(o)
		o.Getenv = func(k string) string {
			if k == "NO_COLOR" {
				return "1"
			}
			return ""
		}
	})
	pv := plain.view()
	for _, p := range sgrParams(pv) {
		for _, n := range strings.Split(p, ";") {
			if n == "38" || n == "48" || (len(n) == 2 && strings.ContainsRune("349", rune(n[0])) && n[1] <= '7') || (len(n) == 3 && n[:2] == "10" && n[2] <= '7') {
				t.Errorf("NO_COLOR screen has a colour (SGR %q): %q", p, pv)
			}
		}
	}
	for _, want := range []string{"▶ agent-7", "muted", "on hold", "→ agent-7", "connected"} {
		if !strings.Contains(ansi.Strip(pv), want) {
			t.Errorf("NO_COLOR screen lacks %q", want)
		}
	}
}
