package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"confconsole/model"
)

// The JSON shapes Twilio sends. Every field is nullable in the spec, so
// strings and booleans decode from null to their zero value (encoding/json
// leaves a field untouched on null) and unknown fields are ignored.

type conferenceJSON struct {
	SID                     string  `json:"sid"`
	AccountSID              string  `json:"account_sid"`
	FriendlyName            string  `json:"friendly_name"`
	Status                  string  `json:"status"`
	Region                  string  `json:"region"`
	DateCreated             rfc2822 `json:"date_created"`
	DateUpdated             rfc2822 `json:"date_updated"`
	ReasonConferenceEnded   string  `json:"reason_conference_ended"`
	CallSIDEndingConference string  `json:"call_sid_ending_conference"`
}

func (w conferenceJSON) model() model.Conference {
	return model.Conference{
		SID:                     w.SID,
		AccountSID:              w.AccountSID,
		FriendlyName:            w.FriendlyName,
		Status:                  model.ConferenceStatus(w.Status), // unknown values kept for the UI to show
		Region:                  w.Region,
		Created:                 time.Time(w.DateCreated),
		Updated:                 time.Time(w.DateUpdated),
		ReasonEnded:             model.ReasonEnded(w.ReasonConferenceEnded),
		CallSIDEndingConference: w.CallSIDEndingConference,
	}
}

type participantJSON struct {
	AccountSID             string   `json:"account_sid"`
	CallSID                string   `json:"call_sid"`
	Label                  string   `json:"label"`
	CallSIDToCoach         string   `json:"call_sid_to_coach"`
	Coaching               flexBool `json:"coaching"`
	ConferenceSID          string   `json:"conference_sid"`
	DateCreated            rfc2822  `json:"date_created"`
	DateUpdated            rfc2822  `json:"date_updated"`
	EndConferenceOnExit    flexBool `json:"end_conference_on_exit"`
	Muted                  flexBool `json:"muted"`
	Hold                   flexBool `json:"hold"`
	StartConferenceOnEnter flexBool `json:"start_conference_on_enter"`
	Status                 string   `json:"status"`
	QueueTime              millis   `json:"queue_time"`
}

func (w participantJSON) model() model.Participant {
	return model.Participant{
		CallSID:                w.CallSID,
		AccountSID:             w.AccountSID,
		ConferenceSID:          w.ConferenceSID,
		Label:                  w.Label,
		Status:                 model.ParticipantStatus(w.Status),
		Muted:                  bool(w.Muted),
		Hold:                   bool(w.Hold),
		Coaching:               bool(w.Coaching),
		CallSIDToCoach:         w.CallSIDToCoach,
		StartConferenceOnEnter: bool(w.StartConferenceOnEnter),
		EndConferenceOnExit:    bool(w.EndConferenceOnExit),
		Created:                time.Time(w.DateCreated),
		Updated:                time.Time(w.DateUpdated),
		QueueTime:              time.Duration(w.QueueTime),
	}
}

type recordingJSON struct {
	SID           string  `json:"sid"`
	AccountSID    string  `json:"account_sid"`
	ConferenceSID string  `json:"conference_sid"`
	CallSID       string  `json:"call_sid"`
	Status        string  `json:"status"`
	Channels      flexInt `json:"channels"`
	Source        string  `json:"source"`
	Duration      seconds `json:"duration"`
	StartTime     rfc2822 `json:"start_time"`
	DateCreated   rfc2822 `json:"date_created"`
	DateUpdated   rfc2822 `json:"date_updated"`
	ErrorCode     flexInt `json:"error_code"`
}

func (w recordingJSON) model() model.Recording {
	return model.Recording{
		SID:           w.SID,
		AccountSID:    w.AccountSID,
		ConferenceSID: w.ConferenceSID,
		CallSID:       w.CallSID,
		Status:        model.RecordingStatus(w.Status),
		Channels:      int(w.Channels),
		Source:        w.Source,
		Duration:      time.Duration(w.Duration),
		StartTime:     time.Time(w.StartTime),
		Created:       time.Time(w.DateCreated),
		Updated:       time.Time(w.DateUpdated),
		ErrorCode:     int(w.ErrorCode),
	}
}

