package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// testIdentity keeps records independent of who runs the tests.
var testIdentity = Identity{Operator: "alice", Host: "console-1"}

// fixedClock returns a clock that starts at a fixed instant, in a zone other
// than UTC so the tests see the conversion, and ticks 1.5 ms per reading.
func fixedClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 3, 1, 14, 5, 6, 789_000_000, time.FixedZone("CET", 3600))
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(1500 * time.Microsecond)
		return t
	}
}

func openTest(t *testing.T, path string, opts ...Option) *Log {
	t.Helper()
	opts = append([]Option{WithIdentity(testIdentity), WithClock(fixedClock())}, opts...)
	l, err := Open(path, opts...)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// readLines reads the file and checks the framing every test relies on: the
// file ends with a newline and each line is one valid JSON object.
func readLines(t *testing.T, path string) []Entry {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Fatalf("file does not end with a newline: %q", b)
	}
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if !json.Valid(line) {
			t.Fatalf("line %d is not valid JSON: %q", len(out)+1, line)
		}
		var e Entry
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("line %d: %v", len(out)+1, err)
		}
		out = append(out, e)
	}
	return out
}

func muteEntry() Entry {
	return Entry{
		Action:         ActionMute,
		AccountSID:     "AC0123456789abcdef0123456789abcdef",
		ConferenceSID:  "CF0123456789abcdef0123456789abcdef",
		ConferenceName: "Sales standup",
		CallSID:        "CA0123456789abcdef0123456789abcdef",
		Label:          "agent-7",
		Params:         map[string]string{"Muted": "true"},
	}
}

func TestAppendsAcrossOpens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	for i := range 3 {
		l := openTest(t, path)
		id, err := l.Intent(ctx, muteEntry())
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Result(ctx, id, Entry{Outcome: OutcomeOK}); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if got, want := len(readLines(t, path)), 2*(i+1); got != want {
			t.Fatalf("after open %d: %d lines, want %d (the file was truncated?)", i+1, got, want)
		}
	}
}

func TestModes(t *testing.T) {
	tests := []struct {
		name string
		sub  string // relative to a fresh temp dir; its parents do not exist
	}{
		{"existing directory", "audit.jsonl"},
		{"new directory", "state/confconsole/audit.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.sub)
			l := openTest(t, path)
			if _, err := l.Intent(context.Background(), muteEntry()); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if m := fi.Mode().Perm(); m != 0o600 {
				t.Errorf("file mode %o, want 600", m)
			}
			if strings.Contains(tt.sub, "/") {
				di, err := os.Stat(filepath.Dir(path))
				if err != nil {
					t.Fatal(err)
				}
				if m := di.Mode().Perm(); m != 0o700 {
					t.Errorf("directory mode %o, want 700", m)
				}
			}
		})
	}
}

var timeRE = regexp.MustCompile(`^\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",`)

