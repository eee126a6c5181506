package live

import (
	"testing"
	"testing/synctest"
	"time"

	"confconsole/api"
	"confconsole/model"
)

// TestFakeClockDrivesThePollers: with Options.Now and NewTimer from a
// FakeClock, a room is polled once at the start and then exactly once each
// time the clock passes an interval, never on its own; Refresh polls at
// once, and the snapshots count the polls and read the fake time.
func TestFakeClockDrivesThePollers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		clock := NewFakeClock(start)
		svc := newFake()
		h := New(svc, Options{Interval: interval, Jitter: NoJitter, Now: clock.Now, NewTimer: clock.NewTimer})
		defer h.Close()
		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		synctest.Wait()
		time.Sleep(time.Hour) // real (bubble) time passes; the fake clock does not
		synctest.Wait()
		if got := svc.count("list participants", roomA); got != 1 {
			t.Fatalf("before the fake clock moved: %d polls, want the first one only", got)
		}
		for i := range 3 {
			clock.Advance(interval)
			synctest.Wait()
			if got, want := svc.count("list participants", roomA), i+2; got != want {
				t.Fatalf("after %d intervals: %d polls, want %d", i+1, got, want)
			}
		}
		h.Refresh(roomA)
		synctest.Wait()
		if got := svc.count("list participants", roomA); got != 5 {
			t.Fatalf("after Refresh: %d polls, want 5", got)
		}
		snap, _ := drain(s)
		if snap.Poll.Polls != 5 || !snap.Poll.Updated.Equal(start.Add(3*interval)) || !snap.Poll.Next.Equal(start.Add(4*interval)) {
			t.Fatalf("snapshot polls %d, updated %v, next %v; want 5, %v, %v",
				snap.Poll.Polls, snap.Poll.Updated, snap.Poll.Next, start.Add(3*interval), start.Add(4*interval))
		}

		l, err := h.WatchConferences(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		synctest.Wait()
		h.RefreshList()
		synctest.Wait()
		if got := svc.count("list conferences", ""); got != 2 {
			t.Fatalf("the list after RefreshList: %d polls, want 2", got)
		}
	})
}

// TestEndedRoomCarriesTheConference: a room whose conference completed
// says so with the conference as Twilio last described it; one Twilio no
// longer knows is Gone.
func TestEndedRoomCarriesTheConference(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()
		a, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		synctest.Wait()
		svc.end(roomA)
		h.Refresh(roomA)
		synctest.Wait()
		snap, _ := drain(a)
		if !snap.Ended || snap.Gone || snap.Record.SID != roomA || snap.Record.Status != model.ConferenceCompleted {
			t.Fatalf("completed room: ended %v, gone %v, record %+v", snap.Ended, snap.Gone, snap.Record)
		}

		const unknown = "CF00000000000000000000000000000000"
		svc.fail = func(op, conf string, n int) error {
			if conf == unknown {
				return &api.Error{Status: 404, Code: 20404, Message: "not found"}
			}
			return nil
		}
		b, err := h.WatchRoom(t.Context(), unknown)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		synctest.Wait()
		snap, _ = drain(b)
		if !snap.Ended || !snap.Gone {
			t.Fatalf("unknown room: ended %v, gone %v, want both", snap.Ended, snap.Gone)
		}
	})
}

// TestUnchangedPollKeepsTheRoster: a poll that finds what the last one
// found neither merges nor diffs: the snapshot shares the last roster (so
// a screen's equality check is its only cost); a change is merged as
// ever.
func TestUnchangedPollKeepsTheRoster(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := NewFakeClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		svc := newFake()
		h := New(svc, Options{Interval: interval, Jitter: NoJitter, Now: clock.Now, NewTimer: clock.NewTimer})
		defer h.Close()
		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		synctest.Wait()
		first, _ := drain(s)
		h.Refresh(roomA)
		synctest.Wait()
		same, _ := drain(s)
		if same.Poll.Polls != 2 || !sameSlice(first.Participants, same.Participants) {
			t.Fatalf("an unchanged poll made a new roster (polls %d)", same.Poll.Polls)
		}
		svc.mu.Lock()
		svc.rooms[roomA] = svc.rooms[roomA][:1]
		svc.mu.Unlock()
		h.Refresh(roomA)
		synctest.Wait()
		changed, _ := drain(s)
		if len(changed.Participants) != 1 || len(changed.Events) != 1 {
			t.Fatalf("after agent-2 left: %d participants, events %q", len(changed.Participants), eventTexts(changed.Events))
		}
	})
}

// TestRefreshFloor: with a RefreshFloor, refreshes pressed less than that
// after a feed's last poll was sent (a key held down, ten sessions pressing
// it) are one poll, sent when the floor has passed; a press after it polls
// at once, and the regular polls count on from there; a key held down
// polls once a floor. The conference list is held the same way.
func TestRefreshFloor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := NewFakeClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		svc := newFake()
		const every = 10 * time.Second
		h := New(svc, Options{Interval: every, Jitter: NoJitter, Now: clock.Now, NewTimer: clock.NewTimer, RefreshFloor: MinRefresh})
		defer h.Close()
		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		l, err := h.WatchConferences(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		synctest.Wait()
		for step, c := range []struct {
			advance time.Duration
			presses int
			polls   int // of the room, and of the list
		}{
			{0, 30, 1},                              // just polled: held
			{MinRefresh, 0, 2},                      // the floor passed: the held presses poll, once
			{MinRefresh / 2, 30, 2},                 // held again
			{MinRefresh/2 - time.Millisecond, 0, 2}, // not yet
			{time.Millisecond, 0, 3},                // now
			{every / 2, 1, 4},                       // long after a poll: at once
			{every / 2, 0, 4},                       // the regular poll counts from that one
			{every / 2, 0, 5},
			{every / 2, 30, 6}, // held down: one at once...
			{MinRefresh, 0, 7}, // ...and one a floor later
			{MinRefresh, 0, 7},
		} {
			clock.Advance(c.advance)
			synctest.Wait()
			for range c.presses {
				h.Refresh(roomA)
				h.RefreshList()
				synctest.Wait()
			}
			if room, list := svc.count("list participants", roomA), svc.count("list conferences", ""); room != c.polls || list != c.polls {
				t.Fatalf("step %d: %d room polls and %d list polls, want %d of each", step, room, list, c.polls)
			}
		}
	})
}
