package sim

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// trickyStrings are strings whose JSON encoding has every kind of escape.
var trickyStrings = []string{
	"", "plain", `quote " and backslash \`, "ctl \x00\x01\x1f\x7f", "\b\f\n\r\t",
	"<b>&amp;</b>", "caf\xe9 (invalid UTF-8)", "\xff\xfe", "line\u2028para\u2029",
	"日本語", "emoji 📞", "Zoë", "a/b", "%2F", strings.Repeat("x", 300),
}

// TestAppendJSONStringMatchesEncodingJSON: the hand-written encoder writes
// the same bytes as encoding/json with HTML escaping off.
func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := append([]string(nil), trickyStrings...)
	for i := 0; i < 2000; i++ {
		b := make([]byte, rng.IntN(12))
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want, err := marshalNoEscape(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	}
}

// FuzzAppendJSONString holds the hand-written string encoder to
// encoding/json's bytes for any input.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := marshalNoEscape(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}

// TestAppendJSONMatchesEncodingJSON: every resource written by hand is
// byte-for-byte what encoding/json writes for the same struct, with nulls
// and tricky strings.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	for i, s := range trickyStrings {
		opt := optional(s)
		code := i
		parts := participantJSON{AccountSID: s, CallSID: s, Label: opt, ConferenceSID: s, DateCreated: s, DateUpdated: s,
			EndConferenceOnExit: i%2 == 0, Muted: i%3 == 0, Hold: i%5 == 0, Status: s, StartConferenceOnEnter: i%2 == 1,
			Coaching: i%4 == 0, CallSIDToCoach: opt, QueueTime: opt, URI: s}
		conf := conferenceJSON{AccountSID: s, APIVersion: s, DateCreated: s, DateUpdated: s, FriendlyName: opt, Region: s, SID: s,
			Status: s, SubresourceURIs: subresourceURIs{Participants: s, Recordings: s}, URI: s, ReasonConferenceEnded: opt, CallSIDEndingConference: opt}
		rec := recordingJSON{AccountSID: s, APIVersion: s, CallSID: opt, ConferenceSID: s, Channels: i, DateCreated: s, DateUpdated: s,
			StartTime: s, Price: opt, PriceUnit: opt, Duration: opt, SID: s, Source: s, Status: s, URI: s}
		if i%2 == 0 {
			rec.ErrorCode = &code
			rec.EncryptionDetails = map[string]string{"encryption_iv": s}
		}
		for _, tc := range []struct {
			name string
			v    any
			got  []byte
		}{
			{"participant", parts, parts.appendJSON(nil)},
			{"conference", conf, conf.appendJSON(nil)},
			{"recording", rec, rec.appendJSON(nil)},
		} {
			want, err := marshalNoEscape(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(tc.got, want) {
				t.Errorf("%s with %q:\n got %s\nwant %s", tc.name, s, tc.got, want)
			}
		}
	}
	next := "/next"
	meta := listMeta{FirstPageURI: "/a?b=<c>&d", NextPageURI: &next, URI: "/u", Page: 2, PageSize: 3, Start: 6, End: 8}
	page := listPage{key: "participants", items: participantItems{{Status: "connected"}, {Label: optional("x")}}, meta: meta}
	got := page.encodeJSON()
	want, err := marshalNoEscape(struct {
		Participants []participantJSON `json:"participants"`
		listMeta
	}{[]participantJSON{{Status: "connected"}, {Label: optional("x")}}, meta})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("page:\n got %s\nwant %s", got, want)
	}
}

// TestDateMemo: a memo gives the same text as formatting afresh.
func TestDateMemo(t *testing.T) {
	var m dateMemo
	for _, d := range []time.Time{epoch, epoch, epoch.Add(time.Second), epoch, epoch.In(time.FixedZone("X", 3600))} {
		if got, want := m.format(d), formatDate(d); got != want {
			t.Errorf("memo %q, want %q", got, want)
		}
	}
	if got := (*dateMemo)(nil).format(epoch); got != "Fri, 18 Feb 2011 19:26:50 +0000" {
		t.Errorf("nil memo %q", got)
	}
}

// TestListedParticipantsAreNeverStale: over three simulated minutes of the
// demo (mutes, holds, coaching, joins, progress, failures) and REST updates,
// every participant a list shows is byte for byte what a fetch of it shows.
// Lists reuse each participant's JSON until it changes; this holds the reuse
// honest.
func TestListedParticipantsAreNeverStale(t *testing.T) {
	h := newHarness(t, WithTimings(Timings{Queue: time.Second, Connect: time.Second, Ring: 3 * time.Second, Linger: 5 * time.Second}))
	stop, err := StartDemo(h.srv, testAccount, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	// In-process requests: thousands of them, so no sockets.
	get := func(path string) []byte {
		req := httptest.NewRequest("GET", path, nil)
		req.SetBasicAuth(testAccount, testToken)
		rec := httptest.NewRecorder()
		h.srv.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
		return rec.Body.Bytes()
	}
	for sec := 0; sec < 180; sec++ {
		for _, c := range h.srv.Conferences(testAccount) {
			if c.Status == "completed" {
				continue
			}
			var doc struct {
				Participants []json.RawMessage `json:"participants"`
			}
			if err := json.Unmarshal(get(partsPath(c.SID)), &doc); err != nil {
				t.Fatal(err)
			}
			for i, raw := range doc.Participants {
				var p struct {
					CallSID string `json:"call_sid"`
				}
				_ = json.Unmarshal(raw, &p)
				if one := get(partPath(c.SID, p.CallSID)); !bytes.Equal(raw, one) {
					t.Fatalf("second %d, item %d of %s:\nlisted  %s\nfetched %s", sec, i, c.FriendlyName, raw, one)
				}
			}
			if sec%29 == 0 && len(doc.Participants) > 0 {
				// A REST change between two polls shows in the next list.
				for _, raw := range doc.Participants {
					var p struct {
						CallSID string `json:"call_sid"`
						Muted   bool   `json:"muted"`
						Status  string `json:"status"`
					}
					_ = json.Unmarshal(raw, &p)
					if p.Status == "connected" {
						h.must(200, "POST", partPath(c.SID, p.CallSID), url.Values{"Muted": {strconv.FormatBool(!p.Muted)}})
						break
					}
				}
			}
		}
		h.clock.Advance(time.Second)
	}
}

// TestStreamedPageMatchesEncoded: a roster page streamed from cached items
// is the same bytes as the page built in one buffer, with an exact
// Content-Length.
func TestStreamedPageMatchesEncoded(t *testing.T) {
	next := "/next?PageSize=2&Page=1&PageToken=PACPx"
	meta := listMeta{FirstPageURI: "/first", NextPageURI: &next, URI: "/u", PageSize: 2, End: 1}
	for _, items := range []encodedItems{nil, {[]byte(`{"a":1}`)}, {[]byte(`{"a":1}`), []byte(`{"b":"ü"}`)}} {
		page := listPage{key: "participants", items: items, meta: meta}
		want := page.encodeJSON()
		rec := httptest.NewRecorder()
		page.stream(rec, 200, items, make([]byte, 0, 8)) // a tiny chunk: many writes
		if !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("streamed %s\nencoded  %s", rec.Body.Bytes(), want)
		}
		if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(want)) {
			t.Errorf("Content-Length %s for %d bytes", cl, len(want))
		}
		if !json.Valid(want) {
			t.Errorf("invalid JSON %s", want)
		}
	}
}