func TestIntentResultPair(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l := openTest(t, path)
	id1, err := l.Intent(ctx, muteEntry())
	if err != nil {
		t.Fatal(err)
	}
	hold := muteEntry()
	hold.Action, hold.Label, hold.Params = ActionHold, "customer", map[string]string{"Hold": "true"}
	id2, err := l.Intent(ctx, hold)
	if err != nil {
		t.Fatal(err)
	}
	if id1 == "" || id1 == id2 {
		t.Fatalf("ids %q and %q: want distinct and non-empty", id1, id2)
	}
	// Results come back out of order and describe only what happened.
	if err := l.Result(ctx, id2, Entry{Outcome: OutcomeFailed, ErrorCode: 20404,
		Error: "not found", RequestID: "RQ1", Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	if err := l.Result(ctx, id1, Entry{}); err != nil {
		t.Fatal(err)
	}

	raw, _ := os.ReadFile(path)
	for i, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		if !timeRE.MatchString(line) {
			t.Errorf("line %d does not start with a UTC millisecond time: %s", i+1, line)
		}
	}
	got := readLines(t, path)
	if len(got) != 4 {
		t.Fatalf("%d lines, want 4", len(got))
	}
	byID := map[string][]Entry{}
	for _, e := range got {
		byID[e.ID] = append(byID[e.ID], e)
	}
	tests := []struct {
		id      string
		action  Action
		label   string
		outcome Outcome
		code    int
	}{
		{id1, ActionMute, "agent-7", OutcomeUnknown, 0}, // no outcome given: unknown, never ok
		{id2, ActionHold, "customer", OutcomeFailed, 20404},
	}
	for _, tt := range tests {
		pair := byID[tt.id]
		if len(pair) != 2 || pair[0].Phase != PhaseIntent || pair[1].Phase != PhaseResult {
			t.Fatalf("id %s: %+v, want an intent then a result", tt.id, pair)
		}
		in, res := pair[0], pair[1]
		if in.Outcome != "" || in.Params == nil {
			t.Errorf("intent %s: outcome %q params %v", tt.id, in.Outcome, in.Params)
		}
		if res.Action != tt.action || res.Label != tt.label || res.ConferenceSID != in.ConferenceSID ||
			res.CallSID != in.CallSID || res.AccountSID != in.AccountSID || res.ConferenceName != in.ConferenceName {
			t.Errorf("result %s did not take the intent's context: %+v", tt.id, res)
		}
		if res.Outcome != tt.outcome || res.ErrorCode != tt.code {
			t.Errorf("result %s: outcome %q code %d, want %q %d", tt.id, res.Outcome, res.ErrorCode, tt.outcome, tt.code)
		}
		for _, e := range pair {
			if e.Operator != "alice" || e.Host != "console-1" || e.Time.Location() != time.UTC {
				t.Errorf("%s %s: operator %q host %q time %v", e.ID, e.Phase, e.Operator, e.Host, e.Time)
			}
		}
	}
	if got[2].RequestID != "RQ1" || got[2].Attempts != 1 || got[2].Error != "not found" {
		t.Errorf("result fields lost: %+v", got[2])
	}
	if want := "2026-03-01T13:05:06.790Z"; got[0].Time.Format(timeFormat) != want {
		t.Errorf("first time %s, want %s (UTC, ms)", got[0].Time.Format(timeFormat), want)
	}
}

func TestIdentityIsTheLogs(t *testing.T) {
	l := Disabled(WithIdentity(Identity{Operator: "bob", SSHUser: "carol", Host: "h"}))
	e := muteEntry()
	e.Operator, e.SSHUser, e.Host = "mallory", "mallory", "elsewhere"
	if _, err := l.Intent(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	got := l.Session()[0]
	if got.Operator != "bob" || got.SSHUser != "carol" || got.Host != "h" {
		t.Errorf("identity %q/%q/%q, want the Log's bob/carol/h", got.Operator, got.SSHUser, got.Host)
	}
}

// TestActorIsTheCallers checks that one log shared by several operators
// names on each record the operator its caller set, with the key's
// fingerprint, and never what the entry itself claims.
func TestActorIsTheCallers(t *testing.T) {
	alice := Actor{Operator: "alice", SSHUser: "support", Fingerprint: "SHA256:alicekey"}
	cases := []struct {
		name      string
		intentCtx context.Context
		resultCtx context.Context
		want      Actor
	}{
		{"no actor: the log's identity", context.Background(), context.Background(), Actor{Operator: "bob", SSHUser: "carol"}},
		{"actor on both", WithActor(context.Background(), alice), WithActor(context.Background(), alice), alice},
		{"result without the actor names the intent's", WithActor(context.Background(), alice), context.Background(), alice},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := Disabled(WithIdentity(Identity{Operator: "bob", SSHUser: "carol", Host: "h"}))
			e := muteEntry()
			e.Operator, e.SSHUser, e.KeyFingerprint = "mallory", "mallory", "SHA256:forged"
			id, err := l.Intent(tc.intentCtx, e)
			if err != nil {
				t.Fatal(err)
			}
			r := Entry{Outcome: OutcomeOK, Operator: "mallory", KeyFingerprint: "SHA256:forged"}
			if err := l.Result(tc.resultCtx, id, r); err != nil {
				t.Fatal(err)
			}
			for _, got := range l.Session() {
				if got.Operator != tc.want.Operator || got.SSHUser != tc.want.SSHUser || got.KeyFingerprint != tc.want.Fingerprint || got.Host != "h" {
					t.Errorf("%s: actor %q/%q/%q host %q, want %q/%q/%q host h", got.Phase,
						got.Operator, got.SSHUser, got.KeyFingerprint, got.Host, tc.want.Operator, tc.want.SSHUser, tc.want.Fingerprint)
				}
			}
		})
	}
}

