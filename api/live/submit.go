package live

import (
	"context"
	"errors"
	"fmt"
	"time"

	"confconsole/api"
	"confconsole/model"
)

// Submit applies an action to the conference with this SID on behalf of
// by, and returns when Twilio has answered (nil: accepted; an error holding
// an *api.Error of a 2xx status: accepted, but the answer could not be
// read, which the caller may want to say). Actions on one
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
// and the room is polled at once to show the result. An answered action
// stays pending until a poll shows it done; after ConfirmPolls polls that do
// not, an event says so and the participant is free again. An answer that
// does not say whether the action was done (no answer, or a 5xx) is
// returned as an error, and the polls tell the rest.
func (h *Hub) Submit(ctx context.Context, by Operator, conferenceSID string, a Action) error {
	if a.Kind == AddParticipant {
		return fmt.Errorf("%w: %s is sent with Hub.Add, which returns the participant created", ErrInvalidAction, a.Kind)
	}
	return h.submit(ctx, by, conferenceSID, a, submitOpts{remember: true, unreadable: true})
}

// Add dials p.To into the conference with this SID on behalf of by, as
// Submit applies an action (one add of a number at a time, sent once, an
// event every watcher sees), and returns the participant Twilio created.
func (h *Hub) Add(ctx context.Context, by Operator, conferenceSID string, p api.CreateParticipant) (model.Participant, error) {
	var created model.Participant
	err := h.submit(ctx, by, conferenceSID, Action{Kind: AddParticipant, Label: p.Label, To: p.To}, submitOpts{
		unreadable: true,
		apply: func(ctx context.Context) error {
			var err error
			created, err = h.svc.CreateParticipant(ctx, conferenceSID, p)
			return err
		},
	})
	return created, err
}

// AddByName dials p.To into the conference with this friendly name on
// behalf of by, as Add does (sent once, one add of a number at a time into
// a name, the event in the room every watcher sees), and returns the
// participant Twilio created, whose ConferenceSID names the conference.
// Twilio starts a new conference when no active one has the name, and
// joins the active one when one does. A conference SID given as the name
// is passed to Add.
func (h *Hub) AddByName(ctx context.Context, by Operator, name string, p api.CreateParticipant) (model.Participant, error) {
	if isConferenceSID(name) {
		return h.Add(ctx, by, name, p)
	}
	if sid := h.activeNamed(name); sid != "" {
		// Twilio joins the active conference of that name: the same as an
		// add in its room, and checked against the adds pending there, so
		// a number dialled from the room and from the list at once is
		// dialled once.
		return h.Add(ctx, by, sid, p)
	}
	a := Action{Kind: AddParticipant, Label: p.Label, To: p.To}
	if err := model.ValidateConferenceName(name); err != nil {
		return model.Participant{}, fmt.Errorf("%w: %s: conference name %w", ErrInvalidAction, a.attempt(), err)
	}
	var created model.Participant
	err := h.submit(ctx, by, name, a, submitOpts{
		unreadable: true,
		apply: func(ctx context.Context) error {
			var err error
			created, err = h.svc.CreateParticipant(ctx, name, p)
			return err
		},
		named: func() string { return created.ConferenceSID },
	})
	return created, err
}

// activeNamed is the SID of the one in-progress conference called name in
// the last conference list polled, or "" when the list is not watched, or
// no conference, or more than one, has that name.
func (h *Hub) activeNamed(name string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range []*confFeed{h.list, h.recent} {
		if l == nil || !l.has {
			continue
		}
		sid := ""
		for _, c := range l.latest.Conferences {
			if c.FriendlyName != name || c.Status != model.ConferenceInProgress {
				continue
			}
			if sid != "" {
				return ""
			}
			sid = c.SID
		}
		if sid != "" {
			return sid
		}
	}
	return ""
}

// pendingByName is the key of h.pending for actions on a conference given
// by friendly name: never a SID, so never a room's.
func pendingByName(name string) string { return "name:" + name }

