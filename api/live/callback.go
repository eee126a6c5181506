package live

import (
	"maps"
	"time"

	"confconsole/model"
)

// Status callbacks
//
// Twilio pushes a conference's events to its statusCallback; the webhook
// receiver checks them, puts them in SequenceNumber order and hands them to
// the Hub as Callbacks (the adapter lives in api/webhook, which imports this
// package and not the other way round, so the live state knows nothing of
// HTTP or signatures). A callback changes the room's roster at once and a
// snapshot is published without waiting for the poll; the poll stays the
// source of truth and confirms or corrects it.
//
// Which is newer, a poll or an event? A poll shows the room as it was at
// some moment between the request being sent and its answer; an event
// carries Twilio's Timestamp, to the second, by Twilio's clock. The room
// turns Timestamps into this machine's time with the smallest difference
// seen between an event's arrival and its Timestamp (the clocks' skew plus
// the quickest delivery), so a clock a few seconds off does not make every
// event look old, and an event delivered late still looks as old as it is.
// An event is older than a poll only when that time plus Twilio's second is
// not after the moment the poll was sent; anything else may be newer and
// wins. So an event that arrives
// late, after a poll that was sent after it happened, changes nothing (the
// poll already showed it or something newer), and a poll that was sent
// before an event and answers after it does not undo the event for that
// participant: the next poll, sent after the event, decides.

// timestampGrain is the precision of Twilio's Timestamp (RFC 2822, whole
// seconds): an event happened at most this long after its Timestamp.
const timestampGrain = time.Second

// CallbackKind says what a status callback reports, as far as the live
// state cares.
type CallbackKind int

// The kinds of callback the Hub applies.
const (
	CallbackOther            CallbackKind = iota // conference-start and the like: the conference's events are live, nothing else
	CallbackJoin                                 // participant-join
	CallbackLeave                                // participant-leave
	CallbackMute                                 // participant-mute
	CallbackUnmute                               // participant-unmute
	CallbackHold                                 // participant-hold
	CallbackUnhold                               // participant-unhold
	CallbackModify                               // participant-modify (coaching)
	CallbackEnd                                  // conference-end
	CallbackSpeechStart                          // participant-speech-start
	CallbackSpeechStop                           // participant-speech-stop
	CallbackAnnouncementEnd                      // announcement-end
	CallbackAnnouncementFail                     // announcement-fail
)

// Callback is one conference status callback, already checked and in
// order, with what the live state needs of it.
type Callback struct {
	Conference string // ConferenceSid
	Kind       CallbackKind
	CallSID    string
	Label      string
	// At is Twilio's Timestamp (whole seconds, Twilio's clock); zero
	// means when it arrived.
	At time.Time
	// HasState says the callback carried the participant's whole state
	// (Muted, Hold, Coaching...), as participant events do.
	HasState               bool
	Muted, Hold, Coaching  bool
	CallSIDToCoach         string
	StartConferenceOnEnter bool
	EndConferenceOnExit    bool
	// AnnounceURL and Reason (ReasonAnnouncementFailed) are for
	// announcement callbacks.
	AnnounceURL string
	Reason      string
}

// Speech is what the speech callbacks said of one participant.
type Speech struct {
	// Speaking is set between participant-speech-start and -stop.
	Speaking bool
	// LastSpoke is when the participant last started or stopped speaking,
	// by this machine's clock (when the callback arrived), so "spoke 12s
	// ago" needs no trust in Twilio's.
	LastSpoke time.Time
}

// Announcement is the end or failure of an announcement, as a callback
// reported it.
type Announcement struct {
	// CallSID and Label are whom it was played to; both empty when it was
	// played to the whole conference.
	CallSID, Label string
	URL            string
	Failed         bool
	// Reason is Twilio's ReasonAnnouncementFailed.
	Reason string
}

// String says what became of the announcement: "the announcement to
// customer-7 failed: the URL did not answer". Names in it are made inert.
func (a Announcement) String() string {
	to := "everyone"
	switch {
	case a.Label != "":
		to = model.InertN(a.Label, 64)
	case a.CallSID != "":
		to = model.InertN(a.CallSID, 64)
	}
	if !a.Failed {
		return "the announcement to " + to + " finished"
	}
	if a.Reason == "" {
		return "the announcement to " + to + " failed"
	}
	return "the announcement to " + to + " failed: " + model.InertN(a.Reason, 200)
}

