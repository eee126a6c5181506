package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"confconsole/api"
	"confconsole/model"
)

// The results of the forms, each delivered by the tea.Cmd that Update
// returns, so the screen that opened a form learns what was chosen the same
// way it learns an API reply.
type (
	// addSubmitMsg carries a valid add-participant request, with only the
	// parameters the operator set, and the conference's friendly name when
	// the form asked for one (NewDialForm).
	addSubmitMsg struct {
		params     api.CreateParticipant
		conference string
	}
	// promptSubmitMsg carries the validated answer to the Prompt with id.
	promptSubmitMsg struct{ id, value string }
	// coachPickMsg says whom the coach should coach; an empty
	// targetCallSID means stop coaching.
	coachPickMsg struct{ coachCallSID, targetCallSID string }
	// formCancelMsg says the operator closed a form without choosing.
	formCancelMsg struct{}
)

// msgCmd returns a command that delivers msg.
func msgCmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// FormKeyMap is the keys the forms answer to. The forms have their own map,
// rather than the console's KeyMap, because inside a form letters are text
// and enter moves on instead of opening.
type FormKeyMap struct {
	Next   key.Binding // the next field, or the next row of a list
	Prev   key.Binding // the previous field or row
	Change key.Binding // toggle a switch, cycle a choice forward
	Back   key.Binding // cycle a choice backward
	Enter  key.Binding // next field; on the last field, or in a prompt or list, submit
	Submit key.Binding // submit from any field
	Cancel key.Binding // close without submitting
}

// DefaultFormKeyMap is the forms' keys: tab/shift+tab or the arrows move,
// space and ←/→ change a switch or choice, enter moves on or submits, ctrl+s
// submits from anywhere, esc cancels.
func DefaultFormKeyMap() FormKeyMap {
	return FormKeyMap{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("⇧tab/↑", "back")),
		Change: key.NewBinding(key.WithKeys(" ", "right"), key.WithHelp("space/→", "change")),
		Back:   key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "change back")),
		Enter:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next/submit")),
		Submit: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "submit")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// ShortHelp is the add form's help line (help.KeyMap), the keys that
// finish the form first so a narrow screen still shows them.
func (km FormKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{km.Submit, km.Cancel, km.Next, km.Prev, km.Change}
}

// FullHelp is every form binding (help.KeyMap).
func (km FormKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{km.Next, km.Prev, km.Change, km.Back}, {km.Enter, km.Submit, km.Cancel}}
}

// formField identifies a row of the add form.
type formField int

const (
	fieldConference formField = iota // shown only on a dial form (NewDialForm)
	fieldTo
	fieldFrom
	fieldLabel
	fieldMuted
	fieldCoaching
	fieldWhom // shown only while coaching is on
	fieldBeep
	fieldEarlyMedia
	fieldTimeout
	fieldRecord
	fieldStartOnEnter
	fieldEndOnExit
	fieldSubmit
	formFieldCount
)

// formRow describes a row: its name and, for switches, Twilio's default.
type formRow struct {
	name   string
	isBool bool
	def    bool // Twilio's default, for switches
}

// formRowOf describes a row. A switch, not a table, so the package holds no
// variables.
func formRowOf(fld formField) formRow {
	switch fld {
	case fieldConference:
		return formRow{name: "Conference"}
	case fieldTo:
		return formRow{name: "To"}
	case fieldFrom:
		return formRow{name: "From"}
	case fieldLabel:
		return formRow{name: "Label"}
	case fieldMuted:
		return formRow{name: "Muted", isBool: true, def: false}
	case fieldCoaching:
		return formRow{name: "Coaching", isBool: true, def: false}
	case fieldWhom:
		return formRow{name: "Coach whom"}
	case fieldBeep:
		return formRow{name: "Beep"}
	case fieldEarlyMedia:
		return formRow{name: "Early media", isBool: true, def: true}
	case fieldTimeout:
		return formRow{name: "Ring timeout (s)"}
	case fieldRecord:
		return formRow{name: "Record", isBool: true, def: false}
	case fieldStartOnEnter:
		return formRow{name: "Start conf. on enter", isBool: true, def: true}
	case fieldEndOnExit:
		return formRow{name: "End conf. on exit", isBool: true, def: false}
	}
	return formRow{name: "Add participant"}
}

