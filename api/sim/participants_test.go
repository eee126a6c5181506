package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCreateParticipantValidation covers every validation error code of
// CreateParticipant.
func TestCreateParticipantValidation(t *testing.T) {
	h := newHarness(t)
	seed := h.dial("busy", "+14155550100", "Label", "taken")
	busy := str(seed["conference_sid"])
	held := h.dial(busy, "+14155550101", "Label", "held")
	h.must(200, "POST", partPath(busy, str(held["call_sid"])), url.Values{"Hold": {"true"}})
	small := str(h.dial("small", "+14155550100", "MaxParticipants", "2")["conference_sid"])
	h.dial(small, "+14155550101")
	ended := str(h.dial("ended", "+14155550100")["conference_sid"])
	h.must(200, "POST", confPath(ended), url.Values{"Status": {"completed"}})
	callSID := "CA" + strings.Repeat("ab", 16)

	ok := []string{"To", "+14155550123", "From", "+15005550006"}
	tests := []struct {
		name   string
		conf   string
		fields []string // replaces or adds to ok; a value of "-" removes the key
		code   int
	}{
		{"no To", "room", []string{"To", "-"}, CodeToMissing},
		{"empty To", "room", []string{"To", ""}, CodeToMissing},
		{"no From", "room", []string{"From", "-"}, CodeFromMissing},
		{"To with letters", "room", []string{"To", "+1415CALLME"}, CodeToInvalid},
		{"To too long", "room", []string{"To", "+1234567890123456"}, CodeToInvalid},
		{"To leading zero", "room", []string{"To", "+0415555"}, CodeToInvalid},
		{"To empty client", "room", []string{"To", "client:"}, CodeToInvalid},
		{"To sip without host", "room", []string{"To", "sip:alice"}, CodeToInvalid},
		{"From not E.164", "room", []string{"From", "555-1234"}, CodeFromInvalid},
		// Numbers the numbering plan does not allow, however they are written.
		{"To 5551234567, Twilio's example of 21211", "room", []string{"To", "5551234567"}, CodeToInvalid},
		{"To +15551234567", "room", []string{"To", "+15551234567"}, CodeToInvalid},
		{"To of five digits", "room", []string{"To", "12345"}, CodeToInvalid},
		{"To +1555", "room", []string{"To", "+1555"}, CodeToInvalid},
		{"To +44 with too few digits", "room", []string{"To", "+44207946"}, CodeToInvalid},
		{"From 5551234567", "room", []string{"From", "5551234567"}, CodeFromInvalid},
		{"From +1555", "room", []string{"From", "+1555"}, CodeFromInvalid},
		{"client From for a phone To", "room", []string{"From", "client:bob"}, CodeFromInvalid},
		{"SIP user From for a phone To", "room", []string{"From", "bob"}, CodeFromInvalid},
		{"SIP user From for a client To", "room", []string{"To", "client:alice", "From", "bob"}, CodeFromInvalid},
		{"magic invalid From", "room", []string{"From", "+15005550001"}, CodeFromInvalid},
		{"magic invalid To", "room", []string{"To", "+15005550001"}, CodeToNotValid},
		{"magic no permission", "room", []string{"To", "+15005550003"}, CodeNoGeoPermission},
		{"magic blocked", "room", []string{"To", "+15005550004"}, CodeToBlocked},
		{"Timeout 4", "room", []string{"Timeout", "4"}, CodeBadRequest},
		{"Timeout 601", "room", []string{"Timeout", "601"}, CodeBadRequest},
		{"Timeout words", "room", []string{"Timeout", "soon"}, CodeBadRequest},
		{"MaxParticipants 1", "room", []string{"MaxParticipants", "1"}, CodeConferenceAttributes},
		{"MaxParticipants 251", "room", []string{"MaxParticipants", "251"}, CodeConferenceAttributes},
		{"MaxParticipants words", "room", []string{"MaxParticipants", "many"}, CodeBadRequest},
		{"full conference", small, nil, CodeConferenceFull},
		{"label of 129 characters", "room", []string{"Label", strings.Repeat("é", 129)}, CodeInvalidLabel},
		{"label shaped like a call SID", "room", []string{"Label", callSID}, CodeInvalidLabel},
		{"label with a slash", "room", []string{"Label", "a/b"}, CodeInvalidLabel},
		{"label not UTF-8", "room", []string{"Label", "caf\xe9"}, CodeInvalidLabel},
		{"label taken", busy, []string{"Label", "taken"}, CodeLabelInUse},
		{"label taken, by friendly name", "busy", []string{"Label", "taken"}, CodeLabelInUse},
		{"coaching without CallSidToCoach", busy, []string{"Coaching", "true"}, CodeCoachedNotPresent},
		{"coaching a call not in the conference", busy, []string{"Coaching", "true", "CallSidToCoach", callSID}, CodeCoachedNotPresent},
		{"coaching in a new conference", "fresh", []string{"CallSidToCoach", str(seed["call_sid"])}, CodeCoachedNotPresent},
		{"CallSidToCoach malformed", busy, []string{"CallSidToCoach", "agent-7"}, CodeCoachedNotPresent},
		{"coaching someone on hold", busy, []string{"CallSidToCoach", str(held["call_sid"])}, CodeCoachedOnHold},
		{"Muted yes", "room", []string{"Muted", "yes"}, CodeBadRequest},
		{"Muted 1", "room", []string{"Muted", "1"}, CodeBadRequest},
		{"StartConferenceOnEnter empty", "room", []string{"StartConferenceOnEnter", ""}, CodeBadRequest},
		{"EndConferenceOnExit maybe", "room", []string{"EndConferenceOnExit", "maybe"}, CodeBadRequest},
		{"Beep sometimes", "room", []string{"Beep", "sometimes"}, CodeBadRequest},
		{"ConferenceRecord always", "room", []string{"ConferenceRecord", "always"}, CodeBadRequest},
		{"bad conference event", "room", []string{"ConferenceStatusCallbackEvent", "start explode"}, CodeConferenceAttributes},
		{"bad call event", "room", []string{"StatusCallbackEvent", "exploded"}, CodeBadRequest},
		{"bad StatusCallback URL", "room", []string{"StatusCallback", "ftp://example.com"}, CodeBadRequest},
		{"bad StatusCallbackMethod", "room", []string{"StatusCallbackMethod", "PUT"}, CodeBadRequest},
		{"bad Region", "room", []string{"Region", "mars1"}, CodeBadRequest},
		{"bad Byoc", "room", []string{"Byoc", "BY123"}, CodeBadRequest},
		{"bad TimeLimit", "room", []string{"TimeLimit", "1h"}, CodeBadRequest},
		{"CallerDisplayName too short", "room", []string{"CallerDisplayName", "x"}, CodeBadRequest},
		{"completed conference SID", ended, nil, CodeConferenceNotActive},
		{"friendly name too long", strings.Repeat("n", 129), nil, CodeConferenceUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := url.Values{}
			for i := 0; i < len(ok); i += 2 {
				f.Set(ok[i], ok[i+1])
			}
			for i := 0; i+1 < len(tc.fields); i += 2 {
				if tc.fields[i+1] == "-" {
					f.Del(tc.fields[i])
					continue
				}
				f.Set(tc.fields[i], tc.fields[i+1])
			}
			wantError(t, h.do("POST", partsPath(tc.conf), f), 400, tc.code)
		})
	}
	// Every value of a repeated array key is checked.
	rep := url.Values{"To": {"+14155550123"}, "From": {"+15005550006"}, "ConferenceStatusCallbackEvent": {"start", "bogus"}}
	wantError(t, h.do("POST", partsPath("room"), rep), 400, CodeConferenceAttributes)
	// Unknown conference SID: not found.
	wantError(t, h.do("POST", partsPath("CF"+strings.Repeat("0", 32)), url.Values{"To": {"+14155550123"}, "From": {"+15005550006"}}), 404, CodeNotFound)
	// Nothing was created by the refused requests.
	if doc := h.must(200, "GET", confsPath()+"?FriendlyName=room", nil); len(doc["conferences"].([]any)) != 0 {
		t.Errorf("a refused create opened a conference: %v", doc)
	}
}

