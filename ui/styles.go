package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
)

// Theme is the console's palette: every colour the console uses, in one
// value, so that a dark, a light and a colourless terminal each get a
// consistent look. Styles (and the forms' FormStyles) are built from it.
type Theme struct {
	// Name is "dark", "light" or "mono"; it is shown nowhere but helps tests
	// and logs say which palette was chosen.
	Name string
	// NoColor is set when the user asked for no colour (NO_COLOR): every
	// colour below is then lipgloss.NoColor and states rely on words, glyphs
	// and bold alone.
	NoColor bool

	Text  lipgloss.TerminalColor // ordinary text
	Faint lipgloss.TerminalColor // secondary text: SIDs, times, hints
	// Dim draws secondary text dimmed (SGR 2) as well as in Faint, so that
	// it recedes in whatever colours the terminal uses for its text.
	Dim       bool
	Accent    lipgloss.TerminalColor // titles, keys in the help
	Good      lipgloss.TerminalColor // connected, recovered
	Warn      lipgloss.TerminalColor // ringing, held, pending, stale
	Bad       lipgloss.TerminalColor // failures, muted
	Info      lipgloss.TerminalColor // coaching, announcements
	SelectFg  lipgloss.TerminalColor // the selected row's text
	SelectBg  lipgloss.TerminalColor // the selected row's background
	BadgeFg   lipgloss.TerminalColor // DEMO / READ-ONLY badges
	BadgeBg   lipgloss.TerminalColor
	Border    lipgloss.TerminalColor // overlay and panel borders
	InputText lipgloss.TerminalColor // text typed into inputs
}

// The dark and light palettes draw text in the terminal's own colours: the
// default foreground for ordinary text, the same dimmed for secondary text,
// and the sixteen ANSI colours for states, so they follow the user's
// terminal theme. They are also the cheapest to send, which matters over
// SSH: a basic colour is five bytes (ESC [32m) where a 256-colour one is
// eleven (ESC [38;5;78m), and text in the default foreground costs nothing.
// Secondary text is dimmed rather than drawn in bright black, which some
// palettes (Solarized) make the colour of the background. Colours are chosen
// per background only where the basic ones commonly fail: on dark terminals
// the bright blue, red and magenta (plain blue is near-invisible on black),
// on light ones a 256-colour brown for warnings (plain yellow does not read
// on white). Backgrounds and borders stay 256-colour: the selection bar must
// look the same in every palette, and it is one row.

// DarkTheme is the palette for terminals with a dark background.
func DarkTheme() Theme {
	return Theme{
		Name:      "dark",
		Text:      lipgloss.NoColor{}, // the terminal's default foreground
		Faint:     lipgloss.NoColor{},
		Dim:       true,
		Accent:    lipgloss.Color("12"),
		Good:      lipgloss.Color("2"),
		Warn:      lipgloss.Color("3"),
		Bad:       lipgloss.Color("9"),
		Info:      lipgloss.Color("13"),
		SelectFg:  lipgloss.Color("231"),
		SelectBg:  lipgloss.Color("24"),
		BadgeFg:   lipgloss.Color("16"),
		BadgeBg:   lipgloss.Color("214"),
		Border:    lipgloss.Color("240"),
		InputText: lipgloss.NoColor{},
	}
}

// LightTheme is the palette for terminals with a light background.
func LightTheme() Theme {
	return Theme{
		Name:      "light",
		Text:      lipgloss.NoColor{}, // the terminal's default foreground
		Faint:     lipgloss.NoColor{},
		Dim:       true,
		Accent:    lipgloss.Color("4"),
		Good:      lipgloss.Color("2"),
		Warn:      lipgloss.Color("130"),
		Bad:       lipgloss.Color("1"),
		Info:      lipgloss.Color("5"),
		SelectFg:  lipgloss.Color("16"),
		SelectBg:  lipgloss.Color("153"),
		BadgeFg:   lipgloss.Color("231"),
		BadgeBg:   lipgloss.Color("130"),
		Border:    lipgloss.Color("248"),
		InputText: lipgloss.NoColor{},
	}
}

// MonoTheme is the palette for NO_COLOR: no colour at all, so every state
// must be readable from its words and glyphs.
func MonoTheme() Theme {
	none := lipgloss.NoColor{}
	return Theme{
		Name: "mono", NoColor: true,
		Text: none, Faint: none, Accent: none, Good: none, Warn: none, Bad: none, Info: none,
		SelectFg: none, SelectBg: none, BadgeFg: none, BadgeBg: none, Border: none, InputText: none,
	}
}

// DetectTheme picks the palette for setting ("auto", "dark" or "light")
// without asking the terminal anything, so start-up never waits on a
// terminal that does not answer. NO_COLOR (any non-empty value) wins over
// everything. For "auto" it reads COLORFGBG ("fg;bg" or "fg;default;bg",
// set by rxvt, Konsole, iTerm2 and others): a background of 7 or 9-15 is
// light, anything else dark; without it the console assumes dark, the
// commonest terminal background. An unknown setting is treated as "auto".
// getenv may be nil (os.Getenv is not consulted: the caller passes it).
func DetectTheme(setting string, getenv func(string) string) Theme {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if getenv("NO_COLOR") != "" {
		return MonoTheme()
	}
	switch setting {
	case "dark":
		return DarkTheme()
	case "light":
		return LightTheme()
	}
	if light, ok := colorFGBGIsLight(getenv("COLORFGBG")); ok && light {
		return LightTheme()
	}
	return DarkTheme()
}

