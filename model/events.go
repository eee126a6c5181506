package model

import (
	"fmt"
	"time"
)

// EventKind says what changed about a participant between two polls.
type EventKind int

// The kinds of change Diff reports.
const (
	EventJoined          EventKind = iota + 1 // appeared in the list
	EventLeft                                 // disappeared from the list
	EventMuted                                // muted went false -> true
	EventUnmuted                              // muted went true -> false
	EventHeld                                 // hold went false -> true
	EventResumed                              // hold went true -> false
	EventCoachingStarted                      // began coaching Target, or switched to a new Target
	EventCoachingStopped                      // stopped coaching (Target is whom it coached)
	EventStatusChanged                        // Status went From -> To
)

// String names the kind in a word or two, for the event log and filters.
func (k EventKind) String() string {
	switch k {
	case EventJoined:
		return "joined"
	case EventLeft:
		return "left"
	case EventMuted:
		return "muted"
	case EventUnmuted:
		return "unmuted"
	case EventHeld:
		return "held"
	case EventResumed:
		return "resumed"
	case EventCoachingStarted:
		return "started coaching"
	case EventCoachingStopped:
		return "stopped coaching"
	case EventStatusChanged:
		return "status changed"
	}
	return fmt.Sprintf("event(%d)", int(k))
}

// Event is one change seen between two polls of a conference's participants.
type Event struct {
	At      time.Time // when the poll that saw it returned
	Kind    EventKind
	CallSID string
	Label   string // the participant's label then; may be empty
	// Target and TargetLabel name whom a coaching event is about.
	Target      string
	TargetLabel string
	// From and To are the statuses of a status change; To is also the
	// status a participant joined with, From the one it left with.
	From, To ParticipantStatus
}

// Name is the participant's label, or its call SID when it has none.
func (e Event) Name() string {
	if e.Label != "" {
		return e.Label
	}
	return e.CallSID
}

func (e Event) targetName() string {
	if e.TargetLabel != "" {
		return e.TargetLabel
	}
	if e.Target != "" {
		return e.Target
	}
	return "someone"
}

// String describes the event in a short sentence without its time, such as
// "agent-7 started coaching caller-2". Labels in it have been through
// DisplayN, so it is safe to print and as wide as it measures.
func (e Event) String() string {
	const nameMax = 64
	name := DisplayN(e.Name(), nameMax)
	switch e.Kind {
	case EventJoined:
		if e.To != "" {
			return fmt.Sprintf("%s joined (%s)", name, DisplayN(string(e.To), nameMax))
		}
		return name + " joined"
	case EventLeft:
		return name + " left"
	case EventMuted:
		return name + " muted"
	case EventUnmuted:
		return name + " unmuted"
	case EventHeld:
		return name + " put on hold"
	case EventResumed:
		return name + " resumed from hold"
	case EventCoachingStarted:
		return name + " started coaching " + DisplayN(e.targetName(), nameMax)
	case EventCoachingStopped:
		if e.Target == "" && e.TargetLabel == "" {
			return name + " stopped coaching"
		}
		return name + " stopped coaching " + DisplayN(e.targetName(), nameMax)
	case EventStatusChanged:
		return fmt.Sprintf("%s %s → %s", name, DisplayN(string(e.From), nameMax), DisplayN(string(e.To), nameMax))
	}
	return name + " " + e.Kind.String()
}

