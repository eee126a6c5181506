package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// requestExample is one example request of Twilio's OpenAPI description.
type requestExample struct {
	Path   string         `json:"path"`
	Method string         `json:"method"`
	Name   string         `json:"name"`
	Form   map[string]any `json:"form"`
}

// formOf turns an example's JSON values into form values the way Twilio's
// helper libraries send them: booleans as true/false, numbers as integers.
func formOf(t *testing.T, m map[string]any, coach string) url.Values {
	t.Helper()
	f := url.Values{}
	for k, v := range m {
		switch v := v.(type) {
		case string:
			if k == "CallSidToCoach" {
				v = coach // the example's CAbbb... is a participant of the room
			}
			f.Set(k, v)
		case bool:
			f.Set(k, fmt.Sprint(v))
		case float64:
			f.Set(k, fmt.Sprint(int64(v)))
		default:
			t.Fatalf("example value %s=%v of type %T", k, v, v)
		}
	}
	return f
}

// TestAuditTwilioRequestExamplesAccepted replays every example request of
// Twilio's description against a room set up to match it: Twilio accepts
// each one (among them a non-E.164 To and From, and MachineDetection
// "enable" in lower case), so the simulator must too.
func TestAuditTwilioRequestExamplesAccepted(t *testing.T) {
	raw, err := os.ReadFile("testdata/request_examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Examples []requestExample `json:"examples"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Examples) < 20 {
		t.Fatalf("only %d examples in testdata", len(doc.Examples))
	}
	for _, ex := range doc.Examples {
		t.Run(ex.Name, func(t *testing.T) {
			h := newHarness(t)
			agent := h.dial("Room", "client:agent", "Label", "agent", "ConferenceRecord", "record-from-start")
			conf, coach := str(agent["conference_sid"]), str(agent["call_sid"])
			create := strings.HasSuffix(ex.Path, "/Participants.json")
			var customer map[string]any
			if !create {
				customer = h.dial(conf, "+14155550100", "Label", "customer")
			}
			path := strings.NewReplacer(
				"{AccountSid}", testAccount,
				"{ConferenceSid}", conf,
			).Replace(ex.Path)
			switch {
			case strings.Contains(path, "/Recordings/{Sid}"):
				recs := h.must(200, "GET", recsPath(conf), nil)["recordings"].([]any)
				if len(recs) == 0 {
					t.Fatal("the room has no recording")
				}
				path = strings.Replace(path, "{Sid}", str(recs[0].(map[string]any)["sid"]), 1)
			case strings.Contains(path, "{CallSid}"):
				id := str(customer["call_sid"])
				if strings.HasSuffix(ex.Name, "ByLabel") {
					id = "customer"
				}
				path = strings.Replace(path, "{CallSid}", id, 1)
			default:
				path = strings.Replace(path, "{Sid}", conf, 1)
			}
			if strings.HasPrefix(ex.Name, "createWithFriendlyName") {
				path = partsPath("Room") // joins the open room by its name
			}
			want := http.StatusOK
			if create {
				want = http.StatusCreated
			}
			r := h.do(ex.Method, path, formOf(t, ex.Form, coach))
			if r.status != want {
				t.Fatalf("%s %s %v: status %d, want %d\n%s", ex.Method, path, ex.Form, r.status, want, r.body)
			}
		})
	}
}

// TestAuditUpdateMutedOtherValuesUnmute holds UpdateParticipant's Muted as
// Twilio documents it: "Anything value other than true or false is
// interpreted as false".
func TestAuditUpdateMutedOtherValuesUnmute(t *testing.T) {
	for _, v := range []string{"yes", "1", "", "on"} {
		t.Run(v, func(t *testing.T) {
			h := newHarness(t)
			p := h.dial("Room", "+14155550100", "Muted", "true")
			path := partPath(str(p["conference_sid"]), str(p["call_sid"]))
			doc := h.must(200, "POST", path, url.Values{"Muted": {v}})
			if doc["muted"] != false {
				t.Fatalf("Muted=%q: muted %v, want false", v, doc["muted"])
			}
		})
	}
}