// colorFGBGIsLight reads the background from a COLORFGBG value; ok is false
// when the value says nothing usable.
func colorFGBGIsLight(v string) (light, ok bool) {
	if v == "" {
		return false, false
	}
	parts := strings.Split(v, ";")
	bg, err := strconv.Atoi(strings.TrimSpace(parts[len(parts)-1]))
	if err != nil || bg < 0 || bg > 255 {
		return false, false
	}
	return bg == 7 || (bg >= 9 && bg <= 15), true
}

// Styles is every lipgloss style the console draws with, built once from a
// Theme by NewStyles. Nothing outside this file creates a style or names a
// colour, so a theme change is one value.
type Styles struct {
	Theme Theme

	// Frame.
	Title     lipgloss.Style // the app name and the conference in the header
	Faint     lipgloss.Style
	Text      lipgloss.Style
	Badge     lipgloss.Style // DEMO
	ReadOnly  lipgloss.Style // READ-ONLY
	Stale     lipgloss.Style // the "stale" marker and the poll error
	Fresh     lipgloss.Style // "updated Ns ago" while fresh
	FlashInfo lipgloss.Style
	FlashErr  lipgloss.Style
	Prompt    lipgloss.Style // the y/N confirmation line and the filter line

	// Tables.
	Header   lipgloss.Style // column titles
	Row      lipgloss.Style
	Selected lipgloss.Style // the whole selected row: background AND the marker glyph
	Marker   string         // the selection glyph, shown beside the selected row
	NoMarker string         // the same width, blank

	// Participant states.
	Connected lipgloss.Style
	Ringing   lipgloss.Style
	Gone      lipgloss.Style // complete, failed
	Muted     lipgloss.Style
	Held      lipgloss.Style
	Coaching  lipgloss.Style
	Pending   lipgloss.Style

	// Event feed.
	FeedTitle lipgloss.Style
	FeedTime  lipgloss.Style
	FeedText  lipgloss.Style

	// Overlays (help, confirmations, forms).
	Overlay lipgloss.Style
	Help    help.Styles

	// Cells is the table styles reduced to their escape sequences, so a
	// table row is painted by concatenation rather than by eight lipgloss
	// renders (which dominate the cost of a row).
	Cells CellPaints
}

// Paint is a style reduced to the escape sequences before and after a run of
// single-line text; both are empty when there is no colour.
type Paint struct{ Pre, Post string }

// Apply wraps s in p.
func (p Paint) Apply(s string) string {
	if p.Pre == "" && p.Post == "" {
		return s
	}
	return p.Pre + s + p.Post
}

// paintOf reduces a style without width, padding, margins or borders to its
// escape sequences.
func paintOf(st lipgloss.Style) Paint {
	const probe = "X"
	out := st.Render(probe)
	i := strings.Index(out, probe)
	if i < 0 {
		return Paint{}
	}
	return Paint{Pre: out[:i], Post: out[i+len(probe):]}
}

// CellPaints are the paints of table cells.
type CellPaints struct {
	Text, Faint, Connected, Ringing, Gone, Muted, Held, Coaching, Pending, Selected Paint
}

// faint is the style of secondary text, drawn by r.
func (t Theme) faint(r *lipgloss.Renderer) lipgloss.Style {
	return r.NewStyle().Foreground(t.Faint).Faint(t.Dim)
}

// NewStyles builds the console's styles from t, for the process's own
// terminal (lipgloss's default renderer).
func NewStyles(t Theme) Styles { return NewStylesOn(lipgloss.DefaultRenderer(), t) }

// NewStylesOn builds the console's styles from t for the terminal r draws
// on: its colour profile decides which colours reach the screen. An SSH
// server gives each session its own.
func NewStylesOn(r *lipgloss.Renderer, t Theme) Styles {
	base := r.NewStyle()
	fg := func(c lipgloss.TerminalColor) lipgloss.Style { return base.Foreground(c) }
	faint := t.faint(r)
	s := Styles{
		Theme:     t,
		Title:     fg(t.Accent).Bold(true),
		Faint:     faint,
		Text:      fg(t.Text),
		Badge:     base.Foreground(t.BadgeFg).Background(t.BadgeBg).Bold(true),
		ReadOnly:  base.Foreground(t.BadgeFg).Background(t.BadgeBg).Bold(true),
		Stale:     fg(t.Warn).Bold(true),
		Fresh:     faint,
		FlashInfo: fg(t.Good),
		FlashErr:  fg(t.Bad).Bold(true),
		Prompt:    fg(t.Warn).Bold(true),

		Header:   faint.Bold(true),
		Row:      fg(t.Text),
		Selected: base.Foreground(t.SelectFg).Background(t.SelectBg).Bold(true),
		Marker:   "▶ ",
		NoMarker: "  ",

		Connected: fg(t.Good),
		Ringing:   fg(t.Warn),
		Gone:      faint,
		Muted:     fg(t.Bad),
		Held:      fg(t.Warn),
		Coaching:  fg(t.Info),
		Pending:   fg(t.Warn).Italic(true),

		FeedTitle: fg(t.Accent).Bold(true),
		FeedTime:  faint,
		FeedText:  fg(t.Text),

		Overlay: base.Border(lipgloss.RoundedBorder()).BorderForeground(t.Border).Padding(0, 1),
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
	s.Cells = CellPaints{
		Text: paintOf(s.Text), Faint: paintOf(s.Faint), Connected: paintOf(s.Connected),
		Ringing: paintOf(s.Ringing), Gone: paintOf(s.Gone), Muted: paintOf(s.Muted), Held: paintOf(s.Held),
		Coaching: paintOf(s.Coaching), Pending: paintOf(s.Pending), Selected: paintOf(s.Selected),
	}
	return s
}
