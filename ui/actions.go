package ui

import (
	"context"
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/live"
	"confconsole/model"
)

// actionKind is one thing the console can ask Twilio to do.
type actionKind int

const (
	actMute actionKind = iota + 1
	actUnmute
	actHold
	actResume
	actCoach
	actStopCoach
	actRemove
	actAnnounce
	actAnnounceAll
	actAdd
	actEnd
)

// actionSpec is everything that differs between two kinds of action, so a
// new kind is one entry in actionSpecs rather than a case in every switch.
type actionSpec struct {
	verb    string // what the action does, for messages ("mute agent-7 failed")
	done    string // what happened once Twilio accepted it
	pending string // what the row shows until a poll confirms it
	// still says the state a participant is still in when a poll does not
	// show the action ("Twilio accepted mute, but agent-7 is still unmuted");
	// mismatch is its short form for the table cell.
	still, mismatch string
	now             string          // the state the action puts a participant in
	audit           audit.Action    // the trail's name for it
	live            live.ActionKind // the live state's kind for it; 0 for those sent directly (add)
	cell            int             // the table column the pending word replaces; noCell for none
	// wholeConference actions name no participant in their done flash.
	wholeConference bool
	// unpolled actions (announcements) leave nothing a poll can show.
	unpolled bool
	// confirmed reports whether a polled participant shows the action's
	// effect; target is the call the action names (the coached agent).
	confirmed func(p model.Participant, target string) bool
}

// noCell is actionSpec.cell for an action no table cell shows.
const noCell = -1

// actionSpecs is the spec of each action kind, indexed by the kind. It is a
// constant table: nothing writes it.
var actionSpecs = [...]actionSpec{
	actMute: {verb: "mute", done: "muted", pending: "muting…", still: "still unmuted", mismatch: "⚠ unmuted", now: "muted",
		live:  live.Mute,
		audit: audit.ActionMute, cell: colMuted,
		confirmed: func(p model.Participant, _ string) bool { return p.Muted }},
	actUnmute: {verb: "unmute", done: "unmuted", pending: "unmuting…", still: "still muted", mismatch: "⚠ muted", now: "unmuted",
		live:  live.Unmute,
		audit: audit.ActionUnmute, cell: colMuted,
		confirmed: func(p model.Participant, _ string) bool { return !p.Muted }},
	actHold: {verb: "hold", done: "put on hold", pending: "holding…", still: "still not on hold", mismatch: "⚠ no hold", now: "on hold",
		live:  live.Hold,
		audit: audit.ActionHold, cell: colHold,
		confirmed: func(p model.Participant, _ string) bool { return p.Hold }},
	actResume: {verb: "resume", done: "resumed", pending: "resuming…", still: "still on hold", mismatch: "⚠ on hold", now: "off hold",
		live:  live.Resume,
		audit: audit.ActionResume, cell: colHold,
		confirmed: func(p model.Participant, _ string) bool { return !p.Hold }},
	actCoach: {verb: "start coaching", done: "now coaching", pending: "coaching…", still: "still not coaching", mismatch: "⚠ not coaching", now: "coaching",
		live:  live.Coach,
		audit: audit.ActionCoach, cell: colCoach,
		confirmed: func(p model.Participant, target string) bool { return p.Coaching && p.CallSIDToCoach == target }},
	actStopCoach: {verb: "stop coaching", done: "stopped coaching", pending: "stopping…", still: "still coaching", mismatch: "⚠ coaching", now: "not coaching",
		live:  live.StopCoach,
		audit: audit.ActionStopCoaching, cell: colCoach,
		confirmed: func(p model.Participant, _ string) bool { return !p.Coaching }},
	actRemove: {verb: "remove", done: "removed", pending: "removing…", still: "still in the conference", mismatch: "⚠ still in", now: "out of the conference",
		live:  live.Remove,
		audit: audit.ActionRemove, cell: colStatus,
		confirmed: func(p model.Participant, _ string) bool { return !p.Status.Live() }},
	actAnnounce: {verb: "announce to", done: "announcement playing to",
		live:  live.Announce,
		audit: audit.ActionAnnounce, unpolled: true},
	actAnnounceAll: {verb: "announce to the conference", done: "announcement playing to the conference",
		live:  live.AnnounceAll,
		audit: audit.ActionAnnounceAll, wholeConference: true, unpolled: true},
	actAdd: {verb: "add", done: "dialling", audit: audit.ActionAdd},
	actEnd: {verb: "end the conference", done: "conference ended",
		live:  live.EndConference,
		audit: audit.ActionEndConference, wholeConference: true},
}

