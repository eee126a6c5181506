package ui

import (
	"context"
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
	"confconsole/api/audit"
	"confconsole/api/live"
	"confconsole/model"
)

// roomService is what the participants screen needs from Twilio.
type roomService interface {
	FetchConference(ctx context.Context, sid string) (model.Conference, error)
	UpdateConference(ctx context.Context, sid string, u api.ConferenceUpdate) (model.Conference, error)
	ListParticipants(ctx context.Context, conferenceSID string, f api.ParticipantFilter) ([]model.Participant, error)
	CreateParticipant(ctx context.Context, conference string, p api.CreateParticipant) (model.Participant, error)
	UpdateParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string, u api.UpdateParticipant) (model.Participant, error)
	DeleteParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string) error
	ListRecordings(ctx context.Context, conferenceSID string) ([]model.Recording, error)
	UpdateRecording(ctx context.Context, conferenceSID, recordingSID string, u api.RecordingUpdate) (model.Recording, error)
}

// room is the participants screen: one conference's live roster, a model
// of its own like confList. The console around it draws the header's first
// line, the flash and the footer, lends it the flash line and the offer of
// announcements for each Update, and does what the room asks (roomOut).
type room struct {
	roomDeps
	width, height int
	clock         time.Time     // "now" as of the last clock tick; View reads only this
	flash         flash         // the console's, lent for one Update
	announce      announceOffer // the console's, lent for one Update

	conf model.Conference
	// sub is the room's watch on the live state; nil once it ended.
	sub    *live.Subscription[live.RoomSnapshot]
	polls  uint64              // the live state's poll count as of the last snapshot
	roster []model.Participant // stable order of first sight (model.Merge), as the live state keeps it
	byID   map[string]model.Participant
	// listing has the rows the table shows (the roster filtered and
	// sorted), the selection by call SID (it follows the participant), the
	// window and the filter.
	listing[model.Participant]
	labelW int    // the widest label on the roster, for the layout
	poll   poller // how the live state's polls of this room go, from its snapshots
	loaded bool

	pending map[string]pendingAction // by call SID
	// others are the actions other operators have pending, by call SID,
	// from the live state: the row shows them as its own would be.
	others map[string]actionKind
	marks  map[string]bool // the marked participants, by call SID (marks.go)
	bulk   *bulkRun        // this room's bulk action on its way; nil when none
	// batches are the bulk actions on this room, as the last snapshot has them.
	batches []live.BatchProgress
	// mismatch holds actions Twilio accepted that the polls never showed,
	// by call SID: the row says so until a poll agrees or a new action.
	mismatch    map[string]pendingAction
	events      feedEvents             // the room's feed from the live state, oldest first
	eventsAdded uint64                 // the live state's count of the room's events, to tell new ones
	feed        bool                   // the event feed is shown
	feedSkip    int                    // how many of the newest events the feed is scrolled past; 0 shows the newest
	eventsLive  bool                   // status callbacks are arriving for this conference
	speech      map[string]live.Speech // who is talking and when each last spoke, by call SID; read only
	// shown is the last snapshot the room took, and seen the newest poll
	// status its wait saw, snapshots let pass included (quiet.go).
	shown live.RoomSnapshot
	seen  *seenPolls
	// announcing counts the announcements sent and not yet answered, by
	// whom they play to (a call SID, "" for the whole conference); heard
	// notes those whose end or failure a callback reported before
	// Twilio's answer was read. A callback can outrun the answer to the
	// request that caused it, and its outcome is the newer news.
	announcing map[string]int
	heard      map[string]bool

	sortKey  model.SortKey
	sortDesc bool

	confirm   *confirmation
	rec       model.RecordingStatus // "" when unknown or none
	recBusy   bool                  // a recording change is on its way: another waits, so p p never pauses and resumes
	stopAsked bool                  // P was pressed with no recording known: the fetch on its way decides whether to ask
	undoing   bool                  // an undo is on its way: another would find nothing, its inverse not being remembered

	form         formKind // the form open over the table, if any
	add          *AddForm // pointers, for the same reason as filter; nil when closed
	prompt       *Prompt
	coach        *CoachPicker
	promptTarget string // the call SID an announce prompt is for
	promptName   string // and its name, for when it has left

	cache rowCache[participantRowKey]

	out roomOut // what the last Update asks of the console
}

