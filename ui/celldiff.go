package ui

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
)

// cellWriter sits between Bubble Tea's renderer and the terminal and turns
// the renderer's line writes into cell writes. Bubble Tea v1 redraws every
// line that changed, whole: a participant starting to speak changes one
// cell of their row and costs the row. The writer remembers, per screen
// row, the line the renderer last wrote there, and when a frame rewrites a
// row it sends only the cells that differ, in the pens they had.
//
// It rewrites nothing it does not recognise exactly. A frame is one Write
// in the alternate screen (see flush in Bubble Tea's standard_renderer.go):
// the cursor home, then per line "\n" (unchanged) or the line's text with
// EraseLineRight when narrower than the screen and "\r\n" after all but the
// last, then the cursor on the last line. Lines may hold printable
// characters of width one or two and SGR pen changes, and must end in the
// default pen. Every other write, and every frame with something else in it
// (a hyperlink, a cursor move, a shorter frame's EraseScreenBelow, the
// repaint after a resize), goes to the terminal unchanged; all but the
// repaint also make the writer forget every row, so the lines that follow
// are sent whole until it knows the rows again. Bubble Tea writes a frame
// in one Write; were one split, neither part would read as a frame, and
// both would pass through.
//
// It assumes what the renderer assumes: the terminal starts in the default
// pen and is at least as wide as the renderer's width, which it learns from
// the same WindowSizeMsg (see filter).
type cellWriter struct {
	mu  sync.Mutex
	out io.Writer
	// width and height are the renderer's, from the last WindowSizeMsg; 0
	// until one arrives, and frames pass through unchanged until then.
	width, height int
	// rows holds what each screen row shows, as the renderer wrote it
	// (the line's text, read again when the row next changes: a session
	// keeps a screen's bytes, not its cells).
	rows []knownRow
	// pen is the terminal's pen as the SGR sequences since the last reset;
	// penKnown is false once something passed through that may have set it
	// in a way the writer does not follow.
	pen      string
	penKnown bool
	// state and parser follow the terminal's parser across writes, so that
	// a frame is never read as one when the terminal is inside a sequence.
	state  byte
	parser *ansi.Parser
	// stale is set for good once something passed through that changes
	// how the terminal places text; frames then pass through unchanged.
	stale bool
	buf   []byte // the output of the last frame, reused
}

// newCellWriter returns a writer that sends out only the cells a frame
// changes.
func newCellWriter(out io.Writer) *cellWriter {
	// The parser keeps no string's contents the writer reads (it reads
	// only CSI commands and parameters): a small data buffer, not the 64
	// KB NewParser gives, keeps a session light.
	p := ansi.NewParser()
	p.SetDataSize(256)
	return &cellWriter{out: out, penKnown: true, parser: p}
}

// cellFile is a cellWriter for a terminal file: Bubble Tea finds the
// terminal through the output's Fd (its size, its resizes, restoring its
// state on exit), so everything but Write goes to the file.
type cellFile struct {
	term.File
	cw *cellWriter
}

func (f cellFile) Write(p []byte) (int, error) { return f.cw.Write(p) }

// output is the writer to give Bubble Tea: a term.File when out is one, so
// that the program still treats it as the terminal it is.
func (cw *cellWriter) output() io.Writer {
	if f, ok := cw.out.(term.File); ok {
		return cellFile{File: f, cw: cw}
	}
	return cw
}

// filter is a tea.WithFilter function: it reads the window size the
// renderer is about to take, and forgets every row, since the renderer
// repaints after a resize and the terminal may have moved its cells.
func (cw *cellWriter) filter(_ tea.Model, msg tea.Msg) tea.Msg {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		cw.mu.Lock()
		cw.width, cw.height = ws.Width, ws.Height
		cw.rows = nil
		cw.mu.Unlock()
	}
	return msg
}

// Write sends p to the terminal, a frame as the cells it changes.
func (cw *cellWriter) Write(p []byte) (int, error) {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	out, ok := cw.frame(p)
	if !ok {
		cw.passThrough(p)
		out = p
	}
	if _, err := cw.out.Write(out); err != nil {
		// What reached the terminal is unknown.
		cw.rows, cw.penKnown = nil, false
		return 0, fmt.Errorf("write to the terminal: %w", err)
	}
	return len(p), nil
}

