package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/model"
	"confconsole/ui/audit"
)

// room is the participants screen: one conference's live roster.
type room struct {
	conf   model.Conference
	raw    []model.Participant // the last reply as Twilio sent it, to spot an unchanged one
	roster []model.Participant // stable order of first sight (model.Merge)
	byID   map[string]model.Participant
	// listing has the rows the table shows (the roster filtered and
	// sorted), the selection by call SID (it follows the participant), the
	// window and the filter.
	listing[model.Participant]
	labelW int // the widest label on the roster, for the layout
	poll   poller
	loaded bool

	pending map[string]pendingAction // by call SID
	// mismatch holds actions Twilio accepted that the polls never showed,
	// by call SID: the row says so until a poll agrees or a new action.
	mismatch map[string]pendingAction
	events   *model.EventLog
	feed     bool // the event feed is shown
	feedSkip int  // how many of the newest events the feed is scrolled past; 0 shows the newest

	sortKey  model.SortKey
	sortDesc bool

	confirm   *confirmation
	rec       model.RecordingStatus // "" when unknown or none
	recBusy   bool                  // a recording change is on its way: another waits, so p p never pauses and resumes
	stopAsked bool                  // P was pressed with no recording known: the fetch on its way decides whether to ask

	form         formKind // the form open over the table, if any
	add          *AddForm // pointers, for the same reason as filter; nil when closed
	prompt       *Prompt
	coach        *CoachPicker
	promptTarget string // the call SID an announce prompt is for
	promptName   string // and its name, for when it has left

	cache rowCache[participantRowKey]
}

// eventLogSize bounds the event feed's memory however long the console runs.
const eventLogSize = 500

// confirmation is a y/N question before a destructive action.
type confirmation struct {
	question string
	kind     actionKind
	callSID  string
	name     string
	rec      bool // stop the recording rather than an action on a participant
}

func newRoom(conf model.Conference, st *Styles) room {
	return room{
		conf:     conf,
		byID:     map[string]model.Participant{},
		pending:  map[string]pendingAction{},
		mismatch: map[string]pendingAction{},
		events:   model.NewEventLog(eventLogSize),
		listing:  newListing(func(p model.Participant) string { return p.CallSID }, newFilterInput(st)),
		cache:    newRowCache[participantRowKey](),
	}
}

func newFilterInput(st *Styles) *textinput.Model {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "label, SID or state (muted, held, ringing…)"
	ti.PromptStyle = st.Prompt
	ti.TextStyle = st.Text
	ti.PlaceholderStyle = st.Faint
	ti.CharLimit = 80
	// A steady cursor: a blinking one would repaint the screen twice a
	// second for nothing.
	ti.Cursor.SetMode(cursor.CursorStatic)
	return &ti
}

// openRoom switches to the participants screen of conf and starts polling it.
func (a App) openRoom(conf model.Conference) (App, tea.Cmd) {
	a.list.poll.abandon()
	a.list.waitFor = "" // the user chose a conference: no other opens under them
	a.screen = screenRoom
	// Request numbers keep counting across rooms, so a late reply from a
	// room closed earlier can never pass for one of this room's.
	last := a.room.poll.seq
	a.room = newRoom(conf, a.st)
	a.room.poll.seq = last
	seq, _ := a.room.poll.begin()
	// The recording state is asked for once the roster is in (see
	// onParticipants): the console keeps one request to Twilio in flight.
	return a, fetchParticipants(a.svc, conf.SID, seq, a.now)
}

// leaveRoom goes back to the conference list and polls it at once.
func (a App) leaveRoom() (App, tea.Cmd) {
	a.room.poll.abandon()
	a.screen = screenList
	a.room = room{poll: poller{seq: a.room.poll.seq}}
	a.list, _ = a.list.Update(tea.WindowSizeMsg{Width: a.width, Height: a.height})
	return a, a.list.refetch()
}

// roomRefetch polls the participants now, or as soon as the poll in flight
// lands.
func (a *App) roomRefetch() tea.Cmd {
	seq, ok := a.room.poll.begin()
	if !ok {
		return nil
	}
	return fetchParticipants(a.svc, a.room.conf.SID, seq, a.now)
}

