package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestEndToEndCommandLine uses the command line as a newcomer does, in a
// real terminal: the footer under the open line shows its own keys, tab
// lists the choices there (the line itself covers the flash line), esc
// and a key typed together are both acted on, a terminal paste goes into
// the line, and ctrl+c closes the line instead of quitting the console.
func TestEndToEndCommandLine(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, 100, 30, []string{"TERM=xterm-256color", "NO_COLOR="},
		fmt.Sprintf("%s --demo --refresh 1s; echo EXITED $?; sleep 60", bin))
	s.waitFor("the conference list", regexp.MustCompile(`(?s)DEMO.*in-progress`))
	s.keys("Enter")
	s.waitFor("the participants of the first conference", regexp.MustCompile(`(?m)^▶.*connected`))

	lastLine := func(scr string) string {
		lines := strings.Split(strings.TrimRight(scr, "\n"), "\n")
		return lines[len(lines)-1]
	}
	s.keys(":")
	scr := s.waitFor("the command line's keys in the footer", regexp.MustCompile(`(?m)^tab complete • enter run • esc cancel\s*$`))
	if strings.Contains(lastLine(scr), "mute/unmute") {
		t.Errorf("the footer offers the room's keys under the open command line:\n%s", scr)
	}
	s.keys("-l", "mu")
	s.keys("Tab")
	s.waitFor("the choices under the line", regexp.MustCompile(`(?m)^:mute\s*\n\s*mute  mute-all\s*$`))

	// A paste is text for the line, as in a filter.
	// esc and : in one write (tmux sends them so) read as alt+:; they
	// are still esc, which closes the line, and :, which opens a new one.
	s.keys("Escape", ":")
	s.waitFor("an empty command line", regexp.MustCompile(`(?m)^:command or conference`))
	s.tmux("set-buffer", "-b", "e2e-cmdline", "unmute-all")
	s.tmux("paste-buffer", "-p", "-b", "e2e-cmdline", "-t", s.name)
	s.waitFor("the pasted command in the line", regexp.MustCompile(`(?m)^:unmute-all\s*$`))

	// ctrl+c closes the line; the console stays.
	s.keys("C-c")
	scr = s.waitFor("the line closed", regexp.MustCompile(`closed; ctrl\+c again quits`))
	if strings.Contains(scr, "EXITED") || strings.Contains(scr, ":unmute-all") {
		t.Fatalf("ctrl+c in the command line quit or left it open:\n%s", scr)
	}
	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))
}
