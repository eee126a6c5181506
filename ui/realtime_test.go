package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api/live"
)

// TestSpeechWord: the status cell's word for speech is coarse, so a row
// that spoke changes a few times a minute at most, and speechChange says
// exactly when it next changes.
func TestSpeechWord(t *testing.T) {
	at := testNow
	for _, c := range []struct {
		name string
		sp   live.Speech
		now  time.Time
		want string
		next time.Time
	}{
		{"never spoke", live.Speech{}, at, "", time.Time{}},
		{"talking", live.Speech{Speaking: true, LastSpoke: at}, at.Add(time.Hour), "● talking", time.Time{}},
		{"just stopped", live.Speech{LastSpoke: at}, at.Add(3 * time.Second), "spoke now", at.Add(10 * time.Second)},
		{"tens of seconds", live.Speech{LastSpoke: at}, at.Add(27 * time.Second), "spoke 20s", at.Add(30 * time.Second)},
		{"last tens", live.Speech{LastSpoke: at}, at.Add(59 * time.Second), "spoke 50s", at.Add(time.Minute)},
		{"minutes", live.Speech{LastSpoke: at}, at.Add(3*time.Minute + 5*time.Second), "spoke 3m", at.Add(4 * time.Minute)},
		{"an hour and more", live.Speech{LastSpoke: at}, at.Add(2 * time.Hour), "spoke 1h+", time.Time{}},
		{"clock behind the callback", live.Speech{LastSpoke: at}, at.Add(-time.Second), "spoke now", at.Add(10 * time.Second)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := speechWord(c.now, c.sp); got != c.want {
				t.Errorf("speechWord = %q, want %q", got, c.want)
			}
			if got := speechChange(c.now, c.sp); !got.Equal(c.next) {
				t.Errorf("speechChange = %v, want %v", got, c.next)
			}
			if !c.next.IsZero() && speechWord(c.next.Add(-time.Nanosecond), c.sp) == speechWord(c.next, c.sp) {
				t.Errorf("the word does not change at %v", c.next)
			}
		})
	}
}

// TestRealTimeOnScreen: status callbacks in, screen out. The header says
// "polling only" until callbacks arrive, then "events live"; a speech
// start marks the row as talking in words, its stop shows how long ago,
// coarsely, as time passes; the feed tags each line with its origin; an
// announcement's failure, with Twilio's reason, is the flash and a line of
// the feed.
func TestRealTimeOnScreen(t *testing.T) {
	w := newWatchWorld(t)
	h := w.console(t, "alice")
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	header := func() string { return strings.Split(h.view(), "\n")[0] }
	if !strings.Contains(header(), "polling only") || strings.Contains(header(), "events live") {
		t.Errorf("before any callback the header says %q, want polling only", header())
	}
	selectLabel(t, h, "agent-7")
	p, _ := h.app.room.selectedParticipant()
	if row := rowOf(t, h.view(), "agent-7"); !strings.Contains(row, "connected") {
		t.Fatalf("agent-7 before speaking: %q", row)
	}

	w.hub.ApplyCallback(live.Callback{Conference: w.conf, Kind: live.CallbackSpeechStart, CallSID: p.CallSID, Label: "agent-7"})
	h.next()
	if !strings.Contains(header(), "events live") {
		t.Errorf("after a callback the header says %q, want events live", header())
	}
	row := rowOf(t, h.view(), "agent-7")
	if !strings.Contains(row, "● talking") || strings.Contains(row, "connected") {
		t.Errorf("agent-7 while speaking: %q, want ● talking in the status cell", row)
	}
	for _, other := range []string{"caller-2", "supervisor"} {
		if r := rowOf(t, h.view(), other); strings.Contains(r, "talking") {
			t.Errorf("%s, who never spoke, is marked talking: %q", other, r)
		}
	}

	w.hub.ApplyCallback(live.Callback{Conference: w.conf, Kind: live.CallbackSpeechStop, CallSID: p.CallSID, Label: "agent-7"})
	h.next()
	if row := rowOf(t, h.view(), "agent-7"); !strings.Contains(row, "spoke now") {
		t.Errorf("agent-7 just after speaking: %q, want spoke now", row)
	}
	h.setClock(testNow.Add(28 * time.Second))
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24}) // any message reads the clock
	if row := rowOf(t, h.view(), "agent-7"); !strings.Contains(row, "spoke 20s") {
		t.Errorf("agent-7 28s after speaking: %q, want spoke 20s", row)
	}
	// With a poll just in (its status next changes at 33s) and every row
	// under a minute old (their TIME changes at 60s), the clock must wake
	// for agent-7's age at 30s, and not before.
	h.app.room.poll.updated = h.app.clock
	if got, want := h.app.nextChange(), testNow.Add(30*time.Second); !got.Equal(want) {
		t.Errorf("the clock next wakes at %v, want %v when agent-7's age reads spoke 30s", got, want)
	}

	w.hub.ApplyCallback(live.Callback{Conference: w.conf, Kind: live.CallbackAnnouncementFail, CallSID: p.CallSID, Label: "agent-7",
		AnnounceURL: "https://example.com/a.xml", Reason: "the URL did not answer"})
	h.next()
	want := "the announcement to agent-7 failed: the URL did not answer"
	if h.app.flash.text != want || !h.app.flash.isErr {
		t.Errorf("flash after a failed announcement = %q (error %v), want %q as an error", h.app.flash.text, h.app.flash.isErr, want)
	}
	w.hub.ApplyCallback(live.Callback{Conference: w.conf, Kind: live.CallbackAnnouncementEnd, Label: ""})
	h.next()
	if want := "the announcement to everyone finished"; h.app.flash.text != want || h.app.flash.isErr {
		t.Errorf("flash after an announcement ended = %q (error %v), want %q", h.app.flash.text, h.app.flash.isErr, want)
	}

	w.hub.ApplyCallback(live.Callback{Conference: w.conf, Kind: live.CallbackMute, CallSID: p.CallSID, Label: "agent-7", HasState: true, Muted: true})
	h.next()
	h.key("e")
	v := h.view()
	for _, line := range []string{"evt  agent-7 muted", "evt  the announcement to agent-7 failed"} {
		if !strings.Contains(v, line) {
			t.Errorf("the feed lacks %q:\n%s", line, v)
		}
	}
	h.key("h") // alice's own action: tagged as one
	if v := h.view(); !strings.Contains(v, "op   alice put agent-7 on hold") {
		t.Errorf("the feed does not tag alice's hold as an action:\n%s", v)
	}
}

