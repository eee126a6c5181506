package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"

	"confconsole/api/live"
	"confconsole/model"
)

// The participants table's columns, in display order.
const (
	colMark = iota // shown only while some participant is marked
	colLabel
	colSID
	colStatus
	colMuted
	colHold
	colCoach
	colEnterExit
	colTime
)

var participantColumns = [...]column{
	colMark:      {title: "MARK", width: 6},
	colLabel:     {title: "LABEL", width: 14, flex: true, max: 40}, // more for longer labels: see participantLayout
	colSID:       {title: "CALL SID", width: 34, narrow: 11},
	colStatus:    {title: "STATUS", width: 10},
	colMuted:     {title: "MUTED", width: 9},
	colHold:      {title: "HOLD", width: 9},
	colCoach:     {title: "COACHING", width: 14, narrow: 12},
	colEnterExit: {title: "ENTER/EXIT", width: 10},
	colTime:      {title: "TIME", width: 5},
}

// labelMax is the most of a label the table shows, and so the widest the
// label column grows.
const labelMax = 64

// participantSteps is the order columns give way on a narrow terminal: the
// SID shortens first (its tail still tells calls apart), then the least
// used columns go. Label, status, muted and hold stay at any width.
var participantSteps = [...]step{
	{col: colSID, forFlex: true}, // also so that a whole label shows before a whole SID
	{col: colEnterExit, drop: true},
	{col: colCoach},
	{col: colTime, drop: true},
	{col: colSID, drop: true},
	{col: colCoach, drop: true},
}

// participantRowKey is everything a participant row shows; the row is
// rendered again only when it changes.
type participantRowKey struct {
	p        model.Participant
	marked   bool
	pend     actionKind
	mismatch actionKind
	minutes  int64
	selected bool
	width    int
	labelW   int // the layout also follows the longest label
	sidW     int
	coachee  string
	talk     string // what the status cell says of speech (speechWord)
}

// Fixed lines around the table: two header lines, the column titles, the
// flash line and the footer.
const roomChrome = 5

// feedSideMin is the width from which the event feed sits beside the table
// rather than under it.
const (
	feedSideMin   = 110
	feedSideWidth = 40
	feedBelowRows = 7
)

// feedBelowRows is the height of the event feed under the table: at most
// feedBelowRows, and never more than half of what the table and it share.
func (r *room) feedBelowRows() int {
	return max(min(feedBelowRows, (r.height-roomChrome)/2), 1)
}

// tableHeight is the number of participant rows on screen.
func (r *room) tableHeight() int {
	h := r.height - roomChrome
	if r.feed && r.width < feedSideMin {
		h -= r.feedBelowRows()
	}
	if r.confirm != nil || r.filtering {
		h-- // the question or the filter line
	}
	return max(h, 1)
}

func (r *room) tableWidth() int {
	if r.feed && r.width >= feedSideMin {
		return r.width - feedSideWidth - 1
	}
	return r.width
}

// fixScroll keeps the selection on screen after anything moved it or resized
// the viewport.
func (a *App) fixScroll() {
	switch a.screen {
	case screenRoom:
		a.room.scroll(a.room.tableHeight())
	case screenList:
		a.list.scroll(a.list.tableHeight())
	}
}

// roomView is the participants screen with the console's header, flash
// and footer around it.
func (a *App) roomView() string {
	return strings.Join([]string{
		a.roomTitle(),
		a.room.View(),
		a.flashLine(),
		a.footer(a.room.keyBindings()),
	}, "\n")
}

