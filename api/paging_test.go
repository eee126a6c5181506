package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

func participantWith(callSID string) string {
	return strings.Replace(participantBody, testCall, callSID, 1)
}

func callSID(i int) string { return fmt.Sprintf("CA%032x", i) }

// pagedParticipants answers page n (from 1) with per items, linking to the
// next page until total items were served.
func pagedParticipants(total, per int) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		var items []string
		for i := (n - 1) * per; i < n*per && i < total; i++ {
			items = append(items, participantWith(callSID(i)))
		}
		next := "null"
		if n*per < total {
			next = fmt.Sprintf(`"/2010-04-01/Accounts/%s/Conferences/%s/Participants.json?PageSize=%d&Page=%d&PageToken=PA%s"`,
				testAccount, testConf, per, n, callSID(n*per-1))
		}
		writeJSON(w, 200, `{"participants":[`+strings.Join(items, ",")+`],"next_page_uri":`+next+`,"page":`+itoa(n-1)+`}`)
	}
}

func TestPagingFollowsNextPageURI(t *testing.T) {
	rec := &recorder{respond: pagedParticipants(7, 3)}
	c, _, _ := newTestClient(t, rec)
	var info ResponseInfo
	ps, err := c.ListParticipants(WithResponseInfo(ctxT(t), &info), testConf, ParticipantFilter{Muted: Bool(true), PageSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 7 {
		t.Fatalf("%d participants, want 7", len(ps))
	}
	for i, p := range ps {
		if p.CallSID != callSID(i) {
			t.Errorf("participant %d is %s: order lost", i, p.CallSID)
		}
	}
	reqs := rec.all()
	if len(reqs) != 3 || info.Pages != 3 || info.Attempts != 3 {
		t.Fatalf("%d requests, info %+v", len(reqs), info)
	}
	if reqs[0].RawQuery != "Muted=true&PageSize=3" {
		t.Errorf("first page query %q", reqs[0].RawQuery)
	}
	if want := "PageSize=3&Page=1&PageToken=PA" + callSID(2); reqs[1].RawQuery != want {
		t.Errorf("second page query %q, want %q as Twilio linked it", reqs[1].RawQuery, want)
	}
}

func TestPagingFailures(t *testing.T) {
	tests := []struct {
		name    string
		respond func(http.ResponseWriter, *http.Request, int)
		want    error
		msg     string
	}{
		{"absolute next page URI to another host", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"participants":[],"next_page_uri":"http://evil.example/steal"}`)
		}, ErrBadResponse, "not a path on the same server"},
		{"protocol-relative next page URI", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"participants":[],"next_page_uri":"//evil.example/steal"}`)
		}, ErrBadResponse, "not a path on the same server"},
		{"a next page that repeats", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"participants":[],"next_page_uri":"/2010-04-01/loop.json?Page=1"}`)
		}, ErrBadResponse, "repeats"},
		{"no participants key", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"conferences":[],"next_page_uri":null}`)
		}, ErrBadResponse, `no "participants" list`},
		{"participants is not a list", func(w http.ResponseWriter, r *http.Request, n int) {
			writeJSON(w, 200, `{"participants":{"a":1}}`)
		}, ErrBadResponse, `the "participants" list`},
		{"second page fails", func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				pagedParticipants(5, 2)(w, r, n)
				return
			}
			writeJSON(w, 404, twilioError(20404, 404, "The requested resource was not found"))
		}, ErrNotFound, "twilio 20404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{respond: tt.respond}
			c, _, _ := newTestClient(t, rec)
			ps, err := c.ListParticipants(ctxT(t), testConf, ParticipantFilter{})
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("got %v (%d participants), want %v containing %q", err, len(ps), tt.want, tt.msg)
			}
			if ps != nil {
				t.Errorf("a failed list returned %d participants", len(ps))
			}
			if rec.count() > 2 {
				t.Errorf("%d requests", rec.count())
			}
		})
	}
}

func TestPagingNullListIsEmpty(t *testing.T) {
	rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, `{"participants":null,"next_page_uri":null}`)
	}}
	c, _, _ := newTestClient(t, rec)
	ps, err := c.ListParticipants(ctxT(t), testConf, ParticipantFilter{})
	if err != nil || len(ps) != 0 {
		t.Fatalf("got %v, %v", ps, err)
	}
}

