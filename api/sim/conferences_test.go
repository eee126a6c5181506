package sim

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestUpdateConference covers Status=completed and announcements.
func TestUpdateConference(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("room", "+14155550100")["conference_sid"])
	h.dial(conf, "client:agent") // two participants start the conference
	tests := []struct {
		name   string
		form   url.Values
		status string
		code   int
	}{
		{"announce", url.Values{"AnnounceUrl": {"https://example.com/announce.xml"}, "AnnounceMethod": {"GET"}}, "in-progress", 0},
		{"no parameters", url.Values{}, "in-progress", 0},
		{"bad Status", url.Values{"Status": {"in-progress"}}, "", CodeBadRequest},
		{"bad AnnounceUrl", url.Values{"AnnounceUrl": {"example.com/a.mp3"}}, "", CodeBadRequest},
		{"bad AnnounceMethod", url.Values{"AnnounceUrl": {"https://example.com/a"}, "AnnounceMethod": {"PUT"}}, "", CodeBadRequest},
		{"end", url.Values{"Status": {"completed"}}, "completed", 0},
		{"end again", url.Values{"Status": {"completed"}}, "completed", 0},
		{"announce into a completed conference", url.Values{"AnnounceUrl": {"https://example.com/a"}}, "", CodeConferenceNotActive},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", confPath(conf), tc.form)
			if tc.code != 0 {
				wantError(t, r, 400, tc.code)
				return
			}
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if got := r.doc(t); got["status"] != tc.status {
				t.Fatalf("status %v, want %s", got["status"], tc.status)
			}
		})
	}
	if got := h.must(200, "GET", confPath(conf), nil); got["reason_conference_ended"] != "conference-ended-via-api" {
		t.Errorf("ending twice changed the reason: %v", got["reason_conference_ended"])
	}
}

