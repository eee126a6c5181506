package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"

	gossh "golang.org/x/crypto/ssh"

	"confconsole/api/audit"
	"confconsole/api/live"
	"confconsole/ui"
)

// Defaults for the limits a Config leaves at zero.
const (
	DefaultIdleTimeout    = 8 * time.Hour
	DefaultMaxSessions    = 100
	DefaultMaxPerOperator = 5
	// DefaultStopWait bounds Shutdown: a console waits up to 10 s for its
	// actions in flight (then writes them as unknown in the audit log),
	// and a little more covers the audit writes and the goodbye.
	DefaultStopWait = 15 * time.Second
	// DefaultLoginWait bounds a connection's handshake and login, so that
	// connections that never log in do not pile up.
	DefaultLoginWait = 30 * time.Second
)

// killWait bounds how long Shutdown waits for consoles it cut off to
// write their last audit records.
const killWait = 2 * time.Second

// reloadEvery is how often the operators file is checked for changes.
const reloadEvery = time.Second

// Config is what a Server is made of.
type Config struct {
	// OperatorsPath is the operators file (authorized_keys format, see
	// ParseOperators); it is re-read when it changes and on Reload.
	OperatorsPath string
	// HostKey is the server's own key.
	HostKey gossh.Signer
	// Service is what every session's console talks to: one value shared
	// by all sessions (one connection pool), so the live state can take
	// its place without touching the sessions.
	Service ui.Service
	// Live is the account's live state, one for every session: ten
	// sessions on one room cost one request per poll, and an action in
	// one session holds the participant for all. Nil makes one over
	// Service, which Shutdown closes.
	Live *live.Hub
	// Console is the template of every session's console options: keys,
	// refresh, read-only, demo, theme, hold URL, account, announcements, webhook.
	// The server fills in the terminal, the operator and the audit log.
	Console ui.Options
	// Audit opens the audit log of one session, recording as the operator
	// it is given. Nil keeps each session's records in memory only.
	Audit func(op ui.Operator) (*audit.Log, error)

	IdleTimeout    time.Duration // a session without a key for this long is closed; 0 means DefaultIdleTimeout
	MaxSessions    int           // sessions at once in all; 0 means DefaultMaxSessions
	MaxPerOperator int           // sessions at once per operator; 0 means DefaultMaxPerOperator
	StopWait       time.Duration // how long Shutdown lets sessions finish; 0 means DefaultStopWait
	LoginWait      time.Duration // a connection not logged in by then is closed; 0 means DefaultLoginWait

	// Log receives one line per event worth an administrator's eye: logins,
	// refusals, reloads. Nil means nowhere.
	Log io.Writer
}

// Server serves one console per SSH session.
type Server struct {
	cfg Config
	srv *ssh.Server

	mu       sync.Mutex
	ops      *Operators
	opsStamp fileStamp
	sessions map[*session]struct{}
	perOp    map[string]int // sessions open, by key fingerprint
	stopping bool
	running  sync.WaitGroup // session handlers

	stopWatch context.CancelFunc
	watchDone chan struct{}
	ownLive   bool // cfg.Live was made by New, and Shutdown closes it
}

// New reads the operators file and builds the server; it listens only when
// Serve is called. A file that does not parse stops it here, with the line
// that is wrong.
func New(cfg Config) (*Server, error) {
	if cfg.HostKey == nil {
		return nil, errors.New("serve: no host key")
	}
	if cfg.Service == nil {
		return nil, errors.New("serve: no service for the consoles")
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.MaxPerOperator <= 0 {
		cfg.MaxPerOperator = DefaultMaxPerOperator
	}
	if cfg.StopWait <= 0 {
		cfg.StopWait = DefaultStopWait
	}
	if cfg.LoginWait <= 0 {
		cfg.LoginWait = DefaultLoginWait
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	s := &Server{cfg: cfg, sessions: map[*session]struct{}{}, perOp: map[string]int{}}
	stamp, err := statFile(cfg.OperatorsPath)
	if err != nil {
		return nil, fmt.Errorf("operators file: %w", err)
	}
	ops, err := LoadOperators(cfg.OperatorsPath)
	if err != nil {
		return nil, err
	}
	if s.cfg.Live == nil {
		s.cfg.Live = live.New(cfg.Service, live.Options{Interval: cfg.Console.Refresh, RequestTimeout: ui.RequestTimeout, RefreshFloor: live.MinRefresh})
		s.ownLive = true
	}
	s.ops, s.opsStamp = ops, stamp

	// Public keys only: with no password or keyboard-interactive handler
	// the SSH library offers neither method.
	s.srv, err = wish.NewServer(
		func(srv *ssh.Server) error { srv.AddHostKey(cfg.HostKey); return nil },
		ssh.WrapConn(s.onConnect),
		wish.WithPublicKeyAuth(s.authorize),
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return s.handle }),
	)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stopWatch, s.watchDone = cancel, make(chan struct{})
	go s.watchOperators(ctx)
	return s, nil
}

