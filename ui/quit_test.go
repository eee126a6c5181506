package ui

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/model"
)

// stalledService is the demo fake whose participant updates wait until
// released (or their deadline), like a slow link to Twilio.
type stalledService struct {
	*fakeService
	started  chan struct{} // one value per update that began
	release  chan struct{} // closed: the updates answer
	returned sync.WaitGroup
}

func newStalledService() *stalledService {
	return &stalledService{fakeService: demoService(), started: make(chan struct{}, 8), release: make(chan struct{})}
}

func (s *stalledService) UpdateParticipant(ctx context.Context, conf, callSID string, u api.UpdateParticipant) (model.Participant, error) {
	s.returned.Add(1)
	defer s.returned.Done()
	s.started <- struct{}{}
	select {
	case <-s.release:
	case <-ctx.Done():
		return model.Participant{}, ctx.Err()
	}
	return s.fakeService.UpdateParticipant(ctx, conf, callSID, u)
}

// waitOutput waits until the console has written want.
func waitOutput(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the console never wrote %q; output so far %q", want, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestQuitWaitsForActionsInFlight mutes a caller over a link that does not
// answer yet, then quits, with q or a signal. The console must say that the
// action is on its way and wait for the answer, so that the trail gets its
// real result; q or a signal again must quit at once and record the result
// as unknown, and the late answer must not add a second result.
func TestQuitWaitsForActionsInFlight(t *testing.T) {
	tests := []struct {
		name        string
		quit        func(in io.Writer, sigs chan<- os.Signal)
		again       bool // quit a second time before the answer comes
		wantErr     error
		wantOutcome audit.Outcome
	}{
		{"q waits for the answer", pressQ, false, nil, audit.OutcomeOK},
		{"q again quits at once", pressQ, true, nil, audit.OutcomeUnknown},
		{"ctrl+c waits for the answer", func(in io.Writer, _ chan<- os.Signal) { in.Write([]byte{0x03}) }, false, nil, audit.OutcomeOK},
		{"SIGTERM waits for the answer", sendSignal(syscall.SIGTERM), false, SignalError{Signal: syscall.SIGTERM}, audit.OutcomeOK},
		{"SIGHUP waits for the answer", sendSignal(syscall.SIGHUP), false, SignalError{Signal: syscall.SIGHUP}, audit.OutcomeOK},
		{"a second SIGINT quits at once", sendSignal(syscall.SIGINT), true, SignalError{Signal: syscall.SIGINT}, audit.OutcomeUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := newStalledService()
			trail, path := openTrail(t)
			inR, inW := io.Pipe()
			defer inW.Close()
			out := &syncBuffer{}
			sigs := make(chan os.Signal, 2)
			done := make(chan error, 1)
			go func() {
				done <- Run(context.Background(), svc, Options{Keys: testKeyMap(), In: inR, Out: out, Theme: "dark",
					Conference: confSID, Audit: trail, Signals: sigs})
			}()
			waitOutput(t, out, "agent-7")
			inW.Write([]byte("m"))
			<-svc.started
			tc.quit(inW, sigs)
			waitOutput(t, out, "1 action still on its way to Twilio: waiting up to 10s (q quits now)")
			if tc.again {
				tc.quit(inW, sigs)
			} else {
				select {
				case err := <-done:
					t.Fatalf("Run returned (%v) before the action was answered", err)
				default:
				}
				close(svc.release)
			}
			select {
			case err := <-done:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Run = %v, want %v", err, tc.wantErr)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not return")
			}
			if tc.again {
				// The answer comes after the console stopped: it must not
				// write a second result.
				close(svc.release)
				svc.returned.Wait()
				time.Sleep(20 * time.Millisecond) // room for a wrong second write
			}
			var intents, results []audit.Entry
			for _, e := range readTrail(t, path) {
				switch e.Phase {
				case audit.PhaseIntent:
					intents = append(intents, e)
				case audit.PhaseResult:
					results = append(results, e)
				}
			}
			if len(intents) != 1 || len(results) != 1 {
				t.Fatalf("%d intents and %d results in the trail, want one of each", len(intents), len(results))
			}
			if results[0].ID != intents[0].ID || results[0].Outcome != tc.wantOutcome {
				t.Errorf("result %s %q for intent %s, want %q", results[0].ID, results[0].Outcome, intents[0].ID, tc.wantOutcome)
			}
			if tc.wantOutcome == audit.OutcomeUnknown && !strings.Contains(results[0].Error, "quit before Twilio answered") {
				t.Errorf("the unknown result does not say why: %q", results[0].Error)
			}
			got := out.String()
			if i := strings.LastIndex(got, "\x1b[?1049h"); i < 0 || !strings.Contains(got[i:], "\x1b[?1049l") {
				t.Errorf("the alternate screen was not left")
			}
		})
	}
}

func pressQ(in io.Writer, _ chan<- os.Signal) { in.Write([]byte("q")) }

func sendSignal(s os.Signal) func(io.Writer, chan<- os.Signal) {
	return func(_ io.Writer, sigs chan<- os.Signal) { sigs <- s }
}