func TestRedaction(t *testing.T) {
	const (
		sipPass   = "sip-pa55word-4711"
		authToken = "f00dfeedf00dfeedf00dfeedf00dfeed"
		apiSecret = "s3cr3t-api-secret-value"
		urlPass   = "hunter2hunter2"
		callToken = "eyJhbGciOiJIUzI1NiJ9.call-token"
	)
	tests := []struct {
		name   string
		params map[string]string
		errMsg string
		check  map[string]string // param -> the value the file must hold
	}{
		{
			name:   "sip password",
			params: map[string]string{"To": "sip:agent@example.com", "SipAuthUsername": "agent", "SipAuthPassword": sipPass},
			check:  map[string]string{"SipAuthPassword": Redacted, "SipAuthUsername": "agent", "To": "sip:agent@example.com"},
		},
		{
			name:   "names ending in token and secret, any case",
			params: map[string]string{"AuthToken": authToken, "ApiSecret": apiSecret, "CallToken": callToken, "From": "+15005550006"},
			check:  map[string]string{"AuthToken": Redacted, "ApiSecret": Redacted, "CallToken": Redacted, "From": "+15005550006"},
		},
		{
			name:   "password in a callback URL",
			params: map[string]string{"StatusCallback": "https://hooks:" + urlPass + "@example.com/cb?x=1"},
			check:  map[string]string{"StatusCallback": "https://hooks:xxxxx@example.com/cb?x=1"},
		},
		{
			name:   "secret echoed in an error message",
			params: map[string]string{"SipAuthPassword": sipPass},
			errMsg: "invalid SipAuthPassword " + sipPass + " and token " + authToken,
			check:  map[string]string{"SipAuthPassword": Redacted},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			l := openTest(t, path, WithSecrets(authToken, "", "abc"))
			e := muteEntry()
			e.Action, e.Params = ActionAdd, tt.params
			id, err := l.Intent(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			// The result carries no params: its error is scrubbed of the
			// secrets its intent sent.
			if err := l.Result(ctx, id, Entry{Outcome: OutcomeFailed, Error: tt.errMsg}); err != nil {
				t.Fatal(err)
			}
			if len(l.pending) != 0 {
				t.Errorf("secrets of answered intents still held: %d", len(l.pending))
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var mem strings.Builder
			for _, s := range l.Session() {
				fmt.Fprintf(&mem, "%+v %s\n", s, s.Summary())
			}
			for _, secret := range []string{sipPass, authToken, apiSecret, urlPass, callToken} {
				if bytes.Contains(raw, []byte(secret)) {
					t.Errorf("file contains the secret %q:\n%s", secret, raw)
				}
				if strings.Contains(mem.String(), secret) {
					t.Errorf("session contains the secret %q", secret)
				}
			}
			lines := readLines(t, path)
			for k, want := range tt.check {
				if got := lines[0].Params[k]; got != want {
					t.Errorf("param %s = %q, want %q", k, got, want)
				}
			}
			if tt.errMsg != "" && !strings.Contains(lines[1].Error, "invalid SipAuthPassword "+Redacted) {
				t.Errorf("error message %q: want the secret cut out and the rest kept", lines[1].Error)
			}
			// The caller's map is its own: redaction works on a copy.
			for k, v := range tt.params {
				if v == Redacted {
					t.Errorf("caller's param %s was modified", k)
				}
			}
		})
	}
}

// hostile are texts a label, conference name or error message could carry.
var hostile = []struct{ name, text string }{
	{"ESC CSI clear screen", "agent\x1b[2J\x1b[H-7"},
	{"OSC 52 clipboard write", "x\x1b]52;c;cm0gLXJmIH4K\x07y"},
	{"OSC 8 hyperlink with ST", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"},
	{"bidi override", "invoice\u202egpj.exe"},
	{"bidi isolates and marks", "\u2066a\u2069\u200f\u061c"},
	{"C1 CSI and NEL", "a\u009b31mb\u0085c"},
	{"DEL", "a\x7fb"},
	{"NUL CR LF TAB", "a\x00b\rc\nd\te"},
	{"line and paragraph separators", "a\u2028b\u2029c"},
	{"zero width and BOM", "a\u200bb\ufeffc"},
	{"tag characters", "a\U000E0041\U000E007Fb"},
	{"invalid UTF-8", "a\xff\xfe\xc0b"},
	{"quotes and backslashes", `a"b\c` + "\\u001b"},
	{"plain unicode", "Zoë – 会议 🎧"},
}

// checkInert fails if line, one record with its newline, holds any raw byte
// or rune a terminal could act on.
func checkInert(t testing.TB, line []byte) {
	t.Helper()
	if len(line) == 0 || line[len(line)-1] != '\n' || bytes.Count(line, []byte("\n")) != 1 {
		t.Fatalf("not exactly one line: %q", line)
	}
	body := line[:len(line)-1]
	for i, c := range body {
		if c < 0x20 || c == 0x7f {
			t.Fatalf("raw control byte %#x at %d in %q", c, i, line)
		}
	}
	if !utf8.Valid(body) {
		t.Fatalf("invalid UTF-8 in %q", line)
	}
	for _, r := range string(body) {
		if dangerous(r) || r == '\u2028' || r == '\u2029' {
			t.Fatalf("raw %U in %q", r, line)
		}
	}
	if !json.Valid(body) {
		t.Fatalf("not valid JSON: %q", line)
	}
}

func TestControlCharactersInert(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			l := openTest(t, path)
			e := muteEntry()
			e.Label, e.ConferenceName = tt.text, tt.text
			e.Params = map[string]string{"AnnounceUrl": tt.text}
			id, err := l.Intent(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Result(ctx, id, Entry{Outcome: OutcomeFailed, Error: tt.text, RequestID: tt.text}); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range bytes.SplitAfter(raw, []byte("\n")) {
				if len(line) > 0 {
					checkInert(t, line)
				}
			}
			// Nothing is lost: the text reads back as sent (invalid UTF-8
			// bytes become U+FFFD, as encoding/json does).
			want := string([]rune(tt.text))
			lines := readLines(t, path)
			if lines[0].Label != want || lines[0].ConferenceName != want ||
				lines[0].Params["AnnounceUrl"] != want || lines[1].Error != want {
				t.Errorf("round trip: got label %q name %q error %q, want %q",
					lines[0].Label, lines[0].ConferenceName, lines[1].Error, want)
			}
			// The log view's summary is safe to print too.
			for _, s := range l.Session() {
				for _, r := range s.Summary() {
					if r < 0x20 || r == 0x7f || dangerous(r) || r == '\u2028' || r == '\u2029' {
						t.Errorf("summary holds raw %U: %q", r, s.Summary())
					}
				}
			}
		})
	}
}

