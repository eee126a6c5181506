package serve_test

import (
	"errors"
	"io"
	"net"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"confconsole/ui/serve"
)

var (
	listShown = regexp.MustCompile(`in-progress`)
	roomShown = regexp.MustCompile(`(?m)^▶.*(connected|ringing)`)
)

// TestLogin: the operators file's keys get a console; any other key, a
// password or keyboard-interactive answers do not.
func TestLogin(t *testing.T) {
	w := newWorld(t, nil, nil)
	answers := gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })
	for _, tc := range []struct {
		name string
		who  string
		auth []gossh.AuthMethod
		ok   bool
	}{
		{"a moderator's key", "alice", nil, true},
		{"a monitor's key", "bob", nil, true},
		{"an unknown key", "eve", nil, false},
		{"a password", "alice", []gossh.AuthMethod{gossh.Password("alice")}, false},
		{"keyboard-interactive", "alice", []gossh.AuthMethod{answers}, false},
		{"an unknown key under a known name", "alice", []gossh.AuthMethod{gossh.PublicKeys(w.keys["eve"])}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := w.dial(tc.who, tc.auth...)
			if tc.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				tm := openOn(t, c, termOpts{})
				tm.waitFor("the conference list", listShown)
				return
			}
			if err == nil {
				c.Close()
				t.Fatal("logged in")
			}
			if !strings.Contains(err.Error(), "unable to authenticate") {
				t.Errorf("refused with %v, want an authentication failure", err)
			}
		})
	}
	if !strings.Contains(w.serverLog.String(), "refused key") {
		t.Errorf("the server's log does not mention the refused key:\n%s", w.serverLog)
	}
}

// TestNoTerminal: a session without a pty gets one line saying what to do,
// and is closed with a failure status.
func TestNoTerminal(t *testing.T) {
	w := newWorld(t, nil, nil)
	c, err := w.dial("alice")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.CombinedOutput(demoRoom)
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Errorf("exit: %v, want status 1", err)
	}
	if got := strings.TrimSpace(string(out)); got != "confconsole: the console needs a terminal; connect with ssh -t" {
		t.Errorf("said %q", got)
	}
	if n := w.srv.Sessions(); n != 0 {
		t.Errorf("%d sessions open", n)
	}
}

// TestMonitorSendsNothing: a monitor presses every key, in the list and in
// a room, with and without the add form and the confirmations; the
// simulator gets no write. A moderator's m on the same room is one write,
// and the monitor's screen shows it.
func TestMonitorSendsNothing(t *testing.T) {
	w := newWorld(t, nil, nil)
	bob := w.open("bob", termOpts{command: demoRoom})
	bob.waitFor("the room", roomShown)
	bob.waitFor("the monitor's badge", regexp.MustCompile(`READ-ONLY.*bob \(monitor\)`))

	var keys []string
	for c := byte(0x20); c < 0x7f; c++ {
		if c == 'q' || c == 'Q' {
			continue
		}
		keys = append(keys, string(c))
	}
	// The form, the confirmations and the ways to answer them.
	for _, seq := range [][]string{
		{"n", "+15550001111", "\r", "\r", "y"},
		{"E", "y"}, {"x", "y"}, {"P", "y"}, {"A", "hello\r", "y"},
		{"m", "\r"}, {"h", "\r"}, {"\x1b"},
	} {
		keys = append(keys, seq...)
	}
	for _, k := range keys {
		bob.send(k)
		if k == "\r" || k == "/" {
			bob.send("\x1b") // out of whatever opened, back to the room
		}
	}
	bob.send("\x1b", "\x1b") // to the list, where the same again
	for _, k := range keys {
		bob.send(k)
		bob.send("\x1b")
	}
	// Long enough for anything sent to have reached the simulator.
	time.Sleep(1500 * time.Millisecond)
	if got := w.writes(); len(got) != 0 {
		t.Fatalf("a monitor's keys wrote to Twilio:\n%s", strings.Join(got, "\n"))
	}

	// The control: the same kind of key from a moderator is sent.
	alice := w.open("alice", termOpts{command: demoRoom})
	alice.waitFor("the room", roomShown)
	mark := bob.mark()
	alice.send("m")
	deadline := time.Now().Add(10 * time.Second)
	for len(w.writes()) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := w.writes(); len(got) != 1 || !strings.HasPrefix(got[0], "POST ") {
		t.Fatalf("a moderator's m wrote %q, want one POST", got)
	}
	bob.send("\x1b") // back in the room it was showing
	bob.send("\r")
	bob.waitAfter(mark, "the mute on the monitor's screen", regexp.MustCompile(`muted`))
}

// TestCtrlZAndCtrlC: ctrl+z suspends nothing (the session keeps working);
// ctrl+c ends only its own session.
func TestCtrlZAndCtrlC(t *testing.T) {
	w := newWorld(t, nil, nil)
	alice := w.open("alice", termOpts{})
	carol := w.open("carol", termOpts{})
	alice.waitFor("the list", listShown)
	carol.waitFor("the list", listShown)
	alice.send("\x1a")
	mark := alice.mark()
	alice.send("?")
	alice.waitAfter(mark, "the help after ctrl+z", regexp.MustCompile(`(?i)help|quit`))
	carol.send("\x03")
	if err := carol.waitEnd(10 * time.Second); err != nil {
		t.Errorf("ctrl+c ended the session with %v", err)
	}
	mark = alice.mark()
	alice.send("\x1b", "c")
	alice.waitAfter(mark, "alice's console still answering", regexp.MustCompile(`completed`))
	if n := w.srv.Sessions(); n != 1 {
		t.Errorf("%d sessions open, want alice's", n)
	}
}

