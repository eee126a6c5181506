package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api/live"
)

// budgetSpeech is what a speech start or stop may write: only the status
// cell changes, and the terminal gets that cell alone (see cellWriter): a
// cursor move, the cell's pen, "● talking" or "spoke now", a pen reset and
// the renderer's closing cursor move. Measured at 120x40 with colours: 36
// bytes for a start and 34 for a stop (193 and 191 when Bubble Tea's
// renderer rewrote the whole line): never the row, the header or the feed.
const budgetSpeech = 48

// TestSpeechBytes: through the real program, a participant starting and
// stopping to speak rewrites their status cell and nothing else, and the
// "spoke …" age that follows changes the screen six times in its first
// minute, not sixty.
func TestSpeechBytes(t *testing.T) {
	c := startLiveConsole(t, 248, perfSize{120, 40}, time.Second)
	p := c.app().room.rows[5]
	snap := func(m tea.Msg) bool { _, ok := m.(roomSnapMsg); return ok }
	speak := func(kind live.CallbackKind) int {
		return c.step(func() {
			c.hub.ApplyCallback(live.Callback{Conference: c.conf, Kind: kind, CallSID: p.CallSID, Label: p.Label})
		}, snap)
	}
	baseline := minuteOfTicks(c) // what a minute costs with nobody speaking
	// The first callback also turns the title to "events live": a line
	// of its own, not counted against the speech.
	speak(live.CallbackOther)
	for _, s := range []struct {
		name string
		kind live.CallbackKind
		want string
	}{
		{"speech_start", live.CallbackSpeechStart, "● talking"},
		{"speech_stop", live.CallbackSpeechStop, "spoke now"},
	} {
		n := speak(s.kind)
		perfLog(t, "bytes."+s.name, float64(n), "B")
		if n > budgetSpeech {
			t.Errorf("%s wrote %d bytes, budget %d", s.name, n, budgetSpeech)
		}
		if row := rowOf(t, c.app().View(), p.Label); !strings.Contains(row, s.want) {
			t.Errorf("after %s the row is %q, want %q", s.name, row, s.want)
		}
	}
	// A minute passes, a second at a time, with a poll each second: the
	// age reads "spoke now", then 10s ... 50s, then 1m. Every row's TIME
	// also moves on once in the minute, as it did in the minute before.
	total := minuteOfTicks(c)
	extra := total - baseline
	perfLog(t, "bytes.speech_age_minute_extra", float64(extra), "B")
	if limit := 6 * budgetSpeech; extra > limit {
		t.Errorf("the minute after someone spoke wrote %d bytes, %d more than the minute before, want at most %d more (six rewrites of one cell)", total, extra, limit)
	}
	if row := rowOf(t, c.app().View(), p.Label); !strings.Contains(row, "spoke 1m") {
		t.Errorf("a minute after speaking the row is %q, want spoke 1m", row)
	}
}

// minuteOfTicks moves the console's clock on a minute, a second and a poll
// at a time, and returns the bytes written.
func minuteOfTicks(c *liveConsole) int {
	total := 0
	for range 60 {
		total += c.tick()
	}
	return total
}
