package api

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

const participantBody = `{"account_sid":"` + testAccount + `","call_sid":"` + testCall + `","label":"agent-7",
 "conference_sid":"` + testConf + `","date_created":"Fri, 18 Feb 2011 21:07:19 +0000","date_updated":"Fri, 18 Feb 2011 21:07:19 +0000",
 "end_conference_on_exit":false,"muted":true,"hold":false,"status":"connected","start_conference_on_enter":true,
 "coaching":false,"call_sid_to_coach":null,"queue_time":null,"uri":"/x.json"}`

const conferenceBody = `{"account_sid":"` + testAccount + `","sid":"` + testConf + `","friendly_name":"standup",
 "status":"in-progress","region":"us1","date_created":"Fri, 18 Feb 2011 19:26:50 +0000","date_updated":null}`

const recordingBody = `{"account_sid":"` + testAccount + `","sid":"` + testRec + `","conference_sid":"` + testConf + `",
 "status":"paused","channels":1,"duration":null,"error_code":null}`

func listBody(key, item string) string {
	return `{"` + key + `":[` + item + `],"next_page_uri":null,"page":0,"page_size":1000}`
}

// TestWire pins, for every operation, the method, path, query and form body
// the client puts on the wire.
func TestWire(t *testing.T) {
	base := "/2010-04-01/Accounts/" + testAccount
	day := func(d int) time.Time { return time.Date(2024, 5, d, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		call     func(context.Context, *Client) error
		reply    string
		status   int
		method   string
		path     string // escaped, as sent
		query    url.Values
		form     url.Values
		rawQuery string // when set, the exact encoded query
	}{
		{
			name: "list participants unfiltered",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ListParticipants(ctx, testConf, ParticipantFilter{})
				return err
			},
			reply:  listBody("participants", participantBody),
			method: "GET", path: base + "/Conferences/" + testConf + "/Participants.json",
			query: url.Values{"PageSize": {"1000"}},
		},
		{
			name: "list participants tri-state filters: false is sent, nil is not",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ListParticipants(ctx, testConf, ParticipantFilter{Muted: Bool(false), Coaching: Bool(true), PageSize: 20})
				return err
			},
			reply:  listBody("participants", participantBody),
			method: "GET", path: base + "/Conferences/" + testConf + "/Participants.json",
			query: url.Values{"Muted": {"false"}, "Coaching": {"true"}, "PageSize": {"20"}},
		},
		{
			name: "fetch participant by call SID",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.FetchParticipant(ctx, testConf, testCall)
				return err
			},
			reply:  participantBody,
			method: "GET", path: base + "/Conferences/" + testConf + "/Participants/" + testCall + ".json",
			query: url.Values{},
		},
		{
			name: "fetch participant by label",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.FetchParticipant(ctx, testConf, "agent 7+")
				return err
			},
			reply:  participantBody,
			method: "GET", path: base + "/Conferences/" + testConf + "/Participants/agent%207%2B.json",
			query: url.Values{},
		},
		{
			name: "update participant: every parameter",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateParticipant(ctx, testConf, "agent-7", UpdateParticipant{
					Muted: Bool(false), Hold: Bool(true), HoldURL: "https://h.example/hold", HoldMethod: "get",
					AnnounceURL: "https://h.example/ann", AnnounceMethod: "POST", WaitURL: "https://h.example/wait",
					WaitMethod: "GET", BeepOnExit: Bool(false), EndConferenceOnExit: Bool(true), Coaching: Bool(true),
					CallSIDToCoach: testCall2,
				})
				return err
			},
			reply:  participantBody,
			method: "POST", path: base + "/Conferences/" + testConf + "/Participants/agent-7.json",
			query: url.Values{},
			form: url.Values{
				"Muted": {"false"}, "Hold": {"true"}, "HoldUrl": {"https://h.example/hold"}, "HoldMethod": {"GET"},
				"AnnounceUrl": {"https://h.example/ann"}, "AnnounceMethod": {"POST"}, "WaitUrl": {"https://h.example/wait"},
				"WaitMethod": {"GET"}, "BeepOnExit": {"false"}, "EndConferenceOnExit": {"true"}, "Coaching": {"true"},
				"CallSidToCoach": {testCall2},
			},
		},
		{
			name: "update participant: only what is set",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateParticipant(ctx, testConf, testCall, UpdateParticipant{Hold: Bool(false)})
				return err
			},
			reply:  participantBody,
			method: "POST", path: base + "/Conferences/" + testConf + "/Participants/" + testCall + ".json",
			query: url.Values{}, form: url.Values{"Hold": {"false"}},
		},
		{
			name:   "delete participant",
			call:   func(ctx context.Context, c *Client) error { return c.DeleteParticipant(ctx, testConf, "agent-7") },
			status: http.StatusNoContent,
			method: "DELETE", path: base + "/Conferences/" + testConf + "/Participants/agent-7.json",
			query: url.Values{},
		},
		{
			name: "create participant: minimal, to a friendly name",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateParticipant(ctx, "Team Stand-up #1", CreateParticipant{From: "+15005550006", To: "+15005550001"})
				return err
			},
			reply: participantBody, status: http.StatusCreated,
			method: "POST", path: base + "/Conferences/Team%20Stand-up%20%231/Participants.json",
			query: url.Values{}, form: url.Values{"From": {"+15005550006"}, "To": {"+15005550001"}},
		},
		{
			name: "create participant: every parameter, arrays as repeated keys",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.CreateParticipant(ctx, testConf, CreateParticipant{
					From: "+15005550006", To: "client:alice", StatusCallback: "https://h.example/sc", StatusCallbackMethod: "POST",
					StatusCallbackEvent: []string{"initiated", "ringing", "answered", "completed"}, Label: "customer",
					Timeout: Int(30), Record: Bool(false), Muted: Bool(false), Beep: "onEnter", StartConferenceOnEnter: Bool(true),
					EndConferenceOnExit: Bool(false), WaitURL: "https://h.example/wait", WaitMethod: "GET", EarlyMedia: Bool(true),
					MaxParticipants: Int(10), ConferenceRecord: "record-from-start", ConferenceTrim: "trim-silence",
					ConferenceStatusCallback: "https://h.example/csc", ConferenceStatusCallbackMethod: "GET",
					ConferenceStatusCallbackEvent: []string{"start", "end", "join", "leave"}, RecordingChannels: "dual",
					RecordingStatusCallback: "https://h.example/rsc", RecordingStatusCallbackMethod: "POST",
					SipAuthUsername: "sipuser", SipAuthPassword: "sippass", Region: "ie1",
					ConferenceRecordingStatusCallback: "https://h.example/crsc", ConferenceRecordingStatusCallbackMethod: "POST",
					RecordingStatusCallbackEvent: []string{"in-progress", "completed"}, ConferenceRecordingStatusCallbackEvent: []string{"absent"},
					Coaching: Bool(false), CallSIDToCoach: testCall2, JitterBufferSize: "large",
					Byoc: "BY0123456789abcdef0123456789abcdef", CallerID: "+15005550007", CallReason: "escalation",
					RecordingTrack: "both", TimeLimit: Int(0), MachineDetection: "Enable", MachineDetectionTimeout: Int(15),
					MachineDetectionSpeechThreshold: Int(2400), MachineDetectionSpeechEndThreshold: Int(1200),
					MachineDetectionSilenceTimeout: Int(5000), AmdStatusCallback: "https://h.example/amd",
					AmdStatusCallbackMethod: "POST", Trim: "do-not-trim", CallToken: "tok", ClientNotificationURL: "https://h.example/cn",
					CallerDisplayName: "Support",
				})
				return err
			},
			reply: participantBody, status: http.StatusCreated,
			method: "POST", path: base + "/Conferences/" + testConf + "/Participants.json",
			query: url.Values{},
			form: url.Values{
				"From": {"+15005550006"}, "To": {"client:alice"}, "StatusCallback": {"https://h.example/sc"}, "StatusCallbackMethod": {"POST"},
				"StatusCallbackEvent": {"initiated", "ringing", "answered", "completed"}, "Label": {"customer"},
				"Timeout": {"30"}, "Record": {"false"}, "Muted": {"false"}, "Beep": {"onEnter"}, "StartConferenceOnEnter": {"true"},
				"EndConferenceOnExit": {"false"}, "WaitUrl": {"https://h.example/wait"}, "WaitMethod": {"GET"}, "EarlyMedia": {"true"},
				"MaxParticipants": {"10"}, "ConferenceRecord": {"record-from-start"}, "ConferenceTrim": {"trim-silence"},
				"ConferenceStatusCallback": {"https://h.example/csc"}, "ConferenceStatusCallbackMethod": {"GET"},
				"ConferenceStatusCallbackEvent": {"start", "end", "join", "leave"}, "RecordingChannels": {"dual"},
				"RecordingStatusCallback": {"https://h.example/rsc"}, "RecordingStatusCallbackMethod": {"POST"},
				"SipAuthUsername": {"sipuser"}, "SipAuthPassword": {"sippass"}, "Region": {"ie1"},
				"ConferenceRecordingStatusCallback": {"https://h.example/crsc"}, "ConferenceRecordingStatusCallbackMethod": {"POST"},
				"RecordingStatusCallbackEvent": {"in-progress", "completed"}, "ConferenceRecordingStatusCallbackEvent": {"absent"},
				"Coaching": {"false"}, "CallSidToCoach": {testCall2}, "JitterBufferSize": {"large"},
				"Byoc": {"BY0123456789abcdef0123456789abcdef"}, "CallerId": {"+15005550007"}, "CallReason": {"escalation"},
				"RecordingTrack": {"both"}, "TimeLimit": {"0"}, "MachineDetection": {"Enable"}, "MachineDetectionTimeout": {"15"},
				"MachineDetectionSpeechThreshold": {"2400"}, "MachineDetectionSpeechEndThreshold": {"1200"},
				"MachineDetectionSilenceTimeout": {"5000"}, "AmdStatusCallback": {"https://h.example/amd"},
				"AmdStatusCallbackMethod": {"POST"}, "Trim": {"do-not-trim"}, "CallToken": {"tok"}, "ClientNotificationUrl": {"https://h.example/cn"},
				"CallerDisplayName": {"Support"},
			},
		},
		{
			name: "list conferences with every filter",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.ListConferences(ctx, ConferenceFilter{
					Status: "in-progress", FriendlyName: "stand up", CreatedOn: day(3), CreatedBefore: day(1), CreatedAfter: day(2),
					UpdatedOn: day(13), UpdatedBefore: day(11), UpdatedAfter: day(12), PageSize: 50,
				})
				return err
			},
			reply:  listBody("conferences", conferenceBody),
			method: "GET", path: base + "/Conferences.json",
			query: url.Values{
				"Status": {"in-progress"}, "FriendlyName": {"stand up"},
				"DateCreated": {"2024-05-03"}, "DateCreated<": {"2024-05-01"}, "DateCreated>": {"2024-05-02"},
				"DateUpdated": {"2024-05-13"}, "DateUpdated<": {"2024-05-11"}, "DateUpdated>": {"2024-05-12"},
				"PageSize": {"50"},
			},
			rawQuery: "DateCreated=2024-05-03&DateCreated%3C=2024-05-01&DateCreated%3E=2024-05-02&DateUpdated=2024-05-13&" +
				"DateUpdated%3C=2024-05-11&DateUpdated%3E=2024-05-12&FriendlyName=stand+up&PageSize=50&Status=in-progress",
		},
		{
			name:   "fetch conference",
			call:   func(ctx context.Context, c *Client) error { _, err := c.FetchConference(ctx, testConf); return err },
			reply:  conferenceBody,
			method: "GET", path: base + "/Conferences/" + testConf + ".json", query: url.Values{},
		},
		{
			name: "end conference",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateConference(ctx, testConf, ConferenceUpdate{Status: "completed"})
				return err
			},
			reply:  conferenceBody,
			method: "POST", path: base + "/Conferences/" + testConf + ".json", query: url.Values{},
			form: url.Values{"Status": {"completed"}},
		},
		{
			name: "announce to the conference",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateConference(ctx, testConf, ConferenceUpdate{AnnounceURL: "https://h.example/a.xml", AnnounceMethod: "GET"})
				return err
			},
			reply:  conferenceBody,
			method: "POST", path: base + "/Conferences/" + testConf + ".json", query: url.Values{},
			form: url.Values{"AnnounceUrl": {"https://h.example/a.xml"}, "AnnounceMethod": {"GET"}},
		},
		{
			name:   "list recordings",
			call:   func(ctx context.Context, c *Client) error { _, err := c.ListRecordings(ctx, testConf); return err },
			reply:  listBody("recordings", recordingBody),
			method: "GET", path: base + "/Conferences/" + testConf + "/Recordings.json",
			query: url.Values{"PageSize": {"1000"}},
		},
		{
			name: "pause the current recording",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateRecording(ctx, testConf, CurrentRecording, RecordingUpdate{Status: "paused", PauseBehavior: "silence"})
				return err
			},
			reply:  recordingBody,
			method: "POST", path: base + "/Conferences/" + testConf + "/Recordings/Twilio.CURRENT.json", query: url.Values{},
			form: url.Values{"Status": {"paused"}, "PauseBehavior": {"silence"}},
		},
		{
			name: "stop a recording by SID",
			call: func(ctx context.Context, c *Client) error {
				_, err := c.UpdateRecording(ctx, testConf, testRec, RecordingUpdate{Status: "stopped"})
				return err
			},
			reply:  recordingBody,
			method: "POST", path: base + "/Conferences/" + testConf + "/Recordings/" + testRec + ".json", query: url.Values{},
			form: url.Values{"Status": {"stopped"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) {
				status := tt.status
				if status == 0 {
					status = http.StatusOK
				}
				if status == http.StatusNoContent {
					w.WriteHeader(status)
					return
				}
				writeJSON(w, status, tt.reply)
			}}
			c, _, _ := newTestClient(t, rec)
			if err := tt.call(ctxT(t), c); err != nil {
				t.Fatalf("call: %v", err)
			}
			reqs := rec.all()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.Method != tt.method || got.EscapedPath != tt.path {
				t.Errorf("sent %s %s\nwant %s %s", got.Method, got.EscapedPath, tt.method, tt.path)
			}
			if !reflect.DeepEqual(got.Query, tt.query) {
				t.Errorf("query %v\nwant  %v", got.Query, tt.query)
			}
			if tt.rawQuery != "" && got.RawQuery != tt.rawQuery {
				t.Errorf("raw query %s\nwant      %s", got.RawQuery, tt.rawQuery)
			}
			wantForm := tt.form
			if wantForm == nil {
				wantForm = url.Values{}
			}
			if !reflect.DeepEqual(got.Form, wantForm) {
				t.Errorf("form %v\nwant %v", got.Form, wantForm)
			}
			if tt.method == "POST" && got.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type %q", got.Header.Get("Content-Type"))
			}
			if tt.method != "POST" && got.Body != "" {
				t.Errorf("%s carries a body %q", tt.method, got.Body)
			}
			if ua := got.Header.Get("User-Agent"); ua != "confconsole/1.2.3" {
				t.Errorf("User-Agent %q", ua)
			}
			if a := got.Header.Get("Accept"); a != "application/json" {
				t.Errorf("Accept %q", a)
			}
		})
	}
}

