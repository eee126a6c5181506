package ui

import (
	"context"
	"errors"
	"net"
	"net/url"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/live"
	"confconsole/model"
)

// Every action the console sends goes through the audit trail: an intent
// record before the request, a result record after it, both written in the
// command (never in Update, which must not wait for a disk sync).

// auditScope is what every record of one conference's actions shares,
// captured when a command is built so that the command never reads the model.
type auditScope struct {
	log            *audit.Log
	account        string
	conferenceSID  string
	conferenceName string // as Twilio has it; the log makes it inert
	flights        *flights
	hub            *live.Hub     // the live state actions are submitted to
	operator       live.Operator // who acts, set by whoever started the console
	actor          *audit.Actor  // the same for the trail; nil: the trail's own identity (the OS user)
	webhook        *Webhook      // nil: no status callbacks reach this console
	// conferenceOf, for an action on a conference given by name, is the
	// SID Twilio's answer named, asked after the call for the result
	// record; nil otherwise.
	conferenceOf func() string
}

// scope is the audit scope of the conference on screen.
func (r *room) scope() auditScope {
	return auditScope{
		log:            r.trail,
		account:        r.opts.AccountSID,
		conferenceSID:  r.conf.SID,
		conferenceName: r.conf.FriendlyName,
		flights:        r.flights,
		hub:            r.hub,
		operator:       r.operator,
		actor:          r.actor,
		webhook:        r.opts.Webhook,
	}
}

// auditAction is the trail's name for an action.
func (k actionKind) auditAction() audit.Action { return k.spec().audit }

// actionReq is one action on its way to Twilio.
type actionReq struct {
	kind    actionKind
	scope   auditScope
	callSID string // empty for conference-wide actions and for add
	label   string // the participant's label as Twilio has it, for the trail
	name    string // how the screen calls the participant (already inert)
	form    url.Values
	// send makes the one call; it returns the call SID it created (add).
	send func(ctx context.Context) (callSID string, err error)
}

// cmd sends the request between its intent and result records.
func (r actionReq) cmd() tea.Cmd {
	done := r.scope.flights.reserve()
	return func() tea.Msg {
		defer done()
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		// Polls sent before the request goes out cannot show it.
		var sent uint64
		if r.scope.hub != nil && r.scope.conferenceSID != "" {
			sent = r.scope.hub.PollsSent(r.scope.conferenceSID)
		}
		res := sendAudited(ctx, r.scope, audit.Entry{
			Action: r.kind.auditAction(), CallSID: r.callSID, Label: r.label,
			Params: audit.FormParams(r.form),
		}, r.send)
		callSID := r.callSID
		if res.callSID != "" {
			callSID = res.callSID
		}
		return actionMsg{
			kind: r.kind, conference: r.scope.conferenceSID, callSID: callSID, name: r.name,
			err: res.err, outcome: res.outcome, auditErr: res.auditErr, pollsSent: sent,
		}
	}
}

// sendResult is what one audited call came to.
type sendResult struct {
	callSID  string
	err      error
	outcome  audit.Outcome
	auditErr error // the first record that did not reach the file
}

// sendAudited writes the intent, makes the call with Twilio's request id and
// attempt count collected, and writes the result. The call is made even when
// the intent could not be written: a supervisor muting a caller must not be
// stopped by a full disk, but the screen says the record is missing.
func sendAudited(ctx context.Context, sc auditScope, e audit.Entry, send func(context.Context) (string, error)) sendResult {
	e.AccountSID, e.ConferenceSID, e.ConferenceName = sc.account, sc.conferenceSID, sc.conferenceName
	if !sc.flights.begin() {
		return sendResult{err: errQuitting, outcome: audit.OutcomeFailed}
	}
	if sc.actor != nil {
		ctx = audit.WithActor(ctx, *sc.actor)
	}
	id, ierr := sc.log.Intent(ctx, e)
	sc.flights.started(id, sc.log)
	var info api.ResponseInfo
	callSID, err := send(api.WithResponseInfo(ctx, &info))
	res := sendResult{callSID: callSID, err: err, outcome: outcomeOf(err), auditErr: ierr}
	if errors.Is(err, live.ErrBusy) || errors.Is(err, live.ErrNotSent) {
		res.outcome = audit.OutcomeFailed // refused or never sent: Twilio has not seen it
	}
	if err != nil && info.Status >= 200 && info.Status < 300 {
		// The status arrived and said yes; only the body broke off.
		res.outcome = audit.OutcomeOK
	}
	r := audit.Entry{Outcome: res.outcome, RequestID: info.RequestID, Attempts: info.Attempts}
	if callSID != "" && e.CallSID == "" {
		r.CallSID = callSID
	}
	if sc.conferenceOf != nil {
		r.ConferenceSID = sc.conferenceOf()
	}
	if err != nil {
		r.Error = explain(err)
		var ae *api.Error
		if errors.As(err, &ae) {
			r.ErrorCode = ae.Code
			if r.RequestID == "" {
				r.RequestID = ae.RequestID
			}
			if r.Attempts == 0 {
				r.Attempts = ae.Attempts
			}
		}
	}
	if !sc.flights.landing(id) {
		return res // the console quit first and recorded it as unknown
	}
	if rerr := sc.log.Result(ctx, id, r); rerr != nil && res.auditErr == nil {
		res.auditErr = rerr
	}
	sc.flights.landed()
	return res
}

