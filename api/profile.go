package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// EnvHome is where the twilio-cli folder is looked for: the folder
// twilio-cli itself uses, ~/.twilio-cli.
const EnvHome = "HOME"

// TwilioCLIFile is the twilio-cli configuration file, relative to the home
// folder. twilio-cli writes it with `twilio login` / `twilio profiles:create`.
const TwilioCLIFile = ".twilio-cli/config.json"

// TwilioCLI is what confconsole reads of twilio-cli's config.json: the
// profiles (keyed by name, with their API key and secret), the older
// "projects" list, which profile is active and the file-wide edge.
// twilio-cli writes the active profile's name as "activeProject", a name
// kept from its first versions; "activeProfile" is read too.
type TwilioCLI struct {
	Path          string                `json:"-"`
	Profiles      map[string]cliProfile `json:"profiles"`
	Projects      []cliProject          `json:"projects"`
	ActiveProject string                `json:"activeProject"`
	ActiveProfile string                `json:"activeProfile"`
	Edge          string                `json:"edge"`
}

type cliProfile struct {
	AccountSID string `json:"accountSid"`
	APIKey     string `json:"apiKey"`
	APISecret  string `json:"apiSecret"`
	Region     string `json:"region"`
	Edge       string `json:"edge"`
}

// cliProject is a profile as twilio-cli before version 3 stored it: the API
// key and secret went to the system keychain, not the file.
type cliProject struct {
	ID         string `json:"id"`
	AccountSID string `json:"accountSid"`
	APIKey     string `json:"apiKey"`
	APISecret  string `json:"apiSecret"`
	Region     string `json:"region"`
}

// LoadTwilioCLI reads twilio-cli's config.json at path. The error for a
// missing file matches fs.ErrNotExist, so a caller can treat "no twilio-cli"
// apart from a broken file.
func LoadTwilioCLI(path string) (*TwilioCLI, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: read the twilio-cli profiles: %w", ErrConfig, err)
	}
	var c TwilioCLI
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%w: %s is not a twilio-cli config file (%v): fix or remove it, or set %s and %s",
			ErrConfig, path, jsonWhere(b, err), EnvAccountSID, EnvAuthToken)
	}
	c.Path = path
	return &c, nil
}

// jsonWhere adds the line of a JSON syntax error to its message.
func jsonWhere(b []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + strings.Count(string(b[:min(int(se.Offset), len(b))]), "\n")
		return fmt.Sprintf("line %d: %v", line, err)
	}
	return err.Error()
}

// Names lists the profile names the file holds, sorted, for messages.
func (c *TwilioCLI) Names() []string {
	var names []string
	for n := range c.Profiles {
		names = append(names, n)
	}
	for _, p := range c.Projects {
		if !slices.Contains(names, p.ID) {
			names = append(names, p.ID)
		}
	}
	slices.Sort(names)
	return names
}

// active is the name of the profile twilio-cli would use without -p: the
// one named active when it exists, else the first of the older projects.
func (c *TwilioCLI) active() string {
	for _, name := range []string{c.ActiveProject, c.ActiveProfile} {
		if name == "" {
			continue
		}
		if _, ok := c.lookup(name); ok {
			return name
		}
	}
	if len(c.Projects) > 0 {
		return c.Projects[0].ID
	}
	return ""
}

// lookup finds a profile by name: the profiles map first, then the older
// projects list, as twilio-cli does.
func (c *TwilioCLI) lookup(name string) (cliProfile, bool) {
	if p, ok := c.Profiles[name]; ok {
		return p, true
	}
	for _, p := range c.Projects {
		if p.ID == name {
			return cliProfile{AccountSID: p.AccountSID, APIKey: p.APIKey, APISecret: p.APISecret, Region: p.Region}, true
		}
	}
	return cliProfile{}, false
}

