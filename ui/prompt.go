package ui

import (
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"confconsole/model"
)

// Prompt asks for one line of text, such as the URL of an announcement or
// the conference's name typed back to confirm ending it. Enter checks the
// text with the prompt's validate function; a problem is shown under the
// line and the prompt stays open; esc cancels.
type Prompt struct {
	KeyMap FormKeyMap

	st        FormStyles
	id        string
	title     string
	validate  func(string) error
	input     textinput.Model
	err       error
	submitted bool
}

// NewPrompt returns a prompt titled title whose answer, once validate
// accepts it (a nil validate accepts anything), is delivered as a
// promptSubmitMsg carrying id, so one screen can tell its prompts apart.
func NewPrompt(st FormStyles, id, title, placeholder string, validate func(string) error) Prompt {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = placeholder
	in.CharLimit = 2048
	in.Width = formMaxWidth - 8
	in.Cursor.SetMode(cursor.CursorStatic) // see NewAddForm
	st.styleInput(&in)
	in.Focus()
	return Prompt{KeyMap: DefaultFormKeyMap(), st: st, id: id, title: title, validate: validate, input: in}
}

// Init satisfies the usual component shape; the prompt needs no start command.
func (p Prompt) Init() tea.Cmd { return nil }

// Value is the text typed so far.
func (p Prompt) Value() string { return p.input.Value() }

// Update handles a key (or a cursor message for the input).
func (p Prompt) Update(msg tea.Msg) (Prompt, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return p, cmd
	}
	switch {
	case key.Matches(k, p.KeyMap.Cancel):
		return p, msgCmd(formCancelMsg{})
	case p.submitted:
		return p, nil // answered once; Enter again must not send twice
	case key.Matches(k, p.KeyMap.Enter), key.Matches(k, p.KeyMap.Submit):
		v := p.input.Value()
		if p.validate != nil {
			if err := p.validate(v); err != nil {
				p.err = err
				return p, nil
			}
		}
		p.err, p.submitted = nil, true
		return p, msgCmd(promptSubmitMsg{id: p.id, value: v})
	}
	k = inertKeys(k)
	if k.Type == tea.KeyRunes && len(k.Runes) == 0 {
		return p, nil
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(k)
	if p.input.Value() != before {
		p.err = nil // the shown problem was about the old text
	}
	return p, cmd
}

// ShortHelp is the prompt's help line (help.KeyMap).
func (p Prompt) ShortHelp() []key.Binding {
	enter := p.KeyMap.Enter
	enter.SetHelp(enter.Help().Key, "ok")
	return []key.Binding{enter, p.KeyMap.Cancel}
}

// FullHelp is the same as ShortHelp (help.KeyMap).
func (p Prompt) FullHelp() [][]key.Binding { return [][]key.Binding{p.ShortHelp()} }

// View draws the prompt in a box at most width columns wide.
func (p Prompt) View(width, height int) string {
	inner := formInnerWidth(p.st, width)
	rows := []string{p.input.View()}
	if p.err != nil {
		rows = append(rows, formErrorLines(p.st, p.err.Error(), inner, 0)...)
	}
	title := p.st.Title.Render(model.InertN(p.title, inner))
	return formBox(p.st, title, rows, 0, formHelp(p.st, p.ShortHelp(), inner), inner, height)
}

// RequireHTTPURL is a Prompt validate function for URLs Twilio fetches,
// such as an announcement's: an absolute http or https URL.
func RequireHTTPURL(s string) error {
	if err := model.ValidateHTTPURL(s); err != nil {
		return fmt.Errorf("URL %w", err)
	}
	return nil
}

// RequireExactly returns a Prompt validate function that accepts only want,
// or want as the screen shows it (model.Display), for a destructive action
// confirmed by typing a name back.
func RequireExactly(want string) func(string) error {
	shown := model.Display(want)
	return func(s string) error {
		switch {
		case s == want || (s != "" && s == shown):
			return nil
		case s == "":
			return fmt.Errorf("type %s to confirm, or press esc to keep it", model.DisplayN(want, 60))
		}
		return errors.New("that is not the name; type " + model.DisplayN(want, 60) + " exactly, or press esc to keep it")
	}
}
