package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/ui"
	"confconsole/ui/config"
)

// settings is everything the console runs with once the layers are merged:
// flags over environment over the profile's section of the config file
// over the file's top level over the defaults.
type settings struct {
	filePath    string // the config file looked for ("" when no HOME or XDG_CONFIG_HOME)
	fileMissing bool   // the default file does not exist: defaults apply
	file        *config.File
	creds       api.Credentials // zero with --demo
	credErr     error           // why no credentials were found, outside --demo
	eff         config.Effective
	keys        ui.KeyMap
}

// fileSettings are the settings a config file shares with flags, by their
// names in the file; a flag's name has - where the file has _.
func fileSettings() []string {
	return []string{"theme", "refresh", "hold_url", "audit_log", "read_only", "conference"}
}

// resolveSettings reads the config file and the credentials and merges
// them with the command line. A broken file or key map is an error; missing
// credentials are returned in credErr, so `confconsole config` can still
// show the rest.
func resolveSettings(o options, getenv func(string) string) (settings, error) {
	var s settings
	if o.demo && o.profile != "" {
		return s, usageError{errors.New("--demo runs its own simulator with made-up credentials; drop --profile, or drop --demo to use that profile")}
	}
	s.filePath = o.configPath
	if s.filePath == "" {
		s.filePath = config.DefaultPath(getenv)
	}
	if s.filePath != "" {
		f, err := config.Load(s.filePath)
		switch {
		case err == nil:
			s.file = f
		case config.NotFound(err) && o.configPath == "":
			s.fileMissing = true
		case config.NotFound(err):
			return s, usageError{fmt.Errorf("--config %s: there is no such file: create it (see the README's Configuration section) or drop --config", o.configPath)}
		default:
			return s, err
		}
	}
	if !o.demo {
		s.creds, s.credErr = api.ResolveCredentials(getenv, getenv(config.EnvHome), o.profile)
	}

	var d options
	newFlagSet(&d) // the flags' defaults
	s.eff = config.Effective{Theme: d.theme, Refresh: d.refresh, HoldURL: d.holdURL, AuditLog: d.auditLog,
		ReadOnly: d.readOnly, Conference: d.conference}
	for _, name := range fileSettings() {
		s.eff.Set(name, "default")
	}
	s.file.Apply(&s.eff, s.creds.Profile)
	if rest, ok := strings.CutPrefix(s.eff.AuditLog, "~/"); ok && getenv(config.EnvHome) != "" {
		// A shell expands ~ in a flag; the file gets the same courtesy.
		s.eff.AuditLog = filepath.Join(getenv(config.EnvHome), rest)
	}
	for _, name := range fileSettings() {
		flagName := strings.ReplaceAll(name, "_", "-")
		if !o.set[flagName] {
			continue
		}
		switch name {
		case "theme":
			s.eff.Theme = o.theme
		case "refresh":
			s.eff.Refresh = o.refresh
		case "hold_url":
			s.eff.HoldURL = o.holdURL
		case "audit_log":
			s.eff.AuditLog = o.auditLog
		case "read_only":
			s.eff.ReadOnly = o.readOnly
		case "conference":
			s.eff.Conference = o.conference
		}
		s.eff.Set(name, "flag --"+flagName)
	}
	if o.demo && !o.set["audit-log"] {
		// The demo's calls are not real: its actions go to no audit log
		// unless --audit-log asks, whatever the file says.
		s.eff.AuditLog = ""
		s.eff.Set("audit_log", "default")
	}
	keys, err := s.file.Remap(defaultKeyMap())
	if err != nil {
		return s, err
	}
	s.keys = keys
	return s, nil
}

// apply writes the merged settings back into the options the console runs
// with.
func (s settings) apply(o options) options {
	o.theme, o.refresh, o.holdURL = s.eff.Theme, s.eff.Refresh, s.eff.HoldURL
	o.auditLog, o.readOnly, o.conference = s.eff.AuditLog, s.eff.ReadOnly, s.eff.Conference
	return o
}

// announcements are the file's named recordings for the announce prompts.
func (s settings) announcements() []ui.Announcement {
	out := make([]ui.Announcement, 0, len(s.eff.Announcements))
	for _, a := range s.eff.Announcements {
		out = append(out, ui.Announcement{Name: a.Name, URL: a.URL})
	}
	return out
}

