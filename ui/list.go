package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api/live"
	"confconsole/model"
)

// confList is the conference list screen: a model of its own, watching the
// live state's list of conferences. The console around it draws the
// header's first line, the flash and the footer, and does what the list
// asks of it (listOut).
type confList struct {
	listing[model.Conference] // rows, selection by SID, window, filter

	hub   *live.Hub
	ctx   context.Context // ends the watch when the console stops
	sub   *live.Subscription[live.ConferenceList]
	polls uint64 // the live state's poll count as of the last snapshot
	// shown is the last snapshot the list took, and seen the newest poll
	// status its wait saw, snapshots let pass included (quiet.go).
	shown    live.ConferenceList
	seen     *seenPolls
	keys     KeyMap
	st       *Styles
	timers   *timers
	interval time.Duration
	lines    memo // styled lines by their plain text, shared with the console

	width, height int
	clock         time.Time // "now" as of the last clock tick; View reads only this

	confs         []model.Conference // the last snapshot's, in Twilio's order (newest first)
	poll          poller             // how the live state's polls go, from its snapshots
	loaded        bool
	showCompleted bool
	sortKey       listSort
	sortDesc      bool
	cache         rowCache[confRowKey]
	waitFor       string // a --conference name not in progress yet: opened when the list shows it
	fst           *FormStyles
	add           *AddForm    // the dial form (dial.go); nil when closed
	addOff        key.Binding // the add binding read-only mode disabled, enabled only then, so n is answered

	out listOut // what the last Update asks of the console
}

// listOut is what an Update of the list asks of the console around it: to
// open a conference, to show a flash, or to say that a poll failed. The
// console takes it at once (see App.updateList).
type listOut struct {
	open     *model.Conference
	dial     *dialReq // a dial to send (dial.go)
	flash    string
	flashErr bool
	// pollErr is a failed poll's error, prevErr the previous poll's (nil
	// when that one did not fail).
	pollErr, prevErr error
}

// flashOut asks the console to show text on the flash line.
func (l *confList) flashOut(text string, isErr bool) { l.out.flash, l.out.flashErr = text, isErr }

// listSort is how the conference list is ordered. The zero value keeps
// Twilio's order, newest first; the others sort stably on top of it.
type listSort int

const (
	listSortNewest listSort = iota
	listSortName
	listSortStatus
	listSortRegion
	listSorts // number of orders, for next
)

func (k listSort) next() listSort { return (k + 1) % listSorts }

// String names the order for the status line and the flash.
func (k listSort) String() string {
	switch k {
	case listSortName:
		return "name"
	case listSortStatus:
		return "status"
	case listSortRegion:
		return "region"
	}
	return "newest first"
}

// sortConferences orders cs (in place) by k, reversed when desc.
func sortConferences(cs []model.Conference, k listSort, desc bool) {
	var cmp func(a, b model.Conference) int
	switch k {
	case listSortName:
		cmp = func(a, b model.Conference) int {
			return strings.Compare(strings.ToLower(a.FriendlyName), strings.ToLower(b.FriendlyName))
		}
	case listSortStatus:
		cmp = func(a, b model.Conference) int { return strings.Compare(string(a.Status), string(b.Status)) }
	case listSortRegion:
		cmp = func(a, b model.Conference) int { return strings.Compare(a.Region, b.Region) }
	default:
		cmp = func(model.Conference, model.Conference) int { return 0 }
	}
	if desc {
		slices.Reverse(cs) // so that ties keep the reversed order too
		slices.SortStableFunc(cs, func(a, b model.Conference) int { return -cmp(a, b) })
		return
	}
	slices.SortStableFunc(cs, cmp)
}

// sortedBy says how a table is sorted, the same words on the status line
// and in the flash: "by label", "by label, reversed".
func sortedBy(key string, desc bool) string {
	if desc {
		return "by " + key + ", reversed"
	}
	return "by " + key
}