// TestJSONMarshalAloneIsNotInert documents why inert exists: without it the
// file would carry these runes raw.
func TestJSONMarshalAloneIsNotInert(t *testing.T) {
	for _, s := range []string{"\x7f", "\u009b", "\u202e", "\u200b"} {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), s) {
			t.Skipf("encoding/json now escapes %q itself", s)
		}
		if strings.Contains(string(inert(b)), s) {
			t.Errorf("inert left %q raw", s)
		}
	}
}

func TestWriteFailure(t *testing.T) {
	ctx := context.Background()
	t.Run("no space left on device", func(t *testing.T) {
		if _, err := os.Stat("/dev/full"); err != nil {
			t.Skip("no /dev/full here")
		}
		l := openTest(t, "/dev/full")
		id, err := l.Intent(ctx, muteEntry())
		if want := "audit log /dev/full: write: no space left on device"; err == nil || err.Error() != want {
			t.Fatalf("Intent error %v, want %q", err, want)
		}
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("error %v does not match ENOSPC", err)
		}
		if id == "" {
			t.Error("no id after a failed write: the result could not be paired")
		}
		if l.Err() == nil || l.Err().Error() != err.Error() {
			t.Errorf("Err() = %v, want the write failure", l.Err())
		}
		s := l.Session()
		if len(s) != 1 || s[0].Written || !strings.Contains(s[0].Summary(), "not in the file") {
			t.Errorf("session %+v: want the record kept and marked unwritten", s)
		}
	})
	t.Run("closed file", func(t *testing.T) {
		l := openTest(t, filepath.Join(t.TempDir(), "audit.jsonl"))
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		_, err := l.Intent(ctx, muteEntry())
		if !errors.Is(err, os.ErrClosed) || !errors.Is(l.Err(), os.ErrClosed) {
			t.Fatalf("after Close: Intent %v, Err %v; want os.ErrClosed", err, l.Err())
		}
	})
	t.Run("error is sticky", func(t *testing.T) {
		ff := &fakeFile{failWrites: 1}
		l := newLog("/x/audit.jsonl", ff, []Option{WithIdentity(testIdentity)})
		if _, err := l.Intent(ctx, muteEntry()); err == nil {
			t.Fatal("want the first write to fail")
		}
		if _, err := l.Intent(ctx, muteEntry()); err != nil {
			t.Fatal(err)
		}
		if l.Err() == nil {
			t.Error("Err() forgot the lost record after a later success")
		}
	})
}

func TestOpenFailure(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	roDir := filepath.Join(dir, "read-only")
	if err := os.Mkdir(roDir, 0o500); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		want    string
		skipped bool
	}{
		{"empty path", "", "audit log: empty path", false},
		{"parent is a file", filepath.Join(notDir, "audit.jsonl"), "audit log " + filepath.Join(notDir, "audit.jsonl") + ": create directory: not a directory", false},
		{"path is a directory", dir, "audit log " + dir + ": open: is a directory", false},
		{"read-only directory", filepath.Join(roDir, "audit.jsonl"), "audit log " + filepath.Join(roDir, "audit.jsonl") + ": open: permission denied", os.Geteuid() == 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.skipped {
				t.Skip("root ignores directory permissions")
			}
			l, err := Open(tt.path)
			if err == nil {
				l.Close()
				t.Fatalf("Open(%q) succeeded", tt.path)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want it to start with %q", err, tt.want)
			}
		})
	}
}

// fakeFile records how the Log writes.
type fakeFile struct {
	mu         sync.Mutex
	writes     [][]byte
	syncs      int
	failWrites int // fail this many writes first
	short      bool
	failSync   bool
	order      []string
}

func (f *fakeFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.order = append(f.order, "write")
	if f.failWrites > 0 {
		f.failWrites--
		return 0, &os.PathError{Op: "write", Path: "/x", Err: syscall.EIO}
	}
	f.writes = append(f.writes, append([]byte(nil), p...))
	if f.short {
		return len(p) - 1, nil
	}
	return len(p), nil
}

func (f *fakeFile) Sync() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.order = append(f.order, "sync")
	f.syncs++
	if f.failSync {
		return &os.PathError{Op: "sync", Path: "/x", Err: syscall.EIO}
	}
	return nil
}