// passThrough notes what p, sent unchanged, does to what the writer knows:
// it forgets every row, follows the pen through p's SGR sequences and the
// terminal's parser through sequences split across writes, and stops
// shortening frames for good after anything that changes how the terminal
// places text (scroll margins, origin or insert mode, autowrap, a window
// resize, a reset), which the renderer does not send.
func (cw *cellWriter) passThrough(p []byte) {
	cw.rows = nil
	for len(p) > 0 {
		seq, width, n, st := ansi.DecodeSequence(p, cw.state, cw.parser)
		if n <= 0 {
			cw.stale = true
			return
		}
		cw.state = st
		p = p[n:]
		if st != ansi.NormalState || width > 0 || len(seq) == 1 && seq[0] < 0x80 {
			continue // text, control characters, or a sequence still arriving
		}
		cw.passSequence(string(seq))
	}
}

// passSequence notes what one whole escape sequence passing through does.
func (cw *cellWriter) passSequence(seq string) {
	if len(seq) < 2 || seq[0] != ansi.ESC {
		cw.stale = true // an 8-bit control sequence (or part of one)
		return
	}
	cmd := ansi.Cmd(cw.parser.Command())
	switch seq[1] {
	case '[':
		switch {
		case isSGR(seq):
			cw.setPen(seq)
		case cmd.Intermediate() != 0:
			cw.stale = true // a soft reset (CSI ! p), cursor style, ...
		case cmd.Prefix() == '?' && (cmd.Final() == 'h' || cmd.Final() == 'l'):
			for _, m := range cw.parser.Params() {
				switch m.Param(0) {
				case 12, 25, 47, 1047, 1049, 1000, 1002, 1003, 1004, 1006, 1015, 2004, 2026:
					// The cursor, the screens, the mouse, focus, paste,
					// synchronized output: where text goes is unchanged.
				default:
					cw.stale = true
				}
			}
		case cmd.Prefix() != 0:
			cw.stale = true
		case strings.IndexByte("HfJKGABCDdEFnc", cmd.Final()) >= 0:
			// Cursor moves, erases and requests.
		default:
			cw.stale = true
		}
	case ']':
		// A title or another OSC string.
	case '=', '>':
		// The keypad's mode.
	case '7', '8':
		cw.penKnown = false // restoring the cursor restores a pen
	default:
		cw.stale = true
	}
}

// setPen applies one SGR sequence to the pen.
func (cw *cellWriter) setPen(sgr string) {
	switch {
	case startsWithReset(sgr):
		cw.pen, cw.penKnown = withSGR("", sgr), true
	case cw.penKnown:
		cw.pen = withSGR(cw.pen, sgr)
	}
}

// withSGR is pen after the SGR sequence sgr. A sequence that starts with a
// reset (lipgloss writes "\x1b[0;2m") is a pen of its own, so cells drawn
// after it compare equal whatever came before.
func withSGR(pen, sgr string) string {
	switch {
	case isSGRReset(sgr):
		return ""
	case startsWithReset(sgr):
		return sgr
	}
	return pen + sgr
}

func startsWithReset(sgr string) bool {
	return isSGRReset(sgr) || strings.HasPrefix(sgr, "\x1b[0;") || strings.HasPrefix(sgr, "\x1b[;")
}

