package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"confconsole/api"
	"confconsole/api/sim"
)

// TestConferenceThatVanishesIsSaidSo: when the simulator behind the console
// restarts, the open conference is simply not there any more; the console
// goes back to the list and says why, as an error that stays a while, not
// as an ordinary ending.
func TestConferenceThatVanishesIsSaidSo(t *testing.T) {
	clock := sim.NewFakeClock(testNow)
	newSim := func() *sim.Server {
		srv := sim.New(sim.WithClock(clock), sim.WithSeed(7))
		if err := srv.AddAccount(simAccount, simToken); err != nil {
			t.Fatal(err)
		}
		return srv
	}
	var current atomic.Pointer[sim.Server]
	first := newSim()
	stop, err := sim.StartDemo(first, simAccount, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	current.Store(first)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { current.Load().ServeHTTP(w, r) }))
	defer hs.Close()
	client, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: hs.URL, Retry: api.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarnessFor(t, client, nil, clock.Now(), nil)
	h.key("enter")
	if h.app.screen != screenRoom {
		t.Fatalf("no conference opened:\n%s", h.view())
	}
	name, sid := h.app.room.conf.FriendlyName, h.app.room.conf.SID

	current.Store(newSim()) // the same account, none of its conferences
	h.poll()
	if h.app.screen != screenList {
		t.Fatalf("the room stayed open on a conference that is gone:\n%s", h.view())
	}
	want := "conference " + name + " disappeared: the server no longer knows " + sid
	if !strings.HasPrefix(h.app.flash.text, want) || !h.app.flash.isErr {
		t.Errorf("flash = %q (error %v), want an error starting %q", h.app.flash.text, h.app.flash.isErr, want)
	}
	if !strings.Contains(h.view(), "✗ conference "+name+" disappeared") {
		t.Errorf("the screen does not say so:\n%s", h.view())
	}
}
