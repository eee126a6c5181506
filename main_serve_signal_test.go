package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"confconsole/api/sim"
)

// TestServeSecondSignalStopsAtOnce: the first SIGTERM lets a moderator's
// action in flight finish (up to the stop wait, 15 s); a second one, as an
// administrator pressing ctrl+c again, cuts the sessions off at once, as it
// does for the console.
func TestServeSecondSignalStopsAtOnce(t *testing.T) {
	const account, token = "AC00000000000000000000000000000001", "0123456789abcdef0123456789abcdef"
	simSrv := sim.New(sim.WithSeed(3))
	if err := simSrv.AddAccount(account, token); err != nil {
		t.Fatal(err)
	}
	stopDemo, err := sim.StartDemo(simSrv, account, 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopDemo)
	posted, release := make(chan struct{}, 4), make(chan struct{})
	var once sync.Once
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posted <- struct{}{}
			<-release // Twilio never answers while the test runs
		}
		simSrv.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	t.Cleanup(func() { once.Do(func() { close(release) }) }) // first: Close waits for the held request

	dir := t.TempDir()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	ops := filepath.Join(dir, "operators")
	line := `role="moderator" ` + strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key.PublicKey()))) + " alice\n"
	if err := os.WriteFile(ops, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TWILIO_ACCOUNT_SID": account, "TWILIO_AUTH_TOKEN": token,
		"XDG_STATE_HOME": filepath.Join(dir, "state"), "XDG_CONFIG_HOME": dir, "HOME": dir}
	sigs := make(chan os.Signal, 2)
	stdout, stderr := &lockedBuffer{}, &lockedBuffer{}
	ended := make(chan error, 1)
	go func() {
		ended <- runServe(context.Background(), sigs, []string{"--api-url", hs.URL, "--operators", ops,
			"--listen", "127.0.0.1:0", "--audit-log", "-", "--refresh", "1s"}, func(k string) string { return env[k] }, stdout, stderr)
	}()
	waitFor := func(what string, b *lockedBuffer, re *regexp.Regexp) []string {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if m := re.FindStringSubmatch(string(b.Bytes())); m != nil {
				return m
			}
		}
		t.Fatalf("waited for %s; it said:\n%s", what, b.Bytes())
		return nil
	}
	addr := waitFor("the server listening", stdout, regexp.MustCompile(`listening on (\S+)`))[1]

	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm", 30, 120, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	screen := &lockedBuffer{}
	sess.Stdout, sess.Stderr = screen, screen
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Start("support-escalations"); err != nil {
		t.Fatal(err)
	}
	waitFor("the room", screen, regexp.MustCompile(`connected`))
	if _, err := in.Write([]byte("m")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-posted:
	case <-time.After(10 * time.Second):
		t.Fatal("the mute never reached Twilio")
	}

	sigs <- syscall.SIGTERM
	waitFor("the console waiting for its action", screen, regexp.MustCompile(`server stopping: waiting up to 10s for 1 action`))
	sent := time.Now()
	sigs <- syscall.SIGTERM
	// Without the second signal the console would give up on its own
	// after its quit wait, and the server end with no session cut off:
	// the words tell the two apart, not a stopwatch (a loaded machine is
	// slow). The bound below only ends a broken run.
	select {
	case err := <-ended:
		t.Logf("the second signal stopped the server after %v", time.Since(sent).Round(time.Millisecond))
		if err == nil || !strings.Contains(err.Error(), "cut off") {
			t.Errorf("serve ended with %v, want the sessions cut off said", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the server was still stopping 60 s after a second signal; it said:\n%s", stderr.Bytes())
	}
}
