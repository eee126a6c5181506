package sim

import (
	"container/heap"
	"slices"
	"time"

	"confconsole/model"
)

// account is one Twilio account and everything it owns.
type account struct {
	sid         string
	token       string
	conferences map[string]*conference
}

// conference is a conference room. A completed conference keeps its record
// but has no participants.
type conference struct {
	sid             string
	accountSID      string
	friendlyName    string
	region          string
	status          model.ConferenceStatus
	reasonEnded     model.ReasonEnded
	callSIDEnding   string
	created         time.Time
	updated         time.Time
	maxParticipants int
	record          bool // ConferenceRecord asked for a recording
	channels        int  // recording channels: 1 mono, 2 dual
	participants    map[string]*participant
	recordings      []*recording
	// roster is the participants' call SIDs in list order, kept until
	// someone joins or leaves (nil when it must be worked out again).
	roster []string
	// callback is where the conference reports its events (nil: nowhere);
	// callbackSeq numbers them.
	callback    *callbackConfig
	callbackSeq int
}

// listOrder returns the participants' call SIDs in list order. The slice
// is shared: callers must not modify it. Callers hold s.mu.
func (c *conference) listOrder(s *Server) []string {
	if c.roster == nil {
		sids := make([]string, 0, len(c.participants))
		for sid := range c.participants {
			sids = append(sids, sid)
		}
		s.sortSIDs(sids)
		c.roster = sids
	}
	return c.roster
}

// outcome is how a dialled call ends up.
type outcome int

const (
	answers    outcome = iota // rings, then connects
	unroutable                // fails while connecting
	noAnswer                  // rings until Timeout, then fails
)

// participant is one call in a conference.
type participant struct {
	callSID    string
	from, to   string
	beepOnExit bool
	timeout    time.Duration
	outcome    outcome
	queueTime  time.Duration
	// speaking is whether the participant is heard talking now (speaker
	// events); it is not part of the Participant resource.
	speaking bool
	// statusCB is the call's own StatusCallback (nil: none); statusSeq
	// numbers its requests from 0, answered when the call connected.
	statusCB  *callbackConfig
	statusSeq int
	answered  time.Time
	// participantView holds the rest: every field a listed participant's
	// JSON shows that can change, so that the cache below cannot miss one.
	participantView

	// A roster is polled far more often than it changes, so each participant
	// keeps its JSON (as listed) with the state it was written from.
	cached    []byte
	cachedFor participantView
}

// participantView is everything a participant's JSON shows that can change.
type participantView struct {
	label        string
	status       model.ParticipantStatus
	muted        bool
	hold         bool
	coaching     bool
	coachSID     string
	startOnEnter bool
	endOnExit    bool
	created      time.Time
	updated      time.Time
}

// listedJSON returns p's JSON as a list shows it, written afresh only when
// p has changed since last time. The slice is never modified afterwards, so
// it may be read after s.mu is released. Callers hold s.mu.
func (p *participant) listedJSON(c *conference, m *dateMemo) []byte {
	if p.cached == nil || p.participantView != p.cachedFor {
		j := renderParticipantMemo(m, c, p, false)
		p.cached, p.cachedFor = j.appendJSON(make([]byte, 0, 700)), p.participantView
	}
	return p.cached
}

// recording is one recording of a conference.
type recording struct {
	sid      string
	callSID  string
	status   model.RecordingStatus
	channels int
	source   string
	created  time.Time
	updated  time.Time
	start    time.Time
	duration time.Duration
	done     bool // duration is final
}

// sortKey orders list items: newest first, ties broken by issue order. Keys
// outlive their items so a page token stays valid after its item is gone.
type sortKey struct {
	created int64 // Unix nanoseconds: cheaper to compare than time.Time
	seq     uint64
}

// before reports whether an item with key k is listed before one with key o.
func (k sortKey) before(o sortKey) bool {
	if k.created != o.created {
		return k.created > o.created
	}
	return k.seq > o.seq
}

// register records a SID's sort key. Callers hold s.mu.
func (s *Server) register(sid string, created time.Time) {
	s.seq++
	s.sortKeys[sid] = sortKey{created: created.UnixNano(), seq: s.seq}
}

// sortSIDs sorts SIDs into list order by their keys, looking each key up
// once.
func (s *Server) sortSIDs(sids []string) {
	type keyed struct {
		k   sortKey
		sid string
	}
	ks := make([]keyed, len(sids))
	for i, sid := range sids {
		ks[i] = keyed{s.sortKeys[sid], sid}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		switch {
		case a.k.before(b.k):
			return -1
		case b.k.before(a.k):
			return 1
		}
		return 0
	})
	for i := range ks {
		sids[i] = ks[i].sid
	}
}

// event is something that happens at a point of simulated time.
type event struct {
	at  time.Time
	seq uint64
	run func(at time.Time)
}

type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*event)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// schedule runs fn when the clock reaches at. Callers hold s.mu.
func (s *Server) schedule(at time.Time, fn func(at time.Time)) {
	s.seq++
	heap.Push(&s.events, &event{at: at, seq: s.seq, run: fn})
}