// Profile returns the client configuration of the named profile. The
// environment's TWILIO_REGION and TWILIO_EDGE (and CONFCONSOLE_BASE_URL)
// override the profile's; an edge the profile lacks comes from the file's
// top-level edge. Errors name the file, the profile and what is missing.
func (c *TwilioCLI) Profile(name string, getenv func(string) string) (Config, error) {
	p, ok := c.lookup(name)
	if !ok {
		names := c.Names()
		if len(names) == 0 {
			return Config{}, fmt.Errorf("%w: %s has no profiles: create one with `twilio profiles:create`", ErrConfig, c.Path)
		}
		return Config{}, fmt.Errorf("%w: %s has no profile %q: use one of %s", ErrConfig, c.Path, name, strings.Join(names, ", "))
	}
	where := fmt.Sprintf("profile '%s' in %s", name, c.Path)
	missing := func(field string) error {
		return fmt.Errorf("%w: %s has no %s: run `twilio profiles:create %s` again (older twilio-cli kept keys in the system keychain), or set %s with %s or %s and %s",
			ErrConfig, where, field, name, EnvAccountSID, EnvAuthToken, EnvAPIKey, EnvAPISecret)
	}
	switch {
	case strings.TrimSpace(p.AccountSID) == "":
		return Config{}, missing("accountSid")
	case strings.TrimSpace(p.APIKey) == "":
		return Config{}, missing("apiKey")
	case strings.TrimSpace(p.APISecret) == "":
		return Config{}, missing("apiSecret")
	}
	get := func(k string) string {
		if getenv == nil {
			return ""
		}
		return strings.TrimSpace(getenv(k))
	}
	cfg := Config{
		AccountSID: strings.TrimSpace(p.AccountSID),
		APIKey:     strings.TrimSpace(p.APIKey),
		APISecret:  strings.TrimSpace(p.APISecret),
		Region:     firstNonEmpty(get(EnvRegion), strings.TrimSpace(p.Region)),
		Edge:       firstNonEmpty(get(EnvEdge), strings.TrimSpace(p.Edge), strings.TrimSpace(c.Edge)),
		BaseURL:    get(EnvBaseURL),
	}
	if err := cfg.validate(); err != nil {
		return Config{}, profileError(where, err)
	}
	return cfg, nil
}

// profileError rewords a validation error in the file's own field names.
func profileError(where string, err error) error {
	msg := strings.TrimPrefix(err.Error(), ErrConfig.Error()+": ")
	for from, to := range map[string]string{"account SID ": "accountSid ", "API key ": "apiKey "} {
		if strings.HasPrefix(msg, from) {
			msg = to + strings.TrimPrefix(msg, from)
		}
	}
	return &configError{msg: where + ": " + msg}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// Credentials says where the client configuration came from, without any
// secret: Profile is the twilio-cli profile's name ("" for the
// environment), Source a phrase for `confconsole config` and errors.
type Credentials struct {
	Config  Config
	Profile string
	Source  string
}

// ResolveCredentials picks the credentials the way twilio-cli does: the
// profile named by --profile when one is given; else the environment when
// TWILIO_ACCOUNT_SID is set (with TWILIO_API_KEY/SECRET or
// TWILIO_AUTH_TOKEN); else twilio-cli's active profile. home is the folder
// holding .twilio-cli ("" when unknown). Unlike twilio-cli, a
// TWILIO_ACCOUNT_SID without a credential is an error rather than a silent
// fall back to the active profile, so the console never acts on another
// account than the one the shell names.
func ResolveCredentials(getenv func(string) string, home, profile string) (Credentials, error) {
	if getenv == nil {
		return Credentials{}, fmt.Errorf("%w: no environment given", ErrConfig)
	}
	path := ""
	if home != "" {
		path = filepath.Join(home, TwilioCLIFile)
	}
	if profile != "" {
		if path == "" {
			return Credentials{}, fmt.Errorf("%w: --profile %s: %s is not set, so the twilio-cli profiles cannot be found", ErrConfig, profile, EnvHome)
		}
		c, err := LoadTwilioCLI(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return Credentials{}, fmt.Errorf("%w: --profile %s: there is no %s: create the profile with `twilio profiles:create %s`", ErrConfig, profile, path, profile)
			}
			return Credentials{}, err
		}
		cfg, err := c.Profile(profile, getenv)
		if err != nil {
			return Credentials{}, err
		}
		return Credentials{Config: cfg, Profile: profile, Source: "profile " + profile + " (" + path + ")"}, nil
	}
	if strings.TrimSpace(getenv(EnvAccountSID)) != "" || path == "" {
		cfg, err := ConfigFromEnv(getenv)
		if err != nil {
			return Credentials{}, err
		}
		return Credentials{Config: cfg, Source: "environment"}, nil
	}
	c, err := LoadTwilioCLI(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			_, envErr := ConfigFromEnv(getenv)
			return Credentials{}, fmt.Errorf("%w\n(or log in with twilio-cli: `twilio profiles:create`, which confconsole reads from %s)", envErr, path)
		}
		return Credentials{}, err
	}
	name := c.active()
	if name == "" {
		names := c.Names()
		if len(names) == 0 {
			_, envErr := ConfigFromEnv(getenv)
			return Credentials{}, fmt.Errorf("%w\n(%s has no profiles: create one with `twilio profiles:create`)", envErr, path)
		}
		return Credentials{}, fmt.Errorf("%w: %s names no active profile: pass --profile with one of %s, or run `twilio profiles:use NAME`",
			ErrConfig, path, strings.Join(names, ", "))
	}
	cfg, err := c.Profile(name, getenv)
	if err != nil {
		return Credentials{}, err
	}
	return Credentials{Config: cfg, Profile: name, Source: "active profile " + name + " (" + path + ")"}, nil
}
