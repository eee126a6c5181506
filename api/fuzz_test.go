package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// fuzzCall is a call on a real client, for feeding handle() responses built
// in memory.
func fuzzCall(t testing.TB) *call {
	c, err := New(Config{AccountSID: testAccount, AuthToken: testToken})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := c.begin(context.Background(), OpFetchParticipant, "agent-7")
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func response(status int, contentType string, body []byte) *http.Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: -1}
}

// addSeeds feeds the published examples and a few broken shapes.
func addSeeds(f *testing.F, glob string) {
	files, _ := filepath.Glob(filepath.Join("testdata", "examples", glob))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"", "{", "null", "[]", `{"muted":"maybe"}`, `{"queue_time":1e308}`, `{"date_created":"Fri, 99 Feb 2011 99:99:99 +9999"}`,
		`{"participants":null}`, `{"conferences":[null,1,"x"]}`, `{"next_page_uri":"//x"}`, "\xff\xfe"} {
		f.Add([]byte(s))
	}
}

// checkClean: what an error prints is one terminal-safe line.
func checkClean(t *testing.T, err error) {
	if err == nil {
		return
	}
	msg := err.Error()
	for _, r := range msg {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf) {
			t.Fatalf("control character %U in %q", r, msg)
		}
	}
	if strings.Contains(msg, testToken) {
		t.Fatalf("secret in %q", msg)
	}
}

func FuzzDecodeParticipant(f *testing.F) {
	addSeeds(f, "*participant.*.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		cl := fuzzCall(t)
		var w participantJSON
		if e := cl.handle(response(200, "application/json", body), &w); e != nil {
			checkClean(t, e)
			return
		}
		p := w.model()
		if p.QueueTime < 0 {
			t.Fatalf("negative queue time %v", p.QueueTime)
		}
	})
}

func FuzzDecodeConference(f *testing.F) {
	addSeeds(f, "*conference.*.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		cl := fuzzCall(t)
		var w conferenceJSON
		if e := cl.handle(response(200, "application/json", body), &w); e != nil {
			checkClean(t, e)
			return
		}
		_ = w.model()
	})
}

func FuzzListEnvelope(f *testing.F) {
	addSeeds(f, "list_*.json")
	f.Fuzz(func(t *testing.T, body []byte) {
		cl := fuzzCall(t)
		fuzzList(t, cl, body, "participants", participantJSON.model)
		fuzzList(t, cl, body, "conferences", conferenceJSON.model)
		fuzzList(t, cl, body, "recordings", recordingJSON.model)
	})
}

// fuzzList decodes body as a page of the list under key, as listAll does.
func fuzzList[W, M any](t *testing.T, cl *call, body []byte, key string, conv func(W) M) {
	var page listPage[W]
	decoded := page.expect(key)
	if e := cl.handle(response(200, "application/json", body), &page); e != nil {
		checkClean(t, e)
		return
	}
	items, _ := decoded()
	for _, w := range items {
		_ = conv(w)
	}
	if _, err := cl.urlFor(page.NextPageURI); err != nil {
		checkClean(t, cl.fail(err))
	}
}

func FuzzErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`,
		`{"code":20003,"detail":"Your AccountSid or AuthToken was incorrect.","message":"Authenticate","status":401}`,
		`{"code":"20404"}`, `{"message":null}`, `<html><title>502</title></html>`, "", "{\"code\":1,\"message\":\"\x1b[2J\"}",
		`{"code": 20404, "mess`, "\u202e\u0000\r\n",
	} {
		f.Add(404, []byte(s))
	}
	f.Add(429, []byte(`{"code":20429,"message":"Too Many Requests"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 300 || status > 599 {
			status = 300 + (status%300+300)%300
		}
		cl := fuzzCall(t)
		e := cl.handle(response(status, "application/json", body), nil)
		if e == nil {
			t.Fatalf("HTTP %d gave no error", status)
		}
		checkClean(t, e)
		if e.Status != status {
			t.Fatalf("status %d, want %d", e.Status, status)
		}
	})
}
