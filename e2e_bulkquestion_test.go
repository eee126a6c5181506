package main

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEndToEndBulkQuestionOutlivesAJoin asks to mute everyone (* then m)
// in a real terminal, then has a caller join through the REST API before
// the answer, as happens all the time on a live bridge. The join's poll
// must leave the question on screen, and y must then mute.
func TestEndToEndBulkQuestionOutlivesAJoin(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	baseURL, _ := startSimProcess(t, bin, dir, "--speed", "0.001")
	s := startTmux(t, 120, 40, []string{"TERM=xterm-256color", "NO_COLOR=1",
		"TWILIO_ACCOUNT_SID=" + e2eAccount, "TWILIO_AUTH_TOKEN=" + e2eToken},
		fmt.Sprintf("%s --api-url %s --audit-log %s --refresh 1s; echo EXITED $?; sleep 60", bin, baseURL, filepath.Join(dir, "audit.jsonl")))
	s.waitFor("the conference list", regexp.MustCompile(`in-progress`))
	s.keys("Enter")
	scr := s.waitFor("the participants", regexp.MustCompile(`(?m)^▶.*connected`))
	title := regexp.MustCompile(`(?m)^confconsole  (.+?)  `).FindStringSubmatch(scr)
	if title == nil {
		t.Fatalf("no conference name in the title:\n%s", scr)
	}

	s.keys("*")
	s.waitFor("everyone marked", regexp.MustCompile(`\d+ marked`))
	s.keys("m")
	s.waitFor("the question", regexp.MustCompile(`Mute \d+ marked participants\?.*\[y/N\]`))

	form := url.Values{"From": {"+14155550120"}, "To": {"+14155550121"}, "Label": {"late-joiner"}}
	join := baseURL + "/2010-04-01/Accounts/" + e2eAccount + "/Conferences/" + url.PathEscape(title[1]) + "/Participants.json"
	req, err := http.NewRequest(http.MethodPost, join, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(e2eAccount, e2eToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("the join: %s", resp.Status)
	}
	scr = s.waitFor("the joiner on screen", regexp.MustCompile(`late-joiner`))
	if !regexp.MustCompile(`Mute \d+ marked participants\?.*\[y/N\]`).MatchString(scr) {
		t.Fatalf("the poll that brought the joiner closed the question:\n%s", scr)
	}
	s.keys("y")
	s.waitFor("the summary", regexp.MustCompile(`muted \d+`))
	s.keys("q")
	s.waitFor("the program to exit", regexp.MustCompile(`EXITED 0`))
}
