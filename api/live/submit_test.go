package live

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"confconsole/api"
	"confconsole/model"
)

var (
	alice = Operator{Name: "alice", Fingerprint: "SHA256:aaaa", SSHUser: "alice"}
	bob   = Operator{Name: "bob", Fingerprint: "SHA256:bbbb", SSHUser: "ops"}
)

// TestActionsOneAtATimePerParticipant: while alice's mute of customer-7 is
// pending, bob's hold of customer-7 is refused at once, naming alice and
// her action, and nothing is sent for it; bob's hold of another participant
// goes ahead. Every watcher sees the pending actions, then who did what.
func TestActionsOneAtATimePerParticipant(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		svc.hold = make(chan struct{})
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()
		watchers := make([]*Subscription[RoomSnapshot], 3)
		for i := range watchers {
			s, err := h.WatchRoom(t.Context(), roomA)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			watchers[i] = s
		}
		synctest.Wait()

		ctx := t.Context()
		results := make(chan error, 2)
		go func() {
			results <- h.Submit(ctx, alice, roomA, Action{Kind: Mute, CallSID: callX, Label: "customer-7"})
		}()
		go func() {
			results <- h.Submit(ctx, bob, roomA, Action{Kind: Hold, CallSID: callY, Label: "agent-2"})
		}()
		synctest.Wait() // both sent, both held by the fake

		err := h.Submit(ctx, bob, roomA, Action{Kind: Hold, CallSID: callX, Label: "customer-7"})
		var busy *BusyError
		if !errors.As(err, &busy) || !errors.Is(err, ErrBusy) {
			t.Fatalf("a second action on customer-7: %v, want a BusyError", err)
		}
		const refusal = "cannot put customer-7 on hold: alice is still waiting to mute customer-7; try again when that has finished"
		if err.Error() != refusal {
			t.Fatalf("refusal reads %q, want %q", err, refusal)
		}
		if got := svc.count("update participant", roomA); got != 2 {
			t.Fatalf("%d updates sent, want 2 (the refused one is never sent)", got)
		}
		for i, s := range watchers {
			snap, _ := drain(s)
			p, ok := snap.PendingOn(callX)
			if !ok || p.By.Name != "alice" || p.Action.Kind != Mute || len(snap.Pending) != 2 {
				t.Fatalf("watcher %d: pending %+v, want alice's mute of customer-7 and bob's hold of agent-2", i, snap.Pending)
			}
		}

		close(svc.hold)
		for range 2 {
			if err := <-results; err != nil {
				t.Fatalf("an action failed: %v", err)
			}
		}
		synctest.Wait()
		// Once it has finished, the participant takes a new action.
		if err := h.Submit(ctx, bob, roomA, Action{Kind: Unmute, CallSID: callX, Label: "customer-7"}); err != nil {
			t.Fatalf("an action after the pending one finished: %v", err)
		}
		synctest.Wait()
		for i, s := range watchers {
			snap, _ := drain(s)
			var actions []string
			for _, e := range snap.Events {
				if e.IsAction() {
					actions = append(actions, e.String())
				}
			}
			want := []string{"alice muted customer-7", "bob put agent-2 on hold", "bob unmuted customer-7"}
			if len(actions) != 3 || !sameSet(actions[:2], want[:2]) || actions[2] != want[2] {
				t.Fatalf("watcher %d's feed: %q, want %q", i, actions, want)
			}
			if len(snap.Pending) != 0 {
				t.Fatalf("watcher %d: still pending after the answers: %+v", i, snap.Pending)
			}
		}
	})
}

func sameSet(a, b []string) bool {
	return len(a) == len(b) && (fmt.Sprint(a) == fmt.Sprint(b) || (a[0] == b[1] && a[1] == b[0]))
}