// formLabelWidth is the width of the names column.
const formLabelWidth = 21

// formInputWidth is the text fields' visible width: what is left of the
// widest form beside the names; a longer value scrolls inside it.
const formInputWidth = formMaxWidth - 4 - formLabelWidth - 3

// beepChoice is Beep's value number i in the order space cycles them: ""
// (not sent: Twilio's default, which is "true"), then the values that differ
// from the default, then "true" set explicitly.
func beepChoice(i int) string {
	return [...]string{"", "false", "onEnter", "onExit", "true"}[i]
}

// beepChoices is how many values beepChoice has.
const beepChoices = 5

// beepWord says what a Beep value does, in words.
func beepWord(v string) string {
	switch v {
	case "":
		return "default (yes)"
	case "true":
		return "yes"
	case "false":
		return "no"
	case "onEnter":
		return "on enter only"
	case "onExit":
		return "on exit only"
	}
	return v
}

// The widest the forms draw, whatever the terminal: a form line longer than
// this is hard to read.
const formMaxWidth = 78

// AddForm is the add-participant form. Text fields use bubbles/textinput;
// switches are tri-state (left to Twilio's default, or set on or off by the
// operator) so the request carries only what the operator chose. Problems
// are shown under their field, in words from model's validation, and the
// form refuses to submit until they are fixed.
type AddForm struct {
	KeyMap FormKeyMap

	st           FormStyles
	conference   string
	named        bool // the conference is a field (NewDialForm), not given
	participants []model.Participant
	candidates   []model.Participant // whom a new participant may coach

	inputs   [formFieldCount]textinput.Model // only the text fields' are used
	switches [formFieldCount]*bool           // nil: Twilio's default
	beep     int                             // beepChoice(beep) is the value
	whom     string                          // call SID to coach; "" none
	whomLost string                          // why the chosen target was dropped, until another is picked

	focus     formField
	touched   [formFieldCount]bool // left after editing: its problem is shown
	showAll   bool                 // a submit was tried: every problem is shown
	submitted bool                 // sent once; later submits are ignored
}

// NewAddForm returns the form for adding a participant to conference (its
// friendly name or SID, shown in the title) whose present participants are
// participants (the coaching choices and the label check use them).
func NewAddForm(st FormStyles, conference string, participants []model.Participant) AddForm {
	f := AddForm{KeyMap: DefaultFormKeyMap(), st: st, conference: conference}
	f.SetParticipants(participants)
	for _, fld := range []formField{fieldTo, fieldFrom, fieldLabel, fieldTimeout} {
		in := newFormInput(st)
		switch fld {
		case fieldTo:
			in.Placeholder = "+14155550100, client:name or sip:user@host"
			in.CharLimit = 256
		case fieldFrom:
			in.Placeholder = "your Twilio number or caller ID"
			in.CharLimit = 256
		case fieldLabel:
			in.Placeholder = "optional, e.g. agent-7"
			in.CharLimit = model.MaxLabelLength + 8 // room to see it is too long
		case fieldTimeout:
			in.Placeholder = "60 (Twilio default)"
			in.CharLimit = 6
		}
		f.inputs[fld] = in
	}
	f.focus = fieldTo
	f.inputs[fieldTo] = focusInput(f.inputs[fieldTo])
	return f
}

// NewDialForm returns the add form with one more field first: the
// conference to dial into, by friendly name, prefilled with name (the
// selected conference's, or "") and editable. Twilio starts a new
// conference when no active one has the name.
func NewDialForm(st FormStyles, name string) AddForm {
	f := NewAddForm(st, "", nil)
	f.named = true
	in := newFormInput(st)
	in.Placeholder = "a conference's name, e.g. Support bridge"
	in.CharLimit = model.MaxConferenceNameLength + 8 // room to see it is too long
	in.SetValue(name)
	f.inputs[fieldConference] = in
	return f.focusOn(fieldConference)
}

