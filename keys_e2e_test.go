package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
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

	rows := shownRows(s.screen())
	sel := -1
	for i, r := range rows {
		if r.selected {
			sel = i
		}
	}
	if sel < 0 || sel+2 >= len(rows) {
		t.Fatalf("need a selection with two rows under it; rows %+v", rows)
	}
	target := rows[sel+2]

	s.tmux("send-keys", "-t", s.name, "-l", "jjm")
	want := "muted"
	if target.muted {
		want = "-"
	}
	s.waitFor(fmt.Sprintf("the selection on %s, two rows down, shown %q", target.label, want),
		regexp.MustCompile(`(?m)^▶ `+regexp.QuoteMeta(target.label)+`\s+`+regexp.QuoteMeta(target.sid)+`\s+\S+\s+`+regexp.QuoteMeta(want)+`\s`))

	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))
}
