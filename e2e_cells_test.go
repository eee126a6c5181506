package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestEndToEndCellWritesAndResize runs the built binary in colour in a real
// terminal, where everything the console draws reaches tmux through the
// cell writer (ui/celldiff.go): the screen is in colour (the styles still
// read the terminal), a mute and an unmute are drawn as the cells they
// change, a resize is noticed and redraws the console at the new size (so
// Bubble Tea still finds the terminal behind the writer), and quitting
// leaves the alternate screen with the terminal's settings as they were.
func TestEndToEndCellWritesAndResize(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	home := t.TempDir()
	before, after := filepath.Join(home, "stty.before"), filepath.Join(home, "stty.after")
	s := startTmux(t, 100, 30, []string{"TERM=xterm-256color", "NO_COLOR=", "HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_STATE_HOME=" + home},
		fmt.Sprintf("stty -g > %s; %s --demo --refresh 1s; code=$?; stty -g > %s; echo EXITED $code; sleep 60", before, bin, after))

	s.waitFor("the conference list", regexp.MustCompile(`(?s)DEMO.*in-progress`))
	s.keys("Enter")
	s.waitFor("the participants of the first conference", regexp.MustCompile(`(?m)^▶.*connected`))
	if styled := s.tmux("capture-pane", "-p", "-e", "-t", s.name); !strings.Contains(styled, "\x1b[") {
		t.Errorf("the console draws without colour in a 256-colour terminal:\n%s", styled)
	}

	// toggle mutes or unmutes the selected participant and waits for the
	// poll to show it on their row, then checks that no line of the
	// screen runs past its width.
	toggle := func(width int, sid string) {
		t.Helper()
		row := rowRE.FindStringSubmatch(selectedRow(s.screen()))
		if row == nil {
			t.Fatalf("no selected participant row:\n%s", s.screen())
		}
		label, callSID := row[1], row[2]
		if !regexp.MustCompile(sid).MatchString(callSID) {
			t.Fatalf("at %d columns the call SID reads %q, want it to match %s:\n%s", width, callSID, sid, s.screen())
		}
		want := "muted"
		if row[4] == "muted" {
			want = "-"
		}
		s.keys("m")
		scr := s.waitFor(fmt.Sprintf("%s to show %q", label, want), regexp.MustCompile(`(?m)^▶\s+`+regexp.QuoteMeta(label)+`\s+`+regexp.QuoteMeta(callSID)+`\s+\S+\s+`+regexp.QuoteMeta(want)+`\s`))
		for i, line := range strings.Split(strings.TrimRight(scr, "\n"), "\n") {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("line %d has %d characters on a %d-column screen: %q", i+1, n, width, line)
			}
		}
	}
	toggle(100, `^CA[0-9a-f]{4}…[0-9a-f]{4}$`)

	// A wider window shows whole call SIDs, which only a redraw at the
	// new size can do; the footer moves to the new last line.
	s.tmux("resize-window", "-t", s.name, "-x", "120", "-y", "35")
	scr := s.waitFor("the console redrawn at 120x35", regexp.MustCompile(`(?m)^▶.*CA[0-9a-f]{32}`))
	if lines := strings.Split(strings.TrimRight(scr, "\n"), "\n"); len(lines) != 35 || !strings.Contains(lines[34], "? help") {
		t.Errorf("after the resize the footer is not on line 35:\n%s", scr)
	}
	toggle(120, `^CA[0-9a-f]{32}$`)

	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))
	if alt := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{alternate_on}")); alt != "0" {
		t.Errorf("the terminal is still on the alternate screen after quitting (alternate_on=%s)", alt)
	}
	b, err := os.ReadFile(before)
	if err != nil {
		t.Fatal(err)
	}
	a, err := os.ReadFile(after)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Errorf("the terminal's settings after quitting are %q, before starting %q", a, b)
	}
}
