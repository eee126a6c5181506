package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the built binary in a real terminal: a detached tmux
// session on a private server socket, read back with capture-pane.
type tmuxSession struct {
	t      *testing.T
	socket string
	name   string
}

// needTmux skips the real-terminal test where tmux is missing, with a
// message that says so and how to run it, except in CI, which installs tmux
// and must run the test: there it fails.
func needTmux(t *testing.T) {
	t.Helper()
	_, err := exec.LookPath("tmux")
	switch fail, msg := tmuxVerdict(err == nil, os.Getenv("CI")); {
	case msg == "":
	case fail:
		t.Fatal(msg)
	default:
		t.Skip(msg)
	}
}

// tmuxVerdict says what the end-to-end test does given whether tmux is
// installed and the value of CI: run (no message), skip with msg, or fail
// with msg. CI services set CI=true; "false" or "0" means not in CI.
func tmuxVerdict(haveTmux bool, ci string) (fail bool, msg string) {
	if haveTmux {
		return false, ""
	}
	if inCI, err := strconv.ParseBool(ci); err == nil && inCI {
		return true, "tmux is not installed, and CI must run the end-to-end test: install tmux (bash .ci/run does)"
	}
	return false, "SKIPPED: the end-to-end test needs tmux, which is not installed; install tmux to run it (with CI=true this is a failure)"
}

// buildBinary compiles the command once per test into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "confconsole")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func startTmux(t *testing.T, width, height int, env []string, command string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock"), name: "e2e"}
	args := []string{"-S", s.socket, "-f", "/dev/null", "new-session", "-d", "-s", s.name,
		"-x", fmt.Sprint(width), "-y", fmt.Sprint(height)}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	args = append(args, command)
	cmd := exec.Command("tmux", args...)
	cmd.Env = paneEnv(os.Environ())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
	return s
}

// paneEnv is the part of the test's environment the tmux server starts
// with, and so every pane: what finds programs and files and the locale,
// nothing that changes how the console draws. A CI service sets CI=true,
// which termenv reads as "not a terminal" and so draws without colour; a
// developer may have NO_COLOR, COLORTERM or COLORFGBG set. Each test sets
// what its terminal is (TERM, NO_COLOR) itself.
func paneEnv(environ []string) []string {
	var keep []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "PATH", name == "HOME", name == "SHELL", name == "USER", name == "LOGNAME",
			name == "TMPDIR", name == "TZ", name == "LANG", strings.HasPrefix(name, "LC_"):
			keep = append(keep, kv)
		}
	}
	return keep
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen returns the visible pane as plain text.
func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", s.name) }