// TestCreateParticipantAccepts covers endpoints and values Twilio accepts.
func TestCreateParticipantAccepts(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		fields []string
		want   map[string]any // fields of the created participant
	}{
		{"client To", []string{"To", "client:alice"}, nil},
		{"sip To", []string{"To", "sip:alice@example.com"}, nil},
		{"TwiML app To", []string{"To", "app:AP" + strings.Repeat("0", 32)}, nil},
		{"client From for a client To", []string{"To", "client:alice", "From", "client:bob"}, nil},
		{"client From for a SIP To", []string{"To", "sip:alice@example.com", "From", "client:bob"}, nil},
		{"SIP user From for SIP To", []string{"To", "sip:alice@example.com", "From", "bob"}, nil},
		{"phone From for SIP To", []string{"To", "sip:alice@example.com", "From", "+14155550100"}, nil},
		{"US number without +", []string{"To", "4157663747"}, nil},
		{"US number with 1 but without +", []string{"To", "14157663747"}, nil},
		{"international number without +", []string{"To", "4405512345678", "From", "4405512345678"}, nil},
		{"UK number", []string{"To", "+442079460958"}, nil},
		{"fictional 555-01XX number", []string{"To", "+14155550199"}, nil},
		{"booleans in any case", []string{"To", "+14155550100", "Muted", "TRUE", "EarlyMedia", "False"}, map[string]any{"muted": true}},
		{"Timeout limits", []string{"To", "+14155550100", "Timeout", "5"}, nil},
		{"Timeout 600", []string{"To", "+14155550100", "Timeout", "600"}, nil},
		{"repeated events", []string{"To", "+14155550100", "ConferenceStatusCallbackEvent", "start", "ConferenceStatusCallbackEvent", "end join", "StatusCallbackEvent", "initiated"}, nil},
		{"empty WaitUrl means silence", []string{"To", "+14155550100", "WaitUrl", ""}, nil},
		{"label of 128 characters", []string{"To", "+14155550100", "Label", strings.Repeat("ü", 128)}, map[string]any{"label": strings.Repeat("ü", 128)}},
		{"everything documented", []string{"To", "+14155550100", "StatusCallback", "https://example.com/cb", "StatusCallbackMethod", "GET",
			"Record", "true", "Beep", "onExit", "StartConferenceOnEnter", "false", "EndConferenceOnExit", "true", "WaitUrl", "http://example.com/w",
			"WaitMethod", "GET", "EarlyMedia", "true", "MaxParticipants", "10", "ConferenceRecord", "do-not-record", "ConferenceTrim", "do-not-trim",
			"RecordingChannels", "dual", "Region", "ie1", "JitterBufferSize", "small", "Byoc", "BY" + strings.Repeat("1", 32), "CallerId", "+15005550006",
			"CallReason", "demo", "RecordingTrack", "both", "TimeLimit", "3600", "MachineDetection", "Enable", "MachineDetectionTimeout", "30",
			"Trim", "trim-silence", "CallerDisplayName", "Support", "SipAuthUsername", "u", "SipAuthPassword", "p", "UnknownParam", "ignored"},
			map[string]any{"start_conference_on_enter": false, "end_conference_on_exit": true, "muted": false, "hold": false, "coaching": false, "status": "queued"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := url.Values{"From": {"+15005550006"}}
			for j := 0; j+1 < len(tc.fields); j += 2 {
				if j > 0 && tc.fields[j] == tc.fields[j-2] {
					f.Add(tc.fields[j], tc.fields[j+1])
					continue
				}
				f.Set(tc.fields[j], tc.fields[j+1])
			}
			r := h.do("POST", partsPath("accept-"+string(rune('a'+i))), f)
			if r.status != http.StatusCreated {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			doc := r.doc(t)
			for k, v := range tc.want {
				if doc[k] != v {
					t.Errorf("%s = %v, want %v", k, doc[k], v)
				}
			}
		})
	}
}

