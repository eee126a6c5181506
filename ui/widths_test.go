package ui

import (
	"net/http"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// Twilio's messages can quote a label back; the flash and the status line
// that repeat them must still fit the terminal as tmux draws it.
func TestErrorsQuotingLabelsFit(t *testing.T) {
	label := strings.Repeat("👍🏽", 30)
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 30}} {
		f := disputedWidthService()
		h := openRoom(t, f, nil)
		h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
		f.failNext("UpdateParticipant", twilioErr("update participant", label, http.StatusBadRequest, 21220, "Invalid label "+label))
		h.key("m")
		if h.app.flash.text == "" || !h.app.flash.isErr {
			t.Fatalf("no error flash after a failed mute: %+v", h.app.flash)
		}
		checkLineWidths(t, h.view(), sz.w)

		f.failNext("ListParticipants", twilioErr("list participants", label, http.StatusBadRequest, 21220, "Invalid label "+label))
		h.poll()
		checkLineWidths(t, h.view(), sz.w)
	}
}
