package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api/audit"
	"confconsole/api/live"
	"confconsole/model"
)

// Marks (the k9s convention): space marks the selected participant, *
// inverts the marks over the rows the filter shows, esc clears them. Marks
// are kept by call SID, so they follow a participant through filter and
// sort changes and vanish when the participant leaves. With marks, the
// action keys apply to every marked participant as one bulk action, sent
// through the live state's queue.

// toggleMark marks or unmarks the selected participant.
func (r *room) toggleMark() {
	p, ok := r.selectedParticipant()
	if !ok {
		return
	}
	if r.marks[p.CallSID] {
		delete(r.marks, p.CallSID)
		return
	}
	if !p.Status.Live() {
		r.setFlash(participantName(p)+" has left the conference: there is nothing to mark", true)
		return
	}
	r.marks[p.CallSID] = true
}

// invertMarks inverts the marks over the visible rows: rows the filter
// hides keep theirs.
func (r *room) invertMarks() {
	for _, p := range r.rows {
		switch {
		case r.marks[p.CallSID]:
			delete(r.marks, p.CallSID)
		case p.Status.Live():
			r.marks[p.CallSID] = true
		}
	}
}

// pruneMarks drops the marks of participants who have left.
func (r *room) pruneMarks() {
	for sid := range r.marks {
		if p, ok := r.byID[sid]; !ok || !p.Status.Live() {
			delete(r.marks, sid)
		}
	}
}

// marked is the marked participants in roster order.
func (r *room) marked() []model.Participant {
	if len(r.marks) == 0 {
		return nil
	}
	out := make([]model.Participant, 0, len(r.marks))
	for _, p := range r.roster {
		if r.marks[p.CallSID] {
			out = append(out, p)
		}
	}
	return out
}

// hidden counts the participants of ps the filter hides.
func (r *room) hidden(ps []model.Participant) int {
	if r.query == "" {
		return 0
	}
	shown := make(map[string]bool, len(r.rows))
	for _, p := range r.rows {
		shown[p.CallSID] = true
	}
	n := 0
	for _, p := range ps {
		if !shown[p.CallSID] {
			n++
		}
	}
	return n
}

// bulkKinds are the actions that can be applied to the marks.
func bulkable(k actionKind) bool {
	switch k {
	case actMute, actUnmute, actHold, actResume, actRemove, actAnnounce:
		return true
	}
	return false
}

// inTargetState reports whether p is already in the state k puts a
// participant in (never for remove and announce).
func inTargetState(k actionKind, p model.Participant) bool {
	switch k {
	case actMute, actUnmute, actHold, actResume:
		return k.spec().confirmed(p, "")
	}
	return false
}

// bulkPlan is a bulk action asked for and not yet confirmed.
type bulkPlan struct {
	kind    actionKind
	targets []live.Target
	already int    // marked participants already in the target state: not sent
	url     string // for announce
}

// askBulk asks before applying kind to every marked participant.
func (r room) askBulk(kind actionKind, url string) (room, tea.Cmd) {
	return r.askBulkOver(kind, url, r.marked(), "marked participants")
}

// askBulkOver asks before applying kind to ps, naming how many, how many
// of them the filter hides, and how many are already in the target state.
func (r room) askBulkOver(kind actionKind, url string, ps []model.Participant, noun string) (room, tea.Cmd) {
	if r.bulk != nil {
		r.setFlash(fmt.Sprintf("the bulk %s is still running: wait for it, or press %s to cancel it", r.bulk.kind.verb(), keyName(r.keys.Back)), true)
		return r, nil
	}
	plan := &bulkPlan{kind: kind, url: url}
	for _, p := range ps {
		if inTargetState(kind, p) {
			plan.already++
			continue
		}
		plan.targets = append(plan.targets, live.Target{CallSID: p.CallSID, Label: p.Label})
	}
	if len(plan.targets) == 0 {
		if len(ps) == 0 {
			r.setFlash("nobody to "+kind.verb()+"; nothing to send", false)
			return r, nil
		}
		r.setFlash(fmt.Sprintf("all %s already %s; nothing to send", count(len(ps), noun), kind.spec().now), false)
		return r, nil
	}
	verb := kind.verb()
	q := fmt.Sprintf("%s %s?", strings.ToUpper(verb[:1])+verb[1:], count(len(ps), noun))
	var notes []string
	if n := r.hidden(ps); n > 0 {
		notes = append(notes, fmt.Sprintf("%d hidden by the filter", n))
	}
	if plan.already > 0 {
		notes = append(notes, fmt.Sprintf("%d already %s, skipped", plan.already, kind.spec().now))
	}
	if len(notes) > 0 {
		q += " (" + strings.Join(notes, "; ") + ")"
	}
	r.confirm = &confirmation{question: q, kind: kind, bulk: plan}
	return r, nil
}

