// Package model holds confconsole's domain data: conferences, participants and
// recordings as plain values, with typed statuses. It knows nothing of HTTP or
// of the terminal; api/ fills these values and ui/ shows them.
package model

import "time"

// ConferenceStatus is the lifecycle state of a conference.
type ConferenceStatus string

// The conference statuses Twilio documents.
const (
	ConferenceInit       ConferenceStatus = "init"
	ConferenceInProgress ConferenceStatus = "in-progress"
	ConferenceCompleted  ConferenceStatus = "completed"
)

// Known reports whether s is one of the documented conference statuses.
func (s ConferenceStatus) Known() bool {
	switch s {
	case ConferenceInit, ConferenceInProgress, ConferenceCompleted:
		return true
	}
	return false
}

// ReasonEnded says why a conference ended; it is empty while the conference runs.
type ReasonEnded string

// The reasons Twilio documents for a conference ending.
const (
	ReasonEndedViaAPI           ReasonEnded = "conference-ended-via-api"
	ReasonEndOnExitLeft         ReasonEnded = "participant-with-end-conference-on-exit-left"
	ReasonEndOnExitKicked       ReasonEnded = "participant-with-end-conference-on-exit-kicked"
	ReasonLastParticipantKicked ReasonEnded = "last-participant-kicked"
	ReasonLastParticipantLeft   ReasonEnded = "last-participant-left"
)

// Conference is one Twilio conference room.
type Conference struct {
	SID                     string // CF + 32 hex
	AccountSID              string // AC + 32 hex
	FriendlyName            string
	Status                  ConferenceStatus
	Region                  string
	Created                 time.Time // zero when Twilio sent null
	Updated                 time.Time // zero when Twilio sent null
	ReasonEnded             ReasonEnded
	CallSIDEndingConference string
}

// ParticipantStatus is the state of a participant's call in the conference.
type ParticipantStatus string

// The participant statuses Twilio documents.
const (
	ParticipantQueued     ParticipantStatus = "queued"
	ParticipantConnecting ParticipantStatus = "connecting"
	ParticipantRinging    ParticipantStatus = "ringing"
	ParticipantConnected  ParticipantStatus = "connected"
	ParticipantComplete   ParticipantStatus = "complete"
	ParticipantFailed     ParticipantStatus = "failed"
)

// Known reports whether s is one of the documented participant statuses.
func (s ParticipantStatus) Known() bool {
	switch s {
	case ParticipantQueued, ParticipantConnecting, ParticipantRinging,
		ParticipantConnected, ParticipantComplete, ParticipantFailed:
		return true
	}
	return false
}

// Live reports whether a participant in this status is still on, or still
// joining, the call (as opposed to having finished or failed).
func (s ParticipantStatus) Live() bool {
	switch s {
	case ParticipantComplete, ParticipantFailed:
		return false
	}
	return true
}

// Participant is one call in a conference. Twilio gives participants no SID of
// their own: they are addressed by CallSID or, when set, by Label.
type Participant struct {
	CallSID                string // CA + 32 hex
	AccountSID             string
	ConferenceSID          string
	Label                  string
	Status                 ParticipantStatus
	Muted                  bool
	Hold                   bool
	Coaching               bool
	CallSIDToCoach         string
	StartConferenceOnEnter bool
	EndConferenceOnExit    bool
	Created                time.Time
	Updated                time.Time
	// QueueTime is the wait before the call was placed; Twilio sends it only in
	// the reply to a create, and it is zero otherwise.
	QueueTime time.Duration
}

// RecordingStatus is the state of a conference recording.
type RecordingStatus string

// The recording statuses Twilio documents.
const (
	RecordingInProgress RecordingStatus = "in-progress"
	RecordingPaused     RecordingStatus = "paused"
	RecordingStopped    RecordingStatus = "stopped"
	RecordingProcessing RecordingStatus = "processing"
	RecordingCompleted  RecordingStatus = "completed"
	RecordingAbsent     RecordingStatus = "absent"
)

// CurrentRecording is the status of the conference's live recording among
// rs (the newest in progress or paused, which Twilio names Twilio.CURRENT),
// or "" when none is live.
func CurrentRecording(rs []Recording) RecordingStatus {
	var cur Recording
	for _, r := range rs {
		if r.Status != RecordingInProgress && r.Status != RecordingPaused {
			continue
		}
		if cur.Status == "" || r.StartTime.After(cur.StartTime) {
			cur = r
		}
	}
	return cur.Status
}

// Recording is one recording of a conference.
type Recording struct {
	SID           string // RE + 32 hex
	AccountSID    string
	ConferenceSID string
	CallSID       string
	Status        RecordingStatus
	Channels      int
	Source        string
	Duration      time.Duration // zero until the recording is complete
	StartTime     time.Time
	Created       time.Time
	Updated       time.Time
	ErrorCode     int
}