// TestFriendlyNameOpensOrJoins: a friendly name joins the active conference
// of that name, or opens one; after it completes the name opens a new one.
func TestFriendlyNameOpensOrJoins(t *testing.T) {
	h := newHarness(t)
	a := h.dial("Daily Stand-up ☕", "+14155550100")
	b := h.dial("Daily Stand-up ☕", "+14155550101")
	if a["conference_sid"] != b["conference_sid"] {
		t.Fatalf("same name, two conferences: %v %v", a["conference_sid"], b["conference_sid"])
	}
	conf := str(a["conference_sid"])
	h.must(200, "POST", confPath(conf), url.Values{"Status": {"completed"}})
	c := h.dial("Daily Stand-up ☕", "+14155550100")
	h.dial("Daily Stand-up ☕", "+14155550101")
	if c["conference_sid"] == conf {
		t.Fatal("a completed conference was reused")
	}
	doc := h.must(200, "GET", confsPath()+"?FriendlyName="+url.QueryEscape("Daily Stand-up ☕"), nil)
	if n := len(doc["conferences"].([]any)); n != 2 {
		t.Fatalf("%d conferences of that name, want 2", n)
	}
	got := h.must(200, "GET", confPath(str(c["conference_sid"])), nil)
	if got["friendly_name"] != "Daily Stand-up ☕" || got["status"] != "in-progress" {
		t.Errorf("conference %v %v", got["friendly_name"], got["status"])
	}
}

// TestParticipantProgress follows a dialled participant on the simulator's
// clock, and the conference starting when it connects to the host waiting
// there.
func TestParticipantProgress(t *testing.T) {
	timings := Timings{Queue: time.Second, Connect: 2 * time.Second, Ring: 3 * time.Second, Linger: 4 * time.Second}
	h := newHarness(t, WithTimings(timings), WithNoAnswer("+14155550199"))
	if _, err := h.srv.JoinConnected(testAccount, "room", Join{Label: "host"}); err != nil {
		t.Fatal(err)
	}
	p := h.dial("room", "+14155550100", "Label", "caller")
	conf := str(p["conference_sid"])
	if p["queue_time"] != "1000" {
		t.Errorf("queue_time %v, want \"1000\" (milliseconds)", p["queue_time"])
	}
	steps := []struct {
		after      time.Duration
		status     string
		conference string
	}{
		{0, "queued", "init"},
		{999 * time.Millisecond, "queued", "init"},
		{time.Millisecond, "connecting", "init"},
		{2 * time.Second, "ringing", "init"},
		{3 * time.Second, "connected", "in-progress"},
	}
	for _, st := range steps {
		h.clock.Advance(st.after)
		got := h.must(200, "GET", partPath(conf, "caller"), nil)
		cf := h.must(200, "GET", confPath(conf), nil)
		if got["status"] != st.status || cf["status"] != st.conference {
			t.Fatalf("at +%v: participant %v conference %v, want %s %s", h.clock.Now().Sub(epoch), got["status"], cf["status"], st.status, st.conference)
		}
	}
	if got := h.must(200, "GET", partPath(conf, "caller"), nil); got["date_updated"] != "Fri, 18 Feb 2011 19:26:56 +0000" {
		t.Errorf("date_updated %v, want the moment it connected", got["date_updated"])
	}

	// An unroutable number fails while connecting, lingers, then is gone.
	f := h.dial(conf, "+15005550002", "Label", "unroutable")
	h.clock.Advance(timings.Queue + timings.Connect)
	if got := h.must(200, "GET", partPath(conf, "unroutable"), nil); got["status"] != "failed" {
		t.Fatalf("unroutable: %v, want failed", got["status"])
	}
	wantError(t, h.do("POST", partPath(conf, "unroutable"), url.Values{"Muted": {"true"}}), 404, CodeNotFound)
	h.clock.Advance(timings.Linger)
	wantError(t, h.do("GET", partPath(conf, str(f["call_sid"])), nil), 404, CodeNotFound)

	// A number nobody answers rings for its Timeout, then fails.
	h.dial(conf, "+14155550199", "Label", "no-answer", "Timeout", "10")
	h.clock.Advance(timings.Queue + timings.Connect + 9*time.Second)
	if got := h.must(200, "GET", partPath(conf, "no-answer"), nil); got["status"] != "ringing" {
		t.Fatalf("no-answer after 9s of ringing: %v", got["status"])
	}
	h.clock.Advance(time.Second)
	if got := h.must(200, "GET", partPath(conf, "no-answer"), nil); got["status"] != "failed" {
		t.Fatalf("no-answer after its Timeout: %v", got["status"])
	}
}