// TestAuditPageNeedsPageToken: Twilio dropped absolute paging; a Page past
// the first without a PageToken answers 400 20001 "PageToken is required
// for paging." (as the helper libraries' users meet it).
func TestAuditPageNeedsPageToken(t *testing.T) {
	h := newHarness(t)
	p := h.dial("Room", "+14155550100")
	conf := str(p["conference_sid"])
	for _, path := range []string{confsPath(), partsPath(conf), recsPath(conf)} {
		r := h.do("GET", path+"?PageSize=1&Page=1", nil)
		wantError(t, r, 400, CodeBadRequest)
		if m := r.doc(t)["message"]; m != "PageToken is required for paging." {
			t.Errorf("%s: message %q", path, m)
		}
		h.must(200, "GET", path+"?PageSize=1&Page=0", nil)
	}
}

// TestAuditListEchoesFiltersInTwilioOrder holds the page URIs of a filtered
// conference list to Twilio's example "readEmpty" byte for byte: the filters
// are echoed in Twilio's order (not the caller's), '<' and '>' escaped.
func TestAuditListEchoesFiltersInTwilioOrder(t *testing.T) {
	h := newHarness(t)
	query := "DateCreated=2008-01-03&DateCreated%3C=2008-01-01&DateCreated%3E=2008-01-02" +
		"&DateUpdated=2018-11-13&DateUpdated%3C=2018-11-11&DateUpdated%3E=2018-11-12" +
		"&FriendlyName=friendly_name&Status=init"
	doc := h.must(200, "GET", confsPath()+"?"+query, nil)
	want := confsPath() + "?Status=init&DateUpdated%3E=2018-11-12&DateUpdated%3C=2018-11-11" +
		"&DateCreated=2008-01-03&FriendlyName=friendly_name&DateUpdated=2018-11-13" +
		"&DateCreated%3C=2008-01-01&DateCreated%3E=2008-01-02&PageSize=50&Page=0"
	for _, k := range []string{"first_page_uri", "uri"} {
		if doc[k] != want {
			t.Errorf("%s\n %v\nwant\n %s", k, doc[k], want)
		}
	}
	// Twilio's "readDateCreatedOnOrAfter": Status before DateCreated>.
	doc = h.must(200, "GET", confsPath()+"?DateCreated%3E=2021-01-01&Status=in-progress&PageSize=20", nil)
	if want := confsPath() + "?Status=in-progress&DateCreated%3E=2021-01-01&PageSize=20&Page=0"; doc["uri"] != want {
		t.Errorf("uri\n %v\nwant\n %s", doc["uri"], want)
	}
}

