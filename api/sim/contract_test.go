package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestResourcesMatchSchema drives every operation once and checks each JSON
// object the simulator returns against the published resource schemas.
func TestResourcesMatchSchema(t *testing.T) {
	h := newHarness(t)
	c := loadContract(t)

	created := h.dial("Room 1", "+14155550100", "Label", "customer", "ConferenceRecord", "record-from-start")
	c.check(t, "participant", created)
	if created["status"] != "queued" || created["queue_time"] == nil {
		t.Errorf("create reply: status %v queue_time %v, want queued and a queue_time", created["status"], created["queue_time"])
	}
	conf := str(created["conference_sid"])
	call := str(created["call_sid"])
	agent := h.dial(conf, "client:agent")
	recs := h.must(200, "GET", recsPath(conf), nil)["recordings"].([]any)
	if len(recs) != 1 {
		t.Fatalf("%d recordings, want the one recorded from the start", len(recs))
	}
	rec := str(recs[0].(map[string]any)["sid"])

	checks := []struct {
		name   string
		method string
		path   string
		form   url.Values
		want   int
		kind   string
		list   string
	}{
		{"fetch conference", "GET", confPath(conf), nil, 200, "conference", ""},
		{"list conferences", "GET", confsPath(), nil, 200, "conference", "conferences"},
		{"announce conference", "POST", confPath(conf), url.Values{"AnnounceUrl": {"https://example.com/a.mp3"}}, 200, "conference", ""},
		{"fetch participant", "GET", partPath(conf, call), nil, 200, "participant", ""},
		{"fetch participant by label", "GET", partPath(conf, "customer"), nil, 200, "participant", ""},
		{"list participants", "GET", partsPath(conf), nil, 200, "participant", "participants"},
		{"mute participant", "POST", partPath(conf, call), url.Values{"Muted": {"true"}}, 200, "participant", ""},
		{"coach participant", "POST", partPath(conf, str(agent["call_sid"])), url.Values{"Coaching": {"true"}, "CallSidToCoach": {call}}, 200, "participant", ""},
		{"list recordings", "GET", recsPath(conf), nil, 200, "recording", "recordings"},
		{"fetch recording", "GET", recPath(conf, rec), nil, 200, "recording", ""},
		{"pause recording", "POST", recPath(conf, "Twilio.CURRENT"), url.Values{"Status": {"paused"}, "PauseBehavior": {"skip"}}, 200, "recording", ""},
		{"end conference", "POST", confPath(conf), url.Values{"Status": {"completed"}}, 200, "conference", ""},
		{"list recordings after the end", "GET", recsPath(conf), nil, 200, "recording", "recordings"},
		{"list participants after the end", "GET", partsPath(conf), nil, 200, "participant", "participants"},
	}
	for _, tc := range checks {
		t.Run(tc.name, func(t *testing.T) {
			doc := h.must(tc.want, tc.method, tc.path, tc.form)
			if tc.list != "" {
				for _, it := range c.checkList(t, tc.list, tc.kind, doc) {
					if it["queue_time"] != nil {
						t.Errorf("queue_time %v outside a create reply", it["queue_time"])
					}
				}
				return
			}
			c.check(t, tc.kind, doc)
			if tc.kind == "participant" && doc["queue_time"] != nil {
				t.Errorf("queue_time %v outside a create reply", doc["queue_time"])
			}
		})
	}
}

// TestJSONMatchesTwilioExamples compares the simulator's documents with the
// example responses in Twilio's description: same field names, same shapes
// of URIs and dates.
func TestJSONMatchesTwilioExamples(t *testing.T) {
	raw, err := os.ReadFile("testdata/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex map[string]map[string]any
	if err := json.Unmarshal(raw, &ex); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	p := h.dial("AHH YEAH", "+14155550100", "Label", "customer")
	conf, call := str(p["conference_sid"]), str(p["call_sid"])
	h.dial(conf, "+14155550101", "ConferenceRecord", "true")

	keys := func(m map[string]any) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return ks
	}
	tests := []struct {
		example string
		got     map[string]any
	}{
		{"participant_create", p},
		{"participant_fetch_by_label", h.must(200, "GET", partPath(conf, "customer"), nil)},
		{"conference_fetch", h.must(200, "GET", confPath(conf), nil)},
	}
	for _, tc := range tests {
		t.Run(tc.example, func(t *testing.T) {
			if g, w := keys(tc.got), keys(ex[tc.example]); strings.Join(g, ",") != strings.Join(w, ",") {
				t.Errorf("fields\n got %v\nwant %v", g, w)
			}
		})
	}
	got := h.must(200, "GET", partPath(conf, "customer"), nil)
	want := ex["participant_fetch_by_label"]
	if got["uri"] != "/2010-04-01/Accounts/"+testAccount+"/Conferences/"+conf+"/Participants/"+call+".json" {
		t.Errorf("participant uri %v: Twilio names the call SID even when fetched by label (example: %v)", got["uri"], want["uri"])
	}
	if got["date_created"] != "Fri, 18 Feb 2011 19:26:50 +0000" {
		t.Errorf("date_created %v, want RFC 2822 of the fake clock", got["date_created"])
	}
	cf := h.must(200, "GET", confPath(conf), nil)
	sub, _ := cf["subresource_uris"].(map[string]any)
	base := "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + conf
	if sub["participants"] != base+"/Participants.json" || sub["recordings"] != base+"/Recordings.json" || len(sub) != 2 {
		t.Errorf("subresource_uris %v", sub)
	}
}

