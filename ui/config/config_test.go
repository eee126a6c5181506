package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"

	"confconsole/ui"
)

const example = `# confconsole
theme = "dark"
refresh = "5s"
hold_url = "https://example.com/hold.xml"
conference = "Support bridge"

[announcements]
closing = "https://example.com/closing.mp3"
"back soon" = "https://example.com/back.mp3"

[keys]
mute = ["z"]
hold = "H"

[profiles.prod]
read_only = true
refresh = "10s"
announcements = { closing = "https://prod.example.com/closing.mp3" }

[profiles.staging]
theme = "light"
`

func TestParseAndApply(t *testing.T) {
	f, err := Parse("config.toml", []byte(example))
	if err != nil {
		t.Fatal(err)
	}
	base := func() Effective {
		e := Effective{Theme: "auto", Refresh: 2 * time.Second}
		for _, s := range settingNames() {
			e.Set(s, "default")
		}
		return e
	}
	tests := []struct {
		profile       string
		theme         string
		refresh       time.Duration
		readOnly      bool
		sources       map[string]string
		announcements []Announcement
	}{
		{profile: "", theme: "dark", refresh: 5 * time.Second,
			sources: map[string]string{"theme": "file line 2", "refresh": "file line 3", "hold_url": "file line 4",
				"conference": "file line 5", "read_only": "default", "audit_log": "default"},
			announcements: []Announcement{
				{"back soon", "https://example.com/back.mp3", "file line 9"},
				{"closing", "https://example.com/closing.mp3", "file line 8"}}},
		{profile: "prod", theme: "dark", refresh: 10 * time.Second, readOnly: true,
			sources: map[string]string{"theme": "file line 2", "refresh": "[profiles.prod] line 17", "read_only": "[profiles.prod] line 16"},
			announcements: []Announcement{
				{"back soon", "https://example.com/back.mp3", "file line 9"},
				{"closing", "https://prod.example.com/closing.mp3", "[profiles.prod] line 18"}}},
		{profile: "staging", theme: "light", refresh: 5 * time.Second,
			sources: map[string]string{"theme": "[profiles.staging] line 21"}},
		{profile: "nosection", theme: "dark", refresh: 5 * time.Second,
			sources: map[string]string{"theme": "file line 2"}},
	}
	for _, tc := range tests {
		t.Run("profile="+tc.profile, func(t *testing.T) {
			e := base()
			f.Apply(&e, tc.profile)
			if e.Theme != tc.theme || e.Refresh != tc.refresh || e.ReadOnly != tc.readOnly {
				t.Errorf("theme %q refresh %v read-only %v; want %q %v %v", e.Theme, e.Refresh, e.ReadOnly, tc.theme, tc.refresh, tc.readOnly)
			}
			if e.HoldURL != "https://example.com/hold.xml" || e.Conference != "Support bridge" {
				t.Errorf("hold URL %q conference %q", e.HoldURL, e.Conference)
			}
			for k, want := range tc.sources {
				if got := e.Sources[k]; got != want {
					t.Errorf("source of %s = %q, want %q", k, got, want)
				}
			}
			if tc.announcements != nil {
				if len(e.Announcements) != len(tc.announcements) {
					t.Fatalf("announcements %+v, want %+v", e.Announcements, tc.announcements)
				}
				for i := range tc.announcements {
					if e.Announcements[i] != tc.announcements[i] {
						t.Errorf("announcement %d = %+v, want %+v", i, e.Announcements[i], tc.announcements[i])
					}
				}
			}
		})
	}
	if got := f.Keys["mute"]; len(got) != 1 || got[0] != "z" {
		t.Errorf("keys.mute = %q", got)
	}
	if got := f.Keys["hold"]; len(got) != 1 || got[0] != "H" {
		t.Errorf("keys.hold = %q (a single string is a shorthand)", got)
	}
}

// TestParseErrors holds that every mistake stops the start with the file
// and the line, and says what to do.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		line int
		want []string
	}{
		{"unknown top-level setting", "theme = \"dark\"\ncolour = \"red\"\n", 2,
			[]string{`unknown setting "colour"`, "theme, refresh"}},
		{"unknown setting in a profile section", "[profiles.prod]\nread_only = true\nreadonly = true\n", 3,
			[]string{`unknown setting "profiles.prod.readonly"`, "a profile's section can set"}},
		{"unknown table", "theme = \"dark\"\n\n[colours]\nbg = 1\n", 3,
			[]string{`unknown setting "colours`}},
		{"syntax error", "theme = \"dark\"\nrefresh = 5s\n", 2, []string{"config.toml line 2"}},
		{"wrong type", "read_only = \"yes\"\n", 1, []string{"config.toml line 1", "read_only: a string where true or false goes; write it as read_only = true"}},
		{"number for a duration", "\nrefresh = 3\n", 2, []string{"refresh: a number where a string in quotes goes", `refresh = "3s"`}},
		{"wrong type in a profile", "[profiles.prod]\nrefresh = 5\n", 2, []string{"profiles.prod.refresh: a number where a string in quotes goes"}},
		{"string for the announcements", "announcements = \"x\"\n", 1, []string{"announcements: a string where a table of names and URLs goes"}},
		{"number for an announcement", "[announcements]\nclosing = 5\n", 2, []string{"announcements.closing: a number where a URL in quotes goes"}},
		{"number for the keys", "keys = 5\n", 1, []string{"keys: a number where a table of actions and keys goes"}},
		{"number for the profiles", "profiles = 5\n", 1, []string{"profiles: a number where a table of profiles goes"}},
		{"number for a profile", "[profiles]\nprod = 5\n", 2, []string{"profiles.prod: a number where a table of settings goes", `[profiles."prod"]`}},
		{"control characters in a profile's name", "[profiles]\n\"a\\u001b[2Jb\" = 5\n", 2, []string{`"profiles.a\x1b[2Jb": a number`}},
		{"list for the conference", "conference = [\"a\"]\n", 1, []string{"conference: a list where a string in quotes goes"}},
		{"bad theme", "\ntheme = \"blue\"\n", 2, []string{`theme "blue": use auto, dark or light`}},
		{"bad theme in a profile", "[profiles.prod]\n\ntheme = \"blue\"\n", 3, []string{`theme "blue"`}},
		{"refresh not a duration", "refresh = \"5\"\n", 1, []string{`refresh "5" is not a duration`}},
		{"refresh too fast", "refresh = \"100ms\"\n", 1, []string{"too fast", "at least 1s"}},
		{"hold URL not a URL", "hold_url = \"hold.xml\"\n", 1, []string{"hold_url", "not an http:// or https:// URL"}},
		{"announcement not a URL", "[announcements]\nok = \"https://x.example/a.mp3\"\nbad = \"ftp://x\"\n", 3,
			[]string{`announcement "bad"`, "not an http"}},
		{"empty conference", "conference = \" \"\n", 1, []string{"conference is empty"}},
		{"empty audit log", "audit_log = \"\"\n", 1, []string{"audit_log is empty", `"-" for none`}},
		{"empty key list", "[keys]\nmute = []\n", 2, []string{"keys.mute", "at least one key"}},
		{"key not a string", "[keys]\n\nmute = [1]\n", 3, []string{"keys.mute", "not a key"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("config.toml", []byte(tc.file))
			if err == nil {
				t.Fatal("no error")
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("%v is not a *config.Error", err)
			}
			if ce.Line != tc.line {
				t.Errorf("line %d, want %d (%v)", ce.Line, tc.line, err)
			}
			if !strings.HasPrefix(err.Error(), "config.toml line ") {
				t.Errorf("%q does not start with the file and the line", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			// The decoder's words name Go types, which the reader of a
			// configuration file never wrote.
			if strings.Contains(err.Error(), "struct field") || strings.Contains(err.Error(), "TOML") {
				t.Errorf("%q speaks of the program's insides", err)
			}
		})
	}
}

func testKeys() ui.KeyMap {
	b := func(desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(keys, "/"), desc))
	}
	return ui.KeyMap{
		Up: b("up", "up", "k"), Down: b("down", "down", "j"), Quit: b("quit", "q"), Help: b("help", "?"),
		AuditLog: b("audit log", "L"),
		Mute:     b("mute/unmute", "m"), Hold: b("hold/resume", "h"), Coach: b("coach", "c"),
		ShowCompleted: b("completed too", "c"),
		Yes:           b("yes", "y"), No: b("no", "n", "esc"),
	}
}

func TestRemap(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		line    int
		wantErr []string
		check   func(t *testing.T, km ui.KeyMap)
	}{
		{name: "a remapped key replaces the default, in the binding and its help",
			file: "[keys]\nmute = [\"z\", \"up\"]\nup = [\"k\"]\n",
			check: func(t *testing.T, km ui.KeyMap) {
				if got := km.Mute.Keys(); strings.Join(got, ",") != "z,up" {
					t.Errorf("mute keys %q", got)
				}
				if h := km.Mute.Help(); h.Key != "z/↑" || h.Desc != "mute/unmute" {
					t.Errorf("mute help %+v", h)
				}
				if !km.Hold.Enabled() || km.Hold.Keys()[0] != "h" {
					t.Errorf("hold changed: %q", km.Hold.Keys())
				}
			}},
		{name: "names, ctrl, alt and space are typeable",
			file: "[keys]\nmute = [\"f5\", \"ctrl+x\", \"alt+m\", \"space\", \"tab\", \"é\"]\n",
			check: func(t *testing.T, km ui.KeyMap) {
				if got := strings.Join(km.Mute.Keys(), ","); got != "f5,ctrl+x,alt+m, ,tab,é" {
					t.Errorf("mute keys %q", got)
				}
			}},
		{name: "the event feed's paging keys, which some layouts reach only with AltGr",
			file: "[keys]\nfeed_older = [\"<\"]\nfeed_newer = [\">\"]\n",
			check: func(t *testing.T, km ui.KeyMap) {
				if o, n := strings.Join(km.FeedOlder.Keys(), ","), strings.Join(km.FeedNewer.Keys(), ","); o != "<" || n != ">" {
					t.Errorf("feed keys %q and %q, want < and >", o, n)
				}
			}},
		{name: "a key shared with another binding of the screen", file: "[keys]\n\nmute = [\"h\"]\n", line: 3,
			wantErr: []string{`key "h" is bound to both`, "mute", "hold", "another key"}},
		{name: "a key shared across screens is fine", file: "[keys]\nshow_completed = [\"m\"]\n"},
		{name: "a confirmation that swallows yes", file: "[keys]\nno = [\"y\"]\n", line: 2,
			wantErr: []string{`key "y"`, "yes", "no"}},
		{name: "a key no terminal sends", file: "[keys]\nmute = [\"Mute\"]\n", line: 2,
			wantErr: []string{`"Mute" is not a key a terminal can send`}},
		{name: "a control character", file: "[keys]\nmute = [\"\\u0007\"]\n", line: 2,
			wantErr: []string{"is not a key a terminal can send"}},
		{name: "the audit log key is on every screen", file: "[keys]\naudit_log = [\"m\"]\n", line: 2,
			wantErr: []string{`key "m" is bound to both`, "audit_log"}},
		{name: "ctrl+c is taken", file: "[keys]\nquit = [\"ctrl+c\"]\n", line: 2,
			wantErr: []string{"ctrl+c always quits"}},
		{name: "an unknown action", file: "theme = \"dark\"\n[keys]\nmuet = [\"z\"]\n", line: 3,
			wantErr: []string{`unknown action "muet"`, "mute", "stop_recording"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse("config.toml", []byte(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			km, err := f.Remap(testKeys())
			if tc.wantErr != nil {
				var ce *Error
				if !errors.As(err, &ce) {
					t.Fatalf("error %v, want a *config.Error", err)
				}
				if ce.Line != tc.line {
					t.Errorf("line %d, want %d (%v)", ce.Line, tc.line, err)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, km)
			}
		})
	}
}

func TestLoadAndDefaultPath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if _, err := Load(path); !NotFound(err) {
		t.Errorf("missing file: %v, want a not-found error", err)
	}
	if err := os.WriteFile(path, []byte("colour = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.HasPrefix(err.Error(), path+" line 1: ") {
		t.Errorf("error %v does not name %s and line 1", err, path)
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/confconsole/config.toml"},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/h"}, "/h/.config/confconsole/config.toml"},
		{map[string]string{"HOME": "/h"}, "/h/.config/confconsole/config.toml"},
		{map[string]string{}, ""},
	} {
		if got := DefaultPath(env(tc.env)); got != tc.want {
			t.Errorf("DefaultPath(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}