// TestAnnouncementEndOutrunsItsAnswer: Twilio's callback for an
// announcement's end can arrive before the answer to the request that
// started it is read. The end stays the flash; "playing" after it would be
// stale. Without a callback first, the answer's flash shows as before.
func TestAnnouncementEndOutrunsItsAnswer(t *testing.T) {
	const url = "https://example.com/notice.xml"
	for _, tc := range []struct {
		name     string
		keys     []string
		callback func(callSID string) live.Callback
		want     string
	}{
		{name: "to everyone, end first", keys: []string{"A"},
			callback: func(string) live.Callback { return live.Callback{Kind: live.CallbackAnnouncementEnd} },
			want:     "the announcement to everyone finished"},
		{name: "to one, failure first", keys: []string{"a"},
			callback: func(sid string) live.Callback {
				return live.Callback{Kind: live.CallbackAnnouncementFail, CallSID: sid, Reason: "the URL did not answer"}
			},
			want: "the announcement to agent-7 failed: the URL did not answer"},
		{name: "to everyone, answer first", keys: []string{"A"}, want: "announcement playing to the conference"},
		{name: "another participant's end does not count", keys: []string{"a"},
			callback: func(string) live.Callback { return live.Callback{Kind: live.CallbackAnnouncementEnd} },
			want:     "announcement playing to agent-7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWatchWorld(t)
			h := w.console(t, "alice")
			h.send(tea.WindowSizeMsg{Width: 100, Height: 24})
			selectLabel(t, h, "agent-7")
			p, _ := h.app.room.selectedParticipant()
			for _, k := range tc.keys {
				h.key(k)
			}
			h.typeText(url)
			// Run the prompt's submission by hand up to the action's
			// answer, to deliver the callback's snapshot before it.
			answer := h.answerOf(h.pressOnly("enter"))
			if answer == nil {
				t.Fatalf("enter sent no announcement:\n%s", h.view())
			}
			if tc.callback != nil {
				c := tc.callback(p.CallSID)
				c.Conference = w.conf
				w.hub.ApplyCallback(c)
				// The snapshot the callback made, taken here and handed
				// to the console ahead of the answer.
				sub := h.app.room.sub
				select {
				case snap := <-sub.Updates():
					m, _ := h.app.Update(roomSnapMsg{sub: sub, snap: snap, ok: true})
					h.app = m.(App)
				case <-time.After(5 * time.Second):
					t.Fatal("the callback made no snapshot")
				}
			}
			m, _ := h.app.Update(answer) // the poll it asks for plays no part
			h.app = m.(App)
			if got := h.app.flash.text; !strings.HasPrefix(got, tc.want) {
				t.Errorf("flash = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestEventsLiveStaysLive: while status callbacks keep the room current,
// the live state polls it only to reconcile (every 15 s), and the status
// line keeps saying "live" until that slower poll is late, rather than
// counting "updated 5s ago" each second between polls.
func TestEventsLiveStaysLive(t *testing.T) {
	w := newWatchWorld(t)
	h := w.console(t, "alice")
	h.send(tea.WindowSizeMsg{Width: 100, Height: 24})
	status := func() string { return strings.Split(h.view(), "\n")[1] }
	w.hub.ApplyCallback(live.Callback{Conference: w.conf, Kind: live.CallbackOther})
	h.next()
	// The next poll is the first to see the events flowing: it puts the
	// one after it a reconciliation interval away.
	h.poll()
	next := h.app.room.poll.nextAt
	if gap := next.Sub(h.app.room.poll.updated); gap <= 2*time.Second {
		t.Fatalf("with events live the next poll is %v after the last, want the slower reconciliation", gap)
	}
	for _, after := range []time.Duration{6 * time.Second, 12 * time.Second} {
		h.setClock(h.app.room.poll.updated.Add(after))
		h.send(tea.WindowSizeMsg{Width: 100, Height: 24}) // any message reads the clock
		if s := status(); !strings.HasSuffix(strings.TrimSpace(s), "live") {
			t.Errorf("%v after a poll, with events live and the next poll at +%v, status = %q, want live", after, next.Sub(h.app.room.poll.updated), s)
		}
	}
	// That poll does not come: late a poll interval and a second after it
	// was due.
	h.setClock(next.Add(3 * time.Second))
	h.send(tea.WindowSizeMsg{Width: 100, Height: 24})
	if s := status(); !strings.Contains(s, "updated") {
		t.Errorf("3s after the reconciliation poll was due, status = %q, want its age", s)
	}
}
