package live

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"confconsole/model"
)

const interval = 2 * time.Second

// TestOneRequestPerIntervalWhateverTheWatchers: however many screens watch a
// room (or the conference list), Twilio is asked once per poll interval, and
// every watcher gets the newest snapshot. Time is synctest's fake clock, so
// the count is exact: a poll at once, then one per interval.
func TestOneRequestPerIntervalWhateverTheWatchers(t *testing.T) {
	for _, watchers := range []int{1, 10, 50} {
		t.Run(fmt.Sprintf("%d watchers", watchers), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				svc := newFake()
				h := newHub(svc, Options{Interval: interval})
				defer h.Close()
				ctx := t.Context()
				var rooms []*Subscription[RoomSnapshot]
				var lists []*Subscription[ConferenceList]
				for range watchers {
					r, err := h.WatchRoom(ctx, roomA)
					if err != nil {
						t.Fatal(err)
					}
					l, err := h.WatchConferences(ctx)
					if err != nil {
						t.Fatal(err)
					}
					rooms, lists = append(rooms, r), append(lists, l)
				}
				const polls = 10
				time.Sleep(polls*interval - interval/2) // between the 10th poll and the 11th
				synctest.Wait()

				if got := svc.count("list participants", roomA); got != polls {
					t.Errorf("%d watchers of one room: %d participant lists in %d intervals, want %d",
						watchers, got, polls-1, polls)
				}
				if got := svc.count("list conferences", ""); got != polls {
					t.Errorf("%d watchers of the list: %d conference lists in %d intervals, want %d",
						watchers, got, polls-1, polls)
				}
				for i, s := range rooms {
					snap, ok := drain(s)
					if !ok || snap.Version != polls || len(snap.Participants) != 2 {
						t.Fatalf("room watcher %d: got version %d with %d participants (ok %v), want version %d with 2",
							i, snap.Version, len(snap.Participants), ok, polls)
					}
				}
				for i, s := range lists {
					if snap, ok := drain(s); !ok || snap.Version != polls || len(snap.Conferences) != 2 {
						t.Fatalf("list watcher %d: got version %d (ok %v), want %d", i, snap.Version, ok, polls)
					}
				}
			})
		})
	}
}

// TestPollerStopsAfterGrace: the poller outlives its last watcher by the
// grace period, so a screen reopened at once finds it warm (and causes no
// extra request), then stops; a new watcher starts a new one.
func TestPollerStopsAfterGrace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		const grace = 10 * time.Second
		h := newHub(svc, Options{Interval: interval, Grace: grace})
		defer h.Close()
		lists := func() int { return svc.count("list participants", roomA) }

		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		s.Close()
		if _, open := <-s.Updates(); open {
			// the first snapshot may be waiting; the channel must close after it
			if _, open := <-s.Updates(); open {
				t.Fatal("Updates stayed open after Close")
			}
		}

		time.Sleep(grace / 2)
		again, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if snap, ok := drain(again); !ok || snap.Version == 0 {
			t.Fatal("a watcher back within the grace period got no snapshot at once")
		}
		// Polls at 0, 2s, 4s: the return at 5s asked for nothing.
		if got := lists(); got != 3 {
			t.Fatalf("after returning within the grace period: %d requests, want 3 (one per interval)", got)
		}
		again.Close()

		time.Sleep(grace + interval)
		synctest.Wait()
		stopped := lists()
		h.mu.Lock()
		left := len(h.rooms)
		h.mu.Unlock()
		if left != 0 {
			t.Fatalf("%d rooms still polled %s after the last watcher left", left, grace+interval)
		}
		time.Sleep(10 * interval)
		if got := lists(); got != stopped {
			t.Fatalf("requests went on after the grace period: %d then %d", stopped, got)
		}

		third, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer third.Close()
		synctest.Wait()
		if got := lists(); got != stopped+1 {
			t.Fatalf("a new watcher after the poller stopped: %d requests, want %d (a poll at once)", got, stopped+1)
		}
	})
}

