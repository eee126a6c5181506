package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"confconsole/model"
)

// CoachPicker chooses whom a participant (the coach) should coach: one of
// the other connected participants, never the coach itself, or "stop
// coaching" when the coach is coaching already. The choice is delivered as a
// coachPickMsg; esc cancels.
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
}

// NewCoachPicker returns the picker for coach among participants. The
// cursor starts on the participant being coached now, if any.
func NewCoachPicker(st FormStyles, coach model.Participant, participants []model.Participant) CoachPicker {
	c := CoachPicker{KeyMap: DefaultFormKeyMap(), st: st, coach: coach}
	c.rebuild(participants, false)
	return c
}

// SetParticipants refreshes the rows after a poll, taking the coach's own
// state from ps too (it may have started or stopped coaching meanwhile); the
// cursor stays on the same participant while it is still there.
func (c *CoachPicker) SetParticipants(ps []model.Participant) {
	for _, p := range ps {
		if p.CallSID == c.coach.CallSID {
			c.coach = p
		}
	}
	c.rebuild(ps, true)
}

func (c *CoachPicker) rebuild(ps []model.Participant, keepCursor bool) {
	var was string
	keepCursor = keepCursor && c.cursor < len(c.options)
	if keepCursor {
		was = c.options[c.cursor].target
	}
	c.options = c.options[:0:0]
	if c.coach.Coaching {
		c.options = append(c.options, coachOption{name: "stop coaching"})
	}
	for _, p := range ps {
		if p.CallSID == c.coach.CallSID || p.Status != model.ParticipantConnected {
			continue
		}
		current := c.coach.Coaching && p.CallSID == c.coach.CallSIDToCoach
		c.options = append(c.options, coachOption{target: p.CallSID, name: model.DisplayN(p.Name(), 60), current: current})
	}
	c.cursor = 0
	for i, o := range c.options {
		if (keepCursor && o.target == was) || (!keepCursor && o.current) {
			c.cursor = i
			break
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
		if c.cursor > 0 {
			c.cursor--
		}
	case key.Matches(k, c.KeyMap.Next):
		if c.cursor < len(c.options)-1 {
			c.cursor++
		}
	case key.Matches(k, c.KeyMap.Enter), key.Matches(k, c.KeyMap.Submit):
		if len(c.options) == 0 {
			return c, nil
		}
		c.submitted = true
		return c, msgCmd(coachPickMsg{coachCallSID: c.coach.CallSID, targetCallSID: c.options[c.cursor].target})
	}
	return c, nil
}

// ShortHelp is the picker's help line (help.KeyMap).
func (c CoachPicker) ShortHelp() []key.Binding {
	prev, next, enter := c.KeyMap.Prev, c.KeyMap.Next, c.KeyMap.Enter
	prev.SetHelp("↑", "up")
	next.SetHelp("↓", "down")
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
	if len(c.options) == 0 {
		rows = append(rows, c.st.Hint.Render("nobody else is connected; esc to go back"))
	}
	for i, o := range c.options {
		marker, style := c.st.NoMarker, c.st.Label
		if i == c.cursor {
			marker, style = c.st.Marker, c.st.Focused
		}
		text := o.name
		if o.current {
			text += " (coaching now)"
		}
		rows = append(rows, marker+style.Render(text))
	}
	title := c.st.Title.Render(model.DisplayN("Coach: whom should "+c.coach.Name()+" coach?", inner))
	return formBox(c.st, title, rows, c.cursor, formHelp(c.st, c.ShortHelp(), inner), inner, height)
}
