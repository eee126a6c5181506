package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// The console draws its tables itself instead of using bubbles/table: it
// renders only the rows on screen, caches each rendered row until that row's
// data changes, and so a poll that changes one participant costs one row,
// not the whole table.

// column describes one table column.
type column struct {
	title  string
	width  int // preferred width; for the flexible column, its minimum
	narrow int // a narrower width the column may collapse to; 0 for none
	flex   bool
	max    int // the flexible column grows no wider than this
	// roomy is the width the flexible column is comfortable at: below it,
	// a step marked forFlex is taken even though the table fits.
	roomy int
}

// step is one move when a table does not fit: narrow a column, or drop it.
// A forFlex step is also taken to give the flexible column its roomy width.
type step struct {
	col     int
	drop    bool
	forFlex bool
}

// layout is where each column goes at one terminal width.
type layout struct {
	width  int
	show   []bool
	widths []int
}

const (
	sep     = " " // between cells
	markerW = 2   // the selection marker column
)

// planLayout fits cols into width, applying steps in order (the least useful
// column first) until the table fits; the flexible column takes what is left.
func planLayout(cols []column, steps []step, width int) layout {
	l := layout{width: width, show: make([]bool, len(cols)), widths: make([]int, len(cols))}
	for i, c := range cols {
		l.show[i] = true
		l.widths[i] = c.width
	}
	roomy := 0 // what the flexible column lacks of its roomy width
	for _, c := range cols {
		if c.flex && c.roomy > c.width {
			roomy = c.roomy - c.width
		}
	}
	for _, s := range steps {
		if l.total() <= width && (!s.forFlex || l.total()+roomy <= width) {
			continue
		}
		if s.drop {
			l.show[s.col] = false
		} else if cols[s.col].narrow > 0 {
			l.widths[s.col] = cols[s.col].narrow
		}
	}
	if spare := width - l.total(); spare > 0 {
		for i, c := range cols {
			if c.flex && l.show[i] {
				grow := spare
				if c.max > 0 && l.widths[i]+grow > c.max {
					grow = c.max - l.widths[i]
				}
				if grow > 0 {
					l.widths[i] += grow
				}
			}
		}
	}
	return l
}

// total is the width of a row under this layout.
func (l layout) total() int {
	n, shown := markerW, 0
	for i, w := range l.widths {
		if l.show[i] {
			n += w
			shown++
		}
	}
	if shown > 1 {
		n += (shown - 1) * len(sep)
	}
	return n
}

// cell is one cell's text and the style it is drawn in when its row is not
// selected.
type cell struct {
	text  string
	paint Paint
}

// fit cuts s to w cells (wide characters counted as two) and pads it to
// exactly w.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// header renders the column titles.
func (l layout) header(cols []column, st *Styles) string {
	var b strings.Builder
	b.WriteString(st.NoMarker)
	first := true
	for i, c := range cols {
		if !l.show[i] {
			continue
		}
		if !first {
			b.WriteString(sep)
		}
		first = false
		b.WriteString(fit(c.title, l.widths[i]))
	}
	return l.clip(st.Header.Render(strings.TrimRight(b.String(), " ")))
}

// clip cuts a rendered row to the terminal's width when even the narrowest
// layout is wider, so a tiny terminal never wraps a row onto the next line.
// The escape sequences past the cut are kept, so the row's colour ends.
func (l layout) clip(s string) string {
	if l.total() <= l.width {
		return s
	}
	return ansi.Truncate(s, max(l.width, 0), "")
}

// row renders one row. A selected row is one run of the selection style with
// the marker glyph, so it reads as selected without colour too; other rows
// colour each cell by its state.
//
// Escape sequences are most of a row's bytes, and bytes are latency over a
// slow link: cells are written through a paintRuns, and an unselected row
// ends at its last visible character (the renderer erases the rest).
func (l layout) row(cells []cell, selected bool, st *Styles) string {
	var b strings.Builder
	if selected {
		b.WriteString(st.Marker)
	} else {
		b.WriteString(st.NoMarker)
	}
	runs := paintRuns{b: &b}
	first := true
	for i, c := range cells {
		if i >= len(l.show) || !l.show[i] {
			continue
		}
		sepText := sep
		if first {
			sepText = ""
		}
		first = false
		text := fit(c.text, l.widths[i])
		if selected {
			b.WriteString(sepText + text)
			continue
		}
		runs.write(runs.cur, sepText)
		runs.write(c.paint, text)
	}
	if selected {
		return l.clip(st.Cells.Selected.Apply(b.String()))
	}
	runs.trimTrailingSpaces()
	runs.end()
	return l.clip(b.String())
}

// paintRuns writes text in paints with as few escape sequences as the
// terminal needs: neighbouring text of one paint shares a run, a run whose
// paint is a foreground colour alone gives way to the next colour without a
// reset, and a reset that must come before the next paint shares its escape
// sequence (ESC [0;2m, not ESC [0m ESC [2m).
type paintRuns struct {
	b   *strings.Builder
	cur Paint
}