// keys types into the pane; each argument is a tmux key name or literal text.
func (s *tmuxSession) keys(keys ...string) {
	s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

// waitFor polls the screen until re matches, failing with the last screen
// after the deadline. The deadline is generous: it only bounds a broken run.
func (s *tmuxSession) waitFor(what string, re *regexp.Regexp) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		scr := s.screen()
		if re.MatchString(scr) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting for %s (%s); the screen was:\n%s", what, re, scr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// selectedRow returns the screen line that carries the selection marker.
func selectedRow(scr string) string {
	for _, line := range strings.Split(scr, "\n") {
		if strings.HasPrefix(line, "▶") {
			return line
		}
	}
	return ""
}

// rowFields splits a table row into its columns (two or more spaces apart
// is not needed: the columns hold no spaces but the label may, so the label
// is everything up to the call SID).
var rowRE = regexp.MustCompile(`^▶\s+(.+?)\s+(CA[0-9a-f…]+)\s+(\S+)\s+(muted|-)\s`)

// TestEndToEndDemo runs the built binary with --demo in a real terminal at
// 80x24: it opens a conference, selects a participant, mutes or unmutes it,
// sees the change confirmed by a poll, opens help, quits, and checks that the
// terminal came back from the alternate screen.
func TestEndToEndDemo(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	home := t.TempDir() // the binary reads its config file and twilio-cli profiles from home
	s := startTmux(t, 80, 24, []string{"TERM=xterm-256color", "NO_COLOR=", "HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_STATE_HOME=" + home},
		fmt.Sprintf("%s --demo --refresh 1s; echo EXITED $?; sleep 60", bin))

	s.waitFor("the conference list", regexp.MustCompile(`(?s)DEMO.*in-progress`))
	s.keys("Enter")
	s.waitFor("the participants of the first conference", regexp.MustCompile(`(?m)^▶.*connected`))

	// Select the second participant: the selection marker moves with it.
	before := rowRE.FindStringSubmatch(selectedRow(s.screen()))
	s.keys("j")
	var row []string
	deadline := time.Now().Add(10 * time.Second)
	for {
		row = rowRE.FindStringSubmatch(selectedRow(s.screen()))
		if row != nil && (before == nil || row[2] != before[2]) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the selection did not move to another participant; screen:\n%s", s.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
	label, callSID, wasMuted := row[1], row[2], row[4] == "muted"

	// Mute (or unmute) it and wait for a poll to show the new state on that
	// participant's row, wherever the row is.
	s.keys("m")
	want := "muted"
	if wasMuted {
		want = "-"
	}
	confirmed := regexp.MustCompile(`(?m)^.\s+` + regexp.QuoteMeta(label) + `\s+` + regexp.QuoteMeta(callSID) + `\s+\S+\s+` + regexp.QuoteMeta(want) + `\s`)
	s.waitFor(fmt.Sprintf("%s to show %q", label, want), confirmed)

	// Help is generated from the key map.
	s.keys("?")
	s.waitFor("the help overlay", regexp.MustCompile(`(?s)mute/unmute.*hold/resume.*quit`))
	s.keys("?")
	s.waitFor("the table again", regexp.MustCompile(`(?m)^▶`))

	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))
	if alt := strings.TrimSpace(s.tmux("display-message", "-p", "-t", s.name, "#{alternate_on}")); alt != "0" {
		t.Errorf("the terminal is still on the alternate screen after quitting (alternate_on=%s)", alt)
	}
	if scr := s.screen(); strings.Contains(scr, "confconsole") && strings.Contains(scr, callSID) {
		t.Errorf("the console's table is still on screen after quitting:\n%s", scr)
	}
}

