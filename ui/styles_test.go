package ui

import "testing"

func TestDetectTheme(t *testing.T) {
	tests := []struct {
		name    string
		setting string
		env     map[string]string
		want    string
	}{
		{"auto without hints assumes dark", "auto", nil, "dark"},
		{"dark forced", "dark", map[string]string{"COLORFGBG": "0;15"}, "dark"},
		{"light forced", "light", nil, "light"},
		{"COLORFGBG light background", "auto", map[string]string{"COLORFGBG": "0;15"}, "light"},
		{"COLORFGBG bg 7 is light", "auto", map[string]string{"COLORFGBG": "0;7"}, "light"},
		{"COLORFGBG dark background", "auto", map[string]string{"COLORFGBG": "15;0"}, "dark"},
		{"COLORFGBG three fields", "auto", map[string]string{"COLORFGBG": "0;default;15"}, "light"},
		{"COLORFGBG garbage assumes dark", "auto", map[string]string{"COLORFGBG": "x;y"}, "dark"},
		{"unknown setting is auto", "purple", map[string]string{"COLORFGBG": "0;15"}, "light"},
		{"NO_COLOR wins over a forced theme", "light", map[string]string{"NO_COLOR": "1"}, "mono"},
		{"empty NO_COLOR is not set", "auto", map[string]string{"NO_COLOR": ""}, "dark"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := DetectTheme(tc.setting, func(k string) string { return tc.env[k] })
			if got.Name != tc.want {
				t.Errorf("DetectTheme(%q, %v) = %s, want %s", tc.setting, tc.env, got.Name, tc.want)
			}
			if (got.Name == "mono") != got.NoColor {
				t.Errorf("theme %s: NoColor = %v", got.Name, got.NoColor)
			}
		})
	}
	if got := DetectTheme("auto", nil); got.Name != "dark" {
		t.Errorf("DetectTheme with nil getenv = %s, want dark", got.Name)
	}
}

func TestSelectionIsMoreThanColour(t *testing.T) {
	st := NewStyles(MonoTheme())
	if st.Marker == "" || st.Marker == st.NoMarker {
		t.Fatalf("selection marker %q must be a visible glyph distinct from %q", st.Marker, st.NoMarker)
	}
	if w1, w2 := len([]rune(st.Marker)), len([]rune(st.NoMarker)); w1 != w2 {
		t.Errorf("marker and blank widths differ: %d vs %d", w1, w2)
	}
}