// TestLabelRoundTrip sends awkward labels through the path and checks the
// server decodes exactly the label back.
func TestLabelRoundTrip(t *testing.T) {
	labels := []string{
		"agent 7", "agent+7", "100%", "100%25", "what?", "#1", "a&b=c", "café ☕", "日本語", "semi;colon",
		"back\\slash", "quote\"s", "tab\there", "..", ".", "~tilde", "plus+and space",
	}
	for _, label := range labels {
		t.Run(label, func(t *testing.T) {
			rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, participantBody) }}
			c, _, _ := newTestClient(t, rec)
			if _, err := c.FetchParticipant(ctxT(t), testConf, label); err != nil {
				t.Fatal(err)
			}
			got := rec.all()[0]
			want := "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + testConf + "/Participants/" + label + ".json"
			if got.Path != want {
				t.Errorf("server decoded %q, want %q (sent %q)", got.Path, want, got.EscapedPath)
			}
			if got.RawQuery != "" {
				t.Errorf("label leaked into the query: %q", got.RawQuery)
			}
			seg := strings.TrimSuffix(strings.TrimPrefix(got.EscapedPath, "/2010-04-01/Accounts/"+testAccount+"/Conferences/"+testConf+"/Participants/"), ".json")
			if strings.ContainsAny(seg, "/ +?#") {
				t.Errorf("segment %q has unescaped reserved characters", seg)
			}
		})
	}
}

