package api

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The environment variables ConfigFromEnv reads. The TWILIO_* names are the
// ones Twilio's own CLI and helper libraries use, so a shell already set up
// for them works unchanged.
const (
	EnvAccountSID = "TWILIO_ACCOUNT_SID"
	EnvAuthToken  = "TWILIO_AUTH_TOKEN"
	EnvAPIKey     = "TWILIO_API_KEY"
	EnvAPISecret  = "TWILIO_API_SECRET"
	EnvRegion     = "TWILIO_REGION"
	EnvEdge       = "TWILIO_EDGE"
	// EnvBaseURL is confconsole's own: Twilio's tools have no such override,
	// and it points the client at any Twilio-compatible server (the simulator).
	EnvBaseURL = "CONFCONSOLE_BASE_URL"
)

// DefaultBaseURL is Twilio's global REST host, used when no region, edge or
// base URL is configured.
const DefaultBaseURL = "https://api.twilio.com"

// The defaults that zero Config fields stand for.
const (
	DefaultMaxBodyBytes   = 5 << 20 // a page of 1000 conferences is about 1 MB
	DefaultRequestTimeout = 30 * time.Second
	DefaultPageSize       = 1000 // the most Twilio allows: fewest round trips per poll
)

// Config says where the client talks and as whom. Only AccountSID and one
// credential pair are required; every other zero field means a default.
//
// A Config prints (with any fmt verb), marshals to JSON and logs with both
// secrets redacted, so it is safe to show in an error or a debug log.
type Config struct {
	AccountSID string // AC + 32 hex; always in the path
	AuthToken  string // secret
	APIKey     string // SK + 32 hex; with APISecret, used instead of AuthToken
	APISecret  string // secret
	Region     string
	Edge       string
	BaseURL    string       // overrides region and edge, e.g. the simulator's URL
	HTTPClient *http.Client // nil means a client with sensible timeouts

	// Version goes into the User-Agent header as confconsole/<Version>;
	// empty means "dev".
	Version string
	// MaxBodyBytes caps how much of one response is read, so a broken or
	// hostile server cannot make the console eat memory. Zero means
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Retry bounds the retries; zero fields mean DefaultRetryPolicy().
	Retry RetryPolicy
	// Logf, when set, receives one line per HTTP attempt (method, path,
	// status, request id, retry waits) for a debug log. The lines never
	// carry credentials or form bodies.
	Logf func(format string, args ...any)
}

// ConfigFromEnv builds a Config from the environment Twilio's own tools use
// (see the Env* constants). getenv is injected (os.Getenv in main, a map in
// tests) so nothing here reads the real process environment. Values are
// trimmed of surrounding spaces, a frequent copy-and-paste accident. When both
// an API key pair and an auth token are present, the API key wins, as with
// Twilio's CLI. The returned Config has been checked as New would check it.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		return Config{}, fmt.Errorf("%w: no environment given", ErrConfig)
	}
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	cfg := Config{
		AccountSID: get(EnvAccountSID),
		AuthToken:  get(EnvAuthToken),
		APIKey:     get(EnvAPIKey),
		APISecret:  get(EnvAPISecret),
		Region:     get(EnvRegion),
		Edge:       get(EnvEdge),
		BaseURL:    get(EnvBaseURL),
	}
	if err := checkEnvCredentials(cfg); err != nil {
		return Config{}, err
	}
	if cfg.APIKey != "" {
		cfg.AuthToken = "" // the key pair wins; do not carry an unused secret around
	}
	if err := cfg.validate(); err != nil {
		return Config{}, envError(err)
	}
	return cfg, nil
}

// checkEnvCredentials names exactly the variables that are missing.
func checkEnvCredentials(cfg Config) error {
	const either = EnvAuthToken + ", or " + EnvAPIKey + " and " + EnvAPISecret
	switch {
	case cfg.AccountSID == "" && cfg.AuthToken == "" && cfg.APIKey == "" && cfg.APISecret == "":
		return fmt.Errorf("%w: no Twilio credentials in the environment: set %s and %s (or %s, %s and %s)",
			ErrConfig, EnvAccountSID, EnvAuthToken, EnvAccountSID, EnvAPIKey, EnvAPISecret)
	case cfg.AccountSID == "":
		return fmt.Errorf("%w: %s is not set: set it to your account SID (AC followed by 32 hex digits)",
			ErrConfig, EnvAccountSID)
	case cfg.APIKey != "" && cfg.APISecret == "":
		return fmt.Errorf("%w: %s is set but %s is not: set %s", ErrConfig, EnvAPIKey, EnvAPISecret, EnvAPISecret)
	case cfg.APISecret != "" && cfg.APIKey == "":
		return fmt.Errorf("%w: %s is set but %s is not: set %s", ErrConfig, EnvAPISecret, EnvAPIKey, EnvAPIKey)
	case cfg.AuthToken == "" && cfg.APIKey == "":
		return fmt.Errorf("%w: %s is set but no credential is: set %s", ErrConfig, EnvAccountSID, either)
	}
	return nil
}

// envError rewords a validation error in terms of the variables a user sets.
func envError(err error) error {
	r := strings.NewReplacer(
		"account SID ", EnvAccountSID+" ",
		"API key ", EnvAPIKey+" ",
		"region ", EnvRegion+" ",
		"edge ", EnvEdge+" ",
		"base URL ", EnvBaseURL+" ",
	)
	return &configError{msg: r.Replace(strings.TrimPrefix(err.Error(), ErrConfig.Error()+": "))}
}

// configError is an invalid configuration; it matches ErrConfig.
type configError struct{ msg string }

func (e *configError) Error() string        { return ErrConfig.Error() + ": " + e.msg }
func (e *configError) Is(target error) bool { return target == ErrConfig }

