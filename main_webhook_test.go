package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/api/live"
	"confconsole/api/sim"
	"confconsole/api/webhook"
	"confconsole/ui"
)

const (
	hookAccount = "AC" + "0123456789abcdef0123456789abcdef"
	hookToken   = "h00kt0kenh00kt0kenh00kt0kenh00kt"
	hookConf    = "Ops bridge"
)

// TestWebhookFlagsRefusedAtStart: webhook flags that cannot work stop the
// console before it starts, saying what is wrong and what to do.
func TestWebhookFlagsRefusedAtStart(t *testing.T) {
	dir := t.TempDir()
	cli := filepath.Join(dir, ".twilio-cli")
	if err := os.MkdirAll(cli, 0o700); err != nil {
		t.Fatal(err)
	}
	profile := `{"profiles":{"ops":{"accountSid":"` + hookAccount + `","apiKey":"SK0123456789abcdef0123456789abcdef","apiSecret":"s3cretS3CRETs3cretS3CRETs3cretS3"}},"activeProject":"ops"}`
	if err := os.WriteFile(filepath.Join(cli, "config.json"), []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}
	tokenEnv := map[string]string{"TWILIO_ACCOUNT_SID": hookAccount, "TWILIO_AUTH_TOKEN": hookToken, "HOME": dir, "XDG_CONFIG_HOME": dir}
	keyEnv := map[string]string{"TWILIO_ACCOUNT_SID": hookAccount, "TWILIO_API_KEY": "SK0123456789abcdef0123456789abcdef", "TWILIO_API_SECRET": "s3cretS3CRETs3cretS3CRETs3cretS3", "HOME": dir, "XDG_CONFIG_HOME": dir}
	profileEnv := map[string]string{"HOME": dir, "XDG_CONFIG_HOME": dir}
	const api = "http://127.0.0.1:1"
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"a URL without a listen address", tokenEnv, []string{"--webhook-url", "https://hooks.example.com/twilio"}, `need --webhook-listen`},
		{"a listen address without a URL", tokenEnv, []string{"--webhook-listen", "127.0.0.1:0"}, `needs --webhook-url, the public URL Twilio posts to`},
		{"a listen address that is not one", tokenEnv, []string{"--webhook-listen", "8443", "--webhook-url", "https://hooks.example.com/"}, `--webhook-listen "8443" is not host:port`},
		{"a URL that is not absolute", tokenEnv, []string{"--webhook-listen", "127.0.0.1:0", "--webhook-url", "hooks.example.com"}, `--webhook-url: .*absolute http:// or https:// URL`},
		{"forwarding to itself", tokenEnv, []string{"--webhook-listen", "127.0.0.1:0", "--webhook-url", "https://h.example.com/", "--webhook-forward", "https://h.example.com/"}, `same URL as --webhook-url`},
		{"an API key and no auth token", keyEnv, []string{"--webhook-listen", "127.0.0.1:0", "--webhook-url", "https://hooks.example.com/"}, `need TWILIO_AUTH_TOKEN: .*an API key cannot check them`},
		{"a twilio-cli profile and no auth token", profileEnv, []string{"--profile", "ops", "--webhook-listen", "127.0.0.1:0", "--webhook-url", "https://hooks.example.com/"}, `need TWILIO_AUTH_TOKEN: .*twilio-cli profile "ops" holds only an API key; set TWILIO_AUTH_TOKEN`},
		{"a reconcile interval that is too fast", tokenEnv, []string{"--reconcile", "500ms"}, `--reconcile 500ms is too fast: use at least 1s`},
		{"a reconcile interval under the refresh", tokenEnv, []string{"--refresh", "10s", "--reconcile", "5s"}, `--reconcile 5s is shorter than --refresh 10s`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			getenv := func(k string) string { return tc.env[k] }
			args := append([]string{"--api-url", api}, tc.args...)
			if tc.env["HOME"] != "" && tc.env["TWILIO_ACCOUNT_SID"] == "" {
				args = tc.args // a profile's own API host
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := run(ctx, args, getenv, strings.NewReader(""), &stdout, &stderr)
			if err == nil {
				t.Fatal("started")
			}
			if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
				t.Errorf("error %q, want %s", err, tc.want)
			}
			var u usageError
			if !errors.As(err, &u) {
				t.Errorf("%v is not a usage error (exit 2)", err)
			}
			if stdout.Len() != 0 {
				t.Errorf("wrote %q to the terminal before refusing", stdout.String())
			}
		})
	}
}

