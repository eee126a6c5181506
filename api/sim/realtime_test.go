package sim

import (
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

func controlPath(conf, id, verb string) string {
	return "/_sim/Conferences/" + conf + "/Participants/" + url.PathEscape(id) + "/" + verb
}

// speechRoom opens a conference subscribed to every event, with two
// connected participants, and returns it, their call SIDs and the receiver.
func speechRoom(t *testing.T, h *harness) (conf, agent, customer string, rcv *receiver) {
	t.Helper()
	rcv = newReceiver(t)
	a := h.dial("room", "client:agent", "Label", "agent", "ConferenceStatusCallback", rcv.ts.URL+"/cb",
		"ConferenceStatusCallbackEvent", "start end join leave mute hold modify speaker announcement")
	conf, agent = str(a["conference_sid"]), str(a["call_sid"])
	customer = str(h.dial(conf, "+14155550100", "Label", "customer")["call_sid"])
	h.must(200, "GET", confPath(conf), nil)
	rcv.wait(3) // join, join, start
	return conf, agent, customer, rcv
}

func TestControlSpeech(t *testing.T) {
	h := newHarness(t)
	conf, agent, customer, rcv := speechRoom(t, h)
	speak := func(id, v string) reply {
		return h.do("POST", controlPath(conf, id, "Speech"), url.Values{"Speaking": {v}})
	}

	h.must(200, "POST", controlPath(conf, agent, "Speech"), url.Values{"Speaking": {"true"}})
	h.must(200, "POST", controlPath(conf, "agent", "Speech"), url.Values{"Speaking": {"true"}}) // already: no event
	h.must(200, "POST", controlPath(conf, agent, "Speech"), url.Values{"Speaking": {"false"}})
	h.must(200, "POST", controlPath(conf, customer, "Speech"), url.Values{"Speaking": {"true"}})
	h.must(200, "POST", partPath(conf, "customer"), url.Values{"Muted": {"true"}}) // muting silences
	got := rcv.wait(8)
	want := "participant-join,participant-join,conference-start,participant-speech-start,participant-speech-stop," +
		"participant-speech-start,participant-mute,participant-speech-stop"
	if events(got) != want {
		t.Fatalf("events\n got %s\nwant %s", events(got), want)
	}
	for i, r := range got {
		if r.params.Get("SequenceNumber") != strconv.Itoa(i+1) || Signature(testToken, r.url, r.params) != r.signature {
			t.Errorf("callback %d: %v", i, r.params)
		}
	}
	if got[3].params.Get("CallSid") != agent || got[5].params.Get("CallSid") != customer {
		t.Errorf("speakers %v %v", got[3].params, got[5].params)
	}

	tests := []struct {
		name   string
		r      reply
		status int
		msg    string
	}{
		{"muted cannot speak", speak(customer, "true"), 400, "is muted"},
		{"bad value", speak(agent, "yes"), 400, "Speaking must be true or false"},
		{"no value", speak(agent, ""), 400, "Speaking must be true or false"},
		{"unknown participant", speak("CA00000000000000000000000000000000", "true"), 404, ""},
		{"unknown conference", h.do("POST", controlPath("CF00000000000000000000000000000000", agent, "Speech"), url.Values{"Speaking": {"true"}}), 404, ""},
		{"another account", h.send("POST", controlPath(conf, agent, "Speech"), url.Values{"Speaking": {"true"}}, otherAccount, otherToken), 404, ""},
		{"no credentials", h.send("POST", controlPath(conf, agent, "Speech"), url.Values{"Speaking": {"true"}}, "", ""), 401, ""},
		{"GET", h.do("GET", controlPath(conf, agent, "Speech"), nil), 405, ""},
		{"unknown verb", h.do("POST", controlPath(conf, agent, "Dance"), nil), 404, ""},
	}
	for _, tt := range tests {
		if tt.r.status != tt.status || !strings.Contains(string(tt.r.body), tt.msg) {
			t.Errorf("%s: %d %s, want %d %q", tt.name, tt.r.status, tt.r.body, tt.status, tt.msg)
		}
	}
	time.Sleep(20 * time.Millisecond) // room for a wrongly sent callback
	if n := len(rcv.wait(8)); n != 8 {
		t.Errorf("refused control requests sent %d callbacks", n-8)
	}
}

func TestControlHangup(t *testing.T) {
	h := newHarness(t)
	conf, agent, customer, rcv := speechRoom(t, h)
	h.must(200, "POST", controlPath(conf, customer, "Speech"), url.Values{"Speaking": {"true"}})
	h.must(204, "POST", controlPath(conf, "customer", "Hangup"), nil)
	h.must(204, "POST", controlPath(conf, agent, "Hangup"), nil)
	got := rcv.wait(8)
	want := "participant-join,participant-join,conference-start,participant-speech-start," +
		"participant-speech-stop,participant-leave,participant-leave,conference-end"
	if events(got) != want {
		t.Fatalf("events\n got %s\nwant %s", events(got), want)
	}
	leave := got[5].params
	if leave.Get("CallSid") != customer || leave.Get("ReasonParticipantLeft") != "participant_hung_up" || leave.Get("ParticipantCallStatus") != "completed" {
		t.Errorf("leave %v", leave)
	}
	if got[6].params.Get("CallSid") != agent || got[7].params.Get("ReasonConferenceEnded") != "last-participant-left" {
		t.Errorf("the conference did not end as a last participant leaving: %v %v", got[6].params, got[7].params)
	}
	if r := h.do("POST", controlPath(conf, agent, "Hangup"), nil); r.status != 404 {
		t.Errorf("hanging up twice: %d", r.status)
	}
	// Removing through the REST API is not a hang-up.
	h2 := newHarness(t)
	conf2, _, customer2, rcv2 := speechRoom(t, h2)
	h2.must(204, "DELETE", partPath(conf2, customer2), nil)
	if p := rcv2.wait(4)[3].params; p.Get("StatusCallbackEvent") != "participant-leave" || p.Get("ReasonParticipantLeft") != "" {
		t.Errorf("kicked: %v", p)
	}
}

func TestCallStatusCallback(t *testing.T) {
	tests := []struct {
		name   string
		to     string
		events []string
		want   string // CallStatus of each callback
	}{
		{"every event", "client:agent", []string{"initiated ringing answered completed"}, "initiated,ringing,in-progress,completed"},
		{"default is completed", "client:agent", nil, "completed"},
		{"unroutable", magicUnroutable, []string{"initiated", "ringing", "answered", "completed"}, "initiated,failed"},
		{"no answer", "+14155550111", []string{"ringing completed"}, "ringing,no-answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, WithTimings(Timings{Queue: time.Second, Connect: time.Second, Ring: time.Second}), WithNoAnswer("+14155550111"))
			rcv := newReceiver(t)
			h.dial("room", "client:other", "Label", "other")
			extra := []string{"StatusCallback", rcv.ts.URL + "/call?x=1"}
			for _, e := range tt.events {
				extra = append(extra, "StatusCallbackEvent", e)
			}
			p := h.dial("room", tt.to, extra...)
			conf, call := str(p["conference_sid"]), str(p["call_sid"])
			for i := 0; i < 6; i++ {
				h.clock.Advance(time.Second)
				h.must(200, "GET", confPath(conf), nil)
			}
			h.clock.Advance(time.Minute) // a no-answer rings for the Timeout
			h.must(200, "GET", confPath(conf), nil)
			if strings.HasSuffix(tt.want, "completed") {
				h.must(204, "POST", controlPath(conf, call, "Hangup"), nil)
			}
			n := len(strings.Split(tt.want, ","))
			got := rcv.wait(n)
			time.Sleep(20 * time.Millisecond)
			got = rcv.wait(n)
			var statuses []string
			for i, r := range got {
				statuses = append(statuses, r.params.Get("CallStatus"))
				if r.params.Get("CallSid") != call || r.params.Get("AccountSid") != testAccount ||
					r.params.Get("SequenceNumber") != strconv.Itoa(i) || r.params.Get("ConferenceSid") != "" {
					t.Errorf("callback %d params %v", i, r.params)
				}
				if Signature(testToken, r.url, r.params) != r.signature || r.method != "POST" {
					t.Errorf("callback %d not signed like Twilio's", i)
				}
			}
			if strings.Join(statuses, ",") != tt.want {
				t.Errorf("CallStatus %v, want %s", statuses, tt.want)
			}
		})
	}
}

