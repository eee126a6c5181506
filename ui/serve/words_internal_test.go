package serve

import (
	"testing"
	"time"
)

// TestWords: counts and durations in the messages sessions are told read as
// English: "1 session", "8h".
func TestWords(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{sessionsCount(1), "1 session"},
		{sessionsCount(5), "5 sessions"},
		{shortDuration(8 * time.Hour), "8h"},
		{shortDuration(90 * time.Minute), "1h30m"},
		{shortDuration(10 * time.Minute), "10m"},
		{shortDuration(time.Hour + 30*time.Second), "1h0m30s"},
		{shortDuration(1500 * time.Millisecond), "1.5s"},
	} {
		if tc.got != tc.want {
			t.Errorf("%q, want %q", tc.got, tc.want)
		}
	}
}
