package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		wantErr []string // substrings the error must contain
	}{
		{
			name: "auth token",
			env:  map[string]string{EnvAccountSID: testAccount, EnvAuthToken: testToken},
			want: Config{AccountSID: testAccount, AuthToken: testToken},
		},
		{
			name: "api key, spaces trimmed",
			env:  map[string]string{EnvAccountSID: " " + testAccount + "\n", EnvAPIKey: testKey, EnvAPISecret: testSecret},
			want: Config{AccountSID: testAccount, APIKey: testKey, APISecret: testSecret},
		},
		{
			name: "api key wins over the token",
			env:  map[string]string{EnvAccountSID: testAccount, EnvAuthToken: testToken, EnvAPIKey: testKey, EnvAPISecret: testSecret},
			want: Config{AccountSID: testAccount, APIKey: testKey, APISecret: testSecret},
		},
		{
			name: "region, edge and base URL",
			env: map[string]string{EnvAccountSID: testAccount, EnvAuthToken: testToken, EnvRegion: "ie1", EnvEdge: "dublin",
				EnvBaseURL: "http://127.0.0.1:8080"},
			want: Config{AccountSID: testAccount, AuthToken: testToken, Region: "ie1", Edge: "dublin", BaseURL: "http://127.0.0.1:8080"},
		},
		{
			name:    "nothing set",
			env:     map[string]string{},
			wantErr: []string{"set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN", "TWILIO_API_KEY and TWILIO_API_SECRET"},
		},
		{
			name:    "no account SID",
			env:     map[string]string{EnvAuthToken: testToken},
			wantErr: []string{"TWILIO_ACCOUNT_SID is not set"},
		},
		{
			name:    "no credential",
			env:     map[string]string{EnvAccountSID: testAccount},
			wantErr: []string{"set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET"},
		},
		{
			name:    "key without secret",
			env:     map[string]string{EnvAccountSID: testAccount, EnvAPIKey: testKey},
			wantErr: []string{"TWILIO_API_KEY is set but TWILIO_API_SECRET is not: set TWILIO_API_SECRET"},
		},
		{
			name:    "secret without key",
			env:     map[string]string{EnvAccountSID: testAccount, EnvAuthToken: testToken, EnvAPISecret: testSecret},
			wantErr: []string{"TWILIO_API_SECRET is set but TWILIO_API_KEY is not: set TWILIO_API_KEY"},
		},
		{
			name:    "malformed account SID names the variable",
			env:     map[string]string{EnvAccountSID: "AC123", EnvAuthToken: testToken},
			wantErr: []string{"TWILIO_ACCOUNT_SID", "AC followed by 32 hex digits"},
		},
		{
			name:    "token pasted as the SID is not echoed",
			env:     map[string]string{EnvAccountSID: testToken, EnvAuthToken: testAccount},
			wantErr: []string{"TWILIO_ACCOUNT_SID", "32 characters"},
		},
		{
			name:    "malformed API key",
			env:     map[string]string{EnvAccountSID: testAccount, EnvAPIKey: "AC0123456789abcdef0123456789abcdef", EnvAPISecret: testSecret},
			wantErr: []string{"TWILIO_API_KEY", "SK followed by 32 hex digits"},
		},
		{
			name:    "region that is not a host label",
			env:     map[string]string{EnvAccountSID: testAccount, EnvAuthToken: testToken, EnvRegion: "evil.com/x"},
			wantErr: []string{"TWILIO_REGION"},
		},
		{
			name:    "base URL with a password",
			env:     map[string]string{EnvAccountSID: testAccount, EnvAuthToken: testToken, EnvBaseURL: "http://u:" + testToken + "@127.0.0.1"},
			wantErr: []string{"CONFCONSOLE_BASE_URL", "must not carry a user name or password"},
		},
		{
			name:    "base URL that is not http",
			env:     map[string]string{EnvAccountSID: testAccount, EnvAuthToken: testToken, EnvBaseURL: "ftp://x"},
			wantErr: []string{"CONFCONSOLE_BASE_URL"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ConfigFromEnv(envOf(tt.env))
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("no error; got %v", got)
				}
				if !errors.Is(err, ErrConfig) {
					t.Errorf("error %v does not match ErrConfig", err)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				noLeak(t, "config error", err.Error())
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.AccountSID != tt.want.AccountSID || got.AuthToken != tt.want.AuthToken || got.APIKey != tt.want.APIKey ||
				got.APISecret != tt.want.APISecret || got.Region != tt.want.Region || got.Edge != tt.want.Edge || got.BaseURL != tt.want.BaseURL {
				t.Errorf("got %#v, want %#v (secrets compared too)", got, tt.want)
			}
		})
	}
}

