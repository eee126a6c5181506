package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"confconsole/api/audit"
)

// anyRowRE is a participants row, selected or not, without marks on show:
// label, call SID, status, muted.
var anyRowRE = regexp.MustCompile(`(?m)^.\s+(.+?)\s+(CA[0-9a-f…]+)\s+(\S+)\s+(muted|-)\s`)

// TestEndToEndMuteEveryoneButThePresenter runs the built binary in a real
// terminal against `confconsole sim` with its demo all but frozen: mark
// the presenter with space, invert with *, m, y. Everyone else is muted,
// each by exactly one POST (the simulator's request log), each audited on
// its own line with the one batch id, and the presenter is never sent
// anything.
func TestEndToEndMuteEveryoneButThePresenter(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	baseURL, simLog := startSimProcess(t, bin, dir, "--speed", "0.001")

	trail := filepath.Join(dir, "audit.jsonl")
	s := startTmux(t, 120, 40, []string{"TERM=xterm-256color", "NO_COLOR=1",
		"TWILIO_ACCOUNT_SID=" + e2eAccount, "TWILIO_AUTH_TOKEN=" + e2eToken},
		fmt.Sprintf("%s --api-url %s --audit-log %s --refresh 1s; echo EXITED $?; sleep 60", bin, baseURL, trail))
	s.waitFor("the conference list", regexp.MustCompile(`in-progress`))
	s.keys("Enter")
	scr := s.waitFor("the participants", regexp.MustCompile(`(?m)^▶.*connected`))
	row := rowRE.FindStringSubmatch(selectedRow(scr))
	if row == nil {
		t.Fatalf("no selected participant row:\n%s", scr)
	}
	presenter, presenterSID := row[1], row[2]

	s.keys("Space")
	s.waitFor("one mark", regexp.MustCompile(`1 marked`))
	s.keys("*")
	s.waitFor("the marks inverted: the presenter unmarked", regexp.MustCompile(`(?m)^▶ {2,}`+regexp.QuoteMeta(presenter)))
	s.keys("m")
	scr = s.waitFor("the question", regexp.MustCompile(`Mute (\d+) marked participants\?.*\[y/N\]`))
	asked, _ := strconv.Atoi(regexp.MustCompile(`Mute (\d+) marked`).FindStringSubmatch(scr)[1])
	s.keys("y")
	scr = s.waitFor("the summary", regexp.MustCompile(`muted \d+.*u to undo`))
	sent, _ := strconv.Atoi(regexp.MustCompile(`muted (\d+)`).FindStringSubmatch(scr)[1])
	if sent == 0 || sent > asked {
		t.Fatalf("the summary says %d muted of the %d asked:\n%s", sent, asked, scr)
	}

	// Every row but the presenter's shows muted once a poll is in.
	var rows [][]string
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		scr = s.screen()
		rows = anyRowRE.FindAllStringSubmatch(scr, -1)
		unmuted := 0
		for _, r := range rows {
			if r[4] != "muted" && r[1] != presenter {
				unmuted++
			}
		}
		if len(rows) > 1 && unmuted == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not everyone but %s is muted:\n%s", presenter, scr)
		}
	}
	if len(rows) != asked+1 {
		t.Errorf("%d rows, but the question named %d besides the presenter:\n%s", len(rows), asked, scr)
	}
	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))

	requests, err := os.ReadFile(simLog)
	if err != nil {
		t.Fatal(err)
	}
	posted := map[string]int{}
	for _, l := range strings.Split(string(requests), "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[0] == "POST" {
			posted[strings.TrimSuffix(f[1][strings.LastIndex(f[1], "/")+1:], ".json")]++
		}
	}
	if len(posted) != sent {
		t.Errorf("%d participants were sent an update, the summary says %d:\n%s", len(posted), sent, requests)
	}
	for sid, n := range posted {
		if n != 1 {
			t.Errorf("%s was sent %d updates, want 1", sid, n)
		}
		if strings.HasPrefix(presenterSID, sid[:6]) && strings.HasSuffix(presenterSID, sid[len(sid)-4:]) {
			t.Errorf("the presenter (%s) was sent an update", presenter)
		}
	}

	f, err := os.Open(trail)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	batch, ok := "", 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		if e.Batch == "" || (batch != "" && e.Batch != batch) {
			t.Errorf("audit line %+v: want the one batch id", e)
		}
		batch = e.Batch
		if e.Outcome == audit.OutcomeOK {
			ok++
			if posted[e.CallSID] != 1 {
				t.Errorf("audited %s as muted, which the simulator was sent %d times", e.CallSID, posted[e.CallSID])
			}
		}
	}
	if ok != sent {
		t.Errorf("%d audit lines say muted, the summary says %d", ok, sent)
	}
}
