package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"

	"confconsole/api"
	"confconsole/model"
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
				checkLineWidths(t, v, sz.w)
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
			checkLineWidths(t, v, sz.w)
		}
	}
}

// checkLineWidths fails when a line of the frame is wider than the
// terminal, measured both as the layout measures (per grapheme cluster) and
// as tmux and other wcwidth terminals draw (per code point, marks and
// format characters taking no cell).
func checkLineWidths(t *testing.T, frame string, width int) {
	t.Helper()
	for i, l := range strings.Split(frame, "\n") {
		if w := lipgloss.Width(l); w > width {
			t.Errorf("line %d is %d wide, more than %d: %q", i, w, width, l)
		}
		if w := drawnWidth(l); w > width {
			t.Errorf("line %d is drawn %d wide per code point, more than %d: %q", i, w, width, l)
		}
	}
}

// drawnWidth is how many cells a terminal that counts per code point, as
// tmux does, gives to line.
func drawnWidth(line string) int {
	cond := runewidth.Condition{StrictEmojiNeutral: true}
	n := 0
	for _, r := range ansi.Strip(line) {
		if !unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
			n += cond.RuneWidth(r)
		}
	}
	return n
}

// disputedWidthService is a fake whose conference names and labels are
// text that terminals draw at another width than a grapheme count gives.
func disputedWidthService() *fakeService {
	f := newFakeService()
	f.confs = []model.Conference{
		{SID: confSID, FriendlyName: "bridge " + strings.Repeat("👍🏽", 30), Status: model.ConferenceInProgress, Region: "us1", Created: testNow.Add(-42 * time.Minute)},
		{SID: conf2SID, FriendlyName: "🇺🇸🇬🇧 ❤️‍🔥 1️⃣ " + strings.Repeat("🧑🏻‍💻", 20), Status: model.ConferenceInProgress, Region: "ie1", Created: testNow.Add(-3 * time.Hour)},
	}
	labels := []string{
		strings.Repeat("👍🏽", 12),
		strings.Repeat("🧑🏻‍💻", 8),
		"❤️☎️✔️❤️☎️✔️❤️☎️✔️❤️☎️✔️",
		"1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣9️⃣",
		strings.Repeat("🇫🇷", 10),
		"राहुल शर्मा कुमार",
		strings.Repeat("\ue000\U0001F6DC", 10),
		"🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F" + strings.Repeat("👨‍👩‍👧‍👦", 6),
	}
	ps := make([]model.Participant, len(labels))
	for i, l := range labels {
		ps[i] = participant(i+1, l)
	}
	ps[2].Coaching, ps[2].CallSIDToCoach = true, callSID(1)
	f.setParticipants(confSID, ps...)
	return f
}

// TestDisputedWidthsFitEveryScreen draws every screen with labels and
// conference names of disputed width, at several sizes: no line may be
// wider than the terminal, however it counts.
func TestDisputedWidthsFitEveryScreen(t *testing.T) {
	screens := []struct {
		name string
		keys []string
		room bool
	}{
		{"list", nil, false},
		{"participants", nil, true},
		{"feed", []string{"e"}, true},
		{"second row", []string{"j"}, true},
		{"coach picker", []string{"j", "c"}, true},
		{"remove", []string{"x"}, true},
		{"announce", []string{"a"}, true},
		{"end prompt", []string{"E"}, true},
		{"add form", []string{"n"}, true},
		{"filter", []string{"/"}, true},
		{"log view", []string{"m", "L"}, true},
		{"end prompt, wrong name", []string{"E", "x", "enter"}, true},
		{"coach picker, chosen", []string{"j", "c", "enter"}, true},
		{"announce, bad url", []string{"a", "x", "enter"}, true},
	}
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 30}, {120, 40}, {45, 12}} {
		for _, sc := range screens {
			t.Run(fmt.Sprintf("%s %dx%d", sc.name, sz.w, sz.h), func(t *testing.T) {
				f := disputedWidthService()
				var h *harness
				if sc.room {
					h = openRoom(t, f, nil)
				} else {
					h = newHarness(t, f, nil)
				}
				h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
				if sc.room {
					// A change the feed reports, naming a participant.
					f.edit(confSID, callSID(1), muted)
					f.edit(confSID, callSID(2), held)
					h.poll()
				}
				for _, k := range sc.keys {
					h.key(k)
				}
				v := h.view()
				if n := strings.Count(v, "\n") + 1; n > sz.h {
					t.Errorf("screen is %d lines, more than %d", n, sz.h)
				}
				checkLineWidths(t, v, sz.w)
				if sc.room {
					if n := strings.Count(v, "▶"); n > 1 {
						t.Errorf("%d selection markers:\n%s", n, v)
					}
				}
			})
		}
	}
}
