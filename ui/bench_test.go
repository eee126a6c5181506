package ui

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/model"
)

// bigRoom is a harness on a conference of n participants at w x h.
func bigRoom(tb testing.TB, n, w, h int) (*harness, *fakeService) {
	svc := demoService()
	ps := make([]model.Participant, n)
	for i := range ps {
		ps[i] = participant(i+1, fmt.Sprintf("caller-%03d", i+1), func(p *model.Participant) {
			p.Muted = i%3 == 0
			p.Hold = i%7 == 0
		})
	}
	svc.setParticipants(confSID, ps...)
	hs := openRoom(tb, svc, nil)
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs, svc
}

// BenchmarkView250 is a frame of a 250-participant conference that has not
// changed: every visible row comes from the cache.
func BenchmarkView250(b *testing.B) {
	h, _ := bigRoom(b, 250, 200, 60)
	h.view()
	b.ReportAllocs()
	for b.Loop() {
		_ = h.app.View()
	}
}

// BenchmarkCursorMove250 is a key press that moves the selection and the
// frame after it: two rows render again.
func BenchmarkCursorMove250(b *testing.B) {
	h, _ := bigRoom(b, 250, 200, 60)
	down, up := keyMsg("j"), keyMsg("k")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%2 == 1 {
			k = up
		}
		i++
		m, _ := h.app.Update(k)
		h.app = m.(App)
		_ = h.app.View()
	}
}

// BenchmarkPollUnchanged250 is a poll reply that changes nothing, merged,
// diffed, filtered and sorted, then a frame.
func BenchmarkPollUnchanged250(b *testing.B) {
	h, svc := bigRoom(b, 250, 200, 60)
	ps := svc.parts[confSID]
	b.ReportAllocs()
	for b.Loop() {
		m, _ := h.app.Update(snapshotOf(h, ps))
		h.app = m.(App)
		_ = h.app.View()
	}
}

// BenchmarkFirstFrame250 renders every visible row from scratch (a resize).
func BenchmarkFirstFrame250(b *testing.B) {
	h, _ := bigRoom(b, 250, 200, 60)
	b.ReportAllocs()
	w := 200
	for b.Loop() {
		w = 399 - w // alternate 200 and 199 so the cache never hits
		m, _ := h.app.Update(tea.WindowSizeMsg{Width: w, Height: 60})
		h.app = m.(App)
		_ = h.app.View()
	}
}

// TestLargeConferenceFrame checks a 250-participant frame is whole and
// stays within the terminal, at both ends of the supported sizes.
func TestLargeConferenceFrame(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {200, 60}} {
		h, _ := bigRoom(t, 250, sz.w, sz.h)
		v := h.view()
		lines := strings.Split(v, "\n")
		if len(lines) != sz.h {
			t.Errorf("%dx%d: %d lines", sz.w, sz.h, len(lines))
		}
		if !strings.Contains(v, "caller-001") || strings.Contains(v, "caller-250") {
			t.Errorf("%dx%d: should show the first rows only", sz.w, sz.h)
		}
		h.key("G")
		if !strings.Contains(h.view(), "caller-250") {
			t.Errorf("%dx%d: G should scroll to the last row", sz.w, sz.h)
		}
	}
	_ = io.Discard
	_ = time.Second
}