// View draws the room from its status line to its question or filter line.
func (r *room) View() string {
	lines := make([]string, 0, r.height)
	lines = append(lines, r.roomStatus())

	tw := r.tableWidth()
	lay := r.participantLayout(tw)
	body := r.roomTable(lay, r.tableHeight())
	feed := r.feed
	if f := r.formView(tw, r.height-roomChrome); f != "" {
		n := len(body)
		if feed && r.width < feedSideMin {
			// A form open over a feed under the table takes the feed's
			// lines too, or its last fields and its keys would be hidden
			// behind the feed; the feed comes back when the form closes.
			n += r.feedBelowRows()
			feed = false
		}
		body = padLines(strings.Split(f, "\n"), n)
	}
	if feed {
		if r.width >= feedSideMin {
			// The feed takes whatever the table does not need.
			used := min(lay.total(), tw)
			feed := r.feedLines(r.width-used-1, len(body))
			for i := range body {
				body[i] = padStyled(body[i], used) + " " + feed[i]
			}
		} else {
			body = append(body, r.feedLines(r.width, r.feedBelowRows())...)
		}
	}
	lines = append(lines, body...)
	switch {
	case r.confirm != nil:
		lines = append(lines, r.st.Prompt.Render(fit(r.confirm.question+"  [y/N]", r.width)))
	case r.filtering:
		lines = append(lines, fitStyled(r.filter.View(), r.width))
	}
	return strings.Join(lines, "\n")
}

// participantLayout plans the participants table for width tw. The label
// column asks for the room the longest label on the roster needs, and gets
// it before the SID is shown whole; it grows past its usual most for a
// longer label when the room is there (up to labelMax), and no further, so
// that an event feed beside the table keeps the rest.
func (r *room) participantLayout(tw int) layout {
	cols := participantColumns
	cols[colLabel].roomy = r.labelW
	cols[colLabel].max = max(cols[colLabel].max, r.labelW)
	return planParticipants(cols, tw, len(r.marks) > 0)
}

// planParticipants plans the participants table for width tw; the MARK
// column is there only while some participant is marked, and without it
// the rest is planned as if it never were.
func planParticipants(cols [len(participantColumns)]column, tw int, marks bool) layout {
	if marks {
		return planLayout(cols[:], participantSteps[:], tw)
	}
	l := planLayout(cols[:], participantSteps[:], tw+cols[colMark].width+len(sep))
	l.width = tw
	l.show[colMark] = false
	return l
}

// longestLabel is the width of the widest label in ps as the table shows
// it, at most labelMax.
func longestLabel(ps []model.Participant) int {
	w := 0
	for _, p := range ps {
		if p.Label != "" {
			w = max(w, ansi.StringWidth(model.DisplayN(p.Label, labelMax)))
		}
	}
	return min(w, labelMax)
}

// roomTitle is the first header line: where we are and in which mode.
func (a *App) roomTitle() string {
	r := &a.room
	key := fmt.Sprint("title|", r.conf.SID, "|", r.conf.FriendlyName, "|", a.opts.Demo, a.opts.ReadOnly, "|", r.rec, "|", r.eventsLive, "|", a.auditErr != nil, "|", a.width)
	return a.lines.get(key, func() string {
		parts := append([]string{a.st.Title.Render("confconsole"), a.st.Title.Render(conferenceName(r.conf))}, a.badges()...)
		switch r.rec {
		case model.RecordingInProgress:
			parts = append(parts, a.st.Muted.Render("● REC"))
		case model.RecordingPaused:
			parts = append(parts, a.st.Held.Render("‖ REC paused"))
		}
		// Whether Twilio's status callbacks are arriving for this
		// conference: with them changes show at once, without them
		// only at the next poll. Before the SID, which gives way first.
		if r.eventsLive {
			parts = append(parts, a.st.Fresh.Render("events live"))
		} else {
			parts = append(parts, a.st.Faint.Render("polling only"))
		}
		return a.titleLine(parts, r.conf.SID)
	})
}

// roomStatus is the second header line: counts, freshness, the poll error.
func (r *room) roomStatus() string {
	if !r.loaded && r.poll.err == nil {
		return r.st.Faint.Render("loading participants…")
	}
	t := model.Counts(r.roster)
	counts := fmt.Sprintf("%d connected · %s · %d muted · %d held", t.Connected, joiningCounts(r.roster), t.Muted, t.Held)
	if r.query != "" {
		counts += fmt.Sprintf(" · showing %d of %d", len(r.rows), len(r.roster))
	}
	if n := len(r.marks); n > 0 {
		counts += fmt.Sprintf(" · %d marked", n)
	}
	if p := r.bulkProgress(); p != "" {
		counts += " · " + p
	}
	if h := r.tableHeight(); len(r.rows) > h {
		counts += fmt.Sprintf(" · rows %d-%d of %d", r.offset+1, min(r.offset+h, len(r.rows)), len(r.rows))
	}
	if r.sortKey != model.SortRoster || r.sortDesc {
		counts += " · " + sortedBy(r.sortKey.String(), r.sortDesc)
	}
	return r.canvas().statusLine(counts, &r.poll)
}