// kindOfLive is the console's kind for the live state's kind k.
func kindOfLive(k live.ActionKind) (actionKind, bool) {
	for i, sp := range actionSpecs {
		if sp.live == k && k != 0 {
			return actionKind(i), true
		}
	}
	return 0, false
}

// spec is k's entry in actionSpecs, with neutral words filled in where the
// entry (or the kind) has none.
func (k actionKind) spec() actionSpec {
	var sp actionSpec
	if k > 0 && int(k) < len(actionSpecs) {
		sp = actionSpecs[k]
	} else {
		sp = actionSpec{verb: "act on", done: "done", cell: noCell,
			audit: audit.Action(fmt.Sprintf("action-%d", int(k)))}
	}
	if sp.confirmed == nil {
		sp.cell = noCell
		sp.pending, sp.still, sp.mismatch, sp.now = "…", "unchanged", "⚠", "changed"
		sp.confirmed = func(model.Participant, string) bool { return true }
	}
	return sp
}

// verb says what the action does, for messages ("mute agent-7 failed").
func (k actionKind) verb() string { return k.spec().verb }

// done says what happened once Twilio accepted the action.
func (k actionKind) done() string { return k.spec().done }

// pendingWord is what a row shows while Twilio has not confirmed the action.
func (k actionKind) pendingWord() string { return k.spec().pending }

// pendingAction is an action sent for one participant and not yet seen in a
// poll. While it exists no other action is sent for that participant, so a
// key pressed twice never sends twice.
type pendingAction struct {
	kind   actionKind
	target string // the agent's call SID, for coaching
	acked  bool   // Twilio answered 2xx; a poll has still to show it
	unsure bool   // Twilio's answer does not say (no answer, or a 5xx): it may not have been done
	answer string // for unsure: the error answer that came, in a few words; "" when none came
	polls  int    // polls since the ack that did not show it
	// sentBy is how many polls of the room the live state had sent when
	// the request went out (live.Hub.PollsSent); only polls numbered above
	// it can show the action. Zero counts every poll after the ack.
	sentBy uint64
	// warn is the flash this action put up that a poll can outdate (its
	// answer was unclear, or the polls did not show it); a poll showing
	// the action done replaces it while it is still on screen.
	warn string
	name string // how the screen calls the participant, once acked
}

// pendingPolls is how many polls after Twilio's 2xx the row may still look
// unchanged before the console stops waiting, shows what Twilio says, and
// marks the row as not matching what Twilio accepted.
const pendingPolls = 2

// stillWord says what state a participant is still in when a poll does not
// show the action: "Twilio accepted mute, but agent-7 is still unmuted".
func (pa pendingAction) stillWord() string { return pa.kind.spec().still }

// mismatchWord is the short form for the table cell.
func (pa pendingAction) mismatchWord() string { return pa.kind.spec().mismatch }

// mismatchText is the full sentence for a row whose polls never showed the
// action.
func (pa pendingAction) mismatchText(name string) string {
	if pa.unsure && pa.answer != "" {
		return fmt.Sprintf("the answer to %s was an error (%s), and %s is %s: it was probably not done; try again", pa.kind.verb(), pa.answer, name, pa.stillWord())
	}
	if pa.unsure {
		return fmt.Sprintf("no answer came to %s, and %s is %s: it was probably not done; try again", pa.kind.verb(), name, pa.stillWord())
	}
	return fmt.Sprintf("Twilio accepted %s, but %s is %s", pa.kind.verb(), name, pa.stillWord())
}