// roomDeps is what every room of one console shares and never changes.
type roomDeps struct {
	svc  roomService
	opts *Options // read only
	keys KeyMap
	st   *Styles
	fst  *FormStyles
	*timers
	interval time.Duration
	lines    memo
	trail    *audit.Log
	flights  *flights
	hub      *live.Hub       // the screens watch it, and actions go through it
	ctx      context.Context // ends the watches when the console stops
	operator live.Operator   // and are made in this operator's name
	actor    *audit.Actor    // whom the trail names; nil: the trail's own identity
	// batchFeed carries each participant's result of a bulk action from
	// the live state to the screen, for its audit notes.
	batchFeed chan batchEvent
}

// roomOut is what an Update of the room asks of the console around it: to
// go back to the list, or to note an audit record that missed the file and
// show this session's records again.
type roomOut struct {
	leave      bool
	auditErr   error
	logChanged bool
}

// noteAudit asks the console to note an action's audit records.
func (r *room) noteAudit(err error) {
	r.out.logChanged = true
	if err != nil {
		r.out.auditErr = err
	}
}

// setFlash shows text on the console's flash line for a while.
func (r *room) setFlash(text string, isErr bool) {
	d := flashInfoFor
	if isErr {
		d = flashErrFor
	}
	r.flash = flash{text: text, isErr: isErr, until: r.clock.Add(d)}
}

// Update handles one message for the room. What it needs of the console
// around it is in r.out, which the console takes at once.
func (r room) Update(msg tea.Msg) (room, tea.Cmd) {
	r.out = roomOut{}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.width, r.height = msg.Width, msg.Height
		r.scroll(r.tableHeight())
		return r, nil
	case clockMsg:
		r.clock = msg.t
		return r, nil
	case tea.KeyMsg:
		if r.form != formNone {
			return r.updateOverlay(msg)
		}
		return r.onKey(msg)
	case roomSnapMsg:
		return r.onSnapshot(msg)
	case actionMsg:
		return r.onAction(msg)
	case recordingMsg:
		return r.onRecording(msg)
	case batchEventMsg:
		return r.onBatchEvent(msg)
	case batchIdleMsg:
		return r, r.listenMore()
	case batchDoneMsg:
		return r.onBatchDone(msg)
	case undoMsg:
		return r.onUndo(msg)
	case commandMsg:
		return r.onCommand(msg.spec)
	}
	return r.updateOverlay(msg)
}

// eventLogSize bounds the event feed's memory however long the console
// runs: the live state the console makes for itself keeps this many.
const eventLogSize = 500

// feedEvents is the room's event feed as the live state's snapshot has
// it, oldest first; shared with the snapshot, never modified.
type feedEvents []live.Event

// Len is how many events the feed holds.
func (f feedEvents) Len() int { return len(f) }

// At is the i-th newest event: At(0) is the newest.
func (f feedEvents) At(i int) (live.Event, bool) {
	if i < 0 || i >= len(f) {
		return live.Event{}, false
	}
	return f[len(f)-1-i], true
}

// roomSnapMsg is the next snapshot of the room the console watches; ok is
// false once the watch has ended (the live state closed).
type roomSnapMsg struct {
	sub  *live.Subscription[live.RoomSnapshot]
	snap live.RoomSnapshot
	ok   bool
}

// watch subscribes the room to the live state; its snapshots then come as
// roomSnapMsg, one receive at a time.
func (r *room) watch() error {
	sub, err := r.hub.WatchRoom(r.ctx, r.conf.SID)
	if err != nil {
		return err
	}
	r.sub, r.seen, r.shown = sub, &seenPolls{}, live.RoomSnapshot{}
	return nil
}

