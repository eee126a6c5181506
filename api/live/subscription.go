package live

import (
	"context"
	"sync"
)

// Subscription delivers the newest snapshots of one feed (a room, or the
// conference list) to one watcher. Its channel holds one snapshot: when the
// watcher has not taken the last one, a newer one replaces it, so a slow
// watcher skips states it had no time to draw and never holds up the poller
// or the other watchers.
type Subscription[S any] struct {
	ch    chan S
	close func() // removes the subscription from its feed; run once
	once  sync.Once

	mu     sync.Mutex
	closed bool
	stop   func() bool // undoes the context watch set up by watch
}

func newSubscription[S any]() *Subscription[S] {
	return &Subscription[S]{ch: make(chan S, 1)}
}

// Updates is the channel of snapshots. It is closed when the subscription
// is closed (by Close, the watcher's context, or the Hub closing).
func (s *Subscription[S]) Updates() <-chan S { return s.ch }

// Close stops the deliveries and closes Updates; when it was the feed's
// last watcher, the feed's poller stops after the grace period. Closing
// twice is harmless.
func (s *Subscription[S]) Close() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		stop := s.stop
		s.mu.Unlock()
		if stop != nil {
			stop() // a watcher that leaves by Close leaves nothing behind on its context
		}
		s.close()
	})
}

// watch closes the subscription when ctx ends.
func (s *Subscription[S]) watch(ctx context.Context) {
	stop := context.AfterFunc(ctx, s.Close)
	s.mu.Lock()
	closed := s.closed
	s.stop = stop
	s.mu.Unlock()
	if closed {
		stop()
	}
}

// offer hands v to the watcher without ever blocking: a snapshot it has not
// taken yet is replaced. The caller holds the Hub's lock, so offers to one
// subscription never race each other (only the watcher's receive), and the
// loop ends within two turns.
func (s *Subscription[S]) offer(v S) {
	for {
		select {
		case s.ch <- v:
			return
		default:
		}
		select {
		case <-s.ch: // drop the stale one
		default:
		}
	}
}
