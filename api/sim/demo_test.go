package sim

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// snapshot renders what a console would see: every conference and its
// participants' state, in list order.
func snapshot(srv *Server) string {
	var b strings.Builder
	for _, c := range srv.Conferences(testAccount) {
		fmt.Fprintf(&b, "%s %s\n", c.FriendlyName, c.Status)
		for _, p := range srv.Participants(testAccount, c.SID) {
			fmt.Fprintf(&b, "  %s %s muted=%v hold=%v coaching=%v\n", p.Label, p.Status, p.Muted, p.Hold, p.Coaching)
		}
	}
	return b.String()
}

// runDemo starts the demo on a fresh simulator and records a snapshot every
// simulated second for the given span.
func runDemo(t *testing.T, seed int64, span time.Duration) []string {
	t.Helper()
	h := newHarness(t, WithSeed(seed), WithTimings(Timings{Queue: time.Second, Connect: time.Second, Ring: 3 * time.Second, Linger: 5 * time.Second}))
	stop, err := StartDemo(h.srv, testAccount, seed)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	var snaps []string
	for elapsed := time.Duration(0); elapsed <= span; elapsed += time.Second {
		snaps = append(snaps, snapshot(h.srv))
		h.clock.Advance(time.Second)
	}
	return snaps
}

// TestDemoScenario: three live conferences with agents, customers and a
// supervisor, realistic and non-ASCII labels, and a state that keeps
// changing as the clock moves.
func TestDemoScenario(t *testing.T) {
	h := newHarness(t)
	stop, err := StartDemo(h.srv, testAccount, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	doc := h.must(200, "GET", confsPath()+"?Status=in-progress", nil)
	confs := doc["conferences"].([]any)
	if len(confs) != 3 {
		t.Fatalf("%d live conferences, want 3", len(confs))
	}
	var labels []string
	for _, c := range confs {
		sid := str(c.(map[string]any)["sid"])
		ps := h.must(200, "GET", partsPath(sid), nil)["participants"].([]any)
		if len(ps) < 3 {
			t.Errorf("conference %v has %d participants", c.(map[string]any)["friendly_name"], len(ps))
		}
		for _, p := range ps {
			labels = append(labels, str(p.(map[string]any)["label"]))
		}
	}
	all := strings.Join(labels, "|")
	for _, want := range []string{"agent-maria", "customer +1 415 555 0142", "supervisor-li"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q among %v", want, labels)
		}
	}
	nonASCII := 0
	for _, l := range labels {
		if utf8.RuneCountInString(l) != len(l) {
			nonASCII++
		}
	}
	if nonASCII < 2 {
		t.Errorf("only %d non-ASCII labels among %v", nonASCII, labels)
	}
	// A second demo in the same account shares the rooms.
	stop2, err := StartDemo(h.srv, testAccount, 8)
	if err != nil {
		t.Fatal(err)
	}
	stop2()
	if n := len(h.srv.Conferences(testAccount)); n != 3 {
		t.Errorf("%d conferences after a second demo started, want the same 3", n)
	}
	if _, err := StartDemo(h.srv, "AC"+strings.Repeat("9", 32), 1); err == nil {
		t.Error("demo started in an unknown account")
	}
}

// TestDemoChangesAndIsDeterministic: over ten simulated minutes people are
// muted, held, join and leave; the same seed replays the same story and a
// different seed tells another.
func TestDemoChangesAndIsDeterministic(t *testing.T) {
	a := runDemo(t, 11, 10*time.Minute)
	b := runDemo(t, 11, 10*time.Minute)
	c := runDemo(t, 12, 10*time.Minute)
	changes := 0
	for i := 1; i < len(a); i++ {
		if a[i] != a[i-1] {
			changes++
		}
		if a[i] != b[i] {
			t.Fatalf("seed 11 diverged at second %d:\n%s\nvs\n%s", i, a[i], b[i])
		}
	}
	if changes < 60 {
		t.Errorf("only %d changes in ten minutes", changes)
	}
	if strings.Join(a, "") == strings.Join(c, "") {
		t.Error("seeds 11 and 12 tell the same story")
	}
	joined := strings.Join(a, "")
	for _, want := range []string{"muted=true", "hold=true", "coaching=true", "ringing", "queued", "failed"} {
		if !strings.Contains(joined, want) {
			t.Errorf("in ten minutes nobody was ever %s", want)
		}
	}
	last := a[len(a)-1]
	if strings.Count(last, " in-progress\n") != 3 {
		t.Errorf("after ten minutes:\n%s", last)
	}
}

