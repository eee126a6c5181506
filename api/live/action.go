package live

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"confconsole/api"
	"confconsole/model"
)

// ActionKind is one change an operator can ask of a conference.
type ActionKind int

// The actions the live state applies.
const (
	Mute ActionKind = iota + 1
	Unmute
	Hold
	Resume
	Coach     // the participant starts coaching Action.CoachCallSID
	StopCoach // the participant stops coaching
	Announce  // play Action.URL to the participant
	Remove    // hang the participant up
	AnnounceAll
	EndConference
	PauseRecording  // pause the conference's recording in progress
	ResumeRecording // resume its paused recording
	StopRecording   // stop its recording for good
	AddParticipant  // dial Action.To into the conference (see Hub.Add)
)

// actionSpec is everything that differs between kinds, in one table rather
// than a switch per question. In try and done, {who} stands for the
// participant and {coach} for whom it coaches.
type actionSpec struct {
	name        string // the kind's name, for logs and audit records
	try         string // what was tried, as a failure says it: "mute {who}"
	done        string // what was done, after the operator's name: "muted {who}"
	participant bool   // acts on one participant, and waits behind that participant's other action
	needsURL    bool
	needsCoach  bool
	needsTo     bool
	apply       func(ctx context.Context, svc Service, conf string, a Action) error
	// shows reports whether a poll's participant (present false: not
	// listed) shows the action done; nil for actions no poll can see.
	shows func(p model.Participant, present bool, a Action) bool
	still string // how a participant looks when the polls do not show it: "still unmuted"
}

// setParticipant applies an action that is one UpdateParticipant request.
func setParticipant(u func(a Action) api.UpdateParticipant) func(context.Context, Service, string, Action) error {
	return func(ctx context.Context, svc Service, conf string, a Action) error {
		_, err := svc.UpdateParticipant(ctx, conf, a.CallSID, u(a))
		return err
	}
}

// setConference applies an action that is one UpdateConference request.
func setConference(u func(a Action) api.ConferenceUpdate) func(context.Context, Service, string, Action) error {
	return func(ctx context.Context, svc Service, conf string, a Action) error {
		_, err := svc.UpdateConference(ctx, conf, u(a))
		return err
	}
}

// setRecording applies an action that sets the conference's current
// recording (Twilio.CURRENT) to status.
func setRecording(status model.RecordingStatus) func(context.Context, Service, string, Action) error {
	return func(ctx context.Context, svc Service, conf string, _ Action) error {
		_, err := svc.UpdateRecording(ctx, conf, api.CurrentRecording, api.RecordingUpdate{Status: string(status)})
		return err
	}
}

// spec returns the kind's row of the table; ok is false for an unknown kind.
func (k ActionKind) spec() (actionSpec, bool) {
	switch k {
	case Mute:
		return actionSpec{still: "still unmuted",
			shows: func(p model.Participant, _ bool, _ Action) bool { return p.Muted },
			name:  "mute", try: "mute {who}", done: "muted {who}", participant: true,
			apply: setParticipant(func(Action) api.UpdateParticipant { return api.UpdateParticipant{Muted: api.Bool(true)} })}, true
	case Unmute:
		return actionSpec{still: "still muted",
			shows: func(p model.Participant, _ bool, _ Action) bool { return !p.Muted },
			name:  "unmute", try: "unmute {who}", done: "unmuted {who}", participant: true,
			apply: setParticipant(func(Action) api.UpdateParticipant { return api.UpdateParticipant{Muted: api.Bool(false)} })}, true
	case Hold:
		return actionSpec{still: "still not on hold",
			shows: func(p model.Participant, _ bool, _ Action) bool { return p.Hold },
			name:  "hold", try: "put {who} on hold", done: "put {who} on hold", participant: true,
			apply: setParticipant(func(a Action) api.UpdateParticipant {
				return api.UpdateParticipant{Hold: api.Bool(true), HoldURL: a.URL}
			})}, true
	case Resume:
		return actionSpec{still: "still on hold",
			shows: func(p model.Participant, _ bool, _ Action) bool { return !p.Hold },
			name:  "resume", try: "take {who} off hold", done: "took {who} off hold", participant: true,
			apply: setParticipant(func(Action) api.UpdateParticipant { return api.UpdateParticipant{Hold: api.Bool(false)} })}, true
	case Coach:
		return actionSpec{still: "still not coaching",
			shows: func(p model.Participant, _ bool, a Action) bool {
				return p.Coaching && p.CallSIDToCoach == a.CoachCallSID
			},
			name: "coach", try: "have {who} coach {coach}", done: "had {who} coach {coach}", participant: true, needsCoach: true,
			apply: setParticipant(func(a Action) api.UpdateParticipant {
				return api.UpdateParticipant{Coaching: api.Bool(true), CallSIDToCoach: a.CoachCallSID}
			})}, true
	case StopCoach:
		return actionSpec{still: "still coaching",
			shows: func(p model.Participant, _ bool, _ Action) bool { return !p.Coaching },
			name:  "stop coaching", try: "stop {who} coaching", done: "stopped {who} coaching", participant: true,
			apply: setParticipant(func(Action) api.UpdateParticipant { return api.UpdateParticipant{Coaching: api.Bool(false)} })}, true
	case Announce:
		return actionSpec{name: "announce", try: "play an announcement to {who}", done: "played an announcement to {who}", participant: true, needsURL: true,
			apply: setParticipant(func(a Action) api.UpdateParticipant { return api.UpdateParticipant{AnnounceURL: a.URL} })}, true
	case Remove:
		return actionSpec{still: "still in the conference",
			shows: func(p model.Participant, present bool, _ Action) bool { return !present || !p.Status.Live() },
			name:  "remove", try: "remove {who}", done: "removed {who}", participant: true,
			apply: func(ctx context.Context, svc Service, conf string, a Action) error {
				return svc.DeleteParticipant(ctx, conf, a.CallSID)
			}}, true
	case AnnounceAll:
		return actionSpec{name: "announce to all", try: "play an announcement to the conference", done: "played an announcement to the conference", needsURL: true,
			apply: setConference(func(a Action) api.ConferenceUpdate { return api.ConferenceUpdate{AnnounceURL: a.URL} })}, true
	case EndConference:
		return actionSpec{name: "end conference", try: "end the conference", done: "ended the conference",
			apply: setConference(func(Action) api.ConferenceUpdate {
				return api.ConferenceUpdate{Status: string(model.ConferenceCompleted)}
			})}, true
	case PauseRecording:
		return actionSpec{name: "pause recording", try: "pause the recording", done: "paused the recording",
			apply: setRecording(model.RecordingPaused)}, true
	case ResumeRecording:
		return actionSpec{name: "resume recording", try: "resume the recording", done: "resumed the recording",
			apply: setRecording(model.RecordingInProgress)}, true
	case StopRecording:
		return actionSpec{name: "stop recording", try: "stop the recording", done: "stopped the recording",
			apply: setRecording(model.RecordingStopped)}, true
	case AddParticipant:
		// Sent by Hub.Add, which keeps the participant Twilio created.
		return actionSpec{name: "add participant", try: "add {who}", done: "added {who}", needsTo: true}, true
	}
	return actionSpec{}, false
}