func TestEscapeSegment(t *testing.T) {
	tests := map[string]string{
		"agent-7":        "agent-7",
		"a b":            "a%20b",
		"a+b":            "a%2Bb",
		"100%":           "100%25",
		"?#/":            "%3F%23%2F",
		"é":              "%C3%A9",
		"Twilio.CURRENT": "Twilio.CURRENT",
	}
	for in, want := range tests {
		if got := escapeSegment(in); got != want {
			t.Errorf("escapeSegment(%q) = %q, want %q", in, got, want)
		}
		if back, err := url.PathUnescape(escapeSegment(in)); err != nil || back != in {
			t.Errorf("round trip of %q gave %q, %v", in, back, err)
		}
	}
}

func TestBasicAuth(t *testing.T) {
	tests := []struct {
		name       string
		mod        func(*Config)
		user, pass string
	}{
		{"auth token", func(*Config) {}, testAccount, testToken},
		{"api key", func(c *Config) { c.AuthToken = ""; c.APIKey = testKey; c.APISecret = testSecret }, testKey, testSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) { writeJSON(w, 200, participantBody) }}
			c, _, _ := newTestClient(t, rec, tt.mod)
			if _, err := c.FetchParticipant(ctxT(t), testConf, testCall); err != nil {
				t.Fatal(err)
			}
			got := rec.all()[0]
			want := "Basic " + base64.StdEncoding.EncodeToString([]byte(tt.user+":"+tt.pass))
			if a := got.Header.Get("Authorization"); a != want {
				t.Errorf("Authorization %q, want %q", a, want)
			}
			if !strings.HasPrefix(got.Path, "/2010-04-01/Accounts/"+testAccount+"/") {
				t.Errorf("path %q does not carry the account SID", got.Path)
			}
		})
	}
}