// TestQuitStopsWaitingAfterTheBound holds an action in the air past the
// wait: the console quits, and the action's result is recorded as unknown.
func TestQuitStopsWaitingAfterTheBound(t *testing.T) {
	trail, path := openTrail(t)
	h := openRoom(t, demoService(), func(o *Options) { o.Audit = trail })
	id, err := trail.Intent(context.Background(), audit.Entry{Action: audit.ActionMute, CallSID: callSID(1)})
	if err != nil {
		t.Fatal(err)
	}
	h.app.flights.reserve() // its command never returns
	if !h.app.flights.begin() {
		t.Fatal("a running console refused to send")
	}
	h.app.flights.started(id, trail)
	h.app.quitWait = 10 * time.Millisecond
	h.key("q")
	if !h.quit {
		t.Fatal("the console did not quit once the wait was over")
	}
	if err := h.app.flights.abandon(context.Background(), "the console quit"); err != nil {
		t.Fatal(err)
	}
	entries := readTrail(t, path)
	last := entries[len(entries)-1]
	if last.Phase != audit.PhaseResult || last.ID != id || last.Outcome != audit.OutcomeUnknown {
		t.Errorf("last trail line %+v, want the unknown result of %s", last, id)
	}
	if h.app.flights.landing(id) {
		t.Errorf("a late answer may still write a result after the console stopped")
	}
	if h.app.flights.begin() {
		t.Errorf("an action may still be sent after the console stopped")
	}
}

// panickyService panics where the console looks up the conference it
// was asked to open, in a command of its own.
type panickyService struct{ *fakeService }

func (panickyService) FetchConference(context.Context, string) (model.Conference, error) {
	panic("a bug in a command")
}

// TestPanicRestoresTheTerminal: a panic in a command stops the console with
// an error, and the terminal is given back (main screen, cursor shown).
func TestPanicRestoresTheTerminal(t *testing.T) {
	inR, inW := io.Pipe()
	defer inW.Close()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), panickyService{demoService()},
			Options{Keys: testKeyMap(), In: inR, Out: out, Theme: "dark", Conference: confSID})
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Run = nil after a panic, want an error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after a panic")
	}
	got := out.String()
	i := strings.LastIndex(got, "\x1b[?1049h")
	if i < 0 || !strings.Contains(got[i:], "\x1b[?1049l") {
		t.Errorf("the alternate screen was not left: %q", got)
	}
	if j := strings.LastIndex(got, "\x1b[?25l"); j >= 0 && !strings.Contains(got[j:], "\x1b[?25h") {
		t.Errorf("the cursor was left hidden: %q", got)
	}
}

// TestQuittingFooterOffersOnlyTheWayOut: while the console waits for an
// action's answer on the way out, no other key is acted on, so the footer
// offers q (quit now) and not the screen's keys.
func TestQuittingFooterOffersOnlyTheWayOut(t *testing.T) {
	h := openRoom(t, demoService(), nil)
	if cmd := h.pressOnly("m"); cmd == nil {
		t.Fatal("m made no command")
	}
	h.pressOnly("q")
	if h.app.quit != quitWaiting {
		t.Fatalf("q with an action in flight: quit state %v, want waiting", h.app.quit)
	}
	v := strings.Split(h.view(), "\n")
	if f := v[len(v)-1]; !strings.Contains(f, "q quit now") || strings.Contains(f, "mute") || strings.Contains(f, "help") {
		t.Errorf("footer while quitting = %q, want only q quit now", f)
	}
}

// TestSettle: a console whose session went away waits for the actions it
// already sent (so their answers are recorded, not unknown), sends nothing
// new meanwhile, and stops waiting at the bound or when cut.
func TestSettle(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer bool // the action's answer comes during the wait
		cut    bool // the server cuts the wait short
		open   int  // actions still without a result after the wait
	}{
		{"the answer comes", true, false, 0},
		{"cut off", false, true, 1},
		{"no answer within the bound", false, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFlights()
			done := f.reserve()
			if !f.begin() {
				t.Fatal("begin refused before the session went away")
			}
			f.started("a-1", audit.Disabled())
			cut := make(chan struct{})
			go func() {
				switch {
				case tc.answer:
					if !f.landing("a-1") {
						t.Error("landing refused during the wait: the answer would be lost")
					}
					f.landed()
					done()
				case tc.cut:
					close(cut)
				}
			}()
			bound := 200 * time.Millisecond
			if tc.answer || tc.cut {
				bound = time.Minute // only the answer or the cut can end it
			}
			f.settle(bound, cut)
			if n := f.unanswered(); n != tc.open {
				t.Errorf("%d actions without a result after the wait, want %d", n, tc.open)
			}
			if f.begin() {
				t.Error("a new action was sent after the session went away")
			}
		})
	}
}

// TestQuittingSaysWhy: a Stop's reason leads the flash while the console
// waits for its actions, and the line still fits 80 columns with the way
// out on it; without a reason the flash is as for q.
func TestQuittingSaysWhy(t *testing.T) {
	for _, tc := range []struct {
		why  string
		n    int
		want string
	}{
		{"", 1, "1 action still on its way to Twilio: waiting up to 10s (q quits now)"},
		{"", 3, "3 actions still on their way to Twilio: waiting up to 10s (q quits now)"},
		{"server stopping", 1, "server stopping: waiting up to 10s for 1 action (q quits now)"},
		{"your key was removed", 12, "your key was removed: waiting up to 10s for 12 actions (q quits now)"},
		{"you are now a monitor", 2, "you are now a monitor: waiting up to 10s for 2 actions (q quits now)"},
	} {
		a := App{quitWhy: tc.why, quitWait: 10 * time.Second, keys: testKeyMap(), flights: newFlights()}
		a.flights.queued = tc.n
		a.noteQuitting()
		if a.flash.text != tc.want {
			t.Errorf("why %q, %d in flight: flash %q, want %q", tc.why, tc.n, a.flash.text, tc.want)
		}
		if n := utf8.RuneCountInString(a.flash.text); n > 80 {
			t.Errorf("flash %q is %d columns, more than 80", a.flash.text, n)
		}
	}
}
