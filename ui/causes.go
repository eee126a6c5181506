package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	"confconsole/api"
	"confconsole/model"
)

// networkCause names a failure that happened below HTTP in plain words, with
// a short form for the status line: the raw error repeats the whole URL and
// hides the cause at its end. ok is false for any other error.
func networkCause(err error) (long, short string, ok bool) {
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status != 0 {
		return "", "", false
	}
	var dns *net.DNSError
	var op *net.OpError
	var ne net.Error
	reading := strings.Contains(err.Error(), "reading the HTTP")
	switch {
	case errors.As(err, &dns):
		return fmt.Sprintf("cannot look up %s (DNS: %s): check the network, or TWILIO_REGION and TWILIO_EDGE", model.DisplayN(dns.Name, 60), model.DisplayN(dns.Err, 60)),
			"DNS lookup failed", true
	case errors.Is(err, syscall.ECONNREFUSED):
		return "cannot connect to " + serverOf(err) + ": connection refused (check the network, or --api-url)", "connection refused", true
	case reading && (errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()):
		return "Twilio's reply stopped arriving before it was complete (timed out reading it)", "reply timed out", true
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "no answer from Twilio in time (timed out)", "timed out", true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		return "the connection dropped before Twilio's reply was complete", "connection dropped", true
	case errors.As(err, &op):
		return "network error: " + model.DisplayN(op.Err.Error(), 120), "network error", true
	}
	return "", "", false
}

// shortCause is the cause of a failed poll in a few words, for the end of
// the status line; the flash line has the whole explanation.
func shortCause(err error) string {
	switch {
	case errors.Is(err, api.ErrUnauthorized):
		return "credentials rejected (HTTP 401)"
	case errors.Is(err, api.ErrForbidden):
		return "access denied (HTTP 403)"
	case errors.Is(err, api.ErrRateLimited):
		return "throttled by Twilio (HTTP 429)"
	}
	if _, short, ok := networkCause(err); ok {
		return short
	}
	var ae *api.Error
	if !errors.As(err, &ae) {
		return model.DisplayN(err.Error(), 60)
	}
	switch {
	case errors.Is(err, api.ErrResponseTooLarge):
		return fmt.Sprintf("reply too large (HTTP %d)", ae.Status)
	case errors.Is(err, api.ErrBadResponse):
		return fmt.Sprintf("unreadable reply (HTTP %d)", ae.Status)
	case ae.Code != 0:
		return fmt.Sprintf("HTTP %d, twilio %d", ae.Status, ae.Code)
	case ae.Status != 0:
		return fmt.Sprintf("HTTP %d %s", ae.Status, http.StatusText(ae.Status))
	}
	return model.DisplayN(ae.Summary(), 60)
}

// pollFailedText is the flash for a poll that failed: the whole cause and
// what happens next, said once when polling starts to fail or the cause
// changes (the status line keeps the short form).
func pollFailedText(what string, err error) string {
	next := "the console keeps the last table on screen and tries again by itself"
	switch classify(err).kind {
	case errAuth:
		next = "fix the credentials and restart; the console tries again every " + authBackoff.String()
	case errThrottled:
		next = "the console polls less often until Twilio lets it through"
	}
	return fmt.Sprintf("could not update %s: %s; %s", what, explain(err), next)
}

// notePollFailure says a poll failed with err after one that failed with
// prev (nil when it had not): when polling starts to fail or fails for a
// new reason, in full on the flash line, unless the flash is showing an
// error of its own (an action's failure says more).
func (r *room) notePollFailure(prev error, what string, err error) {
	if text, ok := pollFailureFlash(r.flash, prev, what, err); ok {
		r.setFlash(text, true)
	}
}

// flashPollFailure is notePollFailure's flash, for a poll that failed with
// err after one that failed with prev (nil when it had not).
func (a *App) flashPollFailure(prev error, what string, err error) {
	if text, ok := pollFailureFlash(a.flash, prev, what, err); ok {
		a.setFlash(text, true)
	}
}

// pollFailureFlash is the flash for a poll that failed with err after one
// that failed with prev, and whether to show it over cur.
func pollFailureFlash(cur flash, prev error, what string, err error) (string, bool) {
	if prev != nil && shortCause(prev) == shortCause(err) {
		return "", false
	}
	if cur.text != "" && cur.isErr {
		return "", false
	}
	return pollFailedText(what, err), true
}

// htmlCause names an error page that came from something between the
// console and Twilio (a proxy, a captive portal): Twilio answers in JSON,
// so an HTML page is worth saying plainly, with its title rather than its
// markup.
func htmlCause(err error) (string, bool) {
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Status == 0 || ae.Code != 0 {
		return "", false
	}
	low := strings.ToLower(ae.Snippet)
	if !strings.HasPrefix(low, "<!doctype html") && !strings.HasPrefix(low, "<html") {
		return "", false
	}
	what := fmt.Sprintf("HTTP %d %s", ae.Status, http.StatusText(ae.Status))
	if i := strings.Index(low, "<title>"); i >= 0 {
		if j := strings.Index(low[i:], "</title>"); j > len("<title>") {
			what += " (page titled " + strconvQuote(ae.Snippet[i+len("<title>"):i+j]) + ")"
		}
	}
	return what + ", an HTML page from something between the console and Twilio, such as a proxy", true
}

// strconvQuote quotes text from outside for a message, inert.
func strconvQuote(s string) string { return `"` + model.DisplayN(strings.TrimSpace(s), 60) + `"` }

// serverOf names the server a failed request went to, scheme and host
// (http://127.0.0.1:8765), so a refused connection says where it tried:
// Twilio's address or whatever --api-url named. "Twilio" when the error does
// not carry the URL.
func serverOf(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return "Twilio"
	}
	u, perr := url.Parse(ue.URL)
	if perr != nil || u.Host == "" {
		return "Twilio"
	}
	return model.DisplayN(u.Scheme+"://"+u.Host, 80)
}
