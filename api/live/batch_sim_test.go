package live_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/api/live"
	"confconsole/api/sim"
	"confconsole/model"
)

// requestLog is the simulator's request log, safe to write from its
// handlers while a test reads it.
type requestLog struct {
	mu       sync.Mutex
	buf      bytes.Buffer
	inFlight int // requests being served now
	most     int // the most ever served at once
}

// serve counts the requests h serves at once.
func (l *requestLog) serve(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.inFlight++
		l.most = max(l.most, l.inFlight)
		l.mu.Unlock()
		defer func() {
			l.mu.Lock()
			l.inFlight--
			l.mu.Unlock()
		}()
		h.ServeHTTP(w, r)
	})
}

func (l *requestLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// posts are the logged POSTs to a participant, by call SID, each as its
// status ("200", "429", "404"...).
func (l *requestLog) posts() map[string][]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string][]string{}
	for line := range strings.SplitSeq(l.buf.String(), "\n") {
		f := strings.Fields(line) // METHOD PATH STATUS DURATION [fault=...]
		if len(f) < 3 || f[0] != http.MethodPost || !strings.Contains(f[1], "/Participants/") {
			continue
		}
		call := strings.TrimSuffix(f[1][strings.LastIndex(f[1], "/")+1:], ".json")
		out[call] = append(out[call], f[2])
	}
	return out
}

// simRoom serves a simulator with n connected participants in one
// conference, logging every request, to a client whose requests (its
// retries too) go through gate; it returns the participants in join order.
func simRoom(tb testing.TB, n int, gate *live.Gate, log *requestLog) (*sim.Server, *api.Client, []model.Participant) {
	tb.Helper()
	opts := []sim.Option{sim.WithSeed(7)}
	if log != nil {
		opts = append(opts, sim.WithLogger(log))
	}
	srv := sim.New(opts...)
	if err := srv.AddAccount(simAccount, simToken); err != nil {
		tb.Fatal(err)
	}
	var handler http.Handler = srv
	if log != nil {
		handler = log.serve(srv)
	}
	hs := httptest.NewServer(handler)
	tb.Cleanup(hs.Close)
	c, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: hs.URL,
		HTTPClient: &http.Client{Transport: gate.Transport(nil), Timeout: 10 * time.Second}})
	if err != nil {
		tb.Fatal(err)
	}
	ps := make([]model.Participant, n)
	for i := range ps {
		if ps[i], err = srv.JoinConnected(simAccount, "Town hall", sim.Join{Label: fmt.Sprintf("p%03d", i)}); err != nil {
			tb.Fatal(err)
		}
	}
	return srv, c, ps
}

func targets(ps []model.Participant) []live.Target {
	ts := make([]live.Target, len(ps))
	for i, p := range ps {
		ts[i] = live.Target{CallSID: p.CallSID, Label: p.Label}
	}
	return ts
}

