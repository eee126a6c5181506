package serve_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"confconsole/ui/serve"
)

func TestParseOperators(t *testing.T) {
	a, b := newSigner(t), newSigner(t)
	keyA := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(a.PublicKey())))
	keyB := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(b.PublicKey())))
	type want struct {
		key  gossh.PublicKey
		name string
		role serve.Role
	}
	for _, tc := range []struct {
		name  string
		file  string
		want  []want // when the file parses
		error string // a pattern, when it does not
	}{
		{
			name: "roles, default monitor, comments and blank lines",
			file: "# team\n\n" + `role="moderator" ` + keyA + " alice\n" + keyB + " bob smith\n",
			want: []want{{a.PublicKey(), "alice", serve.Moderator}, {b.PublicKey(), "bob smith", serve.Monitor}},
		},
		{
			name: "an explicit monitor",
			file: `role="monitor" ` + keyA + " alice\n",
			want: []want{{a.PublicKey(), "alice", serve.Monitor}},
		},
		{
			name:  "a key that does not parse, after a good one",
			file:  keyA + " alice\n\n" + `role="moderator" ssh-ed25519 AAAAnotbase64 bob` + "\n" + keyB + " carol\n",
			error: `^line 3: not a public key`,
		},
		{
			name:  "no comment",
			file:  keyA + "\n",
			error: `^line 1: the key has no comment; add the operator's name`,
		},
		{
			name:  "an unknown role",
			file:  "\n" + `role="admin" ` + keyA + " alice\n",
			error: `^line 2: role "admin" is not a role; use role="moderator" or role="monitor"`,
		},
		{
			name:  "two roles",
			file:  `role="moderator",role="monitor" ` + keyA + " alice\n",
			error: `^line 1: more than one role; give the key one: role="moderator" or role="monitor"`,
		},
		{
			name:  "another option",
			file:  `no-pty ` + keyA + " alice\n",
			error: `^line 1: option "no-pty" is not understood`,
		},
		{
			name:  "the same key twice",
			file:  keyA + " alice\n" + keyA + " alice2\n",
			error: `^line 2: the same key as line 1 \(alice\)`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops, err := serve.ParseOperators(strings.NewReader(tc.file))
			if tc.error != "" {
				if err == nil || !regexp.MustCompile(tc.error).MatchString(err.Error()) {
					t.Fatalf("error %v, want %s", err, tc.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ops.Len() != len(tc.want) {
				t.Errorf("%d operators, want %d", ops.Len(), len(tc.want))
			}
			for _, w := range tc.want {
				k := w.key
				op, ok := ops.Lookup(k)
				if !ok || op.Name != w.name || op.Role != w.role {
					t.Errorf("lookup %s: %+v %v, want %+v", gossh.FingerprintSHA256(k), op, ok, w)
				}
				if op.Fingerprint != gossh.FingerprintSHA256(k) {
					t.Errorf("fingerprint %q", op.Fingerprint)
				}
			}
			if _, ok := ops.Lookup(newSigner(t).PublicKey()); ok {
				t.Error("an unknown key was found")
			}
		})
	}
}

// TestOperatorsReload: a key added to the file can log in without a
// restart, by the file's change alone or by Reload (SIGHUP); a broken file
// keeps the operators there were; a removed key is refused.
func TestOperatorsReload(t *testing.T) {
	w := newWorld(t, nil, nil)
	if _, err := w.dial("eve"); err == nil {
		t.Fatal("eve logged in before being added")
	}
	original, err := os.ReadFile(w.opsPath)
	if err != nil {
		t.Fatal(err)
	}
	withEve := append(append([]byte(nil), original...), authorizedLine("monitor", w.keys["eve"], "eve")...)
	if err := os.WriteFile(w.opsPath, withEve, 0o600); err != nil {
		t.Fatal(err)
	}
	// The file's change alone: checked once a second.
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := w.dial("eve")
		if err == nil {
			tm := openOn(t, c, termOpts{})
			tm.waitFor("eve's list", listShown)
			tm.waitFor("eve named", regexp.MustCompile(`eve \(monitor\)`))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("eve still refused after the file changed: %v\n%s", err, w.serverLog)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// A broken file is not taken: everyone there was stays.
	if err := os.WriteFile(w.opsPath, append(withEve, "ssh-ed25519 broken\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Reload(); err == nil || !strings.Contains(err.Error(), "line 7") {
		t.Errorf("reload of a broken file: %v, want an error naming line 7", err)
	}
	if c, err := w.dial("eve"); err != nil {
		t.Errorf("eve refused after a broken reload: %v", err)
	} else {
		c.Close()
	}

	// Removed, and reloaded at once (as SIGHUP does).
	if err := os.WriteFile(w.opsPath, original, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Reload(); err != nil {
		t.Fatal(err)
	}
	if c, err := w.dial("eve"); err == nil {
		c.Close()
		t.Error("eve logged in after being removed")
	}
}

func TestHostKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "confconsole", "host_key")
	first, created, err := serve.LoadOrCreateHostKey(path)
	if err != nil || !created {
		t.Fatalf("first run: created %v, %v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	again, created, err := serve.LoadOrCreateHostKey(path)
	if err != nil || created {
		t.Fatalf("second run: created %v, %v", created, err)
	}
	if gossh.FingerprintSHA256(again.PublicKey()) != gossh.FingerprintSHA256(first.PublicKey()) {
		t.Error("the second run has another key")
	}
	// A key others can read is refused, saying how to fix it, as sshd does.
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, _, err := serve.LoadOrCreateHostKey(path)
		if want := fmt.Sprintf("(mode %04o); make it private with: chmod 600 %s", mode, path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("a host key with mode %04o: %v, want an error saying %q", mode, err, want)
		}
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if _, _, err := serve.LoadOrCreateHostKey(path); err != nil {
		t.Errorf("a host key with mode 0400: %v", err)
	}
	env := map[string]string{"XDG_STATE_HOME": "/var/lib/x", "HOME": "/home/u"}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{env, "/var/lib/x/confconsole/ssh_host_ed25519_key"},
		{map[string]string{"XDG_STATE_HOME": "rel", "HOME": "/home/u"}, "/home/u/.local/state/confconsole/ssh_host_ed25519_key"},
		{map[string]string{}, ""},
	} {
		got, err := serve.DefaultHostKeyPath(func(k string) string { return tc.env[k] })
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("%v: %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
}

// TestReloadEndsRemovedSessions: removing a key from the file ends that
// key's open sessions, each told why, and so does making a moderator a
// monitor; a monitor made moderator and anyone unchanged keep their
// sessions. The demoted moderator connects again and watches.
func TestReloadEndsRemovedSessions(t *testing.T) {
	w := newWorld(t, nil, nil)
	write := func(ops string) {
		t.Helper()
		if err := os.WriteFile(w.opsPath, []byte(ops), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := w.srv.Reload(); err != nil {
			t.Fatal(err)
		}
	}
	alice := authorizedLine("moderator", w.keys["alice"], "alice")
	write(alice + authorizedLine("", w.keys["bob"], "bob") +
		authorizedLine("moderator", w.keys["carol"], "carol") + authorizedLine("monitor", w.keys["eve"], "eve"))
	sessions := map[string]*terminal{}
	for _, who := range []string{"alice", "bob", "carol", "eve"} {
		sessions[who] = w.open(who, termOpts{})
		sessions[who].waitFor(who+"'s list", listShown)
	}
	// bob removed, carol a monitor now, eve a moderator now, alice as
	// she was.
	write(alice + authorizedLine("monitor", w.keys["carol"], "carol") + authorizedLine("moderator", w.keys["eve"], "eve"))
	for _, tc := range []struct{ who, told string }{
		{"bob", "your key was removed from the operators file; this session is closed."},
		{"carol", "you are now a monitor in the operators file; connect again to watch."},
	} {
		tm := sessions[tc.who]
		tm.waitEnd(10 * time.Second) //nolint:errcheck // the message is the point
		if !strings.Contains(tm.text(), "confconsole: "+tc.told) {
			t.Errorf("%s's session was not told %q; it printed:\n%s", tc.who, tc.told, tail(tm.text(), 300))
		}
	}
	for _, who := range []string{"alice", "eve"} {
		tm := sessions[who]
		mark := tm.mark()
		tm.send("c")
		tm.waitAfter(mark, who+"'s console still answering", regexp.MustCompile(`completed`))
	}
	if n := w.srv.Sessions(); n != 2 {
		t.Errorf("%d sessions open, want alice's and eve's", n)
	}
	for _, want := range []string{"bob (", "disconnected: key removed from the operators file", "carol (", "disconnected: role changed to monitor"} {
		if !strings.Contains(w.serverLog.String(), want) {
			t.Errorf("the server's log does not say %q:\n%s", want, w.serverLog)
		}
	}

	carol := w.open("carol", termOpts{})
	carol.waitFor("carol back, watching", regexp.MustCompile(`READ-ONLY.*carol \(monitor\)`))
}

// TestOperatorsFileGone: a deleted operators file keeps the operators the
// server had (a file being replaced is briefly gone too), and the server's
// log says so once; when the file is back it is read again.
func TestOperatorsFileGone(t *testing.T) {
	w := newWorld(t, nil, nil)
	original, err := os.ReadFile(w.opsPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(w.opsPath); err != nil {
		t.Fatal(err)
	}
	said := regexp.MustCompile(`operators file cannot be read, keeping the previous operators until it can: .*no such file`)
	deadline := time.Now().Add(20 * time.Second)
	for !said.MatchString(w.serverLog.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("the server's log does not say the file is gone:\n%s", w.serverLog)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(2 * reloadCheck) // more checks of the missing file
	if n := len(said.FindAllString(w.serverLog.String(), -1)); n != 1 {
		t.Errorf("the missing file was logged %d times, want once:\n%s", n, w.serverLog)
	}
	if c, err := w.dial("alice"); err != nil {
		t.Errorf("alice refused while the file is gone: %v", err)
	} else {
		c.Close()
	}
	if err := os.WriteFile(w.opsPath, append(original, authorizedLine("monitor", w.keys["eve"], "eve")...), 0o600); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		c, err := w.dial("eve")
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("eve still refused after the file came back: %v\n%s", err, w.serverLog)
		}
	}
}

// reloadCheck is how often the server looks at the operators file.
const reloadCheck = time.Second