// TestBaseURLPrefix: a base URL with a path keeps it, for the first page and
// for the pages Twilio links to.
func TestBaseURLPrefix(t *testing.T) {
	pages := 0
	rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) {
		pages++
		next := "null"
		if n == 1 {
			next = `"/2010-04-01/Accounts/` + testAccount + `/Conferences/` + testConf + `/Participants.json?PageSize=1&Page=1&PageToken=PAx"`
		}
		writeJSON(w, 200, `{"participants":[`+participantBody+`],"next_page_uri":`+next+`}`)
	}}
	srvMux := http.NewServeMux()
	srvMux.Handle("/twilio/", http.StripPrefix("/twilio", rec))
	c, _, srv := newTestClient(t, srvMux)
	c2, err := New(Config{AccountSID: testAccount, AuthToken: testToken, BaseURL: srv.URL + "/twilio/"})
	if err != nil {
		t.Fatal(err)
	}
	_ = c
	ps, err := c2.ListParticipants(ctxT(t), testConf, ParticipantFilter{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || pages != 2 {
		t.Fatalf("got %d participants over %d pages, want 2 over 2", len(ps), pages)
	}
	if q := rec.all()[1].RawQuery; q != "PageSize=1&Page=1&PageToken=PAx" {
		t.Errorf("second page query %q: the client must follow next_page_uri as given", q)
	}
}