// TestInstantTimingsByDefault: the create reply says queued, the next look
// says connected.
func TestInstantTimingsByDefault(t *testing.T) {
	h := newHarness(t)
	p := h.dial("room", "+14155550100")
	if p["status"] != "queued" || p["queue_time"] != "0" {
		t.Fatalf("create reply %v %v", p["status"], p["queue_time"])
	}
	got := h.must(200, "GET", partPath(str(p["conference_sid"]), str(p["call_sid"])), nil)
	if got["status"] != "connected" {
		t.Fatalf("next look: %v", got["status"])
	}
}

// TestStartConferenceOnEnter: participants who do not start the conference
// wait in init until one who does connects.
func TestStartConferenceOnEnter(t *testing.T) {
	h := newHarness(t)
	p := h.dial("room", "+14155550100", "StartConferenceOnEnter", "false")
	conf := str(p["conference_sid"])
	if got := h.must(200, "GET", confPath(conf), nil); got["status"] != "init" {
		t.Fatalf("conference %v with only a waiting participant, want init", got["status"])
	}
	if got := h.must(200, "GET", partPath(conf, str(p["call_sid"])), nil); got["start_conference_on_enter"] != false || got["status"] != "connected" {
		t.Fatalf("participant %v", got)
	}
	h.dial(conf, "+14155550101")
	if got := h.must(200, "GET", confPath(conf), nil); got["status"] != "in-progress" {
		t.Fatalf("conference %v after a starter joined, want in-progress", got["status"])
	}
}

// TestLifecycleReasons covers every way a conference ends.
func TestLifecycleReasons(t *testing.T) {
	type setup struct {
		conf, a, b string // a has EndConferenceOnExit when eceo
	}
	tests := []struct {
		name   string
		eceo   bool
		act    func(h *harness, s setup)
		reason string
		ender  string // "a", "b" or "" for null
	}{
		{"ended via the API", false, func(h *harness, s setup) {
			h.must(200, "POST", confPath(s.conf), url.Values{"Status": {"completed"}})
		}, "conference-ended-via-api", ""},
		{"end-on-exit participant hangs up", true, func(h *harness, s setup) {
			if err := h.srv.Hangup(testAccount, s.conf, s.a); err != nil {
				h.t.Fatal(err)
			}
		}, "participant-with-end-conference-on-exit-left", "a"},
		{"end-on-exit participant removed", true, func(h *harness, s setup) {
			h.must(204, "DELETE", partPath(s.conf, s.a), nil)
		}, "participant-with-end-conference-on-exit-kicked", "a"},
		{"last participant hangs up", false, func(h *harness, s setup) {
			h.must(204, "DELETE", partPath(s.conf, s.a), nil)
			if err := h.srv.Hangup(testAccount, s.conf, s.b); err != nil {
				h.t.Fatal(err)
			}
		}, "last-participant-left", "b"},
		{"last participant removed", false, func(h *harness, s setup) {
			if err := h.srv.Hangup(testAccount, s.conf, s.b); err != nil {
				h.t.Fatal(err)
			}
			h.must(204, "DELETE", partPath(s.conf, s.a), nil)
		}, "last-participant-kicked", "a"},
		{"end on exit set by an update", false, func(h *harness, s setup) {
			h.must(200, "POST", partPath(s.conf, s.b), url.Values{"EndConferenceOnExit": {"true"}})
			h.must(204, "DELETE", partPath(s.conf, s.b), nil)
		}, "participant-with-end-conference-on-exit-kicked", "b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			a := h.dial("room", "+14155550100", "EndConferenceOnExit", strconv.FormatBool(tc.eceo))
			s := setup{conf: str(a["conference_sid"]), a: str(a["call_sid"])}
			s.b = str(h.dial(s.conf, "+14155550101")["call_sid"])
			if got := h.must(200, "GET", confPath(s.conf), nil); got["status"] != "in-progress" || got["reason_conference_ended"] != nil {
				t.Fatalf("before: %v %v", got["status"], got["reason_conference_ended"])
			}
			h.clock.Advance(time.Minute)
			tc.act(h, s)
			got := h.must(200, "GET", confPath(s.conf), nil)
			if got["status"] != "completed" || got["reason_conference_ended"] != tc.reason {
				t.Fatalf("after: %v %v, want completed %s", got["status"], got["reason_conference_ended"], tc.reason)
			}
			want := map[string]any{"a": s.a, "b": s.b, "": nil}[tc.ender]
			if got["call_sid_ending_conference"] != want {
				t.Errorf("call_sid_ending_conference %v, want %v", got["call_sid_ending_conference"], want)
			}
			if got["date_updated"] != "Fri, 18 Feb 2011 19:27:50 +0000" {
				t.Errorf("date_updated %v, want the moment it ended", got["date_updated"])
			}
			// A completed conference keeps its record but has no participants.
			list := h.must(200, "GET", partsPath(s.conf), nil)
			if n := len(list["participants"].([]any)); n != 0 {
				t.Errorf("%d participants after the end", n)
			}
			for _, id := range []string{s.a, s.b} {
				wantError(t, h.do("GET", partPath(s.conf, id), nil), 404, CodeNotFound)
				wantError(t, h.do("POST", partPath(s.conf, id), url.Values{"Muted": {"true"}}), 404, CodeNotFound)
				wantError(t, h.do("DELETE", partPath(s.conf, id), nil), 404, CodeNotFound)
			}
			wantError(t, h.do("POST", partsPath(s.conf), url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}}), 400, CodeConferenceNotActive)
		})
	}
}

