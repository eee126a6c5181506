package live

import (
	"testing"
	"testing/synctest"
	"time"

	"confconsole/api"
	"confconsole/model"
)

// TestRecordingInTheSnapshot: the recording is part of the room's shared
// state. The first poll asks for it, so the first snapshot shows it; one
// started outside this program shows within Options.RecordingCheck, with no
// request for it in the polls between; a pause sent by one operator reaches
// every watcher with its answer; and the poll after that answer asks again.
// A person's check (before a stop, say) is every watcher's news too.
func TestRecordingInTheSnapshot(t *testing.T) {
	const check = 10 * time.Second
	tests := []struct {
		name      string
		atOpen    model.RecordingStatus // the recording when the room opens
		outside   model.RecordingStatus // set by someone else after the first poll
		pause     bool                  // an operator pauses it through the Hub
		checkNow  bool                  // a person's key asks for it (CheckRecording)
		wait      time.Duration         // then the time that passes
		want      model.RecordingStatus
		wantCheck int // recording requests, the first poll's included
	}{
		{"none at open", "", "", false, false, 0, "", 1},
		{"running at open", model.RecordingInProgress, "", false, false, 0, model.RecordingInProgress, 1},
		{"started outside, before the check", "", model.RecordingInProgress, false, false, check - interval, "", 1},
		{"started outside, at the check", "", model.RecordingInProgress, false, false, check, model.RecordingInProgress, 2},
		{"paused outside, at the check", model.RecordingInProgress, model.RecordingPaused, false, false, check, model.RecordingPaused, 2},
		{"started outside, asked by a person", "", model.RecordingInProgress, false, true, 0, model.RecordingInProgress, 2},
		{"paused here", model.RecordingInProgress, "", true, false, 0, model.RecordingPaused, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				svc := newFake()
				if tc.atOpen != "" {
					svc.setRecording(roomA, tc.atOpen)
				}
				h, s, first := watched(t, svc, Options{Interval: interval, RecordingCheck: check, Jitter: NoJitter})
				defer h.Close()
				defer s.Close()
				other, err := h.WatchRoom(t.Context(), roomA)
				if err != nil {
					t.Fatal(err)
				}
				defer other.Close()
				synctest.Wait()
				seen := map[*Subscription[RoomSnapshot]]RoomSnapshot{s: first}
				seen[other], _ = drain(other)
				if !first.RecordingKnown || first.Recording != tc.atOpen {
					t.Fatalf("first snapshot: recording %q (known %v), want %q", first.Recording, first.RecordingKnown, tc.atOpen)
				}
				if tc.outside != "" {
					svc.setRecording(roomA, tc.outside)
				}
				if tc.pause {
					if err := h.Submit(t.Context(), Operator{Name: "alice"}, roomA, Action{Kind: PauseRecording}); err != nil {
						t.Fatal(err)
					}
					// The answer's snapshot, before any poll: every watcher.
					for _, sub := range []*Subscription[RoomSnapshot]{s, other} {
						if snap, _ := drain(sub); snap.Recording != model.RecordingPaused {
							t.Errorf("after the pause's answer a watcher sees the recording %q, want paused", snap.Recording)
						}
					}
					seen[s], seen[other] = RoomSnapshot{}, RoomSnapshot{}
				}
				if tc.checkNow {
					got, err := h.CheckRecording(t.Context(), roomA)
					if err != nil || got != tc.outside {
						t.Fatalf("CheckRecording = %q, %v; want %q", got, err, tc.outside)
					}
					synctest.Wait()
				}
				time.Sleep(tc.wait)
				synctest.Wait()
				for _, sub := range []*Subscription[RoomSnapshot]{s, other} {
					if snap, ok := drain(sub); ok {
						seen[sub] = snap
					}
					if got := seen[sub].Recording; got != tc.want {
						t.Errorf("a watcher sees the recording %q, want %q", got, tc.want)
					}
				}
				if n := svc.count("list recordings", roomA); n != tc.wantCheck {
					t.Errorf("%d recording requests, want %d", n, tc.wantCheck)
				}
			})
		})
	}
}

// TestRecordingAskedAfterAFailedPoll: after a recording action whose answer
// does not say whether it was made (a 502), the header is to show the
// state once Twilio answers. The poll the action starts may fail too (Twilio
// is having trouble); then the next poll that reaches Twilio asks for the
// recording, instead of the check being spent on a poll that never asked
// and the header keeping the old state until the next periodic check.
func TestRecordingAskedAfterAFailedPoll(t *testing.T) {
	const check = 30 * time.Second
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		svc.setRecording(roomA, model.RecordingInProgress)
		h, s, first := watched(t, svc, Options{Interval: interval, RecordingCheck: check})
		defer h.Close()
		defer s.Close()
		if first.Recording != model.RecordingInProgress {
			t.Fatalf("first snapshot: recording %q, want in-progress", first.Recording)
		}
		svc.fail = func(op, conf string, n int) error {
			switch {
			case op == "update recording":
				// Made, but the answer is a proxy's 502 (svc.mu is held).
				svc.recordings[conf][0].Status = model.RecordingPaused
				return &api.Error{Status: 502}
			case op == "list participants" && n == 2:
				return &api.Error{Status: 503} // the poll the action starts
			}
			return nil
		}
		if err := h.Submit(t.Context(), Operator{Name: "alice"}, roomA, Action{Kind: PauseRecording}); err == nil {
			t.Fatal("the pause answered 502, yet Submit says nothing")
		}
		synctest.Wait() // the failed poll
		if n := svc.count("list participants", roomA); n != 2 {
			t.Fatalf("%d participant polls, want 2 (the first and the failed one)", n)
		}
		time.Sleep(2*interval + interval/2) // the back-off, then a poll that succeeds
		synctest.Wait()
		if n := svc.count("list participants", roomA); n != 3 {
			t.Fatalf("%d participant polls, want 3", n)
		}
		snap, _ := drain(s)
		if snap.Recording != model.RecordingPaused {
			t.Errorf("after a poll that reached Twilio the recording is %q, want paused (%d recording requests)",
				snap.Recording, svc.count("list recordings", roomA))
		}
	})
}
