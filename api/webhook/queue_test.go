package webhook

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestQueueCoalescesPerParticipant(t *testing.T) {
	q := newQueue(10)
	push := func(name, call string, seq int) {
		if !q.push(Event{ConferenceSID: testConf, Name: name, CallSID: call, Sequence: seq}) {
			t.Fatalf("push %s %s dropped", name, call)
		}
	}
	push(ParticipantJoin, "CA1", 1)
	push(ConferenceStart, "", 2)
	push(SpeechStart, "CA1", 3)
	push(ParticipantMute, "CA1", 4) // replaces the join, moves behind conference-start
	push(SpeechStop, "CA1", 5)      // replaces the speech-start
	push(ParticipantJoin, "CA2", 6)
	push(AnnouncementEnd, "CA1", 7)
	push(AnnouncementEnd, "CA1", 8) // announcements never coalesce
	var got []string
	for {
		_, e, ok := q.pop()
		if !ok {
			break
		}
		got = append(got, e.Name+"/"+strconv.Itoa(e.Sequence)+"/"+strconv.Itoa(e.Coalesced))
	}
	want := []string{ConferenceStart + "/2/0", ParticipantMute + "/4/1", SpeechStop + "/5/1",
		ParticipantJoin + "/6/0", AnnouncementEnd + "/7/0", AnnouncementEnd + "/8/0"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestQueueFullDropsAndReportsGap(t *testing.T) {
	q := newQueue(2)
	q.push(Event{ConferenceSID: "CF1", Name: ConferenceStart, Sequence: 1})
	q.push(Event{ConferenceSID: "CF1", Name: ConferenceEnd, Sequence: 2})
	if q.push(Event{ConferenceSID: "CF2", Name: ConferenceStart, Sequence: 1}) {
		t.Fatal("a full queue took a new event")
	}
	q.push(Event{ConferenceSID: "CF2", Name: ConferenceEnd, Sequence: 2}) // one gap per conference
	gap, _, _ := q.pop()
	if gap != "CF2" {
		t.Fatalf("first out %q, want the gap for CF2", gap)
	}
	if gap, e, _ := q.pop(); gap != "" || e.Name != ConferenceStart {
		t.Fatalf("then %q %v", gap, e)
	}
	if q.dropped != 2 {
		t.Errorf("dropped %d", q.dropped)
	}
}

// blockingConsumer holds HandleEvent until release is closed.
type blockingConsumer struct {
	release chan struct{}
	mu      sync.Mutex
	last    map[string]Event
	gaps    int
	n       int
}

func (c *blockingConsumer) HandleEvent(e Event) {
	<-c.release
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	c.last[e.CallSID+" "+coalesceKind(e.Name)] = e
}

func (c *blockingConsumer) HandleGap(string) {
	c.mu.Lock()
	c.gaps++
	c.mu.Unlock()
}

func coalesceKind(name string) string {
	if name == SpeechStart || name == SpeechStop {
		return "speech"
	}
	return "state"
}

// TestReceiverNeverWaitsForConsumer: with the consumer stuck, a flood of
// events for 100 participants is answered in full, the queue stays within
// two entries per participant, and once the consumer moves it sees each
// participant's latest state.
func TestReceiverNeverWaitsForConsumer(t *testing.T) {
	c := &blockingConsumer{release: make(chan struct{}), last: make(map[string]Event)}
	rc, _ := newTestReceiver(t, nil)
	rc.consumer = c
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { rc.Run(ctx); close(done) }()

	const participants, events = 100, 20000
	want := make(map[string]int) // participant and kind -> last sequence sent
	for i := 1; i <= events; i++ {
		name := ParticipantMute
		switch i % 3 {
		case 1:
			name = ParticipantUnmute
		case 2:
			name = SpeechStart
		}
		call := "CA" + strconv.Itoa(i%participants)
		want[call+" "+coalesceKind(name)] = i
		if w := serve(rc, post(event(name, call, i))); w.Code != http.StatusNoContent {
			t.Fatalf("event %d: status %d", i, w.Code)
		}
	}
	s := rc.Stats()
	if s.PeakQueue > 2*participants+1 || s.Dropped != 0 {
		t.Fatalf("queue peaked at %d (dropped %d) for %d participants", s.PeakQueue, s.Dropped, participants)
	}
	close(c.release)
	for rc.q.len() > 0 {
		runtime.Gosched()
	}
	cancel()
	<-done
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, seq := range want {
		if got := c.last[key].Sequence; got != seq {
			t.Errorf("%s: consumer holds sequence %d, want %d", key, got, seq)
		}
	}
	if c.n >= events {
		t.Errorf("consumer saw %d events: nothing coalesced", c.n)
	}
}

// BenchmarkReceiver measures the receiver taking signed events for 200
// participants while the consumer applies them slowly; it reports events
// per second and how much the live heap grew, which stays flat (the queue
// coalesces) however many events go through. Run it for a minute's worth at
// 1,000 events/s with -benchtime=60000x.
func BenchmarkReceiver(b *testing.B) {
	rc, _ := newTestReceiver(b, func(c *Config) { c.Logger = nil })
	slow := consumerFunc(func(Event) { time.Sleep(50 * time.Microsecond) })
	rc.consumer = slow
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go rc.Run(ctx)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.HeapAlloc
	b.ResetTimer()
	start := time.Now()
	for i := 1; i <= b.N; i++ {
		name := ParticipantMute
		if i%2 == 0 {
			name = SpeechStart
		}
		w := serve(rc, post(event(name, "CA"+strconv.Itoa(i%200), i)))
		if w.Code != http.StatusNoContent {
			b.Fatalf("status %d", w.Code)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(int64(ms.HeapAlloc)-int64(before))/1024, "heap-growth-KiB")
	b.ReportMetric(float64(rc.Stats().PeakQueue), "peak-queue")
}

type consumerFunc func(Event)

func (f consumerFunc) HandleEvent(e Event) { f(e) }
func (f consumerFunc) HandleGap(string)    {}