func TestAnnouncementFetched(t *testing.T) {
	tests := []struct {
		name   string
		ct     string
		body   string
		status int
		method string
		event  string
		reason string
	}{
		{"audio", "audio/mpeg", "", 200, "", "announcement-end", ""},
		{"TwiML", "text/xml", `<?xml version="1.0"?><Response><Say>hi</Say></Response>`, 200, "", "announcement-end", ""},
		{"TwiML by GET", "application/xml", `<Response><Play>x.mp3</Play></Response>`, 200, "GET", "announcement-end", ""},
		{"HTML", "text/html", "<html></html>", 200, "", "announcement-fail", "neither audio nor TwiML"},
		{"XML not TwiML", "text/xml", "<Other/>", 200, "", "announcement-fail", "not <Response>"},
		{"not found", "audio/mpeg", "", 404, "", "announcement-fail", "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			conf, agent, _, rcv := speechRoom(t, h)
			var mu sync.Mutex
			var fetched []string
			files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.ParseForm()
				signed := url.Values(r.PostForm)
				if r.Method == "GET" {
					signed = nil
				}
				if Signature(testToken, "http://"+r.Host+r.RequestURI, signed) != r.Header.Get("X-Twilio-Signature") {
					w.WriteHeader(403)
					return
				}
				mu.Lock()
				fetched = append(fetched, r.Method+" "+r.Form.Get("CallSid"))
				mu.Unlock()
				w.Header().Set("Content-Type", tt.ct)
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer files.Close()
			form := url.Values{"AnnounceUrl": {files.URL + "/a"}}
			if tt.method != "" {
				form.Set("AnnounceMethod", tt.method)
			}
			h.must(200, "POST", partPath(conf, agent), form)
			got := rcv.wait(4)[3].params
			if got.Get("StatusCallbackEvent") != tt.event || got.Get("CallSid") != agent ||
				got.Get("AnnounceUrl") != files.URL+"/a" || !strings.Contains(got.Get("ReasonAnnouncementFailed"), tt.reason) {
				t.Errorf("callback %v", got)
			}
			method := tt.method
			if method == "" {
				method = "POST"
			}
			mu.Lock()
			defer mu.Unlock()
			if len(fetched) != 1 || fetched[0] != method+" "+agent {
				t.Errorf("fetched %v", fetched)
			}
		})
	}
}