// joiningCounts counts the calls on their way in by the word their rows
// show (queued, connecting, ringing), so the header never says "ringing"
// of a row that says "queued"; "0 ringing" when there are none.
func joiningCounts(ps []model.Participant) string {
	var queued, connecting, ringing int
	for _, p := range ps {
		switch p.Status {
		case model.ParticipantQueued:
			queued++
		case model.ParticipantConnecting:
			connecting++
		case model.ParticipantRinging:
			ringing++
		}
	}
	var parts []string
	for _, c := range []struct {
		n    int
		word model.ParticipantStatus
	}{{queued, model.ParticipantQueued}, {connecting, model.ParticipantConnecting}, {ringing, model.ParticipantRinging}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.word))
		}
	}
	if len(parts) == 0 {
		return "0 ringing"
	}
	return strings.Join(parts, " · ")
}

// canvas is what drawing a screen's header lines needs, shared by the
// screens: the styles, the memo of styled lines, the width, the clock and
// the poll interval.
type canvas struct {
	st       *Styles
	lines    memo
	width    int
	clock    time.Time
	interval time.Duration
}

// canvas is what the console draws its lines with, as of now.
func (a *App) canvas() canvas {
	return canvas{st: a.st, lines: a.lines, width: a.width, clock: a.clock, interval: a.interval}
}

// canvas is what the room draws its lines with, as of now.
func (r *room) canvas() canvas {
	return canvas{st: r.st, lines: r.lines, width: r.width, clock: r.clock, interval: r.interval}
}

// statusLine styles a header's second line: the counts, then how fresh the
// data is, or that it is stale and why.
func (c canvas) statusLine(counts string, p *poller) string {
	fresh, stale := c.freshness(p)
	key := fmt.Sprint("status|", counts, "|", fresh, "|", stale, "|", c.width)
	return c.lines.get(key, func() string {
		st := c.st.Fresh
		if stale {
			st = c.st.Stale
		}
		return fitStyled(c.st.Text.Render(counts)+"  "+st.Render(fresh), c.width)
	})
}

// freshness says how old the data is, and when a poll failed, that the
// table is stale, why, and when the console tries again.
func (c canvas) freshness(p *poller) (text string, stale bool) {
	if p.err == nil {
		// While polls keep arriving on time the line says so and stays
		// the same: a poll that changes nothing then draws nothing, and an
		// idle console writes no bytes. A late reply shows its age.
		if c.clock.Before(lateAt(p.updated, p.nextAt, c.interval)) {
			return "live", false
		}
		return "updated " + ago(c.clock, p.updated), false
	}
	what := "NOT LOADED"
	if !p.updated.IsZero() {
		what = "STALE (updated " + ago(c.clock, p.updated) + ")"
	}
	if wait := p.nextAt.Sub(c.clock); wait >= time.Second {
		what += " · retry in " + strconv.FormatInt(int64((wait+time.Second-1)/time.Second), 10) + "s"
	}
	return what + ": " + model.Display(shortCause(p.err)), true
}

// errorLines spells out why nothing could be loaded, wrapped to w, for the
// empty table: the header line may be too narrow for the whole advice.
func (c canvas) errorLines(err error, w int) []string {
	text := explain(err)
	return strings.Split(c.lines.get(fmt.Sprint("errbody|", w, "|", text), func() string {
		wrapped := ansi.Wordwrap("Nothing loaded yet: "+text, max(w-4, 20), " ")
		var out []string
		for _, l := range strings.Split(wrapped, "\n") {
			out = append(out, c.st.Stale.Render("  "+l))
		}
		return strings.Join(out, "\n")
	}), "\n")
}

