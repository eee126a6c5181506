package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/api/live"
)

// TestConnectSharesOneGate checks that the client connect makes sends every
// attempt through the live state's gate: a 429 that the client gets on a
// call of its own (not one the live state sent) pauses the whole account,
// so the client's retries and everyone else's requests wait it out.
func TestConnectSharesOneGate(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"code":20429,"message":"Too Many Requests","status":429}`))
	}))
	defer srv.Close()
	cfg := api.Config{
		AccountSID: "AC" + strings.Repeat("0", 31) + "1", AuthToken: strings.Repeat("f", 32),
		BaseURL: srv.URL, Retry: api.RetryPolicy{MaxAttempts: 1},
	}
	client, hub, err := connect(cfg, 2*time.Second, live.DefaultReconcile)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	before := time.Now()
	if _, err := client.ListConferences(t.Context(), api.ConferenceFilter{}); err == nil {
		t.Fatal("the throttled list succeeded")
	}
	if hits.Load() != 1 {
		t.Fatalf("%d requests, want 1", hits.Load())
	}
	if until := hub.Gate().PausedUntil(); until.Before(before.Add(25 * time.Second)) {
		t.Errorf("after the client's own 429 (Retry-After 30) the account's gate is paused until %v, want about 30s from now", until)
	}
}