// TestLimits: a session over the operator's cap is refused with a message;
// an idle session is closed and told why.
func TestLimits(t *testing.T) {
	w := newWorld(t, func(c *serve.Config) {
		c.MaxPerOperator = 1
		c.IdleTimeout = 1500 * time.Millisecond
	}, nil)
	alice := w.open("alice", termOpts{})
	alice.waitFor("the list", listShown)
	second := w.open("alice", termOpts{})
	if err := second.waitEnd(10 * time.Second); err == nil {
		t.Error("a second session over the cap ended without a failure")
	}
	if !strings.Contains(second.text(), "you already have 1 session open") {
		t.Errorf("the refused session was told %q", second.text())
	}
	carol := w.open("carol", termOpts{})
	carol.waitFor("the list", listShown)
	for range 5 {
		carol.send("j") // carol keeps typing; alice does not
		time.Sleep(300 * time.Millisecond)
	}
	alice.waitEnd(10 * time.Second) //nolint:errcheck // the message says why
	if !strings.Contains(alice.text(), "closed after 1.5s without a key") {
		t.Errorf("the idle session was told:\n%s", tail(alice.text(), 300))
	}
	if w.srv.Sessions() != 1 {
		t.Errorf("%d sessions open, want carol's", w.srv.Sessions())
	}
}

// TestSessionsDoNotLeak: sessions that quit, and clients that vanish, leave
// no goroutine behind.
func TestSessionsDoNotLeak(t *testing.T) {
	w := newWorld(t, nil, nil)
	warm := w.open("alice", termOpts{})
	warm.waitFor("the list", listShown)
	warm.send("q")
	warm.waitEnd(10 * time.Second) //nolint:errcheck // quitting is the point
	warm.client.Close()
	settle := func(limit int) int {
		n := runtime.NumGoroutine()
		for deadline := time.Now().Add(10 * time.Second); n > limit && time.Now().Before(deadline); n = runtime.NumGoroutine() {
			time.Sleep(50 * time.Millisecond)
		}
		return n
	}
	base := settle(0)
	time.Sleep(200 * time.Millisecond)
	base = runtime.NumGoroutine()
	for i := range 6 {
		tm := w.open([]string{"alice", "carol"}[i%2], termOpts{command: demoRoom})
		tm.waitFor("the room", roomShown)
		if i%3 == 0 {
			tm.send("q")
			tm.waitEnd(10 * time.Second) //nolint:errcheck // quitting is the point
		}
		tm.client.Close() // the rest vanish mid-session
	}
	// A little slack for the HTTP client's idle connections.
	if n := settle(base + 4); n > base+4 {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines after the sessions ended, %d before:\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
	if n := w.srv.Sessions(); n != 0 {
		t.Errorf("%d sessions still counted", n)
	}
}

// TestLoginWait: a connection that never logs in is closed after
// LoginWait, even one that offered a key the file names and never proved
// it holds it; one that logs in stays past it.
func TestLoginWait(t *testing.T) {
	w := newWorld(t, func(c *serve.Config) { c.LoginWait = 500 * time.Millisecond }, nil)
	alice := w.open("alice", termOpts{})
	alice.waitFor("the list", listShown)

	silent, err := net.Dial("tcp", w.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	silent.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, silent); err != nil {
		t.Fatalf("the silent connection was not closed by the server: %v", err)
	}

	// A client offering a key the file names, then never proving it holds
	// it (public keys are public): not logged in, so closed just the same.
	raw, err := net.Dial("tcp", w.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	conn := &endNotingConn{Conn: raw, ended: make(chan struct{})}
	closedByServer := make(chan bool, 1)
	stall := &stallingSigner{pub: w.keys["alice"].PublicKey(), wait: func() {
		select {
		case <-conn.ended:
			closedByServer <- true
		case <-time.After(10 * time.Second):
			closedByServer <- false
		}
	}}
	go gossh.NewClientConn(conn, w.addr, &gossh.ClientConfig{ //nolint:errcheck // the point is that it fails
		User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(stall)}, HostKeyCallback: gossh.InsecureIgnoreHostKey(),
	})
	select {
	case closed := <-closedByServer:
		if !closed {
			t.Error("a client that offered a known key and never signed was not closed by the server in 10s")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the stalled client never reached its signature")
	}

	mark := alice.mark()
	alice.send("c")
	alice.waitAfter(mark, "alice's console still answering", regexp.MustCompile(`completed`))
}

// endNotingConn closes ended when a read finds the connection over.
type endNotingConn struct {
	net.Conn
	once  sync.Once
	ended chan struct{}
}

func (c *endNotingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		c.once.Do(func() { close(c.ended) })
	}
	return n, err
}

// stallingSigner offers a public key and, asked to prove it holds the
// private one, calls wait and then fails.
type stallingSigner struct {
	pub  gossh.PublicKey
	wait func()
}

func (s *stallingSigner) PublicKey() gossh.PublicKey { return s.pub }

func (s *stallingSigner) Sign(io.Reader, []byte) (*gossh.Signature, error) {
	s.wait()
	return nil, errors.New("no private key")
}
