// Package config reads confconsole's configuration file (TOML): the
// console's settings, per-profile sections where any of them can differ,
// named announcement URLs and remapped keys. It checks everything when the
// file is read, naming the file and the line of each mistake, so a typo
// stops the console at start rather than being silently ignored.
//
// It lives under ui because what it configures is the console: the key
// map it remaps is ui.KeyMap. The twilio-cli profiles, which are
// credentials, are read by package api.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"confconsole/ui"
)

// The environment variables DefaultPath reads.
const (
	EnvXDGConfigHome = "XDG_CONFIG_HOME"
	EnvHome          = "HOME"
)

// DefaultPath is where the file is looked for when --config is not given:
// $XDG_CONFIG_HOME/confconsole/config.toml, else
// ~/.config/confconsole/config.toml; "" when neither variable is set.
func DefaultPath(getenv func(string) string) string {
	if d := getenv(EnvXDGConfigHome); filepath.IsAbs(d) {
		return filepath.Join(d, "confconsole", "config.toml")
	}
	if h := getenv(EnvHome); h != "" {
		return filepath.Join(h, ".config", "confconsole", "config.toml")
	}
	return ""
}

// Settings are what the file can set, at its top level or in a profile's
// section; a nil field is not set there.
type Settings struct {
	Theme      *string `toml:"theme"`
	Refresh    *string `toml:"refresh"` // a Go duration such as "5s"
	HoldURL    *string `toml:"hold_url"`
	AuditLog   *string `toml:"audit_log"`
	ReadOnly   *bool   `toml:"read_only"`
	Conference *string `toml:"conference"`
	// Announcements are offered by name in the announce prompts.
	Announcements map[string]string `toml:"announcements"`
}

// settingNames lists the settings in the order `confconsole config` prints
// them and error messages list them.
func settingNames() []string {
	return []string{"theme", "refresh", "hold_url", "audit_log", "read_only", "conference", "announcements"}
}

// document is the whole file as TOML sees it.
type document struct {
	Settings
	Keys     map[string]any      `toml:"keys"`
	Profiles map[string]Settings `toml:"profiles"`
}

// File is a configuration file, read and checked.
type File struct {
	Path     string
	Top      Settings
	Profiles map[string]Settings
	Keys     map[string][]string // action name -> keys, as written
	lines    map[string]int      // dotted key -> line
}

// Line is the line a dotted key ("theme", "keys.mute",
// "profiles.prod.read_only") is set on, 0 when it is not in the file.
func (f *File) Line(key string) int {
	if f == nil {
		return 0
	}
	return f.lines[key]
}

// Error is a mistake in the file, at a line (0 when the whole file is
// concerned).
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Path + ": " + e.Msg
	}
	return fmt.Sprintf("%s line %d: %s", e.Path, e.Line, e.Msg)
}

// Load reads and checks the file at path. A missing file matches
// fs.ErrNotExist (the caller decides whether that matters: it does not for
// the default path). Keys are checked against defaults, the key map the
// binary ships, by Keys.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the configuration file: %w", err)
	}
	return Parse(path, b)
}

// Parse checks a file's bytes; path is only used in messages.
func Parse(path string, b []byte) (*File, error) {
	var doc document
	dec := toml.NewDecoder(bytes.NewReader(b)).DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, decodeError(path, err)
	}
	lines, err := keyLines(b)
	if err != nil {
		return nil, decodeError(path, err)
	}
	f := &File{Path: path, Top: doc.Settings, Profiles: doc.Profiles, Keys: map[string][]string{}, lines: lines}
	if err := f.checkSettings("", f.Top); err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(mapKeys(f.Profiles)) {
		if err := f.checkSettings("profiles."+name+".", f.Profiles[name]); err != nil {
			return nil, err
		}
	}
	for _, action := range slices.Sorted(mapKeys(doc.Keys)) {
		keys, err := keyList(doc.Keys[action])
		if err != nil {
			return nil, f.errAt("keys."+action, fmt.Sprintf("keys.%s: %v", action, err))
		}
		f.Keys[action] = keys
	}
	return f, nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// keyList accepts `mute = ["z", "M"]` and, as a shorthand, `mute = "z"`.
func keyList(v any) ([]string, error) {
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case []any:
		if len(v) == 0 {
			return nil, errors.New("give at least one key, e.g. [\"z\"]")
		}
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%v is not a key: write keys as strings, e.g. [\"z\"]", e)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%v is not a key: write keys as a list of strings, e.g. [\"z\"]", v)
}

