package live

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestTransportPausesBeforeFreeingItsSlot: a request already queued when
// another gets a 429 does not slip out between the 429 and the pause.
func TestTransportPausesBeforeFreeingItsSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		answer := make(chan struct{})
		var sent []time.Duration
		start := time.Now()
		g := NewGate(1)
		rt := g.Transport(roundTripFunc(func(r *http.Request) (*http.Response, error) {
			sent = append(sent, time.Since(start))
			if len(sent) == 1 {
				<-answer
				h := http.Header{"Retry-After": {"5"}}
				return &http.Response{StatusCode: http.StatusTooManyRequests, Header: h, Body: io.NopCloser(strings.NewReader("{}"))}, nil
			}
			return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("{}"))}, nil
		}))
		get := func() {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://sim.test/x", nil)
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}
		done := make(chan struct{})
		go func() { get(); close(done) }()
		synctest.Wait() // the first holds the slot, waiting for its answer
		go get()
		synctest.Wait() // the second is queued
		close(answer)
		<-done
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if len(sent) != 2 || sent[1] < 5*time.Second {
			t.Fatalf("requests sent at %v: the queued one went within the 429's Retry-After of 5s", sent)
		}
	})
}