// validate checks the configuration without talking to anyone.
func (cfg Config) validate() error {
	if !validSID(cfg.AccountSID, "AC") {
		return fmt.Errorf("%w: account SID %s is not an account SID (AC followed by 32 hex digits)", ErrConfig, describe(cfg.AccountSID))
	}
	switch {
	case cfg.APIKey != "" || cfg.APISecret != "":
		if !validSID(cfg.APIKey, "SK") {
			return fmt.Errorf("%w: API key %s is not an API key SID (SK followed by 32 hex digits)", ErrConfig, describe(cfg.APIKey))
		}
		if cfg.APISecret == "" {
			return fmt.Errorf("%w: an API key needs its API secret", ErrConfig)
		}
	case cfg.AuthToken == "":
		return fmt.Errorf("%w: no credential: give an auth token, or an API key and its secret", ErrConfig)
	}
	if cfg.MaxBodyBytes < 0 {
		return fmt.Errorf("%w: MaxBodyBytes %d is negative", ErrConfig, cfg.MaxBodyBytes)
	}
	if err := cfg.Retry.validate(); err != nil {
		return err
	}
	_, err := cfg.baseURL()
	return err
}

// clip keeps a rejected value short in an error message; only non-secret
// values are ever passed to it.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// describe shows a rejected SID by its first two characters and its length
// only: a user who swapped the SID and the token must not see the token
// printed back in an error.
func describe(s string) string {
	if s == "" {
		return "(empty)"
	}
	head := s
	if len(head) > 2 {
		head = head[:2]
	}
	return fmt.Sprintf("(starting %q, %d characters)", head, len(s))
}

// validSID reports whether s is prefix followed by exactly 32 hex digits.
func validSID(s, prefix string) bool {
	if len(s) != 34 || !strings.HasPrefix(s, prefix) {
		return false
	}
	for _, c := range s[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// validHostLabel keeps region and edge names to what can sit inside a DNS
// name, so a stray value cannot redirect the credentials to another host.
func validHostLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// baseURL resolves where requests go: BaseURL when set, else the regional
// host Twilio documents: api.{edge}.{region}.twilio.com, with region us1
// when only an edge is given, and api.{region}.twilio.com for a region alone.
func (cfg Config) baseURL() (*url.URL, error) {
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%w: base URL %q is not an http:// or https:// URL with a host", ErrConfig, clip(cfg.BaseURL))
		}
		if u.User != nil {
			// Credentials in a URL end up in logs and error messages.
			return nil, fmt.Errorf("%w: base URL must not carry a user name or password; give credentials separately", ErrConfig)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%w: base URL %q must not have a query or fragment", ErrConfig, clip(cfg.BaseURL))
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		u.RawPath = ""
		return u, nil
	}
	region := strings.ToLower(cfg.Region)
	edge := strings.ToLower(cfg.Edge)
	if region != "" && !validHostLabel(region) {
		return nil, fmt.Errorf("%w: region %q is not a Twilio region name such as us1 or ie1", ErrConfig, clip(cfg.Region))
	}
	if edge != "" && !validHostLabel(edge) {
		return nil, fmt.Errorf("%w: edge %q is not a Twilio edge name such as ashburn or dublin", ErrConfig, clip(cfg.Edge))
	}
	if edge != "" && region == "" {
		region = "us1"
	}
	switch {
	case edge != "":
		return &url.URL{Scheme: "https", Host: "api." + edge + "." + region + ".twilio.com"}, nil
	case region != "":
		return &url.URL{Scheme: "https", Host: "api." + region + ".twilio.com"}, nil
	}
	return url.Parse(DefaultBaseURL)
}

// authName says, without any secret, which credential a config uses.
func (cfg Config) authName() string {
	switch {
	case cfg.APIKey != "":
		return "api key " + cfg.APIKey
	case cfg.AuthToken != "":
		return "auth token"
	}
	return "none"
}

func redacted(secret string) string {
	if secret == "" {
		return `""`
	}
	return "[redacted]"
}

// String describes the configuration with both secrets redacted.
func (cfg Config) String() string {
	return fmt.Sprintf("{AccountSID:%s AuthToken:%s APIKey:%s APISecret:%s Region:%s Edge:%s BaseURL:%s}",
		cfg.AccountSID, redacted(cfg.AuthToken), cfg.APIKey, redacted(cfg.APISecret), cfg.Region, cfg.Edge, cfg.BaseURL)
}

// GoString is the %#v form, with both secrets redacted.
func (cfg Config) GoString() string {
	return fmt.Sprintf("api.Config{AccountSID:%q, AuthToken:%s, APIKey:%q, APISecret:%s, Region:%q, Edge:%q, BaseURL:%q}",
		cfg.AccountSID, redacted(cfg.AuthToken), cfg.APIKey, redacted(cfg.APISecret), cfg.Region, cfg.Edge, cfg.BaseURL)
}

// Format makes every fmt verb (%v, %+v, %#v, %s, %q, %x...) go through String
// or GoString; without it %x or %+v would print the raw fields.
func (cfg Config) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, cfg.GoString())
		return
	}
	fmt.Fprint(f, cfg.String())
}

// MarshalJSON writes the configuration with both secrets redacted, so a
// structured log of a Config cannot leak them.
func (cfg Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{
		"account_sid": cfg.AccountSID,
		"auth_token":  redacted(cfg.AuthToken),
		"api_key":     cfg.APIKey,
		"api_secret":  redacted(cfg.APISecret),
		"region":      cfg.Region,
		"edge":        cfg.Edge,
		"base_url":    cfg.BaseURL,
	})
}

// LogValue is what log/slog records for a Config: the redacted String.
func (cfg Config) LogValue() slog.Value { return slog.StringValue(cfg.String()) }
