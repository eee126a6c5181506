package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"confconsole/api/audit"
)

// TestEndToEndWriteWithUnclearAnswer runs the built binary in a real
// terminal against `confconsole sim`, whose next POST is acted on and then
// answered by a gateway's 504 page. The console sends the mute once, audits
// it unknown (not failed: a 5xx may come after Twilio acted), and the poll
// that shows the participant muted says so, in place of the warning.
func TestEndToEndWriteWithUnclearAnswer(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	baseURL, simLog := startSimProcess(t, bin, dir, "--fault", "504,method=POST")

	trail := filepath.Join(dir, "audit.jsonl")
	s := startTmux(t, 120, 30, []string{"TERM=xterm-256color", "NO_COLOR=",
		"TWILIO_ACCOUNT_SID=" + e2eAccount, "TWILIO_AUTH_TOKEN=" + e2eToken},
		fmt.Sprintf("%s --api-url %s --audit-log %s --refresh 1s; echo EXITED $?; sleep 60", bin, baseURL, trail))
	s.waitFor("the conference list", regexp.MustCompile(`in-progress`))
	s.keys("Enter")
	scr := s.waitFor("the participants", regexp.MustCompile(`(?m)^▶.*connected`))
	row := rowRE.FindStringSubmatch(selectedRow(scr))
	if row == nil {
		t.Fatalf("no selected participant row:\n%s", scr)
	}
	label, callSID := row[1], row[2]
	verb, want, state := "mute", "muted", "muted"
	if row[4] == "muted" {
		verb, want, state = "unmute", "-", "unmuted"
	}
	s.keys("m")
	confirmed := regexp.MustCompile(`(?m)^.\s+` + regexp.QuoteMeta(label) + `\s+` + regexp.QuoteMeta(callSID) + `\s+\S+\s+` + regexp.QuoteMeta(want) + `\s`)
	s.waitFor(fmt.Sprintf("%s to show %q", label, want), confirmed)
	news := fmt.Sprintf("%s is now %s: %s took effect; no need to try again", label, state, verb)
	s.waitFor("the poll's news in place of the warning", regexp.MustCompile(regexp.QuoteMeta(news)))
	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))

	requests, err := os.ReadFile(simLog)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(requests, []byte("POST ")); n != 1 {
		t.Errorf("the simulator saw %d POSTs, want the one mute:\n%s", n, requests)
	}
	f, err := os.Open(trail)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var es []audit.Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		es = append(es, e)
	}
	if len(es) != 2 || es[1].Outcome != audit.OutcomeUnknown || !strings.Contains(es[1].Error, "HTTP 504") {
		t.Errorf("audit records %+v, want an intent and a result with outcome unknown naming HTTP 504", es)
	}
}
