package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	cfgAccount = "AC0123456789abcdef0123456789abcdef"
	cfgKey     = "SK0123456789abcdef0123456789abcdef"
	cfgSecret  = "profileS3CRETvalue0123456789abcd" // distinctive, so a leak is easy to grep
	cfgToken   = "envT0KENvalue0123456789abcdefghi"
)

// configHome makes a home folder with a twilio-cli profile "prod" (active)
// and, when toml is not "", a config file under XDG_CONFIG_HOME; it returns
// the environment to run with.
func configHome(t *testing.T, toml string, extra ...string) func(string) string {
	t.Helper()
	home := t.TempDir()
	cli := filepath.Join(home, ".twilio-cli")
	if err := os.MkdirAll(cli, 0o700); err != nil {
		t.Fatal(err)
	}
	profiles := `{"profiles": {"prod": {"accountSid": "` + cfgAccount + `", "apiKey": "` + cfgKey + `", "apiSecret": "` + cfgSecret + `", "region": "ie1", "edge": "dublin"},
	  "dev": {"accountSid": "` + cfgAccount + `", "apiKey": "` + cfgKey + `", "apiSecret": "` + cfgSecret + `"}},
	  "activeProject": "prod"}`
	if err := os.WriteFile(filepath.Join(cli, "config.json"), []byte(profiles), 0o600); err != nil {
		t.Fatal(err)
	}
	xdg := filepath.Join(home, "xdg")
	if toml != "" {
		if err := os.MkdirAll(filepath.Join(xdg, "confconsole"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(xdg, "confconsole", "config.toml"), []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"HOME": home, "XDG_CONFIG_HOME": xdg, "XDG_STATE_HOME": filepath.Join(home, "state")}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return func(k string) string { return env[k] }
}

const exampleConfig = `theme = "dark"
refresh = "5s"
hold_url = "https://example.com/hold.xml"

[announcements]
closing = "https://example.com/closing.mp3"

[keys]
mute = ["z"]

[profiles.prod]
read_only = true
refresh = "10s"
`

// TestResolveSettingsPrecedence holds the order: flags over environment
// over the profile's section over the file over the defaults.
func TestResolveSettingsPrecedence(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      []string
		toml     string
		theme    string
		refresh  time.Duration
		readOnly bool
		profile  string
		sources  map[string]string
	}{
		{name: "defaults without a file", args: nil, env: []string{"TWILIO_ACCOUNT_SID", cfgAccount, "TWILIO_AUTH_TOKEN", cfgToken},
			theme: "auto", refresh: 2 * time.Second,
			sources: map[string]string{"theme": "default", "refresh": "default", "read_only": "default"}},
		{name: "the file over the defaults (credentials from the environment: no profile section)",
			env: []string{"TWILIO_ACCOUNT_SID", cfgAccount, "TWILIO_AUTH_TOKEN", cfgToken}, toml: exampleConfig,
			theme: "dark", refresh: 5 * time.Second,
			sources: map[string]string{"theme": "file line 1", "refresh": "file line 2", "read_only": "default"}},
		{name: "the active profile's section over the file", toml: exampleConfig,
			theme: "dark", refresh: 10 * time.Second, readOnly: true, profile: "prod",
			sources: map[string]string{"theme": "file line 1", "refresh": "[profiles.prod] line 13", "read_only": "[profiles.prod] line 12"}},
		{name: "--profile picks the section", args: []string{"--profile", "dev"}, toml: exampleConfig,
			env:   []string{"TWILIO_ACCOUNT_SID", cfgAccount, "TWILIO_AUTH_TOKEN", cfgToken},
			theme: "dark", refresh: 5 * time.Second, profile: "dev",
			sources: map[string]string{"refresh": "file line 2", "read_only": "default"}},
		{name: "flags over the profile's section", args: []string{"--refresh", "3s", "--read-only=false", "--theme", "light"}, toml: exampleConfig,
			theme: "light", refresh: 3 * time.Second, profile: "prod",
			sources: map[string]string{"theme": "flag --theme", "refresh": "flag --refresh", "read_only": "flag --read-only"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseArgs(tc.args, &bytes.Buffer{})
			if err != nil {
				t.Fatal(err)
			}
			s, err := resolveSettings(o, configHome(t, tc.toml, tc.env...))
			if err != nil {
				t.Fatal(err)
			}
			if s.credErr != nil {
				t.Fatal(s.credErr)
			}
			o = s.apply(o)
			if o.theme != tc.theme || o.refresh != tc.refresh || o.readOnly != tc.readOnly {
				t.Errorf("theme %q refresh %v read-only %v; want %q %v %v", o.theme, o.refresh, o.readOnly, tc.theme, tc.refresh, tc.readOnly)
			}
			if s.creds.Profile != tc.profile {
				t.Errorf("profile %q, want %q", s.creds.Profile, tc.profile)
			}
			for k, want := range tc.sources {
				if got := s.eff.Sources[k]; got != want {
					t.Errorf("source of %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

// TestRunRefusesBadConfiguration holds that mistakes in the file stop the
// start, naming the file and the line, before anything is drawn.
func TestRunRefusesBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		args []string
		toml string
		want []string
	}{
		{"unknown setting", []string{"--demo"}, "theme = \"dark\"\nrefesh = \"5s\"\n",
			[]string{"config.toml line 2", `unknown setting "refesh"`}},
		{"two bindings on one key", []string{"--demo"}, "[keys]\nmute = [\"z\"]\nhold = [\"z\"]\n",
			[]string{"config.toml line 3", `key "z" is bound to both`}},
		{"a remap that collides with a default", []string{"--demo"}, "\n[keys]\nmute = [\"h\"]\n",
			[]string{"config.toml line 3", "mute", "hold"}},
		{"a key no terminal sends", []string{"--demo"}, "[keys]\nquit = [\"ctrl+shift+q\"]\n",
			[]string{"config.toml line 2", "not a key a terminal can send"}},
		{"--config that is not there", []string{"--demo", "--config", "/nonexistent/confconsole.toml"}, "",
			[]string{"--config /nonexistent/confconsole.toml", "no such file"}},
		{"--demo with --profile", []string{"--demo", "--profile", "prod"}, "",
			[]string{"drop --profile"}},
		{"an unknown profile", []string{"--profile", "staging"}, "",
			[]string{`no profile "staging"`, "dev, prod", ".twilio-cli/config.json"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, configHome(t, tc.toml), strings.NewReader(""), &stdout, &stderr)
			if err == nil {
				t.Fatal("run succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if stdout.Len() != 0 {
				t.Errorf("wrote %d bytes to the terminal before failing", stdout.Len())
			}
		})
	}
}

// TestConfigCommand runs `confconsole config` and reads its output: every
// value with its source, the profile in use, the webhook caveat, and no
// secret.
func TestConfigCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	env := configHome(t, exampleConfig, "TWILIO_EDGE", "sydney")
	err := run(context.Background(), []string{"config", "--theme", "light"}, env, strings.NewReader(""), &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	out := stdout.String()
	for _, re := range []string{
		`(?m)^# config file: .*/xdg/confconsole/config\.toml$`,
		`(?m)^# credentials: active profile prod \(.*/\.twilio-cli/config\.json\)$`,
		`(?m)^#   account ` + cfgAccount + `, API key ` + cfgKey + `, region ie1, edge sydney$`,
		`(?m)^#   webhook signatures: .*TWILIO_AUTH_TOKEN; it is not set`,
		`(?m)^theme = "light" +# flag --theme$`,
		`(?m)^refresh = "10s" +# \[profiles\.prod\] line 13$`,
		`(?m)^hold_url = "https://example\.com/hold\.xml" +# file line 3$`,
		`(?m)^read_only = true +# \[profiles\.prod\] line 12$`,
		`(?m)^audit_log = ".*/state/confconsole/audit\.jsonl" +# default$`,
		`(?m)^conference = "" +# default: opens the list$`,
		`(?m)^\[announcements\]\nclosing = "https://example\.com/closing\.mp3" +# file line 6$`,
		`(?m)^mute = \["z"\] +# file line 9 \(mute/unmute\)$`,
		`(?m)^hold = \["h"\] +# default \(hold/resume\)$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("the output lacks %s:\n%s", re, out)
		}
	}
	if strings.Contains(out, cfgSecret) {
		t.Errorf("the output shows the API secret:\n%s", out)
	}

	// Credentials from the environment: the source says so, the token stays
	// hidden, and the top-level file values apply.
	stdout.Reset()
	env = configHome(t, exampleConfig, "TWILIO_ACCOUNT_SID", cfgAccount, "TWILIO_AUTH_TOKEN", cfgToken)
	if err := run(context.Background(), []string{"config"}, env, strings.NewReader(""), &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	out = stdout.String()
	for _, re := range []string{`(?m)^# credentials: environment$`, `(?m)^#   account ` + cfgAccount + `, auth token$`, `(?m)^refresh = "5s" +# file line 2$`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("the output lacks %s:\n%s", re, out)
		}
	}
	if strings.Contains(out, cfgToken) || strings.Contains(out, "webhook") {
		t.Errorf("the output shows the token, or a webhook caveat that does not apply:\n%s", out)
	}

	// No credentials: the rest is still printed, and the command fails
	// saying what to set.
	stdout.Reset()
	err = run(context.Background(), []string{"config"}, func(k string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "TWILIO_ACCOUNT_SID") {
		t.Errorf("config without credentials: error %v", err)
	}
	if !strings.Contains(stdout.String(), "# credentials: none usable") || !strings.Contains(stdout.String(), `theme = "auto"`) {
		t.Errorf("config without credentials printed:\n%s", stdout.String())
	}
}

// TestREADMEConfigExample holds that the README's example file is valid:
// it parses, its keys remap cleanly, and its profile section applies.
func TestREADMEConfigExample(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	start, end, err := section(string(raw), "config-example")
	if err != nil {
		t.Fatal(err)
	}
	example := strings.TrimSuffix(strings.TrimPrefix(string(raw[start:end]), "```toml\n"), "```\n")
	o, err := parseArgs(nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := resolveSettings(o, configHome(t, example))
	if err != nil {
		t.Fatalf("the README's example: %v", err)
	}
	if s.creds.Profile != "prod" || !s.eff.ReadOnly || s.eff.Refresh != 5*time.Second {
		t.Errorf("the example's [profiles.prod] did not apply: profile %q read-only %v refresh %v", s.creds.Profile, s.eff.ReadOnly, s.eff.Refresh)
	}
	if got := s.keys.Mute.Keys(); len(got) != 1 || got[0] != "z" {
		t.Errorf("the example's mute is %q", got)
	}
}

// TestConfigAuditLog holds that "~/" in the file's audit_log means the
// home folder, as it would in a shell, and that --demo ignores the file's.
func TestConfigAuditLog(t *testing.T) {
	env := configHome(t, "audit_log = \"~/logs/audit.jsonl\"\n")
	o, err := parseArgs(nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := resolveSettings(o, env)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(env("HOME"), "logs", "audit.jsonl"); s.eff.AuditLog != want {
		t.Errorf("audit_log = %q, want %q", s.eff.AuditLog, want)
	}

	// The demo's made-up calls stay out of the file's audit log.
	o, err = parseArgs([]string{"--demo"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if s, err = resolveSettings(o, env); err != nil {
		t.Fatal(err)
	}
	if s.eff.AuditLog != "" {
		t.Errorf("with --demo, audit_log = %q, want the demo's none", s.eff.AuditLog)
	}
}