// TestActionRefetchesAtOnce: an answered action polls the room at once
// rather than at the next interval, so the change shows within a request.
func TestActionRefetchesAtOnce(t *testing.T) {
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
		if err := h.Submit(t.Context(), alice, roomA, Action{Kind: Mute, CallSID: callX, Label: "customer-7"}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if got := svc.count("list participants", roomA); got != 2 {
			t.Fatalf("%d lists half an interval after an action, want 2 (the first poll and the refetch)", got)
		}
		snap, _ := drain(s)
		if !snap.Participants[0].Muted {
			t.Fatal("the refetch after the mute does not show customer-7 muted")
		}
		var texts []string
		for _, e := range snap.Events {
			texts = append(texts, e.String())
		}
		if want := []string{"alice muted customer-7", "customer-7 muted"}; fmt.Sprint(texts) != fmt.Sprint(want) {
			t.Fatalf("feed %q, want %q", texts, want)
		}
	})
}

// TestFailedActionIsReported: Twilio's refusal comes back to the submitter
// in plain words, matching the client's errors, and every watcher's feed
// says who tried what and why it failed.
func TestFailedActionIsReported(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		svc.fail = func(op, conf string, n int) error {
			if op == "delete participant" {
				return &api.Error{Op: api.OpDeleteParticipant, Target: callX, Status: 404, Code: 20404, Message: "The requested resource was not found"}
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
		err = h.Submit(t.Context(), alice, roomA, Action{Kind: Remove, CallSID: callX, Label: "customer-7"})
		const want = "remove customer-7: twilio 20404 (HTTP 404): The requested resource was not found"
		if err == nil || err.Error() != want || !errors.Is(err, api.ErrNotFound) {
			t.Fatalf("Submit: %v, want %q matching api.ErrNotFound", err, want)
		}
		synctest.Wait()
		snap, _ := drain(s)
		const event = "alice could not remove customer-7: twilio 20404 (HTTP 404): The requested resource was not found"
		if len(snap.Events) == 0 || snap.Events[0].String() != event {
			t.Fatalf("feed %q, want %q first", eventTexts(snap.Events), event)
		}
	})
}

// TestSubmitRefusesIncompleteActions: what cannot be sent is refused before
// anything is, with what to fix.
func TestSubmitRefusesIncompleteActions(t *testing.T) {
	svc := newFake()
	h := newHub(svc, Options{})
	defer h.Close()
	for _, tc := range []struct {
		name string
		conf string
		a    Action
		want string
	}{
		{"no participant", roomA, Action{Kind: Mute}, "invalid action: mute needs a participant's call SID"},
		{"announce without URL", roomA, Action{Kind: Announce, CallSID: callX, Label: "customer-7"},
			"invalid action: play an announcement to customer-7 needs the URL of an announcement"},
		{"coach nobody", roomA, Action{Kind: Coach, CallSID: callY, Label: "agent-2"},
			"invalid action: coach needs the call SID of the participant to coach"},
		{"end with a participant", roomA, Action{Kind: EndConference, CallSID: callX},
			"invalid action: end the conference acts on the whole conference; leave the call SID empty"},
		{"unknown kind", roomA, Action{Kind: 99, CallSID: callX}, "invalid action: unknown action kind 99"},
		{"bad conference", "Support bridge", Action{Kind: Mute, CallSID: callX, Label: "customer-7"},
			`mute customer-7: "Support bridge" is not a conference SID`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := h.Submit(context.Background(), alice, tc.conf, tc.a)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	if n := len(svc.requests()); n != 0 {
		t.Fatalf("refused actions sent %d requests", n)
	}
}

// TestConferenceActionsOneAtATime: the conference-wide actions queue behind
// each other like a participant's, and are told as such.
func TestConferenceActionsOneAtATime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		svc.hold = make(chan struct{})
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()
		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		done := make(chan error)
		go func() {
			done <- h.Submit(t.Context(), bob, roomA, Action{Kind: AnnounceAll, URL: "https://example.com/closing.mp3"})
		}()
		synctest.Wait()
		err = h.Submit(t.Context(), alice, roomA, Action{Kind: EndConference})
		const want = "cannot end the conference: bob is still waiting to play an announcement to the conference; try again when that has finished"
		if err == nil || err.Error() != want {
			t.Fatalf("got %v, want %q", err, want)
		}
		close(svc.hold)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		snap, _ := drain(s)
		if got := eventTexts(snap.Events); len(got) == 0 || got[0] != "bob played an announcement to the conference" {
			t.Fatalf("feed %q", got)
		}
	})
}