// ApplyCallback applies one status callback to its conference's room and
// publishes the new snapshot at once. A callback for a conference nobody
// watches is dropped (it starts no poller), as is one for a room that has
// ended. Callbacks of one conference must come in SequenceNumber order,
// as the webhook receiver delivers them.
func (h *Hub) ApplyCallback(c Callback) {
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	r := h.rooms[c.Conference]
	if r == nil || r.ended {
		return
	}
	at := r.local(c.At, now)
	changed := false
	if !r.resyncing {
		r.lastEvent = now
		changed = !r.live
		r.live = true
	}
	switch c.Kind {
	case CallbackSpeechStart, CallbackSpeechStop:
		if c.CallSID != "" {
			r.setSpeech(c.CallSID, c.Kind == CallbackSpeechStart, now)
			changed = true
		}
	case CallbackAnnouncementEnd, CallbackAnnouncementFail:
		a := &Announcement{CallSID: c.CallSID, Label: c.Label, URL: c.AnnounceURL,
			Failed: c.Kind == CallbackAnnouncementFail, Reason: c.Reason}
		if a.Label == "" && a.CallSID != "" {
			a.Label = labelOf(r.participants, a.CallSID)
		}
		r.addEvents(h.opts.EventCapacity, Event{At: now, Callback: true, Announced: a})
		changed = true
	case CallbackEnd:
		// Everyone leaves; the poll, sent now, confirms the end and stops.
		if r.applyRoster(h, nil, c, at, now) {
			changed = true
		}
		signal(r.kick)
	case CallbackJoin, CallbackLeave, CallbackMute, CallbackUnmute, CallbackHold, CallbackUnhold, CallbackModify:
		if next, ok := applyParticipant(r.participants, c, at); ok && r.applyRoster(h, next, c, at, now) {
			changed = true
		}
	}
	if changed {
		h.publishRoom(r)
	}
}

// Resync says callbacks of the conference were missed: the room is polled
// at once, and its events count as live again only after that poll. A
// missed speech-stop cannot be polled for, so no one is shown speaking
// until the next speech-start (when each last spoke is kept).
func (h *Hub) Resync(conferenceSID string) {
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	r := h.rooms[conferenceSID]
	if r == nil || r.ended {
		return
	}
	r.live, r.resyncing, r.gapAt = false, true, now
	r.silence()
	signal(r.kick)
	h.publishRoom(r)
}

// applyRoster makes next the roster, unless the callback is older than the
// last good poll; the changes go to the feed marked as a callback's.
// Called with h.mu held.
func (r *room) applyRoster(h *Hub, next []model.Participant, c Callback, at, now time.Time) bool {
	if !r.polled || olderThan(at, r.polledFrom) {
		// Before the first poll answers there is nothing to change (that
		// poll, under way, shows the room); an older event is stale.
		return false
	}
	if r.newer == nil {
		r.newer = make(map[string]time.Time)
	}
	if c.Kind == CallbackEnd {
		for _, p := range r.participants {
			r.newer[p.CallSID] = at
		}
	} else {
		r.newer[c.CallSID] = at
	}
	changes := r.diff(next, c, now)
	if len(changes) == 0 {
		return false
	}
	evs := make([]Event, len(changes))
	for i, ch := range changes {
		evs[i] = Event{At: now, Change: ch, Callback: true}
	}
	r.addEvents(h.opts.EventCapacity, evs...)
	r.participants = next
	r.pruneSpeech()
	return true
}

// diff is what next changes in the roster. A participant event changes
// one participant, so only that one is compared (a whole roster's Diff
// builds maps of everyone), and a coaching target is named from the room.
func (r *room) diff(next []model.Participant, c Callback, now time.Time) []model.Event {
	if c.Kind == CallbackEnd {
		return model.Diff(r.participants, next, now)
	}
	pick := func(ps []model.Participant) []model.Participant {
		for i := range ps {
			if ps[i].CallSID == c.CallSID {
				return ps[i : i+1 : i+1]
			}
		}
		return nil
	}
	changes := model.Diff(pick(r.participants), pick(next), now)
	for i := range changes {
		if ch := &changes[i]; ch.Target != "" && ch.TargetLabel == "" {
			ch.TargetLabel = labelOf(next, ch.Target)
		}
	}
	return changes
}

// local turns a Timestamp of Twilio's clock into this machine's time (see
// the rule above); a zero Timestamp is the arrival. Called with h.mu held.
func (r *room) local(ts, arrived time.Time) time.Time {
	if ts.IsZero() {
		return arrived
	}
	if d := arrived.Sub(ts); !r.skewKnown || d < r.skew {
		r.skew, r.skewKnown = d, true
	}
	return ts.Add(r.skew)
}

// olderThan reports whether an event stamped at happened before a poll
// sent at sent (see the rule above); a zero sent is no poll at all.
func olderThan(at, sent time.Time) bool {
	return !sent.IsZero() && !at.Add(timestampGrain).After(sent)
}

