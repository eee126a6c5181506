// Package serve is confconsole's SSH server: one console per SSH session,
// each its own Bubble Tea program on the session's terminal, for the
// operators an authorized_keys-style file names. Who an operator is and
// what they may do (moderate or only watch) is decided here, from the key
// they logged in with, never from anything the client sends.
package serve

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// Role is what an operator may do.
type Role int

const (
	// Monitor watches only: every key that changes a call is disabled.
	Monitor Role = iota
	// Moderator may act on calls.
	Moderator
)

// String is the role's name as the operators file spells it.
func (r Role) String() string {
	if r == Moderator {
		return "moderator"
	}
	return "monitor"
}

// Operator is one line of the operators file: a key, who holds it and what
// they may do.
type Operator struct {
	Name        string // the key's comment
	Role        Role
	Fingerprint string // SHA256:... of the key
	Line        int    // where the operators file names it
}

// Operators is a parsed operators file: the operators by key fingerprint.
// It is never changed once parsed; a reload makes a new one.
type Operators struct {
	byFingerprint map[string]Operator
}

// Len is how many keys the file names.
func (o *Operators) Len() int {
	if o == nil {
		return 0
	}
	return len(o.byFingerprint)
}

// Lookup finds the operator holding key.
func (o *Operators) Lookup(key gossh.PublicKey) (Operator, bool) {
	if o == nil || key == nil {
		return Operator{}, false
	}
	op, ok := o.byFingerprint[gossh.FingerprintSHA256(key)]
	return op, ok
}

// ParseOperators reads an operators file in OpenSSH authorized_keys format:
// one public key a line, the option role="moderator" or role="monitor" (the
// default), and a comment naming the operator. Blank lines and lines
// starting with # are skipped. Any line that does not parse is an error
// naming it: a file is taken whole or not at all, so a typo never silently
// drops the keys after it.
func ParseOperators(r io.Reader) (*Operators, error) {
	ops := &Operators{byFingerprint: map[string]Operator{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		op, err := parseOperatorLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		op.Line = n
		if prev, dup := ops.byFingerprint[op.Fingerprint]; dup {
			return nil, fmt.Errorf("line %d: the same key as line %d (%s); give each key one line", n, prev.Line, prev.Name)
		}
		ops.byFingerprint[op.Fingerprint] = op
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return ops, nil
}

func parseOperatorLine(line []byte) (Operator, error) {
	key, comment, options, rest, err := gossh.ParseAuthorizedKey(line)
	if err != nil {
		return Operator{}, fmt.Errorf("not a public key in authorized_keys format (%v); write: role=\"moderator\" ssh-ed25519 AAAA... name", err)
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return Operator{}, errors.New("more than one key on the line; put each key on its own line")
	}
	op := Operator{Name: strings.TrimSpace(comment), Role: Monitor, Fingerprint: gossh.FingerprintSHA256(key)}
	if op.Name == "" {
		return Operator{}, errors.New("the key has no comment; add the operator's name after the key")
	}
	roles := 0
	for _, o := range options {
		name, value, _ := strings.Cut(o, "=")
		if name != "role" {
			return Operator{}, fmt.Errorf("option %q is not understood; the only option is role=\"moderator\" or role=\"monitor\"", o)
		}
		// Two roles are a mistake either way; taking the last would give
		// a key whichever one happened to come second.
		if roles++; roles > 1 {
			return Operator{}, errors.New(`more than one role; give the key one: role="moderator" or role="monitor"`)
		}
		switch strings.Trim(value, `"`) {
		case "moderator":
			op.Role = Moderator
		case "monitor":
			op.Role = Monitor
		default:
			return Operator{}, fmt.Errorf("role %s is not a role; use role=\"moderator\" or role=\"monitor\"", value)
		}
	}
	return op, nil
}

// LoadOperators reads and parses the operators file at path.
func LoadOperators(path string) (*Operators, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("operators file: %w", err)
	}
	defer f.Close() //nolint:errcheck // read only
	ops, err := ParseOperators(f)
	if err != nil {
		return nil, fmt.Errorf("operators file %s: %w", path, err)
	}
	return ops, nil
}