// ago says how long before now t was, in whole seconds up to two minutes,
// then coarser.
func ago(now, t time.Time) string {
	d := now.Unix() - t.Unix()
	switch {
	case d < 0:
		d = 0
	case d >= 120:
		return strconv.FormatInt(d/60, 10) + "m ago"
	}
	return strconv.FormatInt(d, 10) + "s ago"
}

// roomTable renders the column titles and the rows on screen, h rows tall,
// every line padded so the screen is always fully drawn.
func (r *room) roomTable(lay layout, h int) []string {
	out := make([]string, 0, h+1)
	out = append(out, r.lines.get(fmt.Sprint("pheader|", lay.width, "|", lay.widths[colLabel], "|", lay.widths[colSID], "|", lay.show[colMark]), func() string { return lay.header(participantColumns[:], r.st) }))
	switch {
	case !r.loaded && r.poll.err != nil:
		out = append(out, r.canvas().errorLines(r.poll.err, lay.width)...)
	case !r.loaded:
	case len(r.rows) == 0 && r.query != "":
		out = append(out, r.st.Faint.Render("  nobody matches /"+model.DisplayN(r.query, 40)+" (esc clears the filter)"))
	case len(r.rows) == 0:
		out = append(out, r.st.Faint.Render("  nobody is in this conference"))
	}
	end := min(r.offset+h, len(r.rows))
	for i := r.offset; i < end; i++ {
		p := r.rows[i]
		out = append(out, r.participantRow(lay, p, i == r.selIdx))
	}
	return padLines(out, h+1)
}

func (r *room) participantRow(lay layout, p model.Participant, selected bool) string {
	pa, mine := r.pending[p.CallSID]
	if k, theirs := r.others[p.CallSID]; theirs && !mine {
		pa = pendingAction{kind: k} // another operator's action on its way
	}
	mm := r.mismatch[p.CallSID]
	k := participantRowKey{p: p, marked: r.marks[p.CallSID], pend: pa.kind, mismatch: mm.kind, minutes: minutes(r.clock, p.Created), selected: selected,
		width: lay.width, labelW: lay.widths[colLabel], sidW: lay.widths[colSID]}
	if p.Coaching {
		k.coachee = r.byID[p.CallSIDToCoach].Label
	}
	if p.Status == model.ParticipantConnected {
		k.talk = speechWord(r.clock, r.speech[p.CallSID])
	}
	return r.cache.get(p.CallSID, k, func() string {
		return lay.row(r.participantCells(lay, p, pa, mm), selected, r.st)
	})
}

// participantCells spells every state in words, so the table reads the
// same without colour.
func (r *room) participantCells(lay layout, p model.Participant, pa, mismatch pendingAction) []cell {
	st := &r.st.Cells
	cells := make([]cell, len(participantColumns))
	label := model.DisplayN(p.Label, labelMax)
	cells[colMark] = cell{"", st.Faint}
	if r.marks[p.CallSID] {
		cells[colMark] = cell{"✓", st.Coaching}
		if r.st.Theme.NoColor {
			cells[colMark] = cell{"marked", st.Text}
		}
	}
	cells[colLabel] = cell{label, st.Text}
	if label == "" {
		cells[colLabel] = cell{"-", st.Faint}
	}
	sid := p.CallSID
	if lay.widths[colSID] < len(sid) {
		sid = shortSID(sid)
	}
	cells[colSID] = cell{model.Display(sid), st.Faint}
	cells[colStatus] = cell{model.DisplayN(string(p.Status), 12), statusPaint(st, p.Status)}
	if p.Status == model.ParticipantConnected {
		// Only a connected participant can speak: while one does, or
		// has, the status cell says so instead of "connected".
		switch sp := r.speech[p.CallSID]; {
		case sp.Speaking:
			cells[colStatus] = cell{speechWord(r.clock, sp), st.Coaching}
		case !sp.LastSpoke.IsZero():
			cells[colStatus] = cell{speechWord(r.clock, sp), st.Connected}
		}
	}
	cells[colMuted] = cell{"-", st.Faint}
	if p.Muted {
		cells[colMuted] = cell{"muted", st.Muted}
	}
	cells[colHold] = cell{"-", st.Faint}
	if p.Hold {
		cells[colHold] = cell{"on hold", st.Held}
	}
	cells[colCoach] = cell{"-", st.Faint}
	if p.Coaching {
		cells[colCoach] = cell{"→ " + r.coacheeName(p.CallSIDToCoach), st.Coaching}
	}
	cells[colEnterExit] = cell{enterExit(p), st.Faint}
	cells[colTime] = cell{coarseAge(r.clock, p.Created), st.Faint}
	if mismatch.kind != 0 {
		// Twilio accepted an action the polls never showed: say so in
		// the cell it concerns rather than show either state as fact.
		pa = mismatch
	}
	if pa.kind != 0 {
		c := cell{pa.kind.pendingWord(), st.Pending}
		if mismatch.kind != 0 {
			c = cell{mismatch.mismatchWord(), st.Pending}
		}
		if col := pa.kind.spec().cell; col != noCell {
			cells[col] = c
		}
	}
	return cells
}

