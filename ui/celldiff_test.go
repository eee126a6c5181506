package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
)

// refRenderer states, for the fuzz target, what Bubble Tea's standard
// renderer writes for a frame in the alternate screen (flush in its
// standard_renderer.go). TestCellWriterMatchesTheRenderer holds it to the
// real renderer byte for byte, so the fuzz target's streams are the ones a
// program sends, at a fuzzing speed no running program has.
type refRenderer struct {
	width, height int
	last          string   // the last frame written; "" after a repaint
	lastLines     []string // its lines
	linesRendered int
}

// resize is the renderer's WindowSizeMsg: new bounds and a repaint.
func (r *refRenderer) resize(w, h int) {
	r.width, r.height = w, h
	r.repaint()
}

func (r *refRenderer) repaint() { r.last, r.lastLines = "", nil }

// flush returns the bytes written for view, nil when none are.
func (r *refRenderer) flush(view string) []byte {
	if view == "" {
		view = " "
	}
	if view == r.last {
		return nil
	}
	var b bytes.Buffer
	b.WriteString(ansi.CursorHomePosition)
	lines := strings.Split(view, "\n")
	if r.height > 0 && len(lines) > r.height {
		lines = lines[len(lines)-r.height:]
	}
	for i, line := range lines {
		last := i == len(lines)-1
		if i < len(r.lastLines) && r.lastLines[i] == line {
			if !last {
				b.WriteByte('\n')
			}
			continue
		}
		if i == 0 && r.last == "" {
			b.WriteByte('\r')
		}
		if r.width > 0 {
			line = ansi.Truncate(line, r.width, "")
		}
		b.WriteString(line)
		if ansi.StringWidth(line) < r.width {
			b.WriteString(ansi.EraseLineRight)
		}
		if !last {
			b.WriteString("\r\n")
		}
	}
	if r.linesRendered > len(lines) {
		b.WriteString(ansi.EraseScreenBelow)
	}
	r.linesRendered = len(lines)
	b.WriteString(ansi.CursorPosition(0, len(lines)))
	r.last, r.lastLines = view, lines
	return b.Bytes()
}

// vtWriter feeds a test terminal.
type vtWriter struct{ v *vtScreen }

func (w vtWriter) Write(p []byte) (int, error) { w.v.write(p); return len(p), nil }

// countWriter counts what reaches it.
type countWriter struct {
	w io.Writer
	n int
}

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return c.w.Write(p) }

// cellPair is two terminals of one size: one gets the renderer's bytes,
// the other the same bytes through a cellWriter.
type cellPair struct {
	raw, cell *vtScreen
	cw        *cellWriter
	rawN      int
	out       *countWriter
}

func newCellPair(w, h int) *cellPair {
	p := &cellPair{raw: newVTScreen(w, h), cell: newVTScreen(w, h)}
	p.out = &countWriter{w: vtWriter{p.cell}}
	p.cw = newCellWriter(p.out)
	return p
}

func (p *cellPair) write(b []byte) {
	p.rawN += len(b)
	p.raw.write(b)
	if _, err := p.cw.Write(b); err != nil {
		panic(err)
	}
}

// resize changes both terminals, then tells the writer as the program's
// filter does.
func (p *cellPair) resize(w, h int) {
	p.raw.resize(w, h)
	p.cell.resize(w, h)
	p.cw.filter(nil, tea.WindowSizeMsg{Width: w, Height: h})
}

// differs says how the two screens differ, "" when they do not.
func (p *cellPair) differs() string {
	a, b := p.raw.styled(), p.cell.styled()
	if a == b {
		return ""
	}
	return fmt.Sprintf("the renderer's bytes show:\n%s\nthrough the cell writer:\n%s", a, b)
}

// The pieces random frames are made of: text of one and two columns, pens
// as lipgloss writes them (and as it does not), and sequences the writer
// must not model.
var (
	cellTexts = []string{"connected", "muted", "-", "on hold", "a", "b", "spoke 10s", "  ", "● talking", "王小明",
		"日本語", "Ｆｕ", "上海 客服", "김민준", "Zoë", "→ x", "12", "3"}
	cellPens = []string{"", "", "", "\x1b[1m", "\x1b[2m", "\x1b[0;32m", "\x1b[38;5;231;48;5;24m", "\x1b[7m",
		"\x1b[48;5;17m", "\x1b[4m\x1b[91m", "\x1b[0;2m", "\x1b[33m"}
	cellOddities = []string{"\x1b]8;;http://example.com\x1b\\link\x1b]8;;\x1b\\", "\x1b[2C", "\x1b[1K", "\t",
		"\x1b[48;5;52m", "e\u0301", "\x1b[5;5H"}
)

