package webhook

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	testToken   = "secret-token"
	testURL     = "https://hooks.example.com/twilio"
	testConf    = "CF0123456789abcdef0123456789abcdef"
)

// nopConsumer is for receivers whose queue the test drains itself.
type nopConsumer struct{}

func (nopConsumer) HandleEvent(Event) {}
func (nopConsumer) HandleGap(string)  {}

func newTestReceiver(t testing.TB, mod func(*Config)) (*Receiver, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	cfg := Config{AccountSID: testAccount, AuthToken: testToken, URL: testURL,
		Logger: slog.New(slog.NewTextHandler(&log, nil))}
	if mod != nil {
		mod(&cfg)
	}
	rc, err := New(cfg, nopConsumer{})
	if err != nil {
		t.Fatal(err)
	}
	return rc, &log
}

// event returns the parameters of a participant event.
func event(name, call string, seq int) url.Values {
	return url.Values{
		"AccountSid": {testAccount}, "ConferenceSid": {testConf}, "FriendlyName": {"room"},
		"StatusCallbackEvent": {name}, "CallSid": {call}, "SequenceNumber": {strconv.Itoa(seq)},
		"Timestamp": {"Mon, 30 Nov 2026 13:00:00 +0000"},
		"Muted":     {strconv.FormatBool(name == ParticipantMute)}, "Hold": {"false"}, "Coaching": {"false"},
		"EndConferenceOnExit": {"false"}, "StartConferenceOnEnter": {"true"},
	}
}

// signedPost builds a POST to target signed with token over signURL.
func signedPost(token, signURL, target string, v url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("X-Twilio-Signature", Signature(token, signURL, v))
	return r
}

func post(v url.Values) *http.Request { return signedPost(testToken, testURL, testURL, v) }

func serve(rc *Receiver, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	rc.ServeHTTP(w, r)
	return w
}

// drain pops everything waiting: the events' "name/call/seq" and the gaps.
func drain(rc *Receiver) (events []Event, gaps []string) {
	for {
		gap, e, ok := rc.q.pop()
		if !ok {
			return events, gaps
		}
		if gap != "" {
			gaps = append(gaps, gap)
		} else {
			events = append(events, e)
		}
	}
}

func TestReceiverAcceptsSignedEvent(t *testing.T) {
	rc, _ := newTestReceiver(t, nil)
	w := serve(rc, post(event(ParticipantMute, "CA1", 1)))
	if w.Code != http.StatusNoContent {
		t.Fatalf("status %d %s", w.Code, w.Body)
	}
	evs, gaps := drain(rc)
	if len(evs) != 1 || len(gaps) != 0 {
		t.Fatalf("events %v gaps %v", evs, gaps)
	}
	e := evs[0]
	if e.Name != ParticipantMute || e.CallSID != "CA1" || e.ConferenceSID != testConf || e.Sequence != 1 ||
		!e.HasState || !e.Muted || e.Hold || !e.StartConferenceOnEnter || e.Timestamp.Hour() != 13 {
		t.Errorf("event %+v", e)
	}

	// GET carries the parameters in the query, signed over the URL alone.
	v := event(SpeechStart, "CA1", 2)
	target := testURL + "?" + v.Encode()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.Header.Set("X-Twilio-Signature", Signature(testToken, target, nil))
	if w := serve(rc, r); w.Code != http.StatusNoContent {
		t.Fatalf("GET: status %d %s", w.Code, w.Body)
	}
	evs, _ = drain(rc)
	if len(evs) != 1 || evs[0].Name != SpeechStart {
		t.Fatalf("GET events %+v", evs)
	}
	if s, ok := evs[0].Speaking(); !s || !ok {
		t.Error("speech-start does not say speaking")
	}
}

