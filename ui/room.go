package ui

import (
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
	conf     model.Conference
	raw      []model.Participant // the last reply as Twilio sent it, to spot an unchanged one
	roster   []model.Participant // stable order of first sight (model.Merge)
	byID     map[string]model.Participant
	rows     []model.Participant // what the table shows: filtered and sorted roster
	selected string              // call SID: the selection follows the participant
	selIdx   int                 // where the selection was, for when its participant leaves
	offset   int                 // first row on screen
	poll     poller
	loaded   bool

	pending map[string]pendingAction // by call SID
	// mismatch holds actions Twilio accepted that the polls never showed,
	// by call SID: the row says so until a poll agrees or a new action.
	mismatch map[string]pendingAction
	events   *model.EventLog
	feed     bool // the event feed is shown

	sortKey   model.SortKey
	sortDesc  bool
	filter    *textinput.Model // a pointer: the model is copied on every message, and an input is big
	query     string           // the applied filter
	filtering bool

	confirm *confirmation
	rec     model.RecordingStatus // "" when unknown or none
	recBusy bool                  // a recording change is on its way: another waits, so p p never pauses and resumes

	form         formKind // the form open over the table, if any
	add          *AddForm // pointers, for the same reason as filter; nil when closed
	prompt       *Prompt
	coach        *CoachPicker
	promptTarget string // the call SID an announce prompt is for

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
		filter:   newFilterInput(st),
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
	return a, a.listRefetch()
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
		name := conferenceName(r.conf)
		reason := ""
		if m.conf.ReasonEnded != "" {
			reason = " (" + string(m.conf.ReasonEnded) + ")"
		}
		prior := a.flash // an action that just failed on the ending conference
		a, cmd := a.leaveRoom()
		text := fmt.Sprintf("conference %s has ended%s", name, reason)
		if prior.isErr && prior.text != "" {
			text = prior.text + "; " + text
		}
		a.setFlash(text, prior.isErr)
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
		r.events.AddAll(model.Diff(r.roster, merged, m.at))
	}
	r.roster = merged
	r.loaded = true
	clear(r.byID)
	for _, p := range merged {
		r.byID[p.CallSID] = p
	}
	a.reconcilePending()
	a.rebuildRows()
	switch r.form {
	case formAdd:
		r.add.SetParticipants(r.roster)
	case formCoach:
		r.coach.SetParticipants(r.roster)
	}
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
		default:
			pa.polls++
			if pa.polls >= pendingPolls {
				delete(r.pending, sid)
				r.mismatch[sid] = pa
				a.setFlash(pa.mismatchText(participantName(p)), true)
				continue
			}
			r.pending[sid] = pa
		}
	}
	for sid, pa := range r.mismatch {
		if p, present := r.byID[sid]; !present || pa.satisfiedBy(p) {
			delete(r.mismatch, sid)
		}
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
	r.selIdx = a.roomIndex(r.selected)
	r.cache.prune(func(id string) bool { _, ok := r.byID[id]; return ok })
	a.fixScroll()
}

// roomIndex finds sid in the rows; when it is gone the selection moves to
// the row now at its old place.
func (a *App) roomIndex(sid string) int {
	r := &a.room
	for i, p := range r.rows {
		if p.CallSID == sid {
			return i
		}
	}
	if len(r.rows) == 0 {
		r.selected = ""
		return 0
	}
	i := min(max(r.selIdx, 0), len(r.rows)-1)
	r.selected = r.rows[i].CallSID
	return i
}

