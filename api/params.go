package api

import "time"

// Bool returns a pointer to b, for the tri-state fields of the params types:
// nil is not sent, a pointer to false is sent as "false".
func Bool(b bool) *bool { return &b }

// Int returns a pointer to n, for the optional integer fields of the params types.
func Int(n int) *int { return &n }

// ConferenceFilter narrows ListConferences. Zero fields are not sent. Dates are
// sent as YYYY-MM-DD (UTC) under DateCreated / DateCreated< / DateCreated> and
// the DateUpdated equivalents.
type ConferenceFilter struct {
	Status        string // init, in-progress or completed
	FriendlyName  string
	CreatedOn     time.Time
	CreatedBefore time.Time
	CreatedAfter  time.Time
	UpdatedOn     time.Time
	UpdatedBefore time.Time
	UpdatedAfter  time.Time
	PageSize      int // 0 means the client's default (1000, the most Twilio allows)
	MaxItems      int // 0 means every page
}

// ConferenceUpdate is the body of UpdateConference.
type ConferenceUpdate struct {
	Status         string // "completed" ends the conference
	AnnounceURL    string
	AnnounceMethod string // GET or POST
}

// ParticipantFilter narrows ListParticipants. Nil fields are not sent.
type ParticipantFilter struct {
	Muted    *bool
	Hold     *bool
	Coaching *bool
	PageSize int // 0 means the client's default (1000)
}

// CreateParticipant holds every parameter of Twilio's CreateParticipant
// operation. From and To are required; everything else is optional and is
// sent only when set (strings non-empty, pointers non-nil, slices non-empty;
// slices go on the wire as repeated keys).
type CreateParticipant struct {
	From                                    string
	To                                      string
	StatusCallback                          string
	StatusCallbackMethod                    string
	StatusCallbackEvent                     []string
	Label                                   string
	Timeout                                 *int
	Record                                  *bool
	Muted                                   *bool
	Beep                                    string // true, false, onEnter or onExit
	StartConferenceOnEnter                  *bool
	EndConferenceOnExit                     *bool
	WaitURL                                 string
	WaitMethod                              string
	EarlyMedia                              *bool
	MaxParticipants                         *int
	ConferenceRecord                        string
	ConferenceTrim                          string
	ConferenceStatusCallback                string
	ConferenceStatusCallbackMethod          string
	ConferenceStatusCallbackEvent           []string
	RecordingChannels                       string
	RecordingStatusCallback                 string
	RecordingStatusCallbackMethod           string
	SipAuthUsername                         string
	SipAuthPassword                         string // a secret: never logged or shown
	Region                                  string
	ConferenceRecordingStatusCallback       string
	ConferenceRecordingStatusCallbackMethod string
	RecordingStatusCallbackEvent            []string
	ConferenceRecordingStatusCallbackEvent  []string
	Coaching                                *bool
	CallSIDToCoach                          string
	JitterBufferSize                        string
	Byoc                                    string
	CallerID                                string
	CallReason                              string
	RecordingTrack                          string
	TimeLimit                               *int
	MachineDetection                        string
	MachineDetectionTimeout                 *int
	MachineDetectionSpeechThreshold         *int
	MachineDetectionSpeechEndThreshold      *int
	MachineDetectionSilenceTimeout          *int
	AmdStatusCallback                       string
	AmdStatusCallbackMethod                 string
	Trim                                    string
	CallToken                               string
	ClientNotificationURL                   string
	CallerDisplayName                       string
}

// UpdateParticipant holds every parameter of Twilio's UpdateParticipant
// operation; only the set fields are sent.
type UpdateParticipant struct {
	Muted               *bool
	Hold                *bool
	HoldURL             string
	HoldMethod          string
	AnnounceURL         string
	AnnounceMethod      string
	WaitURL             string
	WaitMethod          string
	BeepOnExit          *bool
	EndConferenceOnExit *bool
	Coaching            *bool
	CallSIDToCoach      string
}

// RecordingUpdate is the body of UpdateConferenceRecording.
type RecordingUpdate struct {
	Status        string // in-progress, paused or stopped
	PauseBehavior string // skip or silence
}

// CurrentRecording names the conference's recording in progress in place of a
// recording SID, as Twilio allows.
const CurrentRecording = "Twilio.CURRENT"
