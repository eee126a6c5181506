package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Phase says whether a record was written before an action was sent or after.
type Phase string

// The two phases of an action: every action has an intent line and, unless
// the console died while it was in flight, a result line with the same id.
const (
	PhaseIntent Phase = "intent"
	PhaseResult Phase = "result"
)

// Action is what the console asked Twilio to do.
type Action string

// The actions the console can send. The names are the file's vocabulary, so
// they never change once released.
const (
	ActionMute            Action = "mute"
	ActionUnmute          Action = "unmute"
	ActionHold            Action = "hold"
	ActionResume          Action = "resume"
	ActionCoach           Action = "coach"
	ActionStopCoaching    Action = "stop-coaching"
	ActionAnnounce        Action = "announce"
	ActionAnnounceAll     Action = "announce-all"
	ActionRemove          Action = "remove"
	ActionAdd             Action = "add"
	ActionEndConference   Action = "end-conference"
	ActionRecordingPause  Action = "recording-pause"
	ActionRecordingResume Action = "recording-resume"
	ActionRecordingStop   Action = "recording-stop"
)

// Actions lists every known action, in the order the console offers them.
func Actions() []Action {
	return []Action{
		ActionMute, ActionUnmute, ActionHold, ActionResume, ActionCoach,
		ActionStopCoaching, ActionAnnounce, ActionAnnounceAll, ActionRemove,
		ActionAdd, ActionEndConference, ActionRecordingPause,
		ActionRecordingResume, ActionRecordingStop,
	}
}

// Known reports whether a is one of the actions above. The Log still writes
// records with an unknown action (a record is never dropped), but tests of
// the console should check that every action it sends is known.
func (a Action) Known() bool {
	for _, k := range Actions() {
		if a == k {
			return true
		}
	}
	return false
}

// Outcome is what became of an action.
type Outcome string

// The outcomes of an action. Unknown is the honest answer when the request
// may or may not have been acted on (a timeout, a dropped connection, a 5xx
// other than 429's, a proxy's error page): the supervisor must check the
// roster rather than trust either way.
const (
	OutcomeOK      Outcome = "ok"
	OutcomeFailed  Outcome = "failed"
	OutcomeUnknown Outcome = "unknown"
	// The outcomes only a participant of a bulk action has: nothing was
	// sent to them, because they were already in the state asked for, had
	// left, or had another action pending (skipped), or because the bulk
	// action was cancelled before their turn (cancelled).
	OutcomeSkipped   Outcome = "skipped"
	OutcomeCancelled Outcome = "cancelled"
)

// OutcomeOf classifies the error an action's call returned: nil is ok, a
// timeout or a cancellation is unknown (the request may have been processed),
// anything else failed. The console may know better (an *api.Error with an
// HTTP status means Twilio answered) and can set Outcome itself.
func OutcomeOf(err error) Outcome {
	if err == nil {
		return OutcomeOK
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		(errors.As(err, &ne) && ne.Timeout()) {
		return OutcomeUnknown
	}
	return OutcomeFailed
}

// Entry is one line of the audit log. The Log fills Time, Phase, ID and the
// identity fields (Operator, SSHUser, Host, KeyFingerprint); the caller fills the rest.
type Entry struct {
	Time  time.Time `json:"-"` // written as "time", RFC 3339 UTC with milliseconds
	Phase Phase     `json:"phase"`
	// ID is shared by an action's intent and result lines so they pair up.
	ID       string `json:"id"`
	Operator string `json:"operator"`           // the OS user running the console
	SSHUser  string `json:"ssh_user,omitempty"` // the user of the SSH session, when there is one
	Host     string `json:"host"`
	// KeyFingerprint is the operator's SSH key (SHA256:...) when the
	// action came through confconsole serve.
	KeyFingerprint string `json:"key_fingerprint,omitempty"`

	AccountSID     string `json:"account_sid"`
	ConferenceSID  string `json:"conference_sid"`
	ConferenceName string `json:"conference_name"`
	CallSID        string `json:"call_sid"`
	Label          string `json:"label"`

	Action Action `json:"action"`
	// Batch is the ID of the bulk action this record is one participant
	// of; empty for an action on its own.
	Batch string `json:"batch,omitempty"`
	// Params are the Twilio form fields sent, by their wire names. Secrets
	// are replaced by "[redacted]" before anything is stored.
	Params map[string]string `json:"params"`

	// The rest is known only on result lines.
	Outcome   Outcome `json:"outcome"`
	ErrorCode int     `json:"error_code"` // Twilio's error code; 0 if none
	Error     string  `json:"error"`
	RequestID string  `json:"request_id"` // Twilio-Request-Id of the last response
	Attempts  int     `json:"attempts"`   // HTTP requests sent, retries included

	// Written is true once the record is on disk (synced). It is not part of
	// the file; the log view uses it to mark records the file is missing.
	Written bool `json:"-"`
}

// timeFormat is RFC 3339 with exactly three fractional digits, so that lines
// sort as text and every record has the same width of timestamp.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

// entryJSON lets Entry use the default encoder for every field but Time.
type entryJSON Entry

// MarshalJSON writes the entry with "time" first, in UTC with milliseconds.
func (e Entry) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Time string `json:"time"`
		entryJSON
	}{e.Time.UTC().Format(timeFormat), entryJSON(e)})
}

// UnmarshalJSON reads a line written by MarshalJSON, for tools and tests that
// read the log back.
func (e *Entry) UnmarshalJSON(b []byte) error {
	var v struct {
		Time string `json:"time"`
		*entryJSON
	}
	v.entryJSON = (*entryJSON)(e)
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339, v.Time)
	if err != nil {
		return fmt.Errorf("audit entry time %q: %w", v.Time, err)
	}
	e.Time = t
	return nil
}