type confRowKey struct {
	c        model.Conference
	minutes  int64
	selected bool
	width    int
}

func newConfList(hub *live.Hub, keys KeyMap, st *Styles, t *timers, interval time.Duration, lines memo) confList {
	ti := newFilterInput(st)
	ti.Placeholder = "name, SID, status or region"
	return confList{
		listing:  newListing(func(c model.Conference) string { return c.SID }, ti),
		hub:      hub,
		ctx:      context.Background(),
		keys:     keys,
		st:       st,
		timers:   t,
		interval: interval,
		lines:    lines,
		cache:    newRowCache[confRowKey](),
	}
}

const (
	lcolName = iota
	lcolSID
	lcolStatus
	lcolRegion
	lcolAge
)

var listColumns = [...]column{
	lcolName:   {title: "FRIENDLY NAME", width: 24, flex: true, max: 60},
	lcolSID:    {title: "SID", width: 34, narrow: 11},
	lcolStatus: {title: "STATUS", width: 11},
	lcolRegion: {title: "REGION", width: 6},
	lcolAge:    {title: "AGE", width: 6},
}

var listSteps = [...]step{{col: lcolSID}, {col: lcolRegion, drop: true}, {col: lcolAge, drop: true}}

// listChrome is the lines around the list: title, status, column titles,
// flash and footer.
const listChrome = 5

func (l *confList) tableHeight() int {
	h := l.height - listChrome
	if l.filtering {
		h--
	}
	return max(h, 1)
}

// Update handles one message for the list. What it needs of the console
// around it is in l.out, which the console takes at once.
func (l confList) Update(msg tea.Msg) (confList, tea.Cmd) {
	l.out = listOut{}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		l.width, l.height = msg.Width, msg.Height
		l.scroll(l.tableHeight())
	case clockMsg:
		l.clock = msg.t
	case tea.KeyMsg:
		if l.add != nil {
			return l.updateDial(msg)
		}
		return l.onKey(msg)
	case formCancelMsg, addSubmitMsg:
		return l.updateDial(msg)
	case listSnapMsg:
		return l.onSnapshot(msg)
	}
	return l, nil
}

// listSnapMsg is the next snapshot of the conference list the console
// watches; ok is false once the watch has ended (the live state closed).
type listSnapMsg struct {
	sub  *live.Subscription[live.ConferenceList]
	snap live.ConferenceList
	ok   bool
}

// watch subscribes the list to the live state's conferences (the recent
// ones when completed conferences are shown), unless it watches them
// already, and waits for the next snapshot. A failure is said on the
// flash line.
func (l *confList) watch() tea.Cmd {
	if l.sub != nil {
		return nil
	}
	var err error
	if l.showCompleted {
		l.sub, err = l.hub.WatchRecentConferences(l.ctx)
	} else {
		l.sub, err = l.hub.WatchConferences(l.ctx)
	}
	if err != nil {
		l.sub = nil
		l.flashOut("could not list the conferences: "+explain(err), true)
		return nil
	}
	l.polls, l.seen, l.shown = 0, &seenPolls{}, live.ConferenceList{}
	return l.receive()
}

// receive waits for the list's next snapshot. One that would show nothing
// new is let pass (quiet.go): only its poll status is noted, in l.seen.
func (l *confList) receive() tea.Cmd {
	sub, seen := l.sub, l.seen
	if sub == nil {
		return nil
	}
	quiet := l.timers.park == nil && l.loaded // tests that hold the snapshots (park) take every one
	prev, now, interval := l.shown, l.timers.now, l.interval
	return l.timers.receive(func() tea.Msg {
		for {
			s, ok := <-sub.Updates()
			if !ok {
				return listSnapMsg{sub: sub, ok: false}
			}
			pass := passable(quiet, seen.load(), now(), interval) && sameListOnScreen(prev, s)
			seen.note(s.Poll, pass)
			if !pass {
				return listSnapMsg{sub: sub, snap: s, ok: true}
			}
		}
	})
}