// TestLeftParticipantIsGone: fetch, update and delete of a participant who
// left answer 404 20404, while the others stay.
func TestLeftParticipantIsGone(t *testing.T) {
	h := newHarness(t)
	a := h.dial("room", "+14155550100", "Label", "leaver")
	conf := str(a["conference_sid"])
	h.dial(conf, "+14155550101", "Label", "stayer")
	h.must(204, "DELETE", partPath(conf, "leaver"), nil)
	for _, id := range []string{"leaver", str(a["call_sid"])} {
		wantError(t, h.do("GET", partPath(conf, id), nil), 404, CodeNotFound)
		wantError(t, h.do("POST", partPath(conf, id), url.Values{"Hold": {"true"}}), 404, CodeNotFound)
		wantError(t, h.do("DELETE", partPath(conf, id), nil), 404, CodeNotFound)
	}
	h.must(200, "GET", partPath(conf, "stayer"), nil)
	if got := h.must(200, "GET", confPath(conf), nil); got["status"] != "in-progress" {
		t.Fatalf("conference %v with one left, want in-progress", got["status"])
	}
	// The label is free again.
	h.dial(conf, "+14155550102", "Label", "leaver")
}

// TestLabelAddressing fetches, updates and deletes participants whose labels
// need percent-encoding in the path.
func TestLabelAddressing(t *testing.T) {
	h := newHarness(t)
	labels := []string{
		"customer +1 415 555 0142",
		"agent-maria",
		"supervisor-李",
		"Zoë Côté",
		"100% sure",
		"a+b=c&d?e#f",
		"日本語のラベル",
		"emoji 📞",
		"%20 looks encoded", // "%2F" is refused (16024)
		"..",
		"x.json",
	}
	conf := str(h.dial("labels", "+14155550100")["conference_sid"])
	for _, l := range labels {
		t.Run(l, func(t *testing.T) {
			p := h.dial(conf, "+14155550100", "Label", l)
			if p["label"] != l {
				t.Fatalf("label %q came back as %q", l, p["label"])
			}
			got := h.must(200, "GET", partPath(conf, l), nil)
			if got["call_sid"] != p["call_sid"] {
				t.Fatalf("fetched %v, want %v", got["call_sid"], p["call_sid"])
			}
			up := h.must(200, "POST", partPath(conf, l), url.Values{"Muted": {"true"}})
			if up["muted"] != true || up["label"] != l {
				t.Fatalf("update: %v", up)
			}
			h.must(204, "DELETE", partPath(conf, l), nil)
			wantError(t, h.do("GET", partPath(conf, l), nil), 404, CodeNotFound)
		})
	}
	// A percent-encoded slash is part of the segment, and no label has one.
	wantError(t, h.do("GET", "/2010-04-01/Accounts/"+testAccount+"/Conferences/"+conf+"/Participants/a%2Fb.json", nil), 404, CodeNotFound)
}