// TestConferenceFilters covers Status, FriendlyName and the date filters.
func TestConferenceFilters(t *testing.T) {
	h := newHarness(t)
	day := func(d int) time.Time { return time.Date(2021, 1, d, 11, 23, 45, 0, time.UTC) }
	sids := map[string]string{}
	for _, c := range []struct {
		name string
		day  int
	}{{"jan1", 1}, {"jan2", 2}, {"jan3", 3}} {
		h.clock.Set(day(c.day))
		sids[c.name] = str(h.dial(c.name, "+14155550100")["conference_sid"])
		h.dial(c.name, "client:agent") // the second participant starts it
	}
	h.clock.Set(day(4))
	h.must(200, "POST", confPath(sids["jan2"]), url.Values{"Status": {"completed"}}) // updated on the 4th
	h.clock.Set(day(5))
	h.dial("waiting", "+14155550100", "StartConferenceOnEnter", "false")

	tests := []struct {
		query string
		want  string
	}{
		{"", "waiting,jan3,jan2,jan1"},
		{"Status=completed", "jan2"},
		{"Status=in-progress", "jan3,jan1"},
		{"Status=init", "waiting"},
		{"FriendlyName=jan3", "jan3"},
		{"FriendlyName=nobody", ""},
		{"DateCreated=2021-01-02", "jan2"},
		{"DateCreated%3C=2021-01-02", "jan1"}, // at or before the 2nd's midnight
		{"DateCreated<=2021-01-02", "jan1"},
		{"DateCreated%3E=2021-01-03", "waiting,jan3"},
		{"DateCreated%3E=2021-01-02&DateCreated%3C=2021-01-03", "jan2"},
		{"DateUpdated=2021-01-04", "jan2"},
		{"DateUpdated%3C=2021-01-03", "jan1"},
		{"DateUpdated%3E=2021-01-04", "waiting,jan2"},
		{"Status=in-progress&DateCreated%3E=2021-01-02", "jan3"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			doc := h.must(200, "GET", confsPath()+"?"+tc.query, nil)
			if got := friendlyNames(doc); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	// The page URIs echo the filters with '<' and '>' percent-encoded, as Twilio's do.
	doc := h.must(200, "GET", confsPath()+"?DateCreated<=2021-01-02&Status=completed", nil)
	want := confsPath() + "?Status=completed&DateCreated%3C=2021-01-02&PageSize=50&Page=0" // Twilio's order
	if doc["uri"] != want || doc["first_page_uri"] != want {
		t.Errorf("uri %v\nwant %s", doc["uri"], want)
	}
	for _, q := range []string{"Status=running", "DateCreated=2021-1-2", "DateUpdated%3E=yesterday", "DateCreated%3C=2021-13-01"} {
		wantError(t, h.do("GET", confsPath()+"?"+q, nil), 400, CodeBadRequest)
	}
}

// TestRecordings covers conferences recorded from the start, pausing,
// resuming and stopping through Twilio.CURRENT, listing and deleting.
func TestRecordings(t *testing.T) {
	h := newHarness(t)
	c := loadContract(t)
	p := h.dial("recorded", "+14155550100", "ConferenceRecord", "record-from-start", "RecordingChannels", "dual")
	conf := str(p["conference_sid"])
	if n := len(h.must(200, "GET", recsPath(conf), nil)["recordings"].([]any)); n != 0 {
		t.Fatalf("%d recordings before the conference started, want 0", n)
	}
	h.dial(conf, "client:agent", "StartConferenceOnEnter", "false") // the recording starts with the conference

	list := h.must(200, "GET", recsPath(conf), nil)
	recs := c.checkList(t, "recordings", "recording", list)
	if len(recs) != 1 {
		t.Fatalf("%d recordings, want 1", len(recs))
	}
	rec := recs[0]
	if rec["status"] != "in-progress" || rec["source"] != "Conference" || rec["channels"] != float64(2) || rec["duration"] != nil || rec["call_sid"] != p["call_sid"] {
		t.Fatalf("recording %v", rec)
	}
	sid := str(rec["sid"])
	steps := []struct {
		name   string
		form   url.Values
		id     string
		status string
		code   int
	}{
		{"pause", url.Values{"Status": {"paused"}, "PauseBehavior": {"silence"}}, "Twilio.CURRENT", "paused", 0},
		{"resume", url.Values{"Status": {"in-progress"}}, sid, "in-progress", 0},
		{"no Status", url.Values{}, sid, "", CodeBadRequest},
		{"bad Status", url.Values{"Status": {"completed"}}, sid, "", CodeBadRequest},
		{"bad PauseBehavior", url.Values{"Status": {"paused"}, "PauseBehavior": {"loud"}}, sid, "", CodeBadRequest},
		{"stop", url.Values{"Status": {"stopped"}}, "Twilio.CURRENT", "stopped", 0},
		{"resume a stopped one", url.Values{"Status": {"in-progress"}}, sid, "", CodeBadRequest},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			h.clock.Advance(10 * time.Second)
			r := h.do("POST", recPath(conf, st.id), st.form)
			if st.code != 0 {
				wantError(t, r, 400, st.code)
				return
			}
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			doc := r.doc(t)
			c.check(t, "recording", doc)
			if doc["status"] != st.status || doc["sid"] != sid {
				t.Fatalf("recording %v %v, want %s %s", doc["sid"], doc["status"], st.status, sid)
			}
		})
	}
	// A stopped recording is processed: the next look says completed, with a duration.
	got := h.must(200, "GET", recPath(conf, sid), nil)
	if got["status"] != "completed" || got["duration"] != "60" {
		t.Fatalf("after stop: %v duration %v, want completed 60", got["status"], got["duration"])
	}
	wantError(t, h.do("POST", recPath(conf, "Twilio.CURRENT"), url.Values{"Status": {"paused"}}), 404, CodeNotFound)
	h.must(204, "DELETE", recPath(conf, sid), nil)
	wantError(t, h.do("GET", recPath(conf, sid), nil), 404, CodeNotFound)

	// A recorded conference that ends completes its recording.
	q := h.dial("recorded-2", "+14155550100", "ConferenceRecord", "true")
	conf2 := str(q["conference_sid"])
	h.dial(conf2, "client:agent")
	h.clock.Advance(90 * time.Second)
	cur := c.checkList(t, "recordings", "recording", h.must(200, "GET", recsPath(conf2), nil))
	wantError(t, h.do("DELETE", recPath(conf2, str(cur[0]["sid"])), nil), 400, CodeBadRequest)
	h.must(200, "POST", confPath(conf2), url.Values{"Status": {"completed"}})
	recs = c.checkList(t, "recordings", "recording", h.must(200, "GET", recsPath(conf2), nil))
	if len(recs) != 1 || recs[0]["status"] != "completed" || recs[0]["duration"] != "90" || recs[0]["price_unit"] != "USD" {
		t.Fatalf("recording after the end: %v", recs)
	}
	for q, n := range map[string]int{"DateCreated=2011-02-18": 1, "DateCreated%3E=2011-02-19": 0, "DateCreated%3C=2011-02-18": 0, "DateCreated%3C=2011-02-19": 1} {
		if got := len(h.must(200, "GET", recsPath(conf2)+"?"+q, nil)["recordings"].([]any)); got != n {
			t.Errorf("recordings %s: %d, want %d", q, got, n)
		}
	}
	// Conferences not asked to record have none.
	plain := str(h.dial("plain", "+14155550100")["conference_sid"])
	if n := len(h.must(200, "GET", recsPath(plain), nil)["recordings"].([]any)); n != 0 {
		t.Fatalf("%d recordings of an unrecorded conference", n)
	}
	wantError(t, h.do("GET", recsPath(plain)+"?DateCreated=soon", nil), 400, CodeBadRequest)
}

