package live

import (
	"context"
	"fmt"
	"slices"
	"time"

	"confconsole/api"
	"confconsole/model"
)

// room is one conference's feed and the state behind its snapshots; all of
// it is guarded by Hub.mu.
type room struct {
	feed[RoomSnapshot]
	conf         string
	participants []model.Participant // display order; replaced, never modified
	raw          []model.Participant // the last good poll's list as Twilio sent it
	fromPoll     []model.Participant // the participants that poll made, to tell a callback's change since
	polled       bool                // a poll has succeeded: later ones make events
	ended        bool
	gone         bool             // ended, and Twilio no longer knows it
	record       model.Conference // the conference as last fetched
	events       []Event          // oldest first; only appended to, see addEvents
	eventsAdded  uint64           // every event ever added

	// Status callbacks (callback.go).
	live       bool      // callbacks are arriving: poll every Options.Reconcile
	lastEvent  time.Time // when the last one arrived
	resyncing  bool      // a gap at gapAt: not live until a poll sent after it
	gapAt      time.Time
	polledFrom time.Time            // when the last good poll was sent
	newer      map[string]time.Time // call SID -> Timestamp of an event a poll may not show yet
	speech     map[string]Speech    // by call SID; replaced, never modified
	skew       time.Duration        // arrival minus Timestamp, the least seen
	skewKnown  bool

	rec recordingState
}

// recordingState is what a room knows of the conference's recording.
type recordingState struct {
	status  model.RecordingStatus // in-progress, paused, or "" for none
	known   bool                  // Twilio has been asked, or an action answered
	checked time.Time             // when a check was last sent
	stale   bool                  // ask at the next poll: a recording action was answered
	changes uint64                // recording actions answered, so a check sent before one is dropped
}

