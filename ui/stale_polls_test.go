package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api/live"
)

// TestPollsBeforeTheAnswerDoNotCount: a screen that last drew a snapshot
// several polls ago (a slow SSH session, a busy program) may next take one
// whose poll was sent before Twilio answered its mute. However many polls
// that snapshot is ahead, none of them could show the mute: the row keeps
// waiting ("muting…") instead of warning that Twilio accepted the mute but
// the participant is still unmuted.
func TestPollsBeforeTheAnswerDoNotCount(t *testing.T) {
	w := newWatchWorld(t)
	h := w.console(t, "alice")
	h.send(tea.WindowSizeMsg{Width: 120, Height: 24})
	selectLabel(t, h, "agent-7")
	p, _ := h.app.room.selectedParticipant()
	if p.Muted {
		t.Fatal("agent-7 starts muted")
	}

	// Three polls the screen does not take.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	spy, err := w.hub.WatchRoom(ctx, w.conf)
	if err != nil {
		t.Fatal(err)
	}
	var stale live.RoomSnapshot
	for range 3 {
		n := w.hub.PollsSent(w.conf)
		w.hub.Refresh(w.conf)
		deadline := time.After(5 * time.Second)
		for stale.Poll.Polls <= n {
			select {
			case stale = <-spy.Updates():
			case <-deadline:
				t.Fatal("the live state did not poll")
			}
		}
	}
	if ahead := stale.Poll.Polls - h.app.room.polls; ahead < pendingPolls {
		t.Fatalf("the stale snapshot is %d polls ahead of the screen, want at least %d", ahead, pendingPolls)
	}

	// m, and Twilio's answer, handed to the model as they come.
	answer := h.answerOf(h.pressOnly("m"))
	if answer == nil {
		t.Fatal("m sent no mute")
	}
	m, _ := h.app.Update(answer)
	h.app = m.(App)

	// Then the snapshot of the polls made before it.
	m, _ = h.app.Update(roomSnapMsg{sub: h.app.room.sub, snap: stale, ok: true})
	h.app = m.(App)
	if f := h.app.flash.text; strings.Contains(f, "still unmuted") {
		t.Errorf("polls sent before the answer counted against the mute: flash %q", f)
	}
	if row := rowOf(t, h.view(), "agent-7"); !strings.Contains(row, "muting…") {
		t.Errorf("agent-7's row = %q, want muting… until a poll sent after the answer", row)
	}
}
