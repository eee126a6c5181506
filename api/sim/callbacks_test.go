package sim

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSignatureVectors checks Signature against test vectors published with
// Twilio's helper libraries (auth token "12345").
func TestSignatureVectors(t *testing.T) {
	u := "https://mycompany.com/myapp.php?foo=1&bar=2"
	tests := []struct {
		url    string
		params url.Values
		want   string
	}{
		{u, url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"}, "From": {"+12349013030"}, "To": {"+18005551212"}}, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="},
		{u, url.Values{"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"}, "Caller": {"+14158675309"}, "From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"}}, "vOEb5UThFn24KEfnOFLQY2AE5FY="},
		{u, url.Values{"property": {"value"}, "boolean": {"true"}}, "NBdBDr/T/lgjI+tlgpXjKZQZs/k="},
		{"https://mycompany.com/myapp.php?bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", nil, "y77kIzt2vzLz71DgmJGsen2scGs="},
	}
	for _, tc := range tests {
		if got := Signature("12345", tc.url, tc.params); got != tc.want {
			t.Errorf("Signature(%s, %v) = %s, want %s", tc.url, tc.params, got, tc.want)
		}
	}
}

// receiver is a loopback server that records the callbacks it gets.
type receiver struct {
	t    *testing.T
	ts   *httptest.Server
	mu   sync.Mutex
	got  []received
	seen chan struct{}
}

type received struct {
	method    string
	url       string
	params    url.Values
	signature string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, seen: make(chan struct{}, 1000)}
	r.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		params, _ := url.ParseQuery(string(body))
		if req.Method == http.MethodGet {
			params = req.URL.Query()
		}
		r.mu.Lock()
		r.got = append(r.got, received{req.Method, "http://" + req.Host + req.URL.RequestURI(), params, req.Header.Get("X-Twilio-Signature")})
		r.mu.Unlock()
		r.seen <- struct{}{}
	}))
	t.Cleanup(r.ts.Close)
	return r
}

// wait returns once n callbacks in all have arrived.
func (r *receiver) wait(n int) []received {
	r.t.Helper()
	for {
		r.mu.Lock()
		if len(r.got) >= n {
			out := append([]received(nil), r.got...)
			r.mu.Unlock()
			return out
		}
		r.mu.Unlock()
		select {
		case <-r.seen:
		case <-time.After(5 * time.Second):
			r.t.Fatalf("only %d of %d callbacks arrived", len(r.got), n)
		}
	}
}

// events lists the StatusCallbackEvent of each callback.
func events(rs []received) string {
	var e []string
	for _, r := range rs {
		e = append(e, r.params.Get("StatusCallbackEvent"))
	}
	return strings.Join(e, ",")
}

// TestConferenceStatusCallbacks follows a conference's life through the
// callbacks its first participant asked for.
func TestConferenceStatusCallbacks(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t)
	cbURL := rcv.ts.URL + "/events?room=1"
	a := h.dial("room", "client:agent", "Label", "agent",
		"ConferenceStatusCallback", cbURL,
		"ConferenceStatusCallbackEvent", "start end join leave",
		"ConferenceStatusCallbackEvent", "mute hold modify announcement")
	conf, agent := str(a["conference_sid"]), str(a["call_sid"])
	// A later participant's callback settings are ignored.
	b := h.dial(conf, "+14155550100", "Label", "customer", "ConferenceStatusCallback", "http://127.0.0.1:1/elsewhere")
	customer := str(b["call_sid"])
	h.must(200, "GET", confPath(conf), nil) // both connect
	h.must(200, "POST", partPath(conf, "customer"), url.Values{"Muted": {"true"}})
	h.must(200, "POST", partPath(conf, "customer"), url.Values{"Hold": {"true"}, "Muted": {"false"}})
	h.must(200, "POST", partPath(conf, "customer"), url.Values{"Hold": {"false"}})
	h.must(200, "POST", partPath(conf, "agent"), url.Values{"EndConferenceOnExit": {"true"}})
	audio := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/mpeg")
	}))
	defer audio.Close()
	h.must(200, "POST", confPath(conf), url.Values{"AnnounceUrl": {audio.URL + "/a.mp3"}})
	rcv.wait(9) // the announcement is fetched, then reported
	h.clock.Advance(time.Minute)
	h.must(200, "POST", confPath(conf), url.Values{"Status": {"completed"}})

	// The conference starts when the second participant joins, not the first.
	want := "participant-join,participant-join,conference-start,participant-mute,participant-unmute,participant-hold," +
		"participant-unhold,participant-modify,announcement-end,participant-leave,participant-leave,conference-end"
	got := rcv.wait(12)
	if events(got) != want {
		t.Fatalf("events\n got %s\nwant %s", events(got), want)
	}
	for i, r := range got {
		if r.method != "POST" || r.url != cbURL {
			t.Errorf("callback %d: %s %s", i, r.method, r.url)
		}
		if r.params.Get("SequenceNumber") != strconv.Itoa(i+1) || r.params.Get("ConferenceSid") != conf ||
			r.params.Get("AccountSid") != testAccount || r.params.Get("FriendlyName") != "room" {
			t.Errorf("callback %d params %v", i, r.params)
		}
		if !rfc2822Pattern.MatchString(r.params.Get("Timestamp")) {
			t.Errorf("callback %d Timestamp %q", i, r.params.Get("Timestamp"))
		}
		if want := Signature(testToken, r.url, r.params); r.signature != want {
			t.Errorf("callback %d signature %q, want %q", i, r.signature, want)
		}
	}
	if got[0].params.Get("CallSid") != agent || got[1].params.Get("CallSid") != customer || got[3].params.Get("Muted") != "true" {
		t.Errorf("participant params: %v / %v / %v", got[0].params, got[1].params, got[3].params)
	}
	if got[2].params.Get("CallSid") != "" {
		t.Errorf("conference-start names a call: %v", got[2].params)
	}
	end := got[11].params
	if end.Get("ReasonConferenceEnded") != "conference-ended-via-api" || end.Get("CallSidEndingConference") != "" {
		t.Errorf("conference-end %v", end)
	}
	if got[8].params.Get("AnnounceUrl") != audio.URL+"/a.mp3" {
		t.Errorf("announcement-end %v", got[8].params)
	}
}