// roomNext schedules the next poll after a reply, or polls at once when a
// refetch was asked for meanwhile.
func (a *App) roomNext() tea.Cmd {
	p := &a.room.poll
	if p.again {
		p.again = false
		return a.roomRefetch()
	}
	p.gen++
	gen := p.gen
	d := p.delay(a.interval, a.jitter)
	p.nextAt = a.now().Add(d)
	return a.sched(d, func(time.Time) tea.Msg {
		return pollMsg{target: screenRoom, gen: gen}
	})
}

func (a App) onParticipants(m participantsMsg) (App, tea.Cmd) {
	if a.screen != screenRoom || m.conference != a.room.conf.SID || !a.room.poll.land(m.seq) {
		return a, nil // a reply for a screen or a request that is gone
	}
	r := &a.room
	if m.ended {
		name, sid := conferenceName(r.conf), r.conf.SID
		reason := ""
		if m.conf.ReasonEnded != "" {
			reason = " (" + string(m.conf.ReasonEnded) + ")"
		}
		// Anything open over the table goes with the room, unsent.
		dropped := r.form != formNone || r.confirm != nil
		prior := a.flash
		a, cmd := a.leaveRoom()
		text := fmt.Sprintf("conference %s has ended%s", name, reason)
		isErr := dropped
		if m.gone {
			// Not an ending anyone saw: the conference is simply not
			// there any more, which deserves more than a passing note.
			text = fmt.Sprintf("conference %s disappeared: the server no longer knows %s (deleted, or the server restarted); back to the list", name, sid)
			isErr = true
		}
		if dropped {
			text += "; nothing was sent"
		}
		// The latest message replaces the last, except Twilio's "not found"
		// for an action on this very conference: its end is the reason, so
		// the two read as one. Unrelated messages are never joined.
		related := prior.endedConf != "" && prior.endedConf == m.conference
		if related {
			text = prior.text + "; " + text
		}
		a.setFlash(text, isErr || related)
		return a, cmd
	}
	if m.err != nil {
		a.notePollFailure(&r.poll, "the participants", m.err)
		return a, a.roomNext()
	}
	r.poll.succeeded(m.at)
	if r.loaded && slices.Equal(r.raw, m.participants) {
		// The commonest reply: nothing changed. Nothing to merge, diff,
		// filter or sort; only pending actions count the poll.
		a.reconcilePending()
		return a, a.roomNext()
	}
	r.raw = m.participants
	first := !r.loaded
	merged := model.Merge(r.roster, m.participants)
	if r.loaded {
		es := model.Diff(r.roster, merged, m.at)
		r.events.AddAll(es)
		if r.feedSkip > 0 {
			// A feed scrolled back keeps showing the same events while
			// new ones arrive above them.
			r.feedSkip = a.clampFeedSkip(r.feedSkip + len(es))
		}
	}
	r.roster = merged
	r.labelW = longestLabel(merged)
	r.loaded = true
	clear(r.byID)
	for _, p := range merged {
		r.byID[p.CallSID] = p
	}
	a.reconcilePending()
	a.rebuildRows()
	a.refreshTargets()
	if first {
		// The room's first roster is in: now, and not beside it, ask for
		// the recording state, so two requests are never out at once.
		return a, tea.Batch(a.roomNext(), recordingCmd(a.svc, auditScope{conferenceSID: r.conf.SID}, recFetch))
	}
	return a, a.roomNext()
}

// reconcilePending clears the pending marks a poll has confirmed, and gives
// up on those Twilio accepted but the polls keep not showing.
func (a *App) reconcilePending() {
	r := &a.room
	for sid, pa := range r.pending {
		p, present := r.byID[sid]
		switch {
		case !pa.acked:
			// Twilio has not answered yet; the answer decides.
		case !present, pa.satisfiedBy(p):
			delete(r.pending, sid)
			a.outdateWarning(pa, p, present, false)
		default:
			pa.polls++
			if pa.polls >= pendingPolls {
				delete(r.pending, sid)
				pa.warn = pa.mismatchText(participantName(p))
				r.mismatch[sid] = pa
				a.setFlash(pa.warn, true)
				continue
			}
			r.pending[sid] = pa
		}
	}
	for sid, pa := range r.mismatch {
		if p, present := r.byID[sid]; !present || pa.satisfiedBy(p) {
			delete(r.mismatch, sid)
			a.outdateWarning(pa, p, present, true)
		}
	}
}