// Diff returns what changed from prev to next, two successive polls of one
// conference's participants, all stamped at. Participants are matched by
// CallSID. Events come in next's order (joins and changes), then the
// departures in prev's order; a participant's own changes come as status,
// mute, hold, coaching. A participant that is still coaching but switched to
// another target gets one EventCoachingStarted naming the new target.
// Identical lists give no events (nil).
func Diff(prev, next []Participant, at time.Time) []Event {
	before, after := firstBySID(prev), firstBySID(next)
	labelOf := func(sid string) string {
		if p, ok := after[sid]; ok {
			return p.Label
		}
		return before[sid].Label
	}

	var events []Event
	seen := make(map[string]bool, len(next))
	for _, n := range next {
		if seen[n.CallSID] {
			continue
		}
		seen[n.CallSID] = true
		ev := Event{At: at, CallSID: n.CallSID, Label: n.Label}
		p, ok := before[n.CallSID]
		if !ok {
			ev.Kind, ev.To = EventJoined, n.Status
			events = append(events, ev)
			continue
		}
		if p.Status != n.Status {
			e := ev
			e.Kind, e.From, e.To = EventStatusChanged, p.Status, n.Status
			events = append(events, e)
		}
		if p.Muted != n.Muted {
			e := ev
			e.Kind = EventUnmuted
			if n.Muted {
				e.Kind = EventMuted
			}
			events = append(events, e)
		}
		if p.Hold != n.Hold {
			e := ev
			e.Kind = EventResumed
			if n.Hold {
				e.Kind = EventHeld
			}
			events = append(events, e)
		}
		switch {
		case n.Coaching && (!p.Coaching || p.CallSIDToCoach != n.CallSIDToCoach):
			e := ev
			e.Kind, e.Target, e.TargetLabel = EventCoachingStarted, n.CallSIDToCoach, labelOf(n.CallSIDToCoach)
			events = append(events, e)
		case p.Coaching && !n.Coaching:
			e := ev
			e.Kind, e.Target, e.TargetLabel = EventCoachingStopped, p.CallSIDToCoach, labelOf(p.CallSIDToCoach)
			events = append(events, e)
		}
	}
	gone := make(map[string]bool)
	for _, p := range prev {
		if _, still := after[p.CallSID]; still || gone[p.CallSID] {
			continue
		}
		gone[p.CallSID] = true
		events = append(events, Event{At: at, Kind: EventLeft, CallSID: p.CallSID, Label: p.Label, From: p.Status})
	}
	return events
}

// firstBySID indexes ps by call SID; a SID listed twice (a page boundary
// shifting under a join) keeps its first entry, as Merge does.
func firstBySID(ps []Participant) map[string]Participant {
	m := make(map[string]Participant, len(ps))
	for _, p := range ps {
		if _, dup := m[p.CallSID]; !dup {
			m[p.CallSID] = p
		}
	}
	return m
}

// DefaultEventLogCapacity is the capacity NewEventLog uses when given none:
// enough for a busy shift's recent history at a few hundred bytes an event.
const DefaultEventLogCapacity = 1000

// EventLog keeps the most recent events in a ring of fixed capacity: Add is
// O(1) and never allocates, and once full each new event replaces the oldest,
// so a console left running for a whole shift holds the same memory at the
// end as after its first few minutes. Use it through a pointer (NewEventLog);
// copies of a model that hold the pointer share one log, which is what a
// Bubble Tea model copied on every Update wants. It is not safe for
// concurrent use; the UI goroutine owns it.
type EventLog struct {
	buf   []Event
	start int // index of the oldest event
	n     int // events held
}

// NewEventLog returns an empty log that holds at most capacity events; a
// capacity below 1 means DefaultEventLogCapacity.
func NewEventLog(capacity int) *EventLog {
	if capacity < 1 {
		capacity = DefaultEventLogCapacity
	}
	return &EventLog{buf: make([]Event, capacity)}
}

// Add appends e as the newest event, dropping the oldest when full.
func (l *EventLog) Add(e Event) {
	if l.n < len(l.buf) {
		l.buf[(l.start+l.n)%len(l.buf)] = e
		l.n++
		return
	}
	l.buf[l.start] = e
	l.start = (l.start + 1) % len(l.buf)
}

// AddAll appends es in order, so the last of es becomes the newest.
func (l *EventLog) AddAll(es []Event) {
	for _, e := range es {
		l.Add(e)
	}
}

// Len is the number of events held.
func (l *EventLog) Len() int { return l.n }

// Cap is the most events the log holds.
func (l *EventLog) Cap() int { return len(l.buf) }

// At returns the i-th newest event: At(0) is the newest, At(Len()-1) the
// oldest held. Out of range it returns false rather than panicking, so a
// view scrolled past a log that just wrapped shows nothing instead of
// crashing.
func (l *EventLog) At(i int) (Event, bool) {
	if i < 0 || i >= l.n {
		return Event{}, false
	}
	return l.at(i), true
}

// at is At without the range check, for callers that loop within Len.
func (l *EventLog) at(i int) Event {
	return l.buf[(l.start+l.n-1-i)%len(l.buf)]
}

// Newest returns up to n events, newest first, in a new slice (for a view
// that shows the last few lines). An n below 0 means all.
func (l *EventLog) Newest(n int) []Event {
	if n < 0 || n > l.n {
		n = l.n
	}
	out := make([]Event, n)
	for i := range out {
		out[i] = l.at(i)
	}
	return out
}
