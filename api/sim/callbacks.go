package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"confconsole/api"
)

// Conference status callbacks. A conference opened by a CreateParticipant
// that named a ConferenceStatusCallback reports its events to that URL, as
// Twilio does: only the first participant's callback settings count, the
// events are those subscribed with ConferenceStatusCallbackEvent (default
// "start end"), each request carries SequenceNumber and an X-Twilio-Signature
// made with the account's auth token. Requests are sent in order, one at a
// time, after the simulator's lock is released; a failed delivery is logged
// and not retried.

// callbackTimeout bounds one callback request.
const callbackTimeout = 5 * time.Second

// callbackSubscription names the ConferenceStatusCallbackEvent value that
// subscribes to event ("" for an event no value subscribes to).
func callbackSubscription(event string) string {
	switch event {
	case "conference-start":
		return "start"
	case "conference-end":
		return "end"
	case "participant-join":
		return "join"
	case "participant-leave":
		return "leave"
	case "participant-mute", "participant-unmute":
		return "mute"
	case "participant-hold", "participant-unhold":
		return "hold"
	case "participant-modify":
		return "modify"
	case "participant-speech-start", "participant-speech-stop":
		return "speaker"
	case "announcement-end", "announcement-fail":
		return "announcement"
	}
	return ""
}

// callbackConfig is where and how a conference reports its events.
type callbackConfig struct {
	url    string
	method string          // GET or POST
	events map[string]bool // subscribed ConferenceStatusCallbackEvent values
}

// callback is one request to send.
type callback struct {
	url    string
	method string
	token  string // the account's auth token, to sign with
	params url.Values
	fetch  *announceFetch // when set, an announcement to fetch instead
}

// emit queues event for c's callback URL, if c has one subscribed to it.
// Callers hold s.mu.
func (s *Server) emit(c *conference, event string, at time.Time, p *participant, extra ...string) {
	cb := c.callback
	if cb == nil || !cb.events[callbackSubscription(event)] {
		return
	}
	a := s.accounts[c.accountSID]
	if a == nil {
		return
	}
	c.callbackSeq++
	v := url.Values{
		"AccountSid":          {c.accountSID},
		"ConferenceSid":       {c.sid},
		"FriendlyName":        {c.friendlyName},
		"StatusCallbackEvent": {event},
		"Timestamp":           {formatDate(at)},
		"SequenceNumber":      {strconv.Itoa(c.callbackSeq)},
	}
	if p != nil {
		v.Set("CallSid", p.callSID)
		v.Set("Muted", strconv.FormatBool(p.muted))
		v.Set("Hold", strconv.FormatBool(p.hold))
		v.Set("Coaching", strconv.FormatBool(p.coaching))
		v.Set("EndConferenceOnExit", strconv.FormatBool(p.endOnExit))
		v.Set("StartConferenceOnEnter", strconv.FormatBool(p.startOnEnter))
		if p.coachSID != "" {
			v.Set("CallSidToCoach", p.coachSID)
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] != "" {
			v.Set(extra[i], extra[i+1])
		}
	}
	s.outbox = append(s.outbox, callback{url: cb.url, method: cb.method, token: a.token, params: v})
}

// unlock releases s.mu and hands the callbacks queued meanwhile to the
// sender, so no network request is ever made under the lock. They join the
// sender's queue before s.mu is released: otherwise a request that takes
// the lock next could queue its callbacks first, and a conference's
// SequenceNumbers would arrive out of order.
func (s *Server) unlock() {
	batch := s.outbox
	s.outbox = nil
	if len(batch) == 0 {
		s.mu.Unlock()
		return
	}
	s.cbMu.Lock() // always after s.mu, never the other way round
	s.cbPending = append(s.cbPending, batch...)
	start := !s.cbSending
	s.cbSending = true
	s.cbMu.Unlock()
	s.mu.Unlock()
	if start {
		go s.sendCallbacks()
	}
}

// sendCallbacks sends queued callbacks in order until none are left; at most
// one runs at a time, and none is left running when the queue is empty.
func (s *Server) sendCallbacks() {
	for {
		s.cbMu.Lock()
		if len(s.cbPending) == 0 {
			s.cbSending = false
			s.cbMu.Unlock()
			return
		}
		cb := s.cbPending[0]
		s.cbPending = s.cbPending[1:]
		s.cbMu.Unlock()
		if cb.fetch != nil {
			s.runFetch(cb.token, cb.fetch)
			continue
		}
		if err := s.sendCallback(cb); err != nil && s.logger != nil {
			if why := refusedReason(err); why != "" {
				s.logf("callback %s %s not sent: %s\n", cb.method, redactURL(cb.url), why)
				continue
			}
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // without the URL, whose query may hold secrets
			}
			s.logf("callback %s %s failed: %v\n", cb.method, redactURL(cb.url), err)
		}
	}
}

func (s *Server) sendCallback(cb callback) error {
	ctx, cancel := context.WithTimeout(context.Background(), callbackTimeout)
	defer cancel()
	// A POST carries the parameters in its body and is signed over them; a
	// GET carries them in its URL and is signed over that URL alone.
	target, signed, body := cb.url, cb.params, io.Reader(nil)
	if cb.method == http.MethodGet {
		target, signed = withQuery(cb.url, cb.params), nil
	} else {
		body = strings.NewReader(cb.params.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, cb.method, target, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Twilio-Signature", Signature(cb.token, target, signed))
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	resp, err := s.cbClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("answered %s", resp.Status)
	}
	return nil
}

// withQuery appends params to rawURL's query.
func withQuery(rawURL string, params url.Values) string {
	sep := "?"
	if strings.Contains(rawURL, "?") {
		sep = "&"
	}
	return rawURL + sep + params.Encode()
}

// redactURL drops credentials and the query from a URL for the log.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}

// Signature is Twilio's X-Twilio-Signature for a request to fullURL with
// form params (api.Signature). Receivers of the simulator's callbacks check
// it as they check Twilio's.
func Signature(authToken, fullURL string, params url.Values) string {
	return api.Signature(authToken, fullURL, params)
}