// Advance brings the simulated world up to the clock's present: calls
// progress, the demo moves, callbacks go out. Every request does this first,
// so only a server whose callbacks must fire while nobody asks it anything
// needs to call it, on a ticker (Main does, every 100 ms).
func (s *Server) Advance() {
	s.mu.Lock()
	defer s.unlock()
	s.advance()
}

// advance applies, in time order, every event due by now. Callers hold s.mu.
func (s *Server) advance() {
	now := s.clock.Now()
	for len(s.events) > 0 && !s.events[0].at.After(now) {
		e := heap.Pop(&s.events).(*event)
		e.run(e.at)
	}
}

// findConference returns the account's conference with this SID.
func (a *account) findConference(sid string) *conference {
	return a.conferences[sid]
}

// activeByName returns the account's conference with this friendly name that
// has not completed.
func (a *account) activeByName(name string) *conference {
	var found *conference
	for _, c := range a.conferences {
		if c.friendlyName == name && c.status != model.ConferenceCompleted {
			if found == nil || c.created.After(found.created) {
				found = c
			}
		}
	}
	return found
}

// newConference opens a conference in status init. Callers hold s.mu.
func (s *Server) newConference(a *account, name string, at time.Time) *conference {
	c := &conference{
		sid:             s.newSID("CF"),
		accountSID:      a.sid,
		friendlyName:    name,
		region:          "us1",
		status:          model.ConferenceInit,
		created:         at,
		updated:         at,
		maxParticipants: 250,
		channels:        1,
		participants:    make(map[string]*participant),
	}
	a.conferences[c.sid] = c
	s.register(c.sid, at)
	return c
}

// findParticipant resolves a call SID or a label among the participants still
// in the conference.
func (c *conference) findParticipant(id string) *participant {
	if callSIDPattern.MatchString(id) {
		return c.participants[id]
	}
	for _, p := range c.participants {
		if p.label == id {
			return p
		}
	}
	return nil
}

// liveCount counts participants that are on, or joining, the call.
func (c *conference) liveCount() int {
	n := 0
	for _, p := range c.participants {
		if p.status.Live() {
			n++
		}
	}
	return n
}

// starter returns the participant that starts c, or nil while c cannot
// start: Twilio needs at least two connected participants, one of them with
// StartConferenceOnEnter. Of several, joined is preferred (it is the one
// whose arrival starts the conference), then the earliest to join.
func (c *conference) starter(joined *participant) *participant {
	connected := 0
	var first *participant
	for _, p := range c.participants {
		if p.status != model.ParticipantConnected {
			continue
		}
		connected++
		if p.startOnEnter && (first == nil || p.updated.Before(first.updated) ||
			p.updated.Equal(first.updated) && p.callSID < first.callSID) {
			first = p
		}
	}
	switch {
	case connected < 2 || first == nil:
		return nil
	case joined.startOnEnter:
		return joined
	}
	return first
}

// present reports whether p is still in c (it may have left since an event
// about it was scheduled).
func (c *conference) present(p *participant) bool {
	return c.participants[p.callSID] == p
}

// addParticipant puts p into c. A dialled participant starts queued and
// progresses on the clock; a connected one joins at once. Callers hold s.mu.
func (s *Server) addParticipant(c *conference, p *participant, at time.Time, connected bool) {
	p.created, p.updated = at, at
	c.participants[p.callSID] = p
	c.roster = nil
	s.register(p.callSID, at)
	if connected {
		s.connect(c, p, at)
		return
	}
	p.status = model.ParticipantQueued
	t := s.timings
	s.schedule(at.Add(t.Queue), func(at time.Time) {
		if !c.present(p) || p.status != model.ParticipantQueued {
			return
		}
		p.status, p.updated = model.ParticipantConnecting, at
		s.emitCall(c, p, "initiated", "initiated", at)
		s.schedule(at.Add(t.Connect), func(at time.Time) {
			if !c.present(p) || p.status != model.ParticipantConnecting {
				return
			}
			if p.outcome == unroutable {
				s.fail(c, p, at)
				return
			}
			p.status, p.updated = model.ParticipantRinging, at
			s.emitCall(c, p, "ringing", "ringing", at)
			ring := t.Ring
			if p.outcome == noAnswer || ring >= p.timeout {
				s.schedule(at.Add(p.timeout), func(at time.Time) {
					if c.present(p) && p.status == model.ParticipantRinging {
						s.fail(c, p, at)
					}
				})
				return
			}
			s.schedule(at.Add(ring), func(at time.Time) {
				if c.present(p) && p.status == model.ParticipantRinging {
					s.connect(c, p, at)
				}
			})
		})
	})
}

// connect marks p connected. The conference (and its recording, if one was
// asked for) starts once it has two connected participants, one of them with
// StartConferenceOnEnter: Twilio's conferences "will not start until at least
// two participants join", and a lone caller waits in an init conference.
func (s *Server) connect(c *conference, p *participant, at time.Time) {
	p.status, p.updated = model.ParticipantConnected, at
	p.answered = at
	s.emitCall(c, p, "answered", "in-progress", at)
	s.emit(c, "participant-join", at, p)
	if c.status != model.ConferenceInit {
		return
	}
	if starter := c.starter(p); starter != nil {
		c.status, c.updated = model.ConferenceInProgress, at
		s.emit(c, "conference-start", at, nil)
		if c.record {
			s.startRecording(c, starter.callSID, "Conference", at)
		}
	}
}

