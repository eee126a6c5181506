package api

import "net/url"

// The Form methods give the exact form fields an operation sends, checked as
// the operation checks them, so a caller can record what it asked Twilio to
// do (the console's audit trail) without re-encoding the parameters itself.
// Secrets such as SipAuthPassword are included: the caller must redact them.

// Form returns the fields UpdateParticipant sends for u.
func (u UpdateParticipant) Form() (url.Values, error) { return u.values() }

// Form returns the fields CreateParticipant sends for p.
func (p CreateParticipant) Form() (url.Values, error) { return p.values() }

// Form returns the fields UpdateConference sends for u.
func (u ConferenceUpdate) Form() (url.Values, error) { return u.values() }

// Form returns the fields UpdateRecording sends for u.
func (u RecordingUpdate) Form() (url.Values, error) { return u.values() }
