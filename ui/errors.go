package ui

import (
	"context"
	"errors"
	"time"

	"confconsole/api"
	"confconsole/model"
)

type errKind int

const (
	errOther     errKind = iota
	errAuth              // wrong credentials: retrying soon will not help
	errThrottled         // 429: Twilio asked us to slow down
	errServer            // 5xx or no answer: Twilio or the network is unwell
	errNotFound          // the conference or participant is gone
)

type errClass struct {
	kind       errKind
	retryAfter time.Duration // the delay the server asked for, when it said
}

// retryAfterer is implemented by errors that carry the server's Retry-After;
// the poll back-off then waits at least that long.
type retryAfterer interface {
	RetryAfter() time.Duration
}

// classify sorts an error into what the console does about it.
func classify(err error) errClass {
	var c errClass
	if err == nil {
		return c
	}
	var ra retryAfterer
	if errors.As(err, &ra) {
		c.retryAfter = ra.RetryAfter()
	}
	var ae *api.Error
	switch {
	case errors.Is(err, api.ErrUnauthorized), errors.Is(err, api.ErrForbidden):
		c.kind = errAuth
	case errors.Is(err, api.ErrRateLimited):
		c.kind = errThrottled
	case errors.Is(err, api.ErrNotFound):
		c.kind = errNotFound
	case errors.As(err, &ae) && (ae.Status >= 500 || ae.Status == 0):
		c.kind = errServer
	case errors.Is(err, context.DeadlineExceeded):
		c.kind = errServer
	}
	return c
}

// isNotFound reports a 404 from Twilio: a participant who left, a conference
// that is gone.
func isNotFound(err error) bool { return errors.Is(err, api.ErrNotFound) }

// explain turns an error into the one line the user reads: plain words for
// the cases with a clear remedy, Twilio's code and message otherwise.
func explain(err error) string {
	if err == nil {
		return ""
	}
	switch {
	case errors.Is(err, api.ErrUnauthorized):
		return "Twilio rejected the credentials (wrong account SID, auth token or API key): check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN or TWILIO_API_KEY/SECRET"
	case errors.Is(err, api.ErrForbidden):
		return "these credentials may not do that (HTTP 403): use a key with access to the account's calls"
	case errors.Is(err, api.ErrRateLimited):
		return "Twilio is throttling requests (20429): " + summary(err)
	}
	if long, _, ok := networkCause(err); ok {
		return long
	}
	if s, ok := htmlCause(err); ok {
		return s
	}
	return summary(err)
}

// summary is Twilio's code and message without the operation and target
// the screen already shows, on one terminal-safe line.
func summary(err error) string {
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae.Summary()
	}
	return model.DisplayN(err.Error(), 300)
}