func TestListConferencesMaxItems(t *testing.T) {
	conf := func(i int) string {
		return strings.Replace(conferenceBody, testConf, fmt.Sprintf("CF%032x", i), 1)
	}
	rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 200, `{"conferences":[`+conf(2*n)+`,`+conf(2*n+1)+`],"next_page_uri":"/2010-04-01/c.json?Page=`+itoa(n)+`"}`)
	}}
	c, _, _ := newTestClient(t, rec)
	cs, err := c.ListConferences(ctxT(t), ConferenceFilter{MaxItems: 3, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 || rec.count() != 2 {
		t.Errorf("%d conferences over %d requests, want 3 over 2", len(cs), rec.count())
	}
}

// TestInvalidArguments: each is refused before any request is sent.
func TestInvalidArguments(t *testing.T) {
	rec := &recorder{}
	c, _, _ := newTestClient(t, rec)
	ctx := ctxT(t)
	long := strings.Repeat("x", 129)
	tests := []struct {
		name string
		call func() error
		msg  string
	}{
		{"bad conference SID", func() error { _, err := c.ListParticipants(ctx, "CF123", ParticipantFilter{}); return err }, `conference SID "CF123" is not CF followed by 32 hex digits`},
		{"call SID as conference", func() error { _, err := c.FetchConference(ctx, testCall); return err }, "conference SID"},
		{"empty participant", func() error { _, err := c.FetchParticipant(ctx, testConf, ""); return err }, "call SID or label is empty"},
		{"page size too big", func() error {
			_, err := c.ListParticipants(ctx, testConf, ParticipantFilter{PageSize: 1001})
			return err
		}, "1..1000"},
		{"negative page size", func() error { _, err := c.ListConferences(ctx, ConferenceFilter{PageSize: -1}); return err }, "1..1000"},
		{"unknown conference status filter", func() error { _, err := c.ListConferences(ctx, ConferenceFilter{Status: "done"}); return err }, "init, in-progress or completed"},
		{"update conference to in-progress", func() error {
			_, err := c.UpdateConference(ctx, testConf, ConferenceUpdate{Status: "in-progress"})
			return err
		}, "only be updated to status completed"},
		{"announce method", func() error {
			_, err := c.UpdateConference(ctx, testConf, ConferenceUpdate{AnnounceURL: "x", AnnounceMethod: "PUT"})
			return err
		}, "AnnounceMethod \"PUT\" must be GET or POST"},
		{"create without To", func() error {
			_, err := c.CreateParticipant(ctx, "room", CreateParticipant{From: "+15005550006"})
			return err
		}, "From and To are both required"},
		{"create to no conference", func() error {
			_, err := c.CreateParticipant(ctx, "", CreateParticipant{From: "+15005550006", To: "+14155550100"})
			return err
		}, "friendly name is empty"},
		{"label too long", func() error {
			_, err := c.CreateParticipant(ctx, "room", CreateParticipant{From: "+15005550006", To: "+14155550100", Label: long})
			return err
		}, "longer than 128"},
		{"label with a slash", func() error {
			_, err := c.CreateParticipant(ctx, "room", CreateParticipant{From: "+15005550006", To: "+14155550100", Label: "a/b"})
			return err
		}, `must not contain "/"`},
		{"label that is not UTF-8", func() error {
			_, err := c.CreateParticipant(ctx, "room", CreateParticipant{From: "+15005550006", To: "+14155550100", Label: "bad\xff"})
			return err
		}, "not valid UTF-8"},
		{"label that is a call SID", func() error {
			_, err := c.CreateParticipant(ctx, "room", CreateParticipant{From: "+15005550006", To: "+14155550100", Label: testCall})
			return err
		}, "must not be a call SID"},
		{"coach SID", func() error {
			_, err := c.UpdateParticipant(ctx, testConf, "agent", UpdateParticipant{Coaching: Bool(true), CallSIDToCoach: "agent-2"})
			return err
		}, "CallSidToCoach"},
		{"hold method", func() error {
			_, err := c.UpdateParticipant(ctx, testConf, "agent", UpdateParticipant{HoldMethod: "DELETE"})
			return err
		}, "HoldMethod"},
		{"recording SID", func() error {
			_, err := c.UpdateRecording(ctx, testConf, "current", RecordingUpdate{Status: "paused"})
			return err
		}, "Twilio.CURRENT"},
		{"recording status", func() error {
			_, err := c.UpdateRecording(ctx, testConf, CurrentRecording, RecordingUpdate{Status: "completed"})
			return err
		}, "in-progress, paused or stopped"},
		{"pause behavior", func() error {
			_, err := c.UpdateRecording(ctx, testConf, CurrentRecording, RecordingUpdate{Status: "paused", PauseBehavior: "mute"})
			return err
		}, "skip or silence"},
		{"list recordings SID", func() error { _, err := c.ListRecordings(ctx, "x"); return err }, "conference SID"},
		{"negative MaxItems", func() error { _, err := c.ListConferences(ctx, ConferenceFilter{MaxItems: -1}); return err }, "MaxItems"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var e *Error
			if !errors.Is(err, ErrInvalidArgument) || !errors.As(err, &e) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("got %v, want ErrInvalidArgument saying %q", err, tt.msg)
			}
			if e.Temporary() {
				t.Errorf("a rejected argument is not temporary")
			}
		})
	}
	if rec.count() != 0 {
		t.Errorf("%d requests were sent", rec.count())
	}
}

