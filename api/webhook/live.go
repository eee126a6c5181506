package webhook

import "confconsole/api/live"

// Hub hands a Receiver's events to the live state: each conference event
// becomes a live.Callback applied to its room at once, and a gap makes the
// room poll now. The live state declares what it needs (live.Callback) and
// this package adapts to it, so the dependency points one way, from the
// receiver to the state it feeds (webhook -> live -> api -> model), and
// the live state knows nothing of HTTP or signatures.
type Hub struct {
	Live *live.Hub // must be set
}

var _ Consumer = Hub{}

// callbackKind maps StatusCallbackEvent to what the live state applies;
// conference-start and names it does not know are CallbackOther (they still
// say events are arriving).
func callbackKind(name string) live.CallbackKind {
	switch name {
	case ParticipantJoin:
		return live.CallbackJoin
	case ParticipantLeave:
		return live.CallbackLeave
	case ParticipantMute:
		return live.CallbackMute
	case ParticipantUnmute:
		return live.CallbackUnmute
	case ParticipantHold:
		return live.CallbackHold
	case ParticipantUnhold:
		return live.CallbackUnhold
	case ParticipantModify:
		return live.CallbackModify
	case ConferenceEnd:
		return live.CallbackEnd
	case SpeechStart:
		return live.CallbackSpeechStart
	case SpeechStop:
		return live.CallbackSpeechStop
	case AnnouncementEnd:
		return live.CallbackAnnouncementEnd
	case AnnouncementFail:
		return live.CallbackAnnouncementFail
	}
	return live.CallbackOther
}

// HandleEvent applies a conference event to the live state; a call's own
// status callback (no conference) is not the live state's business.
func (h Hub) HandleEvent(e Event) {
	if e.ConferenceSID == "" {
		return
	}
	h.Live.ApplyCallback(Callback(e))
}

// HandleGap makes the conference's room poll at once.
func (h Hub) HandleGap(conferenceSID string) { h.Live.Resync(conferenceSID) }

// Callback is e as the live state takes it.
func Callback(e Event) live.Callback {
	return live.Callback{
		Conference:             e.ConferenceSID,
		Kind:                   callbackKind(e.Name),
		CallSID:                e.CallSID,
		Label:                  e.Label,
		At:                     e.Timestamp,
		HasState:               e.HasState,
		Muted:                  e.Muted,
		Hold:                   e.Hold,
		Coaching:               e.Coaching,
		CallSIDToCoach:         e.CallSIDToCoach,
		StartConferenceOnEnter: e.StartConferenceOnEnter,
		EndConferenceOnExit:    e.EndConferenceOnExit,
		AnnounceURL:            e.AnnounceURL,
		Reason:                 e.ReasonAnnouncementFailed,
	}
}
