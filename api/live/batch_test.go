package live

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"confconsole/api"
	"confconsole/model"
)

// batchFake is the fake service with per-participant control of updates:
// it counts them by call SID, tracks how many are in flight at once, can
// hold or answer any participant's, and can make each take a while.
type batchFake struct {
	*fakeService
	mu        sync.Mutex
	perCall   map[string]int
	inFlight  int
	maxFlight int
	latency   time.Duration
	answer    map[string]error         // by call SID: answered with this, nothing changed
	holdCall  map[string]chan struct{} // by call SID: waits for it to close
	holdAll   chan struct{}            // when set, every update waits for it to close
}

func newBatchFake(ps []model.Participant) *batchFake {
	f := newFake()
	f.rooms[roomA] = ps
	return &batchFake{fakeService: f, perCall: map[string]int{},
		answer: map[string]error{}, holdCall: map[string]chan struct{}{}}
}

func (b *batchFake) UpdateParticipant(ctx context.Context, conf, call string, u api.UpdateParticipant) (model.Participant, error) {
	b.mu.Lock()
	b.perCall[call]++
	b.inFlight++
	b.maxFlight = max(b.maxFlight, b.inFlight)
	hold, all, ans, lat := b.holdCall[call], b.holdAll, b.answer[call], b.latency
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.inFlight--
		b.mu.Unlock()
	}()
	if lat > 0 {
		time.Sleep(lat)
	}
	for _, c := range []chan struct{}{hold, all} {
		if c != nil {
			select {
			case <-c:
			case <-ctx.Done():
				return model.Participant{}, ctx.Err()
			}
		}
	}
	if ans != nil {
		_ = b.record("update participant", conf)
		return model.Participant{}, ans
	}
	return b.fakeService.UpdateParticipant(ctx, conf, call, u)
}

func (b *batchFake) sent(call string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.perCall[call]
}

func (b *batchFake) total() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, c := range b.perCall {
		n += c
	}
	return n
}

func callN(i int) string { return fmt.Sprintf("CA%032x", i) }

// roster is n connected participants p0..p(n-1), unmuted.
func roster(n int) []model.Participant {
	ps := make([]model.Participant, n)
	for i := range ps {
		ps[i] = model.Participant{CallSID: callN(i), ConferenceSID: roomA, Label: fmt.Sprintf("p%d", i), Status: model.ParticipantConnected}
	}
	return ps
}

func targetsOf(ps []model.Participant) []Target {
	ts := make([]Target, len(ps))
	for i, p := range ps {
		ts[i] = Target{CallSID: p.CallSID, Label: p.Label}
	}
	return ts
}

// results collects a batch's OnResult calls.
type results struct {
	mu  sync.Mutex
	got []BatchResult
}

func (r *results) add(res BatchResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, res)
}

func (r *results) byOutcome() map[ItemOutcome]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[ItemOutcome]int{}
	for _, g := range r.got {
		m[g.Outcome]++
	}
	return m
}

// watch subscribes to roomA and waits for its first poll.
func watch(t *testing.T, h *Hub) *Subscription[RoomSnapshot] {
	t.Helper()
	s, err := h.WatchRoom(t.Context(), roomA)
	if err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	return s
}

// TestBatchCountsEveryOutcome: a bulk mute over eight participants sends
// one request to each one that needs it and none to the others: two are
// muted, two already were (skipped), one is not in the room and one left
// after the last poll (Twilio's 404: counted as left, not an error), one is
// refused and one gets an answer that does not say. Every participant is
// reported once, with the batch's ID, and the snapshot's summary says it.
func TestBatchCountsEveryOutcome(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ps := roster(8)
		ps[2].Muted, ps[3].Muted = true, true
		svc := newBatchFake(slices.Delete(slices.Clone(ps), 4, 5)) // p4 is not in the room
		refused := &api.Error{Op: api.OpUpdateParticipant, Target: ps[6].CallSID, Status: 400, Code: 21220, Message: "Invalid participant state"}
		svc.answer[ps[6].CallSID] = refused
		svc.answer[ps[7].CallSID] = &api.Error{Op: api.OpUpdateParticipant, Target: ps[7].CallSID, Status: 502, Message: "Bad Gateway"}
		// p5 hung up after the last poll: Twilio says 20404.
		svc.answer[ps[5].CallSID] = &api.Error{Op: api.OpUpdateParticipant, Target: ps[5].CallSID, Status: 404, Code: 20404, Message: "not found"}
		h := newHub(svc, Options{})
		defer h.Close()
		s := watch(t, h)
		defer s.Close()

		var rs results
		id, err := h.StartBatch(alice, roomA, BatchRequest{Kind: Mute, Targets: targetsOf(ps), OnResult: rs.add})
		if err != nil {
			t.Fatal(err)
		}
		got, err := h.WaitBatch(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		want := BatchProgress{ID: id, By: alice, Conference: roomA, Kind: Mute, Started: got.Started, Total: 8,
			Done: 2, Skipped: 2, Left: 2, Unclear: 1, Finished: true,
			Failed: []BatchFailure{{Target: Target{CallSID: ps[6].CallSID, Label: "p6"}, Reason: refused.Summary()}}}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("batch ended as\n%+v\nwant\n%+v", got, want)
		}
		for i, n := range []int{1, 1, 0, 0, 0, 1, 1, 1} {
			if sent := svc.sent(ps[i].CallSID); sent != n {
				t.Errorf("p%d was sent %d updates, want %d", i, sent, n)
			}
		}
		wantOut := map[ItemOutcome]int{ItemDone: 2, ItemSkipped: 2, ItemLeft: 2, ItemUnclear: 1, ItemFailed: 1}
		if o := rs.byOutcome(); fmt.Sprint(o) != fmt.Sprint(wantOut) {
			t.Errorf("results by outcome %v, want %v", o, wantOut)
		}
		for _, r := range rs.got {
			if r.Batch != id || r.By != alice || r.Conference != roomA || r.Action.Kind != Mute {
				t.Errorf("result %+v does not name the batch, operator, room and action", r)
			}
		}
		const summary = "muted 2 · 2 already muted · 2 had left · 1 unclear (the next polls will show) · 1 failed: p6: "
		if s := got.Summary(); s != summary+refused.Summary() {
			t.Errorf("summary %q, want %q", s, summary+refused.Summary())
		}
		snap, _ := drain(s)
		if len(snap.Batches) != 1 || snap.Batches[0].Progress() != got.Summary() {
			t.Errorf("snapshot batches %+v, want the finished batch", snap.Batches)
		}
	})
}

