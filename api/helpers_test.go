package api

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	testToken   = "tokenS3CRET0123456789abcdefTOKEN" // distinctive, so a leak is easy to grep
	testKey     = "SK0123456789abcdef0123456789abcdef"
	testSecret  = "apiSecretS3CRET0123456789abcdefX"
	testConf    = "CF0123456789abcdef0123456789abcdef"
	testCall    = "CA0123456789abcdef0123456789abcdef"
	testCall2   = "CAfedcba9876543210fedcba9876543210"
	testRec     = "RE0123456789abcdef0123456789abcdef"
)

// seen is one request as the test server received it.
type seen struct {
	Method      string
	Path        string // decoded
	EscapedPath string // as sent
	RawQuery    string
	Query       url.Values
	Form        url.Values // the POST body, parsed
	Body        string
	Header      http.Header
}

// recorder is an httptest handler that records every request and answers
// with respond (a 200 {} when nil).
type recorder struct {
	mu      sync.Mutex
	reqs    []seen
	respond func(w http.ResponseWriter, r *http.Request, n int) // n counts from 1
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, seen{
		Method: r.Method, Path: r.URL.Path, EscapedPath: r.URL.EscapedPath(),
		RawQuery: r.URL.RawQuery, Query: r.URL.Query(), Form: form, Body: string(body),
		Header: r.Header.Clone(),
	})
	n := len(rec.reqs)
	rec.mu.Unlock()
	if rec.respond == nil {
		writeJSON(w, http.StatusOK, "{}")
		return
	}
	rec.respond(w, r, n)
}

func (rec *recorder) all() []seen {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]seen(nil), rec.reqs...)
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.reqs)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Twilio-Request-Id", "RQ0123456789abcdef0123456789abcdef")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// fakeTime replaces sleeping and randomness so retries run instantly and
// their waits can be asserted.
type fakeTime struct {
	mu     sync.Mutex
	sleeps []time.Duration
}

func (f *fakeTime) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.sleeps = append(f.sleeps, d)
	f.mu.Unlock()
	return ctx.Err()
}

func (f *fakeTime) all() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// fixedNow is the clock the tests' clients see.
func fixedNow() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) }

// newTestClient starts a server with h and returns a client for it whose
// sleeps are recorded, not slept. The random source returns 0.5.
func newTestClient(t *testing.T, h http.Handler, mod ...func(*Config)) (*Client, *fakeTime, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg := Config{AccountSID: testAccount, AuthToken: testToken, BaseURL: srv.URL, Version: "1.2.3"}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ft := &fakeTime{}
	c.sleep = ft.sleep
	c.rand = func() float64 { return 0.5 }
	c.now = fixedNow
	return c, ft, srv
}

// noLeak fails the test when s carries a secret in any form.
func noLeak(t *testing.T, what, s string) {
	t.Helper()
	for _, sec := range []string{testToken, testSecret, "S3CRET",
		base64.StdEncoding.EncodeToString([]byte(testAccount + ":" + testToken)),
		base64.StdEncoding.EncodeToString([]byte(testKey + ":" + testSecret))} {
		if strings.Contains(s, sec) {
			t.Errorf("%s leaks a secret: %q", what, s)
		}
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
