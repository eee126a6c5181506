package api

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"confconsole/model"
)

// Bool returns a pointer to b, for the tri-state fields of the params types:
// nil is not sent, a pointer to false is sent as "false".
func Bool(b bool) *bool { return &b }

// Int returns a pointer to n, for the optional integer fields of the params types.
func Int(n int) *int { return &n }

// ConferenceFilter narrows ListConferences. Zero fields are not sent. Dates are
// sent as YYYY-MM-DD (UTC) under DateCreated / DateCreated< / DateCreated> and
// the DateUpdated equivalents. Twilio puts the Before and After bounds at the
// date's midnight (its start, UTC): the wire text DateCreated<=2024-05-01 is
// "created on or before midnight of this date", which leaves out the rest of
// May 1 (pass May 2 to keep it), and DateCreated>=2024-05-01 keeps all of it.
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

// form collects the wire parameters of one request; the helpers leave unset
// values out, which is how "unset" differs from "false" on the wire. The
// first value a helper refuses is kept and returned by values, so an
// encoder names each parameter once.
type form struct {
	v   url.Values
	err error
}

func newForm() *form { return &form{v: url.Values{}} }

func (f *form) str(key, v string) {
	if v != "" {
		f.v.Set(key, v)
	}
}

func (f *form) boolean(key string, v *bool) {
	if v != nil {
		f.v.Set(key, strconv.FormatBool(*v))
	}
}

func (f *form) integer(key string, v *int) {
	if v != nil {
		f.v.Set(key, strconv.Itoa(*v))
	}
}

// list sends an array parameter as repeated keys, as Twilio expects.
func (f *form) list(key string, vs []string) {
	for _, v := range vs {
		if v != "" {
			f.v.Add(key, v)
		}
	}
}

func (f *form) date(key string, t time.Time) {
	if !t.IsZero() {
		f.v.Set(key, t.UTC().Format("2006-01-02"))
	}
}

// method sends an optional GET/POST parameter in Twilio's spelling (upper
// case), refusing anything else.
func (f *form) method(key, v string) {
	switch m := strings.ToUpper(v); m {
	case "":
	case "GET", "POST":
		f.v.Set(key, m)
	default:
		if f.err == nil {
			f.err = fmt.Errorf("%w: %s %q must be GET or POST", ErrInvalidArgument, key, clip(v))
		}
	}
}

// values returns the parameters, or the first value refused.
func (f *form) values() (url.Values, error) {
	if f.err != nil {
		return nil, f.err
	}
	return f.v, nil
}

// checkSID rejects a SID that is not prefix plus 32 hex digits; what names it
// for the message (e.g. "conference SID").
func checkSID(what, prefix, v string) error {
	if validSID(v, prefix) {
		return nil
	}
	if v == "" {
		return fmt.Errorf("%w: %s is empty", ErrInvalidArgument, what)
	}
	return fmt.Errorf("%w: %s %q is not %s followed by 32 hex digits", ErrInvalidArgument, what, sanitize(clip(v), 44), prefix)
}

// checkOptionalSID is checkSID for a parameter that may be left empty.
func checkOptionalSID(what, prefix, v string) error {
	if v == "" {
		return nil
	}
	return checkSID(what, prefix, v)
}

func checkPageSize(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultPageSize, nil
	case n < 1 || n > 1000:
		return 0, fmt.Errorf("%w: page size %d is outside 1..1000", ErrInvalidArgument, n)
	}
	return n, nil
}

// values encodes the filter as ListConference's query.
func (f ConferenceFilter) values() (url.Values, error) {
	switch model.ConferenceStatus(f.Status) {
	case "", model.ConferenceInit, model.ConferenceInProgress, model.ConferenceCompleted:
	default:
		return nil, fmt.Errorf("%w: conference status %q is not init, in-progress or completed", ErrInvalidArgument, clip(f.Status))
	}
	if f.MaxItems < 0 {
		return nil, fmt.Errorf("%w: MaxItems %d is negative", ErrInvalidArgument, f.MaxItems)
	}
	q := newForm()
	q.str("Status", f.Status)
	q.str("FriendlyName", f.FriendlyName)
	q.date("DateCreated", f.CreatedOn)
	q.date("DateCreated<", f.CreatedBefore)
	q.date("DateCreated>", f.CreatedAfter)
	q.date("DateUpdated", f.UpdatedOn)
	q.date("DateUpdated<", f.UpdatedBefore)
	q.date("DateUpdated>", f.UpdatedAfter)
	n, err := checkPageSize(f.PageSize)
	if err != nil {
		return nil, err
	}
	q.str("PageSize", strconv.Itoa(n))
	return q.values()
}