// TestTwilioRequestIDOnEveryAnswer covers successes, errors and faults.
func TestTwilioRequestIDOnEveryAnswer(t *testing.T) {
	h := newHarness(t)
	rq := regexp.MustCompile(`^RQ[0-9a-f]{32}$`)
	h.srv.InjectFault(Fault{Kind: FaultTooManyRequests, PathPrefix: "/faulty"})
	seen := map[string]bool{}
	for _, tc := range []struct {
		method, path, user, pass string
	}{
		{"GET", confsPath(), testAccount, testToken},
		{"GET", confsPath(), testAccount, "wrong"},
		{"GET", "/2010-04-01/Accounts/" + testAccount + "/Nope.json", testAccount, testToken},
		{"DELETE", confsPath(), testAccount, testToken},
		{"GET", "/faulty", testAccount, testToken},
	} {
		r := h.send(tc.method, tc.path, nil, tc.user, tc.pass)
		id := r.header.Get("Twilio-Request-Id")
		if !rq.MatchString(id) {
			t.Errorf("%s %s (%d): Twilio-Request-Id %q", tc.method, tc.path, r.status, id)
		}
		if seen[id] {
			t.Errorf("request id %s repeated", id)
		}
		seen[id] = true
	}
}

// TestAuth covers HTTP Basic with auth tokens and API keys, and accounts not
// seeing each other's resources.
func TestAuth(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("mine", "+14155550100")["conference_sid"])
	otherPath := "/2010-04-01/Accounts/" + otherAccount + "/Conferences.json"
	tests := []struct {
		name       string
		path       string
		user, pass string
		status     int
		code       int
	}{
		{"auth token", confsPath(), testAccount, testToken, 200, 0},
		{"API key", confsPath(), testKey, testSecret, 200, 0},
		{"no credentials", confsPath(), "", "", 401, CodeAuthenticate},
		{"wrong token", confsPath(), testAccount, "nope", 401, CodeAuthenticate},
		{"unknown account", confsPath(), "AC99999999999999999999999999999999", testToken, 401, CodeAuthenticate},
		{"API key wrong secret", confsPath(), testKey, "nope", 401, CodeAuthenticate},
		{"other account's token on our path", confsPath(), otherAccount, otherToken, 401, CodeAuthenticate},
		{"other account's conference", "/2010-04-01/Accounts/" + otherAccount + "/Conferences/" + conf + ".json", otherAccount, otherToken, 404, CodeNotFound},
		{"API key on another account's path", otherPath, testKey, testSecret, 401, CodeAuthenticate},
		{"another account's participants", "/2010-04-01/Accounts/" + otherAccount + "/Conferences/" + conf + "/Participants.json", otherAccount, otherToken, 404, CodeNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := h.send("GET", tc.path, nil, tc.user, tc.pass)
			if tc.code == 0 {
				if r.status != tc.status {
					t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
				}
				return
			}
			wantError(t, r, tc.status, tc.code)
			if tc.status == 401 {
				if got := r.header.Get("WWW-Authenticate"); got != `Basic realm="Twilio API"` {
					t.Errorf("WWW-Authenticate %q", got)
				}
				want := `{"code":20003,"detail":"Your AccountSid or AuthToken was incorrect.","message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`
				if string(r.body) != want {
					t.Errorf("401 body\n got %s\nwant %s", r.body, want)
				}
			}
		})
	}
	// The other account's list does not show our conference.
	r := h.send("GET", otherPath, nil, otherAccount, otherToken)
	if strings.Contains(string(r.body), conf) {
		t.Errorf("other account's list shows our conference: %s", r.body)
	}
}