// outcomeOf says what became of an action from the error its call returned.
// Twilio's 2xx with an unreadable body is ok (Twilio did it; only the reply
// was lost). Of the error answers, only 429 is documented as not processed
// and 4xx rejects the request, so both failed; any other 5xx (a 500, a
// gateway's 502 or 504, a proxy's HTML page) may come after the change was
// made, so it is unknown. A request that never left (a bad argument, a
// refused connection, an unknown host) failed; a request that left but got
// no answer (a timeout, a dropped connection) is unknown.
func outcomeOf(err error) audit.Outcome {
	if err == nil {
		return audit.OutcomeOK
	}
	var ae *api.Error
	if errors.Is(err, live.ErrInternal) {
		return audit.OutcomeUnknown // a panic may have come after the request left
	}
	if !errors.As(err, &ae) {
		return audit.OutcomeOf(err)
	}
	switch {
	case ae.Status >= 200 && ae.Status < 300:
		return audit.OutcomeOK
	case errors.Is(err, api.ErrRateLimited):
		return audit.OutcomeFailed
	case ae.Status >= 500:
		return audit.OutcomeUnknown
	case ae.Status != 0:
		return audit.OutcomeFailed
	case errors.Is(err, api.ErrInvalidArgument), errors.Is(err, api.ErrConfig), neverSent(err):
		return audit.OutcomeFailed
	}
	return audit.OutcomeUnknown
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

// formOf is the audit record's parameters for an operation's body; a body
// the client refuses to encode is recorded without parameters (the call
// fails the same way and the result says why).
func formOf(f func() (url.Values, error)) url.Values {
	v, err := f()
	if err != nil {
		return nil
	}
	return v
}

// submit sends an action through the live state, on behalf of the
// session's operator, so that actions on one participant go one at a time
// across every session and every session's feed says who did it.
func (sc auditScope) submit(ctx context.Context, a live.Action) (string, error) {
	return "", fromHub(sc.hub.Submit(ctx, sc.operator, sc.conferenceSID, a))
}

// fromHub is the client's own error inside the live state's wrapping, so the
// screen explains Twilio's answer as it always has; the live state's own
// refusals (another action pending, an action that never got its turn)
// stay as they are.
func fromHub(err error) error {
	if err == nil || errors.Is(err, live.ErrBusy) || errors.Is(err, live.ErrInvalidAction) || errors.Is(err, live.ErrNotSent) {
		return err
	}
	if inner := errors.Unwrap(err); inner != nil {
		return inner
	}
	return err
}

// updateParticipantCmd sends one participant update. u is what the live
// state sends for the kind, recorded in the trail as sent.
func updateParticipantCmd(sc auditScope, p model.Participant, name string, kind actionKind, u api.UpdateParticipant) tea.Cmd {
	a := live.Action{Kind: kind.spec().live, CallSID: p.CallSID, Label: p.Label, CoachCallSID: u.CallSIDToCoach}
	switch kind {
	case actHold:
		a.URL = u.HoldURL
	case actAnnounce:
		a.URL = u.AnnounceURL
	}
	return actionReq{
		kind: kind, scope: sc, callSID: p.CallSID, label: p.Label, name: name, form: formOf(u.Form),
		send: func(ctx context.Context) (string, error) { return sc.submit(ctx, a) },
	}.cmd()
}

// removeParticipantCmd removes one participant.
func removeParticipantCmd(sc auditScope, p model.Participant, name string) tea.Cmd {
	a := live.Action{Kind: live.Remove, CallSID: p.CallSID, Label: p.Label}
	return actionReq{
		kind: actRemove, scope: sc, callSID: p.CallSID, label: p.Label, name: name,
		send: func(ctx context.Context) (string, error) { return sc.submit(ctx, a) },
	}.cmd()
}

// addParticipantCmd dials a new participant into the conference.
// With webhooks configured it subscribes the conference, should this
// participant be the one that starts it.
func addParticipantCmd(sc auditScope, p api.CreateParticipant) tea.Cmd {
	p = sc.webhook.subscribe(p)
	name := p.Label
	if name == "" {
		name = p.To
	}
	return actionReq{
		kind: actAdd, scope: sc, label: p.Label, name: model.DisplayN(name, 64), form: formOf(p.Form),
		send: func(ctx context.Context) (string, error) {
			created, err := sc.hub.Add(ctx, sc.operator, sc.conferenceSID, p)
			return created.CallSID, fromHub(err)
		},
	}.cmd()
}

// updateConferenceCmd announces into, or ends, the conference.
func updateConferenceCmd(sc auditScope, name string, kind actionKind, u api.ConferenceUpdate) tea.Cmd {
	a := live.Action{Kind: kind.spec().live, URL: u.AnnounceURL}
	return actionReq{
		kind: kind, scope: sc, name: name, form: formOf(u.Form),
		send: func(ctx context.Context) (string, error) { return sc.submit(ctx, a) },
	}.cmd()
}

// recordingAction is the trail's name for setting the recording to status.
func recordingAction(status string) audit.Action {
	switch model.RecordingStatus(status) {
	case model.RecordingPaused:
		return audit.ActionRecordingPause
	case model.RecordingInProgress:
		return audit.ActionRecordingResume
	}
	return audit.ActionRecordingStop
}

// noteAuditErr remembers a record that did not reach the file, for the
// header badge and the log view; it is never cleared, because the file is
// missing that record for good.
func (a *App) noteAuditErr(err error) {
	if err != nil {
		a.auditErr = err
	}
}

// auditNote is what the flash adds when an action's record is missing.
func auditNote(err error) string {
	if err == nil {
		return ""
	}
	return "; NOT recorded in the audit log: " + model.DisplayN(err.Error(), 120)
}