// polls counts the participant lists the simulator has answered.
func (w *hookWorld) polls() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lists
}

// hookWorld is a simulator with one live conference, its participant
// creates recorded, and a forward target recording what it is sent.
type hookWorld struct {
	srv     *sim.Server
	apiURL  string
	confSID string

	mu       sync.Mutex
	creates  []url.Values // POST .../Participants.json forms, as the simulator got them
	lists    int          // GET .../Participants.json: the polls
	forwards []url.Values // what --webhook-forward delivered, with a valid signature
	forged   int          // forwarded copies whose signature did not check
	fwdURL   string
}

func newHookWorld(t *testing.T) *hookWorld {
	t.Helper()
	w := &hookWorld{srv: sim.New()}
	if err := w.srv.AddAccount(hookAccount, hookToken); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"alice", "bob"} { // a conference starts with two
		if _, err := w.srv.JoinConnected(hookAccount, hookConf, sim.Join{Label: who}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range w.srv.Conferences(hookAccount) {
		w.confSID = c.SID
	}
	api := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Participants.json") {
			w.mu.Lock()
			w.lists++
			w.mu.Unlock()
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Participants.json") {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			v, _ := url.ParseQuery(string(body))
			w.mu.Lock()
			w.creates = append(w.creates, v)
			w.mu.Unlock()
		}
		w.srv.ServeHTTP(rw, r)
	}))
	t.Cleanup(api.Close)
	w.apiURL = api.URL
	fwd := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		r.ParseForm() //nolint:errcheck // a bad form fails the signature
		w.mu.Lock()
		defer w.mu.Unlock()
		if webhook.ValidSignature(hookToken, w.fwdURL, r.PostForm, r.Header.Get("X-Twilio-Signature")) {
			w.forwards = append(w.forwards, r.PostForm)
		} else {
			w.forged++
		}
		rw.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(fwd.Close)
	w.fwdURL = fwd.URL + "/forwarded"
	return w
}

func (w *hookWorld) env(k string) string {
	return map[string]string{"TWILIO_ACCOUNT_SID": hookAccount, "TWILIO_AUTH_TOKEN": hookToken}[k]
}

