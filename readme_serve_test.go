package main

import (
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEServiceUnit: the systemd unit the README gives runs confconsole
// serve with flags that exist and parse, and carries no credentials (they
// belong in its EnvironmentFile).
func TestREADMEServiceUnit(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```ini\n# /etc/systemd/system/confconsole-serve.service\n(.*?)```").FindSubmatch(raw)
	if m == nil {
		t.Fatal("README.md has no confconsole-serve.service unit")
	}
	unit := string(m[1])
	var execStart string
	for _, line := range strings.Split(unit, "\n") {
		key, value, _ := strings.Cut(line, "=")
		switch key {
		case "ExecStart":
			execStart = value
		case "Environment":
			if regexp.MustCompile(`(?i)TOKEN|SECRET|KEY`).MatchString(value) {
				t.Errorf("the unit carries a credential: %s", line)
			}
		}
	}
	args := strings.Fields(execStart)
	if len(args) < 2 || !strings.HasSuffix(args[0], "/confconsole") || args[1] != "serve" {
		t.Fatalf("ExecStart=%s, want confconsole serve ...", execStart)
	}
	var o options
	var so serveOptions
	fs := newServeFlagSet(&o, &so)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args[2:]); err != nil {
		t.Fatalf("the unit's flags do not parse: %v (ExecStart=%s)", err, execStart)
	}
	if fs.NArg() > 0 || so.operators == "" {
		t.Errorf("ExecStart=%s: want --operators and no other arguments", execStart)
	}
	for _, want := range []string{"EnvironmentFile=", "ExecReload=/bin/kill -HUP $MAINPID"} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit has no %s", want)
		}
	}
}