// newFormInput is a text field of the forms.
func newFormInput(st FormStyles) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	// A steady cursor: blinking would redraw the screen twice a second
	// over SSH for nothing.
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Width = formInputWidth
	st.styleInput(&in)
	return in
}

func focusInput(in textinput.Model) textinput.Model {
	in.Focus()
	return in
}

// SetParticipants refreshes the participants after a poll; the chosen coach
// target is kept if it can still be coached, and dropped otherwise, the
// form then saying who went and asking for another. Participants on hold are
// never offered: Twilio refuses to coach them (error 16027).
func (f *AddForm) SetParticipants(ps []model.Participant) {
	was := ""
	for _, p := range f.candidates {
		if p.CallSID == f.whom {
			was = model.DisplayN(p.Name(), 40)
		}
	}
	f.participants = ps
	f.candidates = f.candidates[:0:0]
	kept, held := false, false
	for _, p := range ps {
		if p.Status == model.ParticipantConnected && p.Hold {
			held = held || p.CallSID == f.whom
			continue
		}
		if p.Status == model.ParticipantConnected {
			f.candidates = append(f.candidates, p)
			kept = kept || p.CallSID == f.whom
		}
	}
	if kept || f.whom == "" {
		return
	}
	f.whom = ""
	switch {
	case was == "":
	case held:
		f.whomLost = was + " was put on hold: space to pick again"
	default:
		f.whomLost = was + " left the conference: space to pick again"
	}
}

// Init satisfies the usual component shape; the form needs no start command.
func (f AddForm) Init() tea.Cmd { return nil }

// Update handles a key (or a cursor message for the focused text field).
func (f AddForm) Update(msg tea.Msg) (AddForm, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return f.updateInput(msg)
	}
	if f.submitted {
		// The request has gone; only closing makes sense now.
		if key.Matches(k, f.KeyMap.Cancel) {
			return f, msgCmd(formCancelMsg{})
		}
		return f, nil
	}
	text := f.isText(f.focus)
	switch {
	case key.Matches(k, f.KeyMap.Cancel):
		return f, msgCmd(formCancelMsg{})
	case key.Matches(k, f.KeyMap.Submit):
		return f.submit()
	case key.Matches(k, f.KeyMap.Enter):
		if f.focus == fieldSubmit {
			return f.submit()
		}
		return f.move(+1), nil
	case key.Matches(k, f.KeyMap.Next):
		return f.move(+1), nil
	case key.Matches(k, f.KeyMap.Prev):
		return f.move(-1), nil
	case !text && key.Matches(k, f.KeyMap.Change):
		f.change(+1)
		return f, nil
	case !text && key.Matches(k, f.KeyMap.Back):
		f.change(-1)
		return f, nil
	case text:
		return f.updateInput(inertKeys(k))
	}
	return f, nil
}

// inertKeys drops, from typed or pasted text, the characters model.Inert
// would escape (bidi controls, zero-width characters...): textinput keeps
// them, and they would reach the screen as they are. bubbles already drops
// C0/C1 controls.
func inertKeys(k tea.KeyMsg) tea.KeyMsg {
	if k.Type != tea.KeyRunes || len(k.Runes) == 0 {
		return k
	}
	kept := k.Runes[:0:0]
	for _, r := range k.Runes {
		if s := string(r); model.Inert(s) == s {
			kept = append(kept, r)
		}
	}
	k.Runes = kept
	return k
}

func (f AddForm) updateInput(msg tea.Msg) (AddForm, tea.Cmd) {
	if !f.isText(f.focus) {
		return f, nil
	}
	if k, ok := msg.(tea.KeyMsg); ok && k.Type == tea.KeyRunes && len(k.Runes) == 0 {
		return f, nil
	}
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return f, cmd
}

