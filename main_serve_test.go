package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServeRefusesToStart: confconsole serve says what is wrong with its
// command line or its operators file, before listening.
func TestServeRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	if err := os.WriteFile(good, []byte("# none yet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("# team\n\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK0s/4q3Jv3sWq2X0Z0sYy2x0b5s1S7R1Q3mQbQmQmQm alice\nnot a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_STATE_HOME": filepath.Join(dir, "state"), "XDG_CONFIG_HOME": dir, "HOME": dir}
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no operators file", []string{"--demo"}, true, `--operators FILE is required`},
		{"a missing operators file", []string{"--demo", "--operators", filepath.Join(dir, "nope")}, false, `operators file: open .*nope: no such file`},
		{"a line that does not parse", []string{"--demo", "--operators", bad, "--listen", "127.0.0.1:0"}, false, `operators file .*bad: line 4: not a public key`},
		{"--conference", []string{"--demo", "--operators", good, "--conference", "x"}, true, `each operator names the conference when connecting`},
		{"a short idle timeout", []string{"--demo", "--operators", good, "--idle-timeout", "10s"}, true, `--idle-timeout 10s is too short`},
		{"no sessions allowed", []string{"--demo", "--operators", good, "--max-sessions", "0"}, true, `must be at least 1`},
		{"an argument", []string{"--demo", "--operators", good, "extra"}, true, `unexpected argument "extra"`},
		{"a bad listen address", []string{"--demo", "--operators", good, "--listen", "127.0.0.1:99999"}, false, `--listen 127.0.0.1:99999: `},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"serve"}, tc.args...), getenv, strings.NewReader(""), &stdout, &stderr)
			if err == nil {
				t.Fatal("started")
			}
			if !regexp.MustCompile(tc.want).MatchString(err.Error()) {
				t.Errorf("error %q, want %s", err, tc.want)
			}
			var u usageError
			if errors.As(err, &u) != tc.usage {
				t.Errorf("usage error %v, want %v", errors.As(err, &u), tc.usage)
			}
			if tc.name != "a bad listen address" {
				if _, err := os.Stat(filepath.Join(dir, "state")); err == nil {
					t.Error("a refused start made a host key")
				}
			}
		})
	}
}