// isSGR reports a plain SGR sequence: CSI, parameters, m.
func isSGR(seq string) bool {
	if len(seq) < 3 || !strings.HasPrefix(seq, "\x1b[") || seq[len(seq)-1] != 'm' {
		return false
	}
	for _, c := range []byte(seq[2 : len(seq)-1]) {
		if (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

func isSGRReset(seq string) bool { return seq == "\x1b[m" || seq == "\x1b[0m" }

// cellLine is one line as the renderer wrote it.
type cellLine struct {
	raw   string // the text and pens, without the trailing EraseLineRight
	erase bool   // it ended with EraseLineRight: blank from width to the edge
	width int
	cells []lineCell // one per character
	at    []int      // column -> index in cells, for the columns below width
}

// lineCell is one character of a line: where its bytes are in raw, the
// columns it covers and the pen it is drawn in (the SGR sequences since the
// last reset, which redraw it exactly after a reset).
type lineCell struct {
	start, end int
	col, width int
	pen        string
}

// knownRow is the line the renderer last wrote on a screen row, if the
// writer knows it.
type knownRow struct {
	text  string
	known bool
}

// parseLine reads one line of a frame; ok is false when it holds
// anything but characters and pens, or does not end in the default pen,
// or its width does not agree with the renderer's screen width.
func parseLine(s string, screen int) (*cellLine, bool) {
	l := &cellLine{}
	if strings.HasSuffix(s, ansi.EraseLineRight) {
		l.erase = true
		s = s[:len(s)-len(ansi.EraseLineRight)]
	}
	l.raw = s
	pen := ""
	for i := 0; i < len(s); {
		if c := s[i]; c >= ' ' && c < 0x7f && (i+1 == len(s) || s[i+1] < 0x80) {
			// Printable ASCII that nothing combines with: one column. Most
			// of a line is this, and grapheme clustering is slow.
			l.at = append(l.at, len(l.cells))
			l.cells = append(l.cells, lineCell{start: i, end: i + 1, col: l.width, width: 1, pen: pen})
			l.width++
			i++
			continue
		}
		seq, w, n, st := ansi.DecodeSequence(s[i:], ansi.NormalState, nil)
		if n <= 0 || st != ansi.NormalState {
			return nil, false
		}
		switch {
		case w > 0 && seq[0] >= ' ' && seq[0] != 0x7f && utf8.ValidString(seq):
			for range w {
				l.at = append(l.at, len(l.cells))
			}
			l.cells = append(l.cells, lineCell{start: i, end: i + n, col: l.width, width: w, pen: pen})
			l.width += w
		case isSGR(seq):
			pen = withSGR(pen, seq)
		default:
			return nil, false
		}
		i += n
	}
	if pen != "" {
		return nil, false // the next line would start in this pen
	}
	// The renderer erases the rest of a line narrower than the screen, and
	// a line without the erase is as wide as the screen: anything else is
	// a renderer this writer does not know.
	if l.erase && l.width >= screen || !l.erase && l.width != screen {
		return nil, false
	}
	return l, true
}

// frame returns what to send for p, when p is a frame the writer knows how
// to shorten; it then knows the rows p leaves on screen.
func (cw *cellWriter) frame(p []byte) ([]byte, bool) {
	if cw.width <= 0 || !cw.penKnown || cw.pen != "" || cw.stale || cw.state != ansi.NormalState {
		return nil, false
	}
	s := string(p)
	body, ok := strings.CutPrefix(s, ansi.CursorHomePosition)
	if !ok {
		return nil, false
	}
	// The cursor ends on the frame's last line: CursorPosition(0, n).
	i := strings.LastIndex(body, "\x1b[")
	if i < 0 {
		return nil, false
	}
	final := body[i:]
	n := 1
	if final != ansi.CursorHomePosition {
		num, ok := strings.CutSuffix(strings.TrimPrefix(final, "\x1b["), ";H")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 2 || strconv.Itoa(v) != num {
			return nil, false
		}
		n = v
	}
	if n > cw.height {
		return nil, false // the renderer never writes more lines than fit
	}
	body = body[:i]
	if strings.HasSuffix(body, ansi.EraseScreenBelow) {
		// A shorter frame: the erase starts wherever the last line left
		// the cursor, which may be inside a line the renderer kept.
		return nil, false
	}
	repaint := strings.HasPrefix(body, "\r")
	if repaint {
		body = body[1:]
	}
	lines := make([]*cellLine, n) // nil: the renderer kept the row
	texts := make([]string, n)
	for row := range n {
		last := row == n-1
		if !last && strings.HasPrefix(body, "\n") {
			body = body[1:]
			continue
		}
		text := body
		if !last {
			j := strings.Index(body, "\r\n")
			if j < 0 {
				return nil, false
			}
			text, body = body[:j], body[j+2:]
		} else {
			body = ""
			if text == "" {
				continue
			}
		}
		l, ok := parseLine(text, cw.width)
		if !ok {
			return nil, false
		}
		lines[row], texts[row] = l, text
	}
	if repaint {
		// The first frame, or the one after a resize or a repaint: every
		// line is written, and sent as it is.
		for _, l := range lines {
			if l == nil {
				return nil, false
			}
		}
		cw.rows = cw.rows[:0]
		for _, text := range texts {
			cw.rows = append(cw.rows, knownRow{text: strings.Clone(text), known: true})
		}
		return p, true
	}
	if len(cw.rows) < n {
		cw.rows = append(cw.rows, make([]knownRow, n-len(cw.rows))...)
	}
	e := cellEmitter{buf: cw.buf[:0], row: -1}
	for row, l := range lines {
		if l == nil {
			continue
		}
		var old *cellLine
		if r := cw.rows[row]; r.known {
			old, _ = parseLine(r.text, cw.width) // it read as a line when it came
		}
		e.line(row, old, l, cw.width)
		cw.rows[row] = knownRow{text: strings.Clone(texts[row]), known: true}
	}
	e.buf = append(e.buf, final...)
	cw.buf = e.buf
	return e.buf, true
}

// cellEmitter writes the changed spans of a frame's lines.
type cellEmitter struct {
	buf []byte
	row int // the cursor's row; -1 before the first move
}

// line writes what turns old (nil: unknown) into l on row.
func (e *cellEmitter) line(row int, old, l *cellLine, screen int) {
	if old == nil {
		e.moveTo(row, 0)
		e.buf = append(e.buf, l.raw...)
		if l.erase {
			e.buf = append(e.buf, ansi.EraseLineRight...)
		}
		return
	}
	if old.raw == l.raw && old.erase == l.erase {
		return
	}
	for _, s := range spans(old, l, screen) {
		e.moveTo(row, s.from)
		if s.from >= l.width {
			e.buf = append(e.buf, ansi.EraseLineRight...) // only the blank tail differs
			continue
		}
		c := l.cells[l.at[s.from]]
		e.buf = append(e.buf, c.pen...)
		if s.to >= l.width {
			// The change reaches the blank tail: the rest of the line, and
			// the erase, as the renderer wrote them.
			e.buf = append(e.buf, l.raw[c.start:]...)
			if l.erase {
				e.buf = append(e.buf, ansi.EraseLineRight...)
			}
			continue
		}
		last := l.cells[l.at[s.to]]
		e.buf = append(e.buf, l.raw[c.start:last.end]...)
		if last.pen != "" {
			e.buf = append(e.buf, "\x1b[m"...)
		}
	}
}

// moveTo puts the cursor on row at col, the shortest way the writer knows.
func (e *cellEmitter) moveTo(row, col int) {
	var best string
	abs := "\x1b[" + strconv.Itoa(row+1) + ";" + strconv.Itoa(col+1) + "H"
	switch {
	case row == 0 && col == 0:
		abs = ansi.CursorHomePosition
	case col == 0:
		abs = "\x1b[" + strconv.Itoa(row+1) + "H"
	}
	best = abs
	if e.row >= 0 && row >= e.row {
		down := ""
		if d := row - e.row; d > 0 {
			down = strings.Repeat("\n", d)
			if cud := "\x1b[" + strconv.Itoa(d) + "B"; d > len(cud) {
				down = cud
			}
		}
		across := "\r"
		if col > 0 {
			across = "\x1b[" + strconv.Itoa(col+1) + "G"
		}
		if rel := down + across; len(rel) < len(best) {
			best = rel
		}
	}
	e.buf = append(e.buf, best...)
	e.row = row
}

// span is a run of columns to rewrite, from and to inclusive.
type span struct{ from, to int }

// spans lists the column runs where old and l differ, joined when the unchanged cells between cost
// fewer bytes to resend than moving past them does.
func spans(old, l *cellLine, screen int) []span {
	var out []span
	for c := 0; c < screen; c++ {
		if sameCell(old, l, c) {
			continue
		}
		// A run starts and ends on whole characters of both lines: see
		// sameCell.
		from, to := c, c
		for to+1 < screen && !sameCell(old, l, to+1) {
			to++
		}
		if n := len(out); n > 0 && (from <= out[n-1].to+1 || gapCost(l, out[n-1].to, from) <= jumpCost(l, from)) {
			out[n-1].to = to
		} else {
			out = append(out, span{from, to})
		}
		c = to
	}
	return out
}

// gapCost is the bytes that resend l's cells after column to and before
// from.
func gapCost(l *cellLine, to, from int) int {
	if from >= l.width || to >= l.width {
		return 0 // the second span rewrites to the end anyway
	}
	return l.cells[l.at[from]].start - l.cells[l.at[to]].end
}

// jumpCost is what moving to from and setting its pen costs, with the reset
// that ends the span before it.
func jumpCost(l *cellLine, from int) int {
	n := len("\x1b[m") + len("\x1b[") + len(strconv.Itoa(from+1)) + len("G")
	if from < l.width {
		n += len(l.cells[l.at[from]].pen)
	}
	return n
}

// sameCell reports whether old and l show the same thing at column c: the
// same character, in the same pen, starting at the same column, or both
// blank from the erase. Every column of a wide character compares its
// whole character, so a run of differing columns never starts or ends
// inside one in either line: the column before a run is the same in both,
// so the run's first column starts a character in both, and likewise
// after it.
func sameCell(old, l *cellLine, c int) bool {
	oin, lin := c < old.width, c < l.width
	if !oin || !lin {
		return !oin && !lin // both erased (a line that does not erase fills the screen)
	}
	a, b := old.cells[old.at[c]], l.cells[l.at[c]]
	return a.col == b.col && a.width == b.width && a.pen == b.pen &&
		old.raw[a.start:a.end] == l.raw[b.start:b.end]
}