// Serve accepts connections on ln until Shutdown or Close.
func (s *Server) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("serve ssh on %s: %w", ln.Addr(), err)
	}
	return nil
}

// loginTimerKey is where onConnect keeps a connection's login timer in
// its context.
type loginTimerKey struct{}

// onConnect gives a new connection LoginWait to log in and start a
// session, then closes it.
// (A deadline on the connection would not do: the SSH library resets
// deadlines on every read.)
func (s *Server) onConnect(ctx ssh.Context, c net.Conn) net.Conn {
	lt := &loginTimer{}
	lt.t = time.AfterFunc(s.cfg.LoginWait, func() {
		lt.mu.Lock()
		lt.fired = true
		lt.mu.Unlock()
		c.Close()
	})
	ctx.SetValue(loginTimerKey{}, lt)
	return c
}

// loginTimer closes a connection that takes too long to log in.
type loginTimer struct {
	once   sync.Once
	t      *time.Timer
	inTime bool

	mu    sync.Mutex
	fired bool
}

// loggedIn stops the timer; false means it had already fired.
func (lt *loginTimer) loggedIn() bool {
	lt.once.Do(func() { lt.inTime = lt.t.Stop() })
	return lt.inTime
}

// expired says the timer fired: the connection is being closed.
func (lt *loginTimer) expired() bool {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	return lt.fired
}

// authorize lets in the keys the operators file names, as it reads now.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	_, ok := s.operators().Lookup(key)
	if !ok {
		s.logf("refused key %s for user %q from %s: not in the operators file", gossh.FingerprintSHA256(key), ctx.User(), ctx.RemoteAddr())
		return false
	}
	// The key is known, but that is not a login: the callback also answers
	// a client asking whether a key would do, before it proves it holds
	// the key (and public keys are public). The login timer stops when a
	// session starts (handle); here it only refuses a login that came too
	// late.
	if lt, isTimer := ctx.Value(loginTimerKey{}).(*loginTimer); isTimer && lt.expired() {
		return false
	}
	return true
}

func (s *Server) operators() *Operators {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ops
}

func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.cfg.Log, time.Now().UTC().Format(time.RFC3339)+" "+format+"\n", args...)
}

// Reload re-reads the operators file. A file that does not parse changes
// nothing: the server keeps the operators it had, and the error says why.
// A key no longer in the file cannot log in again, and its sessions are
// ended as when the server stops (actions in flight finish and are
// audited, and StopWait bounds it), each told why: removing a key is how
// access is taken away, so it must not wait for the operator to quit. So
// are the sessions of a moderator who is now a monitor; a monitor made
// moderator keeps watching until connecting again.
func (s *Server) Reload() error {
	stamp, statErr := statFile(s.cfg.OperatorsPath)
	ops, err := LoadOperators(s.cfg.OperatorsPath)
	s.mu.Lock()
	if statErr == nil {
		// Remembered even when the file does not parse, so a broken file
		// is reported once, not every second until it is fixed.
		s.opsStamp = stamp
	}
	ended := 0
	if err == nil {
		s.ops = ops
		for se := range s.sessions {
			now, still := ops.byFingerprint[se.op.Fingerprint]
			switch {
			case !still:
				se.stop(endRemoved)
			case se.op.Role == Moderator && now.Role != Moderator:
				se.stop(endDemoted)
			default:
				continue
			}
			// Bounded as a server stop is: a console that has not
			// finished by then (its client stopped reading, say) is cut
			// off.
			time.AfterFunc(s.cfg.StopWait, se.kill)
			ended++
		}
	}
	s.mu.Unlock()
	if err != nil {
		s.logf("operators file not reloaded, keeping the previous operators: %v", err)
		return err
	}
	s.logf("operators file reloaded: %d keys, %d sessions ended", ops.Len(), ended)
	return nil
}

// fileStamp is what tells that a file changed without reading it.
type fileStamp struct {
	mod  time.Time
	size int64
}