// receive waits for the room's next snapshot. One that would show nothing
// new is let pass (quiet.go): only its poll status is noted, in r.seen.
func (r *room) receive() tea.Cmd {
	sub, seen := r.sub, r.seen
	if sub == nil {
		return nil
	}
	// Tests that hold the snapshots (park) deliver every one.
	quiet := r.park == nil && r.loaded && len(r.pending) == 0 && len(r.mismatch) == 0 && r.bulk == nil
	prev, now, interval := r.shown, r.now, r.interval
	return r.timers.receive(func() tea.Msg {
		for {
			s, ok := <-sub.Updates()
			if !ok {
				return roomSnapMsg{sub: sub, ok: false}
			}
			pass := passable(quiet, seen.load(), now(), interval) && sameRoomOnScreen(prev, s)
			seen.note(s.Poll, pass)
			if !pass {
				return roomSnapMsg{sub: sub, snap: s, ok: true}
			}
		}
	})
}

// unwatch ends the room's watch (the screen is left).
func (r *room) unwatch() {
	if r.sub != nil {
		r.sub.Close()
		r.sub = nil
	}
}

// confirmation is a y/N question before a destructive action.
type confirmation struct {
	question string
	kind     actionKind
	callSID  string
	name     string
	rec      bool // stop the recording rather than an action on a participant
	bulk     *bulkPlan
}

