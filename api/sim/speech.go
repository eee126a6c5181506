package sim

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"confconsole/model"
)

// Speaker events. A connected participant who is neither muted nor held may
// be heard speaking; participant-speech-start and -stop report each change
// to a conference subscribed to "speaker". Muting, holding or losing a
// participant stops their speech first. The demo makes its people talk in
// turns; tests drive speech through the control API (see serveControl).

// setSpeaking changes whether p is heard speaking and reports the change.
// Callers hold s.mu.
func (s *Server) setSpeaking(c *conference, p *participant, on bool, at time.Time) {
	if p.speaking == on {
		return
	}
	p.speaking = on
	if on {
		s.emit(c, "participant-speech-start", at, p)
	} else {
		s.emit(c, "participant-speech-stop", at, p)
	}
}

// audible reports whether p can be heard speaking.
func audible(p *participant) bool {
	return p.status == model.ParticipantConnected && !p.muted && !p.hold
}

// Demo talk pacing, in simulated time.
const (
	talkMin = 1500 * time.Millisecond // shortest turn or pause
	talkMax = 6 * time.Second         // longest
)

// talker makes the demo's people talk in turns: one speaks at a time, for a
// few seconds; then usually someone else answers, sometimes there is a
// pause. It has its own random source, so the demo's story (who joins,
// leaves, is muted) is the same for a seed as it was without speech.
type talker struct {
	d   *demo
	rng *rand.Rand
}

func (t *talker) next(r *demoRoom, at time.Time) {
	gap := talkMin + time.Duration(t.rng.Int64N(int64(talkMax-talkMin)))
	t.d.s.schedule(at.Add(gap), func(at time.Time) {
		if t.d.stopped {
			return
		}
		t.step(r, at)
		t.next(r, at)
	})
}

func (t *talker) step(r *demoRoom, at time.Time) {
	c := t.d.account.findConference(r.sid)
	if c == nil || c.status == model.ConferenceCompleted {
		return
	}
	var speaker *participant
	var others []*participant
	for _, p := range t.d.people(c) {
		switch {
		case p.speaking:
			speaker = p
		case audible(p):
			others = append(others, p)
		}
	}
	if speaker != nil {
		t.d.s.setSpeaking(c, speaker, false, at)
		if t.rng.IntN(4) == 0 {
			return // a pause before anyone answers
		}
	}
	if len(others) > 0 {
		t.d.s.setSpeaking(c, others[t.rng.IntN(len(others))], true, at)
	}
}

// The control API: what a test in any language needs that Twilio's API has
// no call for, under a prefix no Twilio path can have, authenticated like
// the rest (the conference must be the caller's account's):
//
//	POST /_sim/Conferences/{ConferenceSid}/Participants/{CallSid}/Speech   Speaking=true|false
//	POST /_sim/Conferences/{ConferenceSid}/Participants/{CallSid}/Hangup
//
// Speech answers 200 with the participant; Hangup answers 204, and the
// participant leaves with ReasonParticipantLeft participant_hung_up.
const controlPrefix = "/_sim/"

// serveControl answers a control API request for account acct.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request, acct, rest string) {
	seg := strings.Split(rest, "/")
	for i, raw := range seg {
		u, err := url.PathUnescape(raw)
		if err != nil || u == "" {
			writeError(w, notFound(r.URL.EscapedPath()))
			return
		}
		seg[i] = u
	}
	if len(seg) != 5 || seg[0] != "Conferences" || seg[2] != "Participants" || !slices.Contains([]string{"Speech", "Hangup"}, seg[4]) {
		writeError(w, notFound(r.URL.EscapedPath()))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, methodNotAllowed())
		return
	}
	form, ferr := readParams(w, r)
	if ferr != nil {
		writeError(w, ferr)
		return
	}
	s.mu.Lock()
	s.advance()
	status, body, herr := s.control(acct, seg[1], seg[3], seg[4], form, r.URL.EscapedPath())
	s.unlock()
	switch {
	case herr != nil:
		writeError(w, herr)
	case status == http.StatusNoContent:
		w.WriteHeader(status)
	default:
		writeJSON(w, status, body)
	}
}

// control runs one control request. Callers hold s.mu.
func (s *Server) control(acct, confSID, id, verb string, form url.Values, path string) (int, any, *apiError) {
	a := s.accounts[acct]
	if a == nil {
		return 0, nil, notFound(path)
	}
	c := a.findConference(confSID)
	if c == nil {
		return 0, nil, notFound(path)
	}
	p := c.findParticipant(id)
	if p == nil {
		return 0, nil, notFound(path)
	}
	now := s.clock.Now()
	if verb == "Hangup" {
		s.removeParticipant(c, p, now, false)
		return http.StatusNoContent, nil, nil
	}
	v, _ := first(form, "Speaking")
	var on bool
	switch v {
	case "true":
		on = true
	case "false":
	default:
		return 0, nil, badRequest(CodeBadRequest, "Speaking must be true or false, got %q", v)
	}
	if on && !audible(p) {
		why := "is not connected (status " + string(p.status) + ")"
		switch {
		case p.status != model.ParticipantConnected:
		case p.muted:
			why = "is muted; unmute it first"
		default:
			why = "is on hold; take it off hold first"
		}
		return 0, nil, badRequest(CodeBadRequest, "Participant %s %s: it cannot be heard speaking", p.callSID, why)
	}
	s.setSpeaking(c, p, on, now)
	return http.StatusOK, renderParticipant(c, p, false), nil
}
