package webhook

import (
	"encoding/json"
	"net/url"
	"os"
	"testing"
)

type vector struct {
	Source   string            `json:"source"`
	Token    string            `json:"auth_token"`
	URL      string            `json:"url"`
	Params   map[string]string `json:"params"`
	FormBody string            `json:"form_body"`
	Body     string            `json:"body"`
	Expected string            `json:"expected"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	b, err := os.ReadFile("testdata/signature_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []vector }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	return f.Vectors
}

// TestSignatureVectors checks every published vector, computed and validated.
func TestSignatureVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		params := url.Values{}
		for k, val := range v.Params {
			params.Set(k, val)
		}
		if v.FormBody != "" {
			var err error
			if params, err = url.ParseQuery(v.FormBody); err != nil {
				t.Fatal(err)
			}
		}
		if got := Signature(v.Token, v.URL, params); got != v.Expected {
			t.Errorf("%s: Signature = %s, want %s", v.Source, got, v.Expected)
		}
		if !ValidSignature(v.Token, v.URL, params, v.Expected) {
			t.Errorf("%s: ValidSignature refused the published signature", v.Source)
		}
		if ValidSignature(v.Token+"x", v.URL, params, v.Expected) {
			t.Errorf("%s: accepted with another token", v.Source)
		}
		if v.Body != "" {
			u, _ := url.Parse(v.URL)
			if !bodyHashMatches(u, []byte(v.Body)) {
				t.Errorf("%s: body hash refused", v.Source)
			}
			if bodyHashMatches(u, []byte(v.Body+" ")) {
				t.Errorf("%s: a changed body passed the hash", v.Source)
			}
		}
	}
}

func TestValidSignatureVariants(t *testing.T) {
	params := url.Values{"Digits": {"1234"}, "CallSid": {"CA1234567890ABCDE"}, "To": {"+18005551212"},
		"Caller": {"+14158675309"}, "From": {"+14158675309"}, "ReasonConferenceEnded": {"test"}, "Reason": {"Participant"}}
	const token = "12345"
	withPort := Signature(token, "https://mycompany.com:443/myapp.php?foo=1&bar=2", params)
	httpPort := Signature(token, "http://mycompany.com:80/myapp.php?foo=1&bar=2", params)
	tests := []struct {
		name, url, sig string
		want           bool
	}{
		{"published", "https://mycompany.com/myapp.php?foo=1&bar=2", "vOEb5UThFn24KEfnOFLQY2AE5FY=", true},
		{"published over http", "http://mycompany.com/myapp.php?foo=1&bar=2", "n2xBNyzSW7rfYStDtOFiFMv7qNo=", true},
		{"sorted wrongly (ReasonConferenceEnded before Reason)", "https://mycompany.com/myapp.php?foo=1&bar=2", "95+Bu0JVPi0r/SsESZCVf0dWAjw=", false},
		{"scheme swapped", "http://mycompany.com/myapp.php?foo=1&bar=2", "vOEb5UThFn24KEfnOFLQY2AE5FY=", false},
		{"signed without port, received with :443", "https://mycompany.com:443/myapp.php?foo=1&bar=2", "vOEb5UThFn24KEfnOFLQY2AE5FY=", true},
		{"signed with :443, received without", "https://mycompany.com/myapp.php?foo=1&bar=2", withPort, true},
		{"signed with :80, received without", "http://mycompany.com/myapp.php?foo=1&bar=2", httpPort, true},
		{"another port is another URL", "https://mycompany.com:8443/myapp.php?foo=1&bar=2", "vOEb5UThFn24KEfnOFLQY2AE5FY=", false},
		{"query changed", "https://mycompany.com/myapp.php?foo=1&bar=3", "vOEb5UThFn24KEfnOFLQY2AE5FY=", false},
		{"empty signature", "https://mycompany.com/myapp.php?foo=1&bar=2", "", false},
	}
	for _, tt := range tests {
		if got := ValidSignature(token, tt.url, params, tt.sig); got != tt.want {
			t.Errorf("%s: ValidSignature = %v, want %v", tt.name, got, tt.want)
		}
	}
	changed := url.Values{}
	for k, v := range params {
		changed[k] = v
	}
	changed.Set("Digits", "1235")
	if ValidSignature(token, "https://mycompany.com/myapp.php?foo=1&bar=2", changed, "vOEb5UThFn24KEfnOFLQY2AE5FY=") {
		t.Error("a changed parameter passed")
	}
}

func TestPortVariants(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"https://h.example/x?a=b", []string{"https://h.example/x?a=b", "https://h.example:443/x?a=b"}},
		{"https://h.example:443/x", []string{"https://h.example:443/x", "https://h.example/x"}},
		{"http://u:p@h.example/x", []string{"http://u:p@h.example/x", "http://u:p@h.example:80/x"}},
		{"http://[::1]:80/x", []string{"http://[::1]:80/x", "http://[::1]/x"}},
		{"https://h.example:8443/x", []string{"https://h.example:8443/x"}},
		{"ftp://h.example/x", []string{"ftp://h.example/x"}},
	}
	for _, tt := range tests {
		got := portVariants(tt.in)
		if len(got) != len(tt.want) {
			t.Errorf("%s: got %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: got %q, want %q", tt.in, got, tt.want)
			}
		}
	}
}
