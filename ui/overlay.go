package ui

import (
	"fmt"

	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"confconsole/api"
	"confconsole/model"
)

// The forms (add participant, announce URL, end confirmation, coach picker)
// open over the participants table; while one is open every key goes to it,
// and its result comes back as a message.

// formKind says which form is open.
type formKind int

const (
	formNone formKind = iota
	formAdd
	formPrompt
	formCoach
)

// The ids of the room's prompts.
const (
	promptAnnounce      = "announce"
	promptAnnounceAll   = "announce-all"
	promptAnnounceMarks = "announce-marks"
	promptEnd           = "end"
)

func (a *App) overlayActive() bool { return a.formActive() }

func (a *App) formActive() bool {
	if a.screen == screenList {
		return a.list.add != nil
	}
	return a.screen == screenRoom && a.room.form != formNone
}

// formKeys is the open form's own help, for the footer.
func (r *room) formKeys() []key.Binding {
	switch r.form {
	case formAdd:
		return r.add.ShortHelp()
	case formPrompt:
		return r.prompt.ShortHelp()
	case formCoach:
		return r.coach.ShortHelp()
	}
	return nil
}

// formView is the open form drawn in a w x h area, or "" when none is open.
func (r *room) formView(w, h int) string {
	switch r.form {
	case formAdd:
		return r.add.View(w, h)
	case formPrompt:
		return r.prompt.View(w, h)
	case formCoach:
		return r.coach.View(w, h)
	}
	return ""
}

// formKey opens the form a key asks for.
func (r room) formKey(msg tea.KeyMsg) (room, tea.Cmd) {
	k := r.keys
	fst := *r.fst
	switch {
	case key.Matches(msg, k.Coach):
		p, ok := r.selectedParticipant()
		if !ok {
			return r, nil
		}
		c := NewCoachPicker(fst, p, r.roster)
		r.coach = &c
		r.form = formCoach
	case key.Matches(msg, k.Announce) && len(r.marks) > 0:
		if r.bulk != nil {
			return r.askBulk(actAnnounce, "") // says it is still running
		}
		pr := r.newAnnouncePrompt(fst, promptAnnounceMarks, "Announce to each of "+count(len(r.marks), "marked participants"))
		r.prompt = &pr
		r.form = formPrompt
	case key.Matches(msg, k.Announce):
		p, ok := r.selectedParticipant()
		if !ok {
			return r, nil
		}
		pr := r.newAnnouncePrompt(fst, promptAnnounce, "Announce to "+participantName(p))
		r.prompt = &pr
		r.promptTarget, r.promptName = p.CallSID, participantName(p)
		r.form = formPrompt
	case key.Matches(msg, k.AnnounceAll):
		pr := r.newAnnouncePrompt(fst, promptAnnounceAll, "Announce to everyone in "+conferenceName(r.conf))
		r.prompt = &pr
		r.form = formPrompt
	case key.Matches(msg, k.Add):
		f := NewAddForm(fst, conferenceName(r.conf), r.roster)
		r.add = &f
		r.form = formAdd
	case key.Matches(msg, k.End):
		code := sidCode(r.conf.SID)
		name := r.conf.FriendlyName
		if name == "" {
			name = "(none)"
		}
		pr := NewPrompt(fst, promptEnd, "End this conference for everyone?",
			"the last four characters of its SID", RequireCode(code, "the end of its SID")).
			WithDetail("name  "+name, "SID   "+r.conf.SID, "type "+code+" to confirm (the last four characters of its SID)")
		r.prompt = &pr
		r.form = formPrompt
	}
	return r, nil
}

// sidCode is what the operator types to confirm an action on a resource:
// the last four characters of its SID, which any keyboard can type whatever
// the resource's name holds.
func sidCode(sid string) string {
	return sid[max(len(sid)-4, 0):]
}

// here says whether the participant with call SID sid is still in the call.
func (r *room) here(sid string) bool {
	p, ok := r.byID[sid]
	return ok && p.Status.Live()
}