// TestBatchRefusesWhatCannotBeSent: a kind that is not for batches, no
// participants, or a missing URL are refused before anything is sent,
// saying what to do.
func TestBatchRefusesWhatCannotBeSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newBatchFake(roster(2))
		h := newHub(svc, Options{})
		defer h.Close()
		ts := targetsOf(roster(2))
		for _, c := range []struct {
			req  BatchRequest
			conf string
			want string
		}{
			{BatchRequest{Kind: EndConference, Targets: ts}, roomA, "end conference cannot be applied to several participants at once"},
			{BatchRequest{Kind: Mute}, roomA, "bulk mute needs at least one participant; mark some first"},
			{BatchRequest{Kind: Announce, Targets: ts}, roomA, "needs the URL of an announcement"},
			{BatchRequest{Kind: Mute, Targets: ts}, "support", "is not a conference SID"},
			{BatchRequest{Kind: Mute, Targets: []Target{{Label: "x"}}}, roomA, "mute needs a participant's call SID"},
		} {
			_, err := h.StartBatch(alice, c.conf, c.req)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%+v: %v, want it to say %q", c.req, err, c.want)
			}
		}
		if n := svc.total(); n != 0 {
			t.Errorf("%d updates sent for refused batches", n)
		}
	})
}

// TestBatchBusyParticipant: bob's bulk hold does not send anything to a
// participant alice has an action pending on; it counts it busy and goes
// on with the others.
func TestBatchBusyParticipant(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ps := roster(3)
		svc := newBatchFake(ps)
		release := make(chan struct{})
		svc.holdCall[ps[0].CallSID] = release
		h := newHub(svc, Options{})
		defer h.Close()
		s := watch(t, h)
		defer s.Close()
		single := make(chan error, 1)
		go func() {
			single <- h.Submit(t.Context(), alice, roomA, Action{Kind: Mute, CallSID: ps[0].CallSID, Label: "p0"})
		}()
		synctest.Wait()

		id, err := h.StartBatch(bob, roomA, BatchRequest{Kind: Hold, Targets: targetsOf(ps)})
		if err != nil {
			t.Fatal(err)
		}
		got, err := h.WaitBatch(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		close(release)
		if err := <-single; err != nil {
			t.Fatal(err)
		}
		if got.Done != 2 || got.Busy != 1 || svc.sent(ps[0].CallSID) != 1 {
			t.Fatalf("done %d busy %d, p0 sent %d; want 2 held, p0 busy and sent only alice's mute", got.Done, got.Busy, svc.sent(ps[0].CallSID))
		}
		if want := "put on hold 2 · 1 busy with another action"; got.Summary() != want {
			t.Errorf("summary %q, want %q", got.Summary(), want)
		}
	})
}

// TestBatchConcurrencyBound: however many participants, no more requests
// are in flight than the batch's concurrency, nor than the account's gate
// allows.
func TestBatchConcurrencyBound(t *testing.T) {
	for _, c := range []struct{ batch, gate, want int }{
		{0, 10, DefaultBatchConcurrency},
		{3, 10, 3},
		{8, 2, 2},
		{1, 4, 1},
	} {
		t.Run(fmt.Sprintf("batch%d-gate%d", c.batch, c.gate), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ps := roster(40)
				svc := newBatchFake(ps)
				svc.latency = 20 * time.Millisecond
				h := newHub(svc, Options{BatchConcurrency: c.batch, Gate: NewGate(c.gate)})
				defer h.Close()
				id, err := h.StartBatch(alice, roomA, BatchRequest{Kind: Mute, Targets: targetsOf(ps)})
				if err != nil {
					t.Fatal(err)
				}
				got, err := h.WaitBatch(t.Context(), id)
				if err != nil {
					t.Fatal(err)
				}
				if got.Done != 40 || svc.maxFlight != c.want {
					t.Fatalf("%d muted, at most %d in flight; want 40 and %d", got.Done, svc.maxFlight, c.want)
				}
			})
		})
	}
}