// TestSlowWatcherNeverBlocks: a watcher that never reads does not hold up
// the poller or the others: a reading watcher sees every snapshot in turn,
// and the stalled one, when it reads at last, finds only the newest.
func TestSlowWatcherNeverBlocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		polls := 0
		svc.onList = func(conf string, ps []model.Participant) []model.Participant {
			polls++
			ps[0].Muted = !ps[0].Muted // something changes every poll
			return ps
		}
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()
		stalled, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		reader, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		var seen []uint64
		done := make(chan struct{})
		go func() {
			defer close(done)
			for snap := range reader.Updates() {
				seen = append(seen, snap.Version)
			}
		}()
		const n = 20
		time.Sleep(n*interval - interval/2)
		synctest.Wait()
		reader.Close()
		<-done

		if got := svc.count("list participants", roomA); got != n {
			t.Fatalf("the poller made %d requests in %d intervals with a stalled watcher, want %d", got, n-1, n)
		}
		if len(seen) != n {
			t.Fatalf("the reading watcher got %d snapshots, want every one of %d: %v", len(seen), n, seen)
		}
		for i, v := range seen {
			if v != uint64(i+1) {
				t.Fatalf("the reading watcher's snapshots: %v, want 1 to %d in order", seen, n)
			}
		}
		last, ok := drain(stalled)
		if !ok || last.Version != n {
			t.Fatalf("the stalled watcher found version %d (ok %v), want only the newest, %d", last.Version, ok, n)
		}
		if _, ok := drain(stalled); ok {
			t.Fatal("the stalled watcher had more than one snapshot queued")
		}
		stalled.Close()
	})
}

// TestSnapshotsCarryChangesAndStayImmutable: a room's events are the
// changes model.Diff finds between polls (none on the first poll), capped at
// the capacity; a snapshot handed out earlier never changes afterwards.
func TestSnapshotsCarryChangesAndStayImmutable(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		svc.onList = func(conf string, ps []model.Participant) []model.Participant {
			ps[0].Muted = !ps[0].Muted
			return ps
		}
		const capacity = 5
		h := newHub(svc, Options{Interval: interval, EventCapacity: capacity})
		defer h.Close()
		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		synctest.Wait()
		first := <-s.Updates()
		if len(first.Events) != 0 {
			t.Fatalf("the first poll made events: %v", first.Events)
		}
		time.Sleep(3 * interval)
		synctest.Wait()
		mid := <-s.Updates()
		want := []string{"customer-7 unmuted", "customer-7 muted", "customer-7 unmuted"}
		if got := eventTexts(mid.Events); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("events after 4 polls: %q, want %q", got, want)
		}
		frozen := fmt.Sprint(eventTexts(mid.Events), mid.Participants)

		time.Sleep(40 * interval)
		synctest.Wait()
		late := <-s.Updates()
		if len(late.Events) != capacity {
			t.Fatalf("after 44 polls the snapshot holds %d events, want the capacity, %d", len(late.Events), capacity)
		}
		if got := fmt.Sprint(eventTexts(mid.Events), mid.Participants); got != frozen {
			t.Fatalf("an earlier snapshot changed:\nwas %s\nnow %s", frozen, got)
		}
	})
}

func eventTexts(es []Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.String())
	}
	return out
}

// TestWatchRefusals: a bad conference SID, a finished context and a closed
// Hub are refused with a message saying what was wrong.
func TestWatchRefusals(t *testing.T) {
	svc := newFake()
	h := newHub(svc, Options{})
	done, cancel := context.WithCancel(context.Background())
	cancel()
	closed := newHub(svc, Options{})
	closed.Close()
	defer h.Close()
	for _, tc := range []struct {
		name string
		hub  *Hub
		ctx  context.Context
		conf string
		want string
	}{
		{"friendly name", h, context.Background(), "Support bridge", `"Support bridge" is not a conference SID`},
		{"empty", h, context.Background(), "", `"" is not a conference SID`},
		{"cancelled", h, done, roomA, "context canceled"},
		{"closed", closed, context.Background(), roomA, "the live state is closed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := tc.hub.WatchRoom(tc.ctx, tc.conf)
			if err == nil {
				s.Close()
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
	if got := len(svc.requests()); got != 0 {
		t.Fatalf("refused watches sent %d requests", got)
	}
}