// coacheeName names whom a participant coaches: the label when that call is
// in the roster, else a short SID.
func (r *room) coacheeName(sid string) string {
	if p, ok := r.byID[sid]; ok && p.Label != "" {
		return model.DisplayN(p.Label, 32)
	}
	if sid == "" {
		return "?"
	}
	return model.Display(shortSID(sid))
}

func enterExit(p model.Participant) string {
	switch {
	case p.StartConferenceOnEnter && p.EndConferenceOnExit:
		return "start/end"
	case p.StartConferenceOnEnter:
		return "start"
	case p.EndConferenceOnExit:
		return "end"
	}
	return "-"
}

func statusPaint(st *CellPaints, s model.ParticipantStatus) Paint {
	switch s {
	case model.ParticipantConnected:
		return st.Connected
	case model.ParticipantComplete, model.ParticipantFailed:
		return st.Gone
	}
	return st.Ringing
}

// feedPage is how many events the open feed shows at once: beside the
// table, as tall as the table; under it, its own few lines. Less the title.
func (r *room) feedPage() int {
	if r.width >= feedSideMin {
		return max(r.tableHeight(), 1)
	}
	return max(r.feedBelowRows()-1, 1)
}

// clampFeedSkip keeps a feed scroll within the events held: never past the
// newest, and never so far back that a page is less than full.
func (r *room) clampFeedSkip(skip int) int {
	return min(max(skip, 0), max(r.events.Len()-r.feedPage(), 0))
}

// feedLines renders the event feed, newest first, h lines tall, scrolled
// back by the room's feedSkip. Each event line is kept in the memo, so an
// unchanged feed costs lookups.
func (r *room) feedLines(w, h int) []string {
	out := make([]string, 0, h)
	n := r.events.Len()
	skip := min(r.feedSkip, max(n-1, 0))
	shown := min(h-1, n-skip)
	out = append(out, r.lines.get(fmt.Sprint("feedtitle|", n, "|", skip, "|", shown, "|", w), func() string {
		title := fmt.Sprintf("EVENTS (%d)", n)
		if skip > 0 {
			title = fmt.Sprintf("EVENTS %d-%d of %d, %s newer", skip+1, skip+shown, n, keyName(r.keys.FeedNewer))
		} else if n > shown {
			title += fmt.Sprintf(", %s older", keyName(r.keys.FeedOlder))
		}
		return r.st.FeedTitle.Render(fit(title, w))
	}))
	if n == 0 {
		out = append(out, r.st.Faint.Render(fit("no changes seen yet", w)))
	}
	loc := r.clock.Location()
	for i := range max(shown, 0) {
		e, ok := r.events.At(skip + i)
		if !ok {
			break
		}
		ts := e.At.In(loc).Format("15:04:05")
		text := e.String()
		origin := originTag(e.Origin())
		out = append(out, r.lines.get(fmt.Sprint("feed|", w, "|", ts, "|", origin, "|", text), func() string {
			return r.st.FeedTime.Render(ts+" "+origin) + " " + r.st.FeedText.Render(fit(text, max(w-14, 0)))
		}))
	}
	return padLines(out, h)
}