func (f AddForm) isText(fld formField) bool {
	switch fld {
	case fieldTo, fieldFrom, fieldLabel, fieldTimeout:
		return true
	case fieldConference:
		return f.named
	}
	return false
}

// visible reports whether a row is on the form now.
func (f AddForm) visible(fld formField) bool {
	switch fld {
	case fieldWhom:
		return f.coaching()
	case fieldConference:
		return f.named
	}
	return true
}

func (f AddForm) coaching() bool {
	c := f.switches[fieldCoaching]
	return c != nil && *c
}

// move focuses the next (+1) or previous (-1) visible row, wrapping round.
func (f AddForm) move(dir int) AddForm {
	from := f.focus
	if f.isText(from) && f.inputs[from].Value() != "" {
		f.touched[from] = true
	}
	next := from
	for {
		next = formField((int(next) + dir + int(formFieldCount)) % int(formFieldCount))
		if f.visible(next) {
			break
		}
	}
	return f.focusOn(next)
}

func (f AddForm) focusOn(fld formField) AddForm {
	if f.isText(f.focus) {
		f.inputs[f.focus].Blur()
	}
	f.focus = fld
	if f.isText(fld) {
		f.inputs[fld] = focusInput(f.inputs[fld])
	}
	return f
}

// change cycles the focused switch or choice.
func (f *AddForm) change(dir int) {
	fld := f.focus
	switch {
	case formRowOf(fld).isBool:
		f.switches[fld] = cycleSwitch(f.switches[fld], formRowOf(fld).def, dir)
		f.touched[fld] = true
		if fld == fieldCoaching && !f.coaching() {
			f.whom, f.whomLost = "", "" // whom only means something while coaching
		}
	case fld == fieldBeep:
		f.beep = (f.beep + dir + beepChoices) % beepChoices
	case fld == fieldWhom:
		f.whom, f.whomLost = f.cycleWhom(dir), ""
		f.touched[fld] = true
	}
}

// cycleSwitch steps a tri-state switch through: Twilio's default (nil), the
// opposite of the default, the default set explicitly, and back; the first
// press gives the value that differs from what Twilio would do.
func cycleSwitch(v *bool, def bool, dir int) *bool {
	states := []*bool{nil, api.Bool(!def), api.Bool(def)}
	i := 0
	if v != nil {
		i = 1
		if *v == def {
			i = 2
		}
	}
	return states[(i+dir+len(states))%len(states)]
}

func (f AddForm) cycleWhom(dir int) string {
	opts := make([]string, 0, len(f.candidates)+1)
	opts = append(opts, "")
	for _, p := range f.candidates {
		opts = append(opts, p.CallSID)
	}
	i := 0
	for j, s := range opts {
		if s == f.whom {
			i = j
		}
	}
	return opts[(i+dir+len(opts))%len(opts)]
}

// draft is what the form holds, for model's validation.
func (f AddForm) draft() model.NewParticipant {
	n := model.NewParticipant{
		To:      f.inputs[fieldTo].Value(),
		From:    f.inputs[fieldFrom].Value(),
		Label:   f.inputs[fieldLabel].Value(),
		Timeout: f.inputs[fieldTimeout].Value(),
	}
	if f.coaching() {
		n.Coaching, n.CallSIDToCoach = true, f.whom
	}
	return n
}

// problems is every validation problem, by form row.
func (f AddForm) problems() map[formField]string {
	es := f.draft().Validate(f.participants)
	var conf error
	if f.named {
		conf = model.ValidateConferenceName(f.inputs[fieldConference].Value())
	}
	if len(es) == 0 && conf == nil {
		return nil
	}
	rowFor := map[model.Field]formField{
		model.FieldTo: fieldTo, model.FieldFrom: fieldFrom, model.FieldLabel: fieldLabel,
		model.FieldTimeout: fieldTimeout, model.FieldCoach: fieldWhom,
	}
	out := make(map[formField]string, len(es)+1)
	if conf != nil {
		out[fieldConference] = "Conference: the name " + conf.Error()
	}
	for _, e := range es {
		if r, ok := rowFor[e.Field]; ok {
			out[r] = e.Error() // "To: +1 415 555 0100 has spaces; write it as ..."
		}
	}
	return out
}

