package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// recorder is a consumer that keeps what it is given.
type recorder struct {
	mu     sync.Mutex
	events []Event
	gaps   []string
	got    chan struct{}
}

func newRecorder() *recorder { return &recorder{got: make(chan struct{}, 1000)} }

func (r *recorder) HandleEvent(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
	r.got <- struct{}{}
}

func (r *recorder) HandleGap(c string) {
	r.mu.Lock()
	r.gaps = append(r.gaps, c)
	r.mu.Unlock()
}

func (r *recorder) wait(t *testing.T, n int) []Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		if len(r.events) >= n {
			evs := append([]Event(nil), r.events...)
			r.mu.Unlock()
			return evs
		}
		r.mu.Unlock()
		select {
		case <-r.got:
		case <-deadline:
			t.Fatalf("waited for %d events", n)
		}
	}
}

// TestForwardedCopyValidates: the forward target is itself a receiver with
// its own URL, so it accepts the copy only if it was re-signed for that URL.
func TestForwardedCopyValidates(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	target := newRecorder()
	var tr *Receiver
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tr.ServeHTTP(w, r) }))
	defer ts.Close()
	var err error
	tr, err = New(Config{AccountSID: testAccount, AuthToken: testToken, URL: ts.URL + "/app/events"}, target)
	if err != nil {
		t.Fatal(err)
	}
	go tr.Run(ctx)

	fwd, err := NewForwarder(ForwarderConfig{URL: ts.URL + "/app/events", AuthToken: testToken, Client: ts.Client()})
	if err != nil {
		t.Fatal(err)
	}
	go fwd.Run(ctx)
	rc, _ := newTestReceiver(t, func(c *Config) { c.Forwarder = fwd })
	for i, name := range []string{ParticipantJoin, ParticipantMute, ParticipantMute} {
		seq := i + 1
		if i == 2 {
			seq = 2 // a replay: ignored, so not forwarded
		}
		if w := serve(rc, post(event(name, "CA1", seq))); w.Code != http.StatusNoContent {
			t.Fatalf("status %d", w.Code)
		}
	}
	evs := target.wait(t, 2)
	if evs[0].Name != ParticipantJoin || evs[1].Name != ParticipantMute || !evs[1].Muted {
		t.Errorf("target got %+v", evs)
	}
	if s := tr.Stats(); s.Refused != 0 {
		t.Errorf("target refused %d copies", s.Refused)
	}
	for deadline := time.Now().Add(10 * time.Second); fwd.Stats().Sent < 2 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond) // the count follows the target's answer
	}
	if s := fwd.Stats(); s.Sent != 2 || s.Failed != 0 {
		t.Errorf("forward stats %+v", s)
	}
}

func TestForwarderRetries(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int // answers in turn; the last repeats
		attempts int32
		sent     int
	}{
		{"ok at once", []int{204}, 1, 1},
		{"503 then ok", []int{503, 503, 200}, 3, 1},
		{"429 then ok", []int{429, 200}, 2, 1},
		{"always 500: bounded", []int{500}, 3, 0},
		{"400 is not retried", []int{400}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				if i >= len(tt.statuses) {
					i = len(tt.statuses) - 1
				}
				if !ValidSignature(testToken, "http://"+r.Host+r.RequestURI, mustForm(r), r.Header.Get("X-Twilio-Signature")) {
					w.WriteHeader(http.StatusForbidden)
					return
				}
				w.WriteHeader(tt.statuses[i])
			}))
			defer ts.Close()
			fwd, err := NewForwarder(ForwarderConfig{URL: ts.URL + "/x?k=v", AuthToken: testToken, Client: ts.Client(),
				Retries: 2, Backoff: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			err = fwd.send(context.Background(), event(ParticipantJoin, "CA1", 1))
			if got := n.Load(); got != tt.attempts {
				t.Errorf("%d attempts, want %d", got, tt.attempts)
			}
			if (err == nil) != (tt.sent == 1) {
				t.Errorf("err %v", err)
			}
		})
	}
}

func mustForm(r *http.Request) map[string][]string {
	if err := r.ParseForm(); err != nil {
		return nil
	}
	return r.PostForm
}

// TestForwardNeverBlocks: with the queue full, Forward drops and returns.
func TestForwardNeverBlocks(t *testing.T) {
	fwd, err := NewForwarder(ForwarderConfig{URL: "http://127.0.0.1:1/x", AuthToken: testToken, QueueSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		fwd.Forward(event(ParticipantJoin, "CA1", i)) // Run never started
	}
	if s := fwd.Stats(); s.Dropped != 3 {
		t.Errorf("dropped %d, want 3", s.Dropped)
	}
}