// outdateWarning takes down the warning pa put on the flash line, if it is
// still there, once a poll has settled the question: the participant shows
// the action done, or has left.
func (a *App) outdateWarning(pa pendingAction, p model.Participant, present, afterAll bool) {
	if pa.warn == "" || a.flash.text != pa.warn {
		return
	}
	switch {
	case present || pa.kind == actRemove:
		a.setFlash(pa.tookEffectText(pa.name, afterAll), false)
	default:
		a.setFlash(pa.name+" has left the conference", false)
	}
}

// rebuildRows applies the filter and the sort to the roster and keeps the
// selection on the same participant, or on its neighbour when it left.
func (a *App) rebuildRows() {
	r := &a.room
	// The roster is replaced on every poll, never changed in place, so the
	// common case (no filter, arrival order) shares it instead of copying.
	rows := r.roster
	if r.query != "" {
		rows = model.ParseFilter(r.query).Apply(rows)
	}
	switch {
	case r.sortDesc:
		rows = model.SortedDesc(rows, r.sortKey)
	case r.sortKey != model.SortRoster:
		rows = model.Sorted(rows, r.sortKey)
	}
	r.rows = rows
	r.reselect()
	r.cache.prune(func(id string) bool { _, ok := r.byID[id]; return ok })
	a.fixScroll()
}

// selectedParticipant is the participant under the cursor.
func (a *App) selectedParticipant() (model.Participant, bool) {
	p, ok := a.room.byID[a.room.selected]
	return p, ok && a.room.selected != ""
}

func (a App) roomKey(msg tea.KeyMsg) (App, tea.Cmd) {
	r := &a.room
	if r.confirm != nil {
		return a.answerConfirm(msg)
	}
	if r.filtering {
		return a.filterKey(msg)
	}
	k := a.keys
	if r.move(msg, k, a.roomTableHeight()) {
		return a, nil
	}
	switch {
	case key.Matches(msg, k.Back):
		if r.query != "" {
			r.clearFilter()
			a.rebuildRows()
			return a, nil
		}
		return a.leaveRoom()
	case key.Matches(msg, k.Refresh):
		return a, a.roomRefetch()
	case key.Matches(msg, k.Filter):
		return a, r.startFilter()
	case key.Matches(msg, k.Sort):
		r.sortKey = r.sortKey.Next()
		a.rebuildRows()
		a.setFlash("sorted "+sortedBy(r.sortKey.String(), r.sortDesc), false)
	case key.Matches(msg, k.SortReverse):
		r.sortDesc = !r.sortDesc
		a.rebuildRows()
		a.setFlash("sorted "+sortedBy(r.sortKey.String(), r.sortDesc), false)
	case key.Matches(msg, k.Events):
		r.feed = !r.feed
		r.feedSkip = 0
		a.fixScroll()
	case key.Matches(msg, k.FeedOlder, k.FeedNewer):
		if !r.feed {
			a.setFlash("the event feed is closed: "+keyName(k.Events)+" opens it", true)
			return a, nil
		}
		page := a.feedPage()
		if key.Matches(msg, k.FeedNewer) {
			page = -page
		}
		r.feedSkip = a.clampFeedSkip(r.feedSkip + page)
	case key.Matches(msg, k.Mute):
		return a.toggleMute()
	case key.Matches(msg, k.Hold):
		return a.toggleHold()
	case key.Matches(msg, k.Remove):
		return a.askRemove()
	case key.Matches(msg, k.Recording):
		if !a.recordingFree() {
			return a, nil
		}
		return a, recordingCmd(a.svc, a.scope(), recToggle)
	case key.Matches(msg, k.StopRecording):
		if r.rec != model.RecordingInProgress && r.rec != model.RecordingPaused {
			// The header shows no live recording, yet one may have started
			// since it was asked: ask Twilio before asking the user.
			r.stopAsked = true
			return a, recordingCmd(a.svc, auditScope{conferenceSID: r.conf.SID}, recFetch)
		}
		a.askStopRecording()
	default:
		if b, off := a.disabledByReadOnly(msg); off {
			h := b.Help()
			a.setFlash(fmt.Sprintf("read-only: %s (%s) is disabled", h.Key, h.Desc), true)
			return a, nil
		}
		return a.roomFormKey(msg)
	}
	return a, nil
}

