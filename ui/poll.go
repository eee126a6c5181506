package ui

import "time"

// poller is how a screen's polls go, as the live state's snapshots say:
// the screen shows the data's age, and when polls fail, why and when the
// next one comes.
type poller struct {
	updated time.Time // when the last successful poll returned
	err     error     // the last failure; nil after a success
	nextAt  time.Time // when the next poll is due, to say "retrying in Ns"
}

// authBackoff is how long the live state waits before polling again with
// credentials Twilio rejected (live's own back-off), for the message that
// says so.
const authBackoff = 30 * time.Second
