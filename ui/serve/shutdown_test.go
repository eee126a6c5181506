package serve_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"confconsole/api/audit"
	"confconsole/ui/serve"
)

// auditLines reads the audit file's records.
func auditLines(t *testing.T, path string) []audit.Entry {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

// TestShutdownWithActionInFlight: the server stops while a moderator's mute
// is on its way to Twilio. The console says it waits and why, the mute is sent
// once, its result is audited under the operator's name and key, the
// session is told the server is stopping, and the stop is bounded: when
// Twilio never answers, StopWait ends it and the action is audited as
// unknown.
func TestShutdownWithActionInFlight(t *testing.T) {
	for _, tc := range []struct {
		name     string
		answer   bool // Twilio answers while the server waits
		stopWait time.Duration
		outcome  audit.Outcome
	}{
		{"the answer comes", true, 15 * time.Second, audit.OutcomeOK},
		{"the answer never comes", false, 2 * time.Second, audit.OutcomeUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arrived, release := make(chan struct{}, 8), make(chan struct{})
			var once sync.Once
			w := newWorld(t, func(c *serve.Config) { c.StopWait = tc.stopWait }, func() {
				arrived <- struct{}{}
				<-release
			})
			// After newWorld's: cleanups run last first, and the world's
			// close waits for the held request.
			t.Cleanup(func() { once.Do(func() { close(release) }) })
			alice := w.open("alice", termOpts{command: demoRoom})
			alice.waitFor("the room", roomShown)
			alice.send("m")
			select {
			case <-arrived:
			case <-time.After(10 * time.Second):
				t.Fatal("the mute never reached the simulator")
			}
			mark := alice.mark()
			start := time.Now()
			stopped := make(chan error, 1)
			go func() { stopped <- w.srv.Shutdown(context.Background()) }()
			alice.waitAfter(mark, "the console saying it waits", regexp.MustCompile(`server stopping: waiting up to 10s for 1 action \(q quits now\)`))
			if tc.answer {
				once.Do(func() { close(release) })
			}
			var err error
			select {
			case err = <-stopped:
			case <-time.After(tc.stopWait + 5*time.Second):
				t.Fatalf("Shutdown still running after %v", time.Since(start))
			}
			took := time.Since(start)
			if tc.answer && err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			if took > tc.stopWait+3*time.Second { // StopWait, then up to 2 s for the last audit writes
				t.Errorf("Shutdown took %v, bound %v", took, tc.stopWait)
			}
			alice.waitEnd(5 * time.Second) //nolint:errcheck // the message is the point
			if !strings.Contains(alice.text(), "the server is stopping; this session is closed") {
				t.Errorf("the session was not told the server is stopping:\n%s", tail(alice.text(), 400))
			}
			once.Do(func() { close(release) })

			fp := gossh.FingerprintSHA256(w.keys["alice"].PublicKey())
			var intents, results []audit.Entry
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				intents, results = nil, nil
				for _, e := range auditLines(t, w.auditPath) {
					if e.Phase == audit.PhaseIntent {
						intents = append(intents, e)
					} else {
						results = append(results, e)
					}
				}
				if len(results) > 0 || time.Now().After(deadline) {
					break
				}
			}
			if len(intents) != 1 || len(results) != 1 {
				t.Fatalf("audit: %d intents, %d results, want one of each", len(intents), len(results))
			}
			for _, e := range append(intents, results...) {
				if e.Operator != "alice" || e.KeyFingerprint != fp || e.SSHUser != "alice" {
					t.Errorf("audit %s: operator %q key %q ssh user %q, want alice %s", e.Phase, e.Operator, e.KeyFingerprint, e.SSHUser, fp)
				}
			}
			if results[0].Outcome != tc.outcome || results[0].ID != intents[0].ID {
				t.Errorf("result %+v, want outcome %s for %s", results[0], tc.outcome, intents[0].ID)
			}
			if n := len(w.writes()); n > 1 {
				t.Errorf("%d writes: the mute was sent more than once", n)
			}
		})
	}
}
