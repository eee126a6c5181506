package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// ErrNoStateDir is returned by DefaultHostKeyPath when neither
// XDG_STATE_HOME nor HOME says where the host key should live.
var ErrNoStateDir = errors.New("host key: neither XDG_STATE_HOME nor HOME is set; choose a file with --host-key PATH")

// DefaultHostKeyPath is where the server's host key lives when --host-key
// is not given: $XDG_STATE_HOME/confconsole/ssh_host_ed25519_key, else
// $HOME/.local/state/confconsole/ssh_host_ed25519_key. Never the working
// directory, where it would end up committed or lost.
func DefaultHostKeyPath(getenv func(string) string) (string, error) {
	const name = "ssh_host_ed25519_key"
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "confconsole", name), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "confconsole", name), nil
	}
	return "", ErrNoStateDir
}

// LoadOrCreateHostKey reads the host key at path, or, when there is no
// file there, makes a new ed25519 key and writes it with mode 0600 (its
// directory 0700). created says which happened, so the caller can print the
// new key's fingerprint for operators to check.
func LoadOrCreateHostKey(path string) (signer gossh.Signer, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		// As sshd does: a host key others can read lets them pose as the
		// server, so it is refused rather than used.
		fi, err := os.Stat(path)
		if err != nil {
			return nil, false, fmt.Errorf("host key: %w", err)
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			return nil, false, fmt.Errorf("host key %s can be read by others (mode %04o); make it private with: chmod 600 %s", path, perm, path)
		}
		signer, err := gossh.ParsePrivateKey(b)
		if err != nil {
			return nil, false, fmt.Errorf("host key %s: %w", path, err)
		}
		return signer, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("host key: generate: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "confconsole serve host key")
	if err != nil {
		return nil, false, fmt.Errorf("host key: encode: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	// O_EXCL: two servers starting at once must not overwrite each other's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	if _, err := f.Write(pem.EncodeToMemory(block)); err != nil {
		f.Close() //nolint:errcheck // the write error is the one to report
		return nil, false, fmt.Errorf("host key %s: write: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, false, fmt.Errorf("host key %s: write: %w", path, err)
	}
	signer, err = gossh.NewSignerFromKey(priv)
	if err != nil {
		return nil, false, fmt.Errorf("host key: %w", err)
	}
	return signer, true, nil
}
