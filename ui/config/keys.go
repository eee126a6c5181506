package config

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"confconsole/ui"
)

// Actions lists the names [keys] accepts, in the help overlay's order, with
// the binding each one names.
func Actions(km *ui.KeyMap) []Action {
	return []Action{
		{"up", &km.Up}, {"down", &km.Down}, {"page_up", &km.PageUp}, {"page_down", &km.PageDown},
		{"top", &km.Top}, {"bottom", &km.Bottom}, {"open", &km.Open}, {"back", &km.Back},
		{"filter", &km.Filter}, {"sort", &km.Sort}, {"sort_reverse", &km.SortReverse},
		{"refresh", &km.Refresh}, {"audit_log", &km.AuditLog}, {"help", &km.Help}, {"quit", &km.Quit},
		{"show_completed", &km.ShowCompleted},
		{"mute", &km.Mute}, {"unmute", &km.Unmute}, {"hold", &km.Hold}, {"resume", &km.Resume}, {"coach", &km.Coach}, {"announce", &km.Announce},
		{"remove", &km.Remove}, {"add", &km.Add}, {"events", &km.Events},
		{"feed_older", &km.FeedOlder}, {"feed_newer", &km.FeedNewer},
		{"announce_all", &km.AnnounceAll}, {"recording", &km.Recording},
		{"stop_recording", &km.StopRecording}, {"end", &km.End}, {"undo", &km.Undo},
		{"mark", &km.Mark}, {"invert_marks", &km.InvertMarks}, {"command", &km.Command},
		{"yes", &km.Yes}, {"no", &km.No},
	}
}

// Action is one remappable binding and its name in the file.
type Action struct {
	Name    string
	Binding *key.Binding
}

// typeable is every key name Bubble Tea can report, alone or with alt:
// a binding on any other string could never fire.
func typeable(k string) bool {
	if base, ok := strings.CutPrefix(k, "alt+"); ok && base != "" {
		k = base
	}
	if utf8.RuneCountInString(k) == 1 {
		r, _ := utf8.DecodeRuneInString(k)
		return unicode.IsPrint(r)
	}
	for t := tea.KeyType(-200); t < 200; t++ {
		if t != tea.KeyRunes && t.String() == k {
			return true
		}
	}
	return false
}

// helpKey is how a key is written in the footer and the help overlay.
func helpKey(k string) string {
	switch k {
	case "up":
		return "↑"
	case "down":
		return "↓"
	case "left":
		return "←"
	case "right":
		return "→"
	case " ":
		return "space"
	}
	return k
}

// Remap returns km with the file's [keys] applied: each named binding
// answers to exactly the keys given, and its help shows them. Unknown
// action names, keys no terminal can send and two bindings of one screen
// sharing a key are errors naming the file's line.
func (f *File) Remap(km ui.KeyMap) (ui.KeyMap, error) {
	if f == nil || len(f.Keys) == 0 {
		return km, nil
	}
	actions := Actions(&km)
	byName := map[string]*key.Binding{}
	var names []string
	for _, a := range actions {
		byName[a.Name] = a.Binding
		names = append(names, a.Name)
	}
	for _, name := range slices.Sorted(mapKeys(f.Keys)) {
		b, ok := byName[name]
		if !ok {
			return km, f.errAt("keys."+name, fmt.Sprintf("unknown action %q in [keys]: the actions are %s", name, strings.Join(names, ", ")))
		}
		keys := f.Keys[name]
		help := make([]string, 0, len(keys))
		for _, k := range keys {
			if k == "space" {
				k = " "
			}
			if k == "ctrl+c" {
				return km, f.errAt("keys."+name, fmt.Sprintf("keys.%s: ctrl+c always quits the console; choose another key", name))
			}
			if !typeable(k) {
				return km, f.errAt("keys."+name, fmt.Sprintf("keys.%s: %q is not a key a terminal can send: use one character such as \"z\", or a name such as enter, esc, tab, up, pgdown, f5 or ctrl+x", name, k))
			}
			help = append(help, helpKey(k))
		}
		for i, k := range keys {
			if k == "space" {
				keys[i] = " "
			}
		}
		*b = key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(help, "/"), b.Help().Desc))
	}
	if conflicts := km.Conflicts(); len(conflicts) > 0 {
		return km, f.conflictError(conflicts[0], actions)
	}
	return km, nil
}

// conflictError names the line of the remapped binding in a conflict
// ("key: first, second" from ui.KeyMap.Conflicts) and what to do.
func (f *File) conflictError(c string, actions []Action) error {
	k, descs, _ := strings.Cut(c, ": ")
	first, second, _ := strings.Cut(descs, ", ")
	nameOf := func(desc string) string {
		for _, a := range actions {
			if a.Binding.Help().Desc == desc {
				return a.Name
			}
		}
		return desc
	}
	a, b := nameOf(first), nameOf(second)
	at := "keys." + b
	if _, ok := f.Keys[b]; !ok {
		at = "keys." + a
	}
	return f.errAt(at, fmt.Sprintf("key %q is bound to both %s and %s on one screen: give one of them another key in [keys]", helpKey(k), a, b))
}