// cellSegment is one styled piece of a random line.
func cellSegment(r *rand.Rand) string {
	if r.IntN(40) == 0 {
		return cellOddities[r.IntN(len(cellOddities))]
	}
	pen := cellPens[r.IntN(len(cellPens))]
	text := cellTexts[r.IntN(len(cellTexts))]
	if pen == "" {
		return text
	}
	if r.IntN(30) == 0 {
		return pen + text // a pen left on for the next line
	}
	return pen + text + "\x1b[0m"
}

// frameGen makes frames that change the way screens do: a cell in the
// middle, the end of a line, a line's width, the number of lines.
type frameGen struct {
	r     *rand.Rand
	lines [][]string // segments
}

func (g *frameGen) line() []string {
	s := make([]string, 1+g.r.IntN(4))
	for i := range s {
		s[i] = cellSegment(g.r)
	}
	return s
}

// next returns a frame different from the last.
func (g *frameGen) next(h int) string {
	prev := g.view()
	for g.view() == prev {
		if len(g.lines) == 0 {
			for range 1 + g.r.IntN(h+1) {
				g.lines = append(g.lines, g.line())
			}
			continue
		}
		for range 1 + g.r.IntN(3) {
			i := g.r.IntN(len(g.lines))
			l := g.lines[i]
			switch g.r.IntN(9) {
			case 0, 1, 2: // a segment in the middle or at the end
				l[g.r.IntN(len(l))] = cellSegment(g.r)
			case 3: // the line grows
				g.lines[i] = append(l, cellSegment(g.r))
			case 4: // the line shrinks
				if len(l) > 1 {
					g.lines[i] = l[:len(l)-1]
				}
			case 5:
				g.lines[i] = g.line()
			case 6: // fewer lines
				if len(g.lines) > 1 {
					g.lines = g.lines[:len(g.lines)-1]
				}
			case 7: // more lines, at times more than fit
				g.lines = append(g.lines, g.line())
			case 8:
				j := g.r.IntN(len(g.lines))
				g.lines[i], g.lines[j] = g.lines[j], g.lines[i]
			}
		}
	}
	return g.view()
}

func (g *frameGen) view() string {
	ls := make([]string, len(g.lines))
	for i, l := range g.lines {
		ls[i] = strings.Join(l, "")
	}
	return strings.Join(ls, "\n")
}

// scriptModel shows the frame it was last sent.
type scriptModel struct{ view string }

type (
	scriptFrameMsg string
	scriptClearMsg struct{}
)

func (m scriptModel) Init() tea.Cmd { return nil }

func (m scriptModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case scriptFrameMsg:
		m.view = string(msg)
	case scriptClearMsg:
		return m, tea.ClearScreen
	}
	return m, nil
}

func (m scriptModel) View() string { return m.view }

// rendererTap sits between the real renderer and the pair: every write
// goes to both terminals, and each frame is announced.
type rendererTap struct {
	mu     sync.Mutex
	pair   *cellPair
	frames chan []byte
}

func (t *rendererTap) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pair.write(p)
	if len(p) > len(ansi.CursorHomePosition) && bytes.HasPrefix(p, []byte(ansi.CursorHomePosition)) {
		t.frames <- bytes.Clone(p)
	}
	return len(p), nil
}

