package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// errAny marks a table row that must fail without naming a sentinel.
var errAny = errors.New("any error")

func TestParseRetryAfter(t *testing.T) {
	now := fixedNow()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"3", 3 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true}, // a date in the past: retry now
		{"99999999999", 24 * time.Hour, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffFullJitter(t *testing.T) {
	p := RetryPolicy{}.withDefaults() // base 250ms, max 4s
	tests := []struct {
		n    int
		rnd  float64
		want time.Duration
	}{
		{0, 0, 0},
		{0, 0.5, 125 * time.Millisecond},
		{0, 0.999999, 249999750 * time.Nanosecond},
		{1, 0.5, 250 * time.Millisecond},
		{2, 0.5, 500 * time.Millisecond},
		{4, 0.5, 2 * time.Second},
		{5, 0.5, 2 * time.Second}, // capped at MaxDelay
		{40, 0.5, 2 * time.Second},
		{1000, 0.999, 3996 * time.Millisecond},
		{1, 1.5, 0}, // a broken random source cannot stretch the wait
		{1, -1, 0},
	}
	for _, tt := range tests {
		if got := p.backoff(tt.n, func() float64 { return tt.rnd }); got != tt.want {
			t.Errorf("backoff(%d, %v) = %v, want %v", tt.n, tt.rnd, got, tt.want)
		}
	}
}

// scripted answers request n with the n-th step (the last step repeats).
func scripted(steps ...func(w http.ResponseWriter, r *http.Request)) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		if n > len(steps) {
			n = len(steps)
		}
		steps[n-1](w, r)
	}
}

func status(code int, retryAfter string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeJSON(w, code, twilioError(20000+code, code, http.StatusText(code)))
	}
}

func ok(body string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) }
}

