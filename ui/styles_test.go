package ui

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

func TestDetectTheme(t *testing.T) {
	tests := []struct {
		name    string
		setting string
		env     map[string]string
		want    string
	}{
		{"auto without hints assumes dark", "auto", nil, "dark"},
		{"dark forced", "dark", map[string]string{"COLORFGBG": "0;15"}, "dark"},
		{"light forced", "light", nil, "light"},
		{"COLORFGBG light background", "auto", map[string]string{"COLORFGBG": "0;15"}, "light"},
		{"COLORFGBG bg 7 is light", "auto", map[string]string{"COLORFGBG": "0;7"}, "light"},
		{"COLORFGBG dark background", "auto", map[string]string{"COLORFGBG": "15;0"}, "dark"},
		{"COLORFGBG three fields", "auto", map[string]string{"COLORFGBG": "0;default;15"}, "light"},
		{"COLORFGBG garbage assumes dark", "auto", map[string]string{"COLORFGBG": "x;y"}, "dark"},
		{"unknown setting is auto", "purple", map[string]string{"COLORFGBG": "0;15"}, "light"},
		{"NO_COLOR wins over a forced theme", "light", map[string]string{"NO_COLOR": "1"}, "mono"},
		{"empty NO_COLOR is not set", "auto", map[string]string{"NO_COLOR": ""}, "dark"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := DetectTheme(tc.setting, func(k string) string { return tc.env[k] })
			if got.Name != tc.want {
				t.Errorf("DetectTheme(%q, %v) = %s, want %s", tc.setting, tc.env, got.Name, tc.want)
			}
			if (got.Name == "mono") != got.NoColor {
				t.Errorf("theme %s: NoColor = %v", got.Name, got.NoColor)
			}
		})
	}
	if got := DetectTheme("auto", nil); got.Name != "dark" {
		t.Errorf("DetectTheme with nil getenv = %s, want dark", got.Name)
	}
}

func TestSelectionIsMoreThanColour(t *testing.T) {
	st := NewStyles(plainRenderer(), MonoTheme())
	if st.Marker == "" || st.Marker == st.NoMarker {
		t.Fatalf("selection marker %q must be a visible glyph distinct from %q", st.Marker, st.NoMarker)
	}
	if w1, w2 := len([]rune(st.Marker)), len([]rune(st.NoMarker)); w1 != w2 {
		t.Errorf("marker and blank widths differ: %d vs %d", w1, w2)
	}
}

// sgrParams lists the parameters of every SGR sequence in s, one string per
// sequence ("" for a bare ESC [m).
func sgrParams(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return out
		}
		s = s[i+2:]
		j := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != ';' })
		if j < 0 {
			return out
		}
		if s[j] == 'm' {
			out = append(out, s[:j])
		}
		s = s[j+1:]
	}
}

// TestTableRowsUseTheTerminalsColours holds the cheap palette that keeps a
// repaint within its byte budget: in the dark and the light theme an
// unselected participant row draws its label in the terminal's default
// foreground, secondary text dimmed (not in bright black, which some
// palettes make the background's colour) and every state in one of the
// sixteen basic colours (five bytes, not a 256-colour's eleven), while the
// selected row keeps its 256-colour background bar. The one exception is the
// light theme's rare warnings (ringing, on hold), drawn in brown because
// yellow does not read on white.
func TestTableRowsUseTheTerminalsColours(t *testing.T) {
	for _, theme := range []string{"dark", "light"} {
		t.Run(theme, func(t *testing.T) {
			h := openRoom(t, demoService(), func(o *Options) { inColour(o); o.Theme = theme })
			rows := 0
			for _, l := range strings.Split(h.view(), "\n") {
				plain := ansi.Strip(l)
				label := ""
				for _, name := range []string{"agent-7", "caller-2", "supervisor", "caller-9"} {
					if strings.Contains(plain, " "+name+" ") && strings.Contains(plain, "CA") {
						label = name
					}
				}
				if label == "" {
					continue
				}
				rows++
				if strings.Contains(plain, "▶") {
					if !strings.Contains(l, "48;5;") {
						t.Errorf("selected row %q has no 256-colour background", l)
					}
					continue
				}
				if !strings.HasPrefix(l, "  "+label) {
					t.Errorf("row %q: the label should come first, in the default foreground", l)
				}
				if theme == "light" && strings.Contains(plain, "on hold") {
					continue // the light theme's warnings are a 256-colour brown
				}
				dim := false
				for _, p := range sgrParams(l) {
					for _, n := range strings.Split(p, ";") {
						if n == "38" || n == "48" {
							t.Errorf("row %q: SGR %q is not a basic colour", l, p)
						}
						dim = dim || n == "2"
					}
				}
				if !dim {
					t.Errorf("row %q: the call SID and empty states should be dimmed", l)
				}
			}
			if rows != 4 {
				t.Fatalf("found %d participant rows, want 4:\n%s", rows, h.view())
			}
		})
	}
}

// TestStylesComeFromTheGivenRenderer holds that the console draws with the
// renderer in Options, whatever lipgloss's global one says: two sessions on
// different terminals each get their own profile. Without Renderer, the
// console makes one for Out, whose profile (a buffer: no colour) is its own.
func TestStylesComeFromTheGivenRenderer(t *testing.T) {
	prev := lipgloss.ColorProfile()
	t.Cleanup(func() { lipgloss.SetColorProfile(prev) })
	coloured := func(v string) bool { return strings.Contains(v, "48;5;") }
	tests := []struct {
		name     string
		global   termenv.Profile
		renderer *lipgloss.Renderer
		out      io.Writer
		want     bool
	}{
		{"colour renderer, plain global", termenv.Ascii, testRenderer(termenv.ANSI256), nil, true},
		{"plain renderer, colour global", termenv.ANSI256, plainRenderer(), nil, false},
		{"no renderer, a buffer for Out, colour global", termenv.ANSI256, nil, &bytes.Buffer{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lipgloss.SetColorProfile(tt.global)
			svc := demoService()
			a := New(svc, Options{Keys: testKeyMap(), Theme: "dark", Conference: confSID, Renderer: tt.renderer, Out: tt.out, Now: func() time.Time { return testNow }})
			// The styles are built in New; the view is drawn from them.
			v := a.st.Selected.Render("x") + a.fst.ButtonOn.Render("x")
			if got := coloured(v); got != tt.want {
				t.Errorf("coloured = %v, want %v: %q", got, tt.want, v)
			}
			if tt.renderer != nil {
				h := openRoom(t, svc, func(o *Options) { o.Renderer = tt.renderer })
				if got := coloured(h.view()); got != tt.want {
					t.Errorf("room screen coloured = %v, want %v", got, tt.want)
				}
			}
		})
	}
}