// TestPagingConferences walks a list forwards with next_page_uri and back
// with previous_page_uri, checking the envelope on every page.
func TestPagingConferences(t *testing.T) {
	h := newHarness(t)
	c := loadContract(t)
	var want []string // newest first
	for i := 0; i < 8; i++ {
		p := h.dial("room-"+string(rune('a'+i)), "+14155550100")
		want = append([]string{str(p["conference_sid"])}, want...)
		h.clock.Advance(time.Second)
	}
	token := regexp.MustCompile(`PageToken=(PA|PB)CF[0-9a-f]{32}$`)

	var got []string
	var pages []map[string]any
	next := confsPath() + "?PageSize=3"
	for page := 0; next != ""; page++ {
		doc := h.must(200, "GET", next, nil)
		items := c.checkList(t, "conferences", "conference", doc)
		pages = append(pages, doc)
		if int(num(doc["page"])) != page || int(num(doc["page_size"])) != 3 {
			t.Fatalf("page %v size %v, want %d and 3", doc["page"], doc["page_size"], page)
		}
		if int(num(doc["start"])) != page*3 || int(num(doc["end"])) != page*3+len(items)-1 {
			t.Errorf("page %d: start %v end %v with %d items", page, doc["start"], doc["end"], len(items))
		}
		if doc["first_page_uri"] != confsPath()+"?PageSize=3&Page=0" {
			t.Errorf("first_page_uri %v", doc["first_page_uri"])
		}
		if page == 0 && doc["previous_page_uri"] != nil {
			t.Errorf("first page has previous_page_uri %v", doc["previous_page_uri"])
		}
		if page > 0 && !token.MatchString(str(doc["previous_page_uri"])) {
			t.Errorf("page %d previous_page_uri %v", page, doc["previous_page_uri"])
		}
		for _, it := range items {
			got = append(got, str(it["sid"]))
		}
		next = str(doc["next_page_uri"])
		if next != "" && !token.MatchString(next) {
			t.Errorf("next_page_uri %q has no PageToken of Twilio's shape", next)
		}
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("walked\n %v\nwant (newest first)\n %v", got, want)
	}
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	// Back from the last page.
	prev := h.must(200, "GET", str(pages[2]["previous_page_uri"]), nil)
	items := c.checkList(t, "conferences", "conference", prev)
	if len(items) != 3 || str(items[0]["sid"]) != want[3] || int(num(prev["page"])) != 1 {
		t.Errorf("previous page: page %v, first %v, want page 1 starting %s", prev["page"], items[0]["sid"], want[3])
	}
	if prev["uri"] != pages[2]["previous_page_uri"] {
		t.Errorf("uri %v, want the URI requested %v", prev["uri"], pages[2]["previous_page_uri"])
	}
}

// TestPagingParticipants pages a roster and keeps a token valid after the
// participant it points past has left.
func TestPagingParticipants(t *testing.T) {
	h := newHarness(t)
	c := loadContract(t)
	first := h.dial("room", "+14155550100", "Label", "p0")
	conf := str(first["conference_sid"])
	for i := 1; i < 5; i++ {
		h.clock.Advance(time.Second)
		h.dial(conf, "+14155550100", "Label", "p"+string(rune('0'+i)))
	}
	doc := h.must(200, "GET", partsPath(conf)+"?PageSize=2", nil)
	items := c.checkList(t, "participants", "participant", doc)
	if len(items) != 2 || items[0]["label"] != "p4" || items[1]["label"] != "p3" {
		t.Fatalf("first page %v %v, want p4 p3 (newest first)", items[0]["label"], items[1]["label"])
	}
	next := str(doc["next_page_uri"])
	if !regexp.MustCompile(`&Page=1&PageToken=PACP[0-9a-f]{32}$`).MatchString(next) {
		t.Fatalf("next_page_uri %q, want Twilio's PACP token", next)
	}
	// p3, the edge of the page, leaves; the token still works.
	h.must(204, "DELETE", partPath(conf, "p3"), nil)
	doc = h.must(200, "GET", next, nil)
	items = c.checkList(t, "participants", "participant", doc)
	if len(items) != 2 || items[0]["label"] != "p2" || items[1]["label"] != "p1" {
		t.Fatalf("second page after p3 left: %v", doc)
	}
}

