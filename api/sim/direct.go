package sim

import (
	"fmt"
	"net/url"
	"strings"

	"confconsole/model"
)

// This file holds what tests and the demo need that no REST call can do:
// a caller hanging up by themselves, a participant already connected, a look
// at the world without going through HTTP.

// Hangup makes the participant with this call SID (or label) hang up by
// themselves, as a caller putting the phone down. The conference ends as
// Twilio's would: with "participant-with-end-conference-on-exit-left" when the
// participant had EndConferenceOnExit, or "last-participant-left" when nobody
// is left.
func (s *Server) Hangup(accountSID, conferenceSID, callSIDOrLabel string) error {
	s.mu.Lock()
	defer s.unlock()
	s.advance()
	c, p, err := s.lookup(accountSID, conferenceSID, callSIDOrLabel)
	if err != nil {
		return fmt.Errorf("hang up %q: %w", callSIDOrLabel, err)
	}
	s.removeParticipant(c, p, s.clock.Now(), false)
	return nil
}

// Join describes a participant that JoinConnected puts straight into a
// conference, already connected.
type Join struct {
	From  string // defaults to "+15005550006"
	To    string // defaults to "client:" + Label, or a client name
	Label string
	Muted bool
	Hold  bool
	// CallSIDToCoach makes the participant coach that call.
	CallSIDToCoach string
	// NoStartConference clears StartConferenceOnEnter (Twilio's default is
	// true, so the zero Join starts the conference).
	NoStartConference   bool
	EndConferenceOnExit bool
}

// JoinConnected puts a participant into the conference named by a conference
// SID or a friendly name (a friendly name with no active conference opens
// one), already connected, as an inbound caller who dialled in. It applies
// the same label and coaching rules as the REST API and returns the
// participant.
func (s *Server) JoinConnected(accountSID, confName string, j Join) (model.Participant, error) {
	s.mu.Lock()
	defer s.unlock()
	s.advance()
	a := s.accounts[accountSID]
	if a == nil {
		return model.Participant{}, fmt.Errorf("join %q to %q: account: %w", j.Label, confName, ErrNotFound)
	}
	var c *conference
	if conferenceSIDPattern.MatchString(confName) {
		c = a.findConference(confName)
		if c == nil || c.status == model.ConferenceCompleted {
			return model.Participant{}, fmt.Errorf("join %q to %q: no active conference with that SID: %w", j.Label, confName, ErrNotFound)
		}
	} else {
		c = a.activeByName(confName)
	}
	if j.Label != "" {
		if why := labelProblem(j.Label); why != "" {
			return model.Participant{}, fmt.Errorf("join %q to %q: label %s", j.Label, confName, why)
		}
		if c != nil && c.findParticipant(j.Label) != nil {
			return model.Participant{}, fmt.Errorf("join %q to %q: label is taken", j.Label, confName)
		}
	}
	if c != nil && c.liveCount() >= c.maxParticipants {
		return model.Participant{}, fmt.Errorf("join %q to %q: conference is full", j.Label, confName)
	}
	if j.CallSIDToCoach != "" {
		if c == nil {
			return model.Participant{}, fmt.Errorf("join %q to %q: nobody to coach in a new conference", j.Label, confName)
		}
		if aerr := checkCoachTarget(c, "", j.CallSIDToCoach); aerr != nil {
			return model.Participant{}, fmt.Errorf("join %q to %q: %s", j.Label, confName, aerr.message)
		}
	}
	now := s.clock.Now()
	if c == nil {
		c = s.newConference(a, confName, now)
	}
	p := &participant{
		callSID: s.newSID("CA"),
		from:    j.From,
		to:      j.To,
		participantView: participantView{
			label:        j.Label,
			muted:        j.Muted,
			hold:         j.Hold,
			coaching:     j.CallSIDToCoach != "",
			coachSID:     j.CallSIDToCoach,
			startOnEnter: !j.NoStartConference,
			endOnExit:    j.EndConferenceOnExit,
		},
	}
	if p.from == "" {
		p.from = "+15005550006"
	}
	if p.to == "" {
		p.to = "client:" + strings.ReplaceAll(j.Label, " ", "_")
	}
	s.addParticipant(c, p, now, true)
	return toModelParticipant(c, p), nil
}

