package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"confconsole/model"
)

// The command line (k9s): ':' opens it on the flash line, tab completes,
// enter runs, esc closes. A command is an action on the selection or the
// marks, "q" to quit, or the name or SID of a conference to jump to.

// commandSpec is one command the line knows.
type commandSpec struct {
	name string
	kind actionKind // the action, for action commands
	all  bool       // on every participant rather than the selection or the marks
	quit bool
}

// commands are the command line's commands, in the order it lists them.
var commands = [...]commandSpec{
	{name: "mute", kind: actMute},
	{name: "unmute", kind: actUnmute},
	{name: "hold", kind: actHold},
	{name: "resume", kind: actResume},
	{name: "remove", kind: actRemove},
	{name: "mute-all", kind: actMute, all: true},
	{name: "unmute-all", kind: actUnmute, all: true},
	{name: "q", quit: true},
	{name: "quit", quit: true},
}

func commandNames() []string {
	out := make([]string, len(commands))
	for i, c := range commands {
		out[i] = c.name
	}
	return out
}

func newCommandInput(st *Styles) *textinput.Model {
	ti := textinput.New()
	ti.Prompt = ":"
	ti.Placeholder = "command or conference (tab completes)"
	ti.PromptStyle = st.Prompt
	ti.TextStyle = st.Text
	ti.PlaceholderStyle = st.Faint
	ti.CharLimit = 120
	ti.Cursor.SetMode(cursor.CursorStatic)
	return &ti
}

// openCommandLine opens the command line, empty.
func (a *App) openCommandLine() tea.Cmd {
	a.cmdline = newCommandInput(a.st)
	return a.cmdline.Focus()
}

// commandKey edits the open command line.
func (a App) commandKey(msg tea.KeyMsg) (App, tea.Cmd) {
	a.cmdHint = flash{} // it was about the line as it stood before this key
	switch msg.Type {
	case tea.KeyEsc:
		a.cmdline = nil
		return a, nil
	case tea.KeyTab:
		a.complete()
		return a, nil
	case tea.KeyEnter:
		line := strings.TrimSpace(a.cmdline.Value())
		a.cmdline = nil
		if line == "" {
			return a, nil
		}
		// A new command's outcome replaces the last one's; a jump to a
		// conference has none, and an old error would seem its.
		a.flash = flash{}
		return a.runCommand(line)
	}
	ti, cmd := a.cmdline.Update(msg)
	a.cmdline = &ti
	return a, cmd
}

// candidates is what the command line completes to: the commands, then
// the conferences the list knows, by name and by SID.
func (a *App) candidates() []string {
	out := commandNames()
	for _, c := range a.list.confs {
		if c.FriendlyName != "" {
			out = append(out, c.FriendlyName)
		}
		out = append(out, c.SID)
	}
	return out
}

// complete completes the command line: to the one candidate it starts,
// or to what all those it starts share, listing them under the line (the
// flash line is the command line's while it is open).
func (a *App) complete() {
	v := a.cmdline.Value()
	var match []string
	for _, c := range a.candidates() {
		if strings.HasPrefix(strings.ToLower(c), strings.ToLower(v)) && !slices.Contains(match, c) {
			match = append(match, c)
		}
	}
	switch len(match) {
	case 0:
		a.cmdHint = flash{text: fmt.Sprintf("nothing starts with %q: %s", model.DisplayN(v, 40), commandList()), isErr: true}
		return
	case 1:
		a.cmdline.SetValue(match[0])
		a.cmdline.CursorEnd()
		return
	}
	common := match[0]
	for _, m := range match[1:] {
		for !strings.HasPrefix(strings.ToLower(m), strings.ToLower(common)) {
			common = common[:len(common)-1]
		}
	}
	if len(common) > len(v) {
		a.cmdline.SetValue(common)
		a.cmdline.CursorEnd()
	}
	shown := make([]string, 0, len(match))
	for _, m := range match {
		shown = append(shown, model.DisplayN(m, 40))
	}
	a.cmdHint = flash{text: strings.Join(shown, "  ")}
}

// commandList says what the command line knows.
func commandList() string {
	return "commands are " + strings.Join(commandNames(), ", ") + ", or the name or SID of a conference"
}

// runCommand runs one command line.
func (a App) runCommand(line string) (App, tea.Cmd) {
	for _, c := range commands {
		if !strings.EqualFold(line, c.name) {
			continue
		}
		switch {
		case c.quit:
			return a.requestQuit()
		case a.screen != screenRoom:
			a.setFlash(c.name+" works on a conference's participants: open one first", true)
			return a, nil
		case a.opts.ReadOnly:
			a.setFlash("read-only: "+c.name+" is disabled", true)
			return a, nil
		}
		return a.updateRoom(commandMsg{spec: c})
	}
	for _, c := range a.list.confs {
		if strings.EqualFold(line, c.FriendlyName) || line == c.SID {
			return a.jumpTo(c)
		}
	}
	if isConferenceSID(line) {
		return a, resolveConference(a.svc, line)
	}
	a.setFlash(fmt.Sprintf("unknown command %q: %s", model.DisplayN(line, 40), commandList()), true)
	return a, nil
}

// jumpTo opens conf, leaving the room on screen if any.
func (a App) jumpTo(conf model.Conference) (App, tea.Cmd) {
	if a.screen == screenRoom && a.room.conf.SID == conf.SID {
		return a, nil
	}
	if a.screen == screenRoom {
		a.room.unwatch()
	}
	return a.openRoom(conf)
}

// commandMsg asks the room to run an action command.
type commandMsg struct{ spec commandSpec }

// onCommand runs an action command on the marks, or on the selection when
// none is marked; the -all commands on everyone in the conference.
func (r room) onCommand(c commandSpec) (room, tea.Cmd) {
	switch {
	case c.all:
		return r.askBulkOver(c.kind, "", r.liveParticipants(), "participants")
	case len(r.marks) > 0:
		return r.askBulk(c.kind, "")
	case c.kind == actRemove:
		return r.askRemove()
	}
	return r.setOne(c.kind)
}

// liveParticipants is everyone still in the conference, in roster order.
func (r *room) liveParticipants() []model.Participant {
	out := make([]model.Participant, 0, len(r.roster))
	for _, p := range r.roster {
		if p.Status.Live() {
			out = append(out, p)
		}
	}
	return out
}

// commandKeys are the keys of the open command line, for its footer.
func commandKeys() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "run")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}
