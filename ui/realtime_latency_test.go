package ui

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/webhook"
)

// TestEventToScreenLatency measures, through the real program, how long a
// mute made directly on the simulator takes to reach the screen when the
// simulator's signed status callback goes to the receiver and on to the
// live state: from the simulator's answer to the mute to the frame on the
// terminal. No poll runs meanwhile (the test's timers hold them), so only
// the callback can bring it. The budget (p95 within a frame and 10 ms) is
// the performance report's to judge, as wall-clock time is; this test
// asserts that every mute arrived and that no poll was taken for it.
func TestEventToScreenLatency(t *testing.T) {
	c := startLiveConsole(t, 250, perfSize{120, 40}, 30*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	hs := httptest.NewUnstartedServer(nil)
	rcv, err := webhook.New(webhook.Config{AccountSID: simAccount, AuthToken: simToken, URL: "http://" + hs.Listener.Addr().String() + "/hook"},
		webhook.Hub{Live: c.hub})
	if err != nil {
		t.Fatal(err)
	}
	hs.Config.Handler = rcv
	hs.Start()
	t.Cleanup(hs.Close)
	go rcv.Run(ctx)
	if err := c.srv.Subscribe(simAccount, c.conf, hs.URL+"/hook", ConferenceEvents()...); err != nil {
		t.Fatal(err)
	}
	polls := c.app().room.polls
	rounds := *latencyRounds
	if raceEnabled {
		rounds = min(rounds, 5)
	}
	var lat []time.Duration
	for i := range rounds + 1 { // the first round also turns the title to "events live": not timed
		row := c.app().room.rows[i%10]
		muted := !row.Muted
		var done time.Time
		c.step(func() {
			if _, err := c.client.UpdateParticipant(context.Background(), c.conf, row.CallSID, api.UpdateParticipant{Muted: api.Bool(muted)}); err != nil {
				t.Fatal(err)
			}
			done = time.Now()
		}, func(m tea.Msg) bool {
			s, ok := m.(roomSnapMsg)
			if !ok {
				return false
			}
			for _, p := range s.snap.Participants {
				if p.CallSID == row.CallSID {
					return p.Muted == muted
				}
			}
			return false
		})
		if i > 0 {
			lat = append(lat, c.out.lastWrite().Sub(done))
		}
	}
	if got := c.app().room.polls; got != polls {
		t.Errorf("the mutes took %d polls; the callbacks alone should have brought them", got-polls)
	}
	perfLog(t, "latency.event_to_screen_p95", float64(p95(lat).Microseconds())/1000, "ms")
}
