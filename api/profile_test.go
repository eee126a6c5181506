package api

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	prodAccount = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	prodKey     = "SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	oldAccount  = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	oldKey      = "SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

// cliFile is config.json as twilio-cli 5 writes it: profiles by name with
// their key and secret, older projects, the active profile under its
// historical name activeProject, and a top-level edge.
const cliFile = `{
  "edge": "sydney",
  "email": {},
  "prompts": {},
  "projects": [{"id": "legacy", "accountSid": "` + oldAccount + `", "region": "au1"},
               {"id": "withkey", "accountSid": "` + oldAccount + `", "apiKey": "` + oldKey + `", "apiSecret": "oldSecret", "region": "ie1"}],
  "profiles": {
    "prod": {"accountSid": "` + prodAccount + `", "apiKey": "` + prodKey + `", "apiSecret": "prodSecret", "region": "ie1", "edge": "dublin"},
    "noedge": {"accountSid": "` + prodAccount + `", "apiKey": "` + prodKey + `", "apiSecret": "prodSecret"},
    "nosecret": {"accountSid": "` + prodAccount + `", "apiKey": "` + prodKey + `"},
    "nosid": {"apiKey": "` + prodKey + `", "apiSecret": "x"},
    "badsid": {"accountSid": "prod", "apiKey": "` + prodKey + `", "apiSecret": "x"}
  },
  "activeProject": "prod"
}`

// writeHome makes a home folder holding .twilio-cli/config.json with body
// ("" for no file at all).
func writeHome(t *testing.T, body string) string {
	t.Helper()
	home := t.TempDir()
	if body == "" {
		return home
	}
	dir := filepath.Join(home, ".twilio-cli")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return home
}

