package live

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"confconsole/model"
)

// reconcile is the reconciliation interval of these tests.
const reconcile = 15 * time.Second

// watched opens a room of a Hub with no jitter and returns its first
// snapshot, after the first poll.
func watched(t *testing.T, svc *fakeService, opts Options) (*Hub, *Subscription[RoomSnapshot], RoomSnapshot) {
	t.Helper()
	h := newHub(svc, opts)
	s, err := h.WatchRoom(t.Context(), roomA)
	if err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	first, ok := drain(s)
	if !ok {
		t.Fatal("no snapshot after the first poll")
	}
	return h, s, first
}

// callback is a callback for roomA stamped now.
func callback(kind CallbackKind, call string) Callback {
	return Callback{Conference: roomA, Kind: kind, CallSID: call, At: time.Now()}
}

func participant(s RoomSnapshot, call string) (model.Participant, bool) {
	for _, p := range s.Participants {
		if p.CallSID == call {
			return p, true
		}
	}
	return model.Participant{}, false
}

// newEvents are the events of after that before did not have.
func newEvents(before, after RoomSnapshot) []Event {
	if len(after.Events) < len(before.Events) {
		return after.Events
	}
	return after.Events[len(before.Events):]
}

// TestCallbackAppliedAtOnce: each kind of participant or conference
// callback changes the roster and publishes a snapshot at once, with no
// poll (the interval is long, and the fake counts the requests); the feed
// says the change came from an event.
func TestCallbackAppliedAtOnce(t *testing.T) {
	const callZ = "CA00000000000000000000000000000009"
	for _, tc := range []struct {
		name  string
		cb    func() Callback
		check func(s RoomSnapshot) error
		feed  []string
	}{
		{"mute with state", func() Callback {
			c := callback(CallbackMute, callX)
			c.HasState, c.Muted = true, true
			return c
		}, func(s RoomSnapshot) error {
			if p, _ := participant(s, callX); !p.Muted {
				return fmt.Errorf("customer-7 not muted")
			}
			return nil
		}, []string{"customer-7 muted"}},
		{"hold without state", func() Callback { return callback(CallbackHold, callY) }, func(s RoomSnapshot) error {
			if p, _ := participant(s, callY); !p.Hold {
				return fmt.Errorf("agent-2 not held")
			}
			return nil
		}, []string{"agent-2 put on hold"}},
		{"coaching", func() Callback {
			c := callback(CallbackModify, callY)
			c.HasState, c.Coaching, c.CallSIDToCoach = true, true, callX
			return c
		}, func(s RoomSnapshot) error {
			if p, _ := participant(s, callY); !p.Coaching || p.CallSIDToCoach != callX {
				return fmt.Errorf("agent-2 not coaching customer-7: %+v", p)
			}
			return nil
		}, []string{"agent-2 started coaching customer-7"}},
		{"join", func() Callback {
			c := callback(CallbackJoin, callZ)
			c.Label, c.HasState, c.Muted = "supervisor", true, true
			return c
		}, func(s RoomSnapshot) error {
			p, ok := participant(s, callZ)
			if !ok || !p.Muted || p.Status != model.ParticipantConnected || s.Participants[2].CallSID != callZ {
				return fmt.Errorf("supervisor not appended, connected and muted: %+v", s.Participants)
			}
			return nil
		}, []string{"supervisor joined (connected)"}},
		{"leave", func() Callback { return callback(CallbackLeave, callX) }, func(s RoomSnapshot) error {
			if _, ok := participant(s, callX); ok || len(s.Participants) != 1 {
				return fmt.Errorf("customer-7 still listed: %+v", s.Participants)
			}
			return nil
		}, []string{"customer-7 left"}},
		{"conference end", func() Callback { return callback(CallbackEnd, "") }, func(s RoomSnapshot) error {
			if len(s.Participants) != 0 {
				return fmt.Errorf("participants listed after the end: %+v", s.Participants)
			}
			return nil
		}, []string{"customer-7 left", "agent-2 left"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				svc := newFake()
				h, s, first := watched(t, svc, Options{Interval: 30 * time.Second})
				defer h.Close()
				defer s.Close()
				time.Sleep(time.Second)
				h.ApplyCallback(tc.cb())
				snap, ok := drain(s)
				if !ok {
					t.Fatal("no snapshot published for the callback")
				}
				if n := svc.count("list participants", roomA); n != 1 && tc.name != "conference end" { // the end polls at once

					t.Fatalf("%d polls: the callback waited for a poll", n)
				}
				if err := tc.check(snap); err != nil {
					t.Fatal(err)
				}
				evs := newEvents(first, snap)
				if got := eventTexts(evs); fmt.Sprint(got) != fmt.Sprint(tc.feed) {
					t.Fatalf("feed %q, want %q", got, tc.feed)
				}
				for _, e := range evs {
					if e.Origin() != FromCallback {
						t.Fatalf("%q comes from %s, want event", e, e.Origin())
					}
				}
				if !snap.EventsLive {
					t.Fatal("the snapshot does not say events are live")
				}
			})
		})
	}
}

