package api

import (
	"errors"
	"net/http"
	"testing"
)

// TestAuditLabelRulesOfError16024 holds the client's up-front label check to
// Twilio's error 16024: a label may not contain '/', "even in URL encoded
// form %2F". Such a label is refused before anyone is dialled.
func TestAuditLabelRulesOfError16024(t *testing.T) {
	tests := []struct {
		label string
		ok    bool
	}{
		{"a%2Fb", false},
		{"a%2fb", false},
		{"%2F", false},
		{"a/b", false},
		{"100% sure", true},
		{"a%20b", true},
		{"a%2Eb", true},
	}
	for _, tc := range tests {
		t.Run(tc.label, func(t *testing.T) {
			rec := &recorder{}
			c, _, _ := newTestClient(t, rec)
			_, err := c.CreateParticipant(ctxT(t), "room", CreateParticipant{From: "+15005550006", To: "+14155550100", Label: tc.label})
			if tc.ok {
				if err != nil || rec.count() != 1 {
					t.Fatalf("label %q: err %v after %d requests, want it sent", tc.label, err, rec.count())
				}
				return
			}
			if !errors.Is(err, ErrInvalidArgument) || rec.count() != 0 {
				t.Fatalf("label %q: err %v after %d requests, want ErrInvalidArgument and nothing sent", tc.label, err, rec.count())
			}
		})
	}
}

// TestAuditFollowsNextPageURIVerbatim follows the next_page_uri of Twilio's
// example "readNext" byte for byte: the escaped '<' and '>' of the echoed
// filters and the PageToken go back exactly as Twilio wrote them.
func TestAuditFollowsNextPageURIVerbatim(t *testing.T) {
	const next = "/2010-04-01/Accounts/" + testAccount + "/Conferences.json?Status=in-progress&DateUpdated%3E=2018-11-12" +
		"&DateUpdated%3C=2018-11-11&DateCreated=2008-01-03&FriendlyName=friendly_name&DateUpdated=2018-11-13" +
		"&DateCreated%3C=2008-01-01&DateCreated%3E=2008-01-02&PageSize=3&Page=2&PageToken=PACFffffffffffffffffffffffffffffffff"
	rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			writeJSON(w, 200, `{"conferences":[],"next_page_uri":"`+next+`","previous_page_uri":null,"page":1,"page_size":3}`)
			return
		}
		writeJSON(w, 200, `{"conferences":[],"next_page_uri":null,"previous_page_uri":null,"page":2,"page_size":3}`)
	}}
	c, _, _ := newTestClient(t, rec)
	if _, err := c.ListConferences(ctxT(t), ConferenceFilter{}); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if got := reqs[1].EscapedPath + "?" + reqs[1].RawQuery; got != next {
		t.Fatalf("second request\n %s\nwant next_page_uri as given\n %s", got, next)
	}
}
