package live_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"confconsole/api"
	"confconsole/api/live"
	"confconsole/api/sim"
)

// wire hands requests to the simulator in memory (so the test can run on
// synctest's clock) and records when each reached it.
type wire struct {
	srv *sim.Server
	mu  sync.Mutex
	log []wireHit
}

type wireHit struct {
	at     time.Time
	method string
	path   string
	status int
}

func (w *wire) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	w.mu.Lock()
	w.log = append(w.log, wireHit{at: time.Now(), method: req.Method, path: req.URL.Path, status: rec.Code})
	w.mu.Unlock()
	return rec.Result(), nil
}

func (w *wire) hits() []wireHit {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wireHit(nil), w.log...)
}

// TestTransportPausesTheAccount: with the gate's transport under the real
// client, the first 429 pauses every request to the account at once, while
// the client that got it is still waiting to retry: a list and a mute sent
// meanwhile by others reach Twilio only after the Retry-After, the mute
// first.
func TestTransportPausesTheAccount(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sim.New(sim.WithSeed(7))
		if err := srv.AddAccount(simAccount, simToken); err != nil {
			t.Fatal(err)
		}
		p, err := srv.JoinConnected(simAccount, "Support bridge", sim.Join{Label: "customer-7"})
		if err != nil {
			t.Fatal(err)
		}
		w := &wire{srv: srv}
		gate := live.NewGate(1)
		client, err := api.New(api.Config{
			AccountSID: simAccount, AuthToken: simToken, BaseURL: "http://sim.test",
			HTTPClient: &http.Client{Transport: gate.Transport(w)},
		})
		if err != nil {
			t.Fatal(err)
		}
		const retryAfter = 5 * time.Second
		srv.InjectFault(sim.Fault{Kind: sim.FaultTooManyRequests, Method: "GET", RetryAfter: retryAfter})
		ctx := context.Background()
		start := time.Now()

		var wg sync.WaitGroup
		wg.Go(func() {
			if _, err := client.ListParticipants(ctx, p.ConferenceSID, api.ParticipantFilter{}); err != nil {
				t.Errorf("the throttled list, retried by the client: %v", err)
			}
		})
		synctest.Wait() // throttled; the client sleeps before its retry
		time.Sleep(time.Second)
		wg.Go(func() {
			if _, err := client.ListConferences(ctx, api.ConferenceFilter{}); err != nil {
				t.Errorf("another poll: %v", err)
			}
		})
		synctest.Wait()
		wg.Go(func() {
			if _, err := client.UpdateParticipant(ctx, p.ConferenceSID, p.CallSID, api.UpdateParticipant{Muted: api.Bool(true)}); err != nil {
				t.Errorf("a mute: %v", err)
			}
		})
		wg.Wait()

		hits := w.hits()
		if len(hits) != 4 || hits[0].status != http.StatusTooManyRequests {
			t.Fatalf("wire: %+v, want the 429 then three requests", hits)
		}
		mute, list := -1, -1
		for i, h := range hits[1:] {
			if at := h.at.Sub(start); at < retryAfter {
				t.Fatalf("a %s reached twilio %s after the 429, within its Retry-After of %s", h.method, at, retryAfter)
			}
			switch {
			case h.method == http.MethodPost:
				mute = i
			case strings.HasSuffix(h.path, "/Conferences.json"):
				list = i
			}
		}
		if mute < 0 || list < 0 || mute > list {
			t.Fatalf("after the pause: %+v; the mute must go before the list queued ahead of it", hits[1:])
		}
	})
}