// unwatch ends the list's watch (a room opens, or the feed changes).
func (l *confList) unwatch() {
	if l.sub != nil {
		l.sub.Close()
		l.sub = nil
	}
}

// updateList hands msg to the list and does what the list asks.
func (a App) updateList(msg tea.Msg) (App, tea.Cmd) {
	var cmd tea.Cmd
	a.list, cmd = a.list.Update(msg)
	out := a.list.out
	a.list.out = listOut{}
	if out.pollErr != nil {
		a.flashPollFailure(out.prevErr, "the conference list", out.pollErr)
	}
	if out.flash != "" {
		a.setFlash(out.flash, out.flashErr)
	}
	if out.open != nil {
		return a.openRoom(*out.open)
	}
	if out.dial != nil {
		return a, tea.Batch(cmd, dialCmd(a.dialScope(out.dial.name), *out.dial))
	}
	return a, cmd
}

func (a App) onResolved(m resolvedMsg) (App, tea.Cmd) {
	if m.notStarted {
		// Supervisors often open the console before the call: wait for
		// it on the list, which polls anyway, rather than give up.
		a.list.waitFor = m.query
		return a.watchList()
	}
	if m.err != nil {
		a.setFlash(explain(m.err), true)
		return a.watchList()
	}
	return a.openRoom(m.conf)
}

// onSnapshot shows the live state's newest list of conferences, or that
// its poll failed, and waits for the next one.
func (l confList) onSnapshot(m listSnapMsg) (confList, tea.Cmd) {
	if l.sub == nil || m.sub != l.sub {
		return l, nil // a snapshot of a watch that has ended
	}
	if !m.ok {
		l.sub = nil // the live state closed: the console is stopping
		return l, nil
	}
	s := m.snap
	l.shown = s
	polled := s.Poll.Polls != l.polls
	l.polls = s.Poll.Polls
	if s.Poll.Err != nil && polled {
		l.out.prevErr = l.poll.err
		l.out.pollErr = s.Poll.Err
	}
	l.poll.updated, l.poll.nextAt, l.poll.err = s.Poll.Updated, s.Poll.Next, s.Poll.Err
	if s.Poll.Err != nil || s.Poll.Updated.IsZero() {
		return l, l.receive()
	}
	l.confs = s.Conferences
	l.loaded = true
	l.rebuild()
	if l.waitFor != "" && l.add == nil { // never from under the operator's typing
		for _, c := range s.Conferences {
			if c.FriendlyName == l.waitFor && c.Status == model.ConferenceInProgress {
				l.waitFor = ""
				l.out.open = &c
				return l, nil
			}
		}
	}
	return l, l.receive()
}

// waitingLine says which conference the console waits for, if any.
func (l *confList) waitingLine() string {
	if l.waitFor == "" {
		return ""
	}
	return fmt.Sprintf("waiting for %q to start (%s stops waiting)", model.DisplayN(l.waitFor, 60), keyName(l.keys.Back))
}

// rebuild applies the filter and keeps the selection on the same
// conference.
func (l *confList) rebuild() {
	q := strings.Fields(strings.ToLower(l.query))
	l.rows = l.rows[:0:0]
	for _, c := range l.confs {
		if !l.showCompleted && c.Status == model.ConferenceCompleted {
			continue
		}
		if matchConference(c, q) {
			l.rows = append(l.rows, c)
		}
	}
	if l.sortKey != listSortNewest || l.sortDesc {
		sortConferences(l.rows, l.sortKey, l.sortDesc)
	}
	l.reselect()
	keep := make(map[string]bool, len(l.rows))
	for _, c := range l.rows {
		keep[c.SID] = true
	}
	l.cache.prune(func(id string) bool { return keep[id] })
	l.scroll(l.tableHeight())
}

