package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestEndToEndClosingAndEnding runs the built binary with --demo in a real
// terminal: q closes the help instead of quitting, ctrl+c closes the add
// form and keeps what the console shows, the end prompt takes the last four
// characters of the conference SID it shows, and ctrl+c outside any form
// quits.
func TestEndToEndClosingAndEnding(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, 100, 30, []string{"TERM=xterm-256color", "NO_COLOR="},
		fmt.Sprintf("%s --demo --refresh 1s; echo EXITED $?; sleep 60", bin))

	s.waitFor("the conference list", regexp.MustCompile(`(?s)DEMO.*in-progress`))
	s.keys("Enter")
	table := regexp.MustCompile(`(?m)^▶.*connected`)
	s.waitFor("the participants of the first conference", table)

	s.keys("?")
	s.waitFor("the help overlay", regexp.MustCompile(`closes this help`))
	s.keys("q")
	s.waitFor("the table after q closed the help", table)

	s.keys("n")
	s.waitFor("the add form", regexp.MustCompile(`Add participant to`))
	s.keys("+1415")
	s.keys("C-c")
	scr := s.waitFor("the add form to close", regexp.MustCompile(`ctrl\+c again quits`))
	if strings.Contains(scr, "Add participant to") || strings.Contains(scr, "EXITED") {
		t.Fatalf("ctrl+c in the add form should close only the form:\n%s", scr)
	}

	s.keys("E")
	scr = s.waitFor("the end prompt", regexp.MustCompile(`type [0-9a-f]{4} to confirm`))
	code := regexp.MustCompile(`type ([0-9a-f]{4}) to confirm`).FindStringSubmatch(scr)[1]
	if !regexp.MustCompile(`SID\s+CF[0-9a-f]{28}` + code).MatchString(scr) {
		t.Errorf("the prompt should show the SID that %s ends:\n%s", code, scr)
	}
	s.keys(code, "Enter")
	s.waitFor("the conference to end", regexp.MustCompile(`has ended`))

	s.keys("C-c")
	s.waitFor("ctrl+c outside a form to quit", regexp.MustCompile(`EXITED 0`))
}