// fail marks p's call failed; it stays listed for Timings.Linger.
func (s *Server) fail(c *conference, p *participant, at time.Time) {
	callStatus := "failed"
	if p.outcome == noAnswer || p.status == model.ParticipantRinging {
		callStatus = "no-answer"
	}
	s.emitCall(c, p, "completed", callStatus, at)
	p.status, p.updated = model.ParticipantFailed, at
	s.schedule(at.Add(s.timings.Linger), func(at time.Time) {
		if c.present(p) {
			s.removeParticipant(c, p, at, false)
		}
	})
}

// removeParticipant takes p out of c, because the call hung up (kicked false)
// or the API removed it (kicked true), and ends the conference when Twilio
// would: an end-conference-on-exit participant left, or nobody is left.
func (s *Server) removeParticipant(c *conference, p *participant, at time.Time, kicked bool) {
	wasConnected := p.status == model.ParticipantConnected
	wasFailed := p.status == model.ParticipantFailed
	s.setSpeaking(c, p, false, at)
	delete(c.participants, p.callSID)
	c.roster = nil
	p.status = model.ParticipantComplete
	if wasConnected {
		reason := ""
		if !kicked {
			reason = "participant_hung_up"
		}
		s.emit(c, "participant-leave", at, p, "ReasonParticipantLeft", reason, "ParticipantCallStatus", "completed")
	}
	if !wasFailed {
		s.emitCallEnd(c, p, wasConnected, at)
	}
	for _, o := range c.participants {
		if o.coachSID == p.callSID {
			// Nobody left to coach: the coach becomes an ordinary participant.
			o.coaching, o.coachSID, o.updated = false, "", at
		}
	}
	if c.status == model.ConferenceCompleted {
		return
	}
	switch {
	case p.endOnExit && wasConnected && kicked:
		s.endConference(c, at, model.ReasonEndOnExitKicked, p.callSID)
	case p.endOnExit && wasConnected:
		s.endConference(c, at, model.ReasonEndOnExitLeft, p.callSID)
	case c.liveCount() == 0 && kicked:
		s.endConference(c, at, model.ReasonLastParticipantKicked, p.callSID)
	case c.liveCount() == 0:
		s.endConference(c, at, model.ReasonLastParticipantLeft, p.callSID)
	}
}

// endConference completes c: every participant is gone and recordings finish.
func (s *Server) endConference(c *conference, at time.Time, reason model.ReasonEnded, callSID string) {
	for _, sid := range c.listOrder(s) {
		p := c.participants[sid]
		s.setSpeaking(c, p, false, at)
		if p.status == model.ParticipantConnected {
			s.emit(c, "participant-leave", at, p, "ParticipantCallStatus", "completed")
		}
		if p.status != model.ParticipantFailed {
			s.emitCallEnd(c, p, p.status == model.ParticipantConnected, at)
		}
	}
	c.status, c.updated = model.ConferenceCompleted, at
	c.reasonEnded, c.callSIDEnding = reason, callSID
	s.emit(c, "conference-end", at, nil, "ReasonConferenceEnded", string(reason), "CallSidEndingConference", callSID)
	for sid, p := range c.participants {
		p.status = model.ParticipantComplete
		delete(c.participants, sid)
	}
	c.roster = nil
	for _, r := range c.recordings {
		s.finishRecording(r, at)
	}
}

// startRecording begins a recording of c.
func (s *Server) startRecording(c *conference, callSID, source string, at time.Time) *recording {
	r := &recording{
		sid:      s.newSID("RE"),
		callSID:  callSID,
		status:   model.RecordingInProgress,
		channels: c.channels,
		source:   source,
		created:  at,
		updated:  at,
		start:    at,
	}
	c.recordings = append(c.recordings, r)
	s.register(r.sid, at)
	return r
}

// finishRecording completes r if it is still running or paused.
func (s *Server) finishRecording(r *recording, at time.Time) {
	switch r.status {
	case model.RecordingInProgress, model.RecordingPaused, model.RecordingStopped:
		if !r.done {
			r.duration = at.Sub(r.start)
			r.done = true
		}
		r.status, r.updated = model.RecordingCompleted, at
	}
}

// currentRecording is the recording Twilio.CURRENT names: the newest one still
// in progress or paused.
func (c *conference) currentRecording() *recording {
	for i := len(c.recordings) - 1; i >= 0; i-- {
		r := c.recordings[i]
		if r.status == model.RecordingInProgress || r.status == model.RecordingPaused {
			return r
		}
	}
	return nil
}

func (c *conference) findRecording(sid string) *recording {
	if sid == "Twilio.CURRENT" {
		return c.currentRecording()
	}
	for _, r := range c.recordings {
		if r.sid == sid {
			return r
		}
	}
	return nil
}