// values encodes the body of UpdateConference.
func (u ConferenceUpdate) values() (url.Values, error) {
	if u.Status != "" && u.Status != string(model.ConferenceCompleted) {
		return nil, fmt.Errorf("%w: a conference can only be updated to status completed, not %q", ErrInvalidArgument, clip(u.Status))
	}
	f := newForm()
	f.str("Status", u.Status)
	f.str("AnnounceUrl", u.AnnounceURL)
	f.method("AnnounceMethod", u.AnnounceMethod)
	return f.values()
}

// values encodes the filter as ListParticipant's query.
func (f ParticipantFilter) values() (url.Values, error) {
	q := newForm()
	q.boolean("Muted", f.Muted)
	q.boolean("Hold", f.Hold)
	q.boolean("Coaching", f.Coaching)
	n, err := checkPageSize(f.PageSize)
	if err != nil {
		return nil, err
	}
	q.str("PageSize", strconv.Itoa(n))
	return q.values()
}

// maxLabel is Twilio's limit on a participant label (error 16024).
const maxLabel = 128

// checkLabel applies Twilio's documented label rules up front (error 16024:
// at most 128 characters, not a call SID, no "/" nor "%2F"), so a typo is reported
// before anyone is dialled.
func checkLabel(label string) error {
	switch {
	case label == "":
		return nil
	case !utf8.ValidString(label):
		return fmt.Errorf("%w: label is not valid UTF-8", ErrInvalidArgument)
	case utf8.RuneCountInString(label) > maxLabel:
		return fmt.Errorf("%w: label is longer than %d characters", ErrInvalidArgument, maxLabel)
	case strings.Contains(label, "/"):
		return fmt.Errorf("%w: label %q must not contain \"/\"", ErrInvalidArgument, sanitize(clip(label), 44))
	case strings.Contains(strings.ToUpper(label), "%2F"):
		// 16024 forbids '/' "even in URL encoded form %2F".
		return fmt.Errorf("%w: label %q must not contain \"%%2F\" (an encoded \"/\")", ErrInvalidArgument, sanitize(clip(label), 44))
	case validSID(label, "CA"):
		return fmt.Errorf("%w: label %q must not be a call SID", ErrInvalidArgument, label)
	}
	return nil
}

