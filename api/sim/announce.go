package sim

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"confconsole/model"
)

// Announcements. Twilio plays an announcement from AnnounceUrl: an audio
// file, or TwiML to run. The simulator fetches the URL as Twilio would (with
// AnnounceMethod, default POST, signed with X-Twilio-Signature), plays
// nothing, and reports announcement-end when it got audio or TwiML, or
// announcement-fail with ReasonAnnouncementFailed when it did not. The fetch
// goes out in order with the callbacks, after the lock is released.

// maxTwiML caps how much of a TwiML answer is read.
const maxTwiML = 64 << 10

// announceFetch is an announcement waiting to be fetched.
type announceFetch struct {
	accountSID    string
	conferenceSID string
	callSID       string // the participant announced to; "" for the whole conference
	url           string
	method        string
}

// announce queues the fetch of an announcement to c (or to p in c).
// Callers hold s.mu.
func (s *Server) announce(c *conference, p *participant, announceURL, method string) {
	a := s.accounts[c.accountSID]
	if a == nil {
		return
	}
	f := &announceFetch{accountSID: c.accountSID, conferenceSID: c.sid, url: announceURL, method: http.MethodPost}
	if strings.EqualFold(method, http.MethodGet) {
		f.method = http.MethodGet
	}
	if p != nil {
		f.callSID = p.callSID
	}
	s.outbox = append(s.outbox, callback{token: a.token, fetch: f})
}

// runFetch fetches an announcement and reports how it went to the
// conference's callback. It runs on the callback sender, without the lock.
func (s *Server) runFetch(token string, f *announceFetch) {
	reason := s.fetchAnnouncement(token, f)
	s.mu.Lock()
	defer s.unlock()
	a := s.accounts[f.accountSID]
	if a == nil {
		return
	}
	c := a.findConference(f.conferenceSID)
	if c == nil || c.status == model.ConferenceCompleted {
		return // the conference ended first; its end closes the story
	}
	var p *participant
	if f.callSID != "" {
		if p = c.participants[f.callSID]; p == nil {
			return // gone before it could hear anything
		}
	}
	at := s.clock.Now()
	if reason == "" {
		s.emit(c, "announcement-end", at, p, "AnnounceUrl", f.url)
		return
	}
	s.emit(c, "announcement-fail", at, p, "AnnounceUrl", f.url, "ReasonAnnouncementFailed", reason)
}

// fetchAnnouncement gets f's URL and returns why it cannot be played, or ""
// when it can: audio of any kind, or TwiML (XML whose root is <Response>).
func (s *Server) fetchAnnouncement(token string, f *announceFetch) string {
	ctx, cancel := context.WithTimeout(context.Background(), callbackTimeout)
	defer cancel()
	params := url.Values{"AccountSid": {f.accountSID}, "ConferenceSid": {f.conferenceSID}}
	if f.callSID != "" {
		params.Set("CallSid", f.callSID)
	}
	target, signed, body := f.url, params, io.Reader(nil)
	if f.method == http.MethodGet {
		target, signed = withQuery(f.url, params), nil
	} else {
		body = strings.NewReader(params.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, f.method, target, body)
	if err != nil {
		return "AnnounceUrl is not a URL that can be fetched"
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Twilio-Signature", Signature(token, target, signed))
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	resp, err := s.cbClient.Do(req)
	if err != nil {
		if why := refusedReason(err); why != "" {
			s.logf("announcement fetch %s %s not sent: %s\n", f.method, redactURL(f.url), why)
			return "AnnounceUrl's host " + why
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, whose query may hold secrets
		}
		s.logf("announcement fetch %s %s failed: %v\n", f.method, redactURL(f.url), err)
		return "AnnounceUrl could not be fetched"
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Sprintf("AnnounceUrl answered %s", resp.Status)
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case strings.HasPrefix(ct, "audio/"):
		return ""
	case ct == "text/xml" || ct == "application/xml":
		d := xml.NewDecoder(io.LimitReader(resp.Body, maxTwiML))
		for {
			tok, err := d.Token()
			if err != nil {
				return "AnnounceUrl's XML is not TwiML: no <Response> element"
			}
			if se, ok := tok.(xml.StartElement); ok {
				if se.Name.Local == "Response" {
					return ""
				}
				return "AnnounceUrl's XML is not TwiML: its root is <" + se.Name.Local + ">, not <Response>"
			}
		}
	}
	return fmt.Sprintf("AnnounceUrl answered %q, which is neither audio nor TwiML", ct)
}

// logf writes one line to the simulator's log, if it has one.
func (s *Server) logf(format string, args ...any) {
	if s.logger == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.logger, format, args...)
}