// TestSubmitGivesUpWaitingForItsTurn: an action whose context ends while it
// waits at the gate is not sent, says so, and frees its participant.
func TestSubmitGivesUpWaitingForItsTurn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()
		h.Gate().PauseUntil(time.Now().Add(time.Minute))
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		err := h.Submit(ctx, alice, roomA, Action{Kind: Mute, CallSID: callX, Label: "customer-7"})
		if err == nil || !strings.HasPrefix(err.Error(), "mute customer-7: not sent: wait for a turn to call twilio (action)") ||
			!errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrNotSent) {
			t.Fatalf("got %v", err)
		}
		if n := svc.count("update participant", roomA); n != 0 {
			t.Fatalf("%d updates sent after giving up", n)
		}
		h.mu.Lock()
		left := len(h.pending)
		h.mu.Unlock()
		if left != 0 {
			t.Fatal("the abandoned action is still pending")
		}
	})
}

// TestCloseDoesNotWaitForUnsentActions: Close ends an action still waiting
// for its turn (it is not sent, and says the live state closed) rather than
// waiting out the account's pause; Submit after Close is refused.
func TestCloseDoesNotWaitForUnsentActions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		h := newHub(svc, Options{Interval: interval})
		h.Gate().PauseUntil(time.Now().Add(time.Hour))
		start := time.Now()
		result := make(chan error)
		go func() {
			result <- h.Submit(context.Background(), alice, roomA, Action{Kind: Mute, CallSID: callX, Label: "customer-7"})
		}()
		synctest.Wait()
		h.Close()
		err := <-result
		if !errors.Is(err, ErrClosed) || !errors.Is(err, ErrNotSent) || err.Error() != "mute customer-7: not sent: the live state is closed" {
			t.Fatalf("the waiting action: %v", err)
		}
		if waited := time.Since(start); waited != 0 {
			t.Fatalf("Close waited %s for an action that was never sent", waited)
		}
		if n := svc.count("update participant", roomA); n != 0 {
			t.Fatalf("%d updates sent", n)
		}
		err = h.Submit(context.Background(), alice, roomA, Action{Kind: Mute, CallSID: callX})
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Submit after Close: %v, want ErrClosed", err)
		}
	})
}

// TestPollsConfirmActions: an answered action stays pending until a poll
// shows it; when ConfirmPolls polls do not, the feed says so and the
// participant is free again. An answer that does not say (a 502) is
// settled by the polls the same way.
func TestPollsConfirmActions(t *testing.T) {
	bad := &api.Error{Op: api.OpUpdateParticipant, Target: callX, Status: 502, Message: "Bad Gateway"}
	for _, tc := range []struct {
		name      string
		ignore    bool  // Twilio does not do it
		reply     error // Twilio's answer
		submitErr string
		events    []string
	}{
		{"accepted and shown", false, nil, "", []string{
			"alice muted customer-7", "customer-7 muted"}},
		{"accepted, never shown", true, nil, "", []string{
			"alice muted customer-7",
			"Twilio accepted alice's request to mute customer-7, but customer-7 is still unmuted"}},
		{"unclear, then shown", false, bad, "mute customer-7: HTTP 502 Bad Gateway: Bad Gateway", []string{
			"alice tried to mute customer-7, but the answer does not say whether it was done (HTTP 502 Bad Gateway: Bad Gateway); the next polls will show",
			"customer-7 muted"}},
		{"unclear, never shown", true, bad, "mute customer-7: HTTP 502 Bad Gateway: Bad Gateway", []string{
			"alice tried to mute customer-7, but the answer does not say whether it was done (HTTP 502 Bad Gateway: Bad Gateway); the next polls will show",
			"alice's request to mute customer-7 was probably not done: customer-7 is still unmuted; try again"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				svc := newFake()
				svc.ignore, svc.reply = tc.ignore, tc.reply
				h := newHub(svc, Options{Interval: interval})
				defer h.Close()
				s, err := h.WatchRoom(t.Context(), roomA)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				synctest.Wait()
				// Hold the refetch, so the answered action is seen pending.
				svc.fail = func(op, conf string, n int) error {
					if op == "list participants" && n == 2 {
						time.Sleep(interval / 4)
					}
					return nil
				}
				err = h.Submit(t.Context(), alice, roomA, Action{Kind: Mute, CallSID: callX, Label: "customer-7"})
				if got := fmt.Sprint(err); (tc.submitErr == "" && err != nil) || (tc.submitErr != "" && got != tc.submitErr) {
					t.Fatalf("Submit: %v, want %q", err, tc.submitErr)
				}
				synctest.Wait()
				snap, _ := drain(s)
				if p, ok := snap.PendingOn(callX); !ok || !p.Answered {
					t.Fatalf("before a poll has shown it, pending: %+v", snap.Pending)
				}
				if err := h.Submit(t.Context(), bob, roomA, Action{Kind: Hold, CallSID: callX, Label: "customer-7"}); !errors.Is(err, ErrBusy) {
					t.Fatalf("bob's hold before the mute showed: %v, want refused", err)
				}

				time.Sleep(ConfirmPolls * interval)
				synctest.Wait()
				snap, _ = drain(s)
				if len(snap.Pending) != 0 {
					t.Fatalf("still pending after %d polls: %+v", ConfirmPolls, snap.Pending)
				}
				if got := eventTexts(snap.Events); fmt.Sprint(got) != fmt.Sprint(tc.events) {
					t.Fatalf("feed:\n%q\nwant\n%q", got, tc.events)
				}
			})
		})
	}
}

