package sim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzCreateParticipantForm feeds arbitrary form bodies and conference names
// to CreateParticipant: the simulator must never panic and never answer 5xx
// to bad input.
func FuzzCreateParticipantForm(f *testing.F) {
	seeds := []struct{ conf, body string }{
		{"room", "To=%2B14155550100&From=%2B15005550006"},
		{"room", "To=client%3Aalice&From=%2B15005550006&Label=agent&Muted=true&Timeout=30"},
		{"room", "To=%2B15005550002&From=%2B15005550006&MaxParticipants=2&ConferenceRecord=record-from-start"},
		{"CF0123456789abcdef0123456789abcdef", "To=sip%3Aa%40b&From=bob&CallSidToCoach=CA0123456789abcdef0123456789abcdef"},
		{"r%2Fx", "To=%2B1&From=&Label=%E2%98%95&Coaching=maybe&StatusCallbackEvent=a&StatusCallbackEvent=b"},
		{"%zz", "%zz=%zz&&&=="},
		{"room", strings.Repeat("Label=x&", 100)},
	}
	for _, s := range seeds {
		f.Add(s.conf, s.body)
	}
	f.Fuzz(func(t *testing.T, conf, body string) {
		// A fresh simulator per input keeps runs independent and fast.
		srv := New(WithSeed(1))
		if err := srv.AddAccount(testAccount, testToken); err != nil {
			t.Fatal(err)
		}
		if _, err := srv.JoinConnected(testAccount, "room", Join{Label: "agent"}); err != nil {
			t.Fatal(err)
		}
		path := "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + conf + "/Participants.json"
		req, err := http.NewRequest("POST", "http://sim.test/", strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.URL.Path, req.URL.RawPath = "", ""
		if err := setEscapedPath(req, path); err != nil {
			t.Skip() // not a path a client could send
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(testAccount, testToken)
		serveChecked(t, srv, req)

		// The same bytes as an update of a participant and of a conference,
		// and as a list query, must be refused as cleanly.
		for _, u := range []struct{ method, path, body string }{
			{"POST", "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + conf + "/Participants/" + conf + ".json", body},
			{"POST", "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + conf + ".json", body},
			{"GET", "/2010-04-01/Accounts/" + testAccount + "/Conferences.json?" + body, ""},
			{"GET", "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + conf + "/Participants.json?" + body, ""},
		} {
			r, err := http.NewRequest(u.method, "http://sim.test/", strings.NewReader(u.body))
			if err != nil || setEscapedPath(r, u.path) != nil {
				continue
			}
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.SetBasicAuth(testAccount, testToken)
			serveChecked(t, srv, r)
		}
	})
}

// serveChecked serves req and fails on a 5xx or an error without Twilio's body.
func serveChecked(t *testing.T, srv *Server, req *http.Request) {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL, rec.Code, rec.Body.String())
	}
	if rec.Code >= 400 && !strings.Contains(rec.Body.String(), `"more_info":"https://www.twilio.com/docs/errors/`) {
		t.Fatalf("%s %s: error without Twilio's body: %d %s", req.Method, req.URL, rec.Code, rec.Body.String())
	}
}

// setEscapedPath sets an already-escaped path on req.
func setEscapedPath(req *http.Request, escaped string) error {
	u, err := req.URL.Parse(escaped)
	if err != nil {
		return err
	}
	req.URL = u
	return nil
}