// runConfig is `confconsole config`: it takes the console's flags and
// prints the configuration they lead to, each value with where it came
// from, as TOML a user can copy into the file. No secret is printed.
func runConfig(_ context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseArgs(args, stderr)
	if err != nil {
		return err
	}
	s, err := resolveSettings(o, getenv)
	if err != nil {
		return err
	}
	w := &tomlWriter{out: stdout}
	fmt.Fprintln(stdout, "# confconsole's effective configuration; each comment says where the value came from")
	fmt.Fprintln(stdout, "# (flags over environment over the profile's section over the file over defaults).")
	switch {
	case s.filePath == "":
		fmt.Fprintf(stdout, "# config file: none (neither %s nor %s is set)\n", config.EnvXDGConfigHome, config.EnvHome)
	case s.fileMissing:
		fmt.Fprintf(stdout, "# config file: %s (not there: defaults apply)\n", s.filePath)
	default:
		fmt.Fprintf(stdout, "# config file: %s\n", s.filePath)
	}
	switch {
	case o.demo:
		fmt.Fprintln(stdout, "# credentials: the demo simulator's, made up for each run")
	case s.credErr != nil:
		fmt.Fprintf(stdout, "# credentials: none usable: %s\n", strings.ReplaceAll(s.credErr.Error(), "\n", "\n#   "))
	default:
		c := s.creds.Config
		fmt.Fprintf(stdout, "# credentials: %s\n", s.creds.Source)
		who := "account " + c.AccountSID
		if c.APIKey != "" {
			who += ", API key " + c.APIKey
		} else {
			who += ", auth token"
		}
		for _, kv := range [][2]string{{"region", c.Region}, {"edge", c.Edge}, {"API URL", firstSet(o.apiURL, c.BaseURL)}} {
			if kv[1] != "" {
				who += ", " + kv[0] + " " + kv[1]
			}
		}
		fmt.Fprintf(stdout, "#   %s\n", who)
		if s.creds.Profile != "" {
			state := "it is not set, so signed callbacks cannot be checked"
			if strings.TrimSpace(getenv(api.EnvAuthToken)) != "" {
				state = "it is set"
			}
			fmt.Fprintf(stdout, "#   webhook signatures: twilio-cli profiles hold no auth token, so validating them needs %s; %s\n", api.EnvAuthToken, state)
		}
	}
	fmt.Fprintln(stdout)
	e := s.eff
	w.value("theme", fmt.Sprintf("%q", e.Theme), e.Sources["theme"])
	w.value("refresh", fmt.Sprintf("%q", e.Refresh.String()), e.Sources["refresh"])
	w.value("hold_url", fmt.Sprintf("%q", e.HoldURL), sourceOr(e.Sources["hold_url"], e.HoldURL == "", "Twilio's hold music"))
	auditPath, auditNote := e.AuditLog, ""
	if auditPath == "" {
		switch p, err := audit.DefaultPath(getenv); {
		case o.demo:
			auditPath, auditNote = audit.DisabledPath, "none with --demo"
		case err != nil:
			auditNote = err.Error()
		default:
			auditPath = p
		}
	}
	w.value("audit_log", fmt.Sprintf("%q", auditPath), sourceOr(e.Sources["audit_log"], auditNote != "", auditNote))
	w.value("read_only", fmt.Sprint(e.ReadOnly), e.Sources["read_only"])
	w.value("conference", fmt.Sprintf("%q", e.Conference), sourceOr(e.Sources["conference"], e.Conference == "", "opens the list"))

	w.section("announcements")
	if len(e.Announcements) == 0 {
		fmt.Fprintln(stdout, "# none")
	}
	for _, a := range e.Announcements {
		w.value(tomlKey(a.Name), fmt.Sprintf("%q", a.URL), a.Source)
	}

	w.section("keys")
	km := s.keys
	for _, a := range config.Actions(&km) {
		quoted := make([]string, 0, len(a.Binding.Keys()))
		for _, k := range a.Binding.Keys() {
			quoted = append(quoted, fmt.Sprintf("%q", k))
		}
		src := "default"
		if line := s.file.Line("keys." + a.Name); line > 0 {
			src = fmt.Sprintf("file line %d", line)
		}
		w.value(a.Name, "["+strings.Join(quoted, ", ")+"]", src+" ("+a.Binding.Help().Desc+")")
	}
	w.flush()
	if s.credErr != nil && !o.demo {
		return s.credErr
	}
	return nil
}

// tomlKey writes a key bare when TOML allows it, else quoted.
func tomlKey(k string) string {
	if k != "" && strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == "" {
		return k
	}
	return fmt.Sprintf("%q", k)
}

func firstSet(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// sourceOr adds a note on what a default value means.
func sourceOr(source string, cond bool, note string) string {
	if cond && note != "" {
		return source + ": " + note
	}
	return source
}

// tomlWriter lines up "name = value  # source" rows section by section.
type tomlWriter struct {
	out  io.Writer
	rows [][3]string
}

func (w *tomlWriter) value(name, value, source string) {
	w.rows = append(w.rows, [3]string{name, value, source})
}

// section ends the rows so far and starts a [table].
func (w *tomlWriter) section(name string) {
	w.flush()
	fmt.Fprintf(w.out, "\n[%s]\n", name)
}

func (w *tomlWriter) flush() {
	width := 0
	for _, r := range w.rows {
		width = max(width, len(r[0])+3+len(r[1]))
	}
	for _, r := range w.rows {
		line := r[0] + " = " + r[1]
		fmt.Fprintf(w.out, "%-*s  # %s\n", width, line, r[2])
	}
	w.rows = nil
}
