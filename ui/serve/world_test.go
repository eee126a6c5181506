package serve_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"confconsole/api"
	"confconsole/api/sim"
	"confconsole/ui"
	"confconsole/ui/serve"
)

const (
	simAccount = "AC00000000000000000000000000000001"
	simToken   = "0123456789abcdef0123456789abcdef"
	demoRoom   = "support-escalations" // a conference of the demo scenario
)

// syncBuffer is a bytes.Buffer safe to write from other goroutines.
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	notify chan struct{} // when set, told (without blocking) of every write
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.notify != nil {
		select {
		case b.notify <- struct{}{}:
		default:
		}
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// world is a confconsole serve on loopback, its consoles talking to the
// simulator (the demo scenario, real time) through one client.
type world struct {
	t         testing.TB
	srv       *serve.Server
	addr      string
	simLog    *syncBuffer // one line per request the simulator got
	opsPath   string
	auditPath string
	serverLog *syncBuffer
	keys      map[string]gossh.Signer
	// postGate, when set, is called for every POST before the simulator
	// sees it (a test holds actions in flight with it).
	postGate func()
}

func newSigner(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authorizedLine(role string, s gossh.Signer, name string) string {
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey()))) + " " + name
	if role != "" {
		line = `role="` + role + `" ` + line
	}
	return line + "\n"
}

// newWorld starts the server; wrap, when given, stands between its listener
// and the server (a test that needs the server's connections made a certain
// way).
func newWorld(t testing.TB, mod func(*serve.Config), gate func(), wrap ...func(net.Listener) net.Listener) *world {
	t.Helper()
	dir := t.TempDir()
	w := &world{t: t, simLog: &syncBuffer{}, serverLog: &syncBuffer{}, keys: map[string]gossh.Signer{},
		opsPath: filepath.Join(dir, "operators"), auditPath: filepath.Join(dir, "audit.jsonl"), postGate: gate}
	// alice moderates, bob monitors, carol moderates; eve's key is in no file.
	for _, p := range []string{"alice", "bob", "carol", "eve"} {
		w.keys[p] = newSigner(t)
	}
	ops := "# the test's operators\n\n" + authorizedLine("moderator", w.keys["alice"], "alice") +
		authorizedLine("", w.keys["bob"], "bob") + authorizedLine("moderator", w.keys["carol"], "carol")
	if err := os.WriteFile(w.opsPath, []byte(ops), 0o600); err != nil {
		t.Fatal(err)
	}

	simSrv := sim.New(sim.WithLogger(w.simLog), sim.WithSeed(3))
	if err := simSrv.AddAccount(simAccount, simToken); err != nil {
		t.Fatal(err)
	}
	stop, err := sim.StartDemo(simSrv, simAccount, 3)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && w.postGate != nil {
			w.postGate()
		}
		simSrv.ServeHTTP(rw, r)
	}))
	t.Cleanup(hs.Close)
	client, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	auditFor, closeAudit := serve.OpenAudit(w.auditPath)
	t.Cleanup(func() { closeAudit() }) //nolint:errcheck // records were synced as written
	cfg := serve.Config{
		OperatorsPath: w.opsPath,
		HostKey:       newSigner(t),
		Service:       client,
		Console: ui.Options{
			Keys: testKeyMap(), Refresh: time.Second, Demo: true, Theme: "dark", AccountSID: simAccount,
		},
		Audit: auditFor,
		Log:   w.serverLog,
	}
	if mod != nil {
		mod(&cfg)
	}
	w.srv, err = serve.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.addr = ln.Addr().String()
	for _, f := range wrap {
		ln = f(ln)
	}
	served := make(chan error, 1)
	go func() { served <- w.srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := w.srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return w
}

// writes are the requests the simulator got that were not reads.
func (w *world) writes() []string {
	var out []string
	for _, l := range strings.Split(w.simLog.String(), "\n") {
		if l != "" && !strings.HasPrefix(l, "GET ") {
			out = append(out, l)
		}
	}
	return out
}

// dial logs in as who with their key.
func (w *world) dial(who string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	if auth == nil {
		auth = []gossh.AuthMethod{gossh.PublicKeys(w.keys[who])}
	}
	return gossh.Dial("tcp", w.addr, &gossh.ClientConfig{
		User: who, Auth: auth, HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
}

// terminal is one operator's SSH session with a pty, as a terminal would
// open it.
type terminal struct {
	t      testing.TB
	client *gossh.Client
	sess   *gossh.Session
	in     io.WriteCloser
	out    *syncBuffer
	ended  chan error
}

type termOpts struct {
	term    string
	env     map[string]string
	command string // the conference to open; empty for the list
	cols    int
	rows    int
	noSize  bool // the pty is asked for with no size (0x0), as ssh -tt from a script does
}

func (w *world) open(who string, o termOpts) *terminal {
	w.t.Helper()
	c, err := w.dial(who)
	if err != nil {
		w.t.Fatalf("%s logs in: %v", who, err)
	}
	return openOn(w.t, c, o)
}

func openOn(t testing.TB, c *gossh.Client, o termOpts) *terminal {
	t.Helper()
	if o.term == "" {
		o.term = "xterm-256color"
	}
	if o.cols == 0 && !o.noSize {
		o.cols, o.rows = 120, 30
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range o.env {
		if err := s.Setenv(k, v); err != nil {
			t.Fatalf("setenv %s: %v", k, err)
		}
	}
	if err := s.RequestPty(o.term, o.rows, o.cols, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		t.Fatal(err)
	}
	tm := &terminal{t: t, client: c, sess: s, out: &syncBuffer{}, ended: make(chan error, 1)}
	s.Stdout, s.Stderr = tm.out, tm.out
	if tm.in, err = s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if o.command != "" {
		err = s.Start(o.command)
	} else {
		err = s.Shell()
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() { tm.ended <- s.Wait() }()
	t.Cleanup(func() { c.Close() })
	return tm
}

// text is everything the session printed so far, escape sequences removed.
func (tm *terminal) text() string { return ansi.Strip(tm.out.String()) }

// waitFor waits until the session has printed something matching re.
func (tm *terminal) waitFor(what string, re *regexp.Regexp) {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !re.MatchString(tm.text()) {
		if time.Now().After(deadline) {
			tm.t.Fatalf("waited for %s; the session printed:\n%s", what, tail(tm.text(), 3000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// since waits for re in what the session prints after mark.
func (tm *terminal) mark() int { return len(tm.out.String()) }

func (tm *terminal) waitAfter(mark int, what string, re *regexp.Regexp) {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		all := tm.out.String()
		if mark > len(all) {
			mark = len(all)
		}
		if re.MatchString(ansi.Strip(all[mark:])) {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("waited for %s; the session printed since:\n%s", what, tail(ansi.Strip(all[mark:]), 3000))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (tm *terminal) send(keys ...string) {
	tm.t.Helper()
	for _, k := range keys {
		if _, err := io.WriteString(tm.in, k); err != nil {
			tm.t.Fatalf("send %q: %v", k, err)
		}
		// One key per read, as a person types: a burst is one paste.
		time.Sleep(15 * time.Millisecond)
	}
}

// waitEnd waits for the session to end and returns its exit error.
func (tm *terminal) waitEnd(within time.Duration) error {
	tm.t.Helper()
	select {
	case err := <-tm.ended:
		return err
	case <-time.After(within):
		tm.t.Fatalf("the session did not end within %v; it printed:\n%s", within, tail(tm.text(), 2000))
		return nil
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func (w *world) String() string { return fmt.Sprintf("serve on %s", w.addr) }
