package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// vtScreen is a minimal terminal for tests: it applies what the console
// writes (text, cursor moves, erases, the SGR pen) to a grid of cells,
// and notes every write that would wrap past the right edge or scroll past
// the bottom, the two ways a frame that does not fit corrupts a real screen.
type vtScreen struct {
	w, h     int
	row, col int
	cells    [][]string // "" is blank; a wide character's second cell holds "\x00"
	pens     [][]vtPen  // the pen each cell was drawn or erased in
	pen      vtPen
	state    byte
	parser   *ansi.Parser
	problems []string
}

// vtPen is the SGR state: attributes as their SGR numbers, colours as the
// parameters that set them.
type vtPen struct {
	attrs  uint64 // bit n: attribute n (1 bold ... 9 strike, 53 overline)
	fg, bg string
	ul     string // an underline colour (58)
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
	v.pens = make([][]vtPen, h)
	for i := range v.cells {
		v.cells[i] = make([]string, w)
		v.pens[i] = make([]vtPen, w)
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
	// Drawing over half of a wide character blanks its other half.
	if c := v.col; v.cells[v.row][c] == "\x00" && c > 0 {
		v.cells[v.row][c-1] = ""
	}
	if c := v.col + width; c < v.w && v.cells[v.row][c] == "\x00" {
		v.cells[v.row][c] = ""
	}
	v.cells[v.row][v.col] = g
	v.pens[v.row][v.col] = v.pen
	for i := 1; i < width; i++ {
		v.cells[v.row][v.col+i] = "\x00"
		v.pens[v.row][v.col+i] = v.pen
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
	case 'C':
		v.col = min(v.col+v.param(0, 1), v.w-1)
	case 'D':
		v.col = max(min(v.col, v.w-1)-v.param(0, 1), 0)
	case 'G':
		v.col = min(v.param(0, 1), v.w) - 1
	case 'K':
		from, to := v.col, v.w
		switch v.param(0, 0) {
		case 1:
			from, to = 0, v.col+1
		case 2:
			from = 0
		}
		v.erase(v.row, from, min(to, v.w))
	case 'J':
		switch v.param(0, 0) {
		case 0:
			v.erase(v.row, v.col, v.w)
			for r := v.row + 1; r < v.h; r++ {
				v.erase(r, 0, v.w)
			}
		case 2, 3:
			for r := range v.cells {
				v.erase(r, 0, v.w)
			}
		}
	case 'm':
		v.sgr()
	}
}

// erase blanks columns from to to of row in the pen's background, as
// terminals do.
func (v *vtScreen) erase(row, from, to int) {
	if from >= to {
		return
	}
	clear(v.cells[row][from:to])
	for c := from; c < to; c++ {
		v.pens[row][c] = vtPen{bg: v.pen.bg}
	}
}

// sgr applies the parameters of an SGR sequence to the pen.
func (v *vtScreen) sgr() {
	ps := v.parser.Params()
	if len(ps) == 0 {
		v.pen = vtPen{}
		return
	}
	for i := 0; i < len(ps); i++ {
		n := ps[i].Param(0)
		colour := func() string { // 38/48/58: ;5;n or ;2;r;g;b
			var b strings.Builder
			fmt.Fprint(&b, n)
			k := 1
			if i+1 < len(ps) && ps[i+1].Param(0) == 2 {
				k = 4
			}
			for j := 0; j <= k && i+1 < len(ps); j++ {
				i++
				fmt.Fprintf(&b, ";%d", ps[i].Param(0))
			}
			return b.String()
		}
		switch {
		case n == 0:
			v.pen = vtPen{}
		case n >= 1 && n <= 9 || n == 53:
			v.pen.attrs |= 1 << n
		case n == 22:
			v.pen.attrs &^= 1<<1 | 1<<2
		case n >= 23 && n <= 29:
			v.pen.attrs &^= 1 << (n - 20)
		case n == 55:
			v.pen.attrs &^= 1 << 53
		case n >= 30 && n <= 37 || n >= 90 && n <= 97:
			v.pen.fg = fmt.Sprint(n)
		case n == 38:
			v.pen.fg = colour()
		case n == 39:
			v.pen.fg = ""
		case n >= 40 && n <= 47 || n >= 100 && n <= 107:
			v.pen.bg = fmt.Sprint(n)
		case n == 48:
			v.pen.bg = colour()
		case n == 49:
			v.pen.bg = ""
		case n == 58:
			v.pen.ul = colour()
		case n == 59:
			v.pen.ul = ""
		}
	}
}

// styled returns the screen as cells with their pens and the cursor, for
// comparing two screens exactly.
func (v *vtScreen) styled() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cursor %d,%d pen %+v\n", v.row, v.col, v.pen)
	for r, row := range v.cells {
		fmt.Fprintf(&b, "%2d ", r)
		var last vtPen
		for c, cell := range row {
			if p := v.pens[r][c]; p != last {
				fmt.Fprintf(&b, "{%+v}", p)
				last = p
			}
			switch cell {
			case "":
				b.WriteByte('_')
			case "\x00":
			default:
				b.WriteString(cell)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
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