// disabledByReadOnly finds the binding a key would have been in the key map
// the console was given, when read-only mode took it away, so that the key
// is answered rather than ignored.
func (a *App) disabledByReadOnly(msg tea.KeyMsg) (key.Binding, bool) {
	if !a.opts.ReadOnly {
		return key.Binding{}, false
	}
	full := a.opts.Keys
	for _, b := range full.mutating() {
		if key.Matches(msg, *b) {
			return *b, true
		}
	}
	return key.Binding{}, false
}

// filterKey edits the filter as it is typed: the table narrows live, enter
// keeps the filter, esc drops it.
func (a App) filterKey(msg tea.KeyMsg) (App, tea.Cmd) {
	changed, cmd := a.room.filterKey(msg)
	if changed {
		a.rebuildRows()
	}
	return a, cmd
}

// startAction marks the participant's row pending, or refuses when an
// action for it is already on its way.
func (a *App) startAction(p model.Participant, pa pendingAction) bool {
	if cur, busy := a.room.pending[p.CallSID]; busy {
		a.setFlash(fmt.Sprintf("still waiting for Twilio to %s %s", cur.kind.verb(), participantName(p)), true)
		return false
	}
	if !p.Status.Live() {
		a.setFlash(participantName(p)+" has already left the conference", true)
		return false
	}
	delete(a.room.mismatch, p.CallSID) // a new action supersedes the old question
	a.room.pending[p.CallSID] = pa
	return true
}

func (a App) toggleMute() (App, tea.Cmd) {
	p, ok := a.selectedParticipant()
	if !ok {
		return a, nil
	}
	kind := actMute
	if p.Muted {
		kind = actUnmute
	}
	if !a.startAction(p, pendingAction{kind: kind}) {
		return a, nil
	}
	u := api.UpdateParticipant{Muted: api.Bool(kind == actMute)}
	return a, updateParticipantCmd(a.svc, a.scope(), p, participantName(p), kind, u)
}

func (a App) toggleHold() (App, tea.Cmd) {
	p, ok := a.selectedParticipant()
	if !ok {
		return a, nil
	}
	kind := actHold
	if p.Hold {
		kind = actResume
	}
	if !a.startAction(p, pendingAction{kind: kind}) {
		return a, nil
	}
	u := api.UpdateParticipant{Hold: api.Bool(kind == actHold)}
	if kind == actHold && a.opts.HoldURL != "" {
		u.HoldURL = a.opts.HoldURL
	}
	return a, updateParticipantCmd(a.svc, a.scope(), p, participantName(p), kind, u)
}

func (a App) askRemove() (App, tea.Cmd) {
	p, ok := a.selectedParticipant()
	if !ok {
		return a, nil
	}
	name := participantName(p)
	a.room.confirm = &confirmation{
		question: fmt.Sprintf("Remove %s (%s) from the call?", name, shortSID(p.CallSID)),
		kind:     actRemove, callSID: p.CallSID, name: name,
	}
	return a, nil
}

// answerConfirm acts on y and treats every other key as no: the safe answer
// is the default.
func (a App) answerConfirm(msg tea.KeyMsg) (App, tea.Cmd) {
	r := &a.room
	c := r.confirm
	r.confirm = nil
	if !key.Matches(msg, a.keys.Yes) {
		a.setFlash("cancelled", false)
		return a, nil
	}
	if c.rec {
		if !a.recordingFree() {
			return a, nil
		}
		return a, recordingCmd(a.svc, a.scope(), recStop)
	}
	p, ok := r.byID[c.callSID]
	if !ok {
		a.setFlash(c.name+" has already left the conference", true)
		return a, nil
	}
	if !a.startAction(p, pendingAction{kind: actRemove}) {
		return a, nil
	}
	return a, removeParticipantCmd(a.svc, a.scope(), p, c.name)
}

