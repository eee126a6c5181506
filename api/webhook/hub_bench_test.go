package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/api/live"
	"confconsole/api/sim"
	"confconsole/api/webhook"
)

// BenchmarkCallbackRequestToSnapshot is one signed participant-mute (or
// -unmute) request, from the receiver's ServeHTTP through its queue and
// the Hub to the watcher holding the new snapshot: the whole path of an
// event in this process, signature check included, per event and in
// allocations. The requests are built before the clock starts.
func BenchmarkCallbackRequestToSnapshot(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := sim.New()
	if err := srv.AddAccount(account, token); err != nil {
		b.Fatal(err)
	}
	simTS := httptest.NewServer(srv)
	defer simTS.Close()
	client, err := api.New(api.Config{AccountSID: account, AuthToken: token, BaseURL: simTS.URL})
	if err != nil {
		b.Fatal(err)
	}
	customer, err := srv.JoinConnected(account, "Support bridge", sim.Join{Label: "customer-7"})
	if err != nil {
		b.Fatal(err)
	}
	h := live.New(client, live.Options{Interval: time.Hour})
	defer h.Close()
	const hook = "https://console.example.com/twilio"
	rc, err := webhook.New(webhook.Config{AccountSID: account, AuthToken: token, URL: hook}, webhook.Hub{Live: h})
	if err != nil {
		b.Fatal(err)
	}
	go rc.Run(ctx)
	s, err := h.WatchRoom(ctx, customer.ConferenceSID)
	if err != nil {
		b.Fatal(err)
	}
	<-s.Updates() // the first poll is over

	bodies := make([]string, b.N)
	sigs := make([]string, b.N)
	stamp := time.Now().Add(time.Minute).Format(time.RFC1123Z) // after the poll: never stale
	for i := range bodies {
		name, muted := webhook.ParticipantMute, "true"
		if i%2 == 1 {
			name, muted = webhook.ParticipantUnmute, "false"
		}
		v := url.Values{"AccountSid": {account}, "ConferenceSid": {customer.ConferenceSID}, "StatusCallbackEvent": {name},
			"CallSid": {customer.CallSID}, "SequenceNumber": {strconv.Itoa(i + 1)}, "Timestamp": {stamp},
			"Muted": {muted}, "Hold": {"false"}, "Coaching": {"false"}, "EndConferenceOnExit": {"false"}, "StartConferenceOnEnter": {"true"}}
		bodies[i], sigs[i] = v.Encode(), webhook.Signature(token, hook, v)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		r := httptest.NewRequest(http.MethodPost, hook, strings.NewReader(bodies[i]))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("X-Twilio-Signature", sigs[i])
		w := httptest.NewRecorder()
		rc.ServeHTTP(w, r)
		if w.Code != http.StatusNoContent {
			b.Fatalf("request %d answered %d", i, w.Code)
		}
		<-s.Updates()
	}
}