// TestCellWriterMatchesTheRenderer runs Bubble Tea's real renderer over
// random frames (styled text, wide characters, lines changing in the
// middle, at the end and in width, frames growing and shrinking, sequences
// the writer does not model, a resize and a clear screen) and requires,
// after every frame, the same screen (characters, pens and cursor) from
// its bytes as from the same bytes through the cell writer. It also holds
// refRenderer, which the fuzz target uses, to the renderer's bytes.
func TestCellWriterMatchesTheRenderer(t *testing.T) {
	var rawTotal, cellTotal int
	for seed := range 8 {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(seed), 7))
			w, h := 12+r.IntN(40), 3+r.IntN(8)
			tap := &rendererTap{pair: newCellPair(w, h), frames: make(chan []byte, 16)}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			p := tea.NewProgram(scriptModel{}, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithInput(nil),
				tea.WithOutput(tap), tea.WithFilter(tap.pair.cw.filter), tea.WithFPS(120), tea.WithoutSignalHandler())
			done := make(chan struct{})
			go func() { defer close(done); p.Run() }()
			ref := &refRenderer{}
			view := ""
			step := func(what string, msg tea.Msg, want []byte) {
				t.Helper()
				if msg != nil {
					p.Send(msg)
				}
				var got []byte
				select {
				case got = <-tap.frames:
				case <-time.After(5 * time.Second):
					t.Fatalf("%s: the renderer wrote no frame in 5s", what)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s: the renderer wrote %q, refRenderer %q", what, got, want)
				}
				tap.mu.Lock()
				defer tap.mu.Unlock()
				if d := tap.pair.differs(); d != "" {
					t.Fatalf("%s (%q): %s", what, got, d)
				}
			}
			step("the first frame", nil, ref.flush(view))
			tap.mu.Lock()
			tap.pair.raw.resize(w, h)
			tap.pair.cell.resize(w, h)
			tap.mu.Unlock()
			ref.resize(w, h)
			step("the size", tea.WindowSizeMsg{Width: w, Height: h}, ref.flush(view))
			gen := &frameGen{r: r}
			for i := range 30 {
				switch i {
				case 12:
					w, h = 12+r.IntN(40), 3+r.IntN(8)
					tap.mu.Lock()
					tap.pair.raw.resize(w, h)
					tap.pair.cell.resize(w, h)
					tap.mu.Unlock()
					ref.resize(w, h)
					step("a resize", tea.WindowSizeMsg{Width: w, Height: h}, ref.flush(view))
				case 20:
					ref.repaint()
					step("a clear screen", scriptClearMsg{}, ref.flush(view))
				}
				view = gen.next(h)
				step(fmt.Sprintf("frame %d", i), scriptFrameMsg(view), ref.flush(view))
			}
			p.Quit()
			<-done
			tap.mu.Lock()
			defer tap.mu.Unlock()
			if d := tap.pair.differs(); d != "" {
				t.Fatalf("after quitting: %s", d)
			}
			rawTotal += tap.pair.rawN
			cellTotal += tap.pair.out.n
		})
	}
	t.Logf("random frames: the renderer wrote %d bytes, the cell writer %d", rawTotal, cellTotal)
}

// FuzzCellWriter drives refRenderer and the cell writer with frames,
// resizes, clear screens and raw writes chosen by the input, and requires
// the same screen from the renderer's bytes as from the writer's after
// every write.
func FuzzCellWriter(f *testing.F) {
	f.Add([]byte("\x20\x05\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"))
	f.Add([]byte("\x10\x03\x00\x00\x00\x01\x01\x01\x03\x03\x05\x07"))
	f.Add([]byte("\x30\x06\x00\x06\x05\x1b[5;5H\x00\x01\x06\x03\x1b[31m\x00\x00"))
	f.Add([]byte("\x08\x02\x00\x00\x06\x04\x1b[H\x00\x00\x00\x06\x02\x1b[0\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() int {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			return int(b)
		}
		w, h := 4+next()%60, 1+next()%12
		pair := newCellPair(w, h)
		ref := &refRenderer{}
		src := rand.NewPCG(uint64(len(data)), 1)
		gen := &frameGen{r: rand.New(src)}
		view := ""
		frame := func() {
			if b := ref.flush(view); b != nil {
				pair.write(b)
			}
		}
		pair.resize(w, h)
		ref.resize(w, h)
		frame()
		for ops := 0; len(data) > 0 && ops < 40; ops++ {
			src.Seed(uint64(next()), uint64(ops))
			switch op := next() % 8; op {
			case 0, 1, 2, 3:
				view = gen.next(h)
				frame()
			case 4: // text the renderer never writes, at times half a sequence
				n := min(next()%16, len(data))
				pair.write(data[:n])
				data = data[n:]
			case 5:
				w, h = 4+next()%60, 1+next()%12
				pair.resize(w, h)
				ref.resize(w, h)
				frame()
			case 6:
				pair.write([]byte(ansi.EraseEntireScreen))
				pair.write([]byte(ansi.CursorHomePosition))
				ref.repaint()
				frame()
			case 7: // what a program writes around its frames
				pair.write([]byte([]string{ansi.HideCursor, ansi.ShowCursor, ansi.SetWindowTitle("x"),
					ansi.SetBracketedPasteMode, "\x1b[m", "\x1b[1m"}[next()%6]))
			}
			if d := pair.differs(); d != "" {
				t.Fatalf("after op %d: %s", ops, d)
			}
		}
	})
}

