package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"confconsole/api/audit"
)

// needOpenSSH skips without the OpenSSH client, except in CI, where .ci/run
// installs it and the test must run.
func needOpenSSH(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed; .ci/run must install openssh-client", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
}

// TestEndToEndServeOverOpenSSH runs confconsole serve --demo and two
// operators' OpenSSH clients in real terminals: alice (a moderator) opens
// a room by name and mutes a participant; bob (a monitor) sees it on his
// screen; both quit; the audit log names alice and her key; SIGTERM stops
// the server cleanly.
func TestEndToEndServeOverOpenSSH(t *testing.T) {
	needTmux(t)
	needOpenSSH(t)
	bin := buildBinary(t)
	dir := t.TempDir()

	var ops strings.Builder
	fingerprints := map[string]string{}
	for _, who := range []struct{ name, role string }{{"alice", "moderator"}, {"bob", "monitor"}} {
		key := filepath.Join(dir, who.name)
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", who.name, "-f", key).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
		pub, err := os.ReadFile(key + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		pk, _, _, _, err := gossh.ParseAuthorizedKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		fingerprints[who.name] = gossh.FingerprintSHA256(pk)
		fmt.Fprintf(&ops, "role=%q %s", who.role, pub)
	}
	opsPath, trail := filepath.Join(dir, "operators"), filepath.Join(dir, "audit.jsonl")
	if err := os.WriteFile(opsPath, []byte(ops.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	outPath := filepath.Join(dir, "serve.out")
	outF, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	srv := exec.Command(bin, "serve", "--demo", "--listen", "127.0.0.1:0", "--operators", opsPath,
		"--host-key", filepath.Join(dir, "host_key"), "--audit-log", trail)
	srv.Stdout, srv.Stderr = outF, &logBuf
	srv.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir) // no config file of the machine's
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	t.Cleanup(func() {
		srv.Process.Kill()
		outF.Close()
	})
	port := ""
	for deadline := time.Now().Add(20 * time.Second); port == ""; time.Sleep(50 * time.Millisecond) {
		b, _ := os.ReadFile(outPath)
		if m := regexp.MustCompile(`listening on 127\.0\.0\.1:(\d+)`).FindSubmatch(b); m != nil {
			port = string(m[1])
		} else if time.Now().After(deadline) {
			t.Fatalf("the server did not start; it said:\n%s", b)
		}
	}
	if b, _ := os.ReadFile(outPath); !regexp.MustCompile(`host key .*\(new\): SHA256:`).Match(b) {
		t.Errorf("the new host key's fingerprint was not printed:\n%s", b)
	}

	ssh := func(who string) *tmuxSession {
		return startTmux(t, 120, 30, []string{"TERM=xterm-256color"}, fmt.Sprintf(
			"ssh -t -p %s -i %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o LogLevel=ERROR %s@127.0.0.1 'support-escalations'; echo EXITED $?; sleep 60",
			port, filepath.Join(dir, who), who))
	}
	alice, bob := ssh("alice"), ssh("bob")
	room := regexp.MustCompile(`(?m)^▶.*connected`)
	scr := alice.waitFor("alice's room", room)
	bob.waitFor("bob's room", room)
	bob.waitFor("bob as a monitor", regexp.MustCompile(`READ-ONLY.*bob \(monitor\)`))
	if !strings.Contains(scr, "support-escalations") || !strings.Contains(scr, "alice (moderator)") {
		t.Fatalf("alice's screen:\n%s", scr)
	}
	row := rowRE.FindStringSubmatch(selectedRow(scr))
	if row == nil {
		t.Fatalf("no selected participant row:\n%s", scr)
	}
	label, callSID := row[1], row[2]
	want := "muted"
	if row[4] == "muted" {
		want = "-"
	}
	alice.keys("m")
	shows := regexp.MustCompile(`(?m)^.\s+` + regexp.QuoteMeta(label) + `\s+` + regexp.QuoteMeta(callSID) + `\s+\S+\s+` + regexp.QuoteMeta(want) + `\s`)
	alice.waitFor(fmt.Sprintf("%s %q on alice's screen", label, want), shows)
	bob.waitFor(fmt.Sprintf("%s %q on bob's screen", label, want), shows)

	alice.keys("q")
	alice.waitFor("alice's ssh to end", regexp.MustCompile(`EXITED 0`))
	bob.keys("q")
	bob.waitFor("bob's ssh to end", regexp.MustCompile(`EXITED 0`))

	srv.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the server ended with %v after SIGTERM; it logged:\n%s", err, logBuf.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not stop after SIGTERM")
	}

	b, err := os.ReadFile(trail)
	if err != nil {
		t.Fatal(err)
	}
	var entries []audit.Entry
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		entries = append(entries, e)
	}
	if len(entries) != 2 {
		t.Fatalf("%d audit records, want the mute's intent and result:\n%s", len(entries), b)
	}
	for _, e := range entries {
		if e.Operator != "alice" || e.KeyFingerprint != fingerprints["alice"] || e.CallSID == "" {
			t.Errorf("audit record %s by %q key %q, want alice %s", e.Phase, e.Operator, e.KeyFingerprint, fingerprints["alice"])
		}
	}
}
