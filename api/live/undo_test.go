package live

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestUndoSingle: Undo sends the inverse of the operator's last reversible
// action, once; it refuses, saying why, when there is nothing, when the
// action cannot be undone, and when it is older than the window. Each
// operator undoes only their own.
func TestUndoSingle(t *testing.T) {
	for _, c := range []struct {
		name   string
		do     []Action // alice's actions, in order
		by     Operator // who undoes
		wait   time.Duration
		want   string // Undone.What
		err    error
		errSay string
		sent   int // updates and deletes in all, the undo's included
	}{
		{name: "mute", do: []Action{{Kind: Mute, CallSID: callX, Label: "customer-7"}}, by: alice,
			want: "unmute customer-7", sent: 2},
		{name: "resume", do: []Action{{Kind: Hold, CallSID: callX, Label: "customer-7"}, {Kind: Resume, CallSID: callX, Label: "customer-7"}}, by: alice,
			want: "put customer-7 on hold", sent: 3},
		{name: "the last one only", do: []Action{{Kind: Mute, CallSID: callX, Label: "customer-7"}, {Kind: Hold, CallSID: callY, Label: "agent-2"}}, by: alice,
			want: "take agent-2 off hold", sent: 3},
		{name: "remove", do: []Action{{Kind: Remove, CallSID: callX, Label: "customer-7"}}, by: alice,
			err: ErrCannotUndo, errSay: "remove cannot be undone", sent: 1},
		{name: "announce", do: []Action{{Kind: Announce, CallSID: callX, URL: "https://example.com/a.mp3"}}, by: alice,
			err: ErrCannotUndo, errSay: "announce cannot be undone", sent: 1},
		{name: "end", do: []Action{{Kind: EndConference}}, by: alice,
			err: ErrCannotUndo, errSay: "end conference cannot be undone", sent: 1},
		{name: "nothing", by: alice, err: ErrNothingToUndo, errSay: "nothing to undo: you have not changed anything in the last 60 seconds"},
		{name: "someone else's", do: []Action{{Kind: Mute, CallSID: callX}}, by: bob, err: ErrNothingToUndo, sent: 1},
		{name: "too old", do: []Action{{Kind: Mute, CallSID: callX, Label: "customer-7"}}, by: alice, wait: UndoWindow + time.Second,
			err: ErrUndoExpired, errSay: "too late to undo: mute customer-7 was more than 60 seconds ago", sent: 1},
		{name: "just in time", do: []Action{{Kind: Mute, CallSID: callX, Label: "customer-7"}}, by: alice, wait: UndoWindow - time.Second,
			want: "unmute customer-7", sent: 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				svc := newBatchFake(roster(0))
				svc.rooms[roomA] = newFake().rooms[roomA]
				h := newHub(svc, Options{})
				defer h.Close()
				for _, a := range c.do {
					if err := h.Submit(t.Context(), alice, roomA, a); err != nil {
						t.Fatal(err)
					}
				}
				time.Sleep(c.wait)
				got, err := h.Undo(t.Context(), c.by)
				switch {
				case c.err != nil && (!errors.Is(err, c.err) || !strings.Contains(err.Error(), c.errSay)):
					t.Fatalf("undo: %v, want %v saying %q", err, c.err, c.errSay)
				case c.err == nil && err != nil:
					t.Fatalf("undo: %v", err)
				case got.What != c.want:
					t.Fatalf("undid %q, want %q", got.What, c.want)
				}
				if n := svc.total() + svc.count("delete participant", roomA) + svc.count("update conference", roomA); n != c.sent {
					t.Fatalf("%d requests sent, want %d", n, c.sent)
				}
				if c.err == nil {
					if _, err := h.Undo(t.Context(), c.by); !errors.Is(err, ErrNothingToUndo) {
						t.Fatalf("a second undo: %v, want nothing to undo", err)
					}
				}
			})
		})
	}
}

