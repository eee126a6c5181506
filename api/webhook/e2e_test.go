package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"confconsole/api/sim"
	"confconsole/api/webhook"
)

const (
	account = "AC0123456789abcdef0123456789abcdef"
	token   = "e2e-auth-token"
)

// collector is a Consumer that keeps everything, for the test to wait on.
type collector struct {
	mu     sync.Mutex
	events []webhook.Event
	gaps   []string
	moved  chan struct{}
}

func (c *collector) HandleEvent(e webhook.Event) {
	c.mu.Lock()
	c.events = append(c.events, e)
	c.mu.Unlock()
	select {
	case c.moved <- struct{}{}:
	default:
	}
}

func (c *collector) HandleGap(conf string) {
	c.mu.Lock()
	c.gaps = append(c.gaps, conf)
	c.mu.Unlock()
}

// waitFor returns the first event for which match is true.
func (c *collector) waitFor(t *testing.T, what string, match func(webhook.Event) bool) webhook.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		for _, e := range c.events {
			if match(e) {
				c.mu.Unlock()
				return e
			}
		}
		c.mu.Unlock()
		select {
		case <-c.moved:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no %s event arrived", what)
		}
	}
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}

func named(name, call string) func(webhook.Event) bool {
	return func(e webhook.Event) bool { return e.Name == name && (call == "" || e.CallSID == call) }
}

// simClient talks to the simulator as the console would.
type simClient struct {
	t    *testing.T
	base string
}

func (s simClient) post(path string, form url.Values) string {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(account, token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		s.t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}

func field(body, key string) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		return ""
	}
	v, _ := m[key].(string)
	return v
}

// TestSimulatorToReceiver: the simulator's signed callbacks reach the
// receiver's consumer, typed and in order; a typed announcement is fetched
// by the simulator through the receiver and closes the loop; forged and
// replayed copies change nothing.
func TestSimulatorToReceiver(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	col := &collector{moved: make(chan struct{}, 1)}
	var rc *webhook.Receiver
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rc.ServeHTTP(w, r) }))
	defer hooks.Close()
	var err error
	rc, err = webhook.New(webhook.Config{AccountSID: account, AuthToken: token, URL: hooks.URL + "/twilio",
		Say: webhook.SayConfig{Voice: "alice", Language: "en-GB"}}, col)
	if err != nil {
		t.Fatal(err)
	}
	go rc.Run(ctx)

	srv := sim.New() // its default client calls only loopback, where the receiver is
	if err := srv.AddAccount(account, token); err != nil {
		t.Fatal(err)
	}
	simTS := httptest.NewServer(srv)
	defer simTS.Close()
	api := simClient{t, simTS.URL}
	parts := "/2010-04-01/Accounts/" + account + "/Conferences/"

	first := api.post(parts+"room/Participants.json", url.Values{"To": {"client:agent"}, "From": {"+15005550006"}, "Label": {"agent"},
		"ConferenceStatusCallback": {hooks.URL + "/twilio"}, "ConferenceStatusCallbackEvent": {"start end join leave mute hold modify speaker announcement"}})
	conf, agent := field(first, "conference_sid"), field(first, "call_sid")
	customer := field(api.post(parts+conf+"/Participants.json", url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Label": {"customer"}}), "call_sid")
	if conf == "" || agent == "" || customer == "" {
		t.Fatalf("create: %s", first)
	}
	api.post(parts+conf+"/Participants/"+customer+".json", url.Values{"Muted": {"true"}}) // a request brings the world up to date
	mute := col.waitFor(t, "participant-mute", named(webhook.ParticipantMute, customer))
	if !mute.Muted || !mute.HasState || mute.ConferenceSID != conf || mute.FriendlyName != "room" || mute.Timestamp.IsZero() {
		t.Errorf("mute %+v", mute)
	}
	api.post("/_sim/Conferences/"+conf+"/Participants/"+agent+"/Speech", url.Values{"Speaking": {"true"}})
	if s, ok := col.waitFor(t, "speech-start", named(webhook.SpeechStart, agent)).Speaking(); !s || !ok {
		t.Error("speech-start is not speaking")
	}

	// A typed announcement: the simulator fetches the TwiML, signed, once.
	say, err := rc.Announce("Closing in <5> minutes & counting")
	if err != nil {
		t.Fatal(err)
	}
	api.post(parts+conf+".json", url.Values{"AnnounceUrl": {say}})
	end := col.waitFor(t, "announcement-end", named(webhook.AnnouncementEnd, ""))
	if end.AnnounceURL != say {
		t.Errorf("announcement-end for %q, want %q", end.AnnounceURL, say)
	}
	api.post(parts+conf+".json", url.Values{"AnnounceUrl": {say}}) // single use: the second play fails
	fail := col.waitFor(t, "announcement-fail", named(webhook.AnnouncementFail, ""))
	if !strings.Contains(fail.ReasonAnnouncementFailed, "404") {
		t.Errorf("announcement-fail reason %q", fail.ReasonAnnouncementFailed)
	}

	api.post("/_sim/Conferences/"+conf+"/Participants/"+customer+"/Hangup", nil)
	leave := col.waitFor(t, "participant-leave", named(webhook.ParticipantLeave, customer))
	if leave.ReasonParticipantLeft != "participant_hung_up" {
		t.Errorf("leave %+v", leave)
	}

	// Order: every event of the conference, sequence numbers rising, no gap.
	col.mu.Lock()
	seen := append([]webhook.Event(nil), col.events...)
	gaps := len(col.gaps)
	col.mu.Unlock()
	for i := 1; i < len(seen); i++ {
		if seen[i].Sequence != seen[i-1].Sequence+1 {
			t.Errorf("event %d: sequence %d after %d", i, seen[i].Sequence, seen[i-1].Sequence)
		}
	}
	if gaps != 0 {
		t.Errorf("%d gaps in an unbroken stream", gaps)
	}

	// A replay of a genuine, validly signed event, and a forgery: nothing changes.
	before := col.count()
	replay := leave.Params
	post := func(v url.Values, sig string) int {
		req, _ := http.NewRequest(http.MethodPost, hooks.URL+"/twilio", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(replay, webhook.Signature(token, hooks.URL+"/twilio", replay)); code != http.StatusNoContent {
		t.Errorf("replay answered %d", code)
	}
	forged := url.Values{}
	for k, v := range replay {
		forged[k] = v
	}
	forged.Set("SequenceNumber", "999")
	if code := post(forged, webhook.Signature("guessed", hooks.URL+"/twilio", forged)); code != http.StatusForbidden {
		t.Errorf("forgery answered %d", code)
	}
	time.Sleep(50 * time.Millisecond) // room for a wrongly applied event to show
	if n := col.count(); n != before {
		t.Errorf("replay or forgery applied: %d events, was %d", n, before)
	}
	if s := rc.Stats(); s.Ignored != 1 || s.Refused != 2 { // the forgery and the announcement's second fetch
		t.Errorf("stats %+v", s)
	}
}
