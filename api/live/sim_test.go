package live_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/api/live"
	"confconsole/api/sim"
)

const (
	simAccount = "AC11111111111111111111111111111111"
	simToken   = "simTokenS3CRET11111111111111111xx"
)

// The real client is what the live state is built for.
var _ live.Service = (*api.Client)(nil)

// newSim serves a simulator over loopback and returns a client for it;
// with a gate, the client's requests go through the gate's transport.
func newSim(t *testing.T, retry api.RetryPolicy, gate *live.Gate) (*sim.Server, *api.Client) {
	t.Helper()
	srv := sim.New(sim.WithSeed(7))
	if err := srv.AddAccount(simAccount, simToken); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	cfg := api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: hs.URL, Retry: retry}
	if gate != nil {
		cfg.HTTPClient = &http.Client{Transport: gate.Transport(nil), Timeout: 10 * time.Second}
	}
	c, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// next waits for a snapshot that satisfies ok; the bound only keeps a
// broken build from hanging, it measures nothing.
func next[S any](t *testing.T, s *live.Subscription[S], ok func(S) bool) S {
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
			t.Fatal("no such snapshot within 10s")
		}
	}
}

// TestWithTheSimulator: two screens watch a room of the simulator through
// the real client, whose requests go through the Hub's own gate (one slot:
// a request the Hub sent must not queue twice); alice mutes a caller; both
// see the caller muted and "alice muted customer-7" in their feeds.
func TestWithTheSimulator(t *testing.T) {
	gate := live.NewGate(1)
	srv, client := newSim(t, api.RetryPolicy{}, gate)
	customer, err := srv.JoinConnected(simAccount, "Support bridge", sim.Join{Label: "customer-7"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.JoinConnected(simAccount, "Support bridge", sim.Join{Label: "agent-2"}); err != nil {
		t.Fatal(err)
	}
	h := live.New(client, live.Options{Interval: 50 * time.Millisecond, Gate: gate})
	defer h.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first, err := h.WatchRoom(ctx, customer.ConferenceSID)
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.WatchRoom(ctx, customer.ConferenceSID)
	if err != nil {
		t.Fatal(err)
	}
	list, err := h.WatchConferences(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l := next(t, list, func(l live.ConferenceList) bool { return len(l.Conferences) == 1 })
	if l.Conferences[0].FriendlyName != "Support bridge" {
		t.Fatalf("conference list: %+v", l.Conferences)
	}
	next(t, first, func(s live.RoomSnapshot) bool { return len(s.Participants) == 2 })

	err = h.Submit(ctx, live.Operator{Name: "alice", Fingerprint: "SHA256:x"}, customer.ConferenceSID,
		live.Action{Kind: live.Mute, CallSID: customer.CallSID, Label: customer.Label})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*live.Subscription[live.RoomSnapshot]{first, second} {
		snap := next(t, s, func(s live.RoomSnapshot) bool {
			for _, p := range s.Participants {
				if p.CallSID == customer.CallSID && p.Muted {
					return true
				}
			}
			return false
		})
		var said bool
		for _, e := range snap.Events {
			said = said || e.String() == "alice muted customer-7"
		}
		if !said {
			var texts []string
			for _, e := range snap.Events {
				texts = append(texts, e.String())
			}
			t.Fatalf("the feed does not say who muted customer-7: %q", texts)
		}
	}
}

// TestSimulatorThrottleReachesTheGate: a 429 with Retry-After from the
// simulator, through the real client, pauses the account's gate and shows
// in the poll status while the last roster stays.
func TestSimulatorThrottleReachesTheGate(t *testing.T) {
	srv, client := newSim(t, api.RetryPolicy{MaxAttempts: 1}, nil)
	p, err := srv.JoinConnected(simAccount, "Support bridge", sim.Join{Label: "customer-7"})
	if err != nil {
		t.Fatal(err)
	}
	h := live.New(client, live.Options{Interval: 50 * time.Millisecond})
	defer h.Close()
	s, err := h.WatchRoom(context.Background(), p.ConferenceSID)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	next(t, s, func(s live.RoomSnapshot) bool { return len(s.Participants) == 1 })
	srv.InjectFault(sim.Fault{Kind: sim.FaultTooManyRequests, Method: "GET", RetryAfter: 30 * time.Second,
		PathPrefix: "/2010-04-01/Accounts/" + simAccount + "/Conferences/" + p.ConferenceSID + "/Participants"})
	snap := next(t, s, func(s live.RoomSnapshot) bool { return s.Poll.Err != nil })
	if !errors.Is(snap.Poll.Err, api.ErrRateLimited) || len(snap.Participants) != 1 {
		t.Fatalf("poll error %v with %d participants, want a rate limit with the roster kept", snap.Poll.Err, len(snap.Participants))
	}
	if until := h.Gate().PausedUntil(); time.Until(until) < 25*time.Second {
		t.Fatalf("the gate is paused until %v, want about 30s from now", until)
	}
	if !strings.Contains(snap.Poll.Err.Error(), "20429") {
		t.Fatalf("poll error %q does not carry Twilio's code", snap.Poll.Err)
	}
}

// TestAddByNameWithTheSimulator: a name no active conference has starts a
// new conference, whose poll shows the participant dialled; a second add
// to the same name joins that conference, and the watchers of its room see
// who added whom; a name an active conference has joins it; a name that is
// no name is refused before anything is sent.
func TestAddByNameWithTheSimulator(t *testing.T) {
	srv, client := newSim(t, api.RetryPolicy{}, nil)
	ops, err := srv.JoinConnected(simAccount, "Ops bridge", sim.Join{Label: "lead"})
	if err != nil {
		t.Fatal(err)
	}
	h := live.New(client, live.Options{Interval: 50 * time.Millisecond})
	defer h.Close()
	alice := live.Operator{Name: "alice"}
	ctx := t.Context()

	first, err := h.AddByName(ctx, alice, "New bridge", api.CreateParticipant{To: "+14155550100", From: "+14155550111", Label: "agent-9"})
	if err != nil {
		t.Fatalf("add into a new name: %v", err)
	}
	if !strings.HasPrefix(first.ConferenceSID, "CF") || first.ConferenceSID == ops.ConferenceSID {
		t.Fatalf("the answer names conference %q, want a new CF… SID (Ops bridge is %s)", first.ConferenceSID, ops.ConferenceSID)
	}
	var named []string
	for _, c := range srv.Conferences(simAccount) {
		if c.FriendlyName == "New bridge" {
			named = append(named, c.SID)
		}
	}
	if len(named) != 1 || named[0] != first.ConferenceSID {
		t.Fatalf("conferences named New bridge: %v, want exactly the one the answer names (%s)", named, first.ConferenceSID)
	}

	s, err := h.WatchRoom(ctx, first.ConferenceSID)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	next(t, s, func(r live.RoomSnapshot) bool {
		for _, p := range r.Participants {
			if p.CallSID == first.CallSID && p.Label == "agent-9" {
				return true
			}
		}
		return false
	})

	second, err := h.AddByName(ctx, alice, "New bridge", api.CreateParticipant{To: "+14155550101", From: "+14155550111", Label: "agent-10"})
	if err != nil {
		t.Fatalf("second add into the name: %v", err)
	}
	if second.ConferenceSID != first.ConferenceSID {
		t.Fatalf("the second add went to %s, want the conference the first started (%s)", second.ConferenceSID, first.ConferenceSID)
	}
	next(t, s, func(r live.RoomSnapshot) bool {
		added, seen := false, false
		for _, e := range r.Events {
			added = added || strings.Contains(e.String(), "alice added agent-10")
		}
		for _, p := range r.Participants {
			seen = seen || p.CallSID == second.CallSID
		}
		return added && seen
	})

	joined, err := h.AddByName(ctx, alice, "Ops bridge", api.CreateParticipant{To: "+14155550102", From: "+14155550111"})
	if err != nil || joined.ConferenceSID != ops.ConferenceSID {
		t.Fatalf("add into Ops bridge: %v, conference %q; want Ops bridge's %s", err, joined.ConferenceSID, ops.ConferenceSID)
	}

	before := len(srv.Conferences(simAccount))
	for _, bad := range []string{"", "Ops\x1b[2Jbridge", strings.Repeat("n", 129)} {
		if _, err := h.AddByName(ctx, alice, bad, api.CreateParticipant{To: "+14155550103", From: "+14155550111"}); !errors.Is(err, live.ErrInvalidAction) {
			t.Errorf("add into %q: %v, want refused as invalid", bad, err)
		}
	}
	if after := len(srv.Conferences(simAccount)); after != before {
		t.Errorf("%d conferences after the refused adds, want %d (nothing sent)", after, before)
	}
}