func statFile(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{mod: fi.ModTime(), size: fi.Size()}, nil
}

// watchOperators reloads the operators file when its modification time or
// size changes, checked once a second.
func (s *Server) watchOperators(ctx context.Context) {
	defer close(s.watchDone)
	t := time.NewTicker(reloadEvery)
	defer t.Stop()
	missing := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		stamp, err := statFile(s.cfg.OperatorsPath)
		if err != nil {
			// Being replaced, or gone: keep the operators we have, and
			// say so once, so that deleting the file is not mistaken for
			// taking everyone's access away.
			if !missing {
				s.logf("operators file cannot be read, keeping the previous operators until it can: %v", err)
			}
			missing = true
			continue
		}
		if missing {
			missing = false
			s.mu.Lock()
			s.opsStamp = fileStamp{} // read it again, whatever its stamp
			s.mu.Unlock()
		}
		s.mu.Lock()
		changed := stamp != s.opsStamp
		s.mu.Unlock()
		if changed {
			s.Reload() //nolint:errcheck // Reload logs why
		}
	}
}

// admit counts a new session against the caps, or says why it cannot open.
func (s *Server) admit(se *session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Looked up again under the lock: a reload since the handshake has
	// either removed the key or will find this session to end.
	now, still := s.ops.byFingerprint[se.op.Fingerprint]
	switch {
	case !still:
		return errors.New("your key is not in the operators file; ask the administrator to add it")
	case s.stopping:
		return errors.New("the server is stopping; try again in a minute")
	case len(s.sessions) >= s.cfg.MaxSessions:
		return fmt.Errorf("the server is full (%s); try again later", sessionsCount(s.cfg.MaxSessions))
	case s.perOp[se.op.Fingerprint] >= s.cfg.MaxPerOperator:
		return fmt.Errorf("you already have %s open, the most allowed; close one first", sessionsCount(s.cfg.MaxPerOperator))
	}
	se.op = now
	s.sessions[se] = struct{}{}
	s.perOp[se.op.Fingerprint]++
	s.running.Add(1) // under mu, after the stopping check: Shutdown's Wait sees it
	return nil
}

// sessionsCount is "1 session" or "n sessions".
func sessionsCount(n int) string {
	if n == 1 {
		return "1 session"
	}
	return fmt.Sprintf("%d sessions", n)
}

func (s *Server) release(se *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, se)
	if s.perOp[se.op.Fingerprint]--; s.perOp[se.op.Fingerprint] <= 0 {
		delete(s.perOp, se.op.Fingerprint)
	}
}

// Sessions is how many sessions are open.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Shutdown stops the server: no new connections or sessions, every open
// console is told the server is stopping and quits as on q (waiting for its
// actions in flight, which are audited), and after StopWait, or when ctx
// ends, whatever is left is cut off.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.stopping = true
	for se := range s.sessions {
		se.stop(endStopping)
	}
	s.mu.Unlock()
	s.stopWatch()
	<-s.watchDone

	ctx, cancel := context.WithTimeout(ctx, s.cfg.StopWait)
	defer cancel()
	// The library's Shutdown closes the listeners at once, then waits for
	// the connections; the sessions end on their own.
	go s.srv.Shutdown(ctx) //nolint:errcheck // Close below ends it
	done := make(chan struct{})
	go func() {
		s.running.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		// Time is up: the consoles left end now, and write what they sent
		// without an answer as unknown (a local append: a moment).
		s.mu.Lock()
		n := len(s.sessions)
		for se := range s.sessions {
			se.kill()
		}
		s.mu.Unlock()
		select {
		case <-done:
		case <-time.After(killWait):
		}
		err = fmt.Errorf("stop the server: %s still busy after %v cut off", sessionsCount(n), s.cfg.StopWait)
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("stop the server: %s still busy cut off at once", sessionsCount(n))
		}
	}
	if cerr := s.srv.Close(); cerr != nil && err == nil && !errors.Is(cerr, ssh.ErrServerClosed) {
		err = fmt.Errorf("stop the server: %w", cerr)
	}
	if s.ownLive {
		// The sessions are over, and an action cut off with them has its
		// unknown result in the audit log: its request is not waited for
		// longer than the last audit writes are.
		closed := make(chan struct{})
		go func() {
			s.cfg.Live.Close()
			close(closed)
		}()
		select {
		case <-closed:
		case <-time.After(killWait):
		}
	}
	return err
}
