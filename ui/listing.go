package ui

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// listing is what the conference list and the participants table share: the
// rows a table shows, a selection that follows a row's key rather than its
// place, the window of rows on screen, and the filter box that narrows them.
// Each table embeds one and decides for itself what the rows are.
type listing[T any] struct {
	keyOf     func(T) string // a row's key: the selection follows it
	rows      []T            // what the table shows: filtered and sorted
	selected  string         // the selected row's key
	selIdx    int            // where the selection is, or was when its row left
	offset    int            // first row on screen
	filter    *textinput.Model
	query     string // the applied filter
	filtering bool   // the filter box has the keys
}

// newListing is a listing whose rows are keyed by keyOf, filtered through
// filter (a pointer: the models are copied on every message, and an input is
// big).
func newListing[T any](keyOf func(T) string, filter *textinput.Model) listing[T] {
	return listing[T]{keyOf: keyOf, filter: filter}
}

// reselect keeps the selection on the same row after the rows changed, or
// moves it to the row now at its old place when that row is gone.
func (l *listing[T]) reselect() {
	for i, r := range l.rows {
		if l.keyOf(r) == l.selected {
			l.selIdx = i
			return
		}
	}
	if len(l.rows) == 0 {
		l.selected = ""
		l.selIdx = 0
		return
	}
	l.selIdx = min(max(l.selIdx, 0), len(l.rows)-1)
	l.selected = l.keyOf(l.rows[l.selIdx])
}

// selectRow selects row i, clamped to the rows, and scrolls it into a
// window of height rows.
func (l *listing[T]) selectRow(i, height int) {
	if len(l.rows) == 0 {
		return
	}
	l.selIdx = min(max(i, 0), len(l.rows)-1)
	l.selected = l.keyOf(l.rows[l.selIdx])
	l.scroll(height)
}

// scroll moves the window of height rows so that the selection is in it.
func (l *listing[T]) scroll(height int) {
	l.offset = window(l.offset, l.selIdx, len(l.rows), height)
}

// move handles the keys that move the selection, a page being height rows;
// it reports whether msg was one of them.
func (l *listing[T]) move(msg tea.KeyMsg, k KeyMap, height int) bool {
	switch {
	case key.Matches(msg, k.Up):
		l.selectRow(l.selIdx-1, height)
	case key.Matches(msg, k.Down):
		l.selectRow(l.selIdx+1, height)
	case key.Matches(msg, k.PageUp):
		l.selectRow(l.selIdx-height, height)
	case key.Matches(msg, k.PageDown):
		l.selectRow(l.selIdx+height, height)
	case key.Matches(msg, k.Top):
		l.selectRow(0, height)
	case key.Matches(msg, k.Bottom):
		l.selectRow(len(l.rows)-1, height)
	default:
		return false
	}
	return true
}

// startFilter opens the filter box on the applied filter.
func (l *listing[T]) startFilter() tea.Cmd {
	l.filtering = true
	l.filter.SetValue(l.query)
	l.filter.CursorEnd()
	return l.filter.Focus()
}

// clearFilter drops the applied filter.
func (l *listing[T]) clearFilter() {
	l.query = ""
	l.filter.SetValue("")
}

// filterKey edits the filter as it is typed, so the table narrows live:
// enter keeps the filter, esc drops it. changed reports that the query
// changed and the rows must be rebuilt.
func (l *listing[T]) filterKey(msg tea.KeyMsg) (changed bool, cmd tea.Cmd) {
	switch msg.Type {
	case tea.KeyEnter:
		l.filtering = false
		l.filter.Blur()
		return false, nil
	case tea.KeyEsc:
		l.filtering = false
		l.filter.Blur()
		l.clearFilter()
		return true, nil
	}
	*l.filter, cmd = l.filter.Update(msg)
	if v := l.filter.Value(); v != l.query {
		l.query = v
		return true, cmd
	}
	return false, cmd
}