// TestUndoInAnotherConference: from a screen on another conference, undo
// refuses, naming the change and where it was, and sends nothing; the
// change can still be undone from its own conference.
func TestUndoInAnotherConference(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newBatchFake(roster(0))
		svc.rooms[roomA] = newFake().rooms[roomA]
		h := newHub(svc, Options{})
		defer h.Close()
		if err := h.Submit(t.Context(), alice, roomA, Action{Kind: Mute, CallSID: callX, Label: "customer-7"}); err != nil {
			t.Fatal(err)
		}
		_, err := h.UndoIn(t.Context(), alice, roomB)
		if !errors.Is(err, ErrNothingToUndo) || !strings.Contains(err.Error(), "mute customer-7") || !strings.Contains(err.Error(), roomA) {
			t.Fatalf("undo from %s: %v; want nothing to undo there, naming the mute and %s", roomB, err, roomA)
		}
		if n := svc.total(); n != 1 {
			t.Fatalf("%d updates sent, want the mute alone", n)
		}
		if got, err := h.UndoIn(t.Context(), alice, roomA); err != nil || got.What != "unmute customer-7" {
			t.Fatalf("undo from %s: %q, %v; want unmute customer-7", roomA, got.What, err)
		}
	})
}

// TestUndoStopCoach: stopping a coach is undone by coaching the same
// participant again, as the last poll showed it; an undo refused before
// anything was sent can be tried again.
func TestUndoStopCoach(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ps := roster(2)
		ps[0].Coaching, ps[0].CallSIDToCoach = true, ps[1].CallSID
		svc := newBatchFake(ps)
		h := newHub(svc, Options{})
		defer h.Close()
		s := watch(t, h)
		defer s.Close()
		if err := h.Submit(t.Context(), alice, roomA, Action{Kind: StopCoach, CallSID: ps[0].CallSID, Label: "p0"}); err != nil {
			t.Fatal(err)
		}
		// Until a poll shows it, the stop is pending: the undo is refused
		// and kept for when it has.
		if _, err := h.Undo(t.Context(), alice); !errors.Is(err, ErrBusy) {
			t.Fatalf("undo while the stop is pending: %v, want busy", err)
		}
		svc.fakeService.mu.Lock()
		svc.rooms[roomA][0].Coaching = false
		svc.fakeService.mu.Unlock()
		time.Sleep(DefaultInterval)
		synctest.Wait()
		got, err := h.Undo(t.Context(), alice)
		if err != nil || got.What != "have p0 coach p1" {
			t.Fatalf("undo: %q, %v; want have p0 coach p1", got.What, err)
		}
	})
}

// TestUndoCoach: a coach that switched the participant from one agent to
// another is undone by coaching the first again; a coach that started
// coaching is undone by stopping it.
func TestUndoCoach(t *testing.T) {
	for _, c := range []struct {
		name    string
		before  int // whom p0 coaches before (a roster index), -1 for nobody
		want    string
		wantTo  string // the undo's CoachCallSID
		wantInv ActionKind
	}{
		{name: "a switch goes back", before: 1, want: "have p0 coach p1", wantTo: roster(3)[1].CallSID, wantInv: Coach},
		{name: "a start stops", before: -1, want: "stop p0 coaching", wantInv: StopCoach},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ps := roster(3)
				if c.before >= 0 {
					ps[0].Coaching, ps[0].CallSIDToCoach = true, ps[c.before].CallSID
				}
				svc := newBatchFake(ps)
				h := newHub(svc, Options{})
				defer h.Close()
				s := watch(t, h)
				defer s.Close()
				coach := Action{Kind: Coach, CallSID: ps[0].CallSID, Label: "p0", CoachCallSID: ps[2].CallSID, CoachLabel: "p2"}
				if err := h.Submit(t.Context(), alice, roomA, coach); err != nil {
					t.Fatal(err)
				}
				svc.fakeService.mu.Lock()
				svc.rooms[roomA][0].Coaching, svc.rooms[roomA][0].CallSIDToCoach = true, ps[2].CallSID
				svc.fakeService.mu.Unlock()
				time.Sleep(DefaultInterval) // a poll shows the coach: it is no longer pending
				synctest.Wait()
				got, err := h.Undo(t.Context(), alice)
				if err != nil || got.What != c.want || got.Kind != c.wantInv || got.Action.CoachCallSID != c.wantTo {
					t.Fatalf("undo: %q (%v, coach %q), %v; want %q (%v, coach %q)",
						got.What, got.Kind, got.Action.CoachCallSID, err, c.want, c.wantInv, c.wantTo)
				}
			})
		})
	}
}

