package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// tableRowRE is one participant row: the selection marker or a space, the
// label (which may hold spaces), the shortened call SID, the status and the
// muted column.
var tableRowRE = regexp.MustCompile(`^(▶| ) (.+?)\s+(CA\S+)\s+(\S+)\s+(muted|-)\s`)

type shownRow struct {
	selected   bool
	label, sid string
	muted      bool
}

// sids is the order of the rows, for telling whether the roster changed.
func sids(rows []shownRow) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.sid + " ")
	}
	return b.String()
}

func shownRows(scr string) []shownRow {
	var rows []shownRow
	for _, line := range strings.Split(scr, "\n") {
		if m := tableRowRE.FindStringSubmatch(line); m != nil {
			rows = append(rows, shownRow{selected: m[1] == "▶", label: m[2], sid: m[3], muted: m[5] == "muted"})
		}
	}
	return rows
}

// TestKeysTypedTogetherAreEachHandled types "jjm" as one burst, the way a
// fast typist, key repeat, a laggy SSH link or a script delivers it: tmux's
// send-keys -l writes the three bytes to the console's terminal in one
// write, and Bubble Tea reads them as one message. The selection must move
// two rows and that participant must be muted (or unmuted).
func TestKeysTypedTogetherAreEachHandled(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	s := startTmux(t, 100, 30, []string{"TERM=xterm-256color", "NO_COLOR="},
		fmt.Sprintf("%s --demo --refresh 1s; echo EXITED $?; sleep 60", bin))
	s.waitFor("the conference list", regexp.MustCompile(`(?s)DEMO.*in-progress`))
	s.keys("Enter")
	s.waitFor("the participants of the first conference", regexp.MustCompile(`(?m)^▶.*connected`))

	// The demo's callers come and go: if the roster changes between
	// reading it and the keys arriving, the rows have moved under the
	// burst, and the try says nothing; try again from the top (g).
	keys := "jjm"
	for try := 1; ; try++ {
		rows := shownRows(s.screen())
		sel := -1
		for i, r := range rows {
			if r.selected {
				sel = i
			}
		}
		if keys != "jjm" {
			sel = 0
		}
		if sel < 0 || sel+2 >= len(rows) {
			t.Fatalf("need a selection with two rows under it; rows %+v", rows)
		}
		target := rows[sel+2]
		want := "muted"
		if target.muted {
			want = "-"
		}
		s.tmux("send-keys", "-t", s.name, "-l", keys)
		done := regexp.MustCompile(`(?m)^▶ ` + regexp.QuoteMeta(target.label) + `\s+` + regexp.QuoteMeta(target.sid) + `\s+\S+\s+` + regexp.QuoteMeta(want) + `\s`)
		var scr string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if scr = s.screen(); done.MatchString(scr) {
				break
			}
		}
		if done.MatchString(scr) {
			break
		}
		if sids(shownRows(scr)) == sids(rows) || try == 3 {
			t.Fatalf("after %q the selection is not on %s, two rows down, shown %q; the screen was:\n%s", keys, target.label, want, scr)
		}
		keys = "gjjm"
	}

	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))
}
