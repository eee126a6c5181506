package webhook

import (
	"container/list"
	"context"
	"sync"
)

// Consumer takes the events a Receiver accepts. Its methods are called from
// one goroutine (the Receiver's Run), never from an HTTP handler, so a slow
// consumer delays only itself; while it is behind, newer events for the same
// participant replace older ones (see Event.Coalesced).
type Consumer interface {
	// HandleEvent applies one event. Events of one conference arrive in
	// SequenceNumber order; older and duplicate ones never arrive.
	HandleEvent(Event)
	// HandleGap says events of the conference were missed (a SequenceNumber
	// was skipped, or the queue was full), so the consumer should poll it now.
	HandleGap(conferenceSID string)
}

// DefaultQueueSize is how many events may wait for the consumer when Config
// leaves QueueSize zero. Participant events coalesce, so it is reached only
// when many participants change at once while the consumer is stuck.
const DefaultQueueSize = 4096

// queue is a bounded FIFO of events in which a newer event for the same
// participant and kind (state or speech) replaces the waiting older one and
// moves to the back. When full, a new event is dropped and its conference
// is marked for a gap, which is delivered before any event.
type queue struct {
	mu      sync.Mutex
	max     int
	order   *list.List               // of *Event, oldest first
	byKey   map[string]*list.Element // coalescing key -> waiting element
	gaps    []string                 // conferences with a pending gap, in order
	gapSet  map[string]bool
	ready   chan struct{} // holds a token while anything waits
	dropped int
	merged  int
	peak    int
}

func newQueue(max int) *queue {
	if max <= 0 {
		max = DefaultQueueSize
	}
	return &queue{
		max:    max,
		order:  list.New(),
		byKey:  make(map[string]*list.Element),
		gapSet: make(map[string]bool),
		ready:  make(chan struct{}, 1),
	}
}

// coalesceKey is the key under which e may replace a waiting event, or ""
// for events that never coalesce (conference and announcement events: each
// one means something on its own).
func coalesceKey(e *Event) string {
	if e.CallSID == "" {
		return ""
	}
	kind := ""
	switch e.Name {
	case ParticipantJoin, ParticipantLeave, ParticipantMute, ParticipantUnmute,
		ParticipantHold, ParticipantUnhold, ParticipantModify:
		kind = "state"
	case SpeechStart, SpeechStop:
		kind = "speech"
	case callStatusCallback:
		kind = "call"
	default:
		return ""
	}
	return e.ConferenceSID + "\x00" + e.CallSID + "\x00" + kind
}

// push adds e without ever blocking. It reports false when the queue was
// full and e was dropped (a gap is then recorded for its conference).
func (q *queue) push(e Event) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	key := coalesceKey(&e)
	if el, ok := q.byKey[key]; ok && key != "" {
		old := el.Value.(*Event)
		e.Coalesced = old.Coalesced + 1
		q.order.Remove(el)
		q.byKey[key] = q.order.PushBack(&e)
		q.merged++
		q.signal()
		return true
	}
	if q.order.Len() >= q.max {
		q.dropped++
		q.gapLocked(e.ConferenceSID)
		return false
	}
	el := q.order.PushBack(&e)
	if key != "" {
		q.byKey[key] = el
	}
	if n := q.order.Len(); n > q.peak {
		q.peak = n
	}
	q.signal()
	return true
}

// gap records that conference missed events.
func (q *queue) gap(conferenceSID string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.gapLocked(conferenceSID)
}

func (q *queue) gapLocked(conferenceSID string) {
	if conferenceSID == "" || q.gapSet[conferenceSID] {
		return
	}
	q.gapSet[conferenceSID] = true
	q.gaps = append(q.gaps, conferenceSID)
	q.signal()
}

func (q *queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop takes the next gap (gap != "") or event; ok is false when nothing waits.
func (q *queue) pop() (gap string, e Event, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.gaps) > 0 {
		gap = q.gaps[0]
		q.gaps[0] = ""
		q.gaps = q.gaps[1:]
		delete(q.gapSet, gap)
		return gap, Event{}, true
	}
	el := q.order.Front()
	if el == nil {
		return "", Event{}, false
	}
	q.order.Remove(el)
	p := el.Value.(*Event)
	if key := coalesceKey(p); key != "" && q.byKey[key] == el {
		delete(q.byKey, key)
	}
	return "", *p, true
}

// run delivers to c until ctx ends.
func (q *queue) run(ctx context.Context, c Consumer) {
	for {
		for {
			gap, e, ok := q.pop()
			if !ok {
				break
			}
			if gap != "" {
				c.HandleGap(gap)
			} else {
				c.HandleEvent(e)
			}
			if ctx.Err() != nil {
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-q.ready:
		}
	}
}

func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.order.Len()
}