// applyParticipant returns ps with the callback's participant event
// applied, and false when it changes nothing or cannot be applied. ps is
// never modified. A state event for a participant not listed adds it: its
// join may have been coalesced away by the receiver, and the event carries
// the whole state.
func applyParticipant(ps []model.Participant, c Callback, at time.Time) ([]model.Participant, bool) {
	if c.CallSID == "" {
		return nil, false
	}
	i := -1
	for j := range ps {
		if ps[j].CallSID == c.CallSID {
			i = j
			break
		}
	}
	if c.Kind == CallbackLeave {
		if i < 0 {
			return nil, false
		}
		next := make([]model.Participant, 0, len(ps)-1)
		next = append(next, ps[:i]...)
		return append(next, ps[i+1:]...), true
	}
	var p model.Participant
	if i >= 0 {
		p = ps[i]
	} else {
		if c.Kind != CallbackJoin && !c.HasState {
			return nil, false // not enough to show the participant: the poll will
		}
		p = model.Participant{CallSID: c.CallSID, ConferenceSID: c.Conference, Created: at}
	}
	old := p
	p.Status = model.ParticipantConnected // every participant event is of someone in the room
	if c.Label != "" {
		p.Label = c.Label
	}
	if c.HasState {
		p.Muted, p.Hold, p.Coaching = c.Muted, c.Hold, c.Coaching
		p.CallSIDToCoach = ""
		if c.Coaching {
			p.CallSIDToCoach = c.CallSIDToCoach
		}
		p.StartConferenceOnEnter, p.EndConferenceOnExit = c.StartConferenceOnEnter, c.EndConferenceOnExit
	} else {
		switch c.Kind {
		case CallbackMute, CallbackUnmute:
			p.Muted = c.Kind == CallbackMute
		case CallbackHold, CallbackUnhold:
			p.Hold = c.Kind == CallbackHold
		}
	}
	if i >= 0 && p == old {
		return nil, false
	}
	p.Updated = at
	next := make([]model.Participant, len(ps), len(ps)+1)
	copy(next, ps)
	if i >= 0 {
		next[i] = p
		return next, true
	}
	return append(next, p), true
}

// preferNewer adjusts a poll sent at sent so that it does not undo what
// newer events showed: each participant an event changed after the poll
// was sent keeps the roster's state (or its absence). Events the poll is
// newer than are forgotten: from now on the poll speaks for them. Called
// with h.mu held; ps is not modified.
func (r *room) preferNewer(ps []model.Participant, ended bool, sent time.Time) []model.Participant {
	for call, at := range r.newer {
		if olderThan(at, sent) || ended {
			delete(r.newer, call)
		}
	}
	if len(r.newer) == 0 {
		return ps
	}
	current := make(map[string]int, len(r.participants))
	for i, p := range r.participants {
		current[p.CallSID] = i
	}
	out := make([]model.Participant, 0, len(ps)+len(r.newer))
	seen := make(map[string]bool, len(r.newer))
	for _, p := range ps {
		if _, newer := r.newer[p.CallSID]; !newer {
			out = append(out, p)
			continue
		}
		seen[p.CallSID] = true
		if i, ok := current[p.CallSID]; ok {
			out = append(out, r.participants[i])
		} // else an event newer than the poll took the participant out
	}
	for _, p := range r.participants {
		if _, newer := r.newer[p.CallSID]; newer && !seen[p.CallSID] {
			out = append(out, p) // joined after the poll was sent
		}
	}
	return out
}

// setSpeech records a speech callback. The map is replaced, never
// modified, as snapshots share it. Called with h.mu held.
func (r *room) setSpeech(call string, speaking bool, now time.Time) {
	m := make(map[string]Speech, len(r.speech)+1)
	for k, v := range r.speech {
		m[k] = v
	}
	m[call] = Speech{Speaking: speaking, LastSpoke: now}
	r.speech = m
}

// silence marks no one speaking, keeping when each last spoke. Called
// with h.mu held.
func (r *room) silence() {
	var m map[string]Speech
	for k, v := range r.speech {
		if v.Speaking {
			if m == nil {
				m = maps.Clone(r.speech)
			}
			v.Speaking = false
			m[k] = v
		}
	}
	if m != nil {
		r.speech = m
	}
}

// pruneSpeech forgets the speech of participants no longer in the roster.
// Called with h.mu held.
func (r *room) pruneSpeech() {
	if len(r.speech) == 0 {
		return
	}
	in := make(map[string]bool, len(r.participants))
	for _, p := range r.participants {
		in[p.CallSID] = true
	}
	var m map[string]Speech
	for k, v := range r.speech {
		if in[k] {
			if m == nil {
				m = make(map[string]Speech, len(r.speech))
			}
			m[k] = v
		}
	}
	if len(m) != len(r.speech) {
		r.speech = m
	}
}

// nextInterval is the wait before the next good poll: Options.Interval, or
// while callbacks come, until one Options.Reconcile after the last of them
// (never less than Interval). When none has come for Reconcile, the room's
// events stop being live. Called with h.mu held.
func (r *room) nextInterval(h *Hub, now time.Time) time.Duration {
	if !r.live {
		return h.opts.Interval
	}
	until := r.lastEvent.Add(h.opts.Reconcile)
	if !now.Before(until) {
		r.live = false
		return h.opts.Interval
	}
	return max(h.opts.Interval, until.Sub(now))
}

func labelOf(ps []model.Participant, call string) string {
	for _, p := range ps {
		if p.CallSID == call {
			return p.Label
		}
	}
	return ""
}
