package ui

import (
	"slices"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func newTestListing(rows ...string) *listing[string] {
	l := newListing(func(s string) string { return s }, newFilterInput(&Styles{}))
	l.rows = rows
	return &l
}

// TestListingSelectionFollowsTheKey holds the selection both tables share:
// it stays on its row when the rows are reordered, moves to the row now at
// its old place when its row goes, and empties with the table.
func TestListingSelectionFollowsTheKey(t *testing.T) {
	tests := []struct {
		name         string
		before       []string
		pick         int
		after        []string
		wantSel      string
		wantIdx      int
		wantSelected bool
	}{
		{"reordered", []string{"a", "b", "c"}, 1, []string{"c", "a", "b"}, "b", 2, true},
		{"its row left", []string{"a", "b", "c"}, 1, []string{"a", "c"}, "c", 1, true},
		{"the last row left", []string{"a", "b", "c"}, 2, []string{"a", "b"}, "b", 1, true},
		{"every row left", []string{"a", "b"}, 0, nil, "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newTestListing(tt.before...)
			l.selectRow(tt.pick, 10)
			l.rows = tt.after
			l.reselect()
			if l.selected != tt.wantSel || l.selIdx != tt.wantIdx {
				t.Errorf("selected %q at %d, want %q at %d", l.selected, l.selIdx, tt.wantSel, tt.wantIdx)
			}
		})
	}
}

// TestListingMovesAndPages holds the moving keys and the window: a page is
// the table's height, moves stop at either end, and the selection is always
// on screen.
func TestListingMovesAndPages(t *testing.T) {
	rows := make([]string, 25)
	for i := range rows {
		rows[i] = string(rune('A' + i))
	}
	k := testKeyMap()
	const h = 10
	tests := []struct {
		keys    []string
		wantIdx int
	}{
		{[]string{"down"}, 1},
		{[]string{"up"}, 0},
		{[]string{"pgdown"}, 10},
		{[]string{"pgdown", "pgdown", "pgdown"}, 24},
		{[]string{"end", "pgup"}, 14},
		{[]string{"end", "home"}, 0},
		{[]string{"end", "down"}, 24},
	}
	for _, tt := range tests {
		l := newTestListing(slices.Clone(rows)...)
		l.selectRow(0, h)
		for _, s := range tt.keys {
			if !l.move(keyMsg(s), k, h) {
				t.Fatalf("%q is not a moving key", s)
			}
		}
		if l.selIdx != tt.wantIdx || l.selected != rows[tt.wantIdx] {
			t.Errorf("%v: at %d (%q), want %d", tt.keys, l.selIdx, l.selected, tt.wantIdx)
		}
		if l.selIdx < l.offset || l.selIdx >= l.offset+h {
			t.Errorf("%v: row %d is off the window at %d", tt.keys, l.selIdx, l.offset)
		}
	}
	if l := newTestListing(rows...); l.move(keyMsg("/"), k, h) {
		t.Error("/ moved the selection")
	}
}

// TestListingFilterBox holds the filter box both tables share: typing
// changes the query at once, enter keeps it, esc drops it, and back clears
// it.
func TestListingFilterBox(t *testing.T) {
	l := newTestListing("a")
	l.startFilter()
	for _, r := range "ag" {
		if changed, _ := l.filterKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}); !changed {
			t.Fatalf("typing %q did not change the query", r)
		}
	}
	if changed, _ := l.filterKey(tea.KeyMsg{Type: tea.KeyEnter}); changed || l.filtering || l.query != "ag" {
		t.Fatalf("enter: changed %v, filtering %v, query %q; want the filter kept and the box closed", changed, l.filtering, l.query)
	}
	l.startFilter()
	if l.filter.Value() != "ag" {
		t.Errorf("the box reopened on %q, want the applied filter", l.filter.Value())
	}
	if changed, _ := l.filterKey(tea.KeyMsg{Type: tea.KeyEsc}); !changed || l.filtering || l.query != "" || l.filter.Value() != "" {
		t.Fatalf("esc: changed %v, filtering %v, query %q; want the filter dropped", changed, l.filtering, l.query)
	}
	l.query = "x"
	l.filter.SetValue("x")
	l.clearFilter()
	if l.query != "" || l.filter.Value() != "" {
		t.Errorf("clearFilter left %q / %q", l.query, l.filter.Value())
	}
}