// TestDemoReopensEndedRooms and stops when told.
func TestDemoReopensEndedRoomsAndStops(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- RunDemo(ctx, h.srv, testAccount, 3) }()
	// Wait for the demo's conferences (RunDemo starts asynchronously here).
	deadline := time.Now().Add(5 * time.Second)
	for len(h.srv.Conferences(testAccount)) < 3 {
		if time.Now().After(deadline) {
			t.Fatal("demo did not start")
		}
		time.Sleep(time.Millisecond)
	}
	first := h.srv.Conferences(testAccount)[0]
	h.must(200, "POST", confPath(first.SID), map[string][]string{"Status": {"completed"}})
	h.clock.Advance(time.Minute)
	live := 0
	for _, c := range h.srv.Conferences(testAccount) {
		if c.Status == "in-progress" {
			live++
		}
	}
	if live != 3 {
		t.Fatalf("%d live conferences a minute after one was ended, want 3 (reopened)", live)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	before := snapshot(h.srv)
	h.clock.Advance(10 * time.Minute)
	if after := snapshot(h.srv); after != before {
		t.Errorf("the demo kept changing after it stopped:\n%s\nvs\n%s", before, after)
	}
}

// TestDemoCallsAnAgentBack: a room whose agent a moderator removed calls
// an agent back, who rings and connects.
func TestDemoCallsAnAgentBack(t *testing.T) {
	h := newHarness(t, WithTimings(Timings{Queue: time.Second, Connect: time.Second, Ring: 3 * time.Second}))
	stop, err := StartDemo(h.srv, testAccount, 5)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	var room string
	for _, c := range h.srv.Conferences(testAccount) {
		if c.FriendlyName == "support-escalations" {
			room = c.SID
		}
	}
	h.must(204, "DELETE", partPath(room, "agent-maria"), nil)
	seen := map[string]bool{}
	for i := 0; i < 40; i++ {
		h.clock.Advance(time.Second)
		if r := h.do("GET", partPath(room, "agent-maria"), nil); r.status == 200 {
			seen[str(r.doc(t)["status"])] = true
		}
	}
	for _, st := range []string{"ringing", "connected"} {
		if !seen[st] {
			t.Errorf("agent-maria never %s after being removed (saw %v)", st, seen)
		}
	}
}

// TestDemoRecords: one demo conference is recorded from its start, so a
// console in --demo can try pausing, resuming and stopping a recording; the
// others are not, so "no recording" can be tried too.
func TestDemoRecords(t *testing.T) {
	h := newHarness(t)
	stop, err := StartDemo(h.srv, testAccount, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	doc := h.must(200, "GET", confsPath()+"?Status=in-progress", nil)
	recorded := map[string]string{}
	for _, c := range doc["conferences"].([]any) {
		c := c.(map[string]any)
		base := "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + str(c["sid"]) + "/Recordings"
		recs := h.must(200, "GET", base+".json", nil)["recordings"].([]any)
		if len(recs) == 0 {
			continue
		}
		rec := recs[0].(map[string]any)
		recorded[str(c["friendly_name"])] = str(rec["status"])
		paused := h.must(200, "POST", base+"/Twilio.CURRENT.json", url.Values{"Status": {"paused"}})
		if got := str(paused["status"]); got != "paused" {
			t.Errorf("%s: pausing the demo recording gave status %q, want paused", c["friendly_name"], got)
		}
	}
	if len(recorded) != 1 || recorded["support-escalations"] != "in-progress" {
		t.Errorf("recorded demo conferences = %v, want only support-escalations, in-progress", recorded)
	}
}