// submit sends the request if the form is valid; otherwise it shows every
// problem and moves to the first.
func (f AddForm) submit() (AddForm, tea.Cmd) {
	f.showAll = true
	if probs := f.problems(); len(probs) > 0 {
		for fld := formField(0); fld < formFieldCount; fld++ {
			if _, bad := probs[fld]; bad && f.visible(fld) {
				return f.focusOn(fld), nil
			}
		}
		return f, nil
	}
	f.submitted = true
	m := addSubmitMsg{params: f.Params()}
	if f.named {
		m.conference = f.inputs[fieldConference].Value()
	}
	return f, msgCmd(m)
}

// Params is the request the form describes now: To and From, and of the
// rest only what the operator set. A switch left at "default" is nil, one
// set to off is api.Bool(false) even where off is Twilio's default, since
// the operator said so.
func (f AddForm) Params() api.CreateParticipant {
	p := api.CreateParticipant{
		To:                     f.inputs[fieldTo].Value(),
		From:                   f.inputs[fieldFrom].Value(),
		Label:                  f.inputs[fieldLabel].Value(),
		Muted:                  f.switches[fieldMuted],
		Beep:                   beepChoice(f.beep),
		EarlyMedia:             f.switches[fieldEarlyMedia],
		Record:                 f.switches[fieldRecord],
		StartConferenceOnEnter: f.switches[fieldStartOnEnter],
		EndConferenceOnExit:    f.switches[fieldEndOnExit],
		Coaching:               f.switches[fieldCoaching],
	}
	if f.coaching() {
		p.CallSIDToCoach = f.whom
	}
	if t := strings.TrimSpace(f.inputs[fieldTimeout].Value()); t != "" {
		if n, err := strconv.Atoi(t); err == nil {
			p.Timeout = api.Int(n)
		}
	}
	return p
}

// ShortHelp is the help line for the form (help.KeyMap).
func (f AddForm) ShortHelp() []key.Binding { return f.KeyMap.ShortHelp() }

// FullHelp is every binding the form answers to (help.KeyMap).
func (f AddForm) FullHelp() [][]key.Binding { return f.KeyMap.FullHelp() }

// View draws the form in a box at most width columns wide and height rows
// high; when the rows do not fit, the part around the focused field is
// shown.
func (f AddForm) View(width, height int) string {
	inner := formInnerWidth(f.st, width)
	probs := f.problems()

	var rows []string
	focusLine := 0
	for fld := formField(0); fld < formFieldCount; fld++ {
		if !f.visible(fld) {
			continue
		}
		if fld == f.focus {
			focusLine = len(rows)
		}
		rows = append(rows, f.rowView(fld, inner))
		if msg, bad := probs[fld]; bad && (f.showAll || f.touched[fld]) {
			rows = append(rows, formErrorLines(f.st, msg, inner, formLabelWidth+len([]rune(f.st.NoMarker)))...)
		}
	}
	t := "Add participant to " + f.conference
	if f.named {
		t = "Dial into a conference (a new name starts one)"
	}
	title := f.st.Title.Render(model.DisplayN(t, inner))
	return formBox(f.st, title, rows, focusLine, formHelp(f.st, f.ShortHelp(), inner), inner, height)
}

