package sim

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// A participant's own call StatusCallback. A CreateParticipant that names
// StatusCallback gets the call's progress there, as Twilio sends it: the
// events asked for with StatusCallbackEvent (initiated, ringing, answered,
// completed; default completed), each with CallStatus, a SequenceNumber
// counted per call from 0, and an X-Twilio-Signature made like the
// conference callbacks'.

// readStatusCallback reads the call's StatusCallback settings of a create
// request that checkCreateExtras found valid; nil when none is asked for.
func readStatusCallback(f *formReader) *callbackConfig {
	u, ok := f.str("StatusCallback")
	if !ok || u == "" {
		return nil
	}
	cb := &callbackConfig{url: u, method: http.MethodPost, events: map[string]bool{}}
	if m, ok := f.str("StatusCallbackMethod"); ok && strings.EqualFold(m, http.MethodGet) {
		cb.method = http.MethodGet
	}
	events := f.list("StatusCallbackEvent", CodeBadRequest)
	if len(events) == 0 {
		events = []string{"completed"} // Twilio's default
	}
	for _, e := range events {
		cb.events[e] = true
	}
	return cb
}

// emitCall queues the call's StatusCallback for event (initiated, ringing,
// answered, completed) with CallStatus status, if the call asked for it.
// Callers hold s.mu.
func (s *Server) emitCall(c *conference, p *participant, event, status string, at time.Time) {
	cb := p.statusCB
	if cb == nil || !cb.events[event] {
		return
	}
	a := s.accounts[c.accountSID]
	if a == nil {
		return
	}
	v := url.Values{
		"AccountSid":     {c.accountSID},
		"CallSid":        {p.callSID},
		"CallStatus":     {status},
		"From":           {p.from},
		"To":             {p.to},
		"Direction":      {"outbound-api"},
		"ApiVersion":     {"2010-04-01"},
		"CallbackSource": {"call-progress-events"},
		"Timestamp":      {formatDate(at)},
		"SequenceNumber": {strconv.Itoa(p.statusSeq)},
	}
	p.statusSeq++
	if event == "completed" {
		d := 0
		if !p.answered.IsZero() {
			d = int(at.Sub(p.answered).Round(time.Second) / time.Second)
		}
		v.Set("CallDuration", strconv.Itoa(d))
	}
	s.outbox = append(s.outbox, callback{url: cb.url, method: cb.method, token: a.token, params: v})
}

// emitCallEnd reports the end of a call that had not failed: completed when
// it was answered, canceled when it was still being dialled.
func (s *Server) emitCallEnd(c *conference, p *participant, answered bool, at time.Time) {
	status := "completed"
	if !answered && p.answered.IsZero() {
		status = "canceled"
	}
	s.emitCall(c, p, "completed", status, at)
}