// TestAcceptedButUnreadable: a 2xx whose body could not be read is done
// (the feed says so and the participant is pending until a poll shows it),
// and Submit still hands the caller the client's error, so a screen can
// say the answer was unreadable.
func TestAcceptedButUnreadable(t *testing.T) {
	svc := newFake()
	svc.reply = &api.Error{Status: 200, Message: "unexpected end of JSON input"}
	h := newHub(svc, Options{Interval: interval})
	defer h.Close()
	err := h.Submit(t.Context(), alice, roomA, Action{Kind: Mute, CallSID: callX, Label: "customer-7"})
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Status != 200 {
		t.Fatalf("Submit = %v, want the client's 2xx error", err)
	}
	if outcomeOf(err) != Done {
		t.Errorf("outcome of %v = %v, want Done", err, outcomeOf(err))
	}
}

// TestAddAndRecording: adding a participant and changing the recording go
// through the live state like any action: sent once in the operator's name,
// told to every watcher, one at a time per target (the number dialled, or
// the conference), and Add hands back the participant Twilio created.
func TestAddAndRecording(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		svc.hold = make(chan struct{})
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()
		s, err := h.WatchRoom(t.Context(), roomA)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		synctest.Wait()

		added := make(chan model.Participant, 1)
		go func() {
			p, err := h.Add(t.Context(), alice, roomA, api.CreateParticipant{To: "+14155550100", From: "+14155550111", Label: "agent-9"})
			if err != nil {
				t.Errorf("Add: %v", err)
			}
			added <- p
		}()
		paused := make(chan error, 1)
		go func() { paused <- h.Submit(t.Context(), alice, roomA, Action{Kind: PauseRecording}) }()
		synctest.Wait()
		if _, err := h.Add(t.Context(), bob, roomA, api.CreateParticipant{To: "+14155550100", From: "+14155550111"}); !errors.Is(err, ErrBusy) ||
			!strings.Contains(err.Error(), "alice is still waiting to add agent-9") {
			t.Errorf("bob's add of the same number: %v, want refused naming alice", err)
		}
		if err := h.Submit(t.Context(), bob, roomA, Action{Kind: StopRecording}); !errors.Is(err, ErrBusy) {
			t.Errorf("bob's stop while alice's pause is on its way: %v, want refused", err)
		}
		close(svc.hold)
		if p := <-added; p.Label != "agent-9" || p.CallSID == "" {
			t.Errorf("Add returned %+v, want the created agent-9", p)
		}
		if err := <-paused; err != nil {
			t.Errorf("pause: %v", err)
		}
		synctest.Wait()
		if n, m := svc.count("create participant", roomA), svc.count("update recording", roomA); n != 1 || m != 1 {
			t.Errorf("%d creates and %d recording updates sent, want 1 and 1", n, m)
		}
		snap, _ := drain(s)
		var texts []string
		for _, e := range snap.Events {
			texts = append(texts, e.String())
		}
		all := strings.Join(texts, "\n")
		for _, want := range []string{"alice added agent-9", "alice paused the recording"} {
			if !strings.Contains(all, want) {
				t.Errorf("the feed does not say %q:\n%s", want, all)
			}
		}
		if err := h.Submit(t.Context(), alice, roomA, Action{Kind: AddParticipant, To: "+1"}); !errors.Is(err, ErrInvalidAction) {
			t.Errorf("an add through Submit: %v, want refused as invalid (Add sends it)", err)
		}
	})
}