// TestUpdateParticipant covers every documented parameter.
func TestUpdateParticipant(t *testing.T) {
	h := newHarness(t)
	agent := h.dial("room", "client:agent", "Label", "agent")
	conf := str(agent["conference_sid"])
	h.dial(conf, "+14155550100", "Label", "customer")
	sup := h.dial(conf, "client:sup", "Label", "supervisor")
	agentSID := str(agent["call_sid"])

	tests := []struct {
		name   string
		who    string
		form   url.Values
		want   map[string]any
		status int
		code   int
	}{
		{"mute", "customer", url.Values{"Muted": {"true"}}, map[string]any{"muted": true}, 200, 0},
		{"unmute", "customer", url.Values{"Muted": {"false"}}, map[string]any{"muted": false}, 200, 0},
		{"hold with music", "customer", url.Values{"Hold": {"true"}, "HoldUrl": {"https://example.com/hold.mp3"}, "HoldMethod": {"GET"}}, map[string]any{"hold": true}, 200, 0},
		{"unhold", "customer", url.Values{"Hold": {"false"}}, map[string]any{"hold": false}, 200, 0},
		{"announce", "customer", url.Values{"AnnounceUrl": {"https://example.com/a.xml"}, "AnnounceMethod": {"POST"}}, map[string]any{"muted": false}, 200, 0},
		{"wait music", "customer", url.Values{"WaitUrl": {"https://example.com/w.mp3"}, "WaitMethod": {"GET"}}, map[string]any{"hold": false}, 200, 0},
		{"beep on exit", "customer", url.Values{"BeepOnExit": {"false"}}, map[string]any{"muted": false}, 200, 0},
		{"end conference on exit", "customer", url.Values{"EndConferenceOnExit": {"true"}}, map[string]any{"end_conference_on_exit": true}, 200, 0},
		{"end conference on exit off", "customer", url.Values{"EndConferenceOnExit": {"false"}}, map[string]any{"end_conference_on_exit": false}, 200, 0},
		{"coach", "supervisor", url.Values{"Coaching": {"true"}, "CallSidToCoach": {agentSID}}, map[string]any{"coaching": true, "call_sid_to_coach": agentSID}, 200, 0},
		{"stop coaching", "supervisor", url.Values{"Coaching": {"false"}}, map[string]any{"coaching": false, "call_sid_to_coach": nil}, 200, 0},
		{"CallSidToCoach alone starts coaching", "supervisor", url.Values{"CallSidToCoach": {agentSID}}, map[string]any{"coaching": true, "call_sid_to_coach": agentSID}, 200, 0},
		{"Coaching true keeps the target", "supervisor", url.Values{"Coaching": {"true"}}, map[string]any{"coaching": true, "call_sid_to_coach": agentSID}, 200, 0},
		{"coach yourself", "agent", url.Values{"CallSidToCoach": {agentSID}}, nil, 400, CodeCoachedNotPresent},
		{"coach with no target", "customer", url.Values{"Coaching": {"true"}}, nil, 400, CodeCoachedNotPresent},
		{"coach someone absent", "customer", url.Values{"CallSidToCoach": {"CA" + strings.Repeat("0", 32)}}, nil, 400, CodeCoachedNotPresent},
		{"Muted not a boolean unmutes", "customer", url.Values{"Muted": {"yes"}}, map[string]any{"muted": false}, 200, 0},
		{"Hold not a boolean", "customer", url.Values{"Hold": {"on"}}, nil, 400, CodeBadRequest},
		{"bad HoldUrl", "customer", url.Values{"HoldUrl": {"not a url"}}, nil, 400, CodeBadRequest},
		{"bad AnnounceMethod", "customer", url.Values{"AnnounceMethod": {"PATCH"}}, nil, 400, CodeBadRequest},
		{"bad WaitMethod", "customer", url.Values{"WaitMethod": {"HEAD"}}, nil, 400, CodeBadRequest},
		{"BeepOnExit not a boolean", "customer", url.Values{"BeepOnExit": {"2"}}, nil, 400, CodeBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.clock.Advance(time.Second)
			r := h.do("POST", partPath(conf, tc.who), tc.form)
			if tc.code != 0 {
				wantError(t, r, tc.status, tc.code)
				return
			}
			if r.status != tc.status {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			doc := r.doc(t)
			for k, v := range tc.want {
				if doc[k] != v {
					t.Errorf("%s = %v, want %v", k, doc[k], v)
				}
			}
			if doc["date_updated"] != formatDate(h.clock.Now()) {
				t.Errorf("date_updated %v, want now", doc["date_updated"])
			}
			// The change is visible to the next fetch.
			again := h.must(200, "GET", partPath(conf, tc.who), nil)
			for k, v := range tc.want {
				if again[k] != v {
					t.Errorf("refetched %s = %v, want %v", k, again[k], v)
				}
			}
		})
	}
	// Holding the coached agent makes new coaching refused with 16027.
	h.must(200, "POST", partPath(conf, "supervisor"), url.Values{"Coaching": {"false"}})
	h.must(200, "POST", partPath(conf, "agent"), url.Values{"Hold": {"true"}})
	wantError(t, h.do("POST", partPath(conf, "supervisor"), url.Values{"CallSidToCoach": {agentSID}}), 400, CodeCoachedOnHold)
	// When the coached agent leaves, the coach stops coaching.
	h.must(200, "POST", partPath(conf, "agent"), url.Values{"Hold": {"false"}})
	h.must(200, "POST", partPath(conf, "supervisor"), url.Values{"CallSidToCoach": {agentSID}})
	h.must(204, "DELETE", partPath(conf, "agent"), nil)
	if got := h.must(200, "GET", partPath(conf, str(sup["call_sid"])), nil); got["coaching"] != false || got["call_sid_to_coach"] != nil {
		t.Errorf("coach of a participant who left: %v %v", got["coaching"], got["call_sid_to_coach"])
	}
}

