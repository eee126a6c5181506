package audit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// DefaultSessionSize is how many records Session keeps: enough for a busy
// shift's recent history, small enough that an 8-hour session does not grow.
const DefaultSessionSize = 1000

// DisabledPath is the --audit-log value that turns the file off.
const DisabledPath = "-"

// ErrNoStateDir is returned by DefaultPath when neither XDG_STATE_HOME nor
// HOME says where the log should go.
var ErrNoStateDir = errors.New("audit log: neither XDG_STATE_HOME nor HOME is set; choose a file with --audit-log PATH, or --audit-log - to disable")

// DefaultPath is where the log goes when --audit-log is not given:
// $XDG_STATE_HOME/confconsole/audit.jsonl, else
// $HOME/.local/state/confconsole/audit.jsonl. A relative XDG_STATE_HOME is
// ignored, as the XDG spec requires.
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "confconsole", "audit.jsonl"), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "confconsole", "audit.jsonl"), nil
	}
	return "", ErrNoStateDir
}

// Identity says who acts, written on every record.
type Identity struct {
	Operator string // the OS user running the console
	SSHUser  string // the SSH session's user; empty when not over SSH
	Host     string
	// KeyFingerprint is the SHA256 fingerprint of the SSH key the operator
	// logged in to confconsole serve with; empty for a local console.
	KeyFingerprint string
}

// IdentityFromEnv works out who is at the console: the OS user (from the
// user database, else USER or LOGNAME), the SSH user when SSH_CONNECTION or
// SSH_CLIENT says the session came over SSH, and the host name.
func IdentityFromEnv(getenv func(string) string) Identity {
	var id Identity
	envUser := getenv("USER")
	if envUser == "" {
		envUser = getenv("LOGNAME")
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		id.Operator = u.Username
	} else {
		id.Operator = envUser
	}
	if getenv("SSH_CONNECTION") != "" || getenv("SSH_CLIENT") != "" {
		id.SSHUser = envUser
	}
	if h, err := os.Hostname(); err == nil {
		id.Host = h
	}
	return id
}

// Actor is who acts for one action when one log serves several people (an
// SSH server's sessions): set by the server from the key that authenticated
// the session, never from what a client sends.
type Actor struct {
	Operator    string // the operator's name
	SSHUser     string // the user name the SSH client asked for
	Fingerprint string // the SHA256 fingerprint of the operator's key
}

type actorKey struct{}

// WithActor returns a context whose Intent and Result records name a
// instead of the Log's Identity (whose Host is still written).
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

func actorFrom(ctx context.Context) (Actor, bool) {
	if ctx == nil {
		return Actor{}, false
	}
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// Option configures Open and Disabled.
type Option func(*config)

type config struct {
	now         func() time.Time
	identity    *Identity
	sessionSize int
	secrets     []string
}

// WithClock sets the clock records are stamped with (tests pin it).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithIdentity sets who acts, in place of IdentityFromEnv(os.Getenv); an SSH
// server serving several consoles gives each session its own.
func WithIdentity(id Identity) Option { return func(c *config) { c.identity = &id } }

// WithSessionSize sets how many records Session keeps (at least 1).
func WithSessionSize(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.sessionSize = n
		}
	}
}

// WithSecrets names credentials (the auth token, the API secret) that must
// never reach the file: they are cut out of every text field, in case an
// error message quotes one.
func WithSecrets(secrets ...string) Option {
	return func(c *config) { c.secrets = append(c.secrets, secrets...) }
}

// file is what the Log needs of *os.File; tests count the calls.
type file interface {
	io.WriteCloser
	Sync() error
}

// rewinder is what the Log needs of *os.File to take a torn record back out
// of the file; a file without it gets the next record on a fresh line.
type rewinder interface {
	io.ReaderAt
	Stat() (os.FileInfo, error)
	Truncate(size int64) error
}

// Log is the audit trail of one console session. It is safe for concurrent
// use: records are written whole, one at a time.
type Log struct {
	path     string // empty when disabled
	now      func() time.Time
	identity Identity
	secrets  []string
	idPrefix string

	// out is the file the records go to, nil when disabled; the sessions
	// of one server share one (Shared). owned says Close closes it.
	out    *trail
	owned  bool
	closed bool // guarded by out.mu: this session's records are over

	mu  sync.Mutex
	seq uint64
	// pending holds the secret values an intent's params carried, until
	// its result is written: the result's error message may echo them.
	pending map[string][]string
	err     error
	ring    []Entry // the last records, oldest at start; grows up to max
	max     int
	start   int
}

