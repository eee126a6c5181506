package serve_test

import (
	"io"
	"net"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"confconsole/ui/serve"
)

// smallSendBuffers makes the server's side of every connection keep only a
// few kilobytes unsent, so a client that stops reading stalls the server's
// writes at once instead of after megabytes of kernel buffers.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(4096) //nolint:errcheck // a larger buffer only makes the stall take longer
	}
	return c, err
}

// stallingProxy passes one TCP connection through to the server until
// stall is called; from then on it reads nothing more the server sends, as
// a client whose ssh was suspended (~^Z) or whose network died without a
// word. What the client sends still goes through.
type stallingProxy struct {
	ln      net.Listener
	mu      sync.Mutex
	stalled bool
	resume  chan struct{}
}

func newStallingProxy(t *testing.T, to string) *stallingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallingProxy{ln: ln, resume: make(chan struct{})}
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.stalled {
			close(p.resume)
			p.stalled = false
		}
	})
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", to)
		if err != nil {
			c.Close()
			return
		}
		if tc, ok := s.(*net.TCPConn); ok {
			tc.SetReadBuffer(4096) //nolint:errcheck // as smallSendBuffers
		}
		go func() {
			io.Copy(s, c) //nolint:errcheck // ends with either side
			s.Close()
		}()
		buf := make([]byte, 1024)
		for {
			p.mu.Lock()
			stalled, resume := p.stalled, p.resume
			p.mu.Unlock()
			if stalled {
				<-resume
			}
			n, err := s.Read(buf)
			if n > 0 {
				c.Write(buf[:n]) //nolint:errcheck // the read side notices
			}
			if err != nil {
				c.Close()
				return
			}
		}
	}()
	return p
}

func (p *stallingProxy) stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stalled = true
}

// stalledAlice opens alice's session on the list through a proxy that
// then stops reading, and makes the console write far more than the
// buffers hold, for the time given: resizes are not keys (the idle clock
// keeps running) and each one redraws the screen.
func stalledAlice(t *testing.T, w *world, writing time.Duration) {
	t.Helper()
	px := newStallingProxy(t, w.addr)
	c, err := gossh.Dial("tcp", px.ln.Addr().String(), &gossh.ClientConfig{
		User: "alice", Auth: []gossh.AuthMethod{gossh.PublicKeys(w.keys["alice"])},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	alice := openOn(t, c, termOpts{})
	alice.waitFor("alice's list", listShown)
	px.stall()
	for i, start := 0, time.Now(); time.Since(start) < writing; i++ {
		if err := alice.sess.WindowChange(40+i%2*10, 200-i%2*60); err != nil {
			t.Fatalf("resize: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitLog waits until the server's log matches re.
func (w *world) waitLog(what string, re *regexp.Regexp, within time.Duration) {
	w.t.Helper()
	deadline := time.Now().Add(within)
	for !re.MatchString(w.serverLog.String()) {
		if time.Now().After(deadline) {
			w.t.Fatalf("%s: not within %v; the server's log:\n%s", what, within, w.serverLog)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestStalledClientIsClosedWhenIdle: a client that stops reading (its ssh
// suspended, its network gone quiet) stalls its console's writes; the idle
// timeout still closes that session, so it does not hold its place under
// the caps for ever. Another operator's session is not slowed meanwhile.
func TestStalledClientIsClosedWhenIdle(t *testing.T) {
	const idle = 4 * time.Second
	w := newWorld(t, func(c *serve.Config) { c.IdleTimeout = idle }, nil,
		func(ln net.Listener) net.Listener { return smallSendBuffers{ln} })
	opened := time.Now()
	stalledAlice(t, w, idle/2)

	carol := w.open("carol", termOpts{})
	carol.waitFor("carol's list while alice's client is stalled", listShown)
	mark := carol.mark()
	carol.send("c")
	carol.waitAfter(mark, "carol's console answering", regexp.MustCompile(`completed`))

	// Idle plus a few seconds for the console to end; without a way to cut
	// a stalled write, it waits until the server stops.
	w.waitLog("alice's stalled session closed as idle", regexp.MustCompile(`alice \(\S+\) disconnected: idle`), idle+12*time.Second-time.Since(opened))
	deadline := time.Now().Add(idle + 5*time.Second) // carol's goes idle too
	for w.srv.Sessions() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still counted after both went idle", w.srv.Sessions())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestStalledClientIsClosedWhenRemoved: the session of a key taken out of
// the operators file ends even when its client stopped reading: after
// StopWait, as a server stop would cut it off.
func TestStalledClientIsClosedWhenRemoved(t *testing.T) {
	const stopWait = 2 * time.Second
	w := newWorld(t, func(c *serve.Config) { c.StopWait = stopWait }, nil,
		func(ln net.Listener) net.Listener { return smallSendBuffers{ln} })
	stalledAlice(t, w, 2*time.Second)
	ops := authorizedLine("moderator", w.keys["carol"], "carol")
	if err := os.WriteFile(w.opsPath, []byte(ops), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Reload(); err != nil {
		t.Fatal(err)
	}
	// StopWait, then the few seconds a console cut off has to finish.
	w.waitLog("alice's stalled session ended", regexp.MustCompile(`alice \(\S+\) disconnected: key removed`), stopWait+12*time.Second)
	if n := w.srv.Sessions(); n != 0 {
		t.Errorf("%d sessions still counted", n)
	}
}