// TestBulkMuteAgainstTheSimulator: a bulk mute of 200 participants through
// the real client, with two bursts of 429s and a participant hanging up
// half-way: each participant still there is muted by exactly one accepted
// POST; the one who left is counted as left, not failed; the POSTs in the
// simulator's log are 200 + the 429s − those who left (plus one 404 if
// the leaver's request went out before a poll saw them go); every
// participant is reported once with the batch's ID, matching the log; and
// the gate never let more requests run than its limit.
func TestBulkMuteAgainstTheSimulator(t *testing.T) {
	const n, burst = 200, 3
	gate := live.NewGate(4)
	var log requestLog
	srv, client, ps := simRoom(t, n, gate, &log)
	conf := ps[0].ConferenceSID
	srv.InjectFault(sim.Fault{Kind: sim.FaultTooManyRequests, Count: burst, Method: http.MethodPost})
	srv.SetLatency(2 * time.Millisecond)

	h := live.New(client, live.Options{Interval: 50 * time.Millisecond, Gate: gate})
	defer h.Close()
	ctx := t.Context()
	s, err := h.WatchRoom(ctx, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	next(t, s, func(s live.RoomSnapshot) bool { return len(s.Participants) == n })

	var (
		mu      sync.Mutex
		results []live.BatchResult
	)
	id, err := h.StartBatch(live.Operator{Name: "alice"}, conf, live.BatchRequest{Kind: live.Mute, Targets: targets(ps),
		OnResult: func(r live.BatchResult) {
			mu.Lock()
			defer mu.Unlock()
			results = append(results, r)
		}})
	if err != nil {
		t.Fatal(err)
	}
	leaver := ps[170]
	next(t, s, func(s live.RoomSnapshot) bool { return len(s.Batches) == 1 && s.Batches[0].Processed() >= 60 })
	if err := srv.Hangup(simAccount, conf, leaver.CallSID); err != nil {
		t.Fatal(err)
	}
	srv.InjectFault(sim.Fault{Kind: sim.FaultTooManyRequests, Count: burst, Method: http.MethodPost})
	got, err := h.WaitBatch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}

	if got.Done != n-1 || got.Left != 1 || got.Processed() != n || len(got.Failed) != 0 {
		t.Fatalf("batch: %s; want %d muted and 1 had left", got.Summary(), n-1)
	}
	posts := log.posts()
	var total, throttled, notFound int
	for _, p := range ps {
		statuses := posts[p.CallSID]
		total += len(statuses)
		ok := 0
		for _, st := range statuses {
			switch st {
			case "200":
				ok++
			case "429":
				throttled++
			case "404":
				notFound++
			default:
				t.Errorf("%s got a POST answered %s", p.Label, st)
			}
		}
		if want := map[bool]int{true: 0, false: 1}[p.CallSID == leaver.CallSID]; ok != want {
			t.Errorf("%s: %d accepted POSTs (%v), want %d", p.Label, ok, statuses, want)
		}
	}
	if throttled != 2*burst || total != n+throttled-1+notFound || notFound > 1 {
		t.Errorf("%d POSTs, %d of them 429 and %d 404: want %d = %d + the 429s − 1 who left (+ at most one 404)",
			total, throttled, notFound, n+throttled-1+notFound, n)
	}
	t.Logf("%d POSTs: %d participants + %d 429s − 1 who left + %d 404", total, n, throttled, notFound)
	log.mu.Lock()
	if log.most > 4 || log.most < 2 {
		t.Errorf("the simulator served %d requests at once; the gate allows 4", log.most)
	}
	log.mu.Unlock()

	for _, p := range srv.Participants(simAccount, conf) {
		if !p.Muted {
			t.Errorf("%s is not muted in the simulator", p.Label)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	seen := map[string]live.ItemOutcome{}
	for _, r := range results {
		if r.Batch != id {
			t.Errorf("result %+v does not carry the batch ID %s", r, id)
		}
		if _, twice := seen[r.Action.CallSID]; twice {
			t.Errorf("%s reported twice", r.Action.Label)
		}
		seen[r.Action.CallSID] = r.Outcome
		accepted := slices.Contains(posts[r.Action.CallSID], "200")
		if accepted != (r.Outcome == live.ItemDone) {
			t.Errorf("%s reported %s, but the log says accepted %v", r.Action.Label, r.Outcome, accepted)
		}
	}
	if len(seen) != n || seen[leaver.CallSID] != live.ItemLeft {
		t.Errorf("%d participants reported, the leaver as %s; want %d and left", len(seen), seen[leaver.CallSID], n)
	}
}

// BenchmarkBulkMute200 is a bulk mute of 200 participants against the
// simulator with 20 ms of latency on every request, at the default
// concurrency. It fails when a batch takes longer than
// (200 / concurrency) × the median time of one request × 1.2, the median
// measured first on the same server, one request at a time.
func BenchmarkBulkMute200(b *testing.B) {
	const n, latency = 200, 20 * time.Millisecond
	gate := live.NewGate(live.DefaultBatchConcurrency)
	srv, client, ps := simRoom(b, n, gate, nil)
	conf := ps[0].ConferenceSID
	srv.SetLatency(latency)
	ctx := context.Background()

	times := make([]time.Duration, 21)
	for i := range times {
		start := time.Now()
		if _, err := client.UpdateParticipant(ctx, conf, ps[i].CallSID, api.UpdateParticipant{Muted: api.Bool(false)}); err != nil {
			b.Fatal(err)
		}
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	median := times[len(times)/2]
	budget := time.Duration(float64(n/live.DefaultBatchConcurrency) * float64(median) * 1.2)

	h := live.New(client, live.Options{Gate: gate})
	defer h.Close()
	kinds := [2]live.ActionKind{live.Mute, live.Unmute}
	var worst time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		id, err := h.StartBatch(live.Operator{Name: "bench"}, conf, live.BatchRequest{Kind: kinds[i%2], Targets: targets(ps)})
		if err != nil {
			b.Fatal(err)
		}
		got, err := h.WaitBatch(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		worst = max(worst, time.Since(start))
		if got.Done != n {
			b.Fatalf("batch: %s", got.Summary())
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(median.Microseconds())/1000, "median-request-ms")
	b.ReportMetric(float64(budget.Microseconds())/1000, "budget-ms")
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-batch-ms")
	if worst > budget {
		b.Fatalf("a bulk mute of %d took %v, over the budget of %v (%d / %d × median %v × 1.2)",
			n, worst, budget, n, live.DefaultBatchConcurrency, median)
	}
}

// TestCancelThenUndoAgainstTheSimulator: a bulk mute cancelled half-way
// sends nothing more (the simulator's log shows one accepted POST per
// participant counted as muted, none for those cancelled), and undoing it
// unmutes exactly those it muted.
func TestCancelThenUndoAgainstTheSimulator(t *testing.T) {
	const n = 100
	gate := live.NewGate(4)
	var log requestLog
	srv, client, ps := simRoom(t, n, gate, &log)
	conf := ps[0].ConferenceSID
	srv.SetLatency(5 * time.Millisecond)
	h := live.New(client, live.Options{Interval: 50 * time.Millisecond, Gate: gate})
	defer h.Close()
	ctx := t.Context()
	s, err := h.WatchRoom(ctx, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	next(t, s, func(s live.RoomSnapshot) bool { return len(s.Participants) == n })

	alice := live.Operator{Name: "alice"}
	id, err := h.StartBatch(alice, conf, live.BatchRequest{Kind: live.Mute, Targets: targets(ps)})
	if err != nil {
		t.Fatal(err)
	}
	next(t, s, func(s live.RoomSnapshot) bool { return len(s.Batches) == 1 && s.Batches[0].Processed() >= 20 })
	if err := h.Cancel(id); err != nil {
		t.Fatal(err)
	}
	got, err := h.WaitBatch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Cancelled == 0 || got.Done+got.Cancelled != n {
		t.Fatalf("cancelled batch: %s; want some muted, the rest cancelled", got.Summary())
	}
	muted := map[string]bool{}
	for _, p := range srv.Participants(simAccount, conf) {
		muted[p.CallSID] = p.Muted
	}
	posts := log.posts()
	var mutedNow int
	for _, p := range ps {
		if muted[p.CallSID] {
			mutedNow++
		}
		if want := map[bool]int{true: 1, false: 0}[muted[p.CallSID]]; len(posts[p.CallSID]) != want {
			t.Errorf("%s: muted %v after %d POSTs, want %d", p.Label, muted[p.CallSID], len(posts[p.CallSID]), want)
		}
	}
	if mutedNow != got.Done {
		t.Fatalf("%d muted in the simulator, the batch says %d", mutedNow, got.Done)
	}

	// Let the polls confirm the mutes, then undo the batch.
	next(t, s, func(s live.RoomSnapshot) bool { return len(s.Pending) == 0 })
	undone, err := h.Undo(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := h.WaitBatch(ctx, undone.Batch)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Kind != live.Unmute || inv.Total != got.Done || inv.Done != got.Done {
		t.Fatalf("the undo: %s of %d; want %d unmuted", inv.Summary(), inv.Total, got.Done)
	}
	posts = log.posts()
	for _, p := range srv.Participants(simAccount, conf) {
		if want := map[bool]int{true: 2, false: 0}[muted[p.CallSID]]; p.Muted || len(posts[p.CallSID]) != want {
			t.Errorf("%s: muted %v after %d POSTs, want unmuted after %d", p.Label, p.Muted, len(posts[p.CallSID]), want)
		}
	}
}