// TestBatchCancel: cancelling a batch sends nothing more; the requests on
// their way finish, the rest are reported cancelled, and the header's
// progress counted them as they went.
func TestBatchCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ps := roster(20)
		svc := newBatchFake(ps)
		svc.holdAll = make(chan struct{})
		h := newHub(svc, Options{BatchConcurrency: 4})
		defer h.Close()
		s := watch(t, h)
		defer s.Close()
		var rs results
		id, err := h.StartBatch(alice, roomA, BatchRequest{Kind: Mute, Targets: targetsOf(ps), OnResult: rs.add})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // four sent and held
		snap, _ := drain(s)
		if len(snap.Batches) != 1 || snap.Batches[0].Progress() != "muting 0/20" {
			t.Fatalf("progress %+v, want muting 0/20", snap.Batches)
		}
		if err := h.Cancel(id); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		close(svc.holdAll)
		got, err := h.WaitBatch(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Done != 4 || got.Cancelled != 16 || svc.total() != 4 {
			t.Fatalf("done %d cancelled %d, %d sent; want 4, 16, 4", got.Done, got.Cancelled, svc.total())
		}
		if o := rs.byOutcome(); o[ItemCancelled] != 16 || o[ItemDone] != 4 {
			t.Errorf("results %v, want 16 cancelled and 4 done", o)
		}
		if want := "muted 4 · 16 cancelled"; got.Summary() != want {
			t.Errorf("summary %q, want %q", got.Summary(), want)
		}
		if err := h.Cancel("Bnosuchbatch"); !errors.Is(err, ErrNoBatch) {
			t.Errorf("cancel of an unknown batch: %v", err)
		}
	})
}

// TestTwoBatchesOverlap: alice and bob mute overlapping sets at the same
// time through one Hub; every participant is sent exactly one mute, and
// between them the two batches account for every participant.
func TestTwoBatchesOverlap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ps := roster(30)
		svc := newBatchFake(ps)
		svc.latency = 30 * time.Millisecond
		h := newHub(svc, Options{Interval: 50 * time.Millisecond})
		defer h.Close()
		s := watch(t, h)
		defer s.Close()
		a, err := h.StartBatch(alice, roomA, BatchRequest{Kind: Mute, Targets: targetsOf(ps[:20])})
		if err != nil {
			t.Fatal(err)
		}
		back := targetsOf(ps[10:])
		slices.Reverse(back) // bob starts from the other end
		b, err := h.StartBatch(bob, roomA, BatchRequest{Kind: Mute, Targets: back})
		if err != nil {
			t.Fatal(err)
		}
		ga, err := h.WaitBatch(t.Context(), a)
		if err != nil {
			t.Fatal(err)
		}
		gb, err := h.WaitBatch(t.Context(), b)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if n := svc.sent(p.CallSID); n != 1 {
				t.Errorf("%s was sent %d mutes, want 1", p.Label, n)
			}
		}
		if ga.Done+gb.Done != 30 || ga.Busy+gb.Busy+ga.Skipped+gb.Skipped != 10 {
			t.Errorf("alice %s; bob %s: want 30 muted between them and the 10 shared counted once each as busy or already muted", ga.Summary(), gb.Summary())
		}
		snap, _ := drain(s)
		if len(snap.Batches) != 2 {
			t.Errorf("the snapshot shows %d batches, want alice's and bob's", len(snap.Batches))
		}
	})
}

// TestBatchStopsWithTheHub: closing the Hub mid-batch sends nothing more;
// Close waits for the requests on their way, the rest are cancelled, and
// no goroutine is left behind (the bubble would not end otherwise).
func TestBatchStopsWithTheHub(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ps := roster(10)
		svc := newBatchFake(ps)
		svc.holdAll = make(chan struct{})
		h := newHub(svc, Options{})
		id, err := h.StartBatch(alice, roomA, BatchRequest{Kind: Mute, Targets: targetsOf(ps)})
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		closed := make(chan struct{})
		go func() { h.Close(); close(closed) }()
		synctest.Wait()
		close(svc.holdAll)
		<-closed
		got, err := h.WaitBatch(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Done != DefaultBatchConcurrency || got.Cancelled != 10-DefaultBatchConcurrency || svc.total() != DefaultBatchConcurrency {
			t.Fatalf("%s, %d sent; want the %d on their way muted and the rest cancelled", got.Summary(), svc.total(), DefaultBatchConcurrency)
		}
		if _, err := h.StartBatch(alice, roomA, BatchRequest{Kind: Mute, Targets: targetsOf(ps)}); !errors.Is(err, ErrClosed) {
			t.Fatalf("a batch after Close: %v", err)
		}
	})
}
