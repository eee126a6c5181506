package ui

import (
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"confconsole/api/live"
	"confconsole/model"
)

// A poll that finds nothing new must cost the program nothing: Bubble
// Tea's renderer, handed a view equal to the one on screen, keeps it and
// copies and compares it on every frame until the next different one, so
// a single message that changes nothing makes an idle console compare its
// whole screen twenty times a second. The wait for a room's next snapshot
// therefore lets pass, without a message, a snapshot that would show
// nothing new, and notes its poll status where the screen's clock finds
// it (seenPolls): the screen's "live" stays true, and the moment it would
// turn to "updated Ns ago" moves on with each poll seen, with no message
// either (clockTimer).

// seenPolls is the newest poll status the wait for a screen's snapshots
// has seen, delivered or not. The wait writes it; the screen reads it.
type seenPolls struct {
	status atomic.Pointer[seenPoll]
}

// seenPoll is one poll status as the wait saw it.
type seenPoll struct {
	live.PollStatus
	// passed says the snapshot was let pass: it showed nothing new.
	passed bool
}

// note records the status of a snapshot the wait saw and returns the one
// before it (nil for the first).
func (s *seenPolls) note(p live.PollStatus, passed bool) *seenPoll {
	return s.status.Swap(&seenPoll{PollStatus: p, passed: passed})
}

// load is the newest poll status seen; nil before any.
func (s *seenPolls) load() *seenPoll {
	if s == nil {
		return nil
	}
	return s.status.Load()
}

// fresher returns p brought up to the newest good poll seen, when that is
// newer than the one p says the screen shows.
func (s *seenPolls) fresher(p poller) poller {
	if sp := s.load(); sp != nil && p.err == nil && sp.Err == nil && sp.Updated.After(p.updated) {
		p.updated, p.nextAt = sp.Updated, sp.Next
	}
	return p
}

// sameRoomOnScreen reports whether s would show nothing that prev, the
// last snapshot the room took, did not: the same roster, events, speech
// and conference record, no action pending, no batch, no error. Only its
// poll status differs.
func sameRoomOnScreen(prev, s live.RoomSnapshot) bool {
	return !s.Ended && !s.Gone && s.Poll.Err == nil && prev.Poll.Err == nil && !prev.Poll.Updated.IsZero() &&
		len(s.Pending) == 0 && len(prev.Pending) == 0 && len(s.Batches) == 0 && len(prev.Batches) == 0 &&
		s.EventsAdded == prev.EventsAdded && s.EventsLive == prev.EventsLive && s.Record == prev.Record &&
		s.Recording == prev.Recording &&
		maps.Equal(s.Speech, prev.Speech) && sameRoster(prev.Participants, s.Participants)
}

// sameListOnScreen reports whether s would show nothing that prev, the
// last conference list the screen took, did not: the same conferences,
// and no error.
func sameListOnScreen(prev, s live.ConferenceList) bool {
	return s.Poll.Err == nil && prev.Poll.Err == nil && !prev.Poll.Updated.IsZero() &&
		slices.Equal(prev.Conferences, s.Conferences)
}

// sameRoster compares two rosters, at once when they are the same slice
// (the live state hands on the last one when a poll changed nothing).
func sameRoster(a, b []model.Participant) bool {
	if len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0]) {
		return true
	}
	return slices.Equal(a, b)
}

// passable reports whether the wait may let a snapshot pass unseen: the
// screen waits on no poll's count, and the previous poll it saw (last) was
// on time, so the screen says "live" and will still say it.
func passable(quiet bool, last *seenPoll, now time.Time, interval time.Duration) bool {
	return quiet && last != nil && last.Err == nil && !last.Updated.IsZero() && now.Before(lateAt(last.Updated, last.Next, interval))
}
