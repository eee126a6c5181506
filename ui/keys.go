package ui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// KeyMap is every key binding the console answers to. The binary builds one
// (keymap.go at the repository root); the help overlay, the footer and the
// README's key table are all generated from it, so a binding and its help
// can never disagree.
type KeyMap struct {
	// Moving around.
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Open                                    key.Binding // enter: open the selected conference / submit
	Back                                    key.Binding // esc: close an overlay, clear a filter, back to the list
	Quit                                    key.Binding
	Help                                    key.Binding
	Refresh                                 key.Binding
	Filter                                  key.Binding
	Sort                                    key.Binding // cycle the sort column
	SortReverse                             key.Binding
	Events                                  key.Binding // toggle the event feed
	FeedOlder, FeedNewer                    key.Binding // scroll the open event feed a page back or forward
	AuditLog                                key.Binding // this session's audit records

	// Conference list.
	ShowCompleted key.Binding

	// Participants: these change calls and are disabled in read-only mode.
	Mute          key.Binding // toggles one row; with marks, mutes every marked row
	Unmute        key.Binding // unmutes (the marked rows, or the selected one)
	Hold          key.Binding // toggles one row; with marks, holds every marked row
	Resume        key.Binding // takes off hold (the marked rows, or the selected one)
	Coach         key.Binding
	Announce      key.Binding
	AnnounceAll   key.Binding
	Remove        key.Binding
	Add           key.Binding
	End           key.Binding
	Recording     key.Binding // pause / resume the conference recording
	StopRecording key.Binding
	Undo          key.Binding // undo the last reversible action or bulk action

	// Marks and the command line: these work in read-only mode too.
	Mark        key.Binding // mark or unmark the selected participant
	InvertMarks key.Binding // invert the marks over the rows the filter shows
	Command     key.Binding // open the command line

	// Answers to a y/N confirmation.
	Yes, No key.Binding
}

// KeyGroup is a titled set of bindings, as the help overlay and the README
// show them.
type KeyGroup struct {
	Title    string
	Bindings []key.Binding
}

// Groups returns the bindings by where they work, in the order the help
// overlay lists them. Disabled bindings are left out.
func (km KeyMap) Groups() []KeyGroup {
	groups := []KeyGroup{
		{"Everywhere", []key.Binding{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom,
			km.Open, km.Back, km.Filter, km.Sort, km.SortReverse, km.Refresh, km.AuditLog, km.Help, km.Quit}},
		{"Conference list", []key.Binding{km.ShowCompleted, km.Add}},
		{"Participants", []key.Binding{km.Mute, km.Unmute, km.Hold, km.Resume, km.Coach, km.Announce, km.Remove,
			km.Add, km.Undo, km.Events, pair(km.FeedOlder, km.FeedNewer)}},
		{"Marks", []key.Binding{km.Mark, km.InvertMarks, km.Command}},
		{"Conference", []key.Binding{km.AnnounceAll, km.Recording, km.StopRecording, km.End}},
		{"Confirmations", []key.Binding{km.Yes, km.No}},
	}
	out := groups[:0]
	for _, g := range groups {
		var bs []key.Binding
		for _, b := range g.Bindings {
			if b.Enabled() {
				bs = append(bs, b)
			}
		}
		if len(bs) > 0 {
			out = append(out, KeyGroup{Title: g.Title, Bindings: bs})
		}
	}
	return out
}

// pair shows two bindings that go opposite ways as one help line, as ↑/k
// does: "[/]  older/newer events". Disabled unless both are enabled.
func pair(a, b key.Binding) key.Binding {
	ha, hb := a.Help(), b.Help()
	desc := ha.Desc + ", " + hb.Desc
	wa, resta, oka := strings.Cut(ha.Desc, " ")
	wb, restb, okb := strings.Cut(hb.Desc, " ")
	if oka && okb && resta == restb {
		desc = wa + "/" + wb + " " + resta
	}
	p := key.NewBinding(key.WithKeys(append(slices.Clone(a.Keys()), b.Keys()...)...), key.WithHelp(ha.Key+"/"+hb.Key, desc))
	p.SetEnabled(a.Enabled() && b.Enabled())
	return p
}

// ShortHelp is the few bindings worth showing anywhere (help.KeyMap).
func (km KeyMap) ShortHelp() []key.Binding {
	return enabled(km.Help, km.Back, km.Quit)
}

// FullHelp is every enabled binding, grouped (help.KeyMap).
func (km KeyMap) FullHelp() [][]key.Binding {
	var out [][]key.Binding
	for _, g := range km.Groups() {
		out = append(out, g.Bindings)
	}
	return out
}

// mutating lists the bindings that change a call or a conference.
func (km *KeyMap) mutating() []*key.Binding {
	return []*key.Binding{&km.Mute, &km.Unmute, &km.Hold, &km.Resume, &km.Coach, &km.Announce, &km.AnnounceAll,
		&km.Remove, &km.Add, &km.End, &km.Recording, &km.StopRecording, &km.Undo}
}

// ReadOnly returns a copy of km with every binding that changes a call
// disabled: they neither match a key nor appear in any help.
func (km KeyMap) ReadOnly() KeyMap {
	for _, b := range km.mutating() {
		b.SetEnabled(false)
	}
	return km
}

// Conflicts lists every key that two enabled bindings of one screen share
// (the conference list, the participants screen, a y/N question), as
// "key: first, second" with the bindings' help; a key map the binary ships
// should have none.
func (km KeyMap) Conflicts() []string {
	everywhere := []key.Binding{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom,
		km.Open, km.Back, km.Filter, km.Sort, km.SortReverse, km.Refresh, km.AuditLog, km.Help, km.Quit}
	screens := [][]key.Binding{
		append(slices.Clone(everywhere), km.ShowCompleted, km.Add),
		append(slices.Clone(everywhere), km.Events, km.FeedOlder, km.FeedNewer, km.Mute, km.Unmute, km.Hold, km.Resume,
			km.Coach, km.Announce, km.AnnounceAll, km.Remove, km.Add, km.End, km.Recording, km.StopRecording, km.Undo,
			km.Mark, km.InvertMarks, km.Command),
		{km.Yes, km.No},
	}
	var out []string
	for _, bs := range screens {
		seen := map[string]string{}
		for _, b := range bs {
			if !b.Enabled() {
				continue
			}
			for _, k := range b.Keys() {
				if first, dup := seen[k]; dup {
					out = append(out, k+": "+first+", "+b.Help().Desc)
					continue
				}
				seen[k] = b.Help().Desc
			}
		}
	}
	return out
}

// KeyTable renders the enabled bindings as a Markdown table (| key | action |),
// grouped, so the README's key table is generated from the same key map the
// binary ships.
func KeyTable(km KeyMap) string {
	var b strings.Builder
	b.WriteString("| key | action |\n| --- | --- |\n")
	for _, g := range km.Groups() {
		b.WriteString("| **" + g.Title + "** | |\n")
		for _, k := range g.Bindings {
			h := k.Help()
			b.WriteString("| `" + mdEscape(h.Key) + "` | " + mdEscape(h.Desc) + " |\n")
		}
	}
	return b.String()
}

// mdEscape keeps a pipe in a key name ("|") from splitting the table cell.
func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func enabled(bs ...key.Binding) []key.Binding {
	out := make([]key.Binding, 0, len(bs))
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}