// refreshTargets hands a new roster to the open form, and closes a form or
// question whose participant has left: an action goes to the participant
// the operator chose or to nobody, never to whoever now sits in that row.
func (r *room) refreshTargets() {
	switch r.form {
	case formAdd:
		r.add.SetParticipants(r.roster)
	case formCoach:
		if void := r.coach.SetParticipants(r.roster); void != "" {
			r.closeForm()
			r.setFlash(void, true)
		}
	case formPrompt:
		if r.prompt.id == promptAnnounce && !r.here(r.promptTarget) {
			r.closeForm()
			r.setFlash(r.promptName+" left the conference; nothing was announced", true)
		}
	}
	// A bulk question names no one participant: those who leave before
	// the answer are counted as having left when it runs.
	if c := r.confirm; c != nil && !c.rec && c.bulk == nil && !r.here(c.callSID) {
		r.confirm = nil
		r.setFlash(c.name+" left the conference; nothing was sent", true)
	}
}

// closeInner closes what ctrl+c closes before it quits: the command line,
// the help, the audit log, a form, a y/N question or a filter being typed.
// It reports whether anything was open.
func (a *App) closeInner() bool {
	r := &a.room
	inRoom := a.screen == screenRoom
	switch {
	case a.cmdline != nil: // first: it takes the keys before anything else
		a.cmdline, a.cmdHint = nil, flash{}
	case a.showHelp:
		a.showHelp = false
	case a.logView.open:
		a.logView = logView{}
	case a.formActive() && !inRoom:
		a.list.add = nil
	case a.formActive():
		r.closeForm()
	case inRoom && r.confirm != nil:
		r.confirm = nil
	case inRoom && r.filtering:
		a.room, _ = a.room.onFilterKey(tea.KeyMsg{Type: tea.KeyEsc})
	case !inRoom && a.list.filtering:
		*a, _ = a.updateList(tea.KeyMsg{Type: tea.KeyEsc})
	default:
		return false
	}
	a.setFlash("closed; ctrl+c again quits", false)
	return true
}

// closeForm drops the open form. (promptTarget stays: the answer that
// closed an announce prompt still needs it.)
func (r *room) closeForm() {
	r.form = formNone
	r.add, r.prompt, r.coach = nil, nil, nil
}

// updateOverlay gives the open form a key, or handles a form's result.
func (r room) updateOverlay(msg tea.Msg) (room, tea.Cmd) {
	switch msg := msg.(type) {
	case formCancelMsg:
		r.closeForm()
		return r, nil
	case addSubmitMsg:
		if r.form != formAdd {
			return r, nil
		}
		r.closeForm()
		return r, addParticipantCmd(r.scope(), msg.params)
	case coachPickMsg:
		if r.form != formCoach {
			return r, nil
		}
		r.closeForm()
		return r.coachPicked(msg)
	case promptSubmitMsg:
		if r.form != formPrompt {
			return r, nil
		}
		r.closeForm()
		return r.promptAnswered(msg)
	}
	if r.form == formNone {
		return r, nil
	}
	var cmd tea.Cmd
	switch r.form {
	case formAdd:
		f, c := r.add.Update(msg)
		r.add, cmd = &f, c
	case formPrompt:
		p, c := r.prompt.Update(msg)
		r.prompt, cmd = &p, c
	case formCoach:
		p, c := r.coach.Update(msg)
		r.coach, cmd = &p, c
	}
	return r, cmd
}

// coachPicked starts or stops coaching as the picker chose, if the coach
// and the one chosen are both still there.
func (r room) coachPicked(m coachPickMsg) (room, tea.Cmd) {
	p, ok := r.byID[m.coachCallSID]
	if !ok || !p.Status.Live() {
		r.setFlash(r.coacheeName(m.coachCallSID)+" has already left the conference; nobody was coached", true)
		return r, nil
	}
	kind, u := actStopCoach, api.UpdateParticipant{Coaching: api.Bool(false)}
	if m.targetCallSID != "" {
		if !r.here(m.targetCallSID) {
			r.setFlash(r.coacheeName(m.targetCallSID)+" has already left the conference; nobody was coached", true)
			return r, nil
		}
		if p.Coaching && p.CallSIDToCoach == m.targetCallSID {
			// The picker opens on the current target: enter alone
			// would resend it and make u a stop.
			r.setFlash(participantName(p)+" is already coaching "+r.coacheeName(m.targetCallSID)+"; nothing was sent", false)
			return r, nil
		}
		kind, u = actCoach, api.UpdateParticipant{Coaching: api.Bool(true), CallSIDToCoach: m.targetCallSID}
	}
	if !r.startAction(p, pendingAction{kind: kind, target: m.targetCallSID}) {
		return r, nil
	}
	name := participantName(p)
	if kind == actCoach {
		name += " → " + r.coacheeName(m.targetCallSID)
	}
	return r, updateParticipantCmd(r.scope(), p, name, kind, u)
}