// TestParticipantFilters covers Muted, Hold and Coaching on the list.
func TestParticipantFilters(t *testing.T) {
	h := newHarness(t)
	a := h.dial("room", "client:agent", "Label", "agent")
	conf := str(a["conference_sid"])
	h.dial(conf, "+14155550100", "Label", "muted", "Muted", "true")
	held := h.dial(conf, "+14155550101", "Label", "held")
	h.must(200, "POST", partPath(conf, str(held["call_sid"])), url.Values{"Hold": {"true"}})
	h.dial(conf, "client:sup", "Label", "coach", "CallSidToCoach", str(a["call_sid"]))
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"coach", "held", "muted", "agent"}},
		{"Muted=true", []string{"muted"}},
		{"Muted=false", []string{"coach", "held", "agent"}},
		{"Hold=true", []string{"held"}},
		{"Coaching=true", []string{"coach"}},
		{"Muted=false&Hold=false&Coaching=false", []string{"agent"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			doc := h.must(200, "GET", partsPath(conf)+"?"+tc.query, nil)
			var got []string
			for _, it := range doc["participants"].([]any) {
				got = append(got, str(it.(map[string]any)["label"]))
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if tc.query != "" && !strings.HasPrefix(str(doc["uri"]), partsPath(conf)+"?"+tc.query+"&PageSize=50&Page=0") {
				t.Errorf("uri %v does not echo the filter", doc["uri"])
			}
		})
	}
	wantError(t, h.do("GET", partsPath(conf)+"?Muted=sometimes", nil), 400, CodeBadRequest)
}

// TestConferenceAttributesFromFirstParticipant: Region and MaxParticipants
// come from the participant who opened the conference; later values are
// ignored, as Twilio ignores them.
func TestConferenceAttributesFromFirstParticipant(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("eu room", "+14155550100", "Region", "de1", "MaxParticipants", "3")["conference_sid"])
	h.dial("eu room", "+14155550101", "Region", "jp1", "MaxParticipants", "250")
	h.dial(conf, "+14155550102")
	if got := h.must(200, "GET", confPath(conf), nil); got["region"] != "de1" {
		t.Errorf("region %v, want de1", got["region"])
	}
	wantError(t, h.do("POST", partsPath(conf), url.Values{"To": {"+14155550103"}, "From": {"+15005550006"}}), 400, CodeConferenceFull)
	// Someone leaving makes room again.
	h.must(204, "DELETE", partPath(conf, str(h.must(200, "GET", partsPath(conf), nil)["participants"].([]any)[0].(map[string]any)["call_sid"])), nil)
	h.dial(conf, "+14155550103")
}

// TestLabelsTravelUnescaped: JSON bodies carry '<', '>' and '&' as they are,
// not as \u003c escapes.
func TestLabelsTravelUnescaped(t *testing.T) {
	h := newHarness(t)
	p := h.do("POST", partsPath("R&D <core>"), url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Label": {"a<b>&c"}})
	if p.status != 201 || !strings.Contains(string(p.body), `"label":"a<b>&c"`) {
		t.Fatalf("%d %s", p.status, p.body)
	}
	conf := str(p.doc(t)["conference_sid"])
	if c := h.do("GET", confPath(conf), nil); !strings.Contains(string(c.body), `"friendly_name":"R&D <core>"`) {
		t.Fatalf("%s", c.body)
	}
}

// TestRingLongerThanTimeout: a call that would ring past its Timeout fails at
// the Timeout instead of connecting.
func TestRingLongerThanTimeout(t *testing.T) {
	h := newHarness(t, WithTimings(Timings{Ring: 20 * time.Second, Linger: time.Minute}))
	p := h.dial("room", "+14155550100", "Timeout", "5")
	conf, call := str(p["conference_sid"]), str(p["call_sid"])
	h.clock.Advance(4 * time.Second)
	if got := h.must(200, "GET", partPath(conf, call), nil); got["status"] != "ringing" {
		t.Fatalf("at 4s: %v", got["status"])
	}
	h.clock.Advance(time.Second)
	if got := h.must(200, "GET", partPath(conf, call), nil); got["status"] != "failed" {
		t.Fatalf("at its 5s Timeout: %v", got["status"])
	}
	h.clock.Advance(time.Minute)
	if got := h.must(200, "GET", confPath(conf), nil); got["status"] != "completed" || got["reason_conference_ended"] != "last-participant-left" {
		t.Fatalf("conference whose only caller failed: %v %v", got["status"], got["reason_conference_ended"])
	}
}

// TestBodyMustBeAForm: a JSON body is refused with a message saying why,
// rather than read as no parameters at all.
func TestBodyMustBeAForm(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("room", "+14155550100", "Label", "agent")["conference_sid"])
	for _, tc := range []struct{ path, body, ct string }{
		{partsPath("room"), `{"To":"+14155550100","From":"+15005550006"}`, "application/json"},
		{partPath(conf, "agent"), `{"Muted":true}`, "application/json"},
		{partPath(conf, "agent"), `Muted=true`, "text/plain"},
	} {
		req, _ := http.NewRequest("POST", h.ts.URL+tc.path, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.ct)
		req.SetBasicAuth(testAccount, testToken)
		resp, err := h.ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		r := reply{status: resp.StatusCode, header: resp.Header, body: b}
		wantError(t, r, 400, CodeBadRequest)
		if !strings.Contains(string(b), "x-www-form-urlencoded") {
			t.Errorf("message does not say what to send: %s", b)
		}
	}
	// An empty POST (no parameters) is fine, and a charset parameter too.
	h.must(200, "POST", confPath(conf), nil)
	req, _ := http.NewRequest("POST", h.ts.URL+partPath(conf, "agent"), strings.NewReader("Muted=true"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.SetBasicAuth(testAccount, testToken)
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("form with charset: %d", resp.StatusCode)
	}
}

// TestBodyTypeMessageNamesTheProblem: the refusal of a body that is not a
// form says what arrived (no Content-Type at all, or which one) and what to
// send instead, in words a CI log reader can act on.
func TestBodyTypeMessageNamesTheProblem(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("room", "+14155550100", "Label", "agent")["conference_sid"])
	tests := []struct {
		name, ct string
		want     []string
		notWant  string
	}{
		{"no Content-Type", "", []string{"no Content-Type", "application/x-www-form-urlencoded"}, `""`},
		{"JSON", "application/json", []string{`Content-Type "application/json"`, "application/x-www-form-urlencoded"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", h.ts.URL+partPath(conf, "agent"), strings.NewReader("Muted=true"))
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
			wantError(t, reply{status: resp.StatusCode, header: resp.Header, body: b}, 400, CodeBadRequest)
			var doc struct{ Message string }
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(doc.Message, w) {
					t.Errorf("message %q does not say %q", doc.Message, w)
				}
			}
			if tc.notWant != "" && strings.Contains(doc.Message, tc.notWant) {
				t.Errorf("message %q says %q", doc.Message, tc.notWant)
			}
		})
	}
}