// dropped closes the connection without answering, after reading the request.
func dropped(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func TestRetries(t *testing.T) {
	dateIn3s := fixedNow().Add(3 * time.Second).Format(http.TimeFormat)
	read := func(ctx context.Context, c *Client) error {
		_, err := c.FetchParticipant(ctx, testConf, testCall)
		return err
	}
	create := func(ctx context.Context, c *Client) error {
		_, err := c.CreateParticipant(ctx, "room", CreateParticipant{From: "+15005550006", To: "+15005550001"})
		return err
	}
	update := func(ctx context.Context, c *Client) error {
		_, err := c.UpdateParticipant(ctx, testConf, testCall, UpdateParticipant{Hold: Bool(true)})
		return err
	}
	remove := func(ctx context.Context, c *Client) error { return c.DeleteParticipant(ctx, testConf, testCall) }
	tests := []struct {
		name     string
		call     func(context.Context, *Client) error
		steps    []func(http.ResponseWriter, *http.Request)
		policy   RetryPolicy
		requests int
		sleeps   []time.Duration
		wantErr  error // nil: success; errAny: fails, no particular sentinel
	}{
		{"read: 429 Retry-After seconds, then success", read,
			[]func(http.ResponseWriter, *http.Request){status(429, "2"), status(429, "2"), ok(participantBody)}, RetryPolicy{},
			3, []time.Duration{2 * time.Second, 2 * time.Second}, nil},
		{"read: 503 Retry-After as an HTTP date", read,
			[]func(http.ResponseWriter, *http.Request){status(503, dateIn3s), ok(participantBody)}, RetryPolicy{},
			2, []time.Duration{3 * time.Second}, nil},
		{"read: 500s back off exponentially with jitter", read,
			[]func(http.ResponseWriter, *http.Request){status(500, ""), status(502, ""), status(504, ""), ok(participantBody)}, RetryPolicy{},
			4, []time.Duration{125 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond}, nil},
		{"read: dropped connection is retried", read,
			[]func(http.ResponseWriter, *http.Request){dropped, ok(participantBody)}, RetryPolicy{},
			2, []time.Duration{125 * time.Millisecond}, nil},
		{"read: gives up after MaxAttempts", read,
			[]func(http.ResponseWriter, *http.Request){status(503, "")}, RetryPolicy{MaxAttempts: 3},
			3, []time.Duration{125 * time.Millisecond, 250 * time.Millisecond}, errAny},
		{"read: a Retry-After past the budget ends the retries", read,
			[]func(http.ResponseWriter, *http.Request){status(429, "60")}, RetryPolicy{},
			1, nil, ErrRateLimited},
		{"read: the budget bounds the total wait", read,
			[]func(http.ResponseWriter, *http.Request){status(429, "4")}, RetryPolicy{MaxAttempts: 10, MaxWait: 10 * time.Second},
			3, []time.Duration{4 * time.Second, 4 * time.Second}, ErrRateLimited},
		{"read: MaxAttempts 1 disables retries", read,
			[]func(http.ResponseWriter, *http.Request){status(503, "")}, RetryPolicy{MaxAttempts: 1},
			1, nil, errAny},
		{"read: 501 is not retried", read,
			[]func(http.ResponseWriter, *http.Request){status(501, "")}, RetryPolicy{},
			1, nil, errAny},
		{"read: 404 is not retried", read,
			[]func(http.ResponseWriter, *http.Request){status(404, "")}, RetryPolicy{},
			1, nil, ErrNotFound},
		{"create: 500 is sent exactly once", create,
			[]func(http.ResponseWriter, *http.Request){status(500, ""), ok(participantBody)}, RetryPolicy{},
			1, nil, errAny},
		{"create: a dropped connection is sent exactly once", create,
			[]func(http.ResponseWriter, *http.Request){dropped, ok(participantBody)}, RetryPolicy{},
			1, nil, errAny},
		{"create: 503 with Retry-After is still sent once", create,
			[]func(http.ResponseWriter, *http.Request){status(503, "1"), ok(participantBody)}, RetryPolicy{},
			1, nil, errAny},
		{"create: 429 is retried (Twilio did not process it)", create,
			[]func(http.ResponseWriter, *http.Request){status(429, "1"), ok(participantBody)}, RetryPolicy{},
			2, []time.Duration{time.Second}, nil},
		{"update: 502 is sent exactly once", update,
			[]func(http.ResponseWriter, *http.Request){status(502, ""), ok(participantBody)}, RetryPolicy{},
			1, nil, errAny},
		{"update: 429 without Retry-After backs off", update,
			[]func(http.ResponseWriter, *http.Request){status(429, ""), ok(participantBody)}, RetryPolicy{},
			2, []time.Duration{125 * time.Millisecond}, nil},
		{"delete: dropped connection is sent exactly once", remove,
			[]func(http.ResponseWriter, *http.Request){dropped, ok("")}, RetryPolicy{},
			1, nil, errAny},
		{"delete: 429 is retried", remove,
			[]func(http.ResponseWriter, *http.Request){status(429, "0"), func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }}, RetryPolicy{},
			2, []time.Duration{0}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{respond: scripted(tt.steps...)}
			c, ft, _ := newTestClient(t, rec, func(cfg *Config) { cfg.Retry = tt.policy })
			var info ResponseInfo
			err := tt.call(WithResponseInfo(ctxT(t), &info), c)
			if n := rec.count(); n != tt.requests {
				t.Errorf("%d requests reached the server, want %d", n, tt.requests)
			}
			if got := ft.all(); !reflect.DeepEqual(got, tt.sleeps) && !(len(got) == 0 && len(tt.sleeps) == 0) {
				t.Errorf("slept %v, want %v", got, tt.sleeps)
			}
			if info.Attempts != tt.requests {
				t.Errorf("info.Attempts %d, want %d", info.Attempts, tt.requests)
			}
			switch {
			case tt.wantErr == nil && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != nil && err == nil:
				t.Errorf("no error")
			case tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Errorf("error %v is not %v", err, tt.wantErr)
			}
			if err != nil {
				noLeak(t, "error", err.Error())
			}
		})
	}
}

