package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
)

// FormStyles is every style the add-participant form, the one-line prompt
// and the coach picker draw with, built once from a Theme by NewFormStyles.
// The forms name no colour anywhere else. Every state is also spelled out in
// glyphs or words (the focus marker, "default", "✗"), so the forms read the
// same under NO_COLOR.
type FormStyles struct {
	Frame    lipgloss.Style // the box around a form
	Title    lipgloss.Style
	Label    lipgloss.Style // a field's name
	Focused  lipgloss.Style // the focused field's name, and the picker's chosen row
	Value    lipgloss.Style // a value the user set
	Default  lipgloss.Style // a value left to Twilio's default
	Error    lipgloss.Style // a field's problem, under it
	Hint     lipgloss.Style // notes such as "nobody else is connected"
	Button   lipgloss.Style // the submit line, unfocused
	ButtonOn lipgloss.Style // the submit line, focused

	Marker   string // shown before the focused field or row
	NoMarker string // as wide as Marker, blank
	ErrGlyph string // starts each problem line

	// Input styles the text fields' prompt, text, placeholder and cursor.
	InputPrompt      lipgloss.Style
	InputText        lipgloss.Style
	InputPlaceholder lipgloss.Style
	InputCursor      lipgloss.Style

	Help help.Styles

	// Plain adds nothing; the forms use it to cut lines to width.
	Plain lipgloss.Style
}

// NewFormStyles builds the forms' styles from t, for the process's own
// terminal.
func NewFormStyles(t Theme) FormStyles { return NewFormStylesOn(lipgloss.DefaultRenderer(), t) }

// NewFormStylesOn builds the forms' styles from t for the terminal r draws on.
func NewFormStylesOn(r *lipgloss.Renderer, t Theme) FormStyles {
	base := r.NewStyle()
	fg := func(c lipgloss.TerminalColor) lipgloss.Style { return base.Foreground(c) }
	faint := t.faint(r)
	return FormStyles{
		Frame:    base.Border(lipgloss.RoundedBorder()).BorderForeground(t.Border).Padding(0, 1),
		Title:    fg(t.Accent).Bold(true),
		Label:    faint,
		Focused:  fg(t.Accent).Bold(true),
		Value:    fg(t.Text).Bold(true),
		Default:  faint.Italic(true),
		Error:    fg(t.Bad),
		Hint:     faint,
		Button:   fg(t.Text),
		ButtonOn: base.Foreground(t.SelectFg).Background(t.SelectBg).Bold(true),

		Marker:   "▶ ",
		NoMarker: "  ",
		ErrGlyph: "✗ ",

		InputPrompt:      faint,
		InputText:        fg(t.InputText),
		InputPlaceholder: faint.Italic(true),
		InputCursor:      fg(t.Accent),

		Plain: base,
		Help: help.Styles{
			Ellipsis:       faint,
			ShortKey:       fg(t.Accent).Bold(true),
			ShortDesc:      faint,
			ShortSeparator: faint,
			FullKey:        fg(t.Accent).Bold(true),
			FullDesc:       fg(t.Text),
			FullSeparator:  faint,
		},
	}
}

// styleInput applies the form styles to a text input.
func (st FormStyles) styleInput(in *textinput.Model) {
	in.PromptStyle = st.InputPrompt
	in.TextStyle = st.InputText
	in.PlaceholderStyle = st.InputPlaceholder
	in.Cursor.Style = st.InputCursor
}