// countingBody is a response body of n bytes that counts what was read.
type countingBody struct {
	left, read int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > b.left {
		n = b.left
	}
	for i := range p[:n] {
		p[i] = ' '
	}
	b.left -= n
	b.read += n
	return int(n), nil
}

func (b *countingBody) Close() error { return nil }

type fixedTransport struct{ body *countingBody }

func (f fixedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: f.body, ContentLength: -1, Request: r,
	}, nil
}

// TestBodyLimitBytesRead counts the bytes the client reads of a 20 MB body:
// no more than the limit and one byte.
func TestBodyLimitBytesRead(t *testing.T) {
	for _, limit := range []int64{0, 1 << 20} {
		body := &countingBody{left: 20 << 20}
		c, err := New(Config{AccountSID: testAccount, AuthToken: testToken, MaxBodyBytes: limit,
			HTTPClient: &http.Client{Transport: fixedTransport{body}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.FetchParticipant(ctxT(t), testConf, testCall)
		if !errors.Is(err, ErrResponseTooLarge) || !errors.Is(err, ErrBadResponse) {
			t.Fatalf("got %v", err)
		}
		want := limit
		if want == 0 {
			want = DefaultMaxBodyBytes
		}
		if body.read > want+1 {
			t.Errorf("limit %d: read %d bytes of a 20 MB body", want, body.read)
		}
	}
}

// TestPageDecodeAllocations holds the memory budget of the console's largest
// poll: decoding a page of 1000 participants costs at most 20 allocations and
// 4 KB per participant (measured: about 9 and 0.9 KB).
func TestPageDecodeAllocations(t *testing.T) {
	page := participantsPage(1000)
	var bytesPer float64
	allocs := testing.AllocsPerRun(5, func() {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var p listPage[participantJSON]
		decoded := p.expect("participants")
		if err := decodeJSON("application/json", page, &p, nil); err != nil {
			t.Fatal(err)
		}
		items, ok := decoded()
		if !ok || len(items) != 1000 {
			t.Fatal(ok, len(items))
		}
		for _, it := range items {
			_ = it.model()
		}
		runtime.ReadMemStats(&after)
		bytesPer = float64(after.TotalAlloc-before.TotalAlloc) / 1000
	})
	if per := allocs / 1000; per > 20 {
		t.Errorf("%.1f allocations per participant, budget 20", per)
	}
	if bytesPer > 4096 {
		t.Errorf("%.0f bytes allocated per participant, budget 4096", bytesPer)
	}
	t.Logf("%.1f allocations and %.0f bytes per participant", allocs/1000, bytesPer)
}

func participantsPage(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"participants":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(participantWith(callSID(i)))
	}
	buf.WriteString(`],"next_page_uri":null}`)
	return buf.Bytes()
}

// BenchmarkListParticipantsPage decodes a full page of 1000 participants, the
// console's largest poll.
func BenchmarkListParticipantsPage(b *testing.B) {
	page := participantsPage(1000)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		var p listPage[participantJSON]
		decoded := p.expect("participants")
		if err := decodeJSON("application/json", page, &p, nil); err != nil {
			b.Fatal(err)
		}
		if items, ok := decoded(); !ok || len(items) != 1000 {
			b.Fatal(ok, len(items))
		}
	}
}
