package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/muesli/termenv"

	"confconsole/api/audit"
	"confconsole/ui"
)

// session is one operator's console over SSH.
type session struct {
	op       Operator
	sigs     chan os.Signal // the console's signals: the server's stop
	stopOnce sync.Once
	ended    atomic.Pointer[ending] // why the server ended the console; nil until it does

	mu     sync.Mutex
	cancel context.CancelCauseFunc // ends the console at once; nil until it starts
	killed bool
	cut    chan struct{} // closed by kill: a console whose client went away stops waiting for its actions
}

// kill ends the console at once: the server's wait for it is over. Its
// actions still in flight are written as unknown in the audit log, even
// when its client had already gone and it was waiting for their answers.
func (se *session) kill() {
	se.mu.Lock()
	defer se.mu.Unlock()
	if !se.killed {
		close(se.cut)
	}
	se.killed = true
	if se.cancel != nil {
		se.cancel(errStopped)
	}
}

// started records how to end the console, or ends it at once if the
// server gave up on it before it started.
func (se *session) started(cancel context.CancelCauseFunc) {
	se.mu.Lock()
	defer se.mu.Unlock()
	se.cancel = cancel
	if se.killed {
		cancel(errStopped)
	}
}

// ending is why the server ended a console: what the operator is told,
// and what the server's log says.
// The console's flash says short while it waits for actions in flight.
type ending struct{ tell, log, short string }

var (
	endStopping = ending{"the server is stopping; this session is closed.", "server stopping", "server stopping"}
	endRemoved  = ending{"your key was removed from the operators file; this session is closed.", "key removed from the operators file", "your key was removed"}
	endDemoted  = ending{"you are now a monitor in the operators file; connect again to watch.", "role changed to monitor", "you are now a monitor"}
)

// stop ends the console as SIGTERM does: it quits, waiting (bounded) for
// its actions in flight. The first reason given is the one told.
func (se *session) stop(why ending) {
	se.stopOnce.Do(func() {
		se.ended.Store(&why)
		se.sigs <- ui.Stop{Why: why.short} // as SIGTERM, saying why; buffered: never blocks
	})
}

// Why a console was closed by the server rather than by its operator.
var (
	errIdle       = errors.New("idle")
	errClientGone = errors.New("the client closed its input")
	errStopped    = errors.New("the server stopped")
)

// refuse tells the client in one line why there is no console for it and
// ends the session.
func refuse(sess ssh.Session, msg string) {
	fmt.Fprint(sess.Stderr(), "confconsole: "+msg+"\r\n")
	sess.Exit(1) //nolint:errcheck // the client may be gone already
}

// handle is the whole life of one SSH session.
func (s *Server) handle(sess ssh.Session) {
	// A bug in one console must not take every operator's down with it.
	defer func() {
		if v := recover(); v != nil {
			s.logf("session of %q from %s failed: %v\n%s", sess.User(), sess.RemoteAddr(), v, debug.Stack())
			refuse(sess, "the console failed; the error is in the server's log")
		}
	}()
	// Logged in and asking for a session: the connection may last as long
	// as it is used. Too late, and it is being closed.
	if lt, isTimer := sess.Context().Value(loginTimerKey{}).(*loginTimer); isTimer && !lt.loggedIn() {
		return
	}
	// The key is the one the handshake accepted; the operator is looked up
	// again, so a key removed since then gets no console.
	op, ok := s.operators().Lookup(sess.PublicKey())
	if !ok {
		refuse(sess, "your key is not in the operators file; ask the administrator to add it")
		return
	}
	ptyReq, winCh, isPty := sess.Pty()
	if !isPty {
		refuse(sess, "the console needs a terminal; connect with ssh -t")
		return
	}
	se := &session{op: op, sigs: make(chan os.Signal, 1), cut: make(chan struct{})}
	if err := s.admit(se); err != nil {
		refuse(sess, err.Error())
		return
	}
	defer s.running.Done()
	defer s.release(se)
	op = se.op // as the file says now
	s.logf("%s (%s, %s) connected as %q from %s", op.Name, op.Role, op.Fingerprint, sess.User(), sess.RemoteAddr())
	why := s.runConsole(sess, se, ptyReq, winCh)
	s.logf("%s (%s) disconnected: %s", op.Name, op.Fingerprint, why)
	sess.Exit(0) //nolint:errcheck // the client may be gone already
}