// TestUndoBatch: undoing a bulk mute unmutes exactly those it muted, not
// those that were muted already nor those it could not reach; undo is
// refused while the batch runs, and the inverse batch is not undoable in
// its turn.
func TestUndoBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ps := roster(6)
		ps[1].Muted = true // muted before: stays muted
		svc := newBatchFake(ps)
		svc.answer[ps[5].CallSID] = errors.New("connection refused")
		h := newHub(svc, Options{})
		defer h.Close()
		s := watch(t, h)
		defer s.Close()
		svc.holdAll = make(chan struct{})
		id, err := h.StartBatch(alice, roomA, BatchRequest{Kind: Mute, Targets: targetsOf(ps)})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if _, err := h.Undo(t.Context(), alice); err == nil || !strings.Contains(err.Error(), "the bulk mute is still running") {
			t.Fatalf("undo of a running batch: %v", err)
		}
		close(svc.holdAll)
		if _, err := h.WaitBatch(t.Context(), id); err != nil {
			t.Fatal(err)
		}
		svc.mu.Lock()
		svc.holdAll = nil
		svc.mu.Unlock()
		synctest.Wait()
		got, err := h.Undo(t.Context(), alice)
		if err != nil {
			t.Fatal(err)
		}
		if got.What != "bulk unmute of 4 participants" || got.Batch == "" {
			t.Fatalf("undone %+v, want a bulk unmute of the 4 muted", got)
		}
		inv, err := h.WaitBatch(t.Context(), got.Batch)
		if err != nil {
			t.Fatal(err)
		}
		if inv.Kind != Unmute || inv.Done != 4 || inv.Total != 4 {
			t.Fatalf("the inverse batch: %s", inv.Summary())
		}
		for i, n := range []int{2, 0, 2, 2, 2, 1} {
			if sent := svc.sent(ps[i].CallSID); sent != n {
				t.Errorf("p%d was sent %d updates, want %d", i, sent, n)
			}
		}
		svc.fakeService.mu.Lock()
		for _, p := range svc.rooms[roomA] {
			if p.Muted != (p.CallSID == ps[1].CallSID) {
				t.Errorf("%s muted %v after the undo", p.Label, p.Muted)
			}
		}
		svc.fakeService.mu.Unlock()
		if _, err := h.Undo(t.Context(), alice); !errors.Is(err, ErrNothingToUndo) {
			t.Fatalf("undo after undoing the batch: %v, want nothing to undo", err)
		}
	})
}

