package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors to test with errors.Is. An *Error matches the HTTP ones by
// Twilio code or HTTP status, whichever the server gave.
var (
	// ErrNotFound: Twilio code 20404 or HTTP 404 (the conference ended, the
	// participant left, a label nobody has).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: Twilio code 20003 or HTTP 401 (wrong SID, token or key).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: HTTP 403 (the credential may not do this).
	ErrForbidden = errors.New("forbidden")
	// ErrRateLimited: Twilio code 20429 or HTTP 429, after the retries the
	// policy allowed. The request was not processed.
	ErrRateLimited = errors.New("rate limited")
	// ErrConfig: the Config (or the environment) is incomplete or invalid;
	// the message says which value to fix.
	ErrConfig = errors.New("invalid twilio configuration")
	// ErrInvalidArgument: an argument was rejected before anything was sent
	// (a malformed SID, an empty To, a page size out of range).
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrBadResponse: a successful status came with a body that is not the
	// JSON expected (not JSON, truncated, wrong content type, too large).
	ErrBadResponse = errors.New("bad response from twilio")
	// ErrResponseTooLarge: the body exceeded Config.MaxBodyBytes; it also
	// matches ErrBadResponse.
	ErrResponseTooLarge = errors.New("response too large")
)

// Operation names one client operation, for error messages and audit logs.
type Operation string

// The operations of the client, one per method.
const (
	OpListConferences   Operation = "list conferences"
	OpFetchConference   Operation = "fetch conference"
	OpUpdateConference  Operation = "update conference"
	OpListParticipants  Operation = "list participants"
	OpFetchParticipant  Operation = "fetch participant"
	OpCreateParticipant Operation = "create participant"
	OpUpdateParticipant Operation = "update participant"
	OpDeleteParticipant Operation = "delete participant"
	OpListRecordings    Operation = "list recordings"
	OpUpdateRecording   Operation = "update recording"
)

// Error is every error the client's operations return: what was being done,
// and whichever of Twilio's answer, the HTTP status, or the underlying cause
// (transport failure, bad body, cancelled context) explains the failure.
type Error struct {
	Op     Operation
	Target string // the SID, label or friendly name acted on; may be empty
	// Status is the HTTP status of the last response; 0 when none arrived
	// (connection refused, timeout) or nothing was sent (bad argument).
	Status    int
	Code      int    // Twilio's error code; 0 when the body did not carry one
	Message   string // Twilio's message, stripped of control characters
	MoreInfo  string // Twilio's documentation link for Code
	RequestID string // the Twilio-Request-Id header of the last response
	// Snippet is the start of a body that was not a Twilio error document
	// (an HTML page from a proxy, say), stripped of control characters.
	Snippet  string
	Attempts int   // HTTP requests sent for this operation, retries included
	Err      error // the cause, if any: transport error, context error, ErrBadResponse...

	retryAfter time.Duration
}

// Error reads like `update participant "agent-7": twilio 20404 (HTTP 404):
// The requested resource ... was not found`: the operation, its target, and
// Summary.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Op))
	if e.Target != "" {
		fmt.Fprintf(&b, " %q", e.Target)
	}
	b.WriteString(": ")
	b.WriteString(e.Summary())
	return b.String()
}

// Summary is the message without the operation and target, for a screen that
// already shows what was acted on: Twilio's code and message, or the HTTP
// status and the start of the body, or the cause, on one terminal-safe line.
func (e *Error) Summary() string {
	cause := ""
	if e.Err != nil {
		cause = sanitize(e.Err.Error(), 400)
	}
	var b strings.Builder
	switch {
	case e.Status >= 200 && e.Status < 300 && e.Err != nil:
		// The call itself went through; what failed is the reply.
		fmt.Fprintf(&b, "%s (HTTP %d)", cause, e.Status)
		return b.String()
	case e.Status == 0:
		if cause == "" {
			cause = "failed"
		}
		return cause
	case e.Code != 0:
		fmt.Fprintf(&b, "twilio %d (HTTP %d)", e.Code, e.Status)
		if e.Message != "" {
			b.WriteString(": " + e.Message)
		}
	default:
		fmt.Fprintf(&b, "HTTP %d", e.Status)
		if t := http.StatusText(e.Status); t != "" {
			b.WriteString(" " + t)
		}
		switch {
		case e.Message != "":
			b.WriteString(": " + e.Message)
		case e.Snippet != "":
			b.WriteString(": " + e.Snippet)
		case cause == "":
			b.WriteString(" with an empty body")
		}
	}
	if cause != "" {
		b.WriteString(" (" + cause + ")")
	}
	return b.String()
}

// RetryAfter is the wait the server asked for with its last Retry-After
// header (zero when it sent none): a console that polls can wait that long
// before its next request.
func (e *Error) RetryAfter() time.Duration { return e.retryAfter }

// Unwrap gives errors.Is and errors.As the cause, so that
// errors.Is(err, context.DeadlineExceeded) holds after a timeout.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinels by Twilio code or HTTP status.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Code == 20404 || e.Status == http.StatusNotFound
	case ErrUnauthorized:
		return e.Code == 20003 || e.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrRateLimited:
		return e.Code == 20429 || e.Status == http.StatusTooManyRequests
	}
	return false
}

// Temporary reports whether trying again later may succeed: rate limits,
// server errors and transport failures, but not a rejected request.
func (e *Error) Temporary() bool {
	if e.Status == 0 {
		return e.Err != nil && !errors.Is(e.Err, ErrInvalidArgument) && !errors.Is(e.Err, ErrConfig) &&
			!errors.Is(e.Err, context.Canceled) // the caller gave up; trying again is their call
	}
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// sanitize makes text from the network safe to show in a terminal: invalid
// UTF-8 and control characters (escape sequences included) become spaces,
// runs of space collapse, and the result is cut to max runes.
func sanitize(s string, max int) string {
	var b strings.Builder
	space := false
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.IsSpace(r) ||
			unicode.In(r, unicode.Cf) { // bidi overrides and the like
			space = b.Len() > 0
			continue
		}
		if space {
			if n+1 >= max {
				b.WriteString("…")
				return b.String()
			}
			b.WriteByte(' ')
			n++
			space = false
		}
		if n >= max {
			b.WriteString("…")
			return b.String()
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// scrub makes text from the network fit to show: sanitized and cut to max
// runes, with the secrets taken out both before (so the cut cannot leave a
// secret's prefix behind) and after (dropping control characters could join
// the pieces of a secret that was sent split by them).
func scrub(s string, max int, secrets []string) string {
	return redact(sanitize(redact(s, secrets), max), secrets)
}

// snippetRunes is how much of a non-Twilio error body an error shows.
const snippetRunes = 120

// redact removes each secret (and nothing shorter than 6 bytes, so an empty
// or tiny string cannot shred a message) from s.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 6 && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}