// promptAnswered acts on a prompt's validated answer.
func (r room) promptAnswered(m promptSubmitMsg) (room, tea.Cmd) {
	switch m.id {
	case promptAnnounce:
		p, ok := r.byID[r.promptTarget]
		if !ok || !p.Status.Live() {
			r.setFlash(r.promptName+" has already left the conference; nothing was announced", true)
			return r, nil
		}
		url, err := r.announceURL(m.value)
		if err != nil {
			r.setFlash(model.DisplayN(err.Error(), 200), true)
			return r, nil
		}
		if !r.startAction(p, pendingAction{kind: actAnnounce}) {
			return r, nil
		}
		r.announced(p.CallSID)
		u := api.UpdateParticipant{AnnounceURL: url}
		return r, updateParticipantCmd(r.scope(), p, participantName(p), actAnnounce, u)
	case promptAnnounceMarks:
		if _, text, err := r.announce.resolve(m.value, r.opts.Webhook); err == nil && text != "" {
			// The receiver serves a typed text once: one participant
			// would hear it and the rest nothing.
			r.setFlash(fmt.Sprintf("typed text is spoken once, to one participant; nothing was announced: give a URL or a saved announcement to announce to each, or use %s for the whole conference", keyName(r.keys.AnnounceAll)), true)
			return r, nil
		}
		url, err := r.announceURL(m.value)
		if err != nil {
			r.setFlash(model.DisplayN(err.Error(), 200), true)
			return r, nil
		}
		if len(r.marks) == 0 {
			r.setFlash("the marked participants have all left; nothing was announced", true)
			return r, nil
		}
		return r.askBulk(actAnnounce, url)
	case promptAnnounceAll:
		url, err := r.announceURL(m.value)
		if err != nil {
			r.setFlash(model.DisplayN(err.Error(), 200), true)
			return r, nil
		}
		r.announced("")
		return r, updateConferenceCmd(r.scope(), conferenceName(r.conf), actAnnounceAll, api.ConferenceUpdate{AnnounceURL: url})
	case promptEnd:
		return r, updateConferenceCmd(r.scope(), conferenceName(r.conf), actEnd, api.ConferenceUpdate{Status: string(model.ConferenceCompleted)})
	}
	return r, nil
}

// helpView is the full key help, generated from the key map, flowed into
// as many columns as the terminal's height needs.
func (a *App) helpView() string {
	var items []string
	var heads []bool // the item is a group title or the blank before one
	for gi, g := range a.keys.Groups() {
		if gi > 0 {
			items = append(items, "")
			heads = append(heads, true)
		}
		items = append(items, a.st.Header.Render(g.Title))
		heads = append(heads, true)
		for range g.Bindings {
			heads = append(heads, false)
		}
		for _, b := range g.Bindings {
			h := b.Help()
			items = append(items, a.st.Help.FullKey.Render(fit(h.Key, 7))+" "+a.st.Help.FullDesc.Render(h.Desc))
		}
	}
	title := a.st.Title.Render("confconsole · keys")
	foot := a.st.Faint.Render(keyName(a.keys.Help) + ", " + keyName(a.keys.Back) + " or " + keyName(a.keys.Quit) + " closes this help")
	avail := max(a.height-4, 1)
	var cols [][]string
	for len(items) > 0 {
		n := min(avail, len(items))
		// A title never ends a column: it moves to the next with its keys.
		for n < len(items) && n > 1 && heads[n-1] {
			n--
		}
		col := items[:n]
		if heads[0] && items[0] == "" {
			col = col[1:] // no blank at the top of a column
		}
		cols = append(cols, col)
		items, heads = items[n:], heads[n:]
	}
	const colW = 28
	rows := make([]string, avail)
	for ci, col := range cols {
		for i := range rows {
			cell := ""
			if i < len(col) {
				cell = col[i]
			}
			if ci < len(cols)-1 {
				cell = fitStyledPad(cell, colW)
			}
			rows[i] += cell
		}
	}
	lines := append([]string{title, ""}, rows...)
	lines = append(lines, "", foot)
	for i := range lines {
		lines[i] = fitStyled(lines[i], a.width)
	}
	return strings.Join(padLines(lines, a.height), "\n")
}

// fitStyledPad cuts or pads an already styled string to w cells.
func fitStyledPad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}
