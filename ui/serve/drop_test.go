package serve_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"confconsole/api/audit"
)

// droppedWithMute opens alice's console on the demo room, mutes the
// selected participant with Twilio holding the answer, then closes her SSH
// connection as a dropped network or a closed terminal would. It returns
// the world and the function that lets Twilio answer.
func droppedWithMute(t *testing.T) (w *world, answer func()) {
	t.Helper()
	arrived, release := make(chan struct{}, 8), make(chan struct{})
	var once sync.Once
	answer = func() { once.Do(func() { close(release) }) }
	w = newWorld(t, nil, func() {
		arrived <- struct{}{}
		<-release
	})
	t.Cleanup(answer) // after the world's: run before them, which wait for the held request
	alice := w.open("alice", termOpts{command: demoRoom})
	alice.waitFor("the room", roomShown)
	alice.send("m")
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the mute never reached the simulator")
	}
	if err := alice.client.Close(); err != nil {
		t.Fatalf("close alice's connection: %v", err)
	}
	return w, answer
}

// splitAudit is the audit file's intents and results.
func splitAudit(t *testing.T, path string) (intents, results []audit.Entry) {
	t.Helper()
	for _, e := range auditLines(t, path) {
		if e.Phase == audit.PhaseIntent {
			intents = append(intents, e)
		} else {
			results = append(results, e)
		}
	}
	return intents, results
}

var (
	dropWaiting      = regexp.MustCompile(`alice \(\S+\): session ended with 1 action on its way to Twilio; waiting up to 10s`)
	aliceGone        = regexp.MustCompile(`alice \(\S+\) disconnected`)
	waitingOrGoneLog = regexp.MustCompile(dropWaiting.String() + `|` + aliceGone.String())
)

// TestDroppedSessionAuditsTheAnswer: alice's client goes away while her
// mute is on its way to Twilio. The server goes on, and so does the live
// state that hears Twilio's answer: the audit log gets the mute's real
// result, ok, once, not unknown, and the session then closes.
func TestDroppedSessionAuditsTheAnswer(t *testing.T) {
	w, answer := droppedWithMute(t)
	// The server has noticed the drop: the console is waiting for the
	// answer (or, if it did not wait, the session is already closed).
	w.waitLog("the server noticing alice's connection closed", waitingOrGoneLog, 10*time.Second)
	answer()
	w.waitLog("alice's session closed", aliceGone, 10*time.Second)

	intents, results := splitAudit(t, w.auditPath)
	if len(intents) != 1 || len(results) != 1 {
		t.Fatalf("audit: %d intents, %d results, want one of each:\n%+v\n%+v", len(intents), len(results), intents, results)
	}
	if r := results[0]; r.Outcome != audit.OutcomeOK || r.ID != intents[0].ID || r.Operator != "alice" {
		t.Errorf("result %+v, want ok for %s by alice", r, intents[0].ID)
	}
	if a := intents[0].Action; a != audit.ActionMute && a != audit.ActionUnmute {
		t.Errorf("intent %+v, want the mute key's action", intents[0])
	}
	if n := len(w.writes()); n != 1 {
		t.Errorf("%d writes, want the mute sent once: %q", n, w.writes())
	}
	if !strings.Contains(w.serverLog.String(), "disconnected: connection closed") {
		t.Errorf("the log does not say the connection closed:\n%s", w.serverLog)
	}
	if n := w.srv.Sessions(); n != 0 {
		t.Errorf("%d sessions still counted", n)
	}
}

// TestDroppedSessionCutOffByStop: while a dropped session waits for
// Twilio's answer, a server stop that cuts the sessions off (a second
// signal, or StopWait over) ends the wait at once: the mute is audited as
// unknown, and the answer that comes afterwards writes nothing more.
func TestDroppedSessionCutOffByStop(t *testing.T) {
	w, answer := droppedWithMute(t)
	w.waitLog("alice's console waiting for the answer", dropWaiting, 10*time.Second)

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as a second signal does: no wait
	start := time.Now()
	err := w.srv.Shutdown(ctx)
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "1 session still busy cut off at once") {
		t.Errorf("Shutdown: %v, want 1 session cut off at once", err)
	}
	// Cut off: the sessions' last audit writes and the live state's close
	// (each bounded by 2 s), not the 10 s the console would wait. The
	// unknown result already written when Shutdown returns shows that, not
	// a stopwatch.
	t.Logf("Shutdown took %v with the sessions cut off", took.Round(time.Millisecond))
	intents, results := splitAudit(t, w.auditPath)
	if len(intents) != 1 || len(results) != 1 || results[0].Outcome != audit.OutcomeUnknown || results[0].ID != intents[0].ID {
		t.Fatalf("audit right after the stop: intents %+v, results %+v; want the mute and one unknown result", intents, results)
	}
	if !strings.Contains(results[0].Error, "the session ended before Twilio answered") {
		t.Errorf("the unknown result says %q, want that the session ended before Twilio answered", results[0].Error)
	}

	answer()
	for deadline := time.Now().Add(5 * time.Second); len(w.writes()) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the held mute never reached the simulator")
		}
	}
	time.Sleep(300 * time.Millisecond) // the answer's way back to the console's command
	if _, results := splitAudit(t, w.auditPath); len(results) != 1 {
		t.Errorf("after Twilio answered: %d results, want the one unknown: %+v", len(results), results)
	}
}

// TestDroppedSessionDuringGracefulStop: a server stop that waits for
// actions in flight (the first SIGTERM) waits for a dropped session's too,
// and the answer that comes meanwhile is audited as ok.
func TestDroppedSessionDuringGracefulStop(t *testing.T) {
	w, answer := droppedWithMute(t)
	w.waitLog("alice's console waiting for the answer", dropWaiting, 10*time.Second)
	stopped := make(chan error, 1)
	go func() { stopped <- w.srv.Shutdown(context.Background()) }()
	answer()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Shutdown did not return")
	}
	intents, results := splitAudit(t, w.auditPath)
	if len(intents) != 1 || len(results) != 1 || results[0].Outcome != audit.OutcomeOK {
		t.Errorf("audit: intents %+v, results %+v; want the mute and one ok result", intents, results)
	}
}