func newRoom(deps roomDeps, conf model.Conference) room {
	return room{
		roomDeps: deps,
		conf:     conf,
		byID:     map[string]model.Participant{},
		pending:  map[string]pendingAction{},
		marks:    map[string]bool{},
		mismatch: map[string]pendingAction{},
		listing:  newListing(func(p model.Participant) string { return p.CallSID }, newFilterInput(deps.st)),
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

// onSnapshot shows the live state's newest snapshot of the room: the
// roster, how the polls go, the feed (changes the polls and the status
// callbacks saw, and every operator's actions), or that the conference has
// ended; then waits for the next one.
func (r room) onSnapshot(m roomSnapMsg) (room, tea.Cmd) {
	if r.sub == nil || m.sub != r.sub {
		return r, nil // a snapshot for a room that is gone
	}
	if !m.ok {
		r.sub = nil // the live state closed: the console is stopping
		return r, nil
	}
	s := m.snap
	r.shown = s
	// Polls this snapshot is the first to show: a watcher that was slow
	// may have missed the snapshots of some.
	polled := int(s.Poll.Polls - r.polls)
	r.polls = s.Poll.Polls
	if s.Ended {
		r.unwatch()
		return r.ended(s), nil
	}
	r.takeEvents(s)
	r.takeOthers(s.Pending)
	r.eventsLive, r.speech = s.EventsLive, s.Speech
	if s.RecordingKnown {
		r.rec = s.Recording // the live state's: a colleague's pause shows here too
	}
	r.batches = s.Batches
	if s.Poll.Err != nil && polled > 0 {
		r.notePollFailure(r.poll.err, "the participants", s.Poll.Err)
	}
	r.poll.updated, r.poll.nextAt, r.poll.err = s.Poll.Updated, s.Poll.Next, s.Poll.Err
	if s.Poll.Err != nil {
		return r, r.receive()
	}
	if s.Poll.Updated.IsZero() {
		return r, r.receive() // no roster yet: an action's snapshot before the first poll
	}
	if r.loaded && slices.Equal(r.roster, s.Participants) {
		// The commonest snapshot: nothing changed. Nothing to filter or
		// sort; only pending actions count the poll.
		r.reconcilePending(s.Poll.Polls, polled)
		return r, r.receive()
	}
	r.roster = s.Participants
	r.labelW = longestLabel(r.roster)
	r.loaded = true
	clear(r.byID)
	for _, p := range r.roster {
		r.byID[p.CallSID] = p
	}
	r.reconcilePending(s.Poll.Polls, polled)
	r.pruneMarks()
	r.rebuildRows()
	r.refreshTargets()
	return r, r.receive()
}

// takeOthers notes the participant actions other operators have pending.
func (r *room) takeOthers(ps []live.Pending) {
	var others map[string]actionKind
	for _, p := range ps {
		if p.By == r.operator || p.Action.CallSID == "" {
			continue
		}
		if k, ok := kindOfLive(p.Action.Kind); ok {
			if others == nil {
				others = make(map[string]actionKind, len(ps))
			}
			others[p.Action.CallSID] = k
		}
	}
	r.others = others
}

// takeEvents makes the snapshot's events the feed's; a feed scrolled back
// keeps showing the same events while new ones arrive above them.
func (r *room) takeEvents(s live.RoomSnapshot) {
	added := int(s.EventsAdded - r.eventsAdded)
	opened := r.eventsAdded == 0 && !r.loaded // the first snapshot: its events are history
	r.events, r.eventsAdded = s.Events, s.EventsAdded
	// An announcement's end or failure, which a callback reported, is
	// also the flash: whoever sent it is waiting to hear. Only the newest
	// counts; an older one in the same snapshot is in the feed.
	for i := len(s.Events) - 1; !opened && i >= max(len(s.Events)-added, 0); i-- {
		if a := s.Events[i].Announced; a != nil {
			r.setFlash(a.String(), a.Failed)
			if r.announcing[a.CallSID] > 0 {
				r.heard[a.CallSID] = true
			}
			break
		}
	}
	if r.feedSkip > 0 && added > 0 {
		r.feedSkip = r.clampFeedSkip(r.feedSkip + added)
	}
}

// ended says the conference is over (or gone) and asks to go back to the
// list.
func (r room) ended(s live.RoomSnapshot) room {
	r.takeEvents(s)
	name, sid := conferenceName(r.conf), r.conf.SID
	reason := ""
	if s.Record.ReasonEnded != "" {
		reason = " (" + string(s.Record.ReasonEnded) + ")"
	}
	// Anything open over the table goes with the room, unsent.
	dropped := r.form != formNone || r.confirm != nil
	prior := r.flash
	r.out.leave = true
	text := fmt.Sprintf("conference %s has ended%s", name, reason)
	isErr := dropped
	if s.Gone {
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
	related := prior.endedConf != "" && prior.endedConf == sid
	if related {
		text = prior.text + "; " + text
	}
	r.setFlash(text, isErr || related)
	return r
}

// reconcilePending clears the pending marks the polls (n of them since the
// last snapshot shown, polls in all) have confirmed, and gives up on those
// Twilio accepted but the polls keep not showing. Only polls sent after
// an action's request went out count against it: those of a screen that
// drew its last snapshot several polls before say nothing about it.
func (r *room) reconcilePending(polls uint64, n int) {
	if n <= 0 {
		return
	}
	for sid, pa := range r.pending {
		p, present := r.byID[sid]
		switch {
		case !pa.acked:
			// Twilio has not answered yet; the answer decides.
		case !present, pa.satisfiedBy(p):
			delete(r.pending, sid)
			r.outdateWarning(pa, p, present, false)
		default:
			switch {
			case pa.sentBy == 0:
				pa.polls += n
			case polls > pa.sentBy:
				pa.polls = int(polls - pa.sentBy)
			}
			if pa.polls >= pendingPolls {
				delete(r.pending, sid)
				pa.warn = pa.mismatchText(participantName(p))
				r.mismatch[sid] = pa
				r.setFlash(pa.warn, true)
				continue
			}
			r.pending[sid] = pa
		}
	}
	for sid, pa := range r.mismatch {
		if p, present := r.byID[sid]; !present || pa.satisfiedBy(p) {
			delete(r.mismatch, sid)
			r.outdateWarning(pa, p, present, true)
		}
	}
}

// outdateWarning takes down the warning pa put on the flash line, if it is
// still there, once a poll has settled the question: the participant shows
// the action done, or has left.
func (r *room) outdateWarning(pa pendingAction, p model.Participant, present, afterAll bool) {
	if pa.warn == "" || r.flash.text != pa.warn {
		return
	}
	switch {
	case present || pa.kind == actRemove:
		r.setFlash(pa.tookEffectText(pa.name, afterAll), false)
	default:
		r.setFlash(pa.name+" has left the conference", false)
	}
}

// rebuildRows applies the filter and the sort to the roster and keeps the
// selection on the same participant, or on its neighbour when it left.
func (r *room) rebuildRows() {
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
	r.scroll(r.tableHeight())
}

// selectedParticipant is the participant under the cursor.
func (r *room) selectedParticipant() (model.Participant, bool) {
	p, ok := r.byID[r.selected]
	return p, ok && r.selected != ""
}

func (r room) onKey(msg tea.KeyMsg) (room, tea.Cmd) {
	if r.confirm != nil {
		return r.answerConfirm(msg)
	}
	if r.filtering {
		return r.onFilterKey(msg)
	}
	k := r.keys
	if r.move(msg, k, r.tableHeight()) {
		return r, nil
	}
	switch {
	case key.Matches(msg, k.Back) && r.bulk != nil:
		r.cancelBulk()
		return r, nil
	case key.Matches(msg, k.Back) && len(r.marks) > 0:
		clear(r.marks)
		r.setFlash("marks cleared", false)
		return r, nil
	case key.Matches(msg, k.Mark):
		r.toggleMark()
		return r, nil
	case key.Matches(msg, k.InvertMarks):
		r.invertMarks()
		return r, nil
	case key.Matches(msg, k.Back):
		if r.query != "" {
			r.clearFilter()
			r.rebuildRows()
			return r, nil
		}
		r.out.leave = true
		return r, nil
	case key.Matches(msg, k.Refresh):
		r.hub.Refresh(r.conf.SID)
		return r, nil
	case key.Matches(msg, k.Filter):
		return r, r.startFilter()
	case key.Matches(msg, k.Sort):
		r.sortKey = r.sortKey.Next()
		r.rebuildRows()
		r.setFlash("sorted "+sortedBy(r.sortKey.String(), r.sortDesc), false)
	case key.Matches(msg, k.SortReverse):
		r.sortDesc = !r.sortDesc
		r.rebuildRows()
		r.setFlash("sorted "+sortedBy(r.sortKey.String(), r.sortDesc), false)
	case key.Matches(msg, k.Events):
		r.feed = !r.feed
		r.feedSkip = 0
		r.scroll(r.tableHeight())
	case key.Matches(msg, k.FeedOlder, k.FeedNewer):
		if !r.feed {
			r.setFlash("the event feed is closed: "+keyName(k.Events)+" opens it", true)
			return r, nil
		}
		page := r.feedPage()
		if key.Matches(msg, k.FeedNewer) {
			page = -page
		}
		r.feedSkip = r.clampFeedSkip(r.feedSkip + page)
	case key.Matches(msg, k.Mute) && len(r.marks) > 0:
		return r.askBulk(actMute, "")
	case key.Matches(msg, k.Unmute) && len(r.marks) > 0:
		return r.askBulk(actUnmute, "")
	case key.Matches(msg, k.Hold) && len(r.marks) > 0:
		return r.askBulk(actHold, "")
	case key.Matches(msg, k.Resume) && len(r.marks) > 0:
		return r.askBulk(actResume, "")
	case key.Matches(msg, k.Remove) && len(r.marks) > 0:
		return r.askBulk(actRemove, "")
	case key.Matches(msg, k.Mute):
		return r.toggleMute()
	case key.Matches(msg, k.Hold):
		return r.toggleHold()
	case key.Matches(msg, k.Unmute):
		return r.setOne(actUnmute)
	case key.Matches(msg, k.Resume):
		return r.setOne(actResume)
	case key.Matches(msg, k.Undo):
		// The live state undoes the last action Twilio answered: with
		// one of ours still unanswered, that is the one before it.
		for _, p := range r.roster {
			if pa, ok := r.pending[p.CallSID]; ok && !pa.acked && !pa.unsure {
				r.setFlash(fmt.Sprintf("not undone: Twilio has yet to answer %s %s", pa.kind.verb(), participantName(p)), true)
				return r, nil
			}
		}
		// Nor may a change to the conference as a whole be on its way
		// (it cannot be undone; the live state would undo the one before).
		switch {
		case r.undoing:
			r.setFlash("not undone: your last undo has no answer yet", true)
			return r, nil
		case r.recBusy:
			r.setFlash("not undone: Twilio has yet to answer the recording change", true)
			return r, nil
		case r.announcing[""] > 0:
			r.setFlash("not undone: Twilio has yet to answer the announcement to the conference", true)
			return r, nil
		}
		r.setFlash("undoing your last change…", false)
		r.undoing = true
		return r, r.undo()
	case key.Matches(msg, k.Remove):
		return r.askRemove()
	case key.Matches(msg, k.Recording):
		if !r.recordingFree() {
			return r, nil
		}
		return r, recordingCmd(r.scope(), recToggle)
	case key.Matches(msg, k.StopRecording):
		if r.rec != model.RecordingInProgress && r.rec != model.RecordingPaused {
			// The header shows no live recording, yet one may have started
			// since it was asked: ask Twilio before asking the user.
			r.stopAsked = true
			return r, recordingCmd(r.scope(), recFetch)
		}
		r.askStopRecording()
	default:
		if b, off := r.disabledByReadOnly(msg); off {
			r.setFlash(readOnlyRefusal(b), true)
			return r, nil
		}
		return r.formKey(msg)
	}
	return r, nil
}

// disabledByReadOnly finds the binding a key would have been in the key map
// the console was given, when read-only mode took it away, so that the key
// is answered rather than ignored.
func (r *room) disabledByReadOnly(msg tea.KeyMsg) (key.Binding, bool) {
	if !r.opts.ReadOnly {
		return key.Binding{}, false
	}
	full := r.opts.Keys
	for _, b := range full.mutating() {
		if key.Matches(msg, *b) {
			return *b, true
		}
	}
	return key.Binding{}, false
}

// filterKey edits the filter as it is typed: the table narrows live, enter
// keeps the filter, esc drops it.
func (r room) onFilterKey(msg tea.KeyMsg) (room, tea.Cmd) {
	changed, cmd := r.filterKey(msg)
	if changed {
		r.rebuildRows()
	}
	return r, cmd
}

// startAction marks the participant's row pending, or refuses when an
// action for it is already on its way.
func (r *room) startAction(p model.Participant, pa pendingAction) bool {
	if cur, busy := r.pending[p.CallSID]; busy {
		r.setFlash(fmt.Sprintf("still waiting for Twilio to %s %s", cur.kind.verb(), participantName(p)), true)
		return false
	}
	if !p.Status.Live() {
		r.setFlash(participantName(p)+" has already left the conference", true)
		return false
	}
	delete(r.mismatch, p.CallSID) // a new action supersedes the old question
	r.pending[p.CallSID] = pa
	return true
}

func (r room) toggleMute() (room, tea.Cmd) {
	p, ok := r.selectedParticipant()
	if !ok {
		return r, nil
	}
	kind := actMute
	if p.Muted {
		kind = actUnmute
	}
	return r.sendMute(p, kind)
}

// setOne unmutes or resumes the selected participant: an explicit key,
// where m and h toggle.
func (r room) setOne(kind actionKind) (room, tea.Cmd) {
	p, ok := r.selectedParticipant()
	if !ok {
		return r, nil
	}
	if inTargetState(kind, p) {
		r.setFlash(participantName(p)+" is already "+kind.spec().now+"; nothing to send", false)
		return r, nil
	}
	if kind == actHold || kind == actResume {
		return r.sendHold(p, kind)
	}
	return r.sendMute(p, kind)
}

func (r room) sendMute(p model.Participant, kind actionKind) (room, tea.Cmd) {
	if !r.startAction(p, pendingAction{kind: kind}) {
		return r, nil
	}
	u := api.UpdateParticipant{Muted: api.Bool(kind == actMute)}
	return r, updateParticipantCmd(r.scope(), p, participantName(p), kind, u)
}

func (r room) toggleHold() (room, tea.Cmd) {
	p, ok := r.selectedParticipant()
	if !ok {
		return r, nil
	}
	kind := actHold
	if p.Hold {
		kind = actResume
	}
	return r.sendHold(p, kind)
}

func (r room) sendHold(p model.Participant, kind actionKind) (room, tea.Cmd) {
	if !r.startAction(p, pendingAction{kind: kind}) {
		return r, nil
	}
	u := api.UpdateParticipant{Hold: api.Bool(kind == actHold)}
	if kind == actHold && r.opts.HoldURL != "" {
		u.HoldURL = r.opts.HoldURL
	}
	return r, updateParticipantCmd(r.scope(), p, participantName(p), kind, u)
}

func (r room) askRemove() (room, tea.Cmd) {
	p, ok := r.selectedParticipant()
	if !ok {
		return r, nil
	}
	name := participantName(p)
	r.confirm = &confirmation{
		question: fmt.Sprintf("Remove %s (%s) from the call?", name, shortSID(p.CallSID)),
		kind:     actRemove, callSID: p.CallSID, name: name,
	}
	return r, nil
}

// answerConfirm acts on y and treats every other key as no: the safe answer
// is the default.
func (r room) answerConfirm(msg tea.KeyMsg) (room, tea.Cmd) {
	c := r.confirm
	r.confirm = nil
	if !key.Matches(msg, r.keys.Yes) {
		r.setFlash("cancelled", false)
		return r, nil
	}
	if c.rec {
		if !r.recordingFree() {
			return r, nil
		}
		return r, recordingCmd(r.scope(), recStop)
	}
	if c.bulk != nil {
		return r, r.startBulk(c.bulk)
	}
	p, ok := r.byID[c.callSID]
	if !ok {
		r.setFlash(c.name+" has already left the conference", true)
		return r, nil
	}
	if !r.startAction(p, pendingAction{kind: actRemove}) {
		return r, nil
	}
	return r, removeParticipantCmd(r.scope(), p, c.name)
}

func (r room) onAction(m actionMsg) (room, tea.Cmd) {
	r.noteAudit(m.auditErr)
	inRoom := r.conf.SID != "" && m.conference == r.conf.SID
	note := auditNote(m.auditErr)
	outcome := m.outcome
	if outcome == "" {
		outcome = outcomeOf(m.err)
	}
	// An announcement whose end or failure came first keeps that as the
	// flash: "playing" now would be stale news.
	heard := r.answered(m)
	switch outcome {
	case audit.OutcomeOK:
		text := m.kind.done() + " " + m.name
		if m.kind.spec().wholeConference {
			text = m.kind.done()
		}
		if m.err != nil {
			text += " (Twilio accepted it but its reply was unreadable: " + explain(m.err) + "; the next poll shows the result)"
		}
		text += r.undoHint(m.kind)
		if !heard || m.err != nil || m.auditErr != nil {
			r.setFlash(text+note, m.err != nil || m.auditErr != nil)
		}
		r.ackPending(inRoom, m.callSID, pendingAction{name: m.name, sentBy: m.pollsSent})
	case audit.OutcomeUnknown:
		text := unknownText(m) + note
		r.setFlash(text, true)
		r.ackPending(inRoom, m.callSID, pendingAction{unsure: true, answer: errorAnswer(m.err), warn: text, name: m.name, sentBy: m.pollsSent})
	default:
		if inRoom {
			delete(r.pending, m.callSID) // the row rolls back to what Twilio last said
		}
		switch {
		case errors.Is(m.err, live.ErrNotSent):
			why := "its turn to reach Twilio did not come in time (Twilio asked this account to slow down)"
			if errors.Is(m.err, live.ErrClosed) {
				why = "the console was closing"
			}
			r.setFlash(fmt.Sprintf("%s %s was not sent: %s; nothing was changed, try again shortly%s", m.kind.verb(), m.name, why, note), true)
		case errors.Is(m.err, live.ErrBusy):
			// Someone (in this session or another) acts on the same row:
			// their message names who, and what they are waiting for.
			r.setFlash(model.DisplayN(m.err.Error(), 300)+note, true)
		case isNotFound(m.err) && m.callSID != "":
			r.setFlash(m.name+" had already left the conference; nothing was changed"+note, true)
			r.flash.endedConf = m.conference
		case isNotFound(m.err):
			r.setFlash("the conference has already ended"+note, true)
			r.flash.endedConf = m.conference
		case m.callSID != "" || m.kind == actAdd:
			r.setFlash(fmt.Sprintf("%s %s failed: %s%s%s", m.kind.verb(), m.name, explain(m.err), nextStep(m.err), note), true)
		default:
			r.setFlash(fmt.Sprintf("%s failed: %s%s%s", m.kind.verb(), explain(m.err), nextStep(m.err), note), true)
		}
	}
	// The live state polls the room at once after an action it sent, and
	// the snapshot comes to every watcher.
	return r, nil
}

// announced notes an announcement on its way to target (a call SID, ""
// for the whole conference), for answered.
func (r *room) announced(target string) {
	if r.announcing == nil {
		r.announcing, r.heard = map[string]int{}, map[string]bool{}
	}
	r.announcing[target]++
	delete(r.heard, target)
}

// answered takes the answer to an action off the announcements on their
// way, and reports whether a callback already said how that announcement
// went.
func (r *room) answered(m actionMsg) bool {
	if m.kind != actAnnounce && m.kind != actAnnounceAll || r.conf.SID == "" || m.conference != r.conf.SID {
		return false
	}
	target := m.callSID
	if m.kind == actAnnounceAll {
		target = ""
	}
	if r.announcing[target] == 0 {
		return false
	}
	heard := r.heard[target]
	if r.announcing[target]--; r.announcing[target] == 0 {
		delete(r.announcing, target)
		delete(r.heard, target)
	}
	return heard
}

// ackPending marks the participant's pending action as answered, so the
// polls now decide whether it shows; ack carries what the answer said.
func (r *room) ackPending(inRoom bool, callSID string, ack pendingAction) {
	if !inRoom {
		return
	}
	if pa, ok := r.pending[callSID]; ok {
		pa.acked = true
		pa.unsure, pa.answer, pa.warn, pa.name, pa.sentBy = ack.unsure, ack.answer, ack.warn, ack.name, ack.sentBy
		r.pending[callSID] = pa
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

func (r room) onRecording(m recordingMsg) (room, tea.Cmd) {
	r.noteAudit(m.auditErr)
	if r.conf.SID == "" || m.conference != r.conf.SID {
		return r, nil
	}
	if m.op != recFetch {
		r.recBusy = false
	}
	stopAsked := m.op == recFetch && r.stopAsked
	if m.op == recFetch {
		r.stopAsked = false
	}
	switch {
	case m.err != nil && stopAsked:
		r.setFlash("could not check the conference's recording: "+explain(m.err)+"; nothing was stopped", true)
		return r, nil
	case m.err != nil && m.op == recFetch:
		return r, nil // the header just shows no recording state
	case isNotFound(m.err) || errors.Is(m.err, errNoRecording):
		// Twilio's 404 for Twilio.CURRENT: the recording ended or never was.
		r.rec = ""
		r.setFlash(errNoRecording.Error()+"; nothing was changed"+auditNote(m.auditErr), true)
		return r, nil
	case m.err != nil && m.outcome == audit.OutcomeUnknown:
		// The answer does not say whether the change was made: the live
		// state asks Twilio for the state at the poll it starts now, and
		// its snapshot sets the header, on every screen.
		r.setFlash("recording: "+explain(m.err)+": it may have been changed; the header shows the state once Twilio answers"+auditNote(m.auditErr), true)
		return r, nil
	case m.err != nil:
		r.setFlash("recording: "+explain(m.err)+auditNote(m.auditErr), true)
		return r, nil
	}
	r.rec = m.status
	switch {
	case m.op == recToggle, m.op == recStop:
		r.setFlash("recording "+recordingWord(m.status)+auditNote(m.auditErr), m.auditErr != nil)
	case stopAsked && m.status == "":
		r.setFlash(errNoRecording.Error()+"; nothing to stop", true)
	case stopAsked:
		r.askStopRecording()
	}
	return r, nil
}

// askStopRecording asks before stopping the recording: a stopped recording
// cannot be resumed.
func (r *room) askStopRecording() {
	r.confirm = &confirmation{question: "Stop recording this conference? A stopped recording cannot be resumed.", rec: true}
}

// recordingFree marks a recording change as on its way, or says why not.
func (r *room) recordingFree() bool {
	if r.recBusy {
		r.setFlash("still waiting for Twilio to change the recording", true)
		return false
	}
	r.recBusy = true
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