// Redacted is what a secret is replaced with.
const Redacted = "[redacted]"

// minSecretLen keeps a short secret (or an empty one) from shredding every
// text it appears in by accident.
const minSecretLen = 6

// secretParam reports whether a form field carries a secret, by Twilio's
// naming: SipAuthPassword, AuthToken, CallToken, an API secret...
func secretParam(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, "password") || strings.HasSuffix(n, "secret") ||
		strings.HasSuffix(n, "token")
}

// redactURL hides the password of a URL with credentials in it (Twilio
// accepts https://user:pass@host/ for callbacks), keeping the rest readable.
func redactURL(v string) (string, bool) {
	if !strings.Contains(v, "@") || !strings.Contains(v, "://") {
		return v, false
	}
	u, err := url.Parse(v)
	if err != nil || u.User == nil {
		return v, false
	}
	if _, has := u.User.Password(); !has {
		return v, false
	}
	return u.Redacted(), true
}

// redact returns a copy of e with secrets removed: secret parameters are
// replaced, passwords in URLs are hidden, and the values of both (and of
// extra, the credentials the Log was told about) are cut out of every other
// text field, in case an error message echoes them. It never modifies e's map.
// It also returns the secret values it found in the params, so that the
// action's result line can be scrubbed of them too.
func redact(e Entry, extra []string) (Entry, []string) {
	var found []string
	params := make(map[string]string, len(e.Params))
	for k, v := range e.Params {
		switch {
		case secretParam(k):
			params[k] = Redacted
			found = append(found, v)
		default:
			if r, ok := redactURL(v); ok {
				if u, err := url.Parse(v); err == nil {
					p, _ := u.User.Password()
					found = append(found, p)
				}
				v = r
			}
			params[k] = v
		}
	}
	secrets := append(append([]string(nil), extra...), found...)
	// Longest first, so a secret that contains another is cut whole.
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	scrub := func(s string) string {
		for _, sec := range secrets {
			if len(sec) >= minSecretLen && strings.Contains(s, sec) {
				s = strings.ReplaceAll(s, sec, Redacted)
			}
		}
		return s
	}
	for k, v := range params {
		if v != Redacted {
			params[k] = scrub(v)
		}
	}
	e.Params = params
	for _, f := range []*string{&e.ConferenceName, &e.Label, &e.Error, &e.RequestID,
		&e.AccountSID, &e.ConferenceSID, &e.CallSID} {
		*f = scrub(*f)
	}
	return e, found
}

// encodeLine turns e into one line of the file, newline included. The JSON
// comes from encoding/json; inert then escapes, inside the strings, what JSON
// leaves raw but a terminal would still act on.
func encodeLine(e Entry) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	b = inert(b)
	return append(b, '\n'), nil
}

// dangerous reports whether a rune should not appear raw in a file people
// read with cat: encoding/json already escapes C0 controls and U+2028/2029
// but leaves DEL, the C1 controls (U+009B is CSI on some terminals) and the
// format characters (bidi overrides, zero-width characters) as they are.
func dangerous(r rune) bool {
	return r == 0x7f || (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r)
}

// inert rewrites dangerous runes in encoded JSON as \u escapes. This is safe
// on any output of json.Marshal: such runes can only occur inside strings
// (the syntax is ASCII), and a \u escape decodes back to the same rune.
func inert(b []byte) []byte {
	clean := true
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if dangerous(r) {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		i += n
		if !dangerous(r) {
			out = append(out, b[i-n:i]...)
			continue
		}
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
			continue
		}
		out = fmt.Appendf(out, `\u%04x`, r)
	}
	return out
}

// Summary is a one-line description of the entry for the console's log view,
// safe to print as is: text from outside is quoted with every non-graphic
// rune escaped.
func (e Entry) Summary() string {
	var b strings.Builder
	b.WriteString(e.Time.UTC().Format("15:04:05"))
	b.WriteString(" " + string(e.Phase))
	b.WriteString(" " + word(string(e.Action)))
	if e.Batch != "" {
		b.WriteString(" (bulk " + strconv.QuoteToGraphic(e.Batch) + ")")
	}
	switch {
	case e.Label != "":
		b.WriteString(" " + strconv.QuoteToGraphic(e.Label))
	case e.CallSID != "":
		b.WriteString(" " + strconv.QuoteToGraphic(e.CallSID))
	}
	switch {
	case e.ConferenceName != "":
		b.WriteString(" in " + strconv.QuoteToGraphic(e.ConferenceName))
	case e.ConferenceSID != "":
		b.WriteString(" in " + strconv.QuoteToGraphic(e.ConferenceSID))
	}
	if e.Phase == PhaseResult {
		b.WriteString(": " + word(string(e.Outcome)))
		if e.ErrorCode != 0 {
			fmt.Fprintf(&b, " twilio %d", e.ErrorCode)
		}
		if e.Error != "" {
			b.WriteString(" " + strconv.QuoteToGraphic(e.Error))
		}
	}
	if !e.Written {
		b.WriteString(" (not in the file)")
	}
	return b.String()
}

// word prints one of the package's own names (an action, an outcome) bare,
// and anything else quoted, so a stray value cannot pass for a real one.
func word(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '-' {
			return strconv.QuoteToGraphic(s)
		}
	}
	return s
}

// FormParams flattens form fields as sent (url.Values) into Params; a field
// sent several times (StatusCallbackEvent) keeps its values in order,
// joined by spaces.
func FormParams(v url.Values) map[string]string {
	out := make(map[string]string, len(v))
	for k, vs := range v {
		out[k] = strings.Join(vs, " ")
	}
	return out
}