// TestSleepInterrupted: a context that ends during a backoff stops the
// retries and the error says both what failed and why it stopped.
func TestSleepInterrupted(t *testing.T) {
	rec := &recorder{respond: scripted(status(503, ""))}
	c, _, _ := newTestClient(t, rec)
	ctx, cancel := context.WithCancel(context.Background())
	c.sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	_, err := c.ListParticipants(ctx, testConf, ParticipantFilter{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Status != 503 || rec.count() != 1 {
		t.Errorf("error %+v after %d requests", e, rec.count())
	}
	if !strings.Contains(err.Error(), "HTTP 503") || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("message %q", err)
	}
}

// TestDeadlineShorterThanRetryAfter: no point sleeping past the caller's
// deadline; the client gives up at once with the rate-limit error.
func TestDeadlineShorterThanRetryAfter(t *testing.T) {
	rec := &recorder{respond: scripted(status(429, "5"))}
	c, ft, _ := newTestClient(t, rec)
	c.now = time.Now
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := c.FetchConference(ctx, testConf)
	if !errors.Is(err, ErrRateLimited) || rec.count() != 1 || len(ft.all()) != 0 {
		t.Errorf("got %v after %d requests and sleeps %v", err, rec.count(), ft.all())
	}
}

// TestRealSleepHonoursContext runs the real sleep function.
func TestRealSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleepCtx on a cancelled context: %v", err)
	}
	if err := sleepCtx(context.Background(), time.Millisecond); err != nil {
		t.Errorf("sleepCtx: %v", err)
	}
}

// TestLogfNeverLeaks collects the debug log over retries and failures.
func TestLogfNeverLeaks(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}
	rec := &recorder{respond: scripted(status(503, ""), func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(400)
		w.Write([]byte(r.Header.Get("Authorization") + " " + testToken))
	})}
	c, _, _ := newTestClient(t, rec, func(cfg *Config) { cfg.Logf = logf })
	c.FetchParticipant(ctxT(t), testConf, testCall)
	c.CreateParticipant(ctxT(t), "room", CreateParticipant{From: "a", To: "b", SipAuthPassword: "sipS3CRETpassword"})
	mu.Lock()
	defer mu.Unlock()
	if len(lines) < 3 {
		t.Fatalf("only %d log lines: %q", len(lines), lines)
	}
	joined := strings.Join(lines, "\n")
	noLeak(t, "log", joined)
	if strings.Contains(joined, "sipS3CRET") {
		t.Errorf("SIP password in the log")
	}
	if !strings.Contains(joined, "RQ0123456789abcdef0123456789abcdef") || !strings.Contains(joined, "retrying in 125ms") {
		t.Errorf("log lacks the request id or the retry: %s", joined)
	}
}

// TestErrorRetryAfter: when the client gives up on a 429, the error still
// says how long Twilio asked to wait, for the console's next poll.
func TestErrorRetryAfter(t *testing.T) {
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"60", time.Minute},
		{fixedNow().Add(45 * time.Second).Format(http.TimeFormat), 45 * time.Second},
		{"", 0},
	}
	for _, tt := range tests {
		rec := &recorder{respond: scripted(status(429, tt.header))}
		c, _, _ := newTestClient(t, rec, func(cfg *Config) { cfg.Retry.MaxAttempts = 1 })
		_, err := c.FetchConference(ctxT(t), testConf)
		var e *Error
		if !errors.As(err, &e) || e.RetryAfter() != tt.want {
			t.Errorf("Retry-After %q: got %v from %v", tt.header, e.RetryAfter(), err)
		}
		var ra interface{ RetryAfter() time.Duration }
		if !errors.As(err, &ra) {
			t.Errorf("the error does not offer RetryAfter through errors.As")
		}
	}
}
