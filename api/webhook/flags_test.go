package webhook

import (
	"flag"
	"strings"
	"testing"

	"confconsole/api"
)

func TestFlagsCheck(t *testing.T) {
	token := api.Config{AccountSID: testAccount, AuthToken: testToken}
	apiKey := api.Config{AccountSID: testAccount, APIKey: "SK0123456789abcdef0123456789abcdef", APISecret: "s"}
	both := apiKey
	both.AuthToken = testToken
	tests := []struct {
		name  string
		args  []string
		creds api.Config
		want  string // error substring; "" means ok
		on    bool
	}{
		{"none", nil, apiKey, "", false},
		{"listen and url", []string{"--webhook-listen", ":8443", "--webhook-url", "https://h.example/tw"}, token, "", true},
		{"with forward", []string{"--webhook-listen", "127.0.0.1:8443", "--webhook-url", "https://h.example/tw", "--webhook-forward", "https://app.example/cb"}, token, "", true},
		{"api key, no token", []string{"--webhook-listen", ":8443", "--webhook-url", "https://h.example/tw"}, apiKey, "need TWILIO_AUTH_TOKEN", false},
		{"api key and token", []string{"--webhook-listen", ":8443", "--webhook-url", "https://h.example/tw"}, both, "", true},
		{"listen without url", []string{"--webhook-listen", ":8443"}, token, "needs --webhook-url", false},
		{"url without listen", []string{"--webhook-url", "https://h.example/tw"}, token, "need --webhook-listen", false},
		{"forward alone", []string{"--webhook-forward", "https://app.example/cb"}, token, "need --webhook-listen", false},
		{"bad listen", []string{"--webhook-listen", "8443", "--webhook-url", "https://h.example/tw"}, token, "not host:port", false},
		{"bad port", []string{"--webhook-listen", ":http2", "--webhook-url", "https://h.example/tw"}, token, "not a number", false},
		{"relative url", []string{"--webhook-listen", ":1", "--webhook-url", "/tw"}, token, "absolute", false},
		{"url with password", []string{"--webhook-listen", ":1", "--webhook-url", "https://u:pw@h.example/tw"}, token, "user name or password", false},
		{"url with query", []string{"--webhook-listen", ":1", "--webhook-url", "https://h.example/tw?a=b"}, token, "query", false},
		{"bad forward", []string{"--webhook-listen", ":1", "--webhook-url", "https://h.example/tw", "--webhook-forward", "app.example"}, token, "--webhook-forward", false},
		{"forward to itself", []string{"--webhook-listen", ":1", "--webhook-url", "https://h.example/tw", "--webhook-forward", "https://h.example/tw"}, token, "same URL", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f Flags
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			f.Register(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			rcv, fwd, on, err := f.Check(tt.creds)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err %v, want %q", err, tt.want)
				}
				if strings.Contains(err.Error(), "pw") {
					t.Errorf("error shows the password: %v", err)
				}
				return
			}
			if err != nil || on != tt.on {
				t.Fatalf("on %v err %v", on, err)
			}
			if !on {
				return
			}
			if rcv.AuthToken != testToken || rcv.AccountSID != testAccount || rcv.URL != f.URL {
				t.Errorf("config %+v", rcv)
			}
			if (fwd != nil) != (f.Forward != "") || (fwd != nil && (fwd.URL != f.Forward || fwd.AuthToken != testToken)) {
				t.Errorf("forward %+v", fwd)
			}
			if _, err := New(rcv, nopConsumer{}); err != nil {
				t.Errorf("the checked config does not make a receiver: %v", err)
			}
		})
	}
}
