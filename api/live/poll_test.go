package live

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"confconsole/api"
)

// TestEndedRoomStopsPolling: when the participants are gone and the
// conference is completed, the snapshot says the room ended, with the
// departures in the feed, and the room is not polled again.
func TestEndedRoomStopsPolling(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()
		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		time.Sleep(interval / 2)
		svc.end(roomA)
		time.Sleep(interval)
		synctest.Wait()
		snap, _ := drain(s)
		if !snap.Ended || len(snap.Participants) != 0 || !snap.Poll.Next.IsZero() {
			t.Fatalf("after the conference ended: ended %v, %d participants, next poll %v", snap.Ended, len(snap.Participants), snap.Poll.Next)
		}
		if got, want := eventTexts(snap.Events), []string{"customer-7 left", "agent-2 left"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("feed %q, want %q", got, want)
		}
		n := len(svc.requests())
		time.Sleep(10 * interval)
		if got := len(svc.requests()); got != n {
			t.Fatalf("an ended room was polled again: %d requests, then %d", n, got)
		}
	})
}

// TestFailingPollKeepsTheRoster: a failed poll keeps the last roster on
// show with the error, the failures counted and the next poll later; the
// first good poll clears them.
func TestFailingPollKeepsTheRoster(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		down := &api.Error{Op: api.OpListParticipants, Target: roomA, Status: 503, Code: 20503, Message: "Service unavailable"}
		svc.fail = func(op, conf string, n int) error {
			if op == "list participants" && (n == 2 || n == 3) {
				return down
			}
			return nil
		}
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()
		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		synctest.Wait()
		good := <-s.Updates()
		time.Sleep(interval) // the second poll fails
		synctest.Wait()
		snap := <-s.Updates()
		if !errors.Is(snap.Poll.Err, down) {
			t.Fatalf("poll error %v, want the 503", snap.Poll.Err)
		}
		if len(snap.Participants) != 2 || !snap.Poll.Updated.Equal(good.Poll.Updated) || snap.Poll.Failures != 1 {
			t.Fatalf("after a failure: %d participants, updated %v (was %v), %d failures",
				len(snap.Participants), snap.Poll.Updated, good.Poll.Updated, snap.Poll.Failures)
		}
		if got := snap.Poll.Next.Sub(time.Now()); got != 2*interval {
			t.Fatalf("next poll in %s after one failure, want %s (backing off)", got, 2*interval)
		}
		if age := snap.Poll.Age(time.Now()); age != interval {
			t.Fatalf("age %s, want %s", age, interval)
		}
		time.Sleep(2 * interval) // the third fails too
		synctest.Wait()
		if snap = <-s.Updates(); snap.Poll.Failures != 2 || snap.Poll.Next.Sub(time.Now()) != 4*interval {
			t.Fatalf("after two failures: %d failures, next in %s", snap.Poll.Failures, snap.Poll.Next.Sub(time.Now()))
		}
		time.Sleep(4 * interval)
		synctest.Wait()
		if snap = <-s.Updates(); snap.Poll.Err != nil || snap.Poll.Failures != 0 || snap.Poll.Age(time.Now()) != 0 {
			t.Fatalf("after recovering: error %v, %d failures, age %s", snap.Poll.Err, snap.Poll.Failures, snap.Poll.Age(time.Now()))
		}
	})
}

// TestDelay: the wait before the next poll, by what the last one met.
func TestDelay(t *testing.T) {
	const iv = 2 * time.Second
	server := &api.Error{Status: 500}
	for _, tc := range []struct {
		name     string
		failures int
		err      error
		want     time.Duration
	}{
		{"success", 0, nil, iv},
		{"wrong credentials", 1, &api.Error{Status: 401, Code: 20003}, authBackoff},
		{"forbidden", 3, &api.Error{Status: 403}, authBackoff},
		{"server error once", 1, server, 2 * iv},
		{"server error thrice", 3, server, 8 * iv},
		{"capped", 12, server, maxBackoff},
		{"not found", 2, &api.Error{Status: 404, Code: 20404}, iv},
		{"plain error", 2, errors.New("boom"), iv},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := delay(iv, tc.failures, tc.err, NoJitter); got != tc.want {
				t.Fatalf("delay = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestOperatorNames: events name the operator by name, else SSH user, and
// never print what a terminal would obey.
func TestOperatorNames(t *testing.T) {
	for _, tc := range []struct {
		op   Operator
		want string
	}{
		{Operator{Name: "alice", SSHUser: "ops", Fingerprint: "SHA256:x"}, "alice"},
		{Operator{SSHUser: "ops"}, "ops"},
		{Operator{}, "someone"},
	} {
		if got := tc.op.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.op, got, tc.want)
		}
	}
	evil := Operator{Name: "eve\x1b[2J"}
	if got := evil.String(); got == evil.Name || containsESC(got) {
		t.Errorf("an escape sequence in a name is printed as is: %q", got)
	}
	if LocalOperator().String() == "" {
		t.Error("the local operator has no name")
	}
}

func containsESC(s string) bool {
	for _, r := range s {
		if r == 0x1b {
			return true
		}
	}
	return false
}

// TestWatchAndLeaveAtOnce: a watcher whose context ends while it is being
// set up, or who closes and cancels at once, leaves cleanly (run with
// -race).
func TestWatchAndLeaveAtOnce(t *testing.T) {
	h := New(newFake(), Options{Interval: time.Hour, Grace: time.Millisecond, Jitter: NoJitter})
	defer h.Close()
	for range 2000 {
		ctx, cancel := context.WithCancel(context.Background())
		go cancel()
		s, err := h.WatchRoom(ctx, roomA)
		if err != nil {
			continue // cancelled before it began: refused, fine
		}
		s.Close()
		for range s.Updates() {
		}
	}
}

// TestPanickingRequestIsAnError: a request that panics (a bug in the
// client, say on a reply it cannot read) is that poll's error, not the end
// of the process; the room is polled again and recovers.
func TestPanickingRequestIsAnError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		svc.fail = func(op, conf string, n int) error {
			if op == "list participants" && n == 2 {
				panic("index out of range [3] with length 3")
			}
			return nil
		}
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()
		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		time.Sleep(interval + interval/2)
		synctest.Wait()
		snap, _ := drain(s)
		if !errors.Is(snap.Poll.Err, ErrInternal) || len(snap.Participants) != 2 {
			t.Fatalf("after the panicking poll: error %v, %d participants; want ErrInternal and the last roster kept", snap.Poll.Err, len(snap.Participants))
		}
		time.Sleep(10 * interval)
		synctest.Wait()
		if snap, _ = drain(s); snap.Poll.Err != nil {
			t.Errorf("later polls: %v, want the room polled again and well", snap.Poll.Err)
		}
	})
}

// TestPanickingWriteIsUnclear: a write whose request panicked may have
// reached Twilio first, so its outcome is unclear (the polls tell), never
// "not done".
func TestPanickingWriteIsUnclear(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		svc.fail = func(op, conf string, n int) error {
			if op == "update participant" {
				panic("nil map")
			}
			return nil
		}
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()
		err := h.Submit(t.Context(), alice, roomA, Action{Kind: Mute, CallSID: callX})
		if !errors.Is(err, ErrInternal) || outcomeOf(err) != Unclear {
			t.Errorf("a panicking mute: %v (%v), want ErrInternal, unclear", err, outcomeOf(err))
		}
	})
}