// TestReceiverRefuses: each bad request is answered with its status, logged,
// and changes nothing: no event, no sequence number remembered.
func TestReceiverRefuses(t *testing.T) {
	good := event(ParticipantJoin, "CA1", 1)
	big := event(ParticipantJoin, "CA1", 1)
	big.Set("Padding", strings.Repeat("x", MaxBody))
	other := event(ParticipantJoin, "CA1", 1)
	other.Set("AccountSid", "ACffffffffffffffffffffffffffffffff")
	chunked := post(big)
	chunked.ContentLength = -1 // no length announced: the cap holds while reading
	tests := []struct {
		name   string
		req    *http.Request
		status int
		log    string
	}{
		{"missing signature", func() *http.Request { r := post(good); r.Header.Del("X-Twilio-Signature"); return r }(), 403, "missing"},
		{"wrong token", signedPost("other-token", testURL, testURL, good), 403, "does not match"},
		{"signed for another URL", signedPost(testToken, "https://evil.example.com/twilio", testURL, good), 403, "does not match"},
		{"parameter changed after signing", func() *http.Request {
			r := post(good)
			changed := event(ParticipantMute, "CA1", 1)
			r.Body = io.NopCloser(strings.NewReader(changed.Encode()))
			r.ContentLength = int64(len(changed.Encode()))
			return r
		}(), 403, "does not match"},
		{"another account", post(other), 403, "AccountSid"},
		{"body over 64 KiB", post(big), 413, "over"},
		{"body over 64 KiB, no length", chunked, 413, "over"},
		{"PUT", func() *http.Request { r := post(good); r.Method = http.MethodPut; return r }(), 405, "not allowed"},
		{"DELETE", func() *http.Request { r := post(good); r.Method = http.MethodDelete; return r }(), 405, "not allowed"},
		{"no SequenceNumber", func() *http.Request { v := event(ParticipantJoin, "CA1", 1); v.Del("SequenceNumber"); return post(v) }(), 400, "SequenceNumber"},
		{"elsewhere", signedPost(testToken, "https://hooks.example.com/other", "https://hooks.example.com/other", good), 404, "no webhook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, log := newTestReceiver(t, nil)
			w := serve(rc, tt.req)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d (%s)", w.Code, tt.status, w.Body)
			}
			if tt.status == 405 && w.Header().Get("Allow") != "GET, POST" {
				t.Errorf("Allow %q", w.Header().Get("Allow"))
			}
			if !strings.Contains(log.String(), "refused") || !strings.Contains(log.String(), tt.log) {
				t.Errorf("log %q lacks %q", log, tt.log)
			}
			if strings.Contains(log.String(), testToken) {
				t.Error("the log holds the auth token")
			}
			if evs, gaps := drain(rc); len(evs)+len(gaps) != 0 {
				t.Errorf("queued %v %v", evs, gaps)
			}
			// Nothing remembered: the genuine event 1 is still accepted.
			if w := serve(rc, post(good)); w.Code != http.StatusNoContent {
				t.Errorf("genuine event after refusal: %d", w.Code)
			}
			if evs, _ := drain(rc); len(evs) != 1 {
				t.Errorf("genuine event after refusal: %d events", len(evs))
			}
			if s := rc.Stats(); s.Refused != 1 || s.Accepted != 1 {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

// TestReceiverOrder: duplicates and older events are ignored; a skipped
// SequenceNumber is reported as a gap before the event that revealed it.
func TestReceiverOrder(t *testing.T) {
	tests := []struct {
		name     string
		seqs     []int
		wantSeqs []int
		wantGaps int
	}{
		{"in order", []int{1, 2, 3}, []int{1, 2, 3}, 0},
		{"replayed", []int{1, 2, 2, 1}, []int{1, 2}, 0},
		{"reordered", []int{1, 3, 2, 4}, []int{1, 3, 4}, 1},
		{"joined late", []int{7, 8}, []int{7, 8}, 1},
		{"two gaps", []int{1, 3, 6}, []int{1, 3, 6}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, _ := newTestReceiver(t, nil)
			var got []int
			gaps := 0
			for i, n := range tt.seqs {
				// Alternate participants so nothing coalesces.
				if w := serve(rc, post(event(ParticipantMute, "CA"+strconv.Itoa(i), n))); w.Code != http.StatusNoContent {
					t.Fatalf("status %d", w.Code)
				}
				evs, gs := drain(rc)
				gaps += len(gs)
				for _, e := range evs {
					got = append(got, e.Sequence)
				}
			}
			if !equalInts(got, tt.wantSeqs) || gaps != tt.wantGaps {
				t.Errorf("applied %v gaps %d, want %v gaps %d", got, gaps, tt.wantSeqs, tt.wantGaps)
			}
			if s := rc.Stats(); s.Ignored != len(tt.seqs)-len(tt.wantSeqs) {
				t.Errorf("ignored %d", s.Ignored)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReceiverBehindProxy: the signature is over the public URL, not the
// listen address the request reached.
func TestReceiverBehindProxy(t *testing.T) {
	rc, _ := newTestReceiver(t, nil)
	r := signedPost(testToken, testURL, "http://127.0.0.1:8080/twilio", event(ParticipantJoin, "CA1", 1))
	if w := serve(rc, r); w.Code != http.StatusNoContent {
		t.Errorf("status %d %s", w.Code, w.Body)
	}
	r = signedPost(testToken, "http://127.0.0.1:8080/twilio", "http://127.0.0.1:8080/twilio", event(ParticipantJoin, "CA1", 2))
	if w := serve(rc, r); w.Code != http.StatusForbidden {
		t.Errorf("signed for the listen address: status %d", w.Code)
	}
}

func TestSequencerBounded(t *testing.T) {
	s := newSequencer(3)
	for i := 0; i < 10; i++ {
		s.check("CF"+strconv.Itoa(i), 1)
	}
	if len(s.confs) != 3 {
		t.Errorf("tracking %d conferences, cap 3", len(s.confs))
	}
	if s.check("CF9", 1) != stale {
		t.Error("the most recent conference was forgotten")
	}
}

// TestReceiverBodyHash: a non-form body is bound to the signature by the
// bodySHA256 query parameter Twilio adds; a changed body is refused.
func TestReceiverBodyHash(t *testing.T) {
	const body = `{"property": "value", "boolean": true}`
	target := testURL + "?bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
	for _, tt := range []struct {
		body, why string
	}{
		{body, "AccountSid"}, // genuine, but carries no account: not a status callback
		{body + " ", "does not match"},
	} {
		rc, log := newTestReceiver(t, nil)
		r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(tt.body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Twilio-Signature", Signature(testToken, target, nil))
		w := serve(rc, r)
		if w.Code != http.StatusForbidden || !strings.Contains(log.String(), tt.why) {
			t.Errorf("body %q: status %d, log %q, want 403 for %q", tt.body, w.Code, log, tt.why)
		}
	}
}

// TestReceiverCallStatus: a call's own StatusCallback (no ConferenceSid)
// is typed as call-status and ordered per call, from 0.
func TestReceiverCallStatus(t *testing.T) {
	rc, _ := newTestReceiver(t, nil)
	var evs []Event
	for i, status := range []string{"initiated", "ringing", "ringing", "in-progress"} {
		v := url.Values{"AccountSid": {testAccount}, "CallSid": {"CA9"}, "CallStatus": {status}, "SequenceNumber": {strconv.Itoa(min(i, 2))}}
		if w := serve(rc, post(v)); w.Code != http.StatusNoContent {
			t.Fatalf("%s: %d %s", status, w.Code, w.Body)
		}
		got, gaps := drain(rc)
		if len(gaps) != 0 {
			t.Errorf("gaps %v", gaps)
		}
		evs = append(evs, got...)
	}
	if len(evs) != 3 || evs[0].Name != "call-status" || evs[0].CallStatus != "initiated" || evs[0].Sequence != 0 || evs[2].CallStatus != "ringing" {
		t.Errorf("events %+v", evs)
	}
}