// isRecording reports whether k changes the conference's recording.
func (k ActionKind) isRecording() bool {
	return k == PauseRecording || k == ResumeRecording || k == StopRecording
}

// String names the kind ("mute", "hold", "end conference").
func (k ActionKind) String() string {
	if s, ok := k.spec(); ok {
		return s.name
	}
	return fmt.Sprintf("action(%d)", int(k))
}

// Action is one change submitted to the live state.
type Action struct {
	Kind ActionKind
	// CallSID is the participant acted on; empty for the conference-wide
	// kinds (AnnounceAll, EndConference).
	CallSID string
	// Label is the participant's name on screen, for events and errors;
	// the call SID is used when it is empty.
	Label string
	// URL is the announcement for Announce and AnnounceAll, and what the
	// caller hears for Hold (empty: Twilio's hold music).
	URL string
	// CoachCallSID is whom the participant coaches, for Coach;
	// CoachLabel names it.
	CoachCallSID, CoachLabel string
	// To is the number or client dialled, for AddParticipant.
	To string
}

// target is what the action is queued behind: its participant, the number
// an add dials, or the conference itself for the conference-wide kinds.
func (a Action) target() string {
	if a.Kind == AddParticipant {
		return "add " + a.To
	}
	return a.CallSID
}

// fill puts the action's names into one of its spec's phrases.
func (a Action) fill(phrase string) string {
	who := "the conference"
	switch {
	case a.Label != "":
		who = model.InertN(a.Label, 64)
	case a.CallSID != "":
		who = a.CallSID
	case a.To != "":
		who = model.InertN(a.To, 64)
	}
	coach := a.CoachCallSID
	if a.CoachLabel != "" {
		coach = model.InertN(a.CoachLabel, 64)
	}
	return strings.NewReplacer("{who}", who, "{coach}", coach).Replace(phrase)
}

// describe says what by did, as an event reads: "alice muted customer-7".
func (a Action) describe(by Operator) string {
	s, _ := a.Kind.spec()
	return by.String() + " " + a.fill(s.done)
}

// attempt says what was tried, as a failure reads: "mute customer-7".
func (a Action) attempt() string {
	s, ok := a.Kind.spec()
	if !ok {
		return a.Kind.String()
	}
	return a.fill(s.try)
}

// check refuses an action that cannot be sent, saying what to fix.
func (a Action) check() error {
	s, ok := a.Kind.spec()
	switch {
	case !ok:
		return fmt.Errorf("%w: unknown action kind %d", ErrInvalidAction, int(a.Kind))
	case s.participant && a.CallSID == "":
		return fmt.Errorf("%w: %s needs a participant's call SID", ErrInvalidAction, a.Kind)
	case !s.participant && a.CallSID != "":
		return fmt.Errorf("%w: %s acts on the whole conference; leave the call SID empty", ErrInvalidAction, a.attempt())
	case s.needsURL && a.URL == "":
		return fmt.Errorf("%w: %s needs the URL of an announcement", ErrInvalidAction, a.attempt())
	case s.needsCoach && a.CoachCallSID == "":
		return fmt.Errorf("%w: %s needs the call SID of the participant to coach", ErrInvalidAction, a.Kind)
	case s.needsTo && a.To == "":
		return fmt.Errorf("%w: %s needs the number to dial", ErrInvalidAction, a.Kind)
	}
	return nil
}

// ErrInvalidAction is matched (errors.Is) by an action refused before
// anything was sent because it is incomplete.
var ErrInvalidAction = errors.New("invalid action")

// ErrBusy is matched (errors.Is) by a BusyError.
var ErrBusy = errors.New("another action is pending")

// BusyError refuses an action because another operator's (or the same
// operator's) action on the same participant has not finished: actions on
// one participant are applied one at a time, whoever sends them.
type BusyError struct {
	Tried   Action
	Pending Pending
}

// Error names who has what pending: "cannot put customer-7 on hold: alice
// is still waiting to mute customer-7; try again when that has finished".
func (e *BusyError) Error() string {
	return fmt.Sprintf("cannot %s: %s is still waiting to %s; try again when that has finished",
		e.Tried.attempt(), e.Pending.By, e.Pending.Action.attempt())
}

// Is matches ErrBusy.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }
