package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"confconsole/api"
	"confconsole/api/audit"
)

func TestAuditLogFlag(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "not-a-dir")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	tests := []struct {
		name     string
		args     []string
		env      func(string) string
		wantPath string // "" means no file
		wantErr  string // a fatal error
		wantOpen string // a non-fatal open error
	}{
		{name: "default under XDG_STATE_HOME", env: env("XDG_STATE_HOME", filepath.Join(dir, "xdg")),
			wantPath: filepath.Join(dir, "xdg", "confconsole", "audit.jsonl")},
		{name: "default under HOME", env: env("HOME", filepath.Join(dir, "home")),
			wantPath: filepath.Join(dir, "home", ".local", "state", "confconsole", "audit.jsonl")},
		{name: "chosen path", args: []string{"--audit-log", filepath.Join(dir, "mine.jsonl")}, env: env(),
			wantPath: filepath.Join(dir, "mine.jsonl")},
		{name: "dash disables", args: []string{"--audit-log", "-"}, env: env("HOME", dir)},
		{name: "demo keeps none by default", args: []string{"--demo"}, env: env("HOME", filepath.Join(dir, "demo-home"))},
		{name: "demo with a chosen path", args: []string{"--demo", "--audit-log", filepath.Join(dir, "demo.jsonl")}, env: env(),
			wantPath: filepath.Join(dir, "demo.jsonl")},
		{name: "no state directory", env: env(), wantErr: "--audit-log"},
		{name: "unopenable file runs with a warning", args: []string{"--audit-log", filepath.Join(blocker, "audit.jsonl")}, env: env(),
			wantOpen: "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseArgs(tt.args, &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			trail, openErr, err := openAudit(o, tt.env, api.Config{AuthToken: "tokenS3CRETtokenS3CRET"})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, audit.ErrNoStateDir) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer trail.Close()
			if tt.wantOpen != "" {
				if openErr == nil || !strings.Contains(openErr.Error(), tt.wantOpen) || trail.Enabled() {
					t.Fatalf("openErr = %v, enabled %v; want %q and a disabled trail", openErr, trail.Enabled(), tt.wantOpen)
				}
				return
			}
			if openErr != nil {
				t.Fatal(openErr)
			}
			if trail.Path() != tt.wantPath {
				t.Errorf("path = %q, want %q", trail.Path(), tt.wantPath)
			}
			if tt.wantPath != "" {
				if _, err := os.Stat(tt.wantPath); err != nil {
					t.Errorf("the file should exist: %v", err)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "demo-home")); !os.IsNotExist(err) {
		t.Errorf("--demo wrote into the state directory: %v", err)
	}
}