// TestUndoLeavesAColleaguesChange: once another operator has changed the
// same participant the same way (unmuted whom alice muted), alice's undo
// would reverse their decision or send what they already sent: it is
// refused, naming them. A change of another kind (a hold), or one before
// alice's, does not stand in the way; neither does alice's own later one.
func TestUndoLeavesAColleaguesChange(t *testing.T) {
	type step struct {
		by Operator
		a  Action
	}
	mute := Action{Kind: Mute, CallSID: callX, Label: "customer-7"}
	unmute := Action{Kind: Unmute, CallSID: callX, Label: "customer-7"}
	hold := Action{Kind: Hold, CallSID: callX, Label: "customer-7"}
	for _, c := range []struct {
		name   string
		do     []step
		want   string // Undone.What
		errSay string // when refused
		sent   int
	}{
		{name: "unmuted by a colleague since", do: []step{{alice, mute}, {bob, unmute}},
			errSay: "mute customer-7 cannot be undone: bob unmuted customer-7 since", sent: 2},
		{name: "muted again by a colleague since", do: []step{{alice, unmute}, {bob, mute}, {bob, unmute}, {bob, mute}},
			errSay: "unmute customer-7 cannot be undone: bob muted customer-7 since", sent: 4},
		{name: "put on hold by a colleague since", do: []step{{alice, mute}, {bob, hold}},
			want: "unmute customer-7", sent: 3},
		{name: "a colleague's change before", do: []step{{bob, unmute}, {alice, mute}},
			want: "unmute customer-7", sent: 3},
		{name: "alice's own change after the colleague's", do: []step{{alice, mute}, {bob, unmute}, {alice, mute}},
			want: "unmute customer-7", sent: 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				svc := newBatchFake(roster(0))
				svc.rooms[roomA] = newFake().rooms[roomA]
				h := newHub(svc, Options{})
				defer h.Close()
				for _, s := range c.do {
					if err := h.Submit(t.Context(), s.by, roomA, s.a); err != nil {
						t.Fatal(err)
					}
				}
				got, err := h.Undo(t.Context(), alice)
				switch {
				case c.errSay != "" && (!errors.Is(err, ErrCannotUndo) || err.Error() != c.errSay):
					t.Fatalf("undo: %v, want %q", err, c.errSay)
				case c.errSay == "" && err != nil:
					t.Fatalf("undo: %v", err)
				case got.What != c.want:
					t.Fatalf("undid %q, want %q", got.What, c.want)
				}
				if n := svc.total(); n != c.sent {
					t.Fatalf("%d requests sent, want %d", n, c.sent)
				}
			})
		})
	}
}

// TestUndoBatchLeavesAColleaguesChange: undoing a bulk mute leaves alone
// the participants a colleague unmuted since; when that is all of them,
// the undo is refused.
func TestUndoBatchLeavesAColleaguesChange(t *testing.T) {
	for _, c := range []struct {
		name     string
		unmuted  []int // by bob, after alice's bulk mute of p0..p2
		want     string
		errSay   string
		sentEach []int
	}{
		{name: "one of three", unmuted: []int{1}, want: "bulk unmute of 2 participants", sentEach: []int{2, 2, 2}},
		{name: "all three", unmuted: []int{0, 1, 2},
			errSay: "the bulk mute cannot be undone: others have changed every participant it changed since", sentEach: []int{2, 2, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ps := roster(3)
				svc := newBatchFake(ps)
				h := newHub(svc, Options{})
				defer h.Close()
				id, err := h.StartBatch(alice, roomA, BatchRequest{Kind: Mute, Targets: targetsOf(ps)})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := h.WaitBatch(t.Context(), id); err != nil {
					t.Fatal(err)
				}
				for _, i := range c.unmuted {
					if err := h.Submit(t.Context(), bob, roomA, Action{Kind: Unmute, CallSID: ps[i].CallSID, Label: ps[i].Label}); err != nil {
						t.Fatal(err)
					}
				}
				got, err := h.Undo(t.Context(), alice)
				if c.errSay != "" {
					if !errors.Is(err, ErrCannotUndo) || err.Error() != c.errSay {
						t.Fatalf("undo: %v, want %q", err, c.errSay)
					}
				} else {
					if err != nil {
						t.Fatal(err)
					}
					if got.What != c.want {
						t.Fatalf("undid %q, want %q", got.What, c.want)
					}
					if _, err := h.WaitBatch(t.Context(), got.Batch); err != nil {
						t.Fatal(err)
					}
				}
				for i, n := range c.sentEach {
					if sent := svc.sent(ps[i].CallSID); sent != n {
						t.Errorf("p%d was sent %d updates, want %d", i, sent, n)
					}
				}
			})
		})
	}
}
