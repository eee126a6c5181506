package sim

import (
	"strconv"
	"time"
)

// The JSON documents below follow Twilio's resource schemas field for field;
// pointer fields are the ones Twilio sends as null when they have no value.
// Field order follows Twilio's own example responses.

// rfc2822 is the date format Twilio uses in resources: "Fri, 18 Feb 2011 19:26:50 +0000".
const rfc2822 = "Mon, 02 Jan 2006 15:04:05 -0700"

func formatDate(t time.Time) string { return t.UTC().Format(rfc2822) }

const apiVersion = "2010-04-01"

type subresourceURIs struct {
	Participants string `json:"participants"`
	Recordings   string `json:"recordings"`
}

type conferenceJSON struct {
	AccountSID              string          `json:"account_sid"`
	APIVersion              string          `json:"api_version"`
	DateCreated             string          `json:"date_created"`
	DateUpdated             string          `json:"date_updated"`
	FriendlyName            *string         `json:"friendly_name"`
	Region                  string          `json:"region"`
	SID                     string          `json:"sid"`
	Status                  string          `json:"status"`
	SubresourceURIs         subresourceURIs `json:"subresource_uris"`
	URI                     string          `json:"uri"`
	ReasonConferenceEnded   *string         `json:"reason_conference_ended"`
	CallSIDEndingConference *string         `json:"call_sid_ending_conference"`
}

type participantJSON struct {
	AccountSID             string  `json:"account_sid"`
	CallSID                string  `json:"call_sid"`
	Label                  *string `json:"label"`
	ConferenceSID          string  `json:"conference_sid"`
	DateCreated            string  `json:"date_created"`
	DateUpdated            string  `json:"date_updated"`
	EndConferenceOnExit    bool    `json:"end_conference_on_exit"`
	Muted                  bool    `json:"muted"`
	Hold                   bool    `json:"hold"`
	Status                 string  `json:"status"`
	StartConferenceOnEnter bool    `json:"start_conference_on_enter"`
	Coaching               bool    `json:"coaching"`
	CallSIDToCoach         *string `json:"call_sid_to_coach"`
	QueueTime              *string `json:"queue_time"`
	URI                    string  `json:"uri"`
}

type recordingJSON struct {
	AccountSID        string  `json:"account_sid"`
	APIVersion        string  `json:"api_version"`
	CallSID           *string `json:"call_sid"`
	ConferenceSID     string  `json:"conference_sid"`
	Channels          int     `json:"channels"`
	DateCreated       string  `json:"date_created"`
	DateUpdated       string  `json:"date_updated"`
	StartTime         string  `json:"start_time"`
	Price             *string `json:"price"`
	PriceUnit         *string `json:"price_unit"`
	Duration          *string `json:"duration"`
	SID               string  `json:"sid"`
	Source            string  `json:"source"`
	Status            string  `json:"status"`
	ErrorCode         *int    `json:"error_code"`
	EncryptionDetails any     `json:"encryption_details"`
	URI               string  `json:"uri"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func conferencePath(accountSID, sid string) string {
	return accountsPrefix + accountSID + "/Conferences/" + sid
}

func renderConference(c *conference) conferenceJSON { return renderConferenceMemo(nil, c) }

// renderConferenceMemo renders c, formatting dates through m (nil formats
// each date afresh).
func renderConferenceMemo(m *dateMemo, c *conference) conferenceJSON {
	base := conferencePath(c.accountSID, c.sid)
	return conferenceJSON{
		AccountSID:              c.accountSID,
		APIVersion:              apiVersion,
		DateCreated:             m.format(c.created),
		DateUpdated:             m.format(c.updated),
		FriendlyName:            optional(c.friendlyName),
		Region:                  c.region,
		SID:                     c.sid,
		Status:                  string(c.status),
		SubresourceURIs:         subresourceURIs{Participants: base + "/Participants.json", Recordings: base + "/Recordings.json"},
		URI:                     base + ".json",
		ReasonConferenceEnded:   optional(string(c.reasonEnded)),
		CallSIDEndingConference: optional(c.callSIDEnding),
	}
}

// renderParticipant renders p; withQueueTime is set only for the reply to a
// create, the one place Twilio sends queue_time.
func renderParticipant(c *conference, p *participant, withQueueTime bool) participantJSON {
	return renderParticipantMemo(nil, c, p, withQueueTime)
}

// renderParticipantMemo renders p, formatting dates through m (nil formats
// each date afresh).
func renderParticipantMemo(m *dateMemo, c *conference, p *participant, withQueueTime bool) participantJSON {
	j := participantJSON{
		AccountSID:             c.accountSID,
		CallSID:                p.callSID,
		Label:                  optional(p.label),
		ConferenceSID:          c.sid,
		DateCreated:            m.format(p.created),
		DateUpdated:            m.format(p.updated),
		EndConferenceOnExit:    p.endOnExit,
		Muted:                  p.muted,
		Hold:                   p.hold,
		Status:                 string(p.status),
		StartConferenceOnEnter: p.startOnEnter,
		Coaching:               p.coaching,
		CallSIDToCoach:         optional(p.coachSID),
		URI:                    conferencePath(c.accountSID, c.sid) + "/Participants/" + p.callSID + ".json",
	}
	if withQueueTime {
		q := strconv.FormatInt(p.queueTime.Milliseconds(), 10)
		j.QueueTime = &q
	}
	return j
}

func renderRecording(c *conference, r *recording) recordingJSON {
	j := recordingJSON{
		AccountSID:    c.accountSID,
		APIVersion:    apiVersion,
		CallSID:       optional(r.callSID),
		ConferenceSID: c.sid,
		Channels:      r.channels,
		DateCreated:   formatDate(r.created),
		DateUpdated:   formatDate(r.updated),
		StartTime:     formatDate(r.start),
		SID:           r.sid,
		Source:        r.source,
		Status:        string(r.status),
		URI:           conferencePath(c.accountSID, c.sid) + "/Recordings/" + r.sid + ".json",
	}
	if r.done {
		d := strconv.FormatInt(int64(r.duration/time.Second), 10)
		unit := "USD"
		j.Duration, j.PriceUnit = &d, &unit
	}
	return j
}