func TestResolveCredentials(t *testing.T) {
	envKey := map[string]string{EnvAccountSID: testAccount, EnvAPIKey: testKey, EnvAPISecret: testSecret}
	envToken := map[string]string{EnvAccountSID: testAccount, EnvAuthToken: testToken}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	tests := []struct {
		name        string
		file        string // config.json; "" for none
		env         map[string]string
		profile     string
		want        Config
		wantProfile string
		wantErr     []string
	}{
		{name: "--profile wins over the environment", file: cliFile, env: envKey, profile: "prod",
			want:        Config{AccountSID: prodAccount, APIKey: prodKey, APISecret: "prodSecret", Region: "ie1", Edge: "dublin"},
			wantProfile: "prod"},
		{name: "environment API key wins over the active profile", file: cliFile, env: envKey,
			want: Config{AccountSID: testAccount, APIKey: testKey, APISecret: testSecret}},
		{name: "environment auth token wins over the active profile", file: cliFile, env: envToken,
			want: Config{AccountSID: testAccount, AuthToken: testToken}},
		{name: "active profile without credentials in the environment", file: cliFile, env: map[string]string{},
			want:        Config{AccountSID: prodAccount, APIKey: prodKey, APISecret: "prodSecret", Region: "ie1", Edge: "dublin"},
			wantProfile: "prod"},
		{name: "an auth token alone (for webhooks) does not hide the active profile", file: cliFile,
			env:         map[string]string{EnvAuthToken: testToken},
			want:        Config{AccountSID: prodAccount, APIKey: prodKey, APISecret: "prodSecret", Region: "ie1", Edge: "dublin"},
			wantProfile: "prod"},
		{name: "TWILIO_EDGE and TWILIO_REGION override the profile's", file: cliFile,
			env: map[string]string{EnvEdge: "tokyo", EnvRegion: "jp1"}, profile: "prod",
			want:        Config{AccountSID: prodAccount, APIKey: prodKey, APISecret: "prodSecret", Region: "jp1", Edge: "tokyo"},
			wantProfile: "prod"},
		{name: "the file's edge when the profile has none", file: cliFile, env: map[string]string{}, profile: "noedge",
			want:        Config{AccountSID: prodAccount, APIKey: prodKey, APISecret: "prodSecret", Edge: "sydney"},
			wantProfile: "noedge"},
		{name: "an older project with its key in the file", file: cliFile, env: map[string]string{}, profile: "withkey",
			want:        Config{AccountSID: oldAccount, APIKey: oldKey, APISecret: "oldSecret", Region: "ie1", Edge: "sydney"},
			wantProfile: "withkey"},
		{name: "activeProfile is read too", env: map[string]string{},
			file:        `{"profiles": {"a": {"accountSid": "` + prodAccount + `", "apiKey": "` + prodKey + `", "apiSecret": "s"}}, "activeProfile": "a"}`,
			want:        Config{AccountSID: prodAccount, APIKey: prodKey, APISecret: "s"},
			wantProfile: "a"},
		{name: "no active profile: the first older project, as twilio-cli", env: map[string]string{},
			file:        `{"projects": [{"id": "p1", "accountSid": "` + oldAccount + `", "apiKey": "` + oldKey + `", "apiSecret": "s"}]}`,
			want:        Config{AccountSID: oldAccount, APIKey: oldKey, APISecret: "s"},
			wantProfile: "p1"},
		{name: "CONFCONSOLE_BASE_URL applies to a profile", file: cliFile,
			env: map[string]string{EnvBaseURL: "http://127.0.0.1:9"}, profile: "noedge",
			want:        Config{AccountSID: prodAccount, APIKey: prodKey, APISecret: "prodSecret", Edge: "sydney", BaseURL: "http://127.0.0.1:9"},
			wantProfile: "noedge"},

		{name: "profile without apiSecret", file: cliFile, env: envKey, profile: "nosecret",
			wantErr: []string{"profile 'nosecret'", "config.json", "has no apiSecret"}},
		{name: "profile without accountSid", file: cliFile, env: map[string]string{}, profile: "nosid",
			wantErr: []string{"profile 'nosid'", "has no accountSid"}},
		{name: "older project whose key is in the keychain", file: cliFile, env: map[string]string{}, profile: "legacy",
			wantErr: []string{"profile 'legacy'", "has no apiKey", "keychain"}},
		{name: "profile with a malformed accountSid", file: cliFile, env: map[string]string{}, profile: "badsid",
			wantErr: []string{"profile 'badsid'", "accountSid", "is not an account SID"}},
		{name: "unknown profile lists the known ones", file: cliFile, env: map[string]string{}, profile: "staging",
			wantErr: []string{`no profile "staging"`, "prod", "legacy", "config.json"}},
		{name: "--profile without a twilio-cli file", env: envKey, profile: "prod",
			wantErr: []string{"--profile prod", "there is no", "twilio profiles:create prod"}},
		{name: "malformed JSON names the file and the line", env: map[string]string{},
			file:    "{\n  \"profiles\": {\n    \"a\": {,}\n  }\n}",
			wantErr: []string{"config.json is not a twilio-cli config file", "line 3"}},
		{name: "malformed JSON with --profile", env: envKey, profile: "a",
			file:    `{"profiles": [1, 2]}`,
			wantErr: []string{"config.json is not a twilio-cli config file"}},
		{name: "account SID without a credential is not silently replaced by the profile", file: cliFile,
			env:     map[string]string{EnvAccountSID: testAccount},
			wantErr: []string{EnvAccountSID + " is set but no credential is"}},
		{name: "API key without its secret in the environment", file: cliFile,
			env:     with(envKey, EnvAPISecret, ""),
			wantErr: []string{EnvAPIKey + " is set but " + EnvAPISecret + " is not"}},
		{name: "no credentials anywhere", env: map[string]string{},
			wantErr: []string{"no Twilio credentials", "twilio profiles:create"}},
		{name: "no active profile and no projects", env: map[string]string{},
			file:    `{"profiles": {"a": {"accountSid": "` + prodAccount + `", "apiKey": "` + prodKey + `", "apiSecret": "s"}, "b": {}}}`,
			wantErr: []string{"names no active profile", "--profile", "a, b"}},
		{name: "an active profile that does not exist falls back like twilio-cli, and says so if nothing is left", env: map[string]string{},
			file:    `{"profiles": {"a": {"accountSid": "` + prodAccount + `", "apiKey": "` + prodKey + `", "apiSecret": "s"}}, "activeProject": "gone"}`,
			wantErr: []string{"names no active profile", "a"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			home := writeHome(t, tc.file)
			got, err := ResolveCredentials(envOf(tc.env), home, tc.profile)
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("got %v from %s, want an error", got.Config, got.Source)
				}
				if !errors.Is(err, ErrConfig) {
					t.Errorf("error %v does not match ErrConfig", err)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				for _, secret := range []string{"prodSecret", "oldSecret", testSecret, testToken} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error %q shows a secret", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g, w := got.Config, tc.want
			if g.AccountSID != w.AccountSID || g.APIKey != w.APIKey || g.Region != w.Region || g.Edge != w.Edge || g.BaseURL != w.BaseURL {
				t.Errorf("config %#v\nwant %#v", g, w)
			}
			if g.APISecret != w.APISecret || g.AuthToken != w.AuthToken {
				t.Errorf("the secrets differ from the wanted ones")
			}
			if got.Profile != tc.wantProfile {
				t.Errorf("profile %q, want %q", got.Profile, tc.wantProfile)
			}
			if got.Source == "" {
				t.Error("no source")
			}
			if tc.wantProfile != "" && !strings.Contains(got.Source, filepath.Join(home, TwilioCLIFile)) {
				t.Errorf("source %q does not name the file", got.Source)
			}
		})
	}
}