// TestJoinConnectedAndHangup covers the direct manipulation tests use.
func TestJoinConnectedAndHangup(t *testing.T) {
	h := newHarness(t)
	p, err := h.srv.JoinConnected(testAccount, "direct room", Join{Label: "caller 1"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != "connected" || p.ConferenceSID == "" {
		t.Fatalf("joined %+v", p)
	}
	got := h.must(200, "GET", partPath(p.ConferenceSID, "caller 1"), nil)
	if got["status"] != "connected" {
		t.Fatalf("REST sees %v", got["status"])
	}
	if got := h.must(200, "GET", confPath(p.ConferenceSID), nil); got["status"] != "init" {
		t.Fatalf("conference with one participant %v, want init", got["status"])
	}
	coach, err := h.srv.JoinConnected(testAccount, p.ConferenceSID, Join{Label: "coach", Muted: true, CallSIDToCoach: p.CallSID})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.must(200, "GET", confPath(p.ConferenceSID), nil); got["status"] != "in-progress" {
		t.Fatalf("conference with two participants %v, want in-progress", got["status"])
	}
	if !coach.Coaching || coach.CallSIDToCoach != p.CallSID || !coach.Muted {
		t.Fatalf("coach %+v", coach)
	}
	errs := []struct {
		name string
		err  error
	}{
		{"label taken", func() error {
			_, err := h.srv.JoinConnected(testAccount, p.ConferenceSID, Join{Label: "coach"})
			return err
		}()},
		{"bad label", func() error { _, err := h.srv.JoinConnected(testAccount, "x", Join{Label: "a/b"}); return err }()},
		{"unknown account", func() error { _, err := h.srv.JoinConnected("AC"+strings.Repeat("9", 32), "x", Join{}); return err }()},
		{"unknown conference SID", func() error {
			_, err := h.srv.JoinConnected(testAccount, "CF"+strings.Repeat("9", 32), Join{})
			return err
		}()},
		{"hang up nobody", h.srv.Hangup(testAccount, p.ConferenceSID, "nobody")},
		{"hang up in another account", h.srv.Hangup(otherAccount, p.ConferenceSID, "caller 1")},
	}
	for _, e := range errs {
		if e.err == nil {
			t.Errorf("%s: no error", e.name)
		}
	}
	if err := h.srv.Hangup(testAccount, p.ConferenceSID, "caller 1"); err != nil {
		t.Fatal(err)
	}
	wantError(t, h.do("GET", partPath(p.ConferenceSID, "caller 1"), nil), 404, CodeNotFound)
	if ps := h.srv.Participants(testAccount, p.ConferenceSID); len(ps) != 1 || ps[0].Label != "coach" || ps[0].Coaching {
		t.Fatalf("after the coached caller hung up: %+v", ps)
	}
	if cs := h.srv.Conferences(testAccount); len(cs) != 1 || cs[0].Status != "in-progress" {
		t.Fatalf("conferences %+v", cs)
	}
}

// TestAccountsAndKeys covers AddAccount and AddAPIKey's checks.
func TestAccountsAndKeys(t *testing.T) {
	srv := New()
	tests := []struct {
		name string
		err  error
		ok   bool
	}{
		{"account", srv.AddAccount(testAccount, "t"), true},
		{"duplicate account", srv.AddAccount(testAccount, "t"), false},
		{"malformed account SID", srv.AddAccount("AC123", "t"), false},
		{"empty token", srv.AddAccount(otherAccount, ""), false},
		{"key", srv.AddAPIKey(testAccount, testKey, "s"), true},
		{"duplicate key", srv.AddAPIKey(testAccount, testKey, "s"), false},
		{"key of an unknown account", srv.AddAPIKey(otherAccount, NewSID("SK"), "s"), false},
		{"malformed key SID", srv.AddAPIKey(testAccount, "SK1", "s"), false},
		{"empty secret", srv.AddAPIKey(testAccount, NewSID("SK"), ""), false},
	}
	for _, tc := range tests {
		if (tc.err == nil) != tc.ok {
			t.Errorf("%s: err %v", tc.name, tc.err)
		}
	}
	for _, p := range []string{"AC", "CF", "SK"} {
		if sid := NewSID(p); len(sid) != 34 || !strings.HasPrefix(sid, p) || !isHex(sid[2:]) {
			t.Errorf("NewSID(%q) = %q", p, sid)
		}
	}
	if tok := NewAuthToken(); len(tok) != 32 || !isHex(tok) || tok == NewAuthToken() {
		t.Errorf("NewAuthToken %q", tok)
	}
}

// TestSeedMakesSIDsRepeatable: the same seed and requests give the same SIDs.
func TestSeedMakesSIDsRepeatable(t *testing.T) {
	run := func(seed int64) string {
		h := newHarness(t, WithSeed(seed))
		p := h.dial("room", "+14155550100")
		return str(p["conference_sid"]) + str(p["call_sid"])
	}
	if a, b := run(42), run(42); a != b {
		t.Errorf("seed 42 gave %s then %s", a, b)
	}
	if a, b := run(42), run(43); a == b {
		t.Errorf("seeds 42 and 43 both gave %s", a)
	}
}

// TestClocks covers the fake and scaled clocks.
func TestClocks(t *testing.T) {
	c := NewFakeClock(epoch)
	c.Advance(time.Hour)
	if got := c.Now(); !got.Equal(epoch.Add(time.Hour)) {
		t.Errorf("Advance: %v", got)
	}
	c.Set(epoch)
	if got := c.Now(); !got.Equal(epoch) {
		t.Errorf("Set: %v", got)
	}
	s := NewScaledClock(1000)
	a := s.Now()
	time.Sleep(2 * time.Millisecond)
	if d := s.Now().Sub(a); d < 2*time.Second {
		t.Errorf("a 1000x clock moved %v in 2ms of real time", d)
	}
	if NewScaledClock(0).factor != 1 {
		t.Error("a zero factor is not treated as 1")
	}
}

// TestConferenceStartsWithTwoParticipants holds the simulator to Twilio's
// Conference TwiML docs: "Conferences will not start until at least two
// participants join", and one of them must have StartConferenceOnEnter.
func TestConferenceStartsWithTwoParticipants(t *testing.T) {
	tests := []struct {
		name    string
		joins   []Join // already connected, in order
		ringing bool   // a further participant dialled who is still ringing
		want    string
	}{
		{"one participant", []Join{{Label: "a"}}, false, "init"},
		{"one participant and one still ringing", []Join{{Label: "a"}}, true, "init"},
		{"two participants", []Join{{Label: "a"}, {Label: "b"}}, false, "in-progress"},
		{"the second starts it", []Join{{Label: "a", NoStartConference: true}, {Label: "b"}}, false, "in-progress"},
		{"the first starts it", []Join{{Label: "a"}, {Label: "b", NoStartConference: true}}, false, "in-progress"},
		{"nobody starts it", []Join{{Label: "a", NoStartConference: true}, {Label: "b", NoStartConference: true}}, false, "init"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, WithTimings(Timings{Queue: time.Second, Connect: time.Second, Ring: time.Minute, Linger: time.Second}))
			var conf string
			for _, j := range tc.joins {
				p, err := h.srv.JoinConnected(testAccount, "room", j)
				if err != nil {
					t.Fatal(err)
				}
				conf = p.ConferenceSID
			}
			if tc.ringing {
				h.dial(conf, "+14155550100", "Label", "ringing")
				h.clock.Advance(5 * time.Second)
				if got := h.must(200, "GET", partPath(conf, "ringing"), nil)["status"]; got != "ringing" {
					t.Fatalf("dialled participant %v, want ringing", got)
				}
			}
			if got := h.must(200, "GET", confPath(conf), nil)["status"]; got != tc.want {
				t.Errorf("conference %v, want %s", got, tc.want)
			}
		})
	}
}
