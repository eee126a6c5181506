// Package webhook receives Twilio's conference status callbacks: it checks
// each request's X-Twilio-Signature as Twilio documents, refuses what is not
// Twilio's (403), too big (413) or of the wrong method (405), drops replays
// and out-of-order deliveries by SequenceNumber, and hands typed Events to a
// Consumer through a bounded queue that coalesces per participant, so a slow
// consumer never holds up Twilio's requests. It can forward each event,
// re-signed, to another URL (Forwarder), and serve typed announcements as
// TwiML at single-use URLs only Twilio may read (Receiver.Announce).
package webhook

import (
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Event names Twilio sends as StatusCallbackEvent.
const (
	ConferenceStart    = "conference-start"
	ConferenceEnd      = "conference-end"
	ParticipantJoin    = "participant-join"
	ParticipantLeave   = "participant-leave"
	ParticipantMute    = "participant-mute"
	ParticipantUnmute  = "participant-unmute"
	ParticipantHold    = "participant-hold"
	ParticipantUnhold  = "participant-unhold"
	ParticipantModify  = "participant-modify"
	SpeechStart        = "participant-speech-start"
	SpeechStop         = "participant-speech-stop"
	AnnouncementEnd    = "announcement-end"
	AnnouncementFail   = "announcement-fail"
	callStatusCallback = "call-status" // the Name of a call's own StatusCallback
)

// Event is one status callback, typed. Fields Twilio did not send are zero;
// Params keeps every parameter as received, for forwarding and for fields
// this type does not name.
type Event struct {
	AccountSID    string
	ConferenceSID string // empty for a call's own status callback
	FriendlyName  string
	// Name is StatusCallbackEvent (conference-start, participant-mute, ...),
	// or "call-status" for a call's own StatusCallback (see CallStatus).
	Name      string
	CallSID   string
	Label     string // ParticipantLabel
	Sequence  int    // SequenceNumber: per conference (per call for call-status)
	Timestamp time.Time

	// Participant state, on participant events. HasState says whether
	// Twilio sent it (a conference event has none).
	HasState               bool
	Muted, Hold, Coaching  bool
	EndConferenceOnExit    bool
	StartConferenceOnEnter bool
	CallSIDToCoach         string

	ReasonParticipantLeft    string // participant-leave
	ParticipantCallStatus    string // participant-leave
	ReasonConferenceEnded    string // conference-end
	CallSIDEndingConference  string // conference-end
	Reason                   string // free text Twilio may add
	AnnounceURL              string // announcement-end / -fail
	ReasonAnnouncementFailed string // announcement-fail
	CallStatus               string // call-status: initiated, ringing, answered, completed...

	// Coalesced counts the older events for the same participant that this
	// one replaced while the consumer was behind (0 normally). Participant
	// events carry the participant's whole state, so the latest is enough.
	Coalesced int

	Params url.Values
}

// Speaking reports whether the event says the participant started (true)
// or stopped (false) speaking; ok is false for any other event.
func (e Event) Speaking() (speaking, ok bool) {
	switch e.Name {
	case SpeechStart:
		return true, true
	case SpeechStop:
		return false, true
	}
	return false, false
}

// parseEvent types the parameters of one callback. It fails only on what
// makes ordering impossible: no SequenceNumber, or one that is not a number.
func parseEvent(v url.Values) (Event, error) {
	e := Event{
		AccountSID:               v.Get("AccountSid"),
		ConferenceSID:            v.Get("ConferenceSid"),
		FriendlyName:             v.Get("FriendlyName"),
		Name:                     v.Get("StatusCallbackEvent"),
		CallSID:                  v.Get("CallSid"),
		Label:                    v.Get("ParticipantLabel"),
		CallSIDToCoach:           v.Get("CallSidToCoach"),
		ReasonParticipantLeft:    v.Get("ReasonParticipantLeft"),
		ParticipantCallStatus:    v.Get("ParticipantCallStatus"),
		ReasonConferenceEnded:    v.Get("ReasonConferenceEnded"),
		CallSIDEndingConference:  v.Get("CallSidEndingConference"),
		Reason:                   v.Get("Reason"),
		AnnounceURL:              v.Get("AnnounceUrl"),
		ReasonAnnouncementFailed: v.Get("ReasonAnnouncementFailed"),
		CallStatus:               v.Get("CallStatus"),
		Params:                   v,
	}
	if e.ConferenceSID == "" {
		if e.CallSID == "" || e.CallStatus == "" {
			return Event{}, fmt.Errorf("neither ConferenceSid nor CallSid with CallStatus: not a conference or call status callback")
		}
		e.Name = callStatusCallback
	} else if e.Name == "" {
		return Event{}, fmt.Errorf("StatusCallbackEvent is missing")
	}
	seq := v.Get("SequenceNumber")
	n, err := strconv.Atoi(seq)
	if err != nil || n < 0 {
		return Event{}, fmt.Errorf("SequenceNumber %q is not a whole number", clip(seq))
	}
	e.Sequence = n
	if ts := v.Get("Timestamp"); ts != "" {
		// RFC 2822 as Twilio writes it; RFC 1123 with a zone offset is the same shape.
		if t, err := time.Parse(time.RFC1123Z, ts); err == nil {
			e.Timestamp = t
		} else if t, err := time.Parse(time.RFC1123, ts); err == nil {
			e.Timestamp = t
		}
	}
	if m := v.Get("Muted"); m != "" {
		e.HasState = true
		e.Muted = m == "true"
		e.Hold = v.Get("Hold") == "true"
		e.Coaching = v.Get("Coaching") == "true"
		e.EndConferenceOnExit = v.Get("EndConferenceOnExit") == "true"
		e.StartConferenceOnEnter = v.Get("StartConferenceOnEnter") == "true"
	}
	return e, nil
}

// clip shortens s for a log line or an error.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