// TestEndToEndRemappedKey runs the built binary in a real terminal with a
// config file that moves mute from m to z: m no longer mutes, z does, and
// the help overlay shows z. Home and the config folder are temporary, so
// nothing of the user running the tests is read.
func TestEndToEndRemappedKey(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	home := t.TempDir()
	xdg := filepath.Join(home, "config")
	if err := os.MkdirAll(filepath.Join(xdg, "confconsole"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(xdg, "confconsole", "config.toml"), []byte("[keys]\nmute = [\"z\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startTmux(t, 100, 30, []string{"TERM=xterm-256color", "NO_COLOR=", "HOME=" + home, "XDG_CONFIG_HOME=" + xdg, "XDG_STATE_HOME=" + home},
		fmt.Sprintf("%s --demo --refresh 1s; echo EXITED $?; sleep 60", bin))

	s.waitFor("the conference list", regexp.MustCompile(`(?s)DEMO.*in-progress`))
	s.keys("Enter")
	s.waitFor("the participants of the first conference", regexp.MustCompile(`(?m)^▶.*connected`))
	rowOf := func(label, callSID, state string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^.\s+` + regexp.QuoteMeta(label) + `\s+` + regexp.QuoteMeta(callSID) + `\s+\S+\s+` + regexp.QuoteMeta(state) + `\s`)
	}

	// m is no longer mute. The arrow key after it moves the selection to
	// the second row; once it has, m was read too, and no row is muting.
	s.keys("m")
	s.keys("Down")
	scr := s.waitFor("the second row selected", regexp.MustCompile(`(?m)^\s+LABEL.*\n  .*\n▶`))
	if strings.Contains(scr, "muting…") {
		t.Fatalf("m still acts on the participant:\n%s", scr)
	}

	// The help overlay shows z for mute, not m.
	s.keys("?")
	scr = s.waitFor("the help overlay with z for mute", regexp.MustCompile(`(?s)confconsole · keys.*\bz\s+mute/unmute`))
	if regexp.MustCompile(`(?m)\bm\s+mute/unmute`).MatchString(scr) {
		t.Errorf("the help still shows m for mute:\n%s", scr)
	}
	s.keys("?")
	scr = s.waitFor("the table again", regexp.MustCompile(`(?m)^▶`))

	// z mutes (or unmutes), confirmed by a poll.
	row := rowRE.FindStringSubmatch(selectedRow(scr))
	if row == nil {
		t.Fatalf("no selected participant row:\n%s", scr)
	}
	label, callSID := row[1], row[2]
	want := "muted"
	if row[4] == "muted" {
		want = "-"
	}
	s.keys("z")
	s.waitFor(fmt.Sprintf("%s to show %q after z", label, want), rowOf(label, callSID, want))

	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))
}

// TestTmuxVerdict pins what happens without tmux: a loud skip on a
// developer's machine, a failure in CI.
func TestTmuxVerdict(t *testing.T) {
	tests := []struct {
		have     bool
		ci       string
		wantFail bool
		wantMsg  bool
	}{
		{have: true, ci: "", wantFail: false, wantMsg: false},
		{have: true, ci: "true", wantFail: false, wantMsg: false},
		{have: false, ci: "", wantFail: false, wantMsg: true},
		{have: false, ci: "false", wantFail: false, wantMsg: true},
		{have: false, ci: "0", wantFail: false, wantMsg: true},
		{have: false, ci: "true", wantFail: true, wantMsg: true},
		{have: false, ci: "1", wantFail: true, wantMsg: true},
	}
	for _, tc := range tests {
		fail, msg := tmuxVerdict(tc.have, tc.ci)
		if fail != tc.wantFail || (msg != "") != tc.wantMsg {
			t.Errorf("tmux installed %v, CI=%q: fail %v, message %q; want fail %v, a message %v", tc.have, tc.ci, fail, msg, tc.wantFail, tc.wantMsg)
		}
		if msg != "" && !strings.Contains(msg, "install tmux") {
			t.Errorf("CI=%q: the message %q does not say to install tmux", tc.ci, msg)
		}
	}
}

// The account the e2e tests' simulators serve.
const e2eAccount, e2eToken = "AC0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"

// startSimProcess runs the built binary's simulator (`confconsole sim`,
// seed 11, on a free loopback port, serving e2eAccount) with args added,
// its output and request log under dir, until the test ends. It returns
// the simulator's base URL and the path of its request log.
func startSimProcess(t *testing.T, bin, dir string, args ...string) (baseURL, requestLog string) {
	t.Helper()
	simOut, simLog := filepath.Join(dir, "sim.out"), filepath.Join(dir, "sim.log")
	outF, err := os.Create(simOut)
	if err != nil {
		t.Fatal(err)
	}
	logF, err := os.Create(simLog)
	if err != nil {
		t.Fatal(err)
	}
	sim := exec.Command(bin, append([]string{"sim", "--listen", "127.0.0.1:0", "--seed", "11",
		"--account-sid", e2eAccount, "--auth-token", e2eToken}, args...)...)
	sim.Stdout, sim.Stderr = outF, logF
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sim.Process.Kill()
		sim.Wait()
		outF.Close()
		logF.Close()
	})
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		b, _ := os.ReadFile(simOut)
		if m := regexp.MustCompile(`base URL\s+(\S+)`).FindSubmatch(b); m != nil {
			return string(m[1]), simLog
		}
		if time.Now().After(deadline) {
			t.Fatalf("the simulator did not start; it said:\n%s", b)
		}
	}
}

func TestPaneEnvKeepsNothingThatChangesDrawing(t *testing.T) {
	got := paneEnv([]string{
		"PATH=/usr/bin", "HOME=/home/op", "LANG=C.UTF-8", "LC_CTYPE=C.UTF-8",
		"CI=true", "NO_COLOR=1", "CLICOLOR=0", "COLORTERM=truecolor", "COLORFGBG=0;15",
		"TERM=dumb", "TMUX=/tmp/tmux-0/default,1,0", "TERM_PROGRAM=vscode",
	})
	want := []string{"PATH=/usr/bin", "HOME=/home/op", "LANG=C.UTF-8", "LC_CTYPE=C.UTF-8"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("paneEnv kept %q, want %q", got, want)
	}
}