func matchConference(c model.Conference, terms []string) bool {
	hay := strings.ToLower(strings.Join([]string{c.FriendlyName, c.SID, string(c.Status), c.Region}, " "))
	for _, t := range terms {
		if !strings.Contains(hay, t) {
			return false
		}
	}
	return true
}

func (l confList) onKey(msg tea.KeyMsg) (confList, tea.Cmd) {
	if l.filtering {
		changed, cmd := l.filterKey(msg)
		if changed {
			l.rebuild()
		}
		return l, cmd
	}
	k := l.keys
	if l.move(msg, k, l.tableHeight()) {
		return l, nil
	}
	switch {
	case key.Matches(msg, k.Open):
		if len(l.rows) == 0 {
			return l, nil
		}
		c := l.rows[l.selIdx]
		l.out.open = &c
	case key.Matches(msg, k.Back):
		switch {
		case l.query != "":
			l.clearFilter()
			l.rebuild()
		case l.waitFor != "":
			l.flashOut(fmt.Sprintf("stopped waiting for %q", model.DisplayN(l.waitFor, 60)), false)
			l.waitFor = ""
		}
	case key.Matches(msg, k.Add):
		l.openDial()
	case l.addOff.Enabled() && key.Matches(msg, l.addOff):
		l.flashOut(readOnlyRefusal(l.addOff), true)
	case key.Matches(msg, k.Refresh):
		l.hub.RefreshList()
	case key.Matches(msg, k.Filter):
		cmd := l.startFilter()
		l.scroll(l.tableHeight()) // the filter box takes a row from the table
		return l, cmd
	case key.Matches(msg, k.Sort):
		l.sortKey = l.sortKey.next()
		l.rebuild()
		l.flashOut("sorted "+sortedBy(l.sortKey.String(), l.sortDesc), false)
	case key.Matches(msg, k.SortReverse):
		l.sortDesc = !l.sortDesc
		l.rebuild()
		l.flashOut("sorted "+sortedBy(l.sortKey.String(), l.sortDesc), false)
	case key.Matches(msg, k.ShowCompleted):
		l.showCompleted = !l.showCompleted
		l.rebuild()
		if l.showCompleted {
			l.flashOut("showing completed conferences too", false)
		} else {
			l.flashOut("showing conferences in progress", false)
		}
		// The two lists are two feeds of the live state: watch the other.
		l.unwatch()
		return l, l.watch()
	}
	return l, nil
}

// listView is the list screen with the console's header, flash and footer
// around it.
func (a *App) listView() string {
	title := []string{a.st.Title.Render("confconsole"), a.list.title()}
	title = append(title, a.badges()...)
	return strings.Join([]string{
		a.titleLine(title, a.opts.AccountSID),
		a.list.View(),
		a.flashLine(),
		a.footer(a.list.keyBindings()),
	}, "\n")
}

// title is the list's part of the header, styled.
func (l *confList) title() string {
	if l.showCompleted {
		return l.st.Text.Render("conferences (with completed)")
	}
	return l.st.Text.Render("conferences")
}

func (l *confList) canvas() canvas {
	return canvas{st: l.st, lines: l.lines, width: l.width, clock: l.clock, interval: l.interval}
}