// runConsole runs the operator's console on the session's terminal until it
// quits, and says why it ended.
func (s *Server) runConsole(sess ssh.Session, se *session, ptyReq ssh.Pty, winCh <-chan ssh.Window) string {
	ctx, cancel := context.WithCancelCause(sess.Context())
	defer cancel(nil)
	se.started(cancel)
	if conn, ok := sess.Context().Value(ssh.ContextKeyConn).(io.Closer); ok {
		defer cutWhenStuck(ctx, conn, stuckWait)()
	}

	in := newIdleReader(sess, func() { cancel(errClientGone) })
	go closeWhenIdle(ctx, cancel, in, s.cfg.IdleTimeout)

	env := append(append([]string(nil), sess.Environ()...), "TERM="+ptyReq.Term)
	getenv := environ(env).Getenv
	opts := s.cfg.Console
	opts.In, opts.Out, opts.Getenv = in, sess, getenv
	opts.Signals = se.sigs
	opts.Conference = strings.TrimSpace(sess.RawCommand())
	opts.ReadOnly = opts.ReadOnly || se.op.Role != Moderator
	opts.Operator = ui.Operator{Name: se.op.Name, Role: se.op.Role.String(), Fingerprint: se.op.Fingerprint, SSHUser: sess.User()}
	opts.Renderer = sessionRenderer(sess, env, ui.DetectTheme(opts.Theme, getenv))
	opts.Sizes = forwardWindows(ctx, ptyReq.Window, winCh)
	opts.Live = s.cfg.Live // one live state for every session, each acting as its operator
	// A client that goes away (a dropped network, a closed terminal) does
	// not stop the server: the console waits for Twilio's answers to what
	// it sent, as on q, so the audit log has their real results. A server
	// stop that cuts the sessions off (kill) ends that wait at once.
	opts.Drain = &ui.Drain{Cut: se.cut, Waiting: func(n int, upTo time.Duration) {
		s.logf("%s (%s): session ended with %s on its way to Twilio; waiting up to %s for Twilio before closing it",
			se.op.Name, se.op.Fingerprint, ui.ActionsCount(n), shortDuration(upTo))
	}}

	if s.cfg.Audit != nil {
		trail, err := s.cfg.Audit(opts.Operator)
		if err != nil {
			opts.Audit, opts.AuditErr = audit.Disabled(audit.WithIdentity(identityOf(opts.Operator))), err
		} else {
			opts.Audit = trail
		}
		defer opts.Audit.Close() //nolint:errcheck // every record was synced as it was written
	}

	// The one shared service: every session's console talks to it.
	svc := s.cfg.Service
	err := ui.Run(ctx, svc, opts)

	var why string
	switch {
	case se.ended.Load() != nil:
		end := se.ended.Load()
		fmt.Fprint(sess, "confconsole: "+end.tell+"\r\n")
		why = end.log
	case errors.Is(context.Cause(ctx), errIdle):
		fmt.Fprintf(sess, "confconsole: closed after %s without a key.\r\n", shortDuration(s.cfg.IdleTimeout))
		why = "idle"
	case errors.Is(context.Cause(ctx), errClientGone):
		why = "client closed"
	case ctx.Err() != nil:
		why = "connection closed"
	default:
		why = "quit"
	}
	if err != nil {
		var se ui.SignalError
		if !errors.As(err, &se) {
			why += ": " + err.Error()
		}
	}
	return why
}

// shortDuration spells d as a person would: 8h rather than 8h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if t, ok := strings.CutSuffix(s, "m0s"); ok {
		s = t + "m"
	}
	if t, ok := strings.CutSuffix(s, "h0m"); ok {
		s = t + "h"
	}
	return s
}

// stuckWait is how long a console the server ended (idle, cut off, its
// client gone) has to finish before its connection is closed under it.
const stuckWait = 5 * time.Second

// cutWhenStuck closes conn when the console has not finished within wait
// of ctx ending, and is stopped by calling the function it returns (when
// the console has finished). A client that stopped reading (its ssh
// suspended, its network gone quiet) leaves the console blocked in a write
// that nothing else ends: the SSH channel waits for room in the client's
// window and the TCP connection for the client to read, for ever. Only
// closing the connection fails that write, so the idle timeout closes the
// session and its place under the caps is freed. (Other sessions the
// client multiplexes over that connection end with it.)
func cutWhenStuck(ctx context.Context, conn io.Closer, wait time.Duration) (finished func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
			return
		case <-ctx.Done():
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			conn.Close() //nolint:errcheck // the console's writes fail, which is the point
		}
	}()
	return func() { close(done) }
}