// TestConferenceEndCallbackPollsAtOnce: conference-end empties the roster
// and polls at once, and that poll (the conference is over) ends the room.
func TestConferenceEndCallbackPollsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		h, s, _ := watched(t, svc, Options{Interval: 30 * time.Second})
		defer h.Close()
		defer s.Close()
		time.Sleep(time.Second)
		svc.end(roomA)
		h.ApplyCallback(callback(CallbackEnd, ""))
		synctest.Wait()
		snap, _ := drain(s)
		if n := svc.count("list participants", roomA); n != 2 || !snap.Ended {
			t.Fatalf("after conference-end: %d polls, ended %v; want a second poll at once that ends the room", n, snap.Ended)
		}
	})
}

// TestPollConfirmsOrCorrectsCallback: the next poll keeps an event Twilio
// confirms without a second line in the feed, and undoes one it does not,
// saying the poll saw it.
func TestPollConfirmsOrCorrectsCallback(t *testing.T) {
	for _, tc := range []struct {
		name   string
		twilio bool // the fake mutes customer-7 too
		muted  bool
		feed   []string
		origin []Origin
	}{
		{"confirmed", true, true, []string{"customer-7 muted"}, []Origin{FromCallback}},
		{"corrected", false, false, []string{"customer-7 muted", "customer-7 unmuted"}, []Origin{FromCallback, FromPoll}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				svc := newFake()
				h, s, first := watched(t, svc, Options{Interval: interval})
				defer h.Close()
				defer s.Close()
				time.Sleep(interval / 4)
				if tc.twilio {
					svc.mu.Lock()
					svc.rooms[roomA][0].Muted = true
					svc.mu.Unlock()
				}
				h.ApplyCallback(callback(CallbackMute, callX))
				time.Sleep(interval) // the next poll, sent more than a second after the event
				synctest.Wait()
				snap, _ := drain(s)
				if n := svc.count("list participants", roomA); n != 2 {
					t.Fatalf("%d polls, want 2", n)
				}
				if p, _ := participant(snap, callX); p.Muted != tc.muted {
					t.Fatalf("after the poll customer-7 muted %v, want %v", p.Muted, tc.muted)
				}
				evs := newEvents(first, snap)
				var origins []Origin
				for _, e := range evs {
					origins = append(origins, e.Origin())
				}
				if got := eventTexts(evs); fmt.Sprint(got) != fmt.Sprint(tc.feed) || fmt.Sprint(origins) != fmt.Sprint(tc.origin) {
					t.Fatalf("feed %q from %v, want %q from %v", got, origins, tc.feed, tc.origin)
				}
			})
		})
	}
}

// TestOlderCallbackDoesNotRegress: an event that happened before the last
// poll was sent (by more than Twilio's one-second precision) is older than
// what the poll showed, and changes nothing; how old it is comes from its
// Timestamp against the others', so a clock that differs from Twilio's by
// seconds neither drops fresh events nor takes late ones for fresh.
func TestOlderCallbackDoesNotRegress(t *testing.T) {
	for _, tc := range []struct {
		name    string
		skew    time.Duration // how far Twilio's clock is behind ours
		late    time.Duration // how long the unmute took to arrive
		applied bool
	}{
		{"late", 0, 2 * time.Second, false},
		{"on time", 0, 0, true},
		{"late, Twilio's clock behind", 5 * time.Second, 2 * time.Second, false},
		{"on time, Twilio's clock behind", 5 * time.Second, 0, true},
		{"late, Twilio's clock ahead", -5 * time.Second, 2 * time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				svc := newFake()
				svc.rooms[roomA][0].Muted = true
				h, s, first := watched(t, svc, Options{Interval: interval})
				defer h.Close()
				defer s.Close()
				twilio := func() time.Time { return time.Now().Add(-tc.skew) }
				start := callback(CallbackOther, "")
				start.At = twilio() // conference-start, delivered at once
				h.ApplyCallback(start)
				time.Sleep(interval / 4)
				unmute := callback(CallbackUnmute, callX)
				unmute.At = twilio().Add(-tc.late)
				h.ApplyCallback(unmute)
				snap, _ := drain(s)
				if p, _ := participant(snap, callX); p.Muted == tc.applied {
					t.Fatalf("customer-7 muted %v after the unmute; want the unmute applied: %v", p.Muted, tc.applied)
				}
				if evs := newEvents(first, snap); (len(evs) != 0) != tc.applied {
					t.Fatalf("the feed got %q", eventTexts(evs))
				}
			})
		})
	}
}

