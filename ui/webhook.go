package ui

import "confconsole/api"

// Webhook is what the console needs from the status-callback receiver: the
// URL conferences it starts report their events to, and a way to turn
// typed text into an announcement Twilio can fetch.
type Webhook struct {
	// URL is the public URL Twilio posts status callbacks to.
	URL string
	// Announce registers text to be spoken and returns the single-use URL
	// to send as AnnounceUrl. Nil means typed announcements are off.
	Announce func(text string) (string, error)
}

// ConferenceEvents are every conference status-callback event Twilio
// sends, as ConferenceStatusCallbackEvent takes them (a new slice each call).
func ConferenceEvents() []string {
	return []string{"start", "end", "join", "leave", "mute", "hold", "modify", "speaker", "announcement"}
}

// subscribe names the webhook as p's conference status callback, for every
// event, unless p already names one. Twilio heeds it only from the
// participant whose arrival starts the conference, so it is harmless on
// the others.
func (w *Webhook) subscribe(p api.CreateParticipant) api.CreateParticipant {
	if w == nil || w.URL == "" || p.ConferenceStatusCallback != "" {
		return p
	}
	p.ConferenceStatusCallback = w.URL
	p.ConferenceStatusCallbackMethod = "POST"
	p.ConferenceStatusCallbackEvent = ConferenceEvents()
	return p
}