// freeAddr is a loopback address nothing listens on, for --webhook-listen.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// console is confconsole run() on a pipe and a buffer, as the tests type.
type console struct {
	t    *testing.T
	in   *io.PipeWriter
	out  *lockedBuffer
	done chan error
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]`)

func startConsole(t *testing.T, args []string, getenv func(string) string) *console {
	t.Helper()
	inR, inW := io.Pipe()
	c := &console{t: t, in: inW, out: &lockedBuffer{}, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { c.done <- run(ctx, args, getenv, inR, c.out, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		inW.Close()
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			t.Error("the console did not stop within 10s of its context ending")
		}
	})
	return c
}

// screen is everything drawn so far, without escape sequences.
func (c *console) screen() string { return ansi.ReplaceAllString(string(c.out.Bytes()), "") }

func (c *console) waitFor(what string) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(c.screen(), what) {
		if time.Now().After(deadline) {
			c.t.Fatalf("%q never drawn; screen so far:\n%s", what, c.screen())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (c *console) typeText(s string) {
	c.t.Helper()
	if _, err := c.in.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// waitUntil polls cond for up to 10s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// signedPost posts params to target as Twilio would, signed with token
// for the public URL.
func signedPost(t *testing.T, target, public, token string, params url.Values) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(params.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", webhook.Signature(token, public, params))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestConsoleReceiverChecksSignatures: the receiver run() starts on
// --webhook-listen takes a callback signed with the account's auth token
// for --webhook-url, and refuses a forged one.
func TestConsoleReceiverChecksSignatures(t *testing.T) {
	w := newHookWorld(t)
	addr := freeAddr(t)
	public := "https://hooks.example.com/twilio/conference"
	c := startConsole(t, []string{"--api-url", w.apiURL, "--audit-log", "-", "--webhook-listen", addr, "--webhook-url", public}, w.env)
	c.waitFor(hookConf)
	target := "http://" + addr + "/twilio/conference"
	event := url.Values{
		"AccountSid": {hookAccount}, "ConferenceSid": {w.confSID}, "FriendlyName": {hookConf},
		"StatusCallbackEvent": {"conference-start"}, "SequenceNumber": {"1"}, "Timestamp": {time.Now().UTC().Format(http.TimeFormat)},
	}
	if got := signedPost(t, target, public, hookToken, event); got != http.StatusNoContent {
		t.Errorf("a signed callback got %d, want 204", got)
	}
	event.Set("SequenceNumber", "2")
	if got := signedPost(t, target, public, "f0rgedf0rgedf0rgedf0rgedf0rgedf0", event); got != http.StatusForbidden {
		t.Errorf("a forged callback got %d, want 403", got)
	}
	if got := signedPost(t, target, "http://"+addr+"/twilio/conference", hookToken, event); got != http.StatusForbidden {
		t.Errorf("a callback signed for the listen address, not the public URL, got %d, want 403", got)
	}
}

// TestConsoleSubscribesWhatItAdds: with webhooks, the add form's request
// names the webhook as the conference's status callback for every event,
// so a conference the console starts reports to it; without, it does not.
func TestConsoleSubscribesWhatItAdds(t *testing.T) {
	for _, withHook := range []bool{true, false} {
		t.Run(fmt.Sprintf("webhook %v", withHook), func(t *testing.T) {
			w := newHookWorld(t)
			addr := freeAddr(t)
			public := "http://" + addr + "/cb"
			args := []string{"--api-url", w.apiURL, "--audit-log", "-", "--conference", hookConf}
			if withHook {
				args = append(args, "--webhook-listen", addr, "--webhook-url", public)
			}
			c := startConsole(t, args, w.env)
			c.waitFor("alice")
			c.typeText("n")
			c.waitFor("Label")
			c.typeText("+15005550100\t+15005550006\x13")
			waitUntil(t, "the participant create", func() bool {
				w.mu.Lock()
				defer w.mu.Unlock()
				return len(w.creates) > 0
			})
			w.mu.Lock()
			got := w.creates[0]
			w.mu.Unlock()
			if !withHook {
				if got.Has("ConferenceStatusCallback") || got.Has("ConferenceStatusCallbackEvent") {
					t.Errorf("without webhooks the add subscribed: %v", got)
				}
				return
			}
			if cb := got.Get("ConferenceStatusCallback"); cb != public {
				t.Errorf("ConferenceStatusCallback %q, want %q (form %v)", cb, public, got)
			}
			if ev := got["ConferenceStatusCallbackEvent"]; !slices.Equal(ev, ui.ConferenceEvents()) {
				t.Errorf("ConferenceStatusCallbackEvent %q, want every event %q", ev, ui.ConferenceEvents())
			}
		})
	}
}

// TestTypedAnnouncementEndToEnd: with webhooks, text typed in the announce
// prompt becomes a single-use URL the simulator fetches (signed, as Twilio
// does), and its announcement-end reaches the receiver (seen here through
// --webhook-forward, which re-sends what the receiver accepted). The URL
// cannot be read twice.
func TestTypedAnnouncementEndToEnd(t *testing.T) {
	w := newHookWorld(t)
	addr := freeAddr(t)
	public := "http://" + addr + "/hook"
	c := startConsole(t, []string{"--api-url", w.apiURL, "--audit-log", "-", "--conference", hookConf,
		"--webhook-listen", addr, "--webhook-url", public, "--webhook-forward", w.fwdURL}, w.env)
	c.waitFor("alice")
	if err := w.srv.Subscribe(hookAccount, w.confSID, public, ui.ConferenceEvents()...); err != nil {
		t.Fatal(err)
	}
	c.typeText("A")
	c.waitFor("or text to say")
	c.typeText("Wrapping up in <5> minutes & thanks\r")
	var end url.Values
	waitUntil(t, "announcement-end forwarded", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, f := range w.forwards {
			if ev := f.Get("StatusCallbackEvent"); ev == "announcement-end" || ev == "announcement-fail" {
				end = f
				return true
			}
		}
		return false
	})
	if ev := end.Get("StatusCallbackEvent"); ev != "announcement-end" {
		t.Fatalf("the announcement ended with %s (%s), want announcement-end", ev, end.Get("ReasonAnnouncementFailed"))
	}
	u := end.Get("AnnounceUrl")
	if !strings.HasPrefix(u, public+"/announce/") {
		t.Fatalf("AnnounceUrl %q is not a typed announcement under %s", u, public)
	}
	w.mu.Lock()
	forged := w.forged
	w.mu.Unlock()
	if forged > 0 {
		t.Errorf("%d forwarded copies were not signed for the forward URL", forged)
	}
	again := url.Values{"AccountSid": {hookAccount}, "CallSid": {"CA0123456789abcdef0123456789abcdef"}}
	if got := signedPost(t, u, u, hookToken, again); got != http.StatusNotFound {
		t.Errorf("reading the announcement a second time got %d, want 404", got)
	}
}

// TestTypedAnnouncementNeedsWebhook: without webhooks, text in the announce
// prompt is refused with what to do, and nothing is sent.
func TestTypedAnnouncementNeedsWebhook(t *testing.T) {
	w := newHookWorld(t)
	c := startConsole(t, []string{"--api-url", w.apiURL, "--audit-log", "-", "--conference", hookConf}, w.env)
	c.waitFor("alice")
	c.typeText("A")
	c.waitFor("Announce to everyone")
	c.typeText("Wrapping up\r")
	c.waitFor("an announcement needs a URL")
	c.waitFor("--webhook-url")
	if strings.Contains(c.screen(), "announced") {
		t.Errorf("something was announced:\n%s", c.screen())
	}
}

// TestServeStartsItsReceiver: confconsole serve --demo --webhook-listen
// serves the receiver beside SSH, refuses a forged callback, and subscribes
// the demo's conferences to it: their events arrive and are forwarded.
func TestServeStartsItsReceiver(t *testing.T) {
	dir := t.TempDir()
	ops := filepath.Join(dir, "operators")
	if err := os.WriteFile(ops, []byte("# none yet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_STATE_HOME": filepath.Join(dir, "state"), "XDG_CONFIG_HOME": dir, "HOME": dir}
	var mu sync.Mutex
	var events []string
	fwd := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		r.ParseForm() //nolint:errcheck // an empty event is still counted
		mu.Lock()
		events = append(events, r.PostForm.Get("StatusCallbackEvent"))
		mu.Unlock()
		rw.WriteHeader(http.StatusNoContent)
	}))
	defer fwd.Close()
	stdout := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--operators", ops, "--listen", "127.0.0.1:0",
			"--webhook-listen", "127.0.0.1:0", "--webhook-forward", fwd.URL + "/app"}, func(k string) string { return env[k] }, strings.NewReader(""), stdout, io.Discard)
	}()
	defer func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve stopped with %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop within 10s of its context ending")
		}
	}()
	var addr string
	waitUntil(t, "the receiver's address on stdout", func() bool {
		m := regexp.MustCompile(`status callbacks on (127\.0\.0\.1:\d+), for (\S+)`).FindSubmatch(stdout.Bytes())
		if m != nil {
			addr = string(m[1])
		}
		return m != nil
	})
	event := url.Values{"AccountSid": {hookAccount}, "ConferenceSid": {"CF0123456789abcdef0123456789abcdef"}, "StatusCallbackEvent": {"conference-start"}, "SequenceNumber": {"1"}}
	if got := signedPost(t, "http://"+addr+"/", "http://"+addr+"/", "f0rgedf0rgedf0rgedf0rgedf0rgedf0", event); got != http.StatusForbidden {
		t.Errorf("a forged callback got %d, want 403", got)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(events)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no demo event reached the receiver (and its forward target) in 20s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWebhookStopLeavesNothing: stopping the receiver (with a forwarder and
// the demo's subscriber running, and a client holding a request open)
// returns within its bound, closes the port and leaves no goroutine.
func TestWebhookStopLeavesNothing(t *testing.T) {
	before := runtime.NumGoroutine()
	w := newHookWorld(t)
	hub := live.New(nil, live.Options{Interval: time.Hour})
	defer hub.Close()
	cfg := api.Config{AccountSID: hookAccount, AuthToken: hookToken}
	f := webhook.Flags{Listen: "127.0.0.1:0", Forward: w.fwdURL}
	r, err := startWebhooks(context.Background(), f, cfg, hub, w.srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr := r.addr.String()
	tr := &http.Transport{DisableKeepAlives: true}
	cl := &http.Client{Transport: tr}
	event := url.Values{"AccountSid": {hookAccount}, "ConferenceSid": {w.confSID}, "StatusCallbackEvent": {"conference-start"}, "SequenceNumber": {"1"}}
	req, _ := http.NewRequest(http.MethodPost, r.hook.URL, strings.NewReader(event.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", webhook.Signature(hookToken, r.hook.URL, event))
	resp, err := cl.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("a signed callback got %d", resp.StatusCode)
	}
	waitUntil(t, "the event forwarded", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return len(w.forwards) > 0
	})
	// A client that sends headers and never the body it announced.
	held, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	fmt.Fprintf(held, "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAccount", addr)
	time.Sleep(50 * time.Millisecond) // let the server take the connection

	stopped := make(chan struct{})
	go func() {
		r.stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("stopping the receiver did not return within 5s with a request held open")
	}
	if c, err := net.Dial("tcp", addr); err == nil {
		c.Close()
		t.Error("the receiver's port still accepts connections after stop")
	}
	hub.Close()
	tr.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()
	if n := settleGoroutines(before + 2); n > before+2 { // the test's own servers' listeners
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after stop, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// settleGoroutines waits (boundedly: it measures nothing) for the goroutine
// count to fall to at most want, and returns the count it saw last.
func settleGoroutines(want int) int {
	n := runtime.NumGoroutine()
	for end := time.Now().Add(5 * time.Second); n > want && time.Now().Before(end); n = runtime.NumGoroutine() {
		time.Sleep(10 * time.Millisecond)
	}
	return n
}

// TestReconcileReachesTheLiveState: --reconcile is the wait between polls
// of a conference while its events arrive (connect hands it to the live
// state): after an event, the next poll is due a reconcile interval later,
// not a refresh.
func TestReconcileReachesTheLiveState(t *testing.T) {
	w := newHookWorld(t)
	_, hub, err := connect(api.Config{AccountSID: hookAccount, AuthToken: hookToken, BaseURL: w.apiURL}, time.Second, 40*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	sub, err := hub.WatchRoom(ctx, w.confSID)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	var sent time.Time
	for snap := range sub.Updates() {
		switch {
		case sent.IsZero() && !snap.Poll.Updated.IsZero():
			sent = time.Now()
			hub.ApplyCallback(webhook.Callback(webhook.Event{ConferenceSID: w.confSID, Name: "conference-start", Timestamp: sent}))
		case !sent.IsZero() && snap.Poll.Updated.After(sent):
			if wait := snap.Poll.Next.Sub(snap.Poll.Updated); wait < 30*time.Second {
				t.Errorf("with events arriving the next poll is due in %v, want the --reconcile of 40s", wait)
			}
			return
		}
	}
	t.Fatal("no poll after the event")
}
