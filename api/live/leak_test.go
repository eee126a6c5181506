package live

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// settle waits (boundedly: it measures nothing) for the goroutine count to
// fall back to at most want, and returns the count it saw last.
func settle(want int) int {
	n := runtime.NumGoroutine()
	for end := time.Now().Add(5 * time.Second); n > want && time.Now().Before(end); n = runtime.NumGoroutine() {
		time.Sleep(10 * time.Millisecond)
	}
	return n
}

// TestNoGoroutineLeft: on the real clock, waves of watchers of several
// rooms and of the list come and go (closed, or by their context), with
// actions among them. Once the last has left and the grace period passed,
// the goroutine count is back where it started; and Close with watchers
// still open leaves none either.
func TestNoGoroutineLeft(t *testing.T) {
	before := runtime.NumGoroutine()
	svc := newFake()
	h := New(svc, Options{Interval: 5 * time.Millisecond, Grace: 20 * time.Millisecond, Jitter: NoJitter})
	for wave := range 5 {
		ctx, cancel := context.WithCancel(context.Background())
		var subs []interface{ Close() }
		for i := range 40 {
			conf := roomA
			if i%2 == 1 {
				conf = roomB
			}
			r, err := h.WatchRoom(ctx, conf)
			if err != nil {
				t.Fatal(err)
			}
			l, err := h.WatchConferences(ctx)
			if err != nil {
				t.Fatal(err)
			}
			subs = append(subs, r, l)
		}
		if err := h.Submit(ctx, alice, roomA, Action{Kind: Mute, CallSID: callX, Label: "customer-7"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(15 * time.Millisecond)
		if wave%2 == 0 {
			cancel() // the watchers go with their context
		} else {
			for _, s := range subs {
				s.Close()
			}
			cancel()
		}
	}
	if n := settle(before); n > before {
		t.Fatalf("%d goroutines after every watcher left and the grace period passed, %d before", n, before)
	}

	if _, err := h.WatchRoom(context.Background(), roomA); err != nil {
		t.Fatal(err)
	}
	if _, err := h.WatchConferences(context.Background()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(15 * time.Millisecond)
	h.Close()
	if n := settle(before); n > before {
		t.Fatalf("%d goroutines after Close, %d before", n, before)
	}
}