// TestAuditDateBoundsAreMidnight holds DateCreated< and DateCreated> to
// Twilio's words: "created on or before midnight of this date" and "on or
// after midnight of this date", midnight being the date's start (UTC). So
// DateCreated<=D leaves out what was created later on D, and D as both
// bounds keeps only what was created at D's midnight.
func TestAuditDateBoundsAreMidnight(t *testing.T) {
	h := newHarness(t)
	at := map[string]time.Time{
		"jan1":     time.Date(2021, 1, 1, 11, 23, 45, 0, time.UTC),
		"midnight": time.Date(2021, 1, 2, 0, 0, 0, 0, time.UTC),
		"jan2":     time.Date(2021, 1, 2, 11, 23, 45, 0, time.UTC),
		"jan3":     time.Date(2021, 1, 3, 23, 59, 59, 0, time.UTC),
	}
	rec := map[string]string{}
	for _, name := range []string{"jan1", "midnight", "jan2", "jan3"} {
		h.clock.Set(at[name])
		p := h.dial(name, "+14155550100", "ConferenceRecord", "record-from-start")
		rec[name] = str(p["conference_sid"])
		h.dial(name, "client:agent") // starts the conference and its recording
	}
	tests := []struct {
		query string
		want  string // newest first
	}{
		{"DateCreated=2021-01-02", "jan2,midnight"},
		{"DateCreated%3C=2021-01-02", "midnight,jan1"},
		{"DateCreated%3E=2021-01-02", "jan3,jan2,midnight"},
		{"DateCreated%3E=2021-01-02&DateCreated%3C=2021-01-02", "midnight"},
		{"DateCreated%3C=2021-01-04", "jan3,jan2,midnight,jan1"},
		{"DateUpdated%3C=2021-01-03", "jan2,midnight,jan1"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			doc := h.must(200, "GET", confsPath()+"?"+tc.query, nil)
			if got := friendlyNames(doc); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	// Recordings read the same bounds.
	for q, n := range map[string]int{"DateCreated%3C=2021-01-02": 1, "DateCreated%3C=2021-01-01": 0, "DateCreated%3E=2021-01-02": 1} {
		doc := h.must(200, "GET", recsPath(rec["midnight"])+"?"+q, nil)
		if got := len(doc["recordings"].([]any)); got != n {
			t.Errorf("recordings of the midnight room, %s: %d, want %d", q, got, n)
		}
	}
}

// TestAuditLabelErrors holds CreateParticipant's label errors to Twilio's
// error pages: 16024 forbids '/' "even in URL encoded form %2F"; a label
// already in use by another participant of the conference is 16026.
func TestAuditLabelErrors(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("Room", "+14155550100", "Label", "taken")["conference_sid"])
	tests := []struct {
		name  string
		room  string
		label string
		code  int
	}{
		{"encoded slash", "Room", "a%2Fb", 16024},
		{"encoded slash, lower case", "Room", "a%2fb", 16024},
		{"label in use", conf, "taken", 16026},
		{"label in use, by friendly name", "Room", "taken", 16026},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := url.Values{"To": {"+14155550101"}, "From": {"+15005550006"}, "Label": {tc.label}}
			wantError(t, h.do("POST", partsPath(tc.room), f), 400, tc.code)
		})
	}
	h.dial("Room", "+14155550101", "Label", "a%2Eb") // any other escape-like text is only text
}

// TestAuditTwilioCurrentOnlyForUpdate: Twilio documents Twilio.CURRENT for
// UpdateConferenceRecording only; FetchConferenceRecording and
// DeleteConferenceRecording take a recording SID (pattern ^RE[0-9a-fA-F]{32}$),
// so there the name finds nothing.
func TestAuditTwilioCurrentOnlyForUpdate(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("Room", "+14155550100", "ConferenceRecord", "record-from-start")["conference_sid"])
	h.dial(conf, "client:agent") // starts the conference and its recording
	wantError(t, h.do("GET", recPath(conf, "Twilio.CURRENT"), nil), 404, CodeNotFound)
	wantError(t, h.do("DELETE", recPath(conf, "Twilio.CURRENT"), nil), 404, CodeNotFound)
	doc := h.must(200, "POST", recPath(conf, "Twilio.CURRENT"), url.Values{"Status": {"paused"}})
	if doc["status"] != "paused" {
		t.Fatalf("update through Twilio.CURRENT: status %v, want paused", doc["status"])
	}
}

// TestAuditConferenceAttributeErrors: Twilio's error 16002, "Failed to
// validate conference attributes", covers a bad conference status callback
// URL, method or event and a MaxParticipants over 250.
func TestAuditConferenceAttributeErrors(t *testing.T) {
	h := newHarness(t)
	for _, kv := range [][2]string{
		{"ConferenceStatusCallback", "not a url"},
		{"ConferenceStatusCallbackMethod", "PATCH"},
		{"ConferenceStatusCallbackEvent", "bogus"},
		{"MaxParticipants", "251"},
	} {
		t.Run(kv[0], func(t *testing.T) {
			f := url.Values{"To": {"+14155550101"}, "From": {"+15005550006"}, kv[0]: {kv[1]}}
			wantError(t, h.do("POST", partsPath("Room"), f), 400, CodeConferenceAttributes)
		})
	}
}
