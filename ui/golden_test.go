package ui

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"confconsole/api"
)

// The real client is the Service the binary passes in.
var _ Service = (*api.Client)(nil)

// checkGolden compares a screen with testdata/name.golden; go test -update
// rewrites it. Trailing spaces are trimmed so the files read cleanly.
func checkGolden(t *testing.T, name, screen string) {
	t.Helper()
	var b strings.Builder
	for _, l := range strings.Split(screen, "\n") {
		b.WriteString(strings.TrimRight(l, " ") + "\n")
	}
	got := b.String()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("screen %s differs from %s (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", name, path, got, want)
	}
}

func TestGoldenScreensFake(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {120, 40}, {200, 60}}
	screens := []struct {
		name string
		keys []string
		mod  func(*Options)
		room bool
	}{
		{"list", nil, nil, false},
		{"participants", nil, nil, true},
		{"participants-feed", []string{"e"}, nil, true},
		{"participants-readonly", nil, func(o *Options) { o.ReadOnly = true; o.Demo = true }, true},
		{"remove-confirm", []string{"j", "x"}, nil, true},
		{"help", []string{"?"}, nil, true},
		{"add-form", []string{"n"}, nil, true},
		{"end-prompt", []string{"E"}, nil, true},
		{"coach-picker", []string{"c"}, nil, true},
		{"filter", []string{"/", "m", "u"}, nil, true},
		{"add-form-feed", []string{"e", "n"}, nil, true},
	}
	for _, sz := range sizes {
		for _, sc := range screens {
			name := sc.name + "-" + strconv.Itoa(sz.w) + "x" + strconv.Itoa(sz.h)
			t.Run(name, func(t *testing.T) {
				mod := sc.mod
				if sc.room {
					mod = func(o *Options) {
						o.Conference = confSID
						if sc.mod != nil {
							sc.mod(o)
						}
					}
				}
				h := newHarness(t, demoService(), mod)
				h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
				for _, k := range sc.keys {
					h.key(k)
				}
				v := h.view()
				if n := strings.Count(v, "\n") + 1; n != sz.h {
					t.Errorf("screen is %d lines, want %d", n, sz.h)
				}
				for i, l := range strings.Split(v, "\n") {
					if w := lipgloss.Width(l); w > sz.w {
						t.Errorf("line %d is %d wide, more than %d: %q", i, w, sz.w, l)
					}
				}
				checkGolden(t, "fake-"+name, v)
			})
		}
	}
}

// TestTinyTerminals draws every screen at sizes nobody should use: nothing
// may panic, and the frame must still be exactly the terminal's height.
func TestTinyTerminals(t *testing.T) {
	screens := [][]string{nil, {"enter"}, {"enter", "e"}, {"enter", "x"}, {"enter", "n"}, {"enter", "/"}, {"?"}}
	for _, keys := range screens {
		for _, sz := range []struct{ w, h int }{{1, 1}, {10, 3}, {30, 8}, {45, 12}} {
			h := newHarness(t, demoService(), nil)
			h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			for _, k := range keys {
				h.key(k)
			}
			v := h.view()
			if n := strings.Count(v, "\n") + 1; n > sz.h {
				t.Errorf("keys %v at %dx%d: %d lines", keys, sz.w, sz.h, n)
			}
		}
	}
}