// TestUnencodedPlusIsExplained: a '+' sent unencoded in a form body (curl -d
// To=+1415...) arrives as a space. Twilio refuses a number with a space
// (21211 / 21212), and so does the simulator, but its message says why and
// how to send it.
func TestUnencodedPlusIsExplained(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name     string
		to, from string
		code     int
		hint     bool
	}{
		{"To", " 14155550100", "+15005550006", CodeToInvalid, true},
		{"From", "+14155550100", " 15005550006", CodeFromInvalid, true},
		{"From to a client", "client:bob", " 15005550006", CodeFromInvalid, true},
		{"a To that is wrong in another way", "+15551234567", "+15005550006", CodeToInvalid, false},
		{"a space that was no plus", " client:bob", "+15005550006", CodeToInvalid, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", partsPath("room"), url.Values{"To": {tc.to}, "From": {tc.from}})
			wantError(t, r, 400, tc.code)
			msg := str(r.doc(t)["message"])
			if got := strings.Contains(msg, "%2B"); got != tc.hint {
				t.Errorf("message %q: mentions %%2B %v, want %v", msg, got, tc.hint)
			}
		})
	}
}

// TestQueryStringIsReadOrRefused: a list's filters are never dropped without
// a word. A query string that cannot be decoded (a bad escape, a ';' between
// parameters) is refused with 400 20001 instead of answering the unfiltered
// list, and parameters of a POST sent in its query string instead of its form
// body are refused instead of ignored (the request would change nothing).
func TestQueryStringIsReadOrRefused(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("room", "+14155550100", "Label", "agent")["conference_sid"])
	h.dial(conf, "+14155550101", "Label", "customer")
	tests := []struct {
		name, method, path string
		form               url.Values
		says               string
	}{
		{"bad escape in a list filter", "GET", confsPath() + "?Status=%ZZ", nil, "query string"},
		{"semicolon between filters", "GET", partsPath(conf) + "?Muted=true;PageSize=1", nil, "query string"},
		{"bad escape in a fetch", "GET", confPath(conf) + "?x=%", nil, "query string"},
		{"update conference in the query", "POST", confPath(conf) + "?Status=completed", nil, "form body"},
		{"update participant in the query", "POST", partPath(conf, "agent") + "?Muted=true", url.Values{"Hold": {"false"}}, "form body"},
		{"create participant in the query", "POST", partsPath("other") + "?To=%2B14155550102&From=%2B15005550006", nil, "form body"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do(tc.method, tc.path, tc.form)
			wantError(t, r, 400, CodeBadRequest)
			if msg := str(r.doc(t)["message"]); !strings.Contains(msg, tc.says) {
				t.Errorf("message %q does not mention the %s", msg, tc.says)
			}
		})
	}
	// Nothing was changed or created by the refused requests.
	if doc := h.must(200, "GET", confPath(conf), nil); doc["status"] == "completed" {
		t.Error("the conference was ended by a refused request")
	}
	if doc := h.must(200, "GET", partPath(conf, "agent"), nil); doc["muted"] != false {
		t.Error("agent was muted by a refused request")
	}
	if n := len(h.must(200, "GET", confsPath()+"?FriendlyName=other", nil)["conferences"].([]any)); n != 0 {
		t.Errorf("%d conferences named other, want none", n)
	}
	// An empty query string is no parameter at all.
	h.must(200, "POST", partPath(conf, "agent")+"?", url.Values{"Muted": {"true"}})
}