// identityOf is what the audit log records about op.
func identityOf(op ui.Operator) audit.Identity {
	host, _ := os.Hostname()
	return audit.Identity{Operator: op.Name, SSHUser: op.SSHUser, Host: host, KeyFingerprint: op.Fingerprint}
}

// OpenAudit opens the audit file at path ("-" for none) once, and returns
// a Config.Audit that gives each session a log of its own on it, stamped
// with its operator, and the close for after the server stops. Every
// session writes through the one file, one record at a time, so a record
// one session tore on a full disk is mended before another's lands on it.
// A file that cannot be opened is each session's audit error.
func OpenAudit(path string, opts ...audit.Option) (sessions func(ui.Operator) (*audit.Log, error), closeFile func() error) {
	shared, err := audit.OpenShared(path, opts...)
	if err != nil {
		return func(ui.Operator) (*audit.Log, error) { return nil, err }, func() error { return nil }
	}
	return func(op ui.Operator) (*audit.Log, error) {
		return shared.Session(audit.WithIdentity(identityOf(op))), nil
	}, shared.Close
}

// sessionRenderer makes the lipgloss renderer for one session: colours as
// the client's TERM, COLORTERM and NO_COLOR allow, the background as the
// theme says. It never asks the terminal anything, so a client that would
// not answer costs no wait.
func sessionRenderer(w io.Writer, env []string, theme ui.Theme) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(w, termenv.WithEnvironment(environ(env)), termenv.WithUnsafe(), termenv.WithColorCache(true))
	r.SetColorProfile(r.ColorProfile())
	r.SetHasDarkBackground(theme.Name != "light")
	return r
}

// environ is a session's environment, as termenv and the console read it.
type environ []string

func (e environ) Environ() []string { return e }

// Getenv returns the last value set for k.
func (e environ) Getenv(k string) string {
	for i := len(e) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(e[i], k+"="); ok {
			return v
		}
	}
	return ""
}

// forwardWindows turns the pty's size and its changes into the console's
// size messages, until ctx ends.
func forwardWindows(ctx context.Context, first ssh.Window, changes <-chan ssh.Window) <-chan tea.WindowSizeMsg {
	out := make(chan tea.WindowSizeMsg, 1)
	out <- sizeOf(first)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case w, ok := <-changes:
				if !ok {
					return
				}
				select {
				case out <- sizeOf(w):
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// sizeOf is the console's size for a pty's: 80x24 when the client gives
// none (ssh -tt with its input not a terminal sends 0x0), as programs on a
// terminal of unknown size assume; a console of no size would draw nothing.
func sizeOf(w ssh.Window) tea.WindowSizeMsg {
	if w.Width <= 0 || w.Height <= 0 {
		return tea.WindowSizeMsg{Width: 80, Height: 24}
	}
	return tea.WindowSizeMsg{Width: w.Width, Height: w.Height}
}

// idleReader is the session's input, noting when the operator last typed,
// and calling gone when the client closes it: Bubble Tea stops reading at
// the end of its input but keeps running.
type idleReader struct {
	r    io.Reader
	last atomic.Int64 // unix nanoseconds of the last byte read
	gone func()
}

func newIdleReader(r io.Reader, gone func()) *idleReader {
	ir := &idleReader{r: r, gone: gone}
	ir.last.Store(time.Now().UnixNano())
	return ir
}

func (ir *idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	if n > 0 {
		ir.last.Store(time.Now().UnixNano())
	}
	if err != nil {
		ir.gone()
	}
	return n, err
}

func (ir *idleReader) idleFor() time.Duration {
	return time.Since(time.Unix(0, ir.last.Load()))
}

// closeWhenIdle ends the session (cancel with errIdle) once no key came for
// d, and returns when ctx ends.
func closeWhenIdle(ctx context.Context, cancel context.CancelCauseFunc, in *idleReader, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		left := d - in.idleFor()
		if left <= 0 {
			cancel(errIdle)
			return
		}
		t.Reset(left)
	}
}
