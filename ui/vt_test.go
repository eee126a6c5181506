package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// vtScreen is a minimal terminal for tests: it applies what the console
// writes (text, cursor moves, erases; colours ignored) to a grid of cells,
// and notes every write that would wrap past the right edge or scroll past
// the bottom, the two ways a frame that does not fit corrupts a real screen.
type vtScreen struct {
	w, h     int
	row, col int
	cells    [][]string // "" is blank; a wide character's second cell holds "\x00"
	state    byte
	parser   *ansi.Parser
	problems []string
}

func newVTScreen(w, h int) *vtScreen {
	v := &vtScreen{parser: ansi.NewParser()}
	v.resize(w, h)
	return v
}

// resize changes the screen size, as the terminal window did.
func (v *vtScreen) resize(w, h int) {
	v.w, v.h = w, h
	v.cells = make([][]string, h)
	for i := range v.cells {
		v.cells[i] = make([]string, w)
	}
	v.row, v.col = min(v.row, h-1), min(v.col, w-1)
}

func (v *vtScreen) problem(format string, args ...any) {
	if len(v.problems) < 20 {
		v.problems = append(v.problems, fmt.Sprintf(format, args...))
	}
}

// write applies output from the program.
func (v *vtScreen) write(b []byte) {
	for len(b) > 0 {
		seq, width, n, st := ansi.DecodeSequence(b, v.state, v.parser)
		v.state = st
		b = b[n:]
		switch {
		case width > 0:
			v.print(string(seq), width)
		case len(seq) == 1 && seq[0] == '\r':
			v.col = 0
		case len(seq) == 1 && seq[0] == '\n':
			if v.row == v.h-1 {
				v.problem("line feed on the last row scrolls the screen")
				continue
			}
			v.row++
		case len(seq) > 1 && seq[0] == ansi.ESC && seq[1] == '[':
			v.csi()
		}
	}
}

func (v *vtScreen) print(g string, width int) {
	if v.col+width > v.w {
		v.problem("text %q at row %d column %d runs past the right edge (%d)", g, v.row, v.col, v.w)
		return
	}
	v.cells[v.row][v.col] = g
	for i := 1; i < width; i++ {
		v.cells[v.row][v.col+i] = "\x00"
	}
	v.col += width
}

func (v *vtScreen) param(i, def int) int {
	n, _ := v.parser.Param(i, def)
	if n < 1 && def == 1 {
		n = 1
	}
	return n
}

// csi applies the control sequences Bubble Tea's renderer uses; the rest
// (colours, modes) do not move text.
func (v *vtScreen) csi() {
	cmd := ansi.Cmd(v.parser.Command())
	if cmd.Prefix() != 0 {
		return // private modes: alternate screen, cursor, paste
	}
	switch cmd.Final() {
	case 'H':
		v.row = min(v.param(0, 1), v.h) - 1
		v.col = min(v.param(1, 1), v.w) - 1
	case 'A':
		v.row = max(v.row-v.param(0, 1), 0)
	case 'B':
		v.row = min(v.row+v.param(0, 1), v.h-1)
	case 'K':
		from, to := v.col, v.w
		switch v.param(0, 0) {
		case 1:
			from, to = 0, v.col+1
		case 2:
			from = 0
		}
		clear(v.cells[v.row][from:min(to, v.w)])
	case 'J':
		switch v.param(0, 0) {
		case 0:
			clear(v.cells[v.row][v.col:])
			for r := v.row + 1; r < v.h; r++ {
				clear(v.cells[r])
			}
		case 2, 3:
			for r := range v.cells {
				clear(v.cells[r])
			}
		}
	}
}

// lines returns the screen as text, trailing blanks trimmed.
func (v *vtScreen) lines() []string {
	out := make([]string, v.h)
	for r, row := range v.cells {
		var b strings.Builder
		for _, c := range row {
			switch c {
			case "\x00":
			case "":
				b.WriteByte(' ')
			default:
				b.WriteString(c)
			}
		}
		out[r] = strings.TrimRight(b.String(), " ")
	}
	return out
}

// plainLines is a frame as the screen should show it, for comparison with
// lines.
func plainLines(frame string) []string {
	ls := strings.Split(ansi.Strip(frame), "\n")
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, " ")
	}
	return ls
}