// count says "37 marked participants", "1 marked participant".
func count(n int, noun string) string {
	if n == 1 {
		noun = strings.TrimSuffix(noun, "s")
	}
	return fmt.Sprintf("%d %s", n, noun)
}

// bulkRun is the bulk action of this room on its way: the header shows its
// progress and esc cancels what it has not sent.
type bulkRun struct {
	id        string
	kind      actionKind
	total     int
	processed int
	already   int // skipped by the console before it started
}

// batchFeedSize bounds the results waiting for the screen; a result that
// finds it full is dropped from the progress count only (the summary comes
// from the live state). The screen takes a result in well under a
// millisecond, while the live state sends a few requests at a time: 64
// never fill in practice, and every session holds this buffer from its
// start (a thousand results would be a quarter of a megabyte each).
const batchFeedSize = 64

// batchEvent is one participant's result, as the screen hears of it.
type batchEvent struct {
	res      live.BatchResult
	auditErr error
}

// startBulk starts the planned bulk action through the live state and
// clears the marks (as k9s does once an action has been applied to them).
func (r *room) startBulk(plan *bulkPlan) tea.Cmd {
	sc := r.scope()
	id, err := r.hub.StartBatch(r.operator, r.conf.SID, live.BatchRequest{
		Kind: plan.kind.spec().live, Targets: plan.targets, URL: plan.url,
		OnResult: batchAuditor(sc, r.batchFeed),
	})
	if err != nil {
		r.setFlash(fmt.Sprintf("bulk %s was not started: %s; nothing was sent", plan.kind.verb(), explain(err)), true)
		return nil
	}
	clear(r.marks)
	r.bulk = &bulkRun{id: id, kind: plan.kind, total: len(plan.targets), already: plan.already}
	return tea.Batch(listenBatch(r.batchFeed), waitBatch(r.hub, id, plan.kind, plan.already))
}

// batchAuditor writes each participant's result of a bulk action on its
// own audit line, with the batch's ID, and tells the screen. It runs on the
// live state's goroutines, so it only reads what it captured.
func batchAuditor(sc auditScope, feed chan<- batchEvent) func(live.BatchResult) {
	return func(res live.BatchResult) {
		ctx := context.Background()
		if sc.actor != nil {
			ctx = audit.WithActor(ctx, *sc.actor)
		}
		e := audit.Entry{
			AccountSID: sc.account, ConferenceSID: res.Conference, ConferenceName: sc.conferenceName,
			CallSID: res.Action.CallSID, Label: res.Action.Label,
			Action: liveAuditAction(res.Action.Kind), Batch: res.Batch,
		}
		switch res.Outcome {
		case live.ItemDone:
			e.Outcome = audit.OutcomeOK
		case live.ItemUnclear:
			e.Outcome = audit.OutcomeUnknown
		case live.ItemFailed:
			e.Outcome = audit.OutcomeFailed
		case live.ItemCancelled:
			e.Outcome = audit.OutcomeCancelled
		default:
			e.Outcome = audit.OutcomeSkipped
			e.Error = res.Outcome.String()
		}
		if res.Err != nil && e.Outcome != audit.OutcomeSkipped {
			e.Error = model.DisplayN(res.Err.Error(), 200)
		}
		_, err := sc.log.Record(ctx, e)
		select {
		case feed <- batchEvent{res: res, auditErr: err}:
		default: // the screen is behind: only its progress count misses this one
		}
	}
}

