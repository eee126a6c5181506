package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/api/live"
	"confconsole/api/sim"
	"confconsole/api/webhook"
	"confconsole/model"
)

// await returns the first snapshot that satisfies ok; the bound only keeps
// a broken build from hanging, it measures nothing.
func await(t *testing.T, s *live.Subscription[live.RoomSnapshot], what string, ok func(live.RoomSnapshot) bool) live.RoomSnapshot {
	t.Helper()
	bound := time.After(10 * time.Second)
	for {
		select {
		case v, open := <-s.Updates():
			if !open {
				t.Fatal("the subscription closed")
			}
			if ok(v) {
				return v
			}
		case <-bound:
			t.Fatalf("no snapshot with %s within 10s", what)
		}
	}
}

func mutedIn(s live.RoomSnapshot, call string) (muted, listed bool) {
	for _, p := range s.Participants {
		if p.CallSID == call {
			return p.Muted, true
		}
	}
	return false, false
}

// TestSimulatorCallbacksMoveTheHub: the simulator posts signed callbacks to
// a receiver whose consumer is the Hub. With a 30 s poll interval, a mute
// made on the simulator directly (not through the Hub) shows in a
// watcher's snapshot before any second poll, so only the event explains
// it, and the feed says it came from an event; the next poll, sent after
// the event, agrees and adds nothing to the feed. Speech marks the talker
// without touching the roster. The latency from the mute request to the
// snapshot is logged over 20 mutes and unmutes.
func TestSimulatorCallbacksMoveTheHub(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	srv := sim.New(sim.WithHTTPClient(&http.Client{Timeout: 5 * time.Second}))
	if err := srv.AddAccount(account, token); err != nil {
		t.Fatal(err)
	}
	simTS := httptest.NewServer(srv)
	defer simTS.Close()
	client, err := api.New(api.Config{AccountSID: account, AuthToken: token, BaseURL: simTS.URL})
	if err != nil {
		t.Fatal(err)
	}
	h := live.New(client, live.Options{Interval: 30 * time.Second})
	defer h.Close()

	var rc *webhook.Receiver
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rc.ServeHTTP(w, r) }))
	defer hooks.Close()
	rc, err = webhook.New(webhook.Config{AccountSID: account, AuthToken: token, URL: hooks.URL + "/twilio"}, webhook.Hub{Live: h})
	if err != nil {
		t.Fatal(err)
	}
	go rc.Run(ctx)

	customer, err := srv.JoinConnected(account, "Support bridge", sim.Join{Label: "customer-7"})
	if err != nil {
		t.Fatal(err)
	}
	agent, err := srv.JoinConnected(account, "Support bridge", sim.Join{Label: "agent-2"})
	if err != nil {
		t.Fatal(err)
	}
	conf := customer.ConferenceSID
	if err := srv.Subscribe(account, conf, hooks.URL+"/twilio", "start", "end", "join", "leave", "mute", "hold", "modify", "speaker", "announcement"); err != nil {
		t.Fatal(err)
	}

	s, err := h.WatchRoom(ctx, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first := await(t, s, "both participants", func(v live.RoomSnapshot) bool { return len(v.Participants) == 2 })

	mute := func(on bool) (live.RoomSnapshot, time.Duration) {
		t.Helper()
		sent := time.Now()
		if _, err := client.UpdateParticipant(ctx, conf, customer.CallSID, api.UpdateParticipant{Muted: &on}); err != nil {
			t.Fatal(err)
		}
		v := await(t, s, "the mute", func(v live.RoomSnapshot) bool { m, ok := mutedIn(v, customer.CallSID); return ok && m == on })
		return v, time.Since(sent)
	}

	latest, _ := mute(true)
	shown := time.Now()
	if !latest.Poll.Updated.Equal(first.Poll.Updated) {
		t.Fatalf("a poll ran (updated %v, first %v): the test cannot tell the event showed the mute", latest.Poll.Updated, first.Poll.Updated)
	}
	if !latest.EventsLive {
		t.Error("the snapshot does not say events are live")
	}
	fromEvent := slices.IndexFunc(latest.Events, func(e live.Event) bool {
		return e.Change.Kind == model.EventMuted && e.Change.CallSID == customer.CallSID && e.Origin() == live.FromCallback
	})
	if fromEvent < 0 {
		t.Fatalf("no mute from an event in the feed: %v", latest.Events)
	}

	// A poll sent more than a second (Twilio stamps whole seconds) after
	// the event arrived is newer than it; a gap asks for one now.
	time.Sleep(time.Until(shown.Add(time.Second + 10*time.Millisecond)))
	h.Resync(conf)
	polled := await(t, s, "a second poll", func(v live.RoomSnapshot) bool { return v.Poll.Updated.After(first.Poll.Updated) })
	if m, _ := mutedIn(polled, customer.CallSID); !m {
		t.Fatal("the poll after the event does not show customer-7 muted")
	}
	if len(polled.Events) != len(latest.Events) {
		t.Fatalf("the poll added to the feed: %v", polled.Events[len(latest.Events):])
	}

	// Speech marks the talker, and the roster is the same.
	speak := http.Client{Timeout: 5 * time.Second}
	req, _ := http.NewRequest(http.MethodPost, simTS.URL+"/_sim/Conferences/"+conf+"/Participants/"+agent.CallSID+"/Speech",
		strings.NewReader(url.Values{"Speaking": {"true"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(account, token)
	resp, err := speak.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		t.Fatalf("speech control answered %d", resp.StatusCode)
	}
	talking := await(t, s, "agent-2 speaking", func(v live.RoomSnapshot) bool { return v.Speech[agent.CallSID].Speaking })
	if d := model.Diff(polled.Participants, talking.Participants, time.Now()); len(d) != 0 {
		t.Fatalf("speech changed the roster: %v", d)
	}

	// The latency from the request to the snapshot, for the report.
	var took []time.Duration
	for i := range 20 {
		_, d := mute(i%2 == 1) // customer-7 is muted: unmute first
		took = append(took, d)
	}
	slices.Sort(took)
	t.Logf("mute request to snapshot over %d: p50 %s, p95 %s, max %s", len(took), took[len(took)/2], took[len(took)*95/100], took[len(took)-1])
}