// submit is Submit, with the extras a batch and undo need (submitOpts).
func (h *Hub) submit(ctx context.Context, by Operator, conferenceSID string, a Action, o submitOpts) error {
	if o.named != nil {
		conferenceSID = pendingByName(conferenceSID)
	} else if err := checkConference(conferenceSID); err != nil {
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
	if o.inState != nil {
		if err := o.inState(h.rooms[conferenceSID]); err != nil {
			h.mu.Unlock()
			return fmt.Errorf("%s: %w", a.attempt(), err)
		}
	}
	prior := h.priorCoach(conferenceSID, a)
	mine := Pending{By: by, Action: a, Since: h.now()}
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
		if o.apply != nil {
			return o.apply(rctx)
		}
		return spec.apply(rctx, h.svc, conferenceSID, a)
	})

	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[conferenceSID]
	if o.named != nil {
		r = h.rooms[o.named()] // nil until Twilio names it, or when nobody watches it
	}
	out := outcomeOf(err)
	if !sent {
		out = Failed
	}
	// Once answered, an action a poll can show stays pending until one
	// does; without a poller running nothing would ever show it.
	if confirm := sent && (out == Done || out == Unclear) && spec.shows != nil && r != nil && !r.ended; confirm {
		h.answered(conferenceSID, a.target(), out)
	} else {
		h.dropPending(conferenceSID, a.target())
	}
	if r != nil {
		if sent { // nothing sent, nothing to tell the team
			r.addEvents(h.opts.EventCapacity, Event{At: h.now(), By: by, Action: a, Outcome: out, Err: err})
			if a.Kind.isRecording() {
				r.recordingAnswered(a.Kind, out)
			}
			signal(r.kick)
		}
		h.publishRoom(r)
	}
	if sent && (out == Done || out == Unclear) {
		h.noteChange(by, conferenceSID, a)
		if o.remember {
			h.rememberAction(by, conferenceSID, a, prior)
		}
	}
	if err == nil || (out == Done && !o.unreadable) {
		return nil
	}
	switch {
	case !sent && h.ctx.Err() != nil && ctx.Err() == nil:
		return fmt.Errorf("%s: %w: %w", a.attempt(), ErrNotSent, ErrClosed)
	case !sent:
		return fmt.Errorf("%s: %w: %w", a.attempt(), ErrNotSent, err)
	}
	return &actionError{what: a.attempt(), err: err}
}

// ErrNotSent is matched (errors.Is) by Submit's error for an action that
// never left: its turn at the gate did not come before its context ended or
// the Hub closed. Twilio has not seen it, so it failed, and trying again is
// safe.
var ErrNotSent = errors.New("not sent")

// actionError reads "mute customer-7: twilio 20404 (HTTP 404): ..."
// rather than repeating the request's own operation and call SID, and
// still matches the client's errors with errors.Is and errors.As.
type actionError struct {
	what string
	err  error
}

func (e *actionError) Error() string { return e.what + ": " + summary(e.err) }
func (e *actionError) Unwrap() error { return e.err }

// answered marks the pending action on target as answered with out.
// Called with h.mu held.
func (h *Hub) answered(conf, target string, out Outcome) {
	for i, p := range h.pending[conf] {
		if p.Action.target() == target {
			h.pending[conf][i].Answered, h.pending[conf][i].Outcome = true, out
			return
		}
	}
}

// dropPending forgets the pending action on target. Called with h.mu held.
func (h *Hub) dropPending(conf, target string) {
	ps := h.pending[conf]
	for i, p := range ps {
		if p.Action.target() == target {
			ps = append(ps[:i:i], ps[i+1:]...)
			break
		}
	}
	if len(ps) == 0 {
		delete(h.pending, conf)
		return
	}
	h.pending[conf] = ps
}

// dropAnswered forgets the answered actions of a conference no poll will
// confirm any more (it ended, or nobody watches it). Called with h.mu held.
func (h *Hub) dropAnswered(conf string) {
	var keep []Pending
	for _, p := range h.pending[conf] {
		if !p.Answered {
			keep = append(keep, p)
		}
	}
	if len(keep) == 0 {
		delete(h.pending, conf)
		return
	}
	h.pending[conf] = keep
}

// confirm checks the answered actions of r against a poll's participants:
// one the poll shows done is no longer pending; one that ConfirmPolls
// polls have not shown is dropped with an event saying so. Called with
// h.mu held.
func (r *room) confirm(h *Hub, ps []model.Participant, now time.Time) {
	byCall := make(map[string]model.Participant, len(ps))
	for _, p := range ps {
		byCall[p.CallSID] = p
	}
	var keep []Pending
	for _, pa := range h.pending[r.conf] {
		if !pa.Answered {
			keep = append(keep, pa)
			continue
		}
		spec, _ := pa.Action.Kind.spec()
		p, present := byCall[pa.Action.CallSID]
		if spec.shows(p, present, pa.Action) {
			continue
		}
		if pa.polls++; pa.polls >= ConfirmPolls {
			var was error
			if pa.Outcome == Unclear {
				was = errUnclear
			}
			r.addEvents(h.opts.EventCapacity, Event{At: now, By: pa.By, Action: pa.Action, Outcome: NotSeen, Err: was})
			continue
		}
		keep = append(keep, pa)
	}
	if len(keep) == 0 {
		delete(h.pending, r.conf)
		return
	}
	h.pending[r.conf] = keep
}

// errUnclear stands, in a NotSeen event, for an answer that did not say.
var errUnclear = errors.New("the answer did not say whether it was done")