// WatchRoom subscribes to the conference with this SID. The first watcher
// of a room starts its poller; the poller stops Options.Grace after the
// last watcher leaves. The subscription ends with ctx, with its Close, or
// with the Hub.
func (h *Hub) WatchRoom(ctx context.Context, conferenceSID string) (*Subscription[RoomSnapshot], error) {
	if err := checkConference(conferenceSID); err != nil {
		return nil, fmt.Errorf("watch conference: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("watch conference %s: %w", conferenceSID, err)
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, fmt.Errorf("watch conference %s: %w", conferenceSID, ErrClosed)
	}
	r := h.rooms[conferenceSID]
	if r == nil {
		r = &room{feed: newFeed[RoomSnapshot](), conf: conferenceSID}
		h.rooms[conferenceSID] = r
		h.wg.Add(1)
		go h.loop(r.kick, r.soon, r.idle, refreshWait(h, &r.feed), func() int { return len(r.subs) },
			func(rearm func(time.Duration)) bool { return h.pollRoom(r, rearm) },
			func() { delete(h.rooms, r.conf); h.dropAnswered(r.conf) })
	}
	s := r.add(h)
	h.mu.Unlock()
	s.watch(ctx)
	return s, nil
}

// recordingDue says whether a poll sent at now also asks for the
// recording: the room's first, the one after a recording action, and one
// every Options.RecordingCheck. Called with h.mu held.
func (r *room) recordingDue(now time.Time, every time.Duration) bool {
	return !r.rec.known || r.rec.stale || now.Sub(r.rec.checked) >= every
}

// askRecording asks Twilio, through the gate at prio, for the status of
// the conference's live recording ("" for none).
func (h *Hub) askRecording(ctx context.Context, conf string, prio Priority) (model.RecordingStatus, error) {
	var rs []model.Recording
	err := h.call(ctx, prio, func(ctx context.Context) error {
		var err error
		rs, err = h.svc.ListRecordings(ctx, conf)
		return err
	})
	return model.CurrentRecording(rs), err
}

// takeRecording makes status, from a check sent when r.rec.changes was
// changes, the room's recording, unless a recording action was answered
// since (its answer is newer). It reports whether the status shown
// changed. Called with h.mu held.
func (r *room) takeRecording(status model.RecordingStatus, changes uint64) bool {
	if r.rec.changes != changes {
		return false
	}
	changed := r.rec.status != status
	r.rec.status, r.rec.known = status, true
	return changed
}

// CheckRecording asks Twilio for the conference's live recording now (a
// person is about to act on it) and returns its status, "" for none. When
// the room is watched, the answer becomes its state and every watcher's
// header shows it, so a screen never shows one answer while its snapshots
// carry an older one.
func (h *Hub) CheckRecording(ctx context.Context, conferenceSID string) (model.RecordingStatus, error) {
	if err := checkConference(conferenceSID); err != nil {
		return "", fmt.Errorf("check the recording: %w", err)
	}
	h.mu.Lock()
	var changes uint64
	if r := h.rooms[conferenceSID]; r != nil {
		changes = r.rec.changes
	}
	h.mu.Unlock()
	status, err := h.askRecording(ctx, conferenceSID, PriorityAction)
	if err != nil {
		return "", err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.rooms[conferenceSID]; r != nil && !r.ended {
		r.rec.checked = h.now()
		if r.takeRecording(status, changes) {
			h.publishRoom(r)
		}
	}
	return status, nil
}

// recordingAnswered applies an answered recording action to the room: the
// state Twilio accepted when it was done, and a check at the next poll
// either way. Called with h.mu held.
func (r *room) recordingAnswered(k ActionKind, out Outcome) {
	r.rec.changes++
	r.rec.stale = true
	if out != Done {
		return
	}
	switch k {
	case PauseRecording:
		r.rec.status = model.RecordingPaused
	case ResumeRecording:
		r.rec.status = model.RecordingInProgress
	case StopRecording:
		r.rec.status = ""
	default:
		return
	}
	r.rec.known = true
}

// pollRoom fetches the participants once (and the recording when it is
// due), sets the next poll with rearm, then publishes the new snapshot;
// false: the conference ended, poll no more.
func (h *Hub) pollRoom(r *room, rearm func(time.Duration)) bool {
	sent := h.now()
	h.mu.Lock()
	r.started++
	r.sentAt = sent
	check, changes := r.recordingDue(sent, h.opts.RecordingCheck), r.rec.changes
	h.mu.Unlock()
	ctx, cancel := context.WithTimeout(h.ctx, h.opts.RequestTimeout)
	f, err := h.fetchRoom(ctx, r.conf)
	ps, ended := f.participants, f.ended
	cancel()
	var rec model.RecordingStatus
	var recErr error
	asked := check && err == nil && !ended
	if asked {
		// Only a poll that found the conference asks, in the same poll so
		// that the snapshot shows both: a failed check keeps what was
		// known and is asked again at the next due poll. A poll that did
		// not ask leaves the check due (after a recording action, the next
		// poll that reaches Twilio asks).
		rctx, rcancel := context.WithTimeout(h.ctx, h.opts.RequestTimeout)
		rec, recErr = h.askRecording(rctx, r.conf, PriorityPoll)
		rcancel()
	}
	now := h.now()

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ctx.Err() != nil {
		return false
	}
	r.status.Polls++
	if asked {
		r.rec.checked = sent
		if r.rec.changes == changes { // else an action answered since: ask again
			r.rec.stale = false
		}
	}
	if asked && recErr == nil {
		r.takeRecording(rec, changes) // published below with the participants
	}
	if f.record.SID != "" {
		r.record = f.record
	}
	r.gone = f.gone
	if err != nil {
		r.status.Err = err
		r.status.Failures++
	} else {
		r.status.Updated, r.status.Err, r.status.Failures = now, nil, 0
		merged := r.participants
		// The commonest poll finds what the last one found, with nothing
		// changed since (no callback): nothing to merge or diff.
		unchanged := r.polled && !ended && len(r.newer) == 0 && sameSlice(r.participants, r.fromPoll) && slices.Equal(r.raw, ps)
		if !unchanged {
			merged = model.Merge(r.participants, r.preferNewer(ps, ended, sent))
			if r.polled {
				var evs []Event
				for _, c := range model.Diff(r.participants, merged, now) {
					evs = append(evs, Event{At: now, Change: c})
				}
				r.addEvents(h.opts.EventCapacity, evs...)
			}
		}
		r.raw, r.fromPoll = ps, merged
		r.participants, r.polled, r.ended = merged, true, ended
		r.polledFrom = sent
		if r.resyncing && !sent.Before(r.gapAt) {
			r.resyncing = false
		}
		r.pruneSpeech()
		r.confirm(h, merged, now)
		if ended {
			h.dropAnswered(r.conf)
		}
	}
	d := delay(r.nextInterval(h, now), r.status.Failures, err, h.opts.Jitter)
	r.status.Next = now.Add(d)
	if r.ended {
		r.status.Next = time.Time{}
	} else {
		rearm(d)
	}
	h.publishRoom(r)
	return !r.ended
}

// fetched is what one poll of a room found.
type fetched struct {
	participants []model.Participant
	ended, gone  bool             // completed; gone: not known at all
	record       model.Conference // when the poll fetched the conference
}

// fetchRoom lists the participants. An empty list (or a 404) may mean the
// conference ended, so it then asks the conference, as a second request
// through the gate.
func (h *Hub) fetchRoom(ctx context.Context, conf string) (fetched, error) {
	var ps []model.Participant
	err := h.call(ctx, PriorityPoll, func(ctx context.Context) error {
		var err error
		ps, err = h.svc.ListParticipants(ctx, conf, api.ParticipantFilter{})
		return err
	})
	if err == nil && len(ps) > 0 {
		return fetched{participants: ps}, nil
	}
	if err != nil && !isNotFound(err) {
		return fetched{}, err
	}
	var c model.Conference
	cerr := h.call(ctx, PriorityPoll, func(ctx context.Context) error {
		var err error
		c, err = h.svc.FetchConference(ctx, conf)
		return err
	})
	switch {
	case cerr == nil && c.Status == model.ConferenceCompleted:
		return fetched{ended: true, record: c}, nil
	case cerr != nil && isNotFound(cerr):
		return fetched{ended: true, gone: true}, nil
	case err != nil:
		return fetched{}, err
	case cerr != nil:
		return fetched{}, cerr
	}
	return fetched{participants: ps, record: c}, nil
}

// sameSlice reports whether a and b are the same slice (not merely equal).
func sameSlice(a, b []model.Participant) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// addEvents appends es to the feed. Snapshots hold slices of r.events
// capped at their length, so appending never changes what they see; once
// the buffer holds a quarter more than the capacity, the newest capacity
// events move to a fresh one (old snapshots keep the old one), which keeps
// appends O(1) amortised and memory within a quarter of the bound.
func (r *room) addEvents(capacity int, es ...Event) {
	limit := capacity + max(capacity/4, 1)
	if len(r.events)+len(es) > limit {
		keep := min(len(r.events), capacity)
		fresh := make([]Event, keep, max(limit, keep+len(es)))
		copy(fresh, r.events[len(r.events)-keep:])
		r.events = fresh
	}
	r.events = append(r.events, es...)
	r.eventsAdded += uint64(len(es))
}

// publishRoom builds the room's snapshot and offers it to its watchers.
// Called with h.mu held.
func (h *Hub) publishRoom(r *room) {
	evs := r.events
	if len(evs) > h.opts.EventCapacity {
		evs = evs[len(evs)-h.opts.EventCapacity:]
	}
	r.version++
	r.publish(RoomSnapshot{
		Conference:   r.conf,
		Version:      r.version,
		Participants: r.participants[:len(r.participants):len(r.participants)],
		Pending:      append([]Pending(nil), h.pending[r.conf]...),
		Poll:         r.status,
		Events:       evs[:len(evs):len(evs)],
		EventsAdded:  r.eventsAdded,
		Ended:        r.ended,
		Gone:         r.ended && r.gone,
		Record:       r.record,
		EventsLive:   r.live,
		Speech:       r.speech,
		Batches:      h.batchesOf(r.conf),

		Recording:      r.rec.status,
		RecordingKnown: r.rec.known,
	})
}