// keyBindings are the bindings that work on the participants screen right now,
// for the footer.
func (r *room) keyBindings() []key.Binding {
	k := r.keys
	switch {
	case r.confirm != nil:
		return enabled(k.Yes, k.No)
	case r.filtering:
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		}
	case r.form != formNone:
		return r.formKeys()
	}
	var bs []key.Binding
	switch _, ok := r.selectedParticipant(); {
	case r.bulk != nil:
		// esc cancels it: say so before anything else.
		bs = append(bs, key.NewBinding(key.WithKeys(k.Back.Keys()...), key.WithHelp(k.Back.Help().Key, "cancel bulk "+r.bulk.kind.verb())))
	case len(r.marks) > 0:
		// The keys act on the marks: the explicit ones first.
		bs = append(bs, k.Mute, k.Unmute, k.Hold, k.Resume, k.Remove, k.Announce, k.Mark, k.InvertMarks,
			key.NewBinding(key.WithKeys(k.Back.Keys()...), key.WithHelp(k.Back.Help().Key, "clear marks")))
	case ok:
		bs = append(bs, k.Mute, k.Hold, k.Coach, k.Announce, k.Remove, k.Mark)
	}
	bs = append(bs, k.Add, k.Events)
	if r.feed {
		bs = append(bs, pair(k.FeedOlder, k.FeedNewer))
	}
	bs = append(bs, k.Undo, k.Command)
	bs = append(bs, k.Filter, k.Sort, k.AnnounceAll, k.Recording, k.End, k.Refresh)
	switch {
	case r.bulk != nil, len(r.marks) > 0: // esc is already first, for those
	case r.query != "":
		bs = append(bs, escAs(k.Back, "clear filter"))
	default:
		bs = append(bs, k.Back)
	}
	return enabled(append(bs, k.Quit, k.Help)...)
}

// escAs is the back binding as the footer names it where esc does
// something else first (clears a kept filter, stops a wait).
func escAs(back key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(back.Keys()...), key.WithHelp(back.Help().Key, desc))
}

// footer renders the keys that work now: as many as fit, then "…", and the
// help key always last so the rest is one keypress away. (bubbles'
// ShortHelpView can overflow a narrow terminal.)
func (a *App) footer(bs []key.Binding) string {
	if a.quit == quitWaiting {
		// On the way out only the quit key is acted on (handleKey).
		q := a.keys.Quit.Help()
		bs = []key.Binding{key.NewBinding(key.WithKeys(a.keys.Quit.Keys()...), key.WithHelp(q.Key, "quit now"))}
	} else if a.cmdline != nil {
		// The screen's keys do not reach the open command line: its
		// footer is what tab found, or the line's own keys.
		switch h := a.cmdHint; {
		case h.isErr:
			return a.flashOf(h)
		case h.text != "":
			// Choices, not an outcome: no ✓ before them.
			return a.lines.get(fmt.Sprint("choices|", a.width, "|", h.text), func() string {
				return a.st.FlashInfo.Render(fit(model.Display(h.text), a.width))
			})
		}
		bs = commandKeys()
	}
	var kb strings.Builder
	kb.WriteString("footer|" + strconv.Itoa(a.width))
	for _, k := range bs {
		h := k.Help()
		kb.WriteString("|" + h.Key + "\x00" + h.Desc)
	}
	return a.lines.get(kb.String(), func() string { return a.renderFooter(bs) })
}