// values encodes the body of CreateParticipant.
func (p CreateParticipant) values() (url.Values, error) {
	if strings.TrimSpace(p.From) == "" || strings.TrimSpace(p.To) == "" {
		return nil, fmt.Errorf("%w: From and To are both required", ErrInvalidArgument)
	}
	if err := checkLabel(p.Label); err != nil {
		return nil, err
	}
	if err := checkOptionalSID("CallSidToCoach", "CA", p.CallSIDToCoach); err != nil {
		return nil, err
	}
	if err := checkOptionalSID("Byoc", "BY", p.Byoc); err != nil {
		return nil, err
	}
	f := newForm()
	f.str("From", p.From)
	f.str("To", p.To)
	f.str("StatusCallback", p.StatusCallback)
	f.method("StatusCallbackMethod", p.StatusCallbackMethod)
	f.list("StatusCallbackEvent", p.StatusCallbackEvent)
	f.str("Label", p.Label)
	f.integer("Timeout", p.Timeout)
	f.boolean("Record", p.Record)
	f.boolean("Muted", p.Muted)
	f.str("Beep", p.Beep)
	f.boolean("StartConferenceOnEnter", p.StartConferenceOnEnter)
	f.boolean("EndConferenceOnExit", p.EndConferenceOnExit)
	f.str("WaitUrl", p.WaitURL)
	f.method("WaitMethod", p.WaitMethod)
	f.boolean("EarlyMedia", p.EarlyMedia)
	f.integer("MaxParticipants", p.MaxParticipants)
	f.str("ConferenceRecord", p.ConferenceRecord)
	f.str("ConferenceTrim", p.ConferenceTrim)
	f.str("ConferenceStatusCallback", p.ConferenceStatusCallback)
	f.method("ConferenceStatusCallbackMethod", p.ConferenceStatusCallbackMethod)
	f.list("ConferenceStatusCallbackEvent", p.ConferenceStatusCallbackEvent)
	f.str("RecordingChannels", p.RecordingChannels)
	f.str("RecordingStatusCallback", p.RecordingStatusCallback)
	f.method("RecordingStatusCallbackMethod", p.RecordingStatusCallbackMethod)
	f.str("SipAuthUsername", p.SipAuthUsername)
	f.str("SipAuthPassword", p.SipAuthPassword)
	f.str("Region", p.Region)
	f.str("ConferenceRecordingStatusCallback", p.ConferenceRecordingStatusCallback)
	f.method("ConferenceRecordingStatusCallbackMethod", p.ConferenceRecordingStatusCallbackMethod)
	f.list("RecordingStatusCallbackEvent", p.RecordingStatusCallbackEvent)
	f.list("ConferenceRecordingStatusCallbackEvent", p.ConferenceRecordingStatusCallbackEvent)
	f.boolean("Coaching", p.Coaching)
	f.str("CallSidToCoach", p.CallSIDToCoach)
	f.str("JitterBufferSize", p.JitterBufferSize)
	f.str("Byoc", p.Byoc)
	f.str("CallerId", p.CallerID)
	f.str("CallReason", p.CallReason)
	f.str("RecordingTrack", p.RecordingTrack)
	f.integer("TimeLimit", p.TimeLimit)
	f.str("MachineDetection", p.MachineDetection)
	f.integer("MachineDetectionTimeout", p.MachineDetectionTimeout)
	f.integer("MachineDetectionSpeechThreshold", p.MachineDetectionSpeechThreshold)
	f.integer("MachineDetectionSpeechEndThreshold", p.MachineDetectionSpeechEndThreshold)
	f.integer("MachineDetectionSilenceTimeout", p.MachineDetectionSilenceTimeout)
	f.str("AmdStatusCallback", p.AmdStatusCallback)
	f.method("AmdStatusCallbackMethod", p.AmdStatusCallbackMethod)
	f.str("Trim", p.Trim)
	f.str("CallToken", p.CallToken)
	f.str("ClientNotificationUrl", p.ClientNotificationURL)
	f.str("CallerDisplayName", p.CallerDisplayName)
	return f.values()
}

// values encodes the body of UpdateParticipant.
func (u UpdateParticipant) values() (url.Values, error) {
	if err := checkOptionalSID("CallSidToCoach", "CA", u.CallSIDToCoach); err != nil {
		return nil, err
	}
	f := newForm()
	f.boolean("Muted", u.Muted)
	f.boolean("Hold", u.Hold)
	f.str("HoldUrl", u.HoldURL)
	f.method("HoldMethod", u.HoldMethod)
	f.str("AnnounceUrl", u.AnnounceURL)
	f.method("AnnounceMethod", u.AnnounceMethod)
	f.str("WaitUrl", u.WaitURL)
	f.method("WaitMethod", u.WaitMethod)
	f.boolean("BeepOnExit", u.BeepOnExit)
	f.boolean("EndConferenceOnExit", u.EndConferenceOnExit)
	f.boolean("Coaching", u.Coaching)
	f.str("CallSidToCoach", u.CallSIDToCoach)
	return f.values()
}

// values encodes the body of UpdateConferenceRecording.
func (u RecordingUpdate) values() (url.Values, error) {
	switch model.RecordingStatus(u.Status) {
	case model.RecordingInProgress, model.RecordingPaused, model.RecordingStopped:
	default:
		return nil, fmt.Errorf("%w: recording status %q is not in-progress, paused or stopped", ErrInvalidArgument, clip(u.Status))
	}
	switch u.PauseBehavior {
	case "", "skip", "silence":
	default:
		return nil, fmt.Errorf("%w: pause behavior %q is not skip or silence", ErrInvalidArgument, clip(u.PauseBehavior))
	}
	f := newForm()
	f.str("Status", u.Status)
	f.str("PauseBehavior", u.PauseBehavior)
	return f.values()
}