// Conferences returns the account's conferences, newest first, as the
// simulator sees them now.
func (s *Server) Conferences(accountSID string) []model.Conference {
	s.mu.Lock()
	defer s.unlock()
	s.advance()
	a := s.accounts[accountSID]
	if a == nil {
		return nil
	}
	sids := make([]string, 0, len(a.conferences))
	for sid := range a.conferences {
		sids = append(sids, sid)
	}
	s.sortSIDs(sids)
	out := make([]model.Conference, 0, len(sids))
	for _, sid := range sids {
		c := a.conferences[sid]
		out = append(out, model.Conference{
			SID: c.sid, AccountSID: c.accountSID, FriendlyName: c.friendlyName,
			Status: c.status, Region: c.region, Created: c.created, Updated: c.updated,
			ReasonEnded: c.reasonEnded, CallSIDEndingConference: c.callSIDEnding,
		})
	}
	return out
}

// Participants returns the participants of a conference, newest first, as
// the simulator sees them now.
func (s *Server) Participants(accountSID, conferenceSID string) []model.Participant {
	s.mu.Lock()
	defer s.unlock()
	s.advance()
	a := s.accounts[accountSID]
	if a == nil {
		return nil
	}
	c := a.findConference(conferenceSID)
	if c == nil {
		return nil
	}
	sids := c.listOrder(s)
	out := make([]model.Participant, 0, len(sids))
	for _, sid := range sids {
		out = append(out, toModelParticipant(c, c.participants[sid]))
	}
	return out
}

func toModelParticipant(c *conference, p *participant) model.Participant {
	return model.Participant{
		CallSID: p.callSID, AccountSID: c.accountSID, ConferenceSID: c.sid, Label: p.label,
		Status: p.status, Muted: p.muted, Hold: p.hold, Coaching: p.coaching, CallSIDToCoach: p.coachSID,
		StartConferenceOnEnter: p.startOnEnter, EndConferenceOnExit: p.endOnExit,
		Created: p.created, Updated: p.updated,
	}
}

// lookup finds a participant by call SID or label. Callers hold s.mu.
func (s *Server) lookup(accountSID, conferenceSID, id string) (*conference, *participant, error) {
	a := s.accounts[accountSID]
	if a == nil {
		return nil, nil, fmt.Errorf("account %s: %w", accountSID, ErrNotFound)
	}
	c := a.findConference(conferenceSID)
	if c == nil {
		return nil, nil, fmt.Errorf("conference %s: %w", conferenceSID, ErrNotFound)
	}
	p := c.findParticipant(id)
	if p == nil {
		return nil, nil, fmt.Errorf("participant %q in conference %s: %w", id, conferenceSID, ErrNotFound)
	}
	return c, p, nil
}

// Subscribe points the conference's status callback at callbackURL (POST)
// for the given ConferenceStatusCallbackEvent values (start, end, join,
// leave, mute, hold, modify, speaker, announcement; none means Twilio's
// default, start and end), as if its first participant had asked for them.
// The demo's conferences are opened without one; this is how a receiver
// hears them.
func (s *Server) Subscribe(accountSID, conferenceSID, callbackURL string, events ...string) error {
	s.mu.Lock()
	defer s.unlock()
	a := s.accounts[accountSID]
	if a == nil {
		return fmt.Errorf("subscribe %s: account %s: %w", conferenceSID, accountSID, ErrNotFound)
	}
	c := a.findConference(conferenceSID)
	if c == nil {
		return fmt.Errorf("subscribe %s: conference: %w", conferenceSID, ErrNotFound)
	}
	f := &formReader{v: url.Values{"ConferenceStatusCallback": {callbackURL}, "ConferenceStatusCallbackEvent": events}}
	checkCreateExtras(f)
	if f.err != nil {
		return fmt.Errorf("subscribe %s: %s", conferenceSID, f.err.message)
	}
	c.callback = readCallbackConfig(f)
	return nil
}