// TestCallbacksArriveInSequence: changes made at once by many requests
// reach the callback URL in SequenceNumber order, none missing, as the
// receiver's gap detection expects of an unbroken stream.
func TestCallbacksArriveInSequence(t *testing.T) {
	const people, rounds = 16, 40
	h := newHarness(t)
	rcv := newReceiver(t)
	h.dial("room", "client:p0", "Label", "p0", "ConferenceStatusCallback", rcv.ts.URL+"/events",
		"ConferenceStatusCallbackEvent", "mute")
	var conf string
	for i := 1; i < people; i++ {
		conf = str(h.dial("room", fmt.Sprintf("client:p%d", i), "Label", fmt.Sprintf("p%d", i))["conference_sid"])
	}
	h.must(200, "GET", confPath(conf), nil) // everyone connects
	statuses := make(chan int, people*rounds)
	var wg sync.WaitGroup
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				statuses <- h.do("POST", partPath(conf, fmt.Sprintf("p%d", i)), url.Values{"Muted": {strconv.FormatBool(r%2 == 0)}}).status
			}
		}()
	}
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st != http.StatusOK {
			t.Fatalf("a mute answered %d", st)
		}
	}
	got := rcv.wait(people * rounds)
	for i, r := range got {
		if seq := r.params.Get("SequenceNumber"); seq != strconv.Itoa(i+1) {
			t.Fatalf("callback %d of %d carries SequenceNumber %s: out of order", i+1, len(got), seq)
		}
	}
}

// TestConferenceStatusCallbackDefaultsAndGET: without events, only start and
// end are reported; with GET the parameters travel in the query and the
// signature covers the URL alone.
func TestConferenceStatusCallbackDefaultsAndGET(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t)
	a := h.dial("room", "client:agent", "ConferenceStatusCallback", rcv.ts.URL+"/cb", "ConferenceStatusCallbackMethod", "GET", "EndConferenceOnExit", "true")
	conf := str(a["conference_sid"])
	h.dial(conf, "+14155550100", "Muted", "true")
	h.must(200, "GET", confPath(conf), nil)
	if err := h.srv.Hangup(testAccount, conf, str(a["call_sid"])); err != nil {
		t.Fatal(err)
	}
	got := rcv.wait(2)
	time.Sleep(20 * time.Millisecond) // room for a wrongly sent third
	got = rcv.wait(2)
	if events(got) != "conference-start,conference-end" || len(got) != 2 {
		t.Fatalf("events %s", events(got))
	}
	for _, r := range got {
		if r.method != "GET" || Signature(testToken, r.url, nil) != r.signature {
			t.Errorf("%s %s signature %s", r.method, r.url, r.signature)
		}
	}
	if e := got[1].params; e.Get("ReasonConferenceEnded") != "participant-with-end-conference-on-exit-left" || e.Get("CallSidEndingConference") != str(a["call_sid"]) {
		t.Errorf("end %v", e)
	}
}

// TestCallbackFailureIsLogged: an unreachable callback URL costs a log line,
// never the request that caused it.
func TestCallbackFailureIsLogged(t *testing.T) {
	var log syncBuffer
	h := newHarness(t, WithLogger(&log))
	rcv := newReceiver(t)
	dead := rcv.ts.URL
	rcv.ts.Close()
	h.dial("room", "client:agent", "ConferenceStatusCallback", dead+"/cb?token=secret")
	h.dial("room", "+14155550100") // the second participant starts the conference
	h.must(200, "GET", confsPath(), nil)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(log.String(), "callback POST") {
		if time.Now().After(deadline) {
			t.Fatalf("no log line for the failed callback:\n%s", log.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if strings.Contains(log.String(), "secret") {
		t.Errorf("the log shows the callback's query: %s", log.String())
	}
}

// TestMainSendsCallbacksWithoutPolling: under `confconsole sim` a participant
// connects and its callbacks arrive with no further request.
func TestMainSendsCallbacksWithoutPolling(t *testing.T) {
	rcv := newReceiver(t)
	stdout, _, stop := startMain(t, "--listen", "127.0.0.1:0", "--no-demo", "--quiet",
		"--account-sid", testAccount, "--auth-token", testToken,
		"--queue-time", "10ms", "--connect-time", "10ms", "--ring-time", "10ms")
	defer stop()
	base := bannerField(t, stdout.String(), "base URL")
	// Two participants, so that the conference starts.
	for _, to := range []string{"+14155550100", "client:agent"} {
		form := url.Values{"To": {to}, "From": {"+15005550006"},
			"ConferenceStatusCallback": {rcv.ts.URL + "/cb"}, "ConferenceStatusCallbackEvent": {"start join"}}
		req, _ := http.NewRequest("POST", base+partsPath("room"), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(testAccount, testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("create: %d", resp.StatusCode)
		}
	}
	if got := events(rcv.wait(3)); got != "participant-join,participant-join,conference-start" {
		t.Fatalf("events %s", got)
	}
}
