package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"confconsole/model"
)

// confList is the conference list screen.
type confList struct {
	listing[model.Conference] // rows, selection by SID, window, filter

	confs         []model.Conference // the last fetch, in Twilio's order (newest first)
	poll          poller
	loaded        bool
	showCompleted bool
	sortKey       listSort
	sortDesc      bool
	cache         rowCache[confRowKey]
}

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

func newConfList(st *Styles) confList {
	ti := newFilterInput(st)
	ti.Placeholder = "name, SID, status or region"
	return confList{
		listing: newListing(func(c model.Conference) string { return c.SID }, ti),
		cache:   newRowCache[confRowKey](),
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

func (a *App) listTableHeight() int {
	h := a.height - listChrome
	if a.list.filtering {
		h--
	}
	return max(h, 1)
}

// listRefetch polls the conference list now, or when the poll in flight
// lands.
func (a *App) listRefetch() tea.Cmd {
	seq, ok := a.list.poll.begin()
	if !ok {
		return nil
	}
	return fetchConferences(a.svc, a.list.showCompleted, seq, a.now)
}

func (a *App) listNext() tea.Cmd {
	p := &a.list.poll
	if p.again {
		p.again = false
		return a.listRefetch()
	}
	p.gen++
	gen := p.gen
	d := p.delay(a.interval, a.jitter)
	p.nextAt = a.now().Add(d)
	return a.sched(d, func(time.Time) tea.Msg {
		return pollMsg{target: screenList, gen: gen}
	})
}

func (a App) onPoll(m pollMsg) (App, tea.Cmd) {
	switch {
	case m.target == screenList && a.screen == screenList && m.gen == a.list.poll.gen:
		return a, a.listRefetch()
	case m.target == screenRoom && a.screen == screenRoom && m.gen == a.room.poll.gen:
		return a, a.roomRefetch()
	}
	return a, nil // a tick from a schedule that a refetch or a screen change replaced
}

func (a App) onResolved(m resolvedMsg) (App, tea.Cmd) {
	if m.notStarted {
		// Supervisors often open the console before the call: wait for
		// it on the list, which polls anyway, rather than give up.
		a.waitFor = m.query
		return a, a.listRefetch()
	}
	if m.err != nil {
		a.setFlash(explain(m.err), true)
		return a, a.listRefetch()
	}
	return a.openRoom(m.conf)
}

func (a App) onConferences(m conferencesMsg) (App, tea.Cmd) {
	l := &a.list
	if a.screen != screenList || !l.poll.land(m.seq) {
		return a, nil
	}
	if m.err != nil {
		a.notePollFailure(&l.poll, "the conference list", m.err)
		return a, a.listNext()
	}
	l.poll.succeeded(m.at)
	l.confs = m.confs
	l.loaded = true
	a.rebuildList()
	if a.waitFor != "" {
		for _, c := range m.confs {
			if c.FriendlyName == a.waitFor && c.Status == model.ConferenceInProgress {
				a.waitFor = ""
				return a.openRoom(c)
			}
		}
	}
	return a, a.listNext()
}

// waitingLine says which conference the console waits for, if any.
func (a *App) waitingLine() string {
	if a.waitFor == "" {
		return ""
	}
	return fmt.Sprintf("waiting for %q to start (%s stops waiting)", model.DisplayN(a.waitFor, 60), keyName(a.keys.Back))
}

// rebuildList applies the filter and keeps the selection on the same
// conference.
func (a *App) rebuildList() {
	l := &a.list
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
	a.fixScroll()
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

func (a App) listKey(msg tea.KeyMsg) (App, tea.Cmd) {
	l := &a.list
	if l.filtering {
		changed, cmd := l.filterKey(msg)
		if changed {
			a.rebuildList()
		}
		return a, cmd
	}
	k := a.keys
	if l.move(msg, k, a.listTableHeight()) {
		return a, nil
	}
	switch {
	case key.Matches(msg, k.Open):
		if len(l.rows) == 0 {
			return a, nil
		}
		return a.openRoom(l.rows[l.selIdx])
	case key.Matches(msg, k.Back):
		switch {
		case l.query != "":
			l.clearFilter()
			a.rebuildList()
		case a.waitFor != "":
			a.setFlash(fmt.Sprintf("stopped waiting for %q", model.DisplayN(a.waitFor, 60)), false)
			a.waitFor = ""
		}
	case key.Matches(msg, k.Refresh):
		return a, a.listRefetch()
	case key.Matches(msg, k.Filter):
		cmd := l.startFilter()
		a.fixScroll() // the filter box takes a row from the table
		return a, cmd
	case key.Matches(msg, k.Sort):
		l.sortKey = l.sortKey.next()
		a.rebuildList()
		a.setFlash("sorted "+sortedBy(l.sortKey.String(), l.sortDesc), false)
	case key.Matches(msg, k.SortReverse):
		l.sortDesc = !l.sortDesc
		a.rebuildList()
		a.setFlash("sorted "+sortedBy(l.sortKey.String(), l.sortDesc), false)
	case key.Matches(msg, k.ShowCompleted):
		l.showCompleted = !l.showCompleted
		a.rebuildList()
		if l.showCompleted {
			a.setFlash("showing completed conferences too", false)
		} else {
			a.setFlash("showing conferences in progress", false)
		}
		return a, a.listRefetch()
	}
	return a, nil
}

func (a *App) listView() string {
	l := &a.list
	lines := make([]string, 0, a.height)
	title := []string{a.st.Title.Render("confconsole"), a.st.Text.Render("conferences")}
	if l.showCompleted {
		title[1] = a.st.Text.Render("conferences (with completed)")
	}
	title = append(title, a.badges()...)
	lines = append(lines, a.titleLine(title, a.opts.AccountSID))
	switch {
	case !l.loaded && l.poll.err == nil:
		lines = append(lines, fitStyled(a.st.Faint.Render(joinWords(a.waitingLine(), "loading conferences…")), a.width))
	default:
		n := joinWords(a.waitingLine(), fmt.Sprintf("%d in progress", countInProgress(l.confs)))
		if !l.loaded {
			n = "no list yet"
		}
		if l.query != "" {
			n += fmt.Sprintf(" · showing %d", len(l.rows))
		}
		if h := a.listTableHeight(); len(l.rows) > h {
			n += fmt.Sprintf(" · rows %d-%d of %d", l.offset+1, min(l.offset+h, len(l.rows)), len(l.rows))
		}
		if l.sortKey != listSortNewest || l.sortDesc {
			n += " · " + sortedBy(l.sortKey.String(), l.sortDesc)
		}
		lines = append(lines, a.statusLine(n, &l.poll))
	}
	lay := planLayout(listColumns[:], listSteps[:], a.width)
	h := a.listTableHeight()
	body := []string{a.lines.get(fmt.Sprint("lheader|", lay.width), func() string { return lay.header(listColumns[:], a.st) })}
	if !l.loaded && l.poll.err != nil {
		body = append(body, a.errorLines(l.poll.err, lay.width)...)
	}
	if l.loaded && len(l.rows) == 0 {
		switch {
		case l.query != "":
			body = append(body, a.st.Faint.Render("  no conference matches /"+model.DisplayN(l.query, 40)))
		case l.showCompleted:
			body = append(body, a.st.Faint.Render("  no conferences on this account"))
		default:
			body = append(body, a.st.Faint.Render("  no conference is in progress ("+keyName(a.keys.ShowCompleted)+" shows completed ones)"))
		}
	}
	end := min(l.offset+h, len(l.rows))
	for i := l.offset; i < end; i++ {
		body = append(body, a.conferenceRow(lay, l.rows[i], i == l.selIdx))
	}
	lines = append(lines, padLines(body, h+1)...)
	if l.filtering {
		lines = append(lines, fitStyled(l.filter.View(), a.width))
	}
	lines = append(lines, a.flashLine(), a.footer(a.listKeys()))
	return strings.Join(lines, "\n")
}

func (a *App) conferenceRow(lay layout, c model.Conference, selected bool) string {
	k := confRowKey{c: c, minutes: minutes(a.clock, c.Created), selected: selected, width: lay.width}
	return a.list.cache.get(c.SID, k, func() string {
		sid := c.SID
		if lay.widths[lcolSID] < len(sid) {
			sid = shortSID(sid)
		}
		name := model.DisplayN(c.FriendlyName, 80)
		cells := []cell{
			lcolName:   {name, a.st.Cells.Text},
			lcolSID:    {model.Display(sid), a.st.Cells.Faint},
			lcolStatus: {model.DisplayN(string(c.Status), 12), conferenceStatusPaint(&a.st.Cells, c.Status)},
			lcolRegion: {model.DisplayN(c.Region, 8), a.st.Cells.Faint},
			lcolAge:    {coarseAge(a.clock, c.Created), a.st.Cells.Faint},
		}
		return lay.row(cells, selected, a.st)
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

func (a *App) listKeys() []key.Binding {
	k := a.keys
	if a.list.filtering {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		}
	}
	var bs []key.Binding
	if len(a.list.rows) > 0 {
		bs = append(bs, k.Open)
	}
	bs = append(bs, k.ShowCompleted, k.Filter, k.Sort, k.Refresh)
	if a.list.query != "" || a.waitFor != "" {
		bs = append(bs, k.Back)
	}
	return enabled(append(bs, k.Quit, k.Help)...)
}

// keyName is the first key of a binding as help shows it.
func keyName(b key.Binding) string { return b.Help().Key }