// trail is an open audit file and what its writers must share: records
// are serialised through mu (stamping, writing and syncing, so the file's
// order is the order they were made in; held across the disk write, while
// a Log's own mu is not, so Session and Err never wait for a slow fsync),
// and a record torn on a full disk is mended before the next is appended,
// whichever session wrote it.
type trail struct {
	mu     sync.Mutex
	path   string
	f      file
	closed bool
	// torn is set when part of a record reached the file and could not be
	// taken back out: the next record starts with a newline of its own, so
	// it is not glued onto the broken one.
	torn bool
}

// Open opens (creating if needed) the log file at path for appending, with
// its directory made 0700 and the file 0600. The path "-" (DisabledPath)
// gives Disabled(opts...).
func Open(path string, opts ...Option) (*Log, error) {
	if path == DisabledPath {
		return Disabled(opts...), nil
	}
	t, err := openTrail(path)
	if err != nil {
		return nil, err
	}
	l := newLogOn(t, opts)
	l.owned = true
	return l, nil
}

func openTrail(path string) (*trail, error) {
	if path == "" {
		return nil, errors.New("audit log: empty path; choose a file with --audit-log PATH, or --audit-log - to disable")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("audit log %s: create directory: %w", path, unwrapPath(err))
	}
	// Read access too: after a short write (a full disk) the Log checks
	// that the file ends with its own torn bytes before cutting them off.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit log %s: open: %w", path, unwrapPath(err))
	}
	return &trail{path: path, f: f}, nil
}

// Shared is one audit file that many sessions append to, each through a
// Log of its own (Session) that stamps its records with who acted and
// keeps them for its log view. The sessions write through one handle, one
// record at a time, so a record one of them tore on a full disk is mended
// before another session's is appended.
type Shared struct {
	out  *trail // nil when disabled
	opts []Option
}

// OpenShared opens the file at path as Open does, for Session; the path
// "-" gives sessions that write no file.
func OpenShared(path string, opts ...Option) (*Shared, error) {
	if path == DisabledPath {
		return &Shared{opts: opts}, nil
	}
	t, err := openTrail(path)
	if err != nil {
		return nil, err
	}
	return &Shared{out: t, opts: opts}, nil
}

// Session returns a Log for one session, with the Shared's options and
// then opts (WithIdentity, for one). Closing it ends its records, not the
// file: Close the Shared for that.
func (s *Shared) Session(opts ...Option) *Log {
	return newLogOn(s.out, append(s.opts[:len(s.opts):len(s.opts)], opts...))
}

// Close closes the file. Records after Close fail with os.ErrClosed.
func (s *Shared) Close() error {
	if s.out == nil {
		return nil
	}
	return s.out.close()
}

// Disabled returns a Log that writes no file (for --audit-log -) but still
// keeps this session's records for the log view.
func Disabled(opts ...Option) *Log { return newLogOn(nil, opts) }

// newLog is a Log of its own on f at path (tests give their own files).
func newLog(path string, f file, opts []Option) *Log {
	if f == nil {
		return Disabled(opts...)
	}
	l := newLogOn(&trail{path: path, f: f}, opts)
	l.owned = true
	return l
}

func newLogOn(t *trail, opts []Option) *Log {
	c := config{now: time.Now, sessionSize: DefaultSessionSize}
	for _, o := range opts {
		o(&c)
	}
	id := IdentityFromEnv(os.Getenv)
	if c.identity != nil {
		id = *c.identity
	}
	l := &Log{
		out: t, now: c.now, identity: id, secrets: c.secrets,
		idPrefix: sessionID(), max: c.sessionSize, pending: map[string][]string{},
	}
	if t != nil {
		l.path = t.path
	}
	return l
}

// sessionID makes the per-session half of record ids, so that ids from
// different sessions appending to one file do not collide.
func sessionID() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported systems; a time-based id
		// is still unique enough to pair lines.
		return strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return hex.EncodeToString(b[:])
}

// Path is the file written, or "" when the log is disabled.
func (l *Log) Path() string { return l.path }