// nowWord is the state the action puts a participant in.
func (pa pendingAction) nowWord() string { return pa.kind.spec().now }

// tookEffectText replaces a warning about the action once a poll shows it
// done: the warning said to try again, and with keys that toggle, trying
// again would undo it.
func (pa pendingAction) tookEffectText(name string, afterAll bool) string {
	s := fmt.Sprintf("%s is now %s: %s took effect", name, pa.nowWord(), pa.kind.verb())
	if afterAll {
		s += " after all"
	}
	return s + "; no need to try again"
}

// satisfiedBy reports whether p shows the action's effect.
func (pa pendingAction) satisfiedBy(p model.Participant) bool {
	return pa.kind.spec().confirmed(p, pa.target)
}

// actionMsg is Twilio's answer to an action.
type actionMsg struct {
	kind       actionKind
	conference string
	callSID    string // empty for conference-wide actions
	name       string // how the participant is called on screen
	err        error
	outcome    audit.Outcome // ok, failed, or unknown when the answer does not say
	auditErr   error         // a record of this action that did not reach the file
	// pollsSent is how many polls of the conference the live state had
	// sent when the request went out (see pendingAction.sentBy).
	pollsSent uint64
}

// recOp is what a recording command does.
type recOp int

const (
	recFetch  recOp = iota // learn the recording's state, for the header
	recToggle              // pause a running recording, resume a paused one
	recStop
)

// recordingMsg reports the conference recording's state after recOp.
type recordingMsg struct {
	op         recOp
	conference string
	status     model.RecordingStatus // "" when there is no current recording
	err        error
	outcome    audit.Outcome // of the change, once it was sent; "" when it was not
	auditErr   error         // a record of this change that did not reach the file
}

// errNoRecording says there is nothing to pause or resume.
var errNoRecording = errors.New("this conference has no recording in progress or paused")

// recordingKind is the live state's action setting the recording to status.
func recordingKind(status string) live.ActionKind {
	switch model.RecordingStatus(status) {
	case model.RecordingPaused:
		return live.PauseRecording
	case model.RecordingInProgress:
		return live.ResumeRecording
	}
	return live.StopRecording
}

// recordingCmd fetches, toggles or stops the conference recording, naming it
// Twilio.CURRENT as Twilio allows rather than by SID.
func recordingCmd(sc auditScope, op recOp) tea.Cmd {
	conference := sc.conferenceSID
	done := func() {}
	if op != recFetch {
		done = sc.flights.reserve() // a change is an action: quitting waits for it
	}
	return func() tea.Msg {
		defer done()
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		msg := recordingMsg{op: op, conference: conference}
		var want string
		switch op {
		case recStop:
			want = string(model.RecordingStopped)
		default:
			status, err := sc.hub.CheckRecording(ctx, conference) // every screen on it shows the answer
			if err != nil {
				msg.err = err
				return msg
			}
			msg.status = status
			if op == recFetch {
				return msg
			}
			switch msg.status {
			case model.RecordingInProgress:
				want = string(model.RecordingPaused)
			case model.RecordingPaused:
				want = string(model.RecordingInProgress)
			default:
				msg.err = errNoRecording
				return msg
			}
		}
		u := api.RecordingUpdate{Status: want}
		res := sendAudited(ctx, sc, audit.Entry{Action: recordingAction(want), Params: audit.FormParams(formOf(u.Form))},
			func(ctx context.Context) (string, error) {
				return sc.submit(ctx, live.Action{Kind: recordingKind(want)})
			})
		err := res.err
		msg.auditErr, msg.outcome = res.auditErr, res.outcome
		if err != nil {
			msg.err = err
			return msg
		}
		msg.status = model.RecordingStatus(want) // what Twilio accepted
		return msg
	}
}