func (f *fakeFile) Close() error { return nil }

func TestOneWriteThenSyncPerRecord(t *testing.T) {
	tests := []struct {
		name    string
		file    *fakeFile
		wantErr string
	}{
		{"ok", &fakeFile{}, ""},
		{"short write", &fakeFile{short: true}, "audit log /x/audit.jsonl: write: short write"},
		{"sync fails", &fakeFile{failSync: true}, "audit log /x/audit.jsonl: sync: input/output error"},
		{"write fails", &fakeFile{failWrites: 9}, "audit log /x/audit.jsonl: write: input/output error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLog("/x/audit.jsonl", tt.file, []Option{WithIdentity(testIdentity)})
			ctx := context.Background()
			id, err := l.Intent(ctx, muteEntry())
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Fatalf("Intent error %q, want %q", gotErr, tt.wantErr)
			}
			l.Result(ctx, id, Entry{Outcome: OutcomeOK})
			if tt.wantErr != "" {
				return
			}
			if want := []string{"write", "sync", "write", "sync"}; fmt.Sprint(tt.file.order) != fmt.Sprint(want) {
				t.Errorf("calls %v, want %v", tt.file.order, want)
			}
			for _, w := range tt.file.writes {
				checkInert(t, w)
			}
		})
	}
}

func TestConcurrentWriters(t *testing.T) {
	const logs, writers, each = 2, 4, 10
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	ctx := context.Background()
	// Two Logs on one file stand for two console sessions: without
	// O_APPEND they would write over each other's lines.
	var wg sync.WaitGroup
	for n := range logs {
		l := openTest(t, path, WithIdentity(Identity{Operator: "alice", Host: fmt.Sprint("console-", n)}))
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					e := muteEntry()
					e.Label = strings.Repeat(fmt.Sprintf("w%d-%d ", w, i), 40) // long lines
					id, err := l.Intent(ctx, e)
					if err != nil {
						t.Error(err)
						return
					}
					if err := l.Result(ctx, id, Entry{Outcome: OutcomeOK}); err != nil {
						t.Error(err)
					}
					_ = l.Session()
				}
			}()
		}
	}
	wg.Wait()
	lines := readLines(t, path)
	if want := logs * writers * each * 2; len(lines) != want {
		t.Fatalf("%d lines, want %d", len(lines), want)
	}
	phases := map[string]int{}
	last := map[string]time.Time{} // per Log: its clock is read in file order
	for i, e := range lines {
		if !e.Time.After(last[e.Host]) {
			t.Fatalf("line %d at %v is not after %v, the previous line of %s: records were not serialised",
				i+1, e.Time, last[e.Host], e.Host)
		}
		last[e.Host] = e.Time
		phases[e.ID+string(e.Phase)]++
	}
	if len(phases) != len(lines) {
		t.Errorf("%d distinct id+phase for %d lines: ids collide", len(phases), len(lines))
	}
}

