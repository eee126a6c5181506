package ui

import (
	"fmt"
	"strings"

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
	detail    []string // lines under the title, shown inert
	validate  func(string) error
	input     textinput.Model
	err       error
	submitted bool
	hints     []string // lines under the input, such as what tab completes to
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

// WithDetail returns the prompt with lines shown between its title and its
// input, each made inert and cut to the box: what the answer acts on, or
// what to type.
func (p Prompt) WithDetail(lines ...string) Prompt {
	p.detail = lines
	return p
}

// offer makes tab complete to one of suggestions and shows hints under
// the input.
func (p *Prompt) offer(suggestions, hints []string) {
	if len(suggestions) > 0 {
		p.input.ShowSuggestions = true
		p.input.SetSuggestions(suggestions)
	}
	p.hints = hints
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
	rows := make([]string, 0, len(p.detail)+len(p.hints)+2)
	for _, d := range p.detail {
		rows = append(rows, p.st.Hint.Render(model.DisplayN(d, inner)))
	}
	rows = append(rows, p.input.View())
	for _, h := range p.hints {
		rows = append(rows, p.st.Hint.Render(model.DisplayN(h, inner)))
	}
	if p.err != nil {
		rows = append(rows, formErrorLines(p.st, p.err.Error(), inner, 0)...)
	}
	title := p.st.Title.Render(model.DisplayN(p.title, inner))
	return formBox(p.st, title, rows, len(p.detail), formHelp(p.st, p.ShortHelp(), inner), inner, height)
}

// RequireHTTPURL is a Prompt validate function for URLs Twilio fetches,
// such as an announcement's: an absolute http or https URL.
func RequireHTTPURL(s string) error {
	if err := model.ValidateHTTPURL(s); err != nil {
		return fmt.Errorf("URL %w", err)
	}
	return nil
}

// RequireCode returns a Prompt validate function that accepts only code
// (spaces around it and letter case do not matter), for a destructive action
// confirmed by typing back a short code shown on screen. A code, rather than
// a name, because a name can hold what no keyboard types: control
// characters, invisible ones, or more than the input takes.
func RequireCode(code, what string) func(string) error {
	return func(s string) error {
		switch s = strings.TrimSpace(s); {
		case strings.EqualFold(s, code):
			return nil
		case s == "":
			return fmt.Errorf("type %s (%s) to confirm, or press esc to keep it", code, what)
		}
		return fmt.Errorf("%s is not %s; type %s to confirm, or press esc to keep it", model.DisplayN(s, 20), what, code)
	}
}
