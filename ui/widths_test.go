package ui

import (
	"net/http"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// The end prompt shows the conference name as model.Display writes it, so
// typing back what the screen shows must confirm, as typing the name
// itself does.
func TestRequireExactlyAcceptsTheShownName(t *testing.T) {
	tests := []struct {
		want, typed string
		ok          bool
	}{
		{"bridge 👍🏽", "bridge 👍🏽", true},
		{"bridge 👍🏽", "bridge 👍", true},
		{"🇫🇷 Paris", "[FR] Paris", true},
		{"❤️ team", "❤ team", true},
		{"bridge 👍🏽", "bridge", false},
		{"bridge 👍🏽", "", false},
		{"support-room", "support-room", true},
		{"support-room", "support", false},
	}
	for _, tt := range tests {
		err := RequireExactly(tt.want)(tt.typed)
		if (err == nil) != tt.ok {
			t.Errorf("RequireExactly(%q)(%q) = %v, want ok=%v", tt.want, tt.typed, err, tt.ok)
		}
	}
}

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
