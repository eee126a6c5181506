package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    func(options) bool
		wantErr string // substring; "" means no error
	}{
		{name: "defaults", args: nil, want: func(o options) bool {
			return o.refresh == 2*time.Second && o.theme == "auto" && !o.demo && !o.readOnly
		}},
		{name: "demo read-only", args: []string{"--demo", "--read-only"}, want: func(o options) bool { return o.demo && o.readOnly }},
		{name: "conference by name", args: []string{"--conference", "Support bridge"}, want: func(o options) bool { return o.conference == "Support bridge" }},
		{name: "refresh at the floor", args: []string{"--refresh", "1s"}, want: func(o options) bool { return o.refresh == time.Second }},
		{name: "refresh below the floor", args: []string{"--refresh", "500ms"}, wantErr: "use at least 1s"},
		{name: "refresh not a duration", args: []string{"--refresh", "fast"}, wantErr: "such as 2s"},
		{name: "refresh without a unit", args: []string{"--refresh", "2"}, wantErr: "write 2s for seconds"},
		{name: "refresh in minutes", args: []string{"--refresh", "1m"}, want: func(o options) bool { return o.refresh == time.Minute }},
		{name: "unknown theme", args: []string{"--theme", "pink"}, wantErr: "use auto, dark or light"},
		{name: "hold URL", args: []string{"--hold-url", "https://example.com/hold.xml"}, want: func(o options) bool { return o.holdURL == "https://example.com/hold.xml" }},
		{name: "hold URL without a scheme", args: []string{"--hold-url", "example.com/hold.xml"}, wantErr: `--hold-url "example.com/hold.xml" is not an http:// or https:// URL`},
		{name: "hold URL a file name", args: []string{"--hold-url", "hold.mp3"}, wantErr: "https://example.com/hold.xml"},
		{name: "demo with api url", args: []string{"--demo", "--api-url", "http://127.0.0.1:1"}, wantErr: "drop --api-url"},
		{name: "stray argument", args: []string{"simulate"}, wantErr: `unexpected argument "simulate"`},
		{name: "unknown flag", args: []string{"--colour"}, wantErr: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			o, err := parseArgs(tt.args, &stderr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseArgs(%q) error = %v, want one containing %q", tt.args, err, tt.wantErr)
				}
				if exitCode(err) != 2 {
					t.Errorf("exit code %d for a usage error, want 2", exitCode(err))
				}
				if stderr.Len() != 0 {
					// The one line saying what was wrong is enough; the
					// whole usage would bury it.
					t.Errorf("a usage error also printed:\n%s", stderr.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("parseArgs(%q): %v", tt.args, err)
			}
			if !tt.want(o) {
				t.Errorf("parseArgs(%q) = %+v", tt.args, o)
			}
		})
	}
}

func TestRunHelpAndVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"--help"}, noEnv, strings.NewReader(""), &stdout, &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: err = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"--demo", "TWILIO_ACCOUNT_SID", "confconsole sim", "twilio-cli profile", "--profile picks",
		"-api-url URL\n", "-refresh duration\n", "-conference name\n"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("--help does not mention %q:\n%s", want, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), "-api-url confconsole") {
		t.Errorf("--help takes a word of the usage for the placeholder:\n%s", stderr.String())
	}

	stdout.Reset()
	if err := run(context.Background(), []string{"--version"}, noEnv, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatalf("--version: %v", err)
	}
	if got := stdout.String(); !strings.HasPrefix(got, "confconsole ") {
		t.Errorf("--version printed %q", got)
	}
}

func TestRunWithoutCredentialsSaysWhatToSet(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), nil, noEnv, strings.NewReader(""), &stdout, &stderr)
	if err == nil {
		t.Fatal("run without credentials succeeded")
	}
	for _, want := range []string{"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "--demo"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("wrote %d bytes to the terminal before failing", stdout.Len())
	}
}

func noEnv(string) string { return "" }