// TestCellWriterPassesThroughWhatItDoesNotKnow: every write that is not a
// frame of the renderer's, or is one holding something the writer does not
// model, reaches the terminal byte for byte, and the lines after it are
// sent whole until the writer knows the rows again.
func TestCellWriterPassesThroughWhatItDoesNotKnow(t *testing.T) {
	const w, h = 20, 3
	ref := &refRenderer{}
	ref.resize(w, h)
	base := "abc\x1b[1mdef\x1b[0m\nsecond line\nthird"
	for _, tc := range []struct {
		name  string
		write string
	}{
		{"a mode", ansi.ShowCursor},
		{"a clear screen", ansi.EraseEntireScreen},
		{"a hyperlink in a line", "\x1b[H\x1b]8;;http://example.com\x1b\\x\x1b]8;;\x1b\\\x1b[K\r\n\n\x1b[3;H"},
		{"a line ending in a pen", "\x1b[H\x1b[1mabc\x1b[K\r\n\n\x1b[3;H"},
		{"a cursor move in a line", "\x1b[Hab\x1b[2Ccd\x1b[K\r\n\n\x1b[3;H"},
		{"a shorter frame", "\x1b[H\nchanged\x1b[K\x1b[J\x1b[2;H"},
		{"more lines than the screen", "\x1b[H\n\nx\x1b[K\r\ny\x1b[K\x1b[4;H"},
		{"a line wider than the screen", "\x1b[H\n\n" + strings.Repeat("x", w+1) + "\x1b[3;H"},
		{"a narrow line without the erase", "\x1b[H\n\nshort\x1b[3;H"},
		{"not a frame", "\x1b[H\n\nx\x1b[K"},
		{"the first half of a frame", "\x1b[H\nsecond li"},
		{"the second half of a frame", "ne\x1b[K\r\nthird\x1b[K\x1b[3;H"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pair := newCellPair(w, h)
			var sent bytes.Buffer
			pair.cw.out = &sent
			pair.cw.filter(nil, tea.WindowSizeMsg{Width: w, Height: h})
			ref := &refRenderer{}
			ref.resize(w, h)
			pair.write(ref.flush(base))
			sent.Reset()
			pair.write([]byte(tc.write))
			if sent.String() != tc.write {
				t.Fatalf("wrote %q, want it unchanged", sent.String())
			}
			// The next change to the third line is sent whole.
			sent.Reset()
			next := ref.flush("abc\x1b[1mdef\x1b[0m\nsecond line\nthirty")
			pair.write(next)
			if !strings.Contains(sent.String(), "thirty") {
				t.Errorf("after %q the third line went as %q, want it whole", tc.write, sent.String())
			}
		})
	}
}

// TestCellWriterSendsTheChangedCells: a change inside a line costs the
// cells that changed, a cursor move and the pen, whatever the line's
// length, and the screen ends as the renderer's bytes leave it.
func TestCellWriterSendsTheChangedCells(t *testing.T) {
	const w, h = 120, 4
	row := func(status string) string {
		return "\x1b[1mAgent 7\x1b[0m" + strings.Repeat(" ", 30) + "\x1b[0;2mCA12…ef\x1b[0m  " + status + "  \x1b[0;2m-         -         start      1m\x1b[0m"
	}
	for _, tc := range []struct {
		name     string
		from, to string
		max      int // bytes the writer may send
		want     string
	}{
		{"a status cell", row("\x1b[0;32mconnected\x1b[0m"), row("\x1b[0;95m● talking\x1b[0m"), 40, "● talking"},
		{"a pen alone", row("\x1b[0;32mconnected\x1b[0m"), row("\x1b[0;91mconnected\x1b[0m"), 36, "connected"},
		{"the end of a line", "counts 12 of 40", "counts 12 of 41", 20, "1"},
		{"a shorter line", "counts 12 of 40", "counts 9", 24, "9\x1b[K"},
		{"a wide character for two narrow", "ab王c", "abxyc", 20, "xy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pair := newCellPair(w, h)
			pair.resize(w, h)
			ref := &refRenderer{}
			ref.resize(w, h)
			pair.write(ref.flush("title\n" + tc.from + "\nfooter"))
			var sent bytes.Buffer
			pair.cw.out = io.MultiWriter(&sent, vtWriter{pair.cell})
			frame := ref.flush("title\n" + tc.to + "\nfooter")
			pair.write(frame)
			if d := pair.differs(); d != "" {
				t.Fatal(d)
			}
			if sent.Len() > tc.max || !strings.Contains(sent.String(), tc.want) {
				t.Errorf("sent %d bytes %q for the renderer's %d, want at most %d holding %q", sent.Len(), sent.String(), len(frame), tc.max, tc.want)
			}
		})
	}
}