func (a App) onAction(m actionMsg) (App, tea.Cmd) {
	a.noteAuditErr(m.auditErr)
	a.refreshLogView()
	inRoom := a.screen == screenRoom && m.conference == a.room.conf.SID
	note := auditNote(m.auditErr)
	outcome := m.outcome
	if outcome == "" {
		outcome = outcomeOf(m.err)
	}
	switch outcome {
	case audit.OutcomeOK:
		text := m.kind.done() + " " + m.name
		if m.kind.spec().wholeConference {
			text = m.kind.done()
		}
		if m.err != nil {
			text += " (Twilio accepted it but its reply was unreadable: " + explain(m.err) + "; the next poll shows the result)"
		}
		a.setFlash(text+note, m.err != nil || m.auditErr != nil)
		a.ackPending(inRoom, m.callSID, pendingAction{name: m.name})
	case audit.OutcomeUnknown:
		text := unknownText(m) + note
		a.setFlash(text, true)
		a.ackPending(inRoom, m.callSID, pendingAction{unsure: true, answer: errorAnswer(m.err), warn: text, name: m.name})
	default:
		if inRoom {
			delete(a.room.pending, m.callSID) // the row rolls back to what Twilio last said
		}
		switch {
		case isNotFound(m.err) && m.callSID != "":
			a.setFlash(m.name+" had already left the conference; nothing was changed"+note, true)
			a.flash.endedConf = m.conference
		case isNotFound(m.err):
			a.setFlash("the conference has already ended"+note, true)
			a.flash.endedConf = m.conference
		case m.callSID != "" || m.kind == actAdd:
			a.setFlash(fmt.Sprintf("%s %s failed: %s%s%s", m.kind.verb(), m.name, explain(m.err), nextStep(m.err), note), true)
		default:
			a.setFlash(fmt.Sprintf("%s failed: %s%s%s", m.kind.verb(), explain(m.err), nextStep(m.err), note), true)
		}
	}
	if !inRoom {
		return a, nil
	}
	return a, a.roomRefetch()
}

// ackPending marks the participant's pending action as answered, so the
// polls now decide whether it shows; ack carries what the answer said.
func (a *App) ackPending(inRoom bool, callSID string, ack pendingAction) {
	if !inRoom {
		return
	}
	if pa, ok := a.room.pending[callSID]; ok {
		pa.acked = true
		pa.unsure, pa.answer, pa.warn, pa.name = ack.unsure, ack.answer, ack.warn, ack.name
		a.room.pending[callSID] = pa
	}
}

// unknownText is the flash for an action whose answer does not say whether
// it was done: none came (a timeout), or an error that is not Twilio's
// documented "not processed" (any 5xx but 429's, a proxy's page).
func unknownText(m actionMsg) string {
	answered := errorAnswer(m.err) != ""
	next := "the next poll will tell"
	if !answered {
		next = "the next polls will show which, so wait before trying again"
	}
	if m.kind.spec().unpolled {
		next = "the polls cannot show an announcement, so repeat it only if it matters"
	}
	if !answered {
		return fmt.Sprintf("no answer from Twilio to %s %s (%s): it may or may not have been done; %s", m.kind.verb(), m.name, explain(m.err), next)
	}
	return fmt.Sprintf("%s %s got an error answer (%s): it may have been applied; %s", m.kind.verb(), m.name, explain(m.err), next)
}

// errorAnswer is an HTTP answer err carries, in a few words for the row's
// warning, or "" when no answer came.
func errorAnswer(err error) string {
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Status == 0 {
		return ""
	}
	return shortCause(err)
}

// nextStep tells the supervisor what to do after an action failed, by cause.
func nextStep(err error) string {
	switch c := classify(err); {
	case c.kind == errAuth:
		return "" // explain already says which credentials to fix
	case c.kind == errThrottled:
		return "; nothing was changed: try again in a few seconds"
	case c.kind == errServer && neverSent(err):
		return "; nothing was sent: check the network connection, then try again"
	case c.kind == errServer:
		return "; nothing was changed: Twilio or the network is unwell, try again shortly"
	case neverSent(err):
		return "; nothing was sent: check the network connection, then try again"
	}
	return "; nothing was changed"
}

