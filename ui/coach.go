package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"confconsole/model"
)

// CoachPicker chooses whom a participant (the coach) should coach: one of
// the other connected participants, never the coach itself, or "stop
// coaching" when the coach is coaching already. Participants on hold are
// listed but cannot be chosen: Twilio refuses to coach them (error 16027).
// The choice is delivered as a coachPickMsg; esc cancels.
type CoachPicker struct {
	KeyMap FormKeyMap

	st        FormStyles
	coach     model.Participant
	options   []coachOption
	cursor    int
	submitted bool
}

// coachOption is one row: a participant to coach, or stop (target "").
type coachOption struct {
	target  string // call SID; "" stops coaching
	name    string // already inert
	current bool   // the coach coaches this one now
	held    bool   // on hold, so it cannot be coached
}

// NewCoachPicker returns the picker for coach among participants. The
// cursor starts on the participant being coached now, if any. Besides the
// forms' keys, j and k move: the picker takes no text.
func NewCoachPicker(st FormStyles, coach model.Participant, participants []model.Participant) CoachPicker {
	km := DefaultFormKeyMap()
	km.Next = key.NewBinding(key.WithKeys("down", "j", "tab"), key.WithHelp("↓/j", "down"))
	km.Prev = key.NewBinding(key.WithKeys("up", "k", "shift+tab"), key.WithHelp("↑/k", "up"))
	c := CoachPicker{KeyMap: km, st: st, coach: coach}
	c.rebuild(participants)
	c.cursor = 0
	for i, o := range c.options {
		if o.current && !o.held {
			c.cursor = i
			break
		}
	}
	if !c.choosable(c.cursor) {
		c.move(1)
	}
	return c
}

// SetParticipants refreshes the rows after a poll, taking the coach's own
// state from ps too (it may have started or stopped coaching meanwhile). The
// cursor stays on the participant it was on; when that participant (or the
// coach) has left or can no longer be chosen, the choice is void and
// SetParticipants says why, so the caller closes the picker rather than let
// enter act on whoever slid into the row.
func (c *CoachPicker) SetParticipants(ps []model.Participant) (void string) {
	var was coachOption
	had := c.choosable(c.cursor) // else there was no choice to void
	if had {
		was = c.options[c.cursor]
	}
	coachHere := false
	for _, p := range ps {
		if p.CallSID == c.coach.CallSID {
			c.coach, coachHere = p, p.Status.Live()
		}
	}
	coachName := model.DisplayN(c.coach.Name(), 64)
	if !coachHere {
		return coachName + " left the conference; nobody was coached"
	}
	c.rebuild(ps)
	if !had {
		c.cursor = 0
		if !c.choosable(0) {
			c.move(1)
		}
		return ""
	}
	for i, o := range c.options {
		if o.target != was.target {
			continue
		}
		if o.held {
			return o.name + " was put on hold and cannot be coached; nothing was changed"
		}
		c.cursor = i
		return ""
	}
	if was.target == "" {
		return coachName + " stopped coaching meanwhile; nothing was changed"
	}
	return was.name + " left the conference; " + coachName + " coaches nobody new"
}

func (c *CoachPicker) rebuild(ps []model.Participant) {
	c.options = c.options[:0:0]
	if c.coach.Coaching {
		c.options = append(c.options, coachOption{name: "stop coaching"})
	}
	for _, p := range ps {
		if p.CallSID == c.coach.CallSID || p.Status != model.ParticipantConnected {
			continue
		}
		current := c.coach.Coaching && p.CallSID == c.coach.CallSIDToCoach
		c.options = append(c.options, coachOption{target: p.CallSID, name: model.DisplayN(p.Name(), 60), current: current, held: p.Hold})
	}
}

// choosable says whether row i can be chosen.
func (c *CoachPicker) choosable(i int) bool {
	return i >= 0 && i < len(c.options) && !c.options[i].held
}

// move puts the cursor on the next row in direction dir (+1 or -1) that
// can be chosen, skipping held participants; it stays put when there is none.
func (c *CoachPicker) move(dir int) {
	for i := c.cursor + dir; i >= 0 && i < len(c.options); i += dir {
		if c.choosable(i) {
			c.cursor = i
			return
		}
	}
}

// Init satisfies the usual component shape; the picker needs no start command.
func (c CoachPicker) Init() tea.Cmd { return nil }

// Update handles a key.
func (c CoachPicker) Update(msg tea.Msg) (CoachPicker, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return c, nil
	}
	switch {
	case key.Matches(k, c.KeyMap.Cancel):
		return c, msgCmd(formCancelMsg{})
	case c.submitted:
		return c, nil // chosen once; another Enter must not send twice
	case key.Matches(k, c.KeyMap.Prev):
		c.move(-1)
	case key.Matches(k, c.KeyMap.Next):
		c.move(1)
	case key.Matches(k, c.KeyMap.Enter), key.Matches(k, c.KeyMap.Submit):
		if !c.choosable(c.cursor) {
			return c, nil // nobody to choose, or everyone is on hold
		}
		c.submitted = true
		return c, msgCmd(coachPickMsg{coachCallSID: c.coach.CallSID, targetCallSID: c.options[c.cursor].target})
	}
	return c, nil
}

// ShortHelp is the picker's help line (help.KeyMap).
func (c CoachPicker) ShortHelp() []key.Binding {
	prev, next, enter := c.KeyMap.Prev, c.KeyMap.Next, c.KeyMap.Enter
	enter.SetHelp(enter.Help().Key, "choose")
	return []key.Binding{prev, next, enter, c.KeyMap.Cancel}
}

// FullHelp is the same as ShortHelp (help.KeyMap).
func (c CoachPicker) FullHelp() [][]key.Binding { return [][]key.Binding{c.ShortHelp()} }

// View draws the picker in a box at most width columns wide and height
// rows high, scrolled to keep the cursor in view.
func (c CoachPicker) View(width, height int) string {
	inner := formInnerWidth(c.st, width)
	var rows []string
	switch {
	case len(c.options) == 0:
		rows = append(rows, c.st.Hint.Render("nobody else is connected; esc to go back"))
	case !c.choosable(c.cursor):
		rows = append(rows, c.st.Hint.Render("everyone else is on hold; esc to go back"))
	}
	for i, o := range c.options {
		marker, style := c.st.NoMarker, c.st.Label
		if i == c.cursor && c.choosable(i) {
			marker, style = c.st.Marker, c.st.Focused
		}
		text := o.name
		if o.current {
			text += " (coaching now)"
		}
		if o.held {
			// Twilio refuses to coach a held call (16027): say so, rather
			// than let the choice end in an error.
			text += " (on hold: cannot be coached until resumed)"
			style = c.st.Hint
		}
		rows = append(rows, marker+style.Render(text))
	}
	title := c.st.Title.Render(model.DisplayN("Coach: whom should "+c.coach.Name()+" coach?", inner))
	return formBox(c.st, title, rows, c.cursor, formHelp(c.st, c.ShortHelp(), inner), inner, height)
}