// Enabled reports whether records go to a file.
func (l *Log) Enabled() bool { return l.path != "" }

// Err is the last write failure, nil if every record so far reached the file.
// It is never cleared: once a record is missing from the file, the console
// must keep saying so.
func (l *Log) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Intent records an action about to be sent and returns the id its result
// must be recorded under. The id is valid even when err is not nil (the
// record is kept in Session but did not reach the file).
//
// ctx does not cancel the write: a local append is short, and an action
// that is about to be sent must not vanish from the trail because the
// caller's deadline is near.
func (l *Log) Intent(ctx context.Context, e Entry) (id string, err error) {
	l.mu.Lock()
	l.seq++
	id = l.idPrefix + "-" + strconv.FormatUint(l.seq, 10)
	l.mu.Unlock()
	e.Phase, e.ID = PhaseIntent, id
	e.Outcome, e.ErrorCode, e.Error, e.RequestID, e.Attempts = "", 0, "", "", 0
	actor, _ := actorFrom(ctx)
	return id, l.record(e, nil, actor)
}

// Result records what became of the action Intent returned id for. Empty
// conference, participant and action fields are copied from that intent
// while it is still in the session; an empty Outcome is written as unknown.
// Like Intent, it writes even when ctx is done: the result of a timed-out
// call is exactly what the trail must show.
func (l *Log) Result(ctx context.Context, id string, e Entry) error {
	e.Phase, e.ID = PhaseResult, id
	l.mu.Lock()
	in, ok := l.findIntent(id)
	secrets := l.pending[id]
	delete(l.pending, id)
	l.mu.Unlock()
	if ok {
		fill := func(dst *string, src string) {
			if *dst == "" {
				*dst = src
			}
		}
		fill(&e.AccountSID, in.AccountSID)
		fill(&e.ConferenceSID, in.ConferenceSID)
		fill(&e.ConferenceName, in.ConferenceName)
		fill(&e.CallSID, in.CallSID)
		fill(&e.Label, in.Label)
		if e.Action == "" {
			e.Action = in.Action
		}
	}
	if e.Outcome == "" {
		e.Outcome = OutcomeUnknown
	}
	actor, has := actorFrom(ctx)
	if !has && ok {
		// A result written without the actor (the console quit while
		// the action was on its way) names whoever the intent named.
		actor = Actor{Operator: in.Operator, SSHUser: in.SSHUser, Fingerprint: in.KeyFingerprint}
	}
	return l.record(e, secrets, actor)
}

// Record writes e as one line that stands alone, a result with no intent
// before it, and returns its id: one participant of a bulk action, sent on
// the console's behalf by the live state, whose outcome is known when it is
// written. An empty Outcome is written as unknown.
func (l *Log) Record(ctx context.Context, e Entry) (id string, err error) {
	l.mu.Lock()
	l.seq++
	id = l.idPrefix + "-" + strconv.FormatUint(l.seq, 10)
	l.mu.Unlock()
	e.Phase, e.ID = PhaseResult, id
	if e.Outcome == "" {
		e.Outcome = OutcomeUnknown
	}
	actor, _ := actorFrom(ctx)
	return id, l.record(e, nil, actor)
}

// findIntent looks for the intent line id among the session's records,
// newest first (a result usually follows its intent closely). l.mu is held.
func (l *Log) findIntent(id string) (Entry, bool) {
	for i := len(l.ring) - 1; i >= 0; i-- {
		e := l.ring[(l.start+i)%len(l.ring)]
		if e.ID == id && e.Phase == PhaseIntent {
			return e, true
		}
	}
	return Entry{}, false
}

// record stamps, redacts (of extra secrets too), writes and keeps e. Who
// acted is actor when it names someone, else the Log's identity; never
// what e says.
func (l *Log) record(e Entry, extra []string, actor Actor) error {
	if l.out != nil {
		l.out.mu.Lock()
		defer l.out.mu.Unlock()
	}
	e.Time = l.now()
	e.Operator, e.SSHUser, e.Host = l.identity.Operator, l.identity.SSHUser, l.identity.Host
	e.KeyFingerprint = l.identity.KeyFingerprint
	if actor.Operator != "" || actor.Fingerprint != "" {
		e.Operator, e.SSHUser, e.KeyFingerprint = actor.Operator, actor.SSHUser, actor.Fingerprint
	}
	e, found := redact(e, append(extra, l.secrets...))
	err := l.write(e)
	e.Written = err == nil && l.out != nil
	l.mu.Lock()
	// Bounded like the ring: intents whose result never comes (the console
	// quit mid-call) must not pile up over a shift.
	if e.Phase == PhaseIntent && len(found) > 0 && len(l.pending) < l.max {
		l.pending[e.ID] = found
	}
	l.keep(e)
	if err != nil {
		l.err = err
	}
	l.mu.Unlock()
	return err
}

