package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/api/sim"
)

// Known credentials, distinctive so that any trace of them is found.
const (
	leakAccount = "AC5ec7e75ec7e75ec7e75ec7e75ec7e75e"
	leakToken   = "t0kenS3CRETt0kenS3CRETt0kenS3CRE"
	leakKey     = "SK5ec7e75ec7e75ec7e75ec7e75ec7e75e"
	leakSecret  = "apiS3CRETapiS3CRETapiS3CRETapiS3"
	wrongToken  = "wr0ngS3CRETwr0ngS3CRETwr0ngS3CRE"
)

// lockedBuffer is a bytes.Buffer safe to read while the program writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]byte(nil), l.b.Bytes()...)
}

// secretForms is every shape a secret could leak in: as is, in the Basic
// auth header, and in part (a cut-off message).
func secretForms(secrets ...string) []string {
	var out []string
	for _, s := range secrets {
		out = append(out, s, s[:12], s[len(s)-12:])
	}
	for _, pair := range [][2]string{{leakAccount, leakToken}, {leakKey, leakSecret}, {leakAccount, wrongToken}} {
		out = append(out, base64.StdEncoding.EncodeToString([]byte(pair[0]+":"+pair[1])))
	}
	return out
}

// TestSecretsNeverLeak runs the whole program (run, as main does) against
// the simulator with known credentials, acts, opens the log view, and also
// provokes the error paths (a server that refuses connections, rejected
// credentials, a configuration error); then scans every byte the console
// printed (the screen and stderr), returned, wrote (the audit file) and the
// simulator logged, for the auth token and the API secret in any form.
func TestSecretsNeverLeak(t *testing.T) {
	var simLog lockedBuffer
	clock := sim.NewFakeClock(time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC))
	srv := sim.New(sim.WithClock(clock), sim.WithLogger(&simLog))
	if err := srv.AddAccount(leakAccount, leakToken); err != nil {
		t.Fatal(err)
	}
	if err := srv.AddAPIKey(leakAccount, leakKey, leakSecret); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"agent-7", "caller-2"} {
		if _, err := srv.JoinConnected(leakAccount, "Support bridge", sim.Join{Label: l}); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()

	dir := t.TempDir()
	tokenEnv := map[string]string{"TWILIO_ACCOUNT_SID": leakAccount, "TWILIO_AUTH_TOKEN": leakToken, "HOME": dir}
	keyEnv := map[string]string{"TWILIO_ACCOUNT_SID": leakAccount, "TWILIO_API_KEY": leakKey, "TWILIO_API_SECRET": leakSecret, "HOME": dir}
	wrongEnv := map[string]string{"TWILIO_ACCOUNT_SID": leakAccount, "TWILIO_AUTH_TOKEN": wrongToken, "HOME": dir}
	badEnv := map[string]string{"TWILIO_ACCOUNT_SID": "AC-not-a-sid", "TWILIO_AUTH_TOKEN": leakToken, "TWILIO_API_SECRET": leakSecret, "HOME": dir}
	tests := []struct {
		name  string
		env   map[string]string
		url   string
		wait  string   // what the screen shows before the keys are sent
		keys  []string // each sent after the screen shows the one before's effect
		after []string
		fails bool // run returns an error without starting the console
	}{
		{name: "auth token, act", env: tokenEnv, url: hs.URL, wait: "agent-7",
			keys: []string{"m", "L", "\x1b", "q"}, after: []string{"muted caller-2", "audit log", "", ""}},
		{name: "API key, act", env: keyEnv, url: hs.URL, wait: "agent-7",
			keys: []string{"m", "q"}, after: []string{"unmuted caller-2", ""}},
		{name: "refused connection", env: tokenEnv, url: closed, wait: "connection refused", keys: []string{"q"}, after: []string{""}},
		{name: "rejected credentials", env: wrongEnv, url: hs.URL, wait: "rejected the credentials", keys: []string{"q"}, after: []string{""}},
		{name: "configuration error", env: badEnv, url: hs.URL, fails: true},
	}
	auditPath := filepath.Join(dir, "audit.jsonl")
	var everything [][]byte
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string { return tc.env[k] }
			inR, inW := io.Pipe()
			defer inW.Close()
			var stdout, stderr lockedBuffer
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			done := make(chan error, 1)
			args := []string{"--api-url", tc.url, "--audit-log", auditPath, "--conference", "Support bridge", "--theme", "dark"}
			go func() { done <- run(ctx, args, getenv, inR, &stdout, &stderr) }()
			if tc.fails {
				err := <-done
				if err == nil {
					t.Fatal("want a configuration error")
				}
				everything = append(everything, []byte(err.Error()), []byte(fmt.Sprintf("%v %+v %#v", err, err, err)))
				everything = append(everything, stdout.Bytes(), stderr.Bytes())
				return
			}
			waitFor := func(what string) {
				t.Helper()
				deadline := time.Now().Add(10 * time.Second)
				for !bytes.Contains(stdout.Bytes(), []byte(what)) {
					if time.Now().After(deadline) {
						t.Fatalf("the screen never showed %q; it shows %q", what, stdout.Bytes())
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
			waitFor(tc.wait)
			for i, k := range tc.keys {
				if _, err := inW.Write([]byte(k)); err != nil {
					t.Fatal(err)
				}
				if tc.after[i] != "" {
					waitFor(tc.after[i])
				}
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the console did not quit")
			}
			everything = append(everything, stdout.Bytes(), stderr.Bytes())
		})
	}
	auditBytes, err := os.ReadFile(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(auditBytes, []byte(`"action":"mute"`)) {
		t.Errorf("the audit file should hold the actions sent: %s", auditBytes)
	}
	everything = append(everything, auditBytes, simLog.Bytes())

	// What a panic or a debug print of the configuration would show.
	cfg, err := api.ConfigFromEnv(func(k string) string { return tokenEnv[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg.APISecret = leakSecret
	client, err := api.New(api.Config{AccountSID: leakAccount, AuthToken: wrongToken, BaseURL: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, callErr := client.ListConferences(context.Background(), api.ConferenceFilter{})
	if !errors.Is(callErr, api.ErrUnauthorized) {
		t.Fatalf("want a 401, got %v", callErr)
	}
	everything = append(everything, []byte(fmt.Sprintf("%v %+v %#v %s %v %+v %#v", cfg, cfg, cfg, cfg, client, callErr, callErr)))

	leaked := func(b []byte) (string, int) {
		for _, s := range secretForms(leakToken, leakSecret, wrongToken) {
			if j := bytes.Index(b, []byte(s)); j >= 0 {
				return s, j
			}
		}
		return "", -1
	}
	// The scan itself must find a secret where there is one.
	if s, _ := leaked([]byte("Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(leakAccount+":"+leakToken)))); s == "" {
		t.Fatal("the scan misses a Basic auth header")
	}
	var total int
	for i, b := range everything {
		total += len(b)
		if s, j := leaked(b); j >= 0 {
			lo, hi := max(j-60, 0), min(j+len(s)+60, len(b))
			t.Errorf("output %d leaks %q: …%q…", i, s, b[lo:hi])
		}
	}
	if total < 5000 {
		t.Errorf("only %d bytes scanned: the console did not run as it should", total)
	}
	t.Logf("scanned %d bytes (%d outputs)", total, len(everything))
}