func (f AddForm) rowView(fld formField, inner int) string {
	marker, name := f.st.NoMarker, f.st.Label
	if fld == f.focus {
		marker, name = f.st.Marker, f.st.Focused
	}
	if fld == fieldSubmit {
		btn := f.st.Button
		if fld == f.focus {
			btn = f.st.ButtonOn
		}
		return marker + btn.Render("[ Add participant ]")
	}
	label := name.Render(padRight(formRowOf(fld).name, formLabelWidth))
	var value string
	switch {
	case f.isText(fld):
		value = f.inputs[fld].View()
	case formRowOf(fld).isBool:
		value = f.switchView(fld)
	case fld == fieldBeep:
		if v := beepChoice(f.beep); v == "" {
			value = f.st.Default.Render(beepWord(v))
		} else {
			value = f.st.Value.Render(beepWord(v))
		}
	case fld == fieldWhom:
		value = f.whomView()
	}
	return marker + label + value
}

func (f AddForm) switchView(fld formField) string {
	v := f.switches[fld]
	if v == nil {
		return f.st.Default.Render("default (" + yesNo(formRowOf(fld).def) + ")")
	}
	return f.st.Value.Render(yesNo(*v))
}

func (f AddForm) whomView() string {
	if len(f.candidates) == 0 {
		return f.st.Hint.Render("nobody is connected to coach")
	}
	if f.whom == "" && f.whomLost != "" {
		return f.st.Error.Render(f.whomLost)
	}
	if f.whom == "" {
		return f.st.Default.Render("nobody yet: space to pick")
	}
	for _, p := range f.candidates {
		if p.CallSID == f.whom {
			return f.st.Value.Render(model.DisplayN(p.Name(), 40))
		}
	}
	return f.st.Default.Render("nobody yet: space to pick")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// padRight pads s with spaces to n cells (never cutting it).
func padRight(s string, n int) string {
	if w := lipgloss.Width(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s + " "
}

// formInnerWidth is the width inside a form's box for a terminal width.
func formInnerWidth(st FormStyles, width int) int {
	w := min(width, formMaxWidth) - st.Frame.GetHorizontalFrameSize()
	return max(w, 10)
}

// formErrorLines renders a problem under its field, indented to the values
// column and wrapped (not cut: the end of the message says how to fix it).
func formErrorLines(st FormStyles, msg string, inner, indent int) []string {
	if indent+24 > inner { // too narrow to indent: use the whole width
		indent = 0
	}
	text := st.ErrGlyph + model.Inert(msg)
	wrapped := st.Error.Width(inner - indent).Render(text)
	lines := strings.Split(wrapped, "\n")
	pad := strings.Repeat(" ", indent)
	for i := range lines {
		lines[i] = pad + lines[i]
	}
	return lines
}

// formHelp renders the help line at the form's width.
func formHelp(st FormStyles, bindings []key.Binding, inner int) string {
	h := help.New()
	h.Styles = st.Help
	h.Width = inner
	return h.ShortHelpView(bindings)
}

// formBox frames a form: title, rows, help. When it is taller than height,
// rows are windowed to keep focusLine in view; every line is cut to inner.
func formBox(st FormStyles, title string, rows []string, focusLine int, helpLine string, inner, height int) string {
	room := height - st.Frame.GetVerticalFrameSize() - 4 // title, blank, blank, help
	if room < 1 {
		room = 1
	}
	if len(rows) > room {
		start := min(max(0, focusLine-room/2), len(rows)-room)
		rows = rows[start : start+room]
	}
	parts := make([]string, 0, len(rows)+4)
	parts = append(parts, title, "")
	parts = append(parts, rows...)
	parts = append(parts, "", helpLine)
	if height > 0 && height < len(parts)+st.Frame.GetVerticalFrameSize() {
		// Too short even for that: drop the blank lines and the help first.
		parts = append([]string{title}, rows...)
	}
	body := st.Frame.MaxWidth(inner + st.Frame.GetHorizontalFrameSize()).Render(
		formCut(st, strings.Join(parts, "\n"), inner))
	return body
}

// formCut cuts every line of s to at most w cells, keeping styles whole.
func formCut(st FormStyles, s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if lipgloss.Width(l) > w {
			lines[i] = st.Plain.MaxWidth(w).Render(l)
		}
	}
	return strings.Join(lines, "\n")
}