// TestPollSentBeforeCallbackDoesNotUndoIt: a poll sent before an event and
// answered after it shows the old state; the event wins for that
// participant until a poll sent after it, which here agrees.
func TestPollSentBeforeCallbackDoesNotUndoIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		var h *Hub
		svc.onList = func(conf string, ps []model.Participant) []model.Participant {
			switch svc.counts["list participants "+conf] {
			case 2: // the event arrives while this poll is on its way back
				h.ApplyCallback(Callback{Conference: roomA, Kind: CallbackMute, CallSID: callX, At: time.Now(), HasState: true, Muted: true})
			case 3:
				ps[0].Muted = true // Twilio has caught up
			}
			return ps
		}
		h = newHub(svc, Options{Interval: interval, Reconcile: interval})
		defer h.Close()
		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		synctest.Wait()
		first, _ := drain(s)
		for poll := 2; poll <= 3; poll++ {
			time.Sleep(interval)
			synctest.Wait()
			snap, _ := drain(s)
			if p, _ := participant(snap, callX); !p.Muted {
				t.Fatalf("poll %d undid the newer mute", poll)
			}
			if got := eventTexts(newEvents(first, snap)); fmt.Sprint(got) != "[customer-7 muted]" {
				t.Fatalf("after poll %d the feed is %q, want only the event's mute", poll, got)
			}
		}
	})
}

// TestGapPollsAtOnce: a gap polls the room at once and the room is no
// longer live, so the poll after that comes at the normal interval.
func TestGapPollsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		h, s, _ := watched(t, svc, Options{Interval: interval, Reconcile: reconcile})
		defer h.Close()
		defer s.Close()
		time.Sleep(interval / 2)
		h.ApplyCallback(callback(CallbackOther, ""))
		time.Sleep(interval) // a poll while live: the next is a reconciliation away
		synctest.Wait()
		if snap, _ := drain(s); !snap.EventsLive {
			t.Fatal("not live after a callback")
		}
		time.Sleep(interval)
		h.Resync(roomA)
		synctest.Wait()
		snap, _ := drain(s)
		if n := svc.count("list participants", roomA); n != 3 {
			t.Fatalf("%d polls after the gap, want 3: one at once", n)
		}
		if snap.EventsLive {
			t.Fatal("still live after a gap")
		}
		time.Sleep(interval)
		synctest.Wait()
		if n := svc.count("list participants", roomA); n != 4 {
			t.Fatalf("%d polls one interval after the gap, want 4: back to the normal interval", n)
		}
	})
}

// TestReconcileWhileEventsFlow: while callbacks come, the room is polled
// one reconciliation interval after the last of them (never sooner than the
// interval), and once none has come for that long it is polled at the
// interval again and no longer live. Callbacks every 4s from 0.7s to 28.7s;
// the fake clock makes the poll times exact.
func TestReconcileWhileEventsFlow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		start := time.Now()
		h, s, _ := watched(t, svc, Options{Interval: interval, Reconcile: reconcile})
		defer h.Close()
		defer s.Close()
		time.Sleep(700 * time.Millisecond)
		for i := range 8 {
			if i > 0 {
				time.Sleep(4 * time.Second)
			}
			h.ApplyCallback(callback(CallbackOther, ""))
			synctest.Wait()
			if snap, _ := drain(s); i == 0 && !snap.EventsLive {
				t.Fatal("not live after the first callback")
			}
		}
		time.Sleep(48*time.Second - time.Since(start))
		synctest.Wait()
		var got []string
		for _, r := range svc.requests() {
			if r.op == "list participants" { // not the recording's checks
				got = append(got, r.at.Sub(start).String())
			}
		}
		want := []string{"0s", "2s", "15.7s", "27.7s", "39.7s", "43.7s", "45.7s", "47.7s"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("polls at %v, want %v", got, want)
		}
		if snap, _ := drain(s); snap.EventsLive {
			t.Fatal("still live after a reconciliation interval without callbacks")
		}
	})
}

