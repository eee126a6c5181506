package live

import (
	"time"

	"confconsole/model"
)

// RoomSnapshot is one conference's live state at one moment. Snapshots are
// immutable and shared by every watcher: read them, never modify their
// slices.
type RoomSnapshot struct {
	// Conference is the conference SID watched.
	Conference string
	// Version grows by one with each snapshot of this room, so a screen
	// can tell a new state from one it has drawn.
	Version uint64
	// Participants are in display order (model.Merge): a join is appended,
	// and no poll reorders those already listed.
	Participants []model.Participant
	// Pending are the actions sent and not yet answered, oldest first.
	Pending []Pending
	// Poll says how the polling goes: when it last succeeded, its last
	// error.
	Poll PollStatus
	// Events are the newest changes and actions, oldest first, at most
	// Options.EventCapacity of them.
	Events []Event
	// EventsAdded counts every event the room has had, so a watcher can
	// tell how many of Events are new since a snapshot it drew, even once
	// the oldest have been dropped.
	EventsAdded uint64
	// Ended is set once a poll found the conference completed (or gone);
	// the room is then no longer polled.
	Ended bool
	// Gone is set with Ended when Twilio no longer knows the conference at
	// all (deleted, or a server that restarted) rather than saying it
	// completed.
	Gone bool
	// Record is the conference as Twilio last described it (its friendly
	// name, and once it ended its status and ReasonEnded); zero until a
	// poll has had to fetch it, which happens when the roster comes back
	// empty.
	Record model.Conference
	// EventsLive says status callbacks are arriving for this conference
	// (the header's "events live"); false is polling only.
	EventsLive bool
	// Speech says, by call SID, who is talking and when each participant
	// last spoke, from the speech callbacks; nil before any. Speaking
	// changes publish a snapshot but do not change Participants.
	Speech map[string]Speech
	// Batches are the bulk actions on this conference, running or
	// finished, at most one per operator (the latest), oldest first.
	Batches []BatchProgress
	// Recording is the status of the conference's live recording
	// (in-progress or paused), "" when none is; RecordingKnown is false
	// until Twilio has been asked (Options.RecordingCheck).
	Recording      model.RecordingStatus
	RecordingKnown bool
}

// PendingOn returns the action pending on the participant with this call
// SID, if there is one (a screen marks the row); PendingOn("") is the
// conference-wide action pending, if any.
func (s RoomSnapshot) PendingOn(callSID string) (Pending, bool) {
	for _, p := range s.Pending {
		if p.Action.target() == callSID {
			return p, true
		}
	}
	return Pending{}, false
}

// ConferenceList is the account's in-progress conferences at one moment;
// immutable and shared like a RoomSnapshot.
type ConferenceList struct {
	Version     uint64
	Conferences []model.Conference // as Twilio lists them
	Poll        PollStatus
}

// PollStatus says how a poller is doing.
type PollStatus struct {
	// Updated is when the last successful poll returned; zero before the
	// first.
	Updated time.Time
	// Err is the last poll's error; nil after a success. The last good
	// state stays in the snapshot.
	Err error
	// Failures counts the polls that failed in a row.
	Failures int
	// Polls counts the polls finished, good or bad, so a watcher can tell
	// a snapshot a poll made from one an action or a callback made.
	Polls uint64
	// Next is when the next poll is due, to say "retrying in 8s".
	Next time.Time
}

// Age is how old the shown state is at now ("updated 3s ago"); zero before
// the first good poll.
func (s PollStatus) Age(now time.Time) time.Duration {
	if s.Updated.IsZero() {
		return 0
	}
	return now.Sub(s.Updated)
}

// Pending is an action on its way: sent and not answered yet, or answered
// and not yet shown by a poll (Answered).
type Pending struct {
	By     Operator
	Action Action
	Since  time.Time
	// Answered is set once Twilio has answered with Outcome Done (or an
	// answer that did not say: Unclear). The action stays pending until a
	// poll shows it done, or ConfirmPolls polls have not, so a participant
	// never gets a second action on a state the screens have not caught
	// up with.
	Answered bool
	Outcome  Outcome
	polls    int // good polls since the answer that did not show it
}

// ConfirmPolls is how many polls after Twilio's answer may still not show
// an action before the live state stops waiting for it and says so.
const ConfirmPolls = 2

// Event is one line of a room's feed: a change a poll saw (Change), or an
// action an operator took (By and Action) and how it ended (Err).
type Event struct {
	At time.Time
	// Change is what a poll saw change (model.Diff); its Kind is zero for
	// an operator's action.
	Change model.Event
	// By and Action are who did what, for an action, and Outcome what
	// became of it.
	By      Operator
	Action  Action
	Outcome Outcome
	// Err is why the action failed or is unclear; nil when Twilio
	// accepted it.
	Err error
	// Callback is set when a status callback reported the change (or the
	// announcement) rather than a poll.
	Callback bool
	// Announced is the end or failure of an announcement, from a
	// callback; nil for every other event.
	Announced *Announcement
}

// IsAction reports whether the event is an operator's action rather than
// a change seen by a poll or a callback.
func (e Event) IsAction() bool { return e.Change.Kind == 0 && e.Announced == nil }

// Origin says where an event came from, for the feed to say so.
type Origin int

// The origins of an event.
const (
	FromPoll     Origin = iota + 1 // a poll saw the change
	FromCallback                   // Twilio's status callback reported it
	FromAction                     // an operator's action
)

// String names the origin in a word: "poll", "event", "action".
func (o Origin) String() string {
	switch o {
	case FromPoll:
		return "poll"
	case FromCallback:
		return "event"
	case FromAction:
		return "action"
	}
	return "unknown"
}

// Origin says where the event came from.
func (e Event) Origin() Origin {
	switch {
	case e.IsAction():
		return FromAction
	case e.Callback:
		return FromCallback
	}
	return FromPoll
}

// String says what happened in a short sentence without its time: "alice
// muted customer-7", "alice could not remove customer-7: twilio 20404 ...",
// or the change's own wording ("customer-7 joined (connected)"). Names in it
// are made inert, so it is safe to print.
func (e Event) String() string {
	if e.Announced != nil {
		return e.Announced.String()
	}
	if !e.IsAction() {
		return e.Change.String()
	}
	switch e.Outcome {
	case Failed:
		return e.By.String() + " could not " + e.Action.attempt() + ": " + model.InertN(summary(e.Err), 200)
	case Unclear:
		return e.By.String() + " tried to " + e.Action.attempt() + ", but the answer does not say whether it was done (" +
			model.InertN(summary(e.Err), 200) + "); the next polls will show"
	case NotSeen:
		s, _ := e.Action.Kind.spec()
		who := e.Action.fill("{who}")
		if e.Err != nil {
			return e.By.String() + "'s request to " + e.Action.attempt() + " was probably not done: " + who + " is " + s.still + "; try again"
		}
		return "Twilio accepted " + e.By.String() + "'s request to " + e.Action.attempt() + ", but " + who + " is " + s.still
	}
	return e.Action.describe(e.By)
}
