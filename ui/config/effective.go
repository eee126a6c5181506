package config

import (
	"fmt"
	"slices"
	"time"
)

// Effective is the console's settings once every layer is applied, with
// where each value came from, for `confconsole config`. The caller fills
// the defaults, Apply lays the file over them, and the caller then lays
// the environment and the flags over that.
type Effective struct {
	Theme         string
	Refresh       time.Duration
	HoldURL       string
	AuditLog      string // "" means the default path; "-" means none
	ReadOnly      bool
	Conference    string
	Announcements []Announcement // sorted by name
	// Sources says where each setting (by its name in the file) came from:
	// "default", "file line N", "[profiles.NAME] line N", "flag --x"...
	Sources map[string]string
}

// Announcement is a named recording offered in the announce prompts.
type Announcement struct {
	Name, URL, Source string
}

// Set records a value's source; the caller has already stored the value.
func (e *Effective) Set(setting, source string) {
	if e.Sources == nil {
		e.Sources = map[string]string{}
	}
	e.Sources[setting] = source
}

// Apply lays the file's top level over e, then the section of profile
// ("" for none), so a profile's section wins over the top of the file. A
// profile the file has no section for changes nothing.
func (f *File) Apply(e *Effective, profile string) {
	if f == nil {
		return
	}
	f.apply(e, "", f.Top, "file")
	if s, ok := f.Profiles[profile]; ok && profile != "" {
		f.apply(e, "profiles."+profile+".", s, "[profiles."+profile+"]")
	}
}

func (f *File) apply(e *Effective, prefix string, s Settings, where string) {
	src := func(name string) string {
		return fmt.Sprintf("%s line %d", where, f.errLine(prefix+name))
	}
	if s.Theme != nil {
		e.Theme = *s.Theme
		e.Set("theme", src("theme"))
	}
	if s.Refresh != nil {
		d, _ := time.ParseDuration(*s.Refresh) // checked by Parse
		e.Refresh = d
		e.Set("refresh", src("refresh"))
	}
	if s.HoldURL != nil {
		e.HoldURL = *s.HoldURL
		e.Set("hold_url", src("hold_url"))
	}
	if s.AuditLog != nil {
		e.AuditLog = *s.AuditLog
		e.Set("audit_log", src("audit_log"))
	}
	if s.ReadOnly != nil {
		e.ReadOnly = *s.ReadOnly
		e.Set("read_only", src("read_only"))
	}
	if s.Conference != nil {
		e.Conference = *s.Conference
		e.Set("conference", src("conference"))
	}
	for name, u := range s.Announcements {
		a := Announcement{Name: name, URL: u, Source: src("announcements." + name)}
		i := slices.IndexFunc(e.Announcements, func(x Announcement) bool { return x.Name == name })
		if i >= 0 {
			e.Announcements[i] = a
		} else {
			e.Announcements = append(e.Announcements, a)
		}
	}
	slices.SortFunc(e.Announcements, func(a, b Announcement) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
}

// errLine is the line of key or of its nearest enclosing table.
func (f *File) errLine(key string) int {
	var e *Error
	if err, ok := f.errAt(key, "").(*Error); ok {
		e = err
	}
	return e.Line
}