func TestDisabled(t *testing.T) {
	tests := []struct {
		name string
		open func() (*Log, error)
	}{
		{"Disabled", func() (*Log, error) { return Disabled(WithIdentity(testIdentity)), nil }},
		{"Open(-)", func() (*Log, error) { return Open(DisabledPath, WithIdentity(testIdentity)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			l, err := tt.open()
			if err != nil {
				t.Fatal(err)
			}
			id, err := l.Intent(context.Background(), muteEntry())
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Result(context.Background(), id, Entry{Outcome: OutcomeOK}); err != nil {
				t.Fatal(err)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 0 {
				t.Errorf("a disabled log created %v", ents)
			}
			if l.Enabled() || l.Path() != "" || l.Err() != nil {
				t.Errorf("Enabled %v Path %q Err %v", l.Enabled(), l.Path(), l.Err())
			}
			s := l.Session()
			if len(s) != 2 || s[1].ID != id || s[1].Written {
				t.Errorf("session %+v: want both records, unwritten", s)
			}
		})
	}
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantErr error
	}{
		{"XDG_STATE_HOME", map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/home/a"}, "/s/confconsole/audit.jsonl", nil},
		{"HOME only", map[string]string{"HOME": "/home/a"}, "/home/a/.local/state/confconsole/audit.jsonl", nil},
		{"relative XDG_STATE_HOME is ignored", map[string]string{"XDG_STATE_HOME": "rel", "HOME": "/home/a"}, "/home/a/.local/state/confconsole/audit.jsonl", nil},
		{"neither", map[string]string{}, "", ErrNoStateDir},
		{"only a relative XDG_STATE_HOME", map[string]string{"XDG_STATE_HOME": "rel"}, "", ErrNoStateDir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultPath(func(k string) string { return tt.env[k] })
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("DefaultPath = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestSessionBounded(t *testing.T) {
	tests := []struct {
		name    string
		opts    []Option
		records int
		want    int
	}{
		{"under the limit", []Option{WithSessionSize(5)}, 3, 3},
		{"wraps", []Option{WithSessionSize(5)}, 12, 5},
		{"default size", nil, DefaultSessionSize + 7, DefaultSessionSize},
		{"size below 1 keeps the default", []Option{WithSessionSize(0)}, DefaultSessionSize + 1, DefaultSessionSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := Disabled(append(tt.opts, WithIdentity(testIdentity))...)
			var ids []string
			for range tt.records {
				id, _ := l.Intent(context.Background(), muteEntry())
				ids = append(ids, id)
			}
			s := l.Session()
			if len(s) != tt.want {
				t.Fatalf("%d records, want %d", len(s), tt.want)
			}
			for i, e := range s {
				if want := ids[len(ids)-tt.want+i]; e.ID != want {
					t.Fatalf("record %d is %s, want %s (the newest, oldest first)", i, e.ID, want)
				}
			}
			if len(l.ring) != tt.want {
				t.Errorf("ring holds %d records, want %d", len(l.ring), tt.want)
			}
		})
	}
	t.Run("unanswered intents' secrets are bounded", func(t *testing.T) {
		l := Disabled(WithSessionSize(3), WithIdentity(testIdentity))
		for range 10 {
			l.Intent(context.Background(), Entry{Action: ActionAdd, Params: map[string]string{"SipAuthPassword": "p4ssw0rd!"}})
		}
		if len(l.pending) > 3 {
			t.Errorf("%d pending secret sets, want at most 3", len(l.pending))
		}
	})
	t.Run("copies", func(t *testing.T) {
		l := Disabled(WithIdentity(testIdentity))
		l.Intent(context.Background(), muteEntry())
		l.Session()[0].Params["Muted"] = "tampered"
		if got := l.Session()[0].Params["Muted"]; got != "true" {
			t.Errorf("Session shares its maps: %q", got)
		}
	})
	t.Run("result pairs after its intent left the ring", func(t *testing.T) {
		l := Disabled(WithSessionSize(2), WithIdentity(testIdentity))
		ctx := context.Background()
		id, _ := l.Intent(ctx, muteEntry())
		l.Intent(ctx, muteEntry())
		l.Intent(ctx, muteEntry())
		if err := l.Result(ctx, id, Entry{Outcome: OutcomeOK, Action: ActionMute}); err != nil {
			t.Fatal(err)
		}
		if s := l.Session(); s[1].ID != id || s[1].Phase != PhaseResult {
			t.Errorf("late result not recorded: %+v", s[1])
		}
	})
}

func TestIdentityFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantSSH string
	}{
		{"local", map[string]string{"USER": "ann"}, ""},
		{"ssh connection", map[string]string{"USER": "ann", "SSH_CONNECTION": "10.0.0.2 51000 10.0.0.1 22"}, "ann"},
		{"ssh client, LOGNAME", map[string]string{"LOGNAME": "ben", "SSH_CLIENT": "10.0.0.2 51000 22"}, "ben"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := IdentityFromEnv(func(k string) string { return tt.env[k] })
			if id.SSHUser != tt.wantSSH {
				t.Errorf("SSHUser %q, want %q", id.SSHUser, tt.wantSSH)
			}
			if id.Operator == "" {
				t.Error("no operator")
			}
		})
	}
}

func TestOutcomeOf(t *testing.T) {
	timeoutErr := &timeoutError{}
	tests := []struct {
		err  error
		want Outcome
	}{
		{nil, OutcomeOK},
		{errors.New("twilio 20404"), OutcomeFailed},
		{fmt.Errorf("update participant: %w", context.DeadlineExceeded), OutcomeUnknown},
		{context.Canceled, OutcomeUnknown},
		{fmt.Errorf("post: %w", timeoutErr), OutcomeUnknown},
	}
	for _, tt := range tests {
		if got := OutcomeOf(tt.err); got != tt.want {
			t.Errorf("OutcomeOf(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

type timeoutError struct{}

func (*timeoutError) Error() string   { return "i/o timeout" }
func (*timeoutError) Timeout() bool   { return true }
func (*timeoutError) Temporary() bool { return true }

func TestActions(t *testing.T) {
	want := "mute unmute hold resume coach stop-coaching announce announce-all remove add end-conference recording-pause recording-resume recording-stop"
	var names []string
	for _, a := range Actions() {
		if !a.Known() {
			t.Errorf("%s not known", a)
		}
		names = append(names, string(a))
	}
	if got := strings.Join(names, " "); got != want {
		t.Errorf("actions %q, want %q", got, want)
	}
	if Action("unmute-all").Known() {
		t.Error("an unlisted action is known")
	}
	// An unknown action is still written: a record is never dropped.
	l := Disabled(WithIdentity(testIdentity))
	if _, err := l.Intent(context.Background(), Entry{Action: "mystery"}); err != nil || len(l.Session()) != 1 {
		t.Errorf("unknown action: err %v, %d records", err, len(l.Session()))
	}
}

func TestSummary(t *testing.T) {
	at := time.Date(2026, 3, 1, 13, 5, 6, 0, time.UTC)
	tests := []struct {
		e    Entry
		want string
	}{
		{Entry{Time: at, Phase: PhaseIntent, Action: ActionMute, Label: "agent-7", ConferenceName: "Sales", Written: true},
			`13:05:06 intent mute "agent-7" in "Sales"`},
		{Entry{Time: at, Phase: PhaseResult, Action: ActionRemove, CallSID: "CA1", ConferenceSID: "CF1",
			Outcome: OutcomeFailed, ErrorCode: 20404, Error: "not found", Written: true},
			`13:05:06 result remove "CA1" in "CF1": failed twilio 20404 "not found"`},
		{Entry{Time: at, Phase: PhaseResult, Action: "x\x1b[2J", Label: "a\u202eb", Outcome: OutcomeOK},
			`13:05:06 result "x\x1b[2J" "a\u202eb": ok (not in the file)`},
	}
	for _, tt := range tests {
		if got := tt.e.Summary(); got != tt.want {
			t.Errorf("Summary\n got %s\nwant %s", got, tt.want)
		}
	}
}

func TestFormParams(t *testing.T) {
	got := FormParams(map[string][]string{"StatusCallbackEvent": {"start", "end"}, "Muted": {"true"}})
	if got["StatusCallbackEvent"] != "start end" || got["Muted"] != "true" || len(got) != 2 {
		t.Errorf("FormParams = %v", got)
	}
}

// FuzzEntry: any label, name or message gives exactly one valid JSON line
// with no raw control bytes, which reads back as the text given.
func FuzzEntry(f *testing.F) {
	for _, h := range hostile {
		f.Add(h.text, h.text, h.text)
	}
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, label, name, msg string) {
		e := muteEntry()
		e.Time = time.Unix(1700000000, 0)
		e.Phase, e.ID = PhaseResult, "s-1"
		e.Label, e.ConferenceName, e.Error = label, name, msg
		e.Params = map[string]string{label: msg}
		e, _ = redact(e, nil)
		line, err := encodeLine(e)
		if err != nil {
			t.Fatal(err)
		}
		checkInert(t, line)
		var back Entry
		if err := json.Unmarshal(line, &back); err != nil {
			t.Fatal(err)
		}
		if back.Label != string([]rune(label)) || back.ConferenceName != string([]rune(name)) {
			t.Errorf("round trip: %q %q, want %q %q", back.Label, back.ConferenceName, label, name)
		}
	})
}

func BenchmarkIntentResult(b *testing.B) {
	path := filepath.Join(b.TempDir(), "audit.jsonl")
	l, err := Open(path, WithIdentity(testIdentity))
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		id, _ := l.Intent(ctx, muteEntry())
		l.Result(ctx, id, Entry{Outcome: OutcomeOK})
	}
}

func BenchmarkEncodeLine(b *testing.B) {
	e := muteEntry()
	e.Label = "agent\u202e7\x1b[2J"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeLine(e); err != nil {
			b.Fatal(err)
		}
	}
}

// tornFile is a real file on a disk that fills up at its failAt-th write:
// half of that write reaches the file and the call reports ENOSPC, as
// write(2) does when a record straddles the last free block.
type tornFile struct {
	*os.File
	writes int
	failAt int
}

func (f *tornFile) Write(p []byte) (int, error) {
	f.writes++
	if f.writes != f.failAt {
		return f.File.Write(p)
	}
	n, err := f.File.Write(p[:len(p)/2])
	if err != nil {
		return n, err
	}
	return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

// plainFile hides everything of a tornFile but writing, syncing and
// closing: the Log cannot cut the torn bytes back out.
type plainFile struct{ f *tornFile }

func (p plainFile) Write(b []byte) (int, error) { return p.f.Write(b) }
func (p plainFile) Sync() error                 { return p.f.Sync() }
func (p plainFile) Close() error                { return p.f.Close() }

// TestShortWriteLeavesWholeRecords: a write that reaches the file only in
// part (a full disk) must not leave half a record for the next one to be
// glued onto. The torn bytes are cut off again; where the file cannot be
// cut, the next record still starts on a line of its own.
func TestShortWriteLeavesWholeRecords(t *testing.T) {
	tests := []struct {
		name     string
		wrap     func(*tornFile) file
		wantTorn bool // the half record stays in the file, on its own line
	}{
		{"cut back to the last line", func(f *tornFile) file { return f }, false},
		{"cannot be cut", func(f *tornFile) file { return plainFile{f} }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "audit.jsonl")
			of, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_RDWR, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			tf := &tornFile{File: of, failAt: 2}
			l := newLog(path, tt.wrap(tf), []Option{WithIdentity(testIdentity), WithClock(fixedClock())})
			defer l.Close()
			id, err := l.Intent(ctx, muteEntry())
			if err != nil {
				t.Fatal(err)
			}
			err = l.Result(ctx, id, Entry{Outcome: OutcomeOK}) // the torn write
			if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "no space left on device") {
				t.Fatalf("Result error %v, want no space left on device", err)
			}
			if _, err := l.Intent(ctx, muteEntry()); err != nil {
				t.Fatalf("the record after the full disk: %v", err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			var whole []string
			for _, line := range lines {
				if json.Valid([]byte(line)) {
					whole = append(whole, line)
				} else if !tt.wantTorn {
					t.Errorf("a line does not parse: %q", line)
				}
			}
			if len(whole) != 2 {
				t.Errorf("%d whole records in the file, want the two that were written:\n%s", len(whole), b)
			}
			wantLines := 2
			if tt.wantTorn {
				wantLines = 3
			}
			if len(lines) != wantLines {
				t.Errorf("%d lines, want %d:\n%s", len(lines), wantLines, b)
			}
			if !tt.wantTorn {
				readLines(t, path) // every line parses, the file ends with a newline
			}
			if s := l.Session(); len(s) != 3 || s[1].Written || !s[2].Written {
				t.Errorf("session %+v: want the torn record kept and marked unwritten", s)
			}
		})
	}
}

// TestRecordStandsAlone: a bulk action's participant is one result line of
// its own, with a fresh id and the batch's id; a line without an outcome
// says unknown; an action on its own carries no batch field at all.
func TestRecordStandsAlone(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l := openTest(t, path)
	done := muteEntry()
	done.Batch, done.Outcome = "Bq3xk0", OutcomeOK
	id1, err := l.Record(ctx, done)
	if err != nil {
		t.Fatal(err)
	}
	cancelled := muteEntry()
	cancelled.Batch, cancelled.Outcome = "Bq3xk0", OutcomeCancelled
	id2, err := l.Record(ctx, cancelled)
	if err != nil {
		t.Fatal(err)
	}
	blank := muteEntry()
	blank.Batch = "Bq3xk0"
	if _, err := l.Record(ctx, blank); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Intent(ctx, muteEntry()); err != nil {
		t.Fatal(err)
	}
	if id1 == "" || id1 == id2 {
		t.Errorf("ids %q and %q: want distinct and non-empty", id1, id2)
	}
	got := readLines(t, path)
	if len(got) != 4 {
		t.Fatalf("%d lines, want 4", len(got))
	}
	for i, want := range []Outcome{OutcomeOK, OutcomeCancelled, OutcomeUnknown} {
		e := got[i]
		if e.Phase != PhaseResult || e.Batch != "Bq3xk0" || e.Outcome != want || e.Operator != testIdentity.Operator {
			t.Errorf("line %d = %+v, want a result of batch Bq3xk0, %s", i+1, e, want)
		}
	}
	if !strings.Contains(got[1].Summary(), `(bulk "Bq3xk0")`) {
		t.Errorf("summary %q does not name the batch", got[1].Summary())
	}
	raw, _ := os.ReadFile(path)
	if last := strings.Split(strings.TrimSpace(string(raw)), "\n")[3]; strings.Contains(last, `"batch"`) {
		t.Errorf("a single action's line has a batch field: %s", last)
	}
}

// TestSessionsShareTheMend: the sessions of one server append to one file.
// When one session's record is torn on a full disk and cannot be cut back,
// the next record, whichever session writes it, still starts on a line of
// its own.
func TestSessionsShareTheMend(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	of, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	tf := &tornFile{File: of, failAt: 2}
	sh := &Shared{out: &trail{path: path, f: plainFile{tf}}, opts: []Option{WithClock(fixedClock())}}
	defer sh.Close()
	alice := sh.Session(WithIdentity(Identity{Operator: "alice"}))
	bob := sh.Session(WithIdentity(Identity{Operator: "bob"}))
	id, err := alice.Intent(ctx, muteEntry())
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Result(ctx, id, Entry{Outcome: OutcomeOK}); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("alice's torn result: %v, want no space left on device", err)
	}
	if _, err := bob.Intent(ctx, muteEntry()); err != nil {
		t.Fatalf("bob's record after the full disk: %v", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var whole []string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if json.Valid([]byte(line)) {
			whole = append(whole, line)
		}
	}
	if len(whole) != 2 || !strings.Contains(whole[1], `"operator":"bob"`) {
		t.Errorf("whole records %q, want alice's intent and bob's, each on its own line:\n%s", whole, b)
	}
	// Closing one session leaves the file open for the others.
	if err := alice.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Intent(ctx, muteEntry()); !errors.Is(err, os.ErrClosed) {
		t.Errorf("alice's record after her Close: %v, want os.ErrClosed", err)
	}
	if _, err := bob.Intent(ctx, muteEntry()); err != nil {
		t.Errorf("bob's record after alice closed: %v", err)
	}
}