func TestConfigFromEnvNil(t *testing.T) {
	if _, err := ConfigFromEnv(nil); !errors.Is(err, ErrConfig) {
		t.Fatalf("nil getenv: %v", err)
	}
}

func TestBaseURLFromRegionAndEdge(t *testing.T) {
	tests := []struct {
		region, edge, base, want string
	}{
		{"", "", "", "https://api.twilio.com"},
		{"ie1", "", "", "https://api.ie1.twilio.com"},
		{"", "sydney", "", "https://api.sydney.us1.twilio.com"},
		{"au1", "sydney", "", "https://api.sydney.au1.twilio.com"},
		{"IE1", "Dublin", "", "https://api.dublin.ie1.twilio.com"},
		{"ie1", "dublin", "http://127.0.0.1:9999", "http://127.0.0.1:9999"},
		{"", "", "http://127.0.0.1:9999/prefix/", "http://127.0.0.1:9999/prefix"},
	}
	for _, tt := range tests {
		c, err := New(Config{AccountSID: testAccount, AuthToken: testToken, Region: tt.region, Edge: tt.edge, BaseURL: tt.base})
		if err != nil {
			t.Fatalf("%+v: %v", tt, err)
		}
		if got := c.BaseURL(); got != tt.want {
			t.Errorf("region %q edge %q base %q: %q, want %q", tt.region, tt.edge, tt.base, got, tt.want)
		}
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"empty", Config{}, "account SID"},
		{"no credential", Config{AccountSID: testAccount}, "no credential"},
		{"key without secret", Config{AccountSID: testAccount, APIKey: testKey}, "API secret"},
		{"secret without key", Config{AccountSID: testAccount, APISecret: testSecret}, "API key"},
		{"bad edge", Config{AccountSID: testAccount, AuthToken: testToken, Edge: "a.b"}, "edge"},
		{"negative body limit", Config{AccountSID: testAccount, AuthToken: testToken, MaxBodyBytes: -1}, "MaxBodyBytes"},
		{"negative retry", Config{AccountSID: testAccount, AuthToken: testToken, Retry: RetryPolicy{MaxAttempts: -1}}, "retry"},
		{"query in base URL", Config{AccountSID: testAccount, AuthToken: testToken, BaseURL: "http://h/?x=1"}, "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v, want ErrConfig mentioning %q", err, tt.want)
			}
			noLeak(t, "New error", err.Error())
		})
	}
}

// TestSecretsNeverPrinted formats configs and clients every way fmt, JSON
// and slog can, and checks no secret comes out.
func TestSecretsNeverPrinted(t *testing.T) {
	cfgs := []Config{
		{AccountSID: testAccount, AuthToken: testToken},
		{AccountSID: testAccount, APIKey: testKey, APISecret: testSecret},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"}
	for _, cfg := range cfgs {
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		type holder struct {
			Cfg    Config
			Ptr    *Config
			Client *Client
			Value  Client
		}
		values := map[string]any{
			"config": cfg, "*config": &cfg, "client": c, "client value": *c,
			"holder": holder{Cfg: cfg, Ptr: &cfg, Client: c, Value: *c},
			"slice":  []any{cfg, c},
		}
		for name, v := range values {
			for _, verb := range verbs {
				out := fmt.Sprintf(verb, v)
				noLeak(t, name+" "+verb, out)
			}
			b, _ := json.Marshal(v)
			noLeak(t, name+" json", string(b))
			var buf bytes.Buffer
			slog.New(slog.NewTextHandler(&buf, nil)).Info("cfg", "v", v)
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "v", v)
			noLeak(t, name+" slog", buf.String())
		}
		if s := fmt.Sprint(cfg); !strings.Contains(s, testAccount) || !strings.Contains(s, "[redacted]") {
			t.Errorf("String() should still show the SID and mark the secret: %s", s)
		}
	}
}

// TestNilAndZeroClient: misuse returns errors, never panics.
func TestNilAndZeroClient(t *testing.T) {
	var nilClient *Client
	clients := map[string]*Client{"nil": nilClient, "zero": {}}
	for name, c := range clients {
		t.Run(name, func(t *testing.T) {
			_, err := c.ListParticipants(context.Background(), testConf, ParticipantFilter{})
			if !errors.Is(err, ErrConfig) {
				t.Errorf("ListParticipants: %v", err)
			}
			if err := c.DeleteParticipant(context.Background(), testConf, testCall); !errors.Is(err, ErrConfig) {
				t.Errorf("DeleteParticipant: %v", err)
			}
			_ = fmt.Sprintf("%v %+v %s", c, c, c.AccountSID())
		})
	}
	c, _, _ := newTestClient(t, &recorder{})
	if _, err := c.FetchParticipant(nil, testConf, testCall); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("nil context: %v", err)
	}
}