// liveAuditAction is the trail's name for a live action kind.
func liveAuditAction(k live.ActionKind) audit.Action {
	for kind := actMute; kind <= actEnd; kind++ {
		if sp := kind.spec(); sp.live == k && sp.live != 0 {
			return sp.audit
		}
	}
	return audit.Action(k.String())
}

// batchEventMsg is a participant's result of a bulk action; batchIdleMsg
// says none came for a while (the listener comes back so that it never
// outlives the console).
type (
	batchEventMsg struct{ ev batchEvent }
	batchIdleMsg  struct{}
	// batchDoneMsg is a bulk action's final count.
	batchDoneMsg struct {
		id      string
		kind    actionKind
		already int
		prog    live.BatchProgress
		err     error
	}
)

// listenBatch waits for the next result of a bulk action, or a second.
func listenBatch(feed <-chan batchEvent) tea.Cmd {
	return func() tea.Msg {
		t := time.NewTimer(time.Second)
		defer t.Stop()
		select {
		case ev := <-feed:
			return batchEventMsg{ev: ev}
		case <-t.C:
			return batchIdleMsg{}
		}
	}
}

// waitBatch waits for the bulk action to finish, for its summary.
func waitBatch(hub *live.Hub, id string, kind actionKind, already int) tea.Cmd {
	return func() tea.Msg {
		prog, err := hub.WaitBatch(context.Background(), id)
		return batchDoneMsg{id: id, kind: kind, already: already, prog: prog, err: err}
	}
}

// onBatchEvent counts a result towards the header's progress.
func (r room) onBatchEvent(m batchEventMsg) (room, tea.Cmd) {
	if m.ev.auditErr != nil {
		r.noteAudit(m.ev.auditErr)
	} else {
		r.out.logChanged = true
	}
	if r.bulk == nil {
		return r, nil
	}
	if m.ev.res.Batch == r.bulk.id {
		r.bulk.processed++
	}
	return r, r.listenMore()
}

// listenMore listens for the next result while the bulk action has some
// to come; its end is waitBatch's to tell.
func (r *room) listenMore() tea.Cmd {
	if r.bulk == nil || r.bulk.processed >= r.bulk.total {
		return nil
	}
	return listenBatch(r.batchFeed)
}

// onBatchDone shows the summary of a finished bulk action.
func (r room) onBatchDone(m batchDoneMsg) (room, tea.Cmd) {
	if r.bulk != nil && r.bulk.id == m.id {
		r.bulk = nil
	}
	if m.err != nil {
		r.setFlash(fmt.Sprintf("bulk %s: %s", m.kind.verb(), explain(m.err)), true)
		return r, nil
	}
	text := m.prog.Summary()
	if m.already > 0 {
		text += fmt.Sprintf(" · %d already %s", m.already, m.kind.spec().now)
	}
	switch {
	case m.prog.Done == 0:
	case reversible(m.kind):
		text += " · " + keyName(r.keys.Undo) + " to undo"
	default:
		text += " · this cannot be undone"
	}
	r.setFlash(text, len(m.prog.Failed) > 0)
	return r, nil // the live state polls the room after the actions it sent
}

// bulkProgress is what the header says of this room's bulk action on its
// way: "muting 12/37", as the live state's snapshots count it (or as the
// results that reached the screen do, until a snapshot shows it); "" when
// none is.
func (r *room) bulkProgress() string {
	if r.bulk == nil {
		return ""
	}
	for _, b := range r.batches {
		if b.ID == r.bulk.id && !b.Finished {
			return b.Progress()
		}
	}
	b := live.BatchProgress{Kind: r.bulk.kind.spec().live, Total: r.bulk.total, Done: r.bulk.processed}
	return b.Progress()
}

// cancelBulk stops the bulk action from sending what it has not sent.
func (r *room) cancelBulk() {
	if err := r.hub.Cancel(r.bulk.id); err != nil {
		r.setFlash("could not cancel: "+explain(err), true)
		return
	}
	r.setFlash(fmt.Sprintf("cancelling the bulk %s: what was not sent will not be", r.bulk.kind.verb()), false)
}

