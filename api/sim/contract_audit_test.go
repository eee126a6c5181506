package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
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
