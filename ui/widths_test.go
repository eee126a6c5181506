package ui

import "testing"

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