// TestAddByNameOneAtATime: an add into a conference by name goes through
// the same bookkeeping as Add: while alice's add of a number into "New
// bridge" is on its way, bob's add of the same number into that name is
// refused naming alice and never sent; another number goes ahead. The
// request is sent once, with the name as the conference.
func TestAddByNameOneAtATime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		svc.hold = make(chan struct{})
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()

		done := make(chan error, 2)
		go func() {
			_, err := h.AddByName(t.Context(), alice, "New bridge", api.CreateParticipant{To: "+14155550100", From: "+14155550111", Label: "agent-9"})
			done <- err
		}()
		go func() {
			_, err := h.AddByName(t.Context(), bob, "New bridge", api.CreateParticipant{To: "+14155550101", From: "+14155550111"})
			done <- err
		}()
		synctest.Wait()
		_, err := h.AddByName(t.Context(), bob, "New bridge", api.CreateParticipant{To: "+14155550100", From: "+14155550111"})
		if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "alice is still waiting to add agent-9") {
			t.Errorf("bob's add of the same number into the same name: %v, want refused naming alice", err)
		}
		close(svc.hold)
		for range 2 {
			if err := <-done; err != nil {
				t.Errorf("add: %v", err)
			}
		}
		if n := svc.count("create participant", "New bridge"); n != 2 {
			t.Errorf("%d creates sent into New bridge, want 2", n)
		}
		// Finished, the number may be dialled again.
		if _, err := h.AddByName(t.Context(), bob, "New bridge", api.CreateParticipant{To: "+14155550100", From: "+14155550111"}); err != nil {
			t.Errorf("a later add of the same number: %v", err)
		}
	})
}

// TestAddByNameIntoAnActiveConference: a name the conference list shows
// as in progress is that conference, so a number being dialled from its
// room is not dialled again from the list by name.
func TestAddByNameIntoAnActiveConference(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newFake()
		svc.hold = make(chan struct{})
		h := newHub(svc, Options{Interval: interval})
		defer h.Close()
		list, err := h.WatchConferences(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		<-list.Updates()

		done := make(chan error, 1)
		go func() {
			_, err := h.Add(t.Context(), alice, roomA, api.CreateParticipant{To: "+14155550100", From: "+14155550111", Label: "agent-9"})
			done <- err
		}()
		synctest.Wait()
		_, err = h.AddByName(t.Context(), bob, "Ops bridge", api.CreateParticipant{To: "+14155550100", From: "+14155550111"})
		if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "alice is still waiting to add agent-9") {
			t.Errorf("bob's add by name of the number alice dials from the room: %v, want refused naming alice", err)
		}
		close(svc.hold)
		if err := <-done; err != nil {
			t.Errorf("alice's add: %v", err)
		}
		if n, m := svc.count("create participant", roomA), svc.count("create participant", "Ops bridge"); n != 1 || m != 0 {
			t.Errorf("creates: %d by SID, %d by name; want 1 and 0", n, m)
		}
		// Another number by name goes to the same conference, by its SID.
		if _, err := h.AddByName(t.Context(), bob, "Ops bridge", api.CreateParticipant{To: "+14155550101", From: "+14155550111"}); err != nil {
			t.Errorf("another number by name: %v", err)
		}
		if n := svc.count("create participant", roomA); n != 2 {
			t.Errorf("%d creates in %s, want 2", n, roomA)
		}
	})
}
