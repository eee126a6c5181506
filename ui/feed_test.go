package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestAddFormOverFeedShowsWhole: at 80x24 with the event feed open under
// the table, the add form is drawn whole (its last field, its button and
// its keys), not cut off by the feed.
func TestAddFormOverFeedShowsWhole(t *testing.T) {
	h := openRoom(t, demoService(), nil)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.key("e")
	h.key("n")
	v := h.view()
	for _, want := range []string{"End conf. on exit", "[ Add participant ]", "╰"} {
		if !strings.Contains(v, want) {
			t.Errorf("the add form lacks %q at 80x24 with the feed open:\n%s", want, v)
		}
	}
	h.key("esc")
	if v := h.view(); !strings.Contains(v, "EVENTS (0)") {
		t.Errorf("the feed should come back when the form closes:\n%s", v)
	}
}
