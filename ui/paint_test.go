package ui

import (
	"strings"
	"testing"
	"time"
)

func TestFgOnly(t *testing.T) {
	tests := []struct {
		pre  string
		want bool
	}{
		{"\x1b[38;5;245m", true},
		{"\x1b[38;2;10;20;30m", true},
		{"\x1b[31m", true},
		{"\x1b[91m", true},
		{"", false},
		{"\x1b[1;38;5;75m", false},        // bold
		{"\x1b[38;5;231;48;5;24m", false}, // a background
		{"\x1b[3;38;5;214m", false},       // italic
		{"\x1b[48;5;24m", false},
		{"\x1b[2m", false}, // dim: an attribute, not a colour
		{"\x1b[1;94m", false},
		{"\x1b[38;5;245m\x1b[1m", false},
		{"\x1b[38;5m", false},
		{"\x1b[38;5;245", false},
	}
	for _, tc := range tests {
		if got := fgOnly(Paint{Pre: tc.pre, Post: "\x1b[0m"}); got != tc.want {
			t.Errorf("fgOnly(%q) = %v, want %v", tc.pre, got, tc.want)
		}
	}
}

func TestPaintRuns(t *testing.T) {
	const reset = "\x1b[0m"
	grey := Paint{"\x1b[38;5;245m", reset}
	green := Paint{"\x1b[38;5;78m", reset}
	bold := Paint{"\x1b[1;38;5;75m", reset}
	dim := Paint{"\x1b[2m", reset}
	bar := Paint{"\x1b[38;5;231;48;5;24m", reset}
	type piece struct {
		p    Paint
		text string
	}
	tests := []struct {
		name   string
		pieces []piece
		trim   bool
		want   string
	}{
		{"one paint, one run", []piece{{grey, "a "}, {grey, "b"}}, false, grey.Pre + "a b" + reset},
		{"colour to colour without a reset", []piece{{grey, "a"}, {green, "b"}}, false, grey.Pre + "a" + green.Pre + "b" + reset},
		{"reset after bold shares the next sequence", []piece{{bold, "k"}, {grey, "d"}}, false, bold.Pre + "k\x1b[0;38;5;245md" + reset},
		{"a colour is reset before an attribute alone", []piece{{green, "c"}, {dim, "d"}}, false, green.Pre + "c\x1b[0;2md" + reset},
		{"colour after dim", []piece{{dim, "d"}, {green, "c"}}, false, dim.Pre + "d\x1b[0;38;5;78mc" + reset},
		{"bold colour after a colour needs no reset", []piece{{grey, "a"}, {bold, "k"}}, false, grey.Pre + "a" + bold.Pre + "k" + reset},
		{"reset before no paint", []piece{{grey, "a"}, {Paint{}, "b"}}, false, grey.Pre + "a" + reset + "b"},
		{"empty text changes nothing", []piece{{grey, "a"}, {bold, ""}, {grey, "b"}}, false, grey.Pre + "ab" + reset},
		{"trailing padding trimmed", []piece{{grey, "a"}, {green, "1m   "}}, true, grey.Pre + "a" + green.Pre + "1m" + reset},
		{"padding trimmed after bold and dim", []piece{{grey, "a"}, {dim, "1m  "}}, true, grey.Pre + "a\x1b[0;2m1m" + reset},
		{"padding kept where it may show", []piece{{bar, "a  "}}, true, bar.Pre + "a  " + reset},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			r := paintRuns{b: &b}
			for _, p := range tc.pieces {
				r.write(p.p, p.text)
			}
			if tc.trim {
				r.trimTrailingSpaces()
			}
			r.end()
			if got := b.String(); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestStatusSaysLiveWhilePollsAreOnTime holds the rule that keeps an idle
// console silent: while replies arrive on time the status line does not
// change (so an unchanged poll draws nothing), and once a reply is late it
// shows the data's age.
func TestStatusSaysLiveWhilePollsAreOnTime(t *testing.T) {
	h := openRoom(t, demoService(), nil) // 2 s polls
	statusLine := func() string { return strings.Split(h.view(), "\n")[1] }
	if s := statusLine(); !strings.HasSuffix(strings.TrimSpace(s), "live") {
		t.Fatalf("status after a fresh poll = %q, want it to end in live", s)
	}
	before := h.view()
	h.setClock(h.clock.Add(time.Second))
	h.send(clockMsg{t: h.clock})
	h.poll()
	if after := h.view(); after != before {
		t.Errorf("a second later and an unchanged poll, the screen changed:\n%s\n---\n%s", before, after)
	}
	// No reply for 5 s (two intervals and a second): the age shows.
	h.setClock(h.clock.Add(5 * time.Second))
	h.send(clockMsg{t: h.clock})
	if s := statusLine(); !strings.Contains(s, "updated 5s ago") {
		t.Errorf("status with a late reply = %q, want updated 5s ago", s)
	}
}
