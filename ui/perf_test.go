package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/table"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"confconsole/model"
)

// The performance budgets of the participants screen, measured against the
// obvious alternative, bubbles' table, fed the same data in the same
// process: a ratio holds on any machine where an absolute time would not.
// The budgets are set for 250 participants at 120x40 with colours on.

// perfLabels are the labels participants carry in the measurements: wide
// (CJK, Hangul, fullwidth), emoji (with and without joiners and flags),
// combining marks and plain ASCII, since width arithmetic is where tables
// get slow or wrong.
var perfLabels = []string{
	"agent-7", "王小明", "🎧 support desk", "김민준 (Seoul)", "Ｆｕｌｌｗｉｄｔｈ",
	"José Müller", "caller-2", "👩‍💼 supervisor", "田中 太郎", "Ωmega ω",
	"🇫🇷 Paris line", "ภาษาไทย", "Zoë Ångström", "上海 客服 热线", "очередь-5",
}

// perfParticipants builds n participants in varied states: muted, held,
// coaching, ringing, with join times spread over hours.
func perfParticipants(n int) []model.Participant {
	ps := make([]model.Participant, n)
	for i := range ps {
		ps[i] = participant(i+1, fmt.Sprintf("%s %03d", perfLabels[i%len(perfLabels)], i+1), func(p *model.Participant) {
			p.Created = testNow.Add(-time.Duration(i*37+5) * time.Second)
			p.Muted = i%3 == 0
			p.Hold = i%7 == 3
			p.StartConferenceOnEnter = i%5 == 0
			p.EndConferenceOnExit = i%9 == 0
			if i%11 == 4 && i > 0 {
				p.Coaching, p.CallSIDToCoach = true, callSID(i)
			}
			if i%13 == 12 {
				p.Status = model.ParticipantRinging
			}
		})
	}
	return ps
}

type perfSize struct{ w, h int }

func (s perfSize) String() string { return fmt.Sprintf("%dx%d", s.w, s.h) }

var (
	perfSizes  = []perfSize{{80, 24}, {120, 40}, {200, 60}}
	perfCounts = []int{0, 1, 50, 250}
)

// withColor turns the global renderer's colours on (256 colours, as over
// most SSH sessions) for the rest of the test, for the bubbles baseline,
// whose default styles draw with it; the console's own styles take their
// profile from Options.Renderer (see inColour).
func withColor(tb testing.TB) {
	tb.Helper()
	prev := lipgloss.ColorProfile()
	lipgloss.SetColorProfile(termenv.ANSI256)
	tb.Cleanup(func() { lipgloss.SetColorProfile(prev) })
}

// perfRoom is the console on the participants screen of a conference of n
// participants at size sz, with colours, its first frame drawn.
func perfRoom(tb testing.TB, n int, sz perfSize) (*harness, []model.Participant) {
	tb.Helper()
	svc := demoService()
	ps := perfParticipants(n)
	svc.setParticipants(confSID, ps...)
	h := openRoom(tb, svc, inColour)
	h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
	_ = h.app.View()
	return h, ps
}

// oneChanged returns ps with the participant at i muted or unmuted: the
// commonest change a poll brings.
func oneChanged(ps []model.Participant, i int) []model.Participant {
	out := append([]model.Participant(nil), ps...)
	if i < len(out) {
		out[i].Muted = !out[i].Muted
	}
	return out
}

// perfOp is one measured operation: it returns the frame it produced.
type perfOp func() string

// oursOp builds the console's side of an operation.
func oursOp(tb testing.TB, op string, n int, sz perfSize) perfOp {
	h, ps := perfRoom(tb, n, sz)
	switch op {
	case "view":
		return func() string { return h.app.View() }
	case "apply":
		// Polls alternate between two rosters that differ in one visible
		// row, so every reply is merged, diffed, filtered, sorted and
		// drawn, and one row is rendered again.
		lists := [2][]model.Participant{ps, oneChanged(ps, 2)}
		i := 0
		return func() string {
			i++
			m, _ := h.app.Update(snapshotOf(h, lists[i%2]))
			h.app = m.(App)
			return h.app.View()
		}
	case "cursor":
		keys := [2]tea.KeyMsg{keyMsg("j"), keyMsg("k")}
		i := 0
		return func() string {
			i++
			m, _ := h.app.Update(keys[i%2])
			h.app = m.(App)
			return h.app.View()
		}
	}
	tb.Fatalf("unknown operation %q", op)
	return nil
}