// TestDemoTalksInTurns: subscribed to speaker events, a demo conference
// has its people talk one at a time, never while muted or held.
func TestDemoTalksInTurns(t *testing.T) {
	h := newHarness(t)
	rcv := newReceiver(t)
	stop, err := StartDemo(h.srv, testAccount, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	conf := h.srv.Conferences(testAccount)[0]
	if err := h.srv.Subscribe(testAccount, conf.SID, rcv.ts.URL+"/cb", "speaker", "mute", "hold", "leave"); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Subscribe(testAccount, conf.SID, rcv.ts.URL+"/cb", "bogus"); err == nil {
		t.Error("a bogus event was accepted")
	}
	for i := 0; i < 120; i++ {
		h.clock.Advance(500 * time.Millisecond)
		h.srv.Advance()
	}
	got := rcv.wait(10)
	time.Sleep(50 * time.Millisecond)
	got = rcv.wait(len(got))
	speaking := map[string]bool{}
	muted := map[string]bool{}
	starts := 0
	for _, r := range got {
		call := r.params.Get("CallSid")
		switch r.params.Get("StatusCallbackEvent") {
		case "participant-speech-start":
			starts++
			for other, on := range speaking {
				if on {
					t.Fatalf("%s starts while %s still speaks", call, other)
				}
			}
			if r.params.Get("Muted") == "true" || r.params.Get("Hold") == "true" || muted[call] {
				t.Fatalf("%s speaks while muted or held: %v", call, r.params)
			}
			speaking[call] = true
		case "participant-speech-stop":
			if !speaking[call] {
				t.Fatalf("%s stops without having started", call)
			}
			speaking[call] = false
		case "participant-mute", "participant-hold", "participant-unmute", "participant-unhold":
			muted[call] = r.params.Get("Muted") == "true" || r.params.Get("Hold") == "true"
		}
	}
	if starts < 5 {
		t.Errorf("only %d turns in a simulated minute", starts)
	}
}

// TestControlReadsParamsAsTheAPIDoes: the control API reads its parameters
// as the Twilio paths do, so a JSON body or a parameter in the query string
// is refused with a message saying so, instead of "Speaking must be true or
// false, got """.
func TestControlReadsParamsAsTheAPIDoes(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("room", "+14155550100", "Label", "agent")["conference_sid"])
	h.dial(conf, "+14155550101", "Label", "customer")
	path := controlPath(conf, "agent", "Speech")
	tests := []struct {
		name, path, body, ct, says string
	}{
		{"JSON body", path, `{"Speaking":true}`, "application/json", `Content-Type "application/json"`},
		{"parameter in the query", path + "?Speaking=true", "", "", "form body"},
		{"undecodable query", path + "?Speaking=%ZZ", "", "", "query string"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", h.ts.URL+tc.path, strings.NewReader(tc.body))
			if tc.ct != "" {
				req.Header.Set("Content-Type", tc.ct)
			}
			req.SetBasicAuth(testAccount, testToken)
			resp, err := h.ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			r := reply{status: resp.StatusCode, header: resp.Header, body: b}
			wantError(t, r, 400, CodeBadRequest)
			if msg := str(r.doc(t)["message"]); !strings.Contains(msg, tc.says) {
				t.Errorf("message %q does not say %q", msg, tc.says)
			}
		})
	}
}