// TestSpeechIsNotARosterChange: speech callbacks say who is talking and
// when each last spoke; they publish a snapshot but leave the roster and
// the feed as they were. A participant who leaves is forgotten.
func TestSpeechIsNotARosterChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		h, s, first := watched(t, svc, Options{Interval: 30 * time.Second})
		defer h.Close()
		defer s.Close()
		time.Sleep(time.Second)
		startAt := time.Now()
		h.ApplyCallback(callback(CallbackSpeechStart, callX))
		talking, ok := drain(s)
		if !ok || talking.Version == first.Version {
			t.Fatal("no snapshot for speech-start")
		}
		if got := talking.Speech[callX]; !got.Speaking || !got.LastSpoke.Equal(startAt) {
			t.Fatalf("after speech-start: %+v", got)
		}
		if d := model.Diff(first.Participants, talking.Participants, startAt); len(d) != 0 || len(talking.Events) != len(first.Events) {
			t.Fatalf("speech changed the roster or the feed: %v", d)
		}
		time.Sleep(3 * time.Second)
		stopAt := time.Now()
		h.ApplyCallback(callback(CallbackSpeechStop, callX))
		quiet, _ := drain(s)
		if got := quiet.Speech[callX]; got.Speaking || !got.LastSpoke.Equal(stopAt) {
			t.Fatalf("after speech-stop: %+v", got)
		}
		if got := talking.Speech[callX]; !got.Speaking {
			t.Fatal("the earlier snapshot changed under its watcher")
		}
		h.ApplyCallback(callback(CallbackLeave, callX))
		gone, _ := drain(s)
		if _, ok := gone.Speech[callX]; ok {
			t.Fatal("the speech of a participant who left is kept")
		}
	})
}

// TestAnnouncementCallbacks: announcement-end and -fail become lines of
// the feed, from an event, naming whom it was for and why it failed.
func TestAnnouncementCallbacks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		h, s, first := watched(t, svc, Options{Interval: 30 * time.Second})
		defer h.Close()
		defer s.Close()
		done := callback(CallbackAnnouncementEnd, callX)
		failed := callback(CallbackAnnouncementFail, "")
		failed.Reason = "the URL answered 404"
		h.ApplyCallback(done)
		h.ApplyCallback(failed)
		snap, _ := drain(s)
		evs := newEvents(first, snap)
		want := []string{"the announcement to customer-7 finished", "the announcement to everyone failed: the URL answered 404"}
		if got := eventTexts(evs); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("feed %q, want %q", got, want)
		}
		for _, e := range evs {
			if e.Origin() != FromCallback || e.IsAction() {
				t.Fatalf("%q: origin %s, action %v", e, e.Origin(), e.IsAction())
			}
		}
	})
}

// TestCallbackForUnwatchedRoomIsDropped: a callback for a conference no one
// watches starts nothing and asks Twilio nothing.
func TestCallbackForUnwatchedRoomIsDropped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		h := newHub(svc, Options{})
		defer h.Close()
		h.ApplyCallback(callback(CallbackMute, callX))
		h.Resync(roomA)
		synctest.Wait()
		h.mu.Lock()
		rooms := len(h.rooms)
		h.mu.Unlock()
		if rooms != 0 || len(svc.requests()) != 0 {
			t.Fatalf("an unwatched conference's callback made %d rooms and %d requests", rooms, len(svc.requests()))
		}
	})
}

// TestCallbacksDuringResyncAreNotLive: after a gap, callbacks that arrive
// before the poll it asked for has answered are applied, but the room is
// not live again until one arrives after that poll.
func TestCallbacksDuringResyncAreNotLive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		var h *Hub
		svc.onList = func(conf string, ps []model.Participant) []model.Participant {
			if svc.counts["list participants "+conf] == 2 { // the poll the gap asked for
				h.ApplyCallback(Callback{Conference: roomA, Kind: CallbackHold, CallSID: callY, At: time.Now()})
			}
			return ps
		}
		h = newHub(svc, Options{Interval: interval, Reconcile: reconcile})
		defer h.Close()
		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		synctest.Wait()
		time.Sleep(interval / 4)
		h.ApplyCallback(callback(CallbackOther, ""))
		h.Resync(roomA)
		synctest.Wait()
		snap, _ := drain(s)
		if p, _ := participant(snap, callY); !p.Hold || snap.EventsLive {
			t.Fatalf("after the gap's poll: agent-2 held %v (want true), events live %v (want false)", p.Hold, snap.EventsLive)
		}
		h.ApplyCallback(callback(CallbackUnhold, callY))
		if snap, _ = drain(s); !snap.EventsLive {
			t.Fatal("a callback after the gap's poll does not make the room live again")
		}
	})
}

// TestGapSilencesSpeakers: a gap may have lost a speech-stop, which no
// poll can show, so after it no one is marked speaking; when each last
// spoke stays.
func TestGapSilencesSpeakers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		h, s, _ := watched(t, svc, Options{Interval: 30 * time.Second})
		defer h.Close()
		defer s.Close()
		time.Sleep(time.Second)
		spoke := time.Now()
		h.ApplyCallback(callback(CallbackSpeechStart, callX))
		time.Sleep(time.Second)
		h.Resync(roomA)
		synctest.Wait()
		snap, _ := drain(s)
		if got := snap.Speech[callX]; got.Speaking || !got.LastSpoke.Equal(spoke) {
			t.Fatalf("after a gap: %+v, want not speaking, last spoke %v", got, spoke)
		}
	})
}