func (a *App) roomSelect(i int) {
	r := &a.room
	if len(r.rows) == 0 {
		return
	}
	i = min(max(i, 0), len(r.rows)-1)
	r.selIdx = i
	r.selected = r.rows[i].CallSID
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
	switch {
	case key.Matches(msg, k.Up):
		a.roomSelect(r.selIdx - 1)
	case key.Matches(msg, k.Down):
		a.roomSelect(r.selIdx + 1)
	case key.Matches(msg, k.PageUp):
		a.roomSelect(r.selIdx - a.roomTableHeight())
	case key.Matches(msg, k.PageDown):
		a.roomSelect(r.selIdx + a.roomTableHeight())
	case key.Matches(msg, k.Top):
		a.roomSelect(0)
	case key.Matches(msg, k.Bottom):
		a.roomSelect(len(r.rows) - 1)
	case key.Matches(msg, k.Back):
		if r.query != "" {
			r.query = ""
			r.filter.SetValue("")
			a.rebuildRows()
			return a, nil
		}
		return a.leaveRoom()
	case key.Matches(msg, k.Refresh):
		return a, a.roomRefetch()
	case key.Matches(msg, k.Filter):
		r.filtering = true
		r.filter.SetValue(r.query)
		r.filter.CursorEnd()
		return a, r.filter.Focus()
	case key.Matches(msg, k.Sort):
		r.sortKey = r.sortKey.Next()
		a.rebuildRows()
		a.setFlash("sorted by "+r.sortKey.String(), false)
	case key.Matches(msg, k.SortReverse):
		r.sortDesc = !r.sortDesc
		a.rebuildRows()
	case key.Matches(msg, k.Events):
		r.feed = !r.feed
		a.fixScroll()
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
		r.confirm = &confirmation{question: "Stop recording this conference? A stopped recording cannot be resumed.", rec: true}
	default:
		return a.roomFormKey(msg)
	}
	return a, nil
}

// filterKey edits the filter as it is typed: the table narrows live, enter
// keeps the filter, esc drops it.
func (a App) filterKey(msg tea.KeyMsg) (App, tea.Cmd) {
	r := &a.room
	switch msg.Type {
	case tea.KeyEnter:
		r.filtering = false
		r.filter.Blur()
		return a, nil
	case tea.KeyEsc:
		r.filtering = false
		r.filter.Blur()
		r.filter.SetValue("")
		r.query = ""
		a.rebuildRows()
		return a, nil
	}
	var cmd tea.Cmd
	*r.filter, cmd = r.filter.Update(msg)
	if v := r.filter.Value(); v != r.query {
		r.query = v
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
		switch m.kind {
		case actAnnounceAll, actEnd:
			text = m.kind.done()
		}
		if m.err != nil {
			text += " (Twilio accepted it but its reply was unreadable: " + explain(m.err) + "; the next poll shows the result)"
		}
		a.setFlash(text+note, m.err != nil || m.auditErr != nil)
		a.ackPending(inRoom, m.callSID, false)
	case audit.OutcomeUnknown:
		a.setFlash(fmt.Sprintf("no answer from Twilio to %s %s (%s): it may or may not have been done; the next polls will show which, so wait before trying again%s",
			m.kind.verb(), m.name, explain(m.err), note), true)
		a.ackPending(inRoom, m.callSID, true)
	default:
		if inRoom {
			delete(a.room.pending, m.callSID) // the row rolls back to what Twilio last said
		}
		switch {
		case isNotFound(m.err) && m.callSID != "":
			a.setFlash(m.name+" had already left the conference; nothing was changed"+note, true)
		case isNotFound(m.err):
			a.setFlash("the conference has already ended"+note, true)
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
// polls now decide whether it shows.
func (a *App) ackPending(inRoom bool, callSID string, unsure bool) {
	if !inRoom {
		return
	}
	if pa, ok := a.room.pending[callSID]; ok {
		pa.acked, pa.unsure = true, unsure
		a.room.pending[callSID] = pa
	}
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
	if m.err != nil {
		if m.op == recFetch {
			return a, nil // the header just shows no recording state
		}
		a.setFlash("recording: "+explain(m.err)+auditNote(m.auditErr), true)
		return a, nil
	}
	a.room.rec = m.status
	switch m.op {
	case recToggle, recStop:
		a.setFlash("recording "+recordingWord(m.status)+auditNote(m.auditErr), m.auditErr != nil)
	}
	return a, nil
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
