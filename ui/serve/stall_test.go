package serve_test

import (
	"io"
	"net"
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

// TestStalledClientIsClosedWhenIdle: a client that stops reading (its ssh
// suspended, its network gone quiet) stalls its console's writes; the idle
// timeout still closes that session, so it does not hold its place under
// the caps for ever. Another operator's session is not slowed meanwhile.
func TestStalledClientIsClosedWhenIdle(t *testing.T) {
	const idle = 4 * time.Second
	w := newWorld(t, func(c *serve.Config) { c.IdleTimeout = idle }, nil,
		func(ln net.Listener) net.Listener { return smallSendBuffers{ln} })
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
	opened := time.Now()
	px.stall()
	// Resizes are not keys (the idle clock keeps running) and each one
	// redraws the screen: far more than the buffers hold, well before the
	// idle timeout.
	for i := 0; time.Since(opened) < idle/2; i++ {
		if err := alice.sess.WindowChange(40+i%2*10, 200-i%2*60); err != nil {
			t.Fatalf("resize: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	carol := w.open("carol", termOpts{})
	carol.waitFor("carol's list while alice's client is stalled", listShown)
	mark := carol.mark()
	carol.send("c")
	carol.waitAfter(mark, "carol's console answering", regexp.MustCompile(`completed`))

	// Idle plus a few seconds for the console to end; without a way to cut
	// a stalled write, it waits until the server stops.
	deadline := opened.Add(idle + 12*time.Second)
	closed := regexp.MustCompile(`alice \(\S+\) disconnected: idle`)
	for !closed.MatchString(w.serverLog.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("alice's stalled session was not closed %v after its last key; the server's log:\n%s", time.Since(opened).Round(time.Second), w.serverLog)
		}
		time.Sleep(50 * time.Millisecond)
	}
	deadline = time.Now().Add(idle + 5*time.Second) // carol's goes idle too
	for w.srv.Sessions() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions still counted after both went idle", w.srv.Sessions())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
