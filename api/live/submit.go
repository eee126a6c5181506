package live

import (
	"context"
	"fmt"
	"time"
)

// Submit applies an action to the conference with this SID on behalf of
// by, and returns when Twilio has answered (nil: accepted). Actions on one
// participant go one at a time whoever sends them: while one is pending,
// another on the same participant is refused at once with a *BusyError
// naming who has what pending (errors.Is(err, ErrBusy)); the conference-wide
// actions likewise go one at a time per conference.
//
// ctx bounds the wait for a turn at the Gate, as does Close: an action not
// sent yet when the Hub closes is not sent. Once the request is sent it
// runs to its answer (bounded by Options.RequestTimeout) even if ctx ends,
// so a session that disconnects cannot leave an action half-known; Close
// waits for it. The request is sent once: the client retries a write only
// on 429, which Twilio did not process.
//
// Every watcher of the room sees the action pending in its snapshots, then
// an event saying who did what ("alice muted customer-7") or why it failed,
// and the room is polled at once to show the result.
func (h *Hub) Submit(ctx context.Context, by Operator, conferenceSID string, a Action) error {
	if err := checkConference(conferenceSID); err != nil {
		return fmt.Errorf("%s: %w", a.attempt(), err)
	}
	if err := a.check(); err != nil {
		return err
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return fmt.Errorf("%s: %w", a.attempt(), ErrClosed)
	}
	for _, p := range h.pending[conferenceSID] {
		if p.Action.target() == a.target() {
			h.mu.Unlock()
			return &BusyError{Tried: a, Pending: p}
		}
	}
	mine := Pending{By: by, Action: a, Since: time.Now()}
	h.pending[conferenceSID] = append(h.pending[conferenceSID], mine)
	h.wg.Add(1) // Close waits for this action
	if r := h.rooms[conferenceSID]; r != nil {
		h.publishRoom(r)
	}
	h.mu.Unlock()
	defer h.wg.Done()

	// The wait for a turn ends with the caller's context or with the Hub:
	// an action not yet sent when the Hub closes is not sent at all.
	wait, stopWaiting := context.WithCancel(ctx)
	defer stopWaiting()
	defer context.AfterFunc(h.ctx, stopWaiting)()

	spec, _ := a.Kind.spec()
	sent := false
	err := h.call(wait, PriorityAction, func(turn context.Context) error {
		sent = true
		rctx, cancel := context.WithTimeout(context.WithoutCancel(turn), h.opts.RequestTimeout)
		defer cancel()
		return spec.apply(rctx, h.svc, conferenceSID, a)
	})

	h.mu.Lock()
	defer h.mu.Unlock()
	h.pending[conferenceSID] = removePending(h.pending[conferenceSID], a.target())
	if len(h.pending[conferenceSID]) == 0 {
		delete(h.pending, conferenceSID)
	}
	r := h.rooms[conferenceSID]
	if r != nil {
		if sent { // nothing sent, nothing to tell the team
			r.addEvents(h.opts.EventCapacity, Event{At: time.Now(), By: by, Action: a, Err: err})
			signal(r.kick)
		}
		h.publishRoom(r)
	}
	if err == nil {
		return nil
	}
	switch {
	case !sent && h.ctx.Err() != nil && ctx.Err() == nil:
		return fmt.Errorf("%s: not sent: %w", a.attempt(), ErrClosed)
	case !sent:
		return fmt.Errorf("%s: not sent: %w", a.attempt(), err)
	}
	return &actionError{what: a.attempt(), err: err}
}

// actionError reads "mute customer-7: twilio 20404 (HTTP 404): ..."
// rather than repeating the request's own operation and call SID, and
// still matches the client's errors with errors.Is and errors.As.
type actionError struct {
	what string
	err  error
}

func (e *actionError) Error() string { return e.what + ": " + summary(e.err) }
func (e *actionError) Unwrap() error { return e.err }

func removePending(ps []Pending, target string) []Pending {
	for i, p := range ps {
		if p.Action.target() == target {
			return append(ps[:i:i], ps[i+1:]...)
		}
	}
	return ps
}
