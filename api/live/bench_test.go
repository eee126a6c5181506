package live

import (
	"context"
	"fmt"
	"testing"
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
				h.pollRoom(r)
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
		return testing.AllocsPerRun(100, func() { h.pollRoom(r) })
	}
	one, fifty := allocs(1), allocs(50)
	if fifty > one {
		t.Fatalf("a poll allocates %.0f times with 50 watchers, %.0f with one", fifty, one)
	}
}
