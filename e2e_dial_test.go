package main

import (
	"fmt"
	"regexp"
	"testing"
)

// TestEndToEndDialNewConference runs the built binary with --demo in a real
// terminal: n on the conference list, a name no conference has, a number,
// ctrl+s; the room of the conference the simulator started opens, with the
// new participant in it, and esc lists that conference beside the demo's.
func TestEndToEndDialNewConference(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	home := t.TempDir()
	s := startTmux(t, 100, 30, []string{"TERM=xterm-256color", "NO_COLOR=", "HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_STATE_HOME=" + home},
		fmt.Sprintf("%s --demo --refresh 1s; echo EXITED $?; sleep 60", bin))

	s.waitFor("the conference list", regexp.MustCompile(`(?s)DEMO.*in-progress.*n add`))
	s.keys("n")
	s.waitFor("the dial form", regexp.MustCompile(`(?s)Dial into a conference.*Conference`))
	s.keys("C-u")
	s.keys("-l", "Night shift bridge")
	s.keys("Tab")
	s.keys("-l", "+15005550100")
	s.keys("Tab")
	s.keys("-l", "+15005550006")
	s.keys("C-s")
	s.waitFor("the new conference's room", regexp.MustCompile(`(?s)Night shift bridge.*dialling \+15005550100 into Night shift bridge \(new conference\)`))
	s.waitFor("the participant dialled, in the new room", regexp.MustCompile(`(?m)^▶.*CA[0-9a-f…]+`))

	s.keys("Escape")
	s.waitFor("the list with the new conference", regexp.MustCompile(`(?s)FRIENDLY NAME.*Night shift bridge`))
	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))
}