// errAt makes an error at key's line, or its nearest enclosing table's
// when key sits in an inline table.
func (f *File) errAt(key, msg string) error {
	for k := key; k != ""; {
		if line, ok := f.lines[k]; ok {
			return &Error{Path: f.Path, Line: line, Msg: msg}
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return &Error{Path: f.Path, Msg: msg}
}

// checkSettings refuses values that cannot work, naming the line.
func (f *File) checkSettings(prefix string, s Settings) error {
	if s.Theme != nil {
		switch *s.Theme {
		case "auto", "dark", "light":
		default:
			return f.errAt(prefix+"theme", fmt.Sprintf("theme %q: use auto, dark or light", *s.Theme))
		}
	}
	if s.Refresh != nil {
		d, err := time.ParseDuration(*s.Refresh)
		switch {
		case err != nil:
			return f.errAt(prefix+"refresh", fmt.Sprintf("refresh %q is not a duration: write it like \"5s\" or \"1m\"", *s.Refresh))
		case d < ui.MinRefresh:
			return f.errAt(prefix+"refresh", fmt.Sprintf("refresh %q is too fast: use at least %v", *s.Refresh, ui.MinRefresh))
		}
	}
	if s.HoldURL != nil && *s.HoldURL != "" {
		if err := checkURL(*s.HoldURL); err != nil {
			return f.errAt(prefix+"hold_url", "hold_url "+err.Error())
		}
	}
	if s.Conference != nil && strings.TrimSpace(*s.Conference) == "" {
		return f.errAt(prefix+"conference", "conference is empty: give a CF… SID or a friendly name, or remove the line")
	}
	if s.AuditLog != nil && *s.AuditLog == "" {
		return f.errAt(prefix+"audit_log", `audit_log is empty: give a file, or "-" for none, or remove the line`)
	}
	for _, name := range slices.Sorted(mapKeys(s.Announcements)) {
		if strings.TrimSpace(name) == "" {
			return f.errAt(prefix+"announcements", "an announcement has an empty name")
		}
		if err := checkURL(s.Announcements[name]); err != nil {
			return f.errAt(prefix+"announcements."+name, fmt.Sprintf("announcement %q: %v", name, err))
		}
	}
	return nil
}

// checkURL is the rule the announce and hold prompts apply: an absolute
// http or https URL.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http:// or https:// URL", s)
	}
	return nil
}

// decodeError turns the TOML library's errors into "file line N: what".
func decodeError(path string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		e := strict.Errors[0]
		line, _ := e.Position()
		k := strings.Join(e.Key(), ".")
		return &Error{Path: path, Line: line, Msg: fmt.Sprintf("unknown setting %q: %s", k, knownHint(e.Key()))}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if m, ok := kindMismatch(de.Key(), msg); ok {
			msg = m
		}
		return &Error{Path: path, Line: line, Msg: msg}
	}
	var pe *unstable.ParserError
	if errors.As(err, &pe) {
		return &Error{Path: path, Msg: pe.Error()}
	}
	return &Error{Path: path, Msg: err.Error()}
}

// kindMismatch turns the decoder's "cannot decode TOML integer into struct
// field config.document.Refresh of type string" into what the file's reader
// wrote and what goes there: `refresh: a number where a string in quotes
// goes, e.g. refresh = "3s"`. It reports false for any other message.
func kindMismatch(key []string, msg string) (string, bool) {
	rest, ok := strings.CutPrefix(msg, "cannot decode TOML ")
	if !ok || len(key) == 0 {
		return "", false
	}
	got, _, ok := strings.Cut(rest, " into ")
	if !ok {
		return "", false
	}
	switch got {
	case "string":
		got = "a string"
	case "integer", "float":
		got = "a number"
	case "boolean":
		got = "true or false"
	case "array":
		got = "a list"
	case "table", "inline table":
		got = "a table"
	default: // the dates and times
		got = "a " + got
	}
	name := key[len(key)-1]
	switch {
	case len(key) == 2 && key[0] == "announcements":
		name = "announcement"
	case len(key) == 2 && key[0] == "profiles":
		name = "profile"
	}
	const quoted = "a string in quotes"
	spec := map[string][2]string{
		"theme":         {quoted, `write it as theme = "dark"`},
		"refresh":       {quoted, `write it as refresh = "3s"`},
		"hold_url":      {quoted, `write it as hold_url = "https://example.com/hold.xml"`},
		"audit_log":     {quoted, `write it as audit_log = "-"`},
		"conference":    {quoted, `write it as conference = "Support bridge"`},
		"read_only":     {"true or false", "write it as read_only = true"},
		"announcements": {"a table of names and URLs", `write it as announcements = { closing = "https://example.com/closing.mp3" }`},
		"announcement":  {"a URL in quotes", `write it as closing = "https://example.com/closing.mp3"`},
		"keys":          {"a table of actions and keys", `write a [keys] section with lines such as mute = ["z"]`},
		"profiles":      {"a table of profiles", "write a section such as [profiles.prod] for each profile"},
		"profile":       {"a table of settings", fmt.Sprintf("write a section such as [profiles.%q] with lines such as read_only = true", key[len(key)-1])},
	}[name]
	if spec[0] == "" {
		return "", false
	}
	k := strings.Join(key, ".")
	if strings.ContainsFunc(k, func(r rune) bool { return !unicode.IsPrint(r) }) {
		k = strconv.Quote(k) // a quoted TOML key can hold anything
	}
	return fmt.Sprintf("%s: %s where %s goes; %s", k, got, spec[0], spec[1]), true
}

// knownHint says which names are allowed where an unknown one was found.
func knownHint(key []string) string {
	settings := strings.Join(settingNames(), ", ")
	if len(key) >= 3 && key[0] == "profiles" {
		return "a profile's section can set " + settings
	}
	return "the file can set " + settings + ", and has [keys] and [profiles.NAME] sections"
}

// keyLines maps every dotted key the file sets to its line.
func keyLines(b []byte) (map[string]int, error) {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(b)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyParts(e.Key())
			first := e.Key()
			line := p.Shape(first.Node().Raw).Start.Line
			for i := range table {
				k := strings.Join(table[:i+1], ".")
				if _, ok := lines[k]; !ok {
					lines[k] = line
				}
			}
		case unstable.KeyValue:
			full := append(slices.Clone(table), keyParts(e.Key())...)
			lines[strings.Join(full, ".")] = p.Shape(e.Raw).Start.Line
		}
	}
	return lines, p.Error()
}

func keyParts(it unstable.Iterator) []string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}

// NotFound reports whether err from Load is a missing file.
func NotFound(err error) bool { return errors.Is(err, fs.ErrNotExist) }
