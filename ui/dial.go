package ui

import (
	"context"
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/live"
	"confconsole/model"
)

// Dialling out from the conference list: the add form with the conference
// as its first field, a friendly name. Twilio joins the active conference
// of that name, or starts one when there is none; the console then opens
// the conference Twilio's answer names.

// dialReq is a valid dial the list asks the console to send.
type dialReq struct {
	name    string // the conference's friendly name, as typed
	existed bool   // the list showed an active conference of that name when it was sent
	params  api.CreateParticipant
}

// dialMsg is what became of a dial from the list.
type dialMsg struct {
	dialReq
	who        string // whom it dials, as the screen says it (already inert)
	conference string // the SID of the conference Twilio's answer names; "" without one
	err        error
	outcome    audit.Outcome
	auditErr   error
}

// openDial opens the dial form over the list, the selected conference's
// name filled in.
func (l *confList) openDial() {
	name := ""
	if len(l.rows) > 0 && l.selIdx < len(l.rows) {
		name = l.rows[l.selIdx].FriendlyName
	}
	f := NewDialForm(*l.fst, name)
	l.add = &f
}

// updateDial gives the open dial form a message, or takes its result.
func (l confList) updateDial(msg tea.Msg) (confList, tea.Cmd) {
	switch msg := msg.(type) {
	case formCancelMsg:
		l.add = nil
		return l, nil
	case addSubmitMsg:
		if l.add == nil {
			return l, nil
		}
		l.add = nil
		l.out.dial = &dialReq{name: msg.conference, existed: l.activeNamed(msg.conference), params: msg.params}
		return l, nil
	}
	if l.add == nil {
		return l, nil
	}
	f, cmd := l.add.Update(msg)
	l.add = &f
	return l, cmd
}

// activeNamed reports whether the list's last snapshot has a conference of
// this name that has not completed.
func (l *confList) activeNamed(name string) bool {
	for _, c := range l.confs {
		if c.FriendlyName == name && c.Status != model.ConferenceCompleted {
			return true
		}
	}
	return false
}

// dialScope is the audit scope of a dial into the conference called name:
// the name is all the intent knows; the result adds the SID Twilio answers
// with.
func (a *App) dialScope(name string) auditScope {
	d := a.roomDeps
	return auditScope{
		log: d.trail, account: a.opts.AccountSID, conferenceName: name, flights: d.flights,
		hub: d.hub, operator: d.operator, actor: d.actor, webhook: a.opts.Webhook,
	}
}

// dialCmd dials req.params.To into the conference req names, through the
// live state and the audit trail. With webhooks configured it subscribes
// the conference, which this participant may be the one to start.
func dialCmd(sc auditScope, req dialReq) tea.Cmd {
	p := sc.webhook.subscribe(req.params)
	who := p.Label
	if who == "" {
		who = p.To
	}
	who = model.DisplayN(who, 64)
	done := sc.flights.reserve()
	return func() tea.Msg {
		defer done()
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		var created model.Participant
		sc.conferenceOf = func() string { return created.ConferenceSID }
		res := sendAudited(ctx, sc, audit.Entry{
			Action: actAdd.auditAction(), Label: p.Label, Params: audit.FormParams(formOf(p.Form)),
		}, func(ctx context.Context) (string, error) {
			var err error
			created, err = sc.hub.AddByName(ctx, sc.operator, req.name, p)
			return created.CallSID, fromHub(err)
		})
		return dialMsg{dialReq: req, who: who, conference: created.ConferenceSID, err: res.err, outcome: res.outcome, auditErr: res.auditErr}
	}
}

// onDialled says how a dial from the list went and, when Twilio's answer
// names the conference and the list is still on screen, opens its room.
func (a App) onDialled(m dialMsg) (App, tea.Cmd) {
	a.noteAuditErr(m.auditErr)
	a.refreshLogView()
	note := auditNote(m.auditErr)
	into := model.DisplayN(m.name, 64)
	if !m.existed {
		into += " (new conference)"
	}
	switch m.outcome {
	case audit.OutcomeOK:
		text := fmt.Sprintf("dialling %s into %s", m.who, into)
		if m.err != nil {
			text += " (Twilio accepted it but its reply was unreadable: " + explain(m.err) + ")"
		}
		a.setFlash(text+note, m.err != nil || m.auditErr != nil)
		if m.conference == "" || a.screen != screenList {
			return a, nil // nothing to open, or the operator has moved on
		}
		conf := model.Conference{SID: m.conference, FriendlyName: m.name, Status: model.ConferenceInit}
		for _, c := range a.list.confs {
			if c.SID == m.conference {
				conf = c
			}
		}
		return a.openRoom(conf)
	case audit.OutcomeUnknown:
		a.setFlash(unknownText(actionMsg{kind: actAdd, name: m.who + " into " + into, err: m.err})+note, true)
		return a, nil
	}
	switch {
	case errors.Is(m.err, live.ErrNotSent):
		why := "its turn to reach Twilio did not come in time (Twilio asked this account to slow down)"
		if errors.Is(m.err, live.ErrClosed) {
			why = "the console was closing"
		}
		a.setFlash(fmt.Sprintf("add %s was not sent: %s; nothing was changed, try again shortly%s", m.who, why, note), true)
	case errors.Is(m.err, live.ErrBusy), errors.Is(m.err, live.ErrInvalidAction):
		a.setFlash(model.DisplayN(m.err.Error(), 300)+note, true)
	default:
		a.setFlash(fmt.Sprintf("add %s into %s failed: %s%s%s", m.who, model.DisplayN(m.name, 64), explain(m.err), nextStep(m.err), note), true)
	}
	return a, nil
}

// readOnlyRefusal is what a key read-only mode disabled answers.
func readOnlyRefusal(b key.Binding) string {
	h := b.Help()
	return fmt.Sprintf("read-only: %s (%s) is disabled", h.Key, h.Desc)
}