// write puts one record on disk: one write call, then a sync, so that the
// line is whole in the file and survives a crash once write returns. A
// record is whole or absent: when only part of it reached the file (a full
// disk), that part is cut off again. l.out.mu is held.
func (l *Log) write(e Entry) error {
	t := l.out
	if t == nil {
		return nil
	}
	if l.closed || t.closed {
		return fmt.Errorf("audit log %s: write: %w", t.path, os.ErrClosed)
	}
	line, err := encodeLine(e)
	if err != nil {
		return fmt.Errorf("audit log %s: encode: %w", t.path, err)
	}
	if t.torn {
		line = append([]byte{'\n'}, line...)
	}
	n, err := t.f.Write(line)
	if err == nil && n != len(line) {
		err = io.ErrShortWrite
	}
	if err != nil {
		// Cut back, the file is as it was before this write (torn or
		// not); otherwise it now ends inside a record.
		if n > 0 && !t.rewind(line[:n]) {
			t.torn = true
		}
		return fmt.Errorf("audit log %s: write: %w", t.path, unwrapPath(err))
	}
	t.torn = false
	if err := t.f.Sync(); err != nil {
		return fmt.Errorf("audit log %s: sync: %w", t.path, unwrapPath(err))
	}
	return nil
}

// rewind takes the torn bytes of a record back out of the end of the file,
// so that the file ends on a line boundary again. It cuts only when the
// file still ends with exactly those bytes: a record another process
// appended meanwhile is never cut. It reports whether the file is whole.
// t.mu is held.
func (t *trail) rewind(torn []byte) bool {
	rw, ok := t.f.(rewinder)
	if !ok {
		return false
	}
	fi, err := rw.Stat()
	if err != nil || fi.Size() < int64(len(torn)) {
		return false
	}
	at := fi.Size() - int64(len(torn))
	tail := make([]byte, len(torn))
	if _, err := rw.ReadAt(tail, at); err != nil || !bytes.Equal(tail, torn) {
		return false
	}
	if err := rw.Truncate(at); err != nil {
		return false
	}
	_ = t.f.Sync() // best effort: the cut is also made good by the next record's sync
	return true
}

// close closes the file; later records fail with os.ErrClosed.
func (t *trail) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	if err := t.f.Close(); err != nil {
		return fmt.Errorf("audit log %s: close: %w", t.path, unwrapPath(err))
	}
	return nil
}

// keep adds e to the session ring, dropping the oldest record when full.
// l.mu is held.
func (l *Log) keep(e Entry) {
	if len(l.ring) < l.max {
		l.ring = append(l.ring, e)
		return
	}
	l.ring[l.start] = e
	l.start = (l.start + 1) % len(l.ring)
}

// Session returns this session's most recent records, oldest first (at most
// the session size). The result is a copy the caller may keep.
func (l *Log) Session() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Entry, len(l.ring))
	for i := range out {
		e := l.ring[(l.start+i)%len(l.ring)]
		params := make(map[string]string, len(e.Params))
		for k, v := range e.Params {
			params[k] = v
		}
		e.Params = params
		out[i] = e
	}
	return out
}

// Close ends the session's records, and closes the file unless it is a
// Shared's. Records after Close fail with os.ErrClosed (and are remembered
// by Err), so a late action cannot go unrecorded silently.
func (l *Log) Close() error {
	if l.out == nil {
		return nil
	}
	if l.owned {
		return l.out.close()
	}
	l.out.mu.Lock()
	defer l.out.mu.Unlock()
	l.closed = true
	return nil
}

// unwrapPath drops an *os.PathError's own operation and path, which our
// message already says, keeping the cause ("no space left on device").
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
