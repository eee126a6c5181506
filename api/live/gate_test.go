package live

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

// TestThrottlePausesEveryone: one 429 with Retry-After, on one room's poll,
// holds back every request to the account (the other room, the conference
// list, an operator's action) until the Retry-After has passed; then the
// action goes first.
func TestThrottlePausesEveryone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		const retryAfter = 30 * time.Second
		svc.fail = func(op, conf string, n int) error {
			if op == "list participants" && conf == roomA && n == 3 {
				return throttled{retryAfter}
			}
			return nil
		}
		h := newHub(svc, Options{Interval: interval, Gate: NewGate(1)})
		defer h.Close()
		for _, conf := range []string{roomA, roomB} {
			s, err := h.WatchRoom(t.Context(), conf)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
		}
		l, err := h.WatchConferences(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()

		time.Sleep(2*interval + interval/4) // just past the 429
		synctest.Wait()
		throttledAt := 2 * interval
		start := time.Now().Add(-(2*interval + interval/4))
		until := h.Gate().PausedUntil()
		if until.IsZero() {
			t.Fatal("the gate is open after a 429 with Retry-After")
		}
		if got := until.Sub(start); got != throttledAt+retryAfter {
			t.Fatalf("the gate is paused until %s from the start, want %s", got, throttledAt+retryAfter)
		}
		acted := make(chan error)
		go func() {
			acted <- h.Submit(t.Context(), alice, roomB, Action{Kind: Mute, CallSID: callX, Label: "caller-1"})
		}()

		time.Sleep(retryAfter)
		synctest.Wait()
		if err := <-acted; err != nil {
			t.Fatal(err)
		}
		var during, after []string
		for _, r := range svc.requests() {
			at := r.at.Sub(start)
			switch {
			case at > throttledAt && at < throttledAt+retryAfter:
				during = append(during, fmt.Sprintf("%s %s at %s", r.op, r.conf, at))
			case at >= throttledAt+retryAfter:
				after = append(after, r.op)
			}
		}
		if len(during) > 0 {
			t.Fatalf("requests sent while the account was throttled: %q", during)
		}
		if len(after) == 0 || after[0] != "update participant" {
			t.Fatalf("requests after the pause: %q, want the action first", after)
		}
		if len(after) < 4 {
			t.Fatalf("the polls did not resume after the pause: %q", after)
		}
	})
}

// TestGateLetsActionsGoFirst: with the one slot taken, waiting actions are
// let through before polls that have waited longer, and a waiter that gives
// up takes no slot.
func TestGateLetsActionsGoFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := NewGate(1)
		release, err := g.Acquire(t.Context(), PriorityPoll)
		if err != nil {
			t.Fatal(err)
		}
		order := make(chan string, 4)
		enqueue := func(ctx context.Context, name string, p Priority) {
			go func() {
				rel, err := g.Acquire(ctx, p)
				if err != nil {
					order <- name + " gave up"
					return
				}
				order <- name
				rel(nil)
			}()
			synctest.Wait() // queued before the next one
		}
		quitter, quit := context.WithCancel(t.Context())
		enqueue(t.Context(), "poll 1", PriorityPoll)
		enqueue(quitter, "action 0", PriorityAction)
		enqueue(t.Context(), "poll 2", PriorityPoll)
		enqueue(t.Context(), "action 1", PriorityAction)
		quit()
		synctest.Wait()
		release(nil)
		var got []string
		for range 4 {
			got = append(got, <-order)
		}
		want := []string{"action 0 gave up", "action 1", "poll 1", "poll 2"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("order %q, want %q", got, want)
		}
	})
}

// TestGatePauses: a rate-limit error pauses the gate for its Retry-After,
// or a second when it gave none; other errors do not; a shorter pause never
// cuts a longer one short.
func TestGatePauses(t *testing.T) {
	for _, tc := range []struct {
		name string
		errs []error
		want time.Duration
	}{
		{"retry after", []error{throttled{7 * time.Second}}, 7 * time.Second},
		{"no retry after", []error{throttled{}}, DefaultThrottlePause},
		{"other error", []error{errors.New("connection reset")}, 0},
		{"success", []error{nil}, 0},
		{"longer kept", []error{throttled{20 * time.Second}, throttled{3 * time.Second}}, 20 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := NewGate(0)
				for _, err := range tc.errs {
					g.Observe(err)
				}
				var got time.Duration
				if until := g.PausedUntil(); !until.IsZero() {
					got = time.Until(until)
				}
				if got != tc.want {
					t.Fatalf("paused for %s, want %s", got, tc.want)
				}
				start := time.Now()
				rel, err := g.Acquire(t.Context(), PriorityAction)
				if err != nil {
					t.Fatal(err)
				}
				rel(nil)
				if waited := time.Since(start); waited != tc.want {
					t.Fatalf("an action waited %s, want %s", waited, tc.want)
				}
			})
		})
	}
}