// reversible reports whether Undo can take back an action of kind k.
func reversible(k actionKind) bool {
	switch k {
	case actMute, actUnmute, actHold, actResume, actCoach, actStopCoach:
		return true
	}
	return false
}

// undoMsg is what Undo did, or why it did nothing.
type undoMsg struct {
	conference string
	done       live.Undone
	err        error
	audited    bool          // a line went to the trail
	outcome    audit.Outcome // the line's, when audited
	auditErr   error
}

// undo asks the live state to undo this operator's last reversible action
// or bulk action. A single action's inverse is audited on one line once
// Twilio has answered (a bulk one's lines come from its batch).
func (r *room) undo() tea.Cmd {
	sc := r.scope()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		u, err := sc.hub.UndoIn(ctx, sc.operator, sc.conferenceSID)
		m := undoMsg{conference: sc.conferenceSID, done: u, err: err}
		if u.Batch == "" && u.Action.Kind != 0 {
			actx := context.Background()
			if sc.actor != nil {
				actx = audit.WithActor(actx, *sc.actor)
			}
			out := outcomeOf(err)
			if errors.Is(err, live.ErrBusy) || errors.Is(err, live.ErrNotSent) {
				out = audit.OutcomeFailed
			}
			e := audit.Entry{
				AccountSID: sc.account, ConferenceSID: sc.conferenceSID, ConferenceName: sc.conferenceName,
				CallSID: u.Action.CallSID, Label: u.Action.Label, Action: liveAuditAction(u.Kind), Outcome: out,
			}
			if err != nil {
				e.Error = model.DisplayN(err.Error(), 200)
			}
			_, m.auditErr = sc.log.Record(actx, e)
			m.audited, m.outcome = true, out
		}
		return m
	}
}

// onUndo says what was undone, or why nothing was, and follows an undone
// bulk action's progress like any other.
func (r room) onUndo(m undoMsg) (room, tea.Cmd) {
	r.undoing = false
	if m.audited {
		r.noteAudit(m.auditErr)
	}
	if m.err != nil && m.audited && m.outcome == audit.OutcomeUnknown {
		// The inverse left and its answer does not say whether it was
		// made: it may well be undone, and u has nothing left to undo.
		a := m.done.Action
		r.setFlash("undo: "+unknownText(actionMsg{kind: uiKind(m.done.Kind), name: participantName(model.Participant{CallSID: a.CallSID, Label: a.Label}), err: m.err}), true)
		return r, nil
	}
	if m.err != nil {
		r.setFlash("nothing undone: "+model.DisplayN(m.err.Error(), 200), true)
		return r, nil
	}
	if m.done.Batch == "" {
		// A single inverse comes back answered: it is done, not under way.
		r.setFlash("undone: "+model.DisplayN(m.done.What, 120), false)
		return r, nil // the live state polls the room after the action it sent
	}
	r.setFlash("undoing: "+model.DisplayN(m.done.What, 120), false)
	if r.conf.SID != m.conference || r.bulk != nil {
		return r, nil // the live state polls the room after the action it sent
	}
	kind := uiKind(m.done.Kind)
	total := 0
	fmt.Sscanf(m.done.What[strings.LastIndex(m.done.What, " of ")+len(" of "):], "%d", &total)
	r.bulk = &bulkRun{id: m.done.Batch, kind: kind, total: total}
	return r, tea.Batch(listenBatch(r.batchFeed), waitBatch(r.hub, m.done.Batch, kind, 0))
}

// uiKind is the screen's kind of a reversible live action (unmute when
// none matches).
func uiKind(lk live.ActionKind) actionKind {
	kind := actUnmute
	for k := actMute; k <= actEnd; k++ {
		if k.spec().live == lk {
			kind = k
		}
	}
	return kind
}

// undoHint is what the flash adds after an action Twilio accepted: that u
// takes it back, or that nothing can.
func (r *room) undoHint(k actionKind) string {
	switch {
	case reversible(k) && r.keys.Undo.Enabled():
		return " · " + keyName(r.keys.Undo) + " to undo"
	case k == actRemove, k == actAnnounce, k == actAnnounceAll, k == actEnd:
		return " · this cannot be undone"
	}
	return ""
}