func (r *paintRuns) write(p Paint, text string) {
	if text == "" {
		return
	}
	if p != r.cur {
		switch {
		case r.cur.Pre == "" || (fgOnly(r.cur) && sgrOf(p).fg):
			// Nothing to undo, or a colour the next one replaces.
			r.b.WriteString(p.Pre)
		case p.Pre == "":
			r.b.WriteString(r.cur.Post)
		case r.cur.Post == "\x1b[0m" && sgrOf(p).ok:
			r.b.WriteString("\x1b[0;" + p.Pre[len("\x1b["):])
		default:
			r.b.WriteString(r.cur.Post + p.Pre)
		}
		r.cur = p
	}
	r.b.WriteString(text)
}

// trimTrailingSpaces drops the padding at the end of the line written so
// far, which shows nothing without a background.
func (r *paintRuns) trimTrailingSpaces() {
	if r.cur.Pre != "" && !sgrOf(r.cur).blankOnSpaces {
		return // a background or an underline may show on spaces
	}
	s := r.b.String()
	t := strings.TrimRight(s, " ")
	if len(t) < len(s) {
		r.b.Reset()
		r.b.WriteString(t)
	}
}

// end closes the open run.
func (r *paintRuns) end() {
	r.b.WriteString(r.cur.Post)
	r.cur = Paint{}
}

// sgrInfo is what one paint's escape sequence does.
type sgrInfo struct {
	ok            bool // Pre is one SGR sequence (ESC [ params m)
	fg            bool // it sets a foreground colour
	other         bool // it sets anything but a foreground colour
	blankOnSpaces bool // spaces drawn in it look like spaces drawn in none
}

// sgrOf reads p's escape sequence: which kinds of attribute it sets.
func sgrOf(p Paint) sgrInfo {
	seq, ok := strings.CutPrefix(p.Pre, "\x1b[")
	if !ok {
		return sgrInfo{}
	}
	seq, ok = strings.CutSuffix(seq, "m")
	if !ok || seq == "" || strings.Trim(seq, "0123456789;") != "" {
		return sgrInfo{}
	}
	in := sgrInfo{ok: true, blankOnSpaces: true}
	// The parameters, read without splitting (a row's paints are read on
	// every render of the row).
	var ps [8]string
	n := 0
	for seq != "" && n < len(ps) {
		p, rest, _ := strings.Cut(seq, ";")
		ps[n], seq, n = p, rest, n+1
	}
	if seq != "" {
		return sgrInfo{} // longer than any paint the console makes
	}
	for i := 0; i < n; i++ {
		switch p := ps[i]; {
		case p == "38" && i+2 < n && ps[i+1] == "5":
			in.fg = true
			i += 2
		case p == "38" && i+4 < n && ps[i+1] == "2":
			in.fg = true
			i += 4
		case len(p) == 2 && (p[0] == '3' || p[0] == '9') && p[1] <= '7':
			in.fg = true
		case p == "1" || p == "2" || p == "3": // bold, dim, italic
			in.other = true
		default: // a background, an underline, reverse video...
			in.other = true
			in.blankOnSpaces = false
		}
	}
	return in
}

// fgOnly reports whether p sets a foreground colour and nothing else (no
// bold, no background), so that the next colour can simply replace it.
func fgOnly(p Paint) bool {
	in := sgrOf(p)
	return in.fg && !in.other
}

// rowCache keeps each rendered row until its key (everything the row shows)
// changes, so an unchanged row costs a map lookup.
type rowCache[K comparable] struct {
	m map[string]cachedRow[K]
}

type cachedRow[K comparable] struct {
	key  K
	line string
}

func newRowCache[K comparable]() rowCache[K] {
	return rowCache[K]{m: make(map[string]cachedRow[K])}
}

// get returns the row for id, rendering it only when k differs from the key
// it was last rendered with.
func (c rowCache[K]) get(id string, k K, render func() string) string {
	if r, ok := c.m[id]; ok && r.key == k {
		return r.line
	}
	line := render()
	c.m[id] = cachedRow[K]{key: k, line: line}
	return line
}

// prune forgets rows whose id is not kept, so the cache stays as large as
// the table.
func (c rowCache[K]) prune(keep func(id string) bool) {
	for id := range c.m {
		if !keep(id) {
			delete(c.m, id)
		}
	}
}

// window returns the first row to show so that sel stays visible in a
// viewport of h rows, moving offset as little as possible.
func window(offset, sel, n, h int) int {
	if h <= 0 || n <= h {
		return 0
	}
	if sel < offset {
		offset = sel
	}
	if sel >= offset+h {
		offset = sel - h + 1
	}
	if offset > n-h {
		offset = n - h
	}
	if offset < 0 {
		offset = 0
	}
	return offset
}

// memo keeps styled lines by the plain inputs they were made from, so a
// frame that shows what the last one showed costs lookups, not lipgloss
// renders. It forgets everything past memoMax entries (old "updated Ns ago"
// lines, say) rather than grow.
type memo struct {
	m map[string]string
}

const memoMax = 512

func newMemo() memo { return memo{m: make(map[string]string)} }

func (c memo) get(key string, render func() string) string {
	if s, ok := c.m[key]; ok {
		return s
	}
	if len(c.m) >= memoMax {
		clear(c.m)
	}
	s := render()
	c.m[key] = s
	return s
}
