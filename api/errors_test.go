package api

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

func twilioError(code, status int, msg string) string {
	return `{"code":` + itoa(code) + `,"message":"` + msg + `","more_info":"https://www.twilio.com/docs/errors/` + itoa(code) +
		`","status":` + itoa(status) + `}`
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestErrorPaths drives every kind of failure through a read (fetch) and a
// write (update) and checks what the caller gets: the sentinel, the fields,
// the message, and how many requests were sent.
func TestErrorPaths(t *testing.T) {
	notFound := "The requested resource /2010-04-01/Accounts/" + testAccount + "/Conferences/" + testConf + "/Participants/agent-7.json was not found"
	type want struct {
		is         error // sentinel the error must match (nil: none checked)
		isNot      []error
		status     int
		code       int
		contains   []string
		readTries  int // requests a GET makes
		writeTries int // requests a POST makes
	}
	tests := []struct {
		name    string
		respond func(w http.ResponseWriter, r *http.Request)
		want    want
	}{
		{
			name: "401 unauthorized",
			respond: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 401, `{"code":20003,"detail":"Your AccountSid or AuthToken was incorrect.","message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`)
			},
			want: want{is: ErrUnauthorized, isNot: []error{ErrNotFound, ErrRateLimited}, status: 401, code: 20003,
				contains: []string{"twilio 20003 (HTTP 401): Authenticate: Your AccountSid or AuthToken was incorrect."}, readTries: 1, writeTries: 1},
		},
		{
			name:    "401 without a body",
			respond: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) },
			want:    want{is: ErrUnauthorized, status: 401, contains: []string{"HTTP 401 Unauthorized with an empty body"}, readTries: 1, writeTries: 1},
		},
		{
			name:    "403 forbidden",
			respond: func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 403, twilioError(20403, 403, "Forbidden")) },
			want:    want{is: ErrForbidden, status: 403, code: 20403, contains: []string{"twilio 20403 (HTTP 403): Forbidden"}, readTries: 1, writeTries: 1},
		},
		{
			name:    "404 not found",
			respond: func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 404, twilioError(20404, 404, notFound)) },
			want: want{is: ErrNotFound, isNot: []error{ErrUnauthorized}, status: 404, code: 20404,
				contains: []string{`participant "agent-7": twilio 20404 (HTTP 404): ` + notFound}, readTries: 1, writeTries: 1},
		},
		{
			name: "405 method not allowed",
			respond: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 405, twilioError(20004, 405, "Method not allowed"))
			},
			want: want{isNot: []error{ErrNotFound, ErrForbidden, ErrUnauthorized, ErrRateLimited}, status: 405, code: 20004,
				contains: []string{"twilio 20004 (HTTP 405): Method not allowed"}, readTries: 1, writeTries: 1},
		},
		{
			name: "400 validation error",
			respond: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 400, twilioError(21211, 400, "The 'To' number 5551234567 is not a valid phone number."))
			},
			want: want{status: 400, code: 21211, contains: []string{"twilio 21211 (HTTP 400)"}, readTries: 1, writeTries: 1},
		},
		{
			name: "429 with Retry-After: reads and writes retry, then give up",
			respond: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "1")
				writeJSON(w, 429, twilioError(20429, 429, "Too Many Requests"))
			},
			want: want{is: ErrRateLimited, status: 429, code: 20429, contains: []string{"twilio 20429 (HTTP 429): Too Many Requests"}, readTries: 4, writeTries: 4},
		},
		{
			name: "429 without Retry-After",
			respond: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 429, twilioError(20429, 429, "Too Many Requests"))
			},
			want: want{is: ErrRateLimited, status: 429, code: 20429, readTries: 4, writeTries: 4},
		},
		{
			name: "500 is retried for reads only",
			respond: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 500, twilioError(20500, 500, "Internal Server Error"))
			},
			want: want{status: 500, code: 20500, contains: []string{"twilio 20500 (HTTP 500)"}, readTries: 4, writeTries: 1},
		},
		{
			name: "503 HTML page from a proxy",
			respond: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(503)
				io.WriteString(w, "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\n\x1b[31m<body>\x07"+strings.Repeat("x", 5000)+"</body></html>")
			},
			want: want{status: 503, contains: []string{"HTTP 503 Service Unavailable: <html> <head><title>503 Service Temporarily Unavailable"}, readTries: 4, writeTries: 1},
		},
		{
			name:    "502 with an empty body",
			respond: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) },
			want:    want{status: 502, contains: []string{"HTTP 502 Bad Gateway with an empty body"}, readTries: 4, writeTries: 1},
		},
		{
			name: "truncated error JSON",
			respond: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 404, `{"code": 20404, "message": "The requested resource was no`)
			},
			want: want{is: ErrNotFound, status: 404, contains: []string{`HTTP 404 Not Found: {"code": 20404, "message": "The requested resource was no`}, readTries: 1, writeTries: 1},
		},
		{
			name:    "invalid JSON on success",
			respond: func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"call_sid": "CA`) },
			want:    want{is: ErrBadResponse, status: 200, contains: []string{"bad response from twilio: unexpected end of JSON input (HTTP 200)"}, readTries: 1, writeTries: 1},
		},
		{
			name:    "JSON that is not an object",
			respond: func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `[1,2,3]`) },
			want:    want{is: ErrBadResponse, status: 200, contains: []string{"not a JSON object"}, readTries: 1, writeTries: 1},
		},
		{
			name:    "empty body on success",
			respond: func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, ``) },
			want:    want{is: ErrBadResponse, status: 200, contains: []string{"the body is empty"}, readTries: 1, writeTries: 1},
		},
		{
			name: "wrong content type on success",
			respond: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				io.WriteString(w, "<html><body>Captive portal login</body></html>")
			},
			want: want{is: ErrBadResponse, status: 200, contains: []string{`content type is "text/html; charset=utf-8", not JSON: <html><body>Captive portal login`}, readTries: 1, writeTries: 1},
		},
		{
			name: "20 MB body",
			respond: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				chunk := []byte(strings.Repeat(" ", 64<<10))
				io.WriteString(w, `{"call_sid":"`)
				for i := 0; i < 20<<20/len(chunk); i++ {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
			want: want{is: ErrResponseTooLarge, status: 200, contains: []string{"larger than 5242880 bytes"}, readTries: 1, writeTries: 1},
		},
		{
			name: "20 MB body with a Content-Length",
			respond: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", itoa(20<<20))
				w.WriteHeader(200)
				io.WriteString(w, "{") // the client must not wait for the rest
			},
			want: want{is: ErrResponseTooLarge, status: 200, readTries: 1, writeTries: 1},
		},
		{
			name: "large HTML error page with a Content-Length",
			respond: func(w http.ResponseWriter, r *http.Request) {
				page := "<html><title>Internal error</title>" + strings.Repeat("<p>padding</p>", 20000) + "</html>"
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Length", itoa(len(page)))
				w.WriteHeader(500)
				io.WriteString(w, page)
			},
			want: want{status: 500, contains: []string{"HTTP 500 Internal Server Error: <html><title>Internal error</title><p>padding"}, readTries: 4, writeTries: 1},
		},
		{
			name: "echoed credentials are redacted",
			respond: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(400)
				io.WriteString(w, "bad request; you sent "+r.Header.Get("Authorization")+" token="+testToken)
			},
			want: want{status: 400, contains: []string{"you sent Basic [redacted] token=[redacted]"}, readTries: 1, writeTries: 1},
		},
		{
			name: "echoed credentials in a 200 are redacted",
			respond: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				io.WriteString(w, r.Header.Get("Authorization")+" "+testToken)
			},
			want: want{is: ErrBadResponse, status: 200, contains: []string{"Basic [redacted] [redacted]"}, readTries: 1, writeTries: 1},
		},
		{
			name: "control characters in Twilio's message",
			respond: func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 400, `{"code":21211,"message":"bad\u001b[2J\r\nnumber\u202e","status":400}`)
			},
			want: want{status: 400, code: 21211, contains: []string{"twilio 21211 (HTTP 400): bad [2J number"}, readTries: 1, writeTries: 1},
		},
	}
	ops := []struct {
		name  string
		call  func(context.Context, *Client) error
		tries func(want) int
		op    Operation
	}{
		{"read", func(ctx context.Context, c *Client) error {
			_, err := c.FetchParticipant(ctx, testConf, "agent-7")
			return err
		},
			func(w want) int { return w.readTries }, OpFetchParticipant},
		{"write", func(ctx context.Context, c *Client) error {
			_, err := c.UpdateParticipant(ctx, testConf, "agent-7", UpdateParticipant{Muted: Bool(true)})
			return err
		}, func(w want) int { return w.writeTries }, OpUpdateParticipant},
	}
	for _, tt := range tests {
		for _, op := range ops {
			t.Run(tt.name+"/"+op.name, func(t *testing.T) {
				rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) { tt.respond(w, r) }}
				c, _, _ := newTestClient(t, rec)
				var info ResponseInfo
				err := op.call(WithResponseInfo(ctxT(t), &info), c)
				if err == nil {
					t.Fatal("no error")
				}
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("%T is not *api.Error: %v", err, err)
				}
				if tt.want.is != nil && !errors.Is(err, tt.want.is) {
					t.Errorf("errors.Is(%v, %v) = false", err, tt.want.is)
				}
				for _, not := range tt.want.isNot {
					if errors.Is(err, not) {
						t.Errorf("errors.Is(%v, %v) = true", err, not)
					}
				}
				if e.Status != tt.want.status || e.Code != tt.want.code {
					t.Errorf("status %d code %d, want %d %d", e.Status, e.Code, tt.want.status, tt.want.code)
				}
				if e.Op != op.op || e.Target != "agent-7" {
					t.Errorf("op %q target %q", e.Op, e.Target)
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, string(op.op)+` "agent-7": `) {
					t.Errorf("message %q does not start with the operation", msg)
				}
				for _, w := range tt.want.contains {
					if !strings.Contains(msg, w) {
						t.Errorf("message %q\ndoes not contain %q", msg, w)
					}
				}
				if len(msg) > 600 {
					t.Errorf("message is %d bytes long", len(msg))
				}
				for _, r := range msg {
					if unicode.IsControl(r) || unicode.In(r, unicode.Cf) {
						t.Errorf("message has control character %U: %q", r, msg)
					}
				}
				noLeak(t, "error", msg)
				if n, want := rec.count(), op.tries(tt.want); n != want {
					t.Errorf("%d requests sent, want %d", n, want)
				}
				if e.Attempts != rec.count() || info.Attempts != rec.count() {
					t.Errorf("Error.Attempts %d, info.Attempts %d, want %d", e.Attempts, info.Attempts, rec.count())
				}
				if info.Status != tt.want.status || info.Operation != op.op {
					t.Errorf("info %+v", info)
				}
				if e.RequestID != info.RequestID || (e.Code != 0 && e.RequestID == "") {
					t.Errorf("request id %q, info %q: Twilio's replies carry one", e.RequestID, info.RequestID)
				}
			})
		}
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := New(Config{AccountSID: testAccount, AuthToken: testToken, BaseURL: "http://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	ft := &fakeTime{}
	c.sleep, c.rand = ft.sleep, func() float64 { return 0.5 }
	var info ResponseInfo
	_, err = c.ListParticipants(WithResponseInfo(ctxT(t), &info), testConf, ParticipantFilter{})
	var e *Error
	if !errors.As(err, &e) || e.Status != 0 || e.Op != OpListParticipants {
		t.Fatalf("got %#v", err)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("the transport error is not kept: %v", err)
	}
	if !strings.HasPrefix(err.Error(), `list participants "`+testConf+`": `) {
		t.Errorf("message %q", err)
	}
	if info.Attempts != 4 || len(ft.all()) != 3 || !e.Temporary() {
		t.Errorf("a refused read is retried: %d attempts, %d sleeps, temporary %v", info.Attempts, len(ft.all()), e.Temporary())
	}
	// A write to a server that is not there is not retried.
	_, err = c.UpdateParticipant(WithResponseInfo(ctxT(t), &info), testConf, testCall, UpdateParticipant{Muted: Bool(true)})
	if err == nil || info.Attempts != 1 {
		t.Errorf("write: %v after %d attempts", err, info.Attempts)
	}
	noLeak(t, "error", err.Error())
}

func TestContextTimeout(t *testing.T) {
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	tests := []struct {
		name    string
		respond func(w http.ResponseWriter, r *http.Request, n int)
	}{
		{"no answer", func(w http.ResponseWriter, r *http.Request, n int) {
			select {
			case <-r.Context().Done():
			case <-block:
			}
		}},
		{"slow trickling body", func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			io.WriteString(w, "{")
			for {
				if _, err := io.WriteString(w, " "); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-block:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{respond: tt.respond}
			c, _, _ := newTestClient(t, rec)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			_, err := c.FetchParticipant(ctx, testConf, testCall)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("got %v, want context.DeadlineExceeded", err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Op != OpFetchParticipant {
				t.Errorf("not wrapped with the operation: %v", err)
			}
			if rec.count() != 1 {
				t.Errorf("%d requests: a cancelled call must not retry", rec.count())
			}
		})
	}
}

func TestCancelledBeforeStart(t *testing.T) {
	rec := &recorder{}
	c, _, _ := newTestClient(t, rec)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.ListConferences(ctx, ConferenceFilter{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if rec.count() != 0 {
		t.Errorf("%d requests reached the server", rec.count())
	}
}

// failingTransport fails every request with err, counting them.
type failingTransport struct {
	err error
	n   *int
}

func (f failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	*f.n++
	return nil, f.err
}

// TestDNSFailure: a name that does not resolve is a transport error, kept
// for errors.As and retried for reads only.
func TestDNSFailure(t *testing.T) {
	dnsErr := &net.DNSError{Err: "no such host", Name: "api.nowhere.twilio.com", IsNotFound: true}
	n := 0
	c, err := New(Config{AccountSID: testAccount, AuthToken: testToken, Region: "nowhere",
		HTTPClient: &http.Client{Transport: failingTransport{dnsErr, &n}}})
	if err != nil {
		t.Fatal(err)
	}
	ft := &fakeTime{}
	c.sleep, c.rand = ft.sleep, func() float64 { return 0.5 }
	_, err = c.FetchConference(ctxT(t), testConf)
	var got *net.DNSError
	if !errors.As(err, &got) || !strings.Contains(err.Error(), "no such host") || n != 4 {
		t.Fatalf("read: %v after %d requests", err, n)
	}
	if !strings.HasPrefix(err.Error(), `fetch conference "`+testConf+`": `) {
		t.Errorf("message %q", err)
	}
	n = 0
	_, err = c.UpdateConference(ctxT(t), testConf, ConferenceUpdate{Status: "completed"})
	if !errors.As(err, &got) || n != 1 {
		t.Fatalf("write: %v after %d requests", err, n)
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{Op: OpUpdateParticipant, Target: "agent-7", Status: 404, Code: 20404, Message: "The requested resource was not found"},
			"twilio 20404 (HTTP 404): The requested resource was not found"},
		{Error{Op: OpFetchParticipant, Status: 502, Snippet: "<html>bad gateway</html>"}, "HTTP 502 Bad Gateway: <html>bad gateway</html>"},
		{Error{Op: OpFetchParticipant, Status: 503}, "HTTP 503 Service Unavailable with an empty body"},
		{Error{Op: OpFetchParticipant, Status: 200, Err: ErrBadResponse}, "bad response from twilio (HTTP 200)"},
		{Error{Op: OpFetchParticipant, Err: errors.New("dial tcp: connection refused\r\n")}, "dial tcp: connection refused"},
		{Error{Op: OpFetchParticipant}, "failed"},
		{Error{Op: OpFetchParticipant, Status: 429, Code: 20429, Message: "Too Many Requests", Err: context.Canceled},
			"twilio 20429 (HTTP 429): Too Many Requests (context canceled)"},
	}
	for _, tt := range tests {
		if got := tt.e.Summary(); got != tt.want {
			t.Errorf("Summary() = %q, want %q", got, tt.want)
		}
		if got := tt.e.Error(); !strings.HasSuffix(got, ": "+tt.want) || !strings.HasPrefix(got, string(tt.e.Op)) {
			t.Errorf("Error() = %q", got)
		}
	}
	e := Error{Op: OpUpdateParticipant, Target: "agent-7\x1b[2J", Status: 404, Code: 20404, Message: "gone"}
	if got, want := e.Error(), `update participant "agent-7\x1b[2J": twilio 20404 (HTTP 404): gone`; got != want {
		t.Errorf("Error() = %q, want %q (the target is quoted, escapes and all)", got, want)
	}
}

func TestTemporary(t *testing.T) {
	tests := []struct {
		e    Error
		want bool
	}{
		{Error{Status: 429}, true},
		{Error{Status: 503}, true},
		{Error{Status: 404}, false},
		{Error{Status: 401}, false},
		{Error{Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, true},
		{Error{Err: context.DeadlineExceeded}, true},
		{Error{Err: context.Canceled}, false},
		{Error{Err: ErrInvalidArgument}, false},
		{Error{Err: ErrConfig}, false},
		{Error{}, false},
	}
	for _, tt := range tests {
		if got := tt.e.Temporary(); got != tt.want {
			t.Errorf("%+v: Temporary() = %v", tt.e, got)
		}
	}
}

// TestAttemptTimeout: an attempt that outlives the HTTP client's own timeout
// is a transport failure; a read tries again, and the error says timeout.
func TestAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		writeJSON(w, 200, conferenceBody)
	}}
	c, ft, _ := newTestClient(t, rec, func(cfg *Config) { cfg.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond} })
	if _, err := c.FetchConference(ctxT(t), testConf); err != nil {
		t.Fatalf("read after one timed-out attempt: %v", err)
	}
	if rec.count() != 2 || len(ft.all()) != 1 {
		t.Errorf("%d requests, %d waits", rec.count(), len(ft.all()))
	}
	_, err := c.UpdateConference(ctxT(t), testConf, ConferenceUpdate{Status: "completed"})
	if err != nil {
		t.Fatalf("update: %v", err) // the server answers promptly from the second request on
	}
	rec2 := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}}
	c2, _, _ := newTestClient(t, rec2, func(cfg *Config) { cfg.HTTPClient = &http.Client{Timeout: 50 * time.Millisecond} })
	_, err = c2.UpdateConference(ctxT(t), testConf, ConferenceUpdate{Status: "completed"})
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || rec2.count() != 1 {
		t.Errorf("a timed-out write: %v after %d requests; want one timeout", err, rec2.count())
	}
}

func TestCreateErrorNamesTheParticipant(t *testing.T) {
	rec := &recorder{respond: func(w http.ResponseWriter, r *http.Request, n int) {
		writeJSON(w, 400, twilioError(21217, 400, "The 'To' number does not appear to be valid."))
	}}
	c, _, _ := newTestClient(t, rec)
	tests := []struct {
		p    CreateParticipant
		want string
	}{
		{CreateParticipant{From: "+15005550006", To: "+15005550001", Label: "agent-7"}, `create participant "agent-7": twilio 21217 (HTTP 400)`},
		{CreateParticipant{From: "+15005550006", To: "+15005550001"}, `create participant "+15005550001": twilio 21217 (HTTP 400)`},
	}
	for _, tt := range tests {
		_, err := c.CreateParticipant(ctxT(t), "room", tt.p)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("got %v, want it to start %q", err, tt.want)
		}
	}
}