func (a *App) renderFooter(bs []key.Binding) string {
	st := a.st.Help
	const sepText = " • "
	var helpItem string
	var items []key.Binding
	for _, k := range bs {
		if k.Help() == a.keys.Help.Help() {
			helpItem = sepText + k.Help().Key + " " + k.Help().Desc
			continue
		}
		items = append(items, k)
	}
	room := a.width - ansi.StringWidth(helpItem)
	var b strings.Builder
	// Painted in runs (see paintRuns): the footer is on every screen and
	// is drawn whole on every repaint.
	runs := paintRuns{b: &b}
	keyP, descP, sepP := paintOf(st.ShortKey), paintOf(st.ShortDesc), paintOf(st.ShortSeparator)
	used := 0
	for i, k := range items {
		h := k.Help()
		w := ansi.StringWidth(h.Key) + 1 + ansi.StringWidth(h.Desc)
		if i > 0 {
			w += ansi.StringWidth(sepText)
		}
		last := i == len(items)-1
		if used+w > room || (!last && used+w+ansi.StringWidth(" …") > room) {
			runs.write(paintOf(st.Ellipsis), " …")
			break
		}
		if i > 0 {
			runs.write(sepP, sepText)
		}
		runs.write(keyP, h.Key)
		runs.write(descP, " "+h.Desc)
		used += w
	}
	if helpItem != "" {
		h := a.keys.Help.Help()
		runs.write(sepP, sepText)
		runs.write(keyP, h.Key)
		runs.write(descP, " "+h.Desc)
	}
	runs.end()
	// The help item alone can be wider than a tiny terminal.
	return fitStyled(b.String(), a.width)
}

// flashLine is the outcome of the last action, or blank.
func (a *App) flashLine() string {
	if a.cmdline != nil {
		return fitStyled(a.cmdline.View(), a.width)
	}
	return a.flashOf(a.flash)
}

// flashOf renders a flash-line message, or blank for none.
func (a *App) flashOf(f flash) string {
	if f.text == "" {
		return ""
	}
	key := fmt.Sprint("flash|", f.isErr, "|", a.width, "|", f.text)
	return a.lines.get(key, func() string {
		// Flashes quote labels and Twilio's messages, which may quote
		// them too: shown in the form whose width terminals agree on.
		text := model.Display(f.text)
		if f.isErr {
			return a.st.FlashErr.Render(fit("✗ "+text, a.width))
		}
		return a.st.FlashInfo.Render(fit("✓ "+text, a.width))
	})
}

// padLines makes lines exactly n long, blank lines at the end.
func padLines(lines []string, n int) []string {
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines[:n]
}

// padStyled cuts or pads an already styled line to exactly w cells.
func padStyled(s string, w int) string {
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = ansi.StringWidth(s)
	}
	if n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// fitStyled cuts an already styled line to w cells.
func fitStyled(s string, w int) string {
	return ansi.Truncate(s, w, "…")
}

// originTag is the feed's short tag for where an event came from, padded
// so the events line up and kept to four cells so the feed beside a
// 120-column table still shows its names: "evt" (Twilio's status
// callback), "poll" (a poll saw it) or "op" (an operator's action).
func originTag(o live.Origin) string {
	tag := "poll"
	switch o {
	case live.FromCallback:
		tag = "evt"
	case live.FromAction:
		tag = "op"
	}
	return fmt.Sprintf("%-4s", tag)
}

// speechWord is what a connected participant's status cell says of their
// speech: "● talking" while they speak, then how long ago they last did,
// coarsely ("spoke now" under ten seconds, then tens of seconds, minutes,
// "spoke 1h+"), so a row that spoke changes at most six times in its first
// minute and once a minute after; "" when they have not spoken.
func speechWord(now time.Time, sp live.Speech) string {
	switch {
	case sp.Speaking:
		return "● talking"
	case sp.LastSpoke.IsZero():
		return ""
	}
	d := now.Sub(sp.LastSpoke)
	switch {
	case d < 10*time.Second:
		return "spoke now"
	case d < time.Minute:
		return "spoke " + strconv.Itoa(int(d/(10*time.Second))*10) + "s"
	case d < time.Hour:
		return "spoke " + strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return "spoke 1h+"
}

// speechChange is when speechWord(·, sp) next reads differently after
// now with nothing but time passing; zero when it never will.
func speechChange(now time.Time, sp live.Speech) time.Time {
	if sp.Speaking || sp.LastSpoke.IsZero() {
		return time.Time{}
	}
	d := now.Sub(sp.LastSpoke)
	switch {
	case d < 0:
		return sp.LastSpoke.Add(10 * time.Second)
	case d < time.Minute:
		return sp.LastSpoke.Add((d/(10*time.Second) + 1) * 10 * time.Second)
	case d < time.Hour:
		return sp.LastSpoke.Add((d/time.Minute + 1) * time.Minute)
	}
	return time.Time{}
}
