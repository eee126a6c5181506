package live

import (
	"context"
	"fmt"
	"testing"
	"time"

	"confconsole/model"
)

// BenchmarkPollFanout is one poll of a 2-participant room fanned out to N
// watchers: the snapshot is built once and shared, so the cost per poll
// barely grows with the watchers (compare the allocations across N).
func BenchmarkPollFanout(b *testing.B) {
	for _, watchers := range []int{1, 50} {
		b.Run(fmt.Sprintf("%d watchers", watchers), func(b *testing.B) {
			svc := newFake()
			h := New(svc, Options{Interval: 1 << 62, Jitter: NoJitter})
			defer h.Close()
			for range watchers {
				if _, err := h.WatchRoom(context.Background(), roomA); err != nil {
					b.Fatal(err)
				}
			}
			h.mu.Lock()
			r := h.rooms[roomA]
			h.mu.Unlock()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				h.pollRoom(r, func(time.Duration) {})
			}
		})
	}
}

// TestFanoutCostsNoMoreWithMoreWatchers: a poll allocates the same whether
// one screen or fifty watch the room; one snapshot is shared by all.
func TestFanoutCostsNoMoreWithMoreWatchers(t *testing.T) {
	allocs := func(watchers int) float64 {
		h := New(newFake(), Options{Interval: 1 << 62, Jitter: NoJitter})
		defer h.Close()
		var first *Subscription[RoomSnapshot]
		for range watchers {
			s, err := h.WatchRoom(context.Background(), roomA)
			if err != nil {
				t.Fatal(err)
			}
			first = s
		}
		<-first.Updates() // the poller's own first poll is over
		h.mu.Lock()
		r := h.rooms[roomA]
		h.mu.Unlock()
		return testing.AllocsPerRun(100, func() { h.pollRoom(r, func(time.Duration) {}) })
	}
	one, fifty := allocs(1), allocs(50)
	if fifty > one {
		t.Fatalf("a poll allocates %.0f times with 50 watchers, %.0f with one", fifty, one)
	}
}

// BenchmarkCallbackToSnapshot is one status callback applied to a watched
// room of 20 participants until its watcher holds the new snapshot: the
// latency from event to published snapshot, and what it allocates. A mute
// changes the roster (a new roster, a feed line); speech changes only who
// is talking.
func BenchmarkCallbackToSnapshot(b *testing.B) {
	for _, kind := range []string{"mute", "speech"} {
		b.Run(kind, func(b *testing.B) {
			svc := newFake()
			var ps []model.Participant
			for i := range 20 {
				ps = append(ps, model.Participant{CallSID: fmt.Sprintf("CA%032x", i), ConferenceSID: roomA,
					Label: fmt.Sprintf("caller-%d", i), Status: model.ParticipantConnected})
			}
			svc.rooms[roomA] = ps
			h := New(svc, Options{Interval: 1 << 62, Jitter: NoJitter})
			defer h.Close()
			s, err := h.WatchRoom(context.Background(), roomA)
			if err != nil {
				b.Fatal(err)
			}
			<-s.Updates() // the first poll is over
			call := ps[7].CallSID
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				c := Callback{Conference: roomA, CallSID: call, At: time.Now(), HasState: true}
				switch {
				case kind == "speech" && i%2 == 0:
					c.Kind = CallbackSpeechStart
				case kind == "speech":
					c.Kind = CallbackSpeechStop
				case i%2 == 0:
					c.Kind, c.Muted = CallbackMute, true
				default:
					c.Kind = CallbackUnmute
				}
				h.ApplyCallback(c)
				<-s.Updates()
			}
		})
	}
}

// TestCallbackAllocsDoNotGrowWithTheRoom: a participant callback compares
// only the participant it names, so it allocates as often in a room of 200
// as in a room of 2 (the new roster is one allocation, whatever its size).
func TestCallbackAllocsDoNotGrowWithTheRoom(t *testing.T) {
	allocs := func(size int) float64 {
		svc := newFake()
		var ps []model.Participant
		for i := range size {
			ps = append(ps, model.Participant{CallSID: fmt.Sprintf("CA%032x", i), ConferenceSID: roomA, Status: model.ParticipantConnected})
		}
		svc.rooms[roomA] = ps
		h := New(svc, Options{Interval: 1 << 62, Jitter: NoJitter})
		defer h.Close()
		s, err := h.WatchRoom(context.Background(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		<-s.Updates()
		on := false
		return testing.AllocsPerRun(100, func() {
			on = !on
			h.ApplyCallback(Callback{Conference: roomA, Kind: CallbackMute, CallSID: ps[1].CallSID, At: time.Now(), HasState: true, Muted: on})
			<-s.Updates()
		})
	}
	small, big := allocs(2), allocs(200)
	if big > small {
		t.Fatalf("a callback allocates %.0f times in a room of 200, %.0f in a room of 2", big, small)
	}
}