func (a App) onRecording(m recordingMsg) (App, tea.Cmd) {
	a.noteAuditErr(m.auditErr)
	a.refreshLogView()
	if a.screen != screenRoom || m.conference != a.room.conf.SID {
		return a, nil
	}
	if m.op != recFetch {
		a.room.recBusy = false
	}
	stopAsked := m.op == recFetch && a.room.stopAsked
	if m.op == recFetch {
		a.room.stopAsked = false
	}
	switch {
	case m.err != nil && stopAsked:
		a.setFlash("could not check the conference's recording: "+explain(m.err)+"; nothing was stopped", true)
		return a, nil
	case m.err != nil && m.op == recFetch:
		return a, nil // the header just shows no recording state
	case isNotFound(m.err) || errors.Is(m.err, errNoRecording):
		// Twilio's 404 for Twilio.CURRENT: the recording ended or never was.
		a.room.rec = ""
		a.setFlash(errNoRecording.Error()+"; nothing was changed"+auditNote(m.auditErr), true)
		return a, nil
	case m.err != nil && m.outcome == audit.OutcomeUnknown:
		// The answer does not say whether the change was made: ask
		// Twilio for the state instead of leaving the header's guess.
		a.setFlash("recording: "+explain(m.err)+": it may have been changed; the header shows the state once Twilio answers"+auditNote(m.auditErr), true)
		return a, recordingCmd(a.svc, auditScope{conferenceSID: m.conference}, recFetch)
	case m.err != nil:
		a.setFlash("recording: "+explain(m.err)+auditNote(m.auditErr), true)
		return a, nil
	}
	a.room.rec = m.status
	switch {
	case m.op == recToggle, m.op == recStop:
		a.setFlash("recording "+recordingWord(m.status)+auditNote(m.auditErr), m.auditErr != nil)
	case stopAsked && m.status == "":
		a.setFlash(errNoRecording.Error()+"; nothing to stop", true)
	case stopAsked:
		a.askStopRecording()
	}
	return a, nil
}

// askStopRecording asks before stopping the recording: a stopped recording
// cannot be resumed.
func (a *App) askStopRecording() {
	a.room.confirm = &confirmation{question: "Stop recording this conference? A stopped recording cannot be resumed.", rec: true}
}

// recordingFree marks a recording change as on its way, or says why not.
func (a *App) recordingFree() bool {
	if a.room.recBusy {
		a.setFlash("still waiting for Twilio to change the recording", true)
		return false
	}
	a.room.recBusy = true
	return true
}

func recordingWord(s model.RecordingStatus) string {
	switch s {
	case model.RecordingInProgress:
		return "running"
	case "":
		return "none"
	}
	return string(s)
}

// participantName is how a participant is called on screen: the label, or
// the call SID when there is none, made inert.
func participantName(p model.Participant) string {
	return model.DisplayN(p.Name(), 64)
}

// conferenceName is how a conference is called on screen.
func conferenceName(c model.Conference) string {
	if c.FriendlyName != "" {
		return model.DisplayN(c.FriendlyName, 80)
	}
	return c.SID
}

// shortSID keeps a SID's prefix and tail, enough to tell calls apart.
func shortSID(s string) string {
	if len(s) <= 12 {
		return s
	}
	return s[:6] + "…" + s[len(s)-4:]
}

// coarseAge says how long ago t was in a unit that changes rarely (minutes
// and up), so rows showing it repaint once a minute at most.
func coarseAge(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "<1m"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%02dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

// minutes is the cache key matching coarseAge: the row is re-rendered when
// it changes.
func minutes(now, t time.Time) int64 {
	if t.IsZero() {
		return -1
	}
	return int64(now.Sub(t) / time.Minute)
}

// joinWords joins the non-empty parts with " · ".
func joinWords(parts ...string) string {
	out := parts[:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}
