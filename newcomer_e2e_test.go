package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestEndToEndNewcomerReadOnly runs the built binary with --demo --read-only
// in a real 80x24 terminal: both badges show whole, s sorts the conference
// list and says so, the recorded demo conference shows its recording, and a
// key that would change a call says it is disabled.
func TestEndToEndNewcomerReadOnly(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, 80, 24, []string{"TERM=xterm-256color", "NO_COLOR="},
		fmt.Sprintf("%s --demo --read-only --refresh 1s; echo EXITED $?; sleep 60", bin))

	scr := s.waitFor("the conference list", regexp.MustCompile(`(?s)DEMO.*in-progress`))
	title := strings.Split(scr, "\n")[0]
	if !strings.Contains(title, " DEMO ") || !strings.Contains(title, " READ-ONLY ") {
		t.Errorf("a badge is cut at 80 columns: %q", title)
	}
	s.keys("s")
	s.waitFor("the list sorted by name", regexp.MustCompile(`(?s)· by name .*onboarding-emea.*support-escalations.*サポート-東京.*✓ sorted by name`))

	s.keys("g")
	s.waitFor("the first conference selected", regexp.MustCompile(`(?m)^▶ onboarding-emea`))
	s.keys("j")
	s.waitFor("the recorded conference selected", regexp.MustCompile(`(?m)^▶ support-escalations`))
	s.keys("Enter")
	scr = s.waitFor("the recorded conference", regexp.MustCompile(`(?m)^confconsole  support-escalations .*● REC`))
	if title := strings.Split(scr, "\n")[0]; !strings.Contains(title, " READ-ONLY ") {
		t.Errorf("a badge is cut at 80 columns: %q", title)
	}
	s.keys("m")
	s.waitFor("the read-only answer", regexp.MustCompile(`✗ read-only: m \(mute/unmute\) is disabled`))

	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))
}

// TestEndToEndDemoRecording: the recorded demo conference lets p and P be
// tried, and P once the recording is stopped says there is nothing to stop
// instead of asking and then showing Twilio's raw error.
func TestEndToEndDemoRecording(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, 80, 24, []string{"TERM=xterm-256color", "NO_COLOR="},
		fmt.Sprintf("%s --demo --refresh 1s --conference support-escalations; echo EXITED $?; sleep 60", bin))

	s.waitFor("the recorded conference", regexp.MustCompile(`(?m)^confconsole  support-escalations .*● REC`))
	s.keys("p")
	s.waitFor("the recording paused", regexp.MustCompile(`(?s)‖ REC paused.*✓ recording paused`))
	s.keys("P")
	s.waitFor("the question", regexp.MustCompile(`Stop recording this conference\?`))
	s.keys("y")
	s.waitFor("the recording stopped", regexp.MustCompile(`✓ recording stopped`))
	s.keys("P")
	scr := s.waitFor("nothing to stop", regexp.MustCompile(`✗ this conference has no recording in progress or paused; nothing to stop`))
	if strings.Contains(scr, "20404") || strings.Contains(scr, "[y/N]") {
		t.Errorf("P with no recording asked or showed a raw error:\n%s", scr)
	}

	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))
}
