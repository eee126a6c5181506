package live

import (
	"context"
	"errors"
	"net"

	"confconsole/api"
)

// Outcome is what became of an action, as its event tells.
type Outcome int

// The outcomes of an action.
const (
	// Done: Twilio accepted it.
	Done Outcome = iota + 1
	// Failed: Twilio refused it, or it never left (Event.Err says why).
	Failed
	// Unclear: no answer came, or one that does not say (a 5xx may come
	// after the change was made); the next polls tell.
	Unclear
	// NotSeen: the polls after it never showed the change.
	NotSeen
)

// outcomeOf says what became of an action from the error its request
// returned. Of the error answers, only 429 is documented as not processed
// and a 4xx rejects the request, so both failed; any other 5xx may come
// after the change was made, so it is unclear. A 2xx with an unreadable
// body was done. A request that never left failed; one that left and got
// no answer (a timeout, a dropped connection) is unclear.
func outcomeOf(err error) Outcome {
	if err == nil {
		return Done
	}
	var ae *api.Error
	if !errors.As(err, &ae) {
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
			(errors.As(err, &ne) && ne.Timeout()) || errors.Is(err, ErrInternal) {
			return Unclear // a panic may have come after the request left
		}
		return Failed
	}
	switch {
	case ae.Status >= 200 && ae.Status < 300:
		return Done
	case errors.Is(err, api.ErrRateLimited):
		return Failed
	case ae.Status >= 500:
		return Unclear
	case ae.Status != 0:
		return Failed
	case errors.Is(err, api.ErrInvalidArgument), errors.Is(err, api.ErrConfig), neverSent(err):
		return Failed
	}
	return Unclear
}

// neverSent reports a transport failure before any byte of the request
// left: the name did not resolve or the connection was refused.
func neverSent(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