// listPage is one page of a list reply, decoded in one pass with its items:
// a roster page is the largest thing the client decodes, on every poll. A
// page carries one list; the other two fields stay nil.
type listPage[W any] struct {
	Conferences  *[]W   `json:"conferences"`
	Participants *[]W   `json:"participants"`
	Recordings   *[]W   `json:"recordings"`
	NextPageURI  string `json:"next_page_uri"`
}

// expect prepares p to decode the list under key and returns a function that
// reports, once p is decoded, its items and whether the key was there.
// The field starts as a pointer to a nil slice, which tells the three
// answers apart: JSON null sets the pointer to nil (no items), a list fills
// the slice (never nil, even when empty), and a missing key leaves the slice
// nil (not a Twilio list).
func (p *listPage[W]) expect(key string) func() (items []W, present bool) {
	var field **[]W
	switch key {
	case "conferences":
		field = &p.Conferences
	case "participants":
		field = &p.Participants
	case "recordings":
		field = &p.Recordings
	default:
		return func() ([]W, bool) { return nil, false }
	}
	*field = new([]W)
	return func() ([]W, bool) {
		if *field == nil {
			return nil, true
		}
		return **field, **field != nil
	}
}

// rfc2822 decodes Twilio's dates ("Fri, 18 Feb 2011 19:26:50 +0000"). Null,
// empty and unreadable dates become the zero time: a row with a garbled date
// is more use to a moderator than a roster that fails to load.
type rfc2822 time.Time

func (t *rfc2822) UnmarshalJSON(b []byte) error {
	s, ok := jsonString(b)
	if !ok {
		*t = rfc2822{}
		return nil
	}
	*t = rfc2822(parseRFC2822(s))
	return nil
}

// jsonString returns the text of a JSON string, or false for any other
// value. A string without escapes (every date and number Twilio sends) is
// read directly: starting a second decoder for each date made six of the
// fifteen allocations per participant of a decoded roster page.
func jsonString(b []byte) (string, bool) {
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		return string(b[1 : n-1]), true
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		return "", false
	}
	return s, true
}

// parseRFC2822 returns the zero time for anything it cannot read.
func parseRFC2822(s string) time.Time {
	s = strings.TrimSpace(s)
	// The layouts RFC 2822 allows that servers actually send: with and
	// without the weekday, one- or two-digit days, numeric zone or a name.
	layouts := [...]string{
		time.RFC1123Z,
		time.RFC1123,
		"Mon, 2 Jan 2006 15:04:05 -0700",
		"2 Jan 2006 15:04:05 -0700",
		"02 Jan 2006 15:04:05 -0700",
		"Mon, 2 Jan 2006 15:04:05 MST",
	}
	for _, layout := range layouts {
		if tm, err := time.Parse(layout, s); err == nil {
			return tm.UTC()
		}
	}
	return time.Time{}
}

// millis decodes queue_time: a string of milliseconds per the spec, also
// accepted as a bare number; null, empty or unreadable means zero.
type millis time.Duration

func (m *millis) UnmarshalJSON(b []byte) error {
	n, _ := flexNumber(b)
	*m = millis(time.Duration(n * float64(time.Millisecond)))
	return nil
}

// seconds decodes a recording's duration: a string of seconds.
type seconds time.Duration

func (s *seconds) UnmarshalJSON(b []byte) error {
	n, _ := flexNumber(b)
	*s = seconds(time.Duration(n * float64(time.Second)))
	return nil
}

// flexInt decodes an integer that may be null or quoted.
type flexInt int

func (i *flexInt) UnmarshalJSON(b []byte) error {
	n, _ := flexNumber(b)
	*i = flexInt(n)
	return nil
}

// flexBool decodes a boolean that may be null (false) or the strings
// "true" / "false"; anything else is false rather than a failed roster.
type flexBool bool

func (v *flexBool) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(bytes.TrimSpace(b), `"`))
	*v = flexBool(s == "true")
	return nil
}

// flexNumber reads a JSON number or a string holding one; it bounds the
// value so conversions to durations cannot overflow into nonsense.
func flexNumber(b []byte) (float64, bool) {
	b = bytes.TrimSpace(b)
	var s string
	if len(b) > 0 && b[0] == '"' {
		var ok bool
		if s, ok = jsonString(b); !ok {
			return 0, false
		}
	} else {
		s = string(b)
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || n != n || n < 0 || n > 1e9 { // NaN, negative, or over ~11 days of ms
		return 0, false
	}
	return n, true
}