// TestPagingErrors covers bad PageSize, Page and PageToken values.
func TestPagingErrors(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("room", "+14155550100")["conference_sid"])
	tests := []struct {
		name  string
		query string
		code  int
	}{
		{"PageSize 0", "PageSize=0", CodeBadRequest},
		{"PageSize 1001", "PageSize=1001", CodeBadRequest},
		{"PageSize words", "PageSize=ten", CodeBadRequest},
		{"negative Page", "Page=-1", CodeBadRequest},
		{"made-up token", "PageToken=hello", CodeInvalidPageToken},
		{"token of the wrong list", "PageToken=PACA" + strings.Repeat("0", 32), CodeInvalidPageToken},
		{"token of an unknown SID", "PageToken=PACF" + strings.Repeat("0", 32), CodeInvalidPageToken},
		{"token with a bad direction", "PageToken=PXCF" + conf[2:], CodeInvalidPageToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, h.do("GET", confsPath()+"?"+tc.query, nil), 400, tc.code)
		})
	}
	for _, size := range []string{"1", "1000"} {
		doc := h.must(200, "GET", confsPath()+"?PageSize="+size, nil)
		if doc["page_size"] != float64(atoiMust(t, size)) {
			t.Errorf("page_size %v, want %s", doc["page_size"], size)
		}
	}
	if doc := h.must(200, "GET", confsPath(), nil); doc["page_size"] != float64(50) {
		t.Errorf("default page_size %v, want 50", doc["page_size"])
	}
}

func atoiMust(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestRoutes covers unknown paths (404 20404), wrong methods (405) and the
// malformed conference SID Twilio answers with 405 20004.
func TestRoutes(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("room", "+14155550100")["conference_sid"])
	base := "/2010-04-01/Accounts/" + testAccount
	tests := []struct {
		method, path string
		status, code int
	}{
		{"GET", "/", 404, CodeNotFound},
		{"GET", base + "/Calls.json", 404, CodeNotFound},
		{"GET", base + "/Conferences", 404, CodeNotFound},
		{"GET", base + "/Conferences.xml", 404, CodeNotFound},
		{"GET", base + "/Conferences/CF" + strings.Repeat("0", 32) + ".json", 404, CodeNotFound},
		{"GET", base + "/Conferences/not-a-sid.json", 404, CodeNotFound},
		{"GET", base + "/Conferences/" + conf + "/Participants/nobody.json", 404, CodeNotFound},
		{"GET", base + "/Conferences/" + conf + "/Recordings/RE" + strings.Repeat("0", 32) + ".json", 404, CodeNotFound},
		{"GET", base + "/Conferences/" + conf + "/Extra/x.json", 404, CodeNotFound},
		{"POST", base + "/Conferences.json", 405, CodeMethodNotAllowed},
		{"DELETE", base + "/Conferences/" + conf + ".json", 405, CodeMethodNotAllowed},
		{"PUT", base + "/Conferences/" + conf + "/Participants.json", 405, CodeMethodNotAllowed},
		{"POST", base + "/Conferences/" + conf + "/Recordings.json", 405, CodeMethodNotAllowed},
		{"GET", base + "/Conferences/room/Participants.json", 405, CodeMethodNotAllowed},
		{"GET", base + "/Conferences/room/Participants/x.json", 405, CodeMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := h.do(tc.method, tc.path, nil)
			wantError(t, r, tc.status, tc.code)
			if tc.code == CodeNotFound {
				msg := str(r.doc(t)["message"])
				if !strings.HasPrefix(msg, "The requested resource ") || !strings.HasSuffix(msg, " was not found") {
					t.Errorf("404 message %q", msg)
				}
			}
			if tc.status == 405 && tc.code == CodeMethodNotAllowed && r.header.Get("Allow") == "" && !strings.Contains(tc.path, "/room/") {
				t.Errorf("405 without Allow")
			}
		})
	}
}

func TestCreateAnswers201And204(t *testing.T) {
	h := newHarness(t)
	r := h.do("POST", partsPath("room"), url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}})
	if r.status != http.StatusCreated || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("create: %d %q", r.status, r.header.Get("Content-Type"))
	}
	p := r.doc(t)
	d := h.do("DELETE", partPath(str(p["conference_sid"]), str(p["call_sid"])), nil)
	if d.status != http.StatusNoContent || len(d.body) != 0 || d.header.Get("Content-Type") != "" {
		t.Fatalf("delete: %d %q body %q", d.status, d.header.Get("Content-Type"), d.body)
	}
}