// View draws the list from its status line to its filter box.
func (l *confList) View() string {
	lines := make([]string, 0, l.height)
	f := l.canvas()
	switch {
	case !l.loaded && l.poll.err == nil:
		lines = append(lines, fitStyled(l.st.Faint.Render(joinWords(l.waitingLine(), "loading conferences…")), l.width))
	default:
		n := joinWords(l.waitingLine(), fmt.Sprintf("%d in progress", countInProgress(l.confs)))
		if !l.loaded {
			n = "no list yet"
		}
		if l.query != "" {
			n += fmt.Sprintf(" · showing %d", len(l.rows))
		}
		if h := l.tableHeight(); len(l.rows) > h {
			n += fmt.Sprintf(" · rows %d-%d of %d", l.offset+1, min(l.offset+h, len(l.rows)), len(l.rows))
		}
		if l.sortKey != listSortNewest || l.sortDesc {
			n += " · " + sortedBy(l.sortKey.String(), l.sortDesc)
		}
		lines = append(lines, f.statusLine(n, &l.poll))
	}
	lay := planLayout(listColumns[:], listSteps[:], l.width)
	h := l.tableHeight()
	body := []string{l.lines.get(fmt.Sprint("lheader|", lay.width), func() string { return lay.header(listColumns[:], l.st) })}
	if !l.loaded && l.poll.err != nil {
		body = append(body, f.errorLines(l.poll.err, lay.width)...)
	}
	if l.loaded && len(l.rows) == 0 {
		switch {
		case l.query != "":
			body = append(body, l.st.Faint.Render("  no conference matches /"+model.DisplayN(l.query, 40)))
		case l.showCompleted:
			body = append(body, l.st.Faint.Render("  no conferences on this account"))
		default:
			body = append(body, l.st.Faint.Render("  no conference is in progress ("+keyName(l.keys.ShowCompleted)+" shows completed ones)"))
		}
	}
	end := min(l.offset+h, len(l.rows))
	for i := l.offset; i < end; i++ {
		body = append(body, l.conferenceRow(lay, l.rows[i], i == l.selIdx))
	}
	if l.add != nil {
		body = strings.Split(l.add.View(l.width, h+1), "\n")
	}
	lines = append(lines, padLines(body, h+1)...)
	if l.filtering {
		lines = append(lines, fitStyled(l.filter.View(), l.width))
	}
	return strings.Join(lines, "\n")
}

func (l *confList) conferenceRow(lay layout, c model.Conference, selected bool) string {
	k := confRowKey{c: c, minutes: minutes(l.clock, c.Created), selected: selected, width: lay.width}
	return l.cache.get(c.SID, k, func() string {
		sid := c.SID
		if lay.widths[lcolSID] < len(sid) {
			sid = shortSID(sid)
		}
		name := model.DisplayN(c.FriendlyName, 80)
		cells := []cell{
			lcolName:   {name, l.st.Cells.Text},
			lcolSID:    {model.Display(sid), l.st.Cells.Faint},
			lcolStatus: {model.DisplayN(string(c.Status), 12), conferenceStatusPaint(&l.st.Cells, c.Status)},
			lcolRegion: {model.DisplayN(c.Region, 8), l.st.Cells.Faint},
			lcolAge:    {coarseAge(l.clock, c.Created), l.st.Cells.Faint},
		}
		return lay.row(cells, selected, l.st)
	})
}

func conferenceStatusPaint(st *CellPaints, s model.ConferenceStatus) Paint {
	switch s {
	case model.ConferenceInProgress:
		return st.Connected
	case model.ConferenceCompleted:
		return st.Gone
	}
	return st.Ringing
}

func countInProgress(cs []model.Conference) int {
	n := 0
	for _, c := range cs {
		if c.Status == model.ConferenceInProgress {
			n++
		}
	}
	return n
}

// keyBindings are the keys the footer offers on the list.
func (l *confList) keyBindings() []key.Binding {
	k := l.keys
	if l.add != nil {
		return l.add.ShortHelp()
	}
	if l.filtering {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		}
	}
	var bs []key.Binding
	if len(l.rows) > 0 {
		bs = append(bs, k.Open)
	}
	bs = append(bs, k.Add, k.ShowCompleted, k.Filter, k.Sort, k.Refresh)
	switch { // in the order esc does them
	case l.query != "":
		bs = append(bs, escAs(k.Back, "clear filter"))
	case l.waitFor != "":
		bs = append(bs, escAs(k.Back, "stop waiting"))
	}
	return enabled(append(bs, k.Quit, k.Help)...)
}

// keyName is the first key of a binding as help shows it.
func keyName(b key.Binding) string { return b.Help().Key }