// TestCellWriterForgetsOnResize: after a resize the writer knows no row,
// so a line the renderer writes goes whole, as the terminal may have moved
// or cleared its cells.
func TestCellWriterForgetsOnResize(t *testing.T) {
	pair := newCellPair(30, 3)
	pair.resize(30, 3)
	ref := &refRenderer{}
	ref.resize(30, 3)
	pair.write(ref.flush("one\ntwo two two\nthree"))
	pair.cw.filter(nil, tea.WindowSizeMsg{Width: 30, Height: 3})
	var sent bytes.Buffer
	pair.cw.out = &sent
	pair.write(ref.flush("one\ntwo two twx\nthree")) // a frame drawn before the renderer's repaint
	if !strings.Contains(sent.String(), "two two twx") {
		t.Errorf("after a resize the changed line went as %q, want it whole", sent.String())
	}
}

// TestCellWriterKeepsTheTerminalFile: given a terminal file, the program's
// output is still one (Bubble Tea reads the size, follows resizes and
// restores the terminal through its Fd), and its writes go through the
// filter.
func TestCellWriterKeepsTheTerminalFile(t *testing.T) {
	r, wf, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer wf.Close()
	cw := newCellWriter(wf)
	out := cw.output()
	f, ok := out.(term.File)
	if !ok || f.Fd() != wf.Fd() {
		t.Fatalf("the output for a file is %T, want a term.File with the file's descriptor", out)
	}
	var sb strings.Builder
	if _, ok := newCellWriter(&sb).output().(term.File); ok {
		t.Error("the output for a plain writer claims to be a terminal file")
	}
	cw.filter(nil, tea.WindowSizeMsg{Width: 10, Height: 1})
	if _, err := out.Write([]byte("\x1b[H\rabc\x1b[K\x1b[H")); err != nil {
		t.Fatal(err)
	}
	if len(cw.rows) != 1 {
		t.Error("a frame written through the file wrapper did not go through the writer")
	}
}

// BenchmarkCellWriterSpeech is what the writer costs on the console's
// commonest frame: one status cell changing in a 120x40 screen of styled
// rows, the renderer's line in, the cell out.
func BenchmarkCellWriterSpeech(b *testing.B) {
	const w, h = 120, 40
	rows := make([]string, h)
	for i := range rows {
		rows[i] = fmt.Sprintf("\x1b[1mAgent %03d\x1b[0m%s\x1b[0;2mCA12…%04d\x1b[0m  \x1b[0;32mconnected\x1b[0m  \x1b[0;2m-         -         start      1m\x1b[0m", i, strings.Repeat(" ", 40), i)
	}
	talking := strings.Replace(rows[12], "\x1b[0;32mconnected", "\x1b[0;95m● talking", 1)
	ref := &refRenderer{}
	ref.resize(w, h)
	quiet := strings.Join(rows, "\n")
	speaking := slices.Clone(rows)
	speaking[12] = talking
	ref.flush(quiet)
	frames := [2][]byte{ref.flush(strings.Join(speaking, "\n")), ref.flush(quiet)}
	out := &countWriter{w: io.Discard}
	cw := newCellWriter(out)
	cw.filter(nil, tea.WindowSizeMsg{Width: w, Height: h})
	ref.repaint()
	if _, err := cw.Write(ref.flush(quiet)); err != nil {
		b.Fatal(err)
	}
	out.n = 0
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := cw.Write(frames[i%2]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.n)/float64(b.N), "B/frame")
	b.ReportMetric(float64(len(frames[0])), "renderer-B/frame")
}