// bubblesTable is the same roster in bubbles' table, laid out in the same
// column widths (less the cell padding bubbles adds), colours on, in the
// height the console gives its table.
func bubblesTable(ps []model.Participant, sz perfSize) table.Model {
	lay := planLayout(participantColumns[:], participantSteps[:], sz.w)
	var cols []table.Column
	for i, c := range participantColumns {
		if lay.show[i] {
			cols = append(cols, table.Column{Title: c.title, Width: max(lay.widths[i]-1, 1)})
		}
	}
	t := table.New(
		table.WithColumns(cols),
		table.WithRows(bubblesRows(ps, lay)),
		table.WithHeight(sz.h-roomChrome),
		table.WithWidth(sz.w),
		table.WithFocused(true),
	)
	st := table.DefaultStyles()
	st.Header = st.Header.Foreground(lipgloss.Color("245"))
	st.Cell = st.Cell.Foreground(lipgloss.Color("252"))
	st.Selected = st.Selected.Background(lipgloss.Color("24"))
	t.SetStyles(st)
	return t
}

// bubblesRows converts participants to table rows with the same words the
// console shows.
func bubblesRows(ps []model.Participant, lay layout) []table.Row {
	rows := make([]table.Row, 0, len(ps))
	for _, p := range ps {
		muted, hold, coach := "-", "-", "-"
		if p.Muted {
			muted = "muted"
		}
		if p.Hold {
			hold = "on hold"
		}
		if p.Coaching {
			coach = "→ " + shortSID(p.CallSIDToCoach)
		}
		all := []string{model.InertN(p.Label, 64), p.CallSID, string(p.Status), muted, hold, coach, enterExit(p), coarseAge(testNow, p.Created)}
		row := make(table.Row, 0, len(all))
		for i, v := range all {
			if lay.show[i] {
				row = append(row, v)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// bubblesOp builds the baseline's side of an operation.
func bubblesOp(tb testing.TB, op string, n int, sz perfSize) perfOp {
	withColor(tb)
	ps := perfParticipants(n)
	t := bubblesTable(ps, sz)
	lay := planLayout(participantColumns[:], participantSteps[:], sz.w)
	switch op {
	case "view":
		return t.View
	case "apply":
		lists := [2][]model.Participant{ps, oneChanged(ps, 2)}
		i := 0
		return func() string {
			i++
			t.SetRows(bubblesRows(lists[i%2], lay))
			return t.View()
		}
	case "cursor":
		i := 0
		return func() string {
			i++
			if i%2 == 1 {
				t.MoveDown(1)
			} else {
				t.MoveUp(1)
			}
			return t.View()
		}
	}
	tb.Fatalf("unknown operation %q", op)
	return nil
}

// BenchmarkParticipants measures the participants screen: a frame ("view"),
// a poll reply applied and drawn ("apply") and a cursor move drawn
// ("cursor"), for each roster size and terminal size, the console ("ours")
// beside bubbles' table with the same data ("bubbles").
func BenchmarkParticipants(b *testing.B) {
	for _, op := range []string{"view", "apply", "cursor"} {
		for _, n := range perfCounts {
			for _, sz := range perfSizes {
				name := fmt.Sprintf("%s/n=%d/%s", op, n, sz)
				for _, impl := range []struct {
					name  string
					build func(testing.TB, string, int, perfSize) perfOp
				}{{"ours", oursOp}, {"bubbles", bubblesOp}} {
					b.Run(name+"/"+impl.name, func(b *testing.B) {
						f := impl.build(b, op, n, sz)
						b.ReportAllocs()
						for b.Loop() {
							_ = f()
						}
					})
				}
			}
		}
	}
}

// TestViewAllocationBudget holds the frame's allocation budget: at most 200
// allocations for the participants screen, at every size, with up to 250
// participants.
func TestViewAllocationBudget(t *testing.T) {
	const budget = 200
	for _, n := range perfCounts {
		for _, sz := range perfSizes {
			f := oursOp(t, "view", n, sz)
			if got := testing.AllocsPerRun(50, func() { _ = f() }); got > budget {
				t.Errorf("n=%d %s: View makes %.0f allocations, budget %d", n, sz, got, budget)
			}
		}
	}
}

// TestPerfFramesFit checks what the benchmarks draw is a whole screen: as
// many lines as the terminal is tall, none wider than it, with wide
// characters counted as two cells. A fast frame that overflows is no frame.
func TestPerfFramesFit(t *testing.T) {
	for _, op := range []string{"view", "apply", "cursor"} {
		for _, n := range perfCounts {
			for _, sz := range perfSizes {
				f := oursOp(t, op, n, sz)
				for range 2 {
					checkFrame(t, fmt.Sprintf("%s n=%d %s", op, n, sz), f(), sz)
				}
			}
		}
	}
}

// checkFrame fails when frame does not fill exactly sz.
func checkFrame(t *testing.T, what, frame string, sz perfSize) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != sz.h {
		t.Errorf("%s: %d lines, want %d", what, len(lines), sz.h)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > sz.w {
			t.Errorf("%s: line %d is %d cells wide, more than %d: %q", what, i, w, sz.w, ansi.Strip(l))
		}
	}
}

// perfRatio times ours against base, interleaved in rounds, and returns the
// ratio of the best round of each: the least disturbed run of each side,
// which noise from other processes can only make slower. A round is as many
// calls as the baseline makes in about 10 ms (3 to 50), so the test is quick
// even under the race detector.
func perfRatio(ours, base perfOp, rounds int) (ratio float64, oursBest, baseBest time.Duration) {
	oursBest, baseBest = time.Duration(1<<62), time.Duration(1<<62)
	start := time.Now()
	_ = base()
	iters := min(max(int(10*time.Millisecond/max(time.Since(start), 1)), 3), 50)
	timeIt := func(f perfOp) time.Duration {
		start := time.Now()
		for range iters {
			_ = f()
		}
		return time.Since(start) / time.Duration(iters)
	}
	for range rounds {
		oursBest = min(oursBest, timeIt(ours))
		baseBest = min(baseBest, timeIt(base))
	}
	return float64(oursBest) / float64(baseBest), oursBest, baseBest
}

// TestPerfAgainstBubblesTable holds the time budgets as ratios to bubbles'
// table measured in the same process (250 participants, 120x40, colours):
// the budgets are 100 us for a frame (bubbles: about 230 us), 1 ms to apply
// a poll (bubbles: 1-1.7 ms) and 0.5 ms for a cursor move (bubbles: about
// 1.5 ms). The limits are those budgets as ratios to the bubbles figures;
// the console sits far below them, so only a real regression fails, on any
// machine.
func TestPerfAgainstBubblesTable(t *testing.T) {
	if testing.Short() {
		t.Skip("times operations; skipped with -short")
	}
	sz := perfSize{120, 40}
	tests := []struct {
		op    string
		limit float64
	}{
		{"view", 100.0 / 230},
		{"apply", 1 / 1.7},
		{"cursor", 0.5 / 1.5},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			ours, base := oursOp(t, tc.op, 250, sz), bubblesOp(t, tc.op, 250, sz)
			r, o, b := perfRatio(ours, base, 7)
			t.Logf("%s: ours %v, bubbles %v, ratio %.3f (limit %.2f)", tc.op, o, b, r, tc.limit)
			if r > tc.limit {
				t.Errorf("%s takes %.2f times as long as bubbles' table (%v against %v); the budget allows %.2f", tc.op, r, o, b, tc.limit)
			}
		})
	}
}
