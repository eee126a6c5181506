package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/ui"
)

// TestEndToEndRealTime runs the built binary in tmux with its receiver on
// loopback and polls thirty seconds apart, against the simulator posting
// signed status callbacks to it: the title says "events live" once they
// arrive; a mute made directly on the simulator shows, tagged as an event
// in the feed, long before the next poll; a talking marker comes and goes
// through the simulator's Speech control endpoint; and a typed
// announcement's end shows in the flash.
func TestEndToEndRealTime(t *testing.T) {
	needTmux(t)
	w := newHookWorld(t)
	bin := buildBinary(t)
	addr := freeAddr(t)
	public := "http://" + addr + "/hook"
	trail := filepath.Join(t.TempDir(), "audit.log")
	env := []string{"TWILIO_ACCOUNT_SID=" + hookAccount, "TWILIO_AUTH_TOKEN=" + hookToken}
	s := startTmux(t, 120, 30, env, fmt.Sprintf("%s --api-url %s --audit-log %s --conference '%s' --refresh 30s --webhook-listen %s --webhook-url %s; echo EXITED $?; sleep 60",
		bin, w.apiURL, trail, hookConf, addr, public))
	s.waitFor("the roster, polling only", regexp.MustCompile(`(?s)polling only.*alice`))

	client, err := api.New(api.Config{AccountSID: hookAccount, AuthToken: hookToken, BaseURL: w.apiURL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ps, err := client.ListParticipants(ctx, w.confSID, api.ParticipantFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sids := map[string]string{}
	for _, p := range ps {
		sids[p.Label] = p.CallSID
	}
	if err := w.srv.Subscribe(hookAccount, w.confSID, public, ui.ConferenceEvents()...); err != nil {
		t.Fatal(err)
	}

	// A mute made on the simulator, behind the console's back: with polls
	// thirty seconds apart, only the callback can show it now.
	if _, err := client.UpdateParticipant(ctx, w.confSID, sids["bob"], api.UpdateParticipant{Muted: api.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	s.waitFor("events live in the title", regexp.MustCompile(`events live`))
	s.waitFor("bob's row muted", regexp.MustCompile(`bob .*connected\s+muted`))
	s.keys("e")
	s.waitFor("the feed saying the mute came from an event", regexp.MustCompile(`\d\d:\d\d:\d\d evt\s+bob muted`))

	// The poll stays the source of truth: the next one (asked for now
	// with r, rather than thirty seconds on) agrees with the event, so
	// the row stays muted and the feed gains no correction from it.
	polled := w.polls()
	s.keys("r")
	deadline := time.Now().Add(10 * time.Second)
	for w.polls() == polled && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if w.polls() == polled {
		t.Fatal("r did not poll the conference")
	}
	time.Sleep(500 * time.Millisecond) // a frame or ten for the poll's answer to show
	scr := s.waitFor("the screen after the poll", regexp.MustCompile(`(?s)bob .*connected\s+muted.*evt\s+bob muted`))
	for _, wrong := range []string{"poll  bob", "poll bob", "⚠"} {
		if strings.Contains(scr, wrong) {
			t.Errorf("the poll after the event disagreed with it (%q on screen):\n%s", wrong, scr)
		}
	}
	s.keys("e")

	speak := func(who string, on bool) {
		t.Helper()
		form := url.Values{"Speaking": {fmt.Sprint(on)}}
		req, err := http.NewRequest(http.MethodPost, w.apiURL+"/_sim/Conferences/"+w.confSID+"/Participants/"+sids[who]+"/Speech", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth(hookAccount, hookToken)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("Speech for %s: HTTP %d", who, resp.StatusCode)
		}
	}
	speak("alice", true)
	s.waitFor("alice talking", regexp.MustCompile(`alice .*● talking`))
	speak("alice", false)
	scr = s.waitFor("alice's talking marker gone", regexp.MustCompile(`alice .*spoke now`))
	if strings.Contains(scr, "talking") {
		t.Errorf("a talking marker stayed after the speech stopped:\n%s", scr)
	}

	// A typed announcement to the whole conference: its end, reported by
	// the simulator's callback, is the flash.
	s.keys("A")
	s.waitFor("the announce prompt", regexp.MustCompile(`or text to say`))
	s.keys("-l", "Break in five minutes")
	s.keys("Enter")
	s.waitFor("the announcement's end in the flash", regexp.MustCompile(`✓ the announcement to everyone finished`))
}
