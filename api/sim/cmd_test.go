package sim

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/netip"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to write from the server's goroutines
// while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startMain runs Main with args until the test ends and returns its output
// once the banner is printed.
func startMain(t *testing.T, args ...string) (stdout, stderr *syncBuffer, stop func() error) {
	t.Helper()
	return startMainWith(t, nil, args...)
}

// startMainWith is startMain with mainWith's local.
func startMainWith(t *testing.T, local func(netip.Addr) bool, args ...string) (stdout, stderr *syncBuffer, stop func() error) {
	t.Helper()
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mainWith(ctx, args, stdout, stderr, local) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "try:") {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("Main returned early: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no banner; stdout %q stderr %q", stdout.String(), stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Error("Main did not stop after its context ended")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stdout, stderr, stop
}

func bannerField(t *testing.T, out, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^  ` + name + `\s+(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %q in banner:\n%s", name, out)
	}
	return m[1]
}

// TestMainServesAndStops: Main prints its URL and generated credentials,
// serves a request, logs it without the token, and stops on cancel.
func TestMainServesAndStops(t *testing.T) {
	stdout, stderr, stop := startMain(t, "--listen", "127.0.0.1:0", "--seed", "5")
	out := stdout.String()
	base := bannerField(t, out, "base URL")
	sid := bannerField(t, out, "account SID")
	token := bannerField(t, out, "auth token")
	if !accountSIDPattern.MatchString(sid) || len(token) != 32 || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("banner:\n%s", out)
	}
	req, _ := http.NewRequest("GET", base+"/2010-04-01/Accounts/"+sid+"/Conferences.json", nil)
	req.SetBasicAuth(sid, token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Count(string(body), `"status":"in-progress"`) != 3 {
		t.Fatalf("%d: %s", resp.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("Main returned %v", err)
	}
	log := stderr.String()
	if !regexp.MustCompile(`(?m)^GET /2010-04-01/Accounts/` + sid + `/Conferences\.json 200 \S+$`).MatchString(log) {
		t.Errorf("no request line in the log:\n%s", log)
	}
	if strings.Contains(log, token) {
		t.Error("the log shows the auth token")
	}
	if !strings.Contains(stdout.String(), "stopped") {
		t.Errorf("no stop message: %s", stdout.String())
	}
}

// TestMainWithGivenCredentials: credentials from flags are used and not
// echoed; an API key works; the demo can be turned off; faults apply.
func TestMainWithGivenCredentials(t *testing.T) {
	stdout, stderr, stop := startMain(t, "--listen", "127.0.0.1:0", "--no-demo",
		"--account-sid", testAccount, "--auth-token", testToken, "--api-key", testKey,
		"--fault", "429x1,retry-after=1s", "--latency", "1ms", "--quiet",
		"--no-answer", "+14155550199", "--ring-time", "0", "--queue-time", "0", "--connect-time", "0")
	out := stdout.String()
	if strings.Contains(out, testToken) {
		t.Errorf("banner echoes the given token:\n%s", out)
	}
	secret := bannerField(t, out, "API secret")
	base := bannerField(t, out, "base URL")
	get := func(user, pass string) (int, string) { return get2(t, base+confsPath(), user, pass) }
	if code, _ := get(testAccount, testToken); code != 429 {
		t.Errorf("first request %d, want the injected 429", code)
	}
	if code, body := get(testKey, secret); code != 200 || !strings.Contains(body, `"conferences":[]`) {
		t.Errorf("API key: %d %s", code, body)
	}
	// --no-answer: the number rings (for its 60s Timeout, on the real clock).
	req, _ := http.NewRequest("POST", base+partsPath("room"), strings.NewReader("To=%2B14155550199&From=%2B15005550006&Label=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(testAccount, testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	conf := regexp.MustCompile(`"conference_sid":"(CF[0-9a-f]{32})"`).FindStringSubmatch(string(b))
	if conf == nil {
		t.Fatalf("create: %s", b)
	}
	if code, body := get2(t, base+partPath(conf[1], "x"), testAccount, testToken); code != 200 || !strings.Contains(body, `"status":"ringing"`) {
		t.Errorf("no-answer number: %d %s", code, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if stderr.String() != "" {
		t.Errorf("--quiet still logged: %q", stderr.String())
	}
}

// TestMainRejectsBadFlags: each gives an error saying what was wrong.
func TestMainRejectsBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--fault", "teapot"}, "unknown kind"},
		{[]string{"--speed", "0"}, "--speed"},
		{[]string{"--api-secret", "x"}, "--api-key"},
		{[]string{"--account-sid", "AC1"}, "32 hex"},
		{[]string{"--api-key", "SK1"}, "32 hex"},
		{[]string{"--listen", "256.0.0.1:99999"}, "listen"},
		{[]string{"extra"}, "unexpected arguments"},
		{[]string{"--nope"}, "not defined"},
		{[]string{"--no-answer", "555"}, "E.164"},
		{[]string{"--no-answer", "+15551234567"}, "not a valid phone number"},
		{[]string{"--callbacks-to", "hooks.example.net,https://hooks.example.net/cb"}, "not a host"},
		{[]string{"--callbacks-to", "hooks.example.net:https"}, "a port is a number"},
	}
	var usage bytes.Buffer
	if err := Main(context.Background(), []string{"--help"}, io.Discard, &usage); err != nil || !strings.Contains(usage.String(), "-listen") {
		t.Errorf("--help: err %v, usage %q", err, usage.String())
	}
	for _, want := range []string{"429, 500, 503, 504, truncated", "-callbacks-to hosts", "only loopback addresses are called"} {
		if !strings.Contains(usage.String(), want) {
			t.Errorf("--help lacks %q:\n%s", want, usage.String())
		}
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := Main(context.Background(), append([]string{"--listen", "127.0.0.1:0"}, tc.args...), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func get2(t *testing.T, url, user, pass string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestBannerTryLineWorksInAShell runs the banner's "try:" command line through
// sh, with curl replaced by a function that prints its arguments, and sends
// the request those arguments make: pasted into a terminal, the line must
// reach the simulator with the right credentials, whether the token was made
// up (and shown) or given on the command line (and read from
// $TWILIO_AUTH_TOKEN, as the line says).
func TestBannerTryLineWorksInAShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to run the banner's command line")
	}
	tests := []struct {
		name string
		args []string
	}{
		{"generated token", nil},
		{"given token", []string{"--account-sid", testAccount, "--auth-token", testToken}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, _, _ := startMain(t, append([]string{"--listen", "127.0.0.1:0", "--no-demo", "--quiet"}, tc.args...)...)
			out := stdout.String()
			_, after, _ := strings.Cut(out, "try:\n")
			line, _, _ := strings.Cut(after, "\n")
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "curl ") {
				t.Fatalf("no curl line after try: in\n%s", out)
			}
			cmd := exec.Command(sh, "-c", `curl() { for a in "$@"; do printf '%s\n' "$a"; done; }; `+line)
			cmd.Env = []string{"PATH=/usr/bin:/bin", "TWILIO_AUTH_TOKEN=" + testToken}
			printed, err := cmd.Output()
			if err != nil {
				t.Fatalf("sh -c %q: %v", line, err)
			}
			argv := strings.Split(strings.TrimSpace(string(printed)), "\n")
			if len(argv) != 3 || argv[0] != "-u" {
				t.Fatalf("curl got %q, want -u USER:PASS URL", argv)
			}
			user, pass, _ := strings.Cut(argv[1], ":")
			if code, body := get2(t, argv[2], user, pass); code != 200 {
				t.Errorf("the banner's request (user %q, password %q) answered %d %s", user, pass, code, body)
			}
		})
	}
}
