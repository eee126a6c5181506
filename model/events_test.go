package model

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)

// with returns a copy of ps with f applied to the participant labelled l.
func with(ps []Participant, l string, f func(*Participant)) []Participant {
	out := append([]Participant(nil), ps...)
	for i := range out {
		if out[i].Label == l {
			f(&out[i])
		}
	}
	return out
}

// describe renders events compactly for comparison: "kind label [detail]".
func describe(es []Event) string {
	var parts []string
	for _, e := range es {
		s := e.Kind.String() + " " + e.Name()
		switch e.Kind {
		case EventCoachingStarted, EventCoachingStopped:
			s += " " + e.TargetLabel
		case EventStatusChanged:
			s += fmt.Sprintf(" %s>%s", e.From, e.To)
		case EventJoined:
			s += " " + string(e.To)
		case EventLeft:
			s += " " + string(e.From)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func TestDiff(t *testing.T) {
	base := ps("a", "b", "c")
	coachB := func(p *Participant) { p.Coaching, p.CallSIDToCoach = true, sid("b") }
	tests := []struct {
		name       string
		prev, next []Participant
		want       string
	}{
		{"nothing changed", base, base, ""},
		{"first poll: all joined", nil, ps("a", "b"), "joined a connected; joined b connected"},
		{"joined ringing", base, append(ps("a", "b", "c"), Participant{CallSID: sid("d"), Label: "d", Status: ParticipantRinging}), "joined d ringing"},
		{"left", base, ps("a", "c"), "left b connected"},
		{"left in prev order after joins", base, ps("x"), "joined x connected; left a connected; left b connected; left c connected"},
		{"muted", base, with(base, "b", func(p *Participant) { p.Muted = true }), "muted b"},
		{"unmuted", with(base, "b", func(p *Participant) { p.Muted = true }), base, "unmuted b"},
		{"held", base, with(base, "c", func(p *Participant) { p.Hold = true }), "held c"},
		{"resumed", with(base, "c", func(p *Participant) { p.Hold = true }), base, "resumed c"},
		{"started coaching", base, with(base, "a", coachB), "started coaching a b"},
		{"stopped coaching", with(base, "a", coachB), base, "stopped coaching a b"},
		{"switched coaching target", with(base, "a", coachB),
			with(base, "a", func(p *Participant) { p.Coaching, p.CallSIDToCoach = true, sid("c") }), "started coaching a c"},
		{"status changed", with(base, "a", func(p *Participant) { p.Status = ParticipantRinging }), base, "status changed a ringing>connected"},
		{"several changes at once, fixed order",
			base, with(base, "b", func(p *Participant) {
				p.Status, p.Muted, p.Hold = ParticipantComplete, true, true
				coachB(p)
			}), "status changed b connected>complete; muted b; held b; started coaching b b"},
		{"reorder alone is no event", base, ps("c", "b", "a"), ""},
		{"label change alone is no event", base, with(base, "a", func(p *Participant) { p.Label = "a2" }), ""},
		{"duplicates reported once", base, append(ps("a", "b", "c"), ps("d", "d")...), "joined d connected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff(tt.prev, tt.next, t0)
			if d := describe(got); d != tt.want {
				t.Errorf("Diff = %q\nwant   %q", d, tt.want)
			}
			for _, e := range got {
				if !e.At.Equal(t0) {
					t.Errorf("event %v at %v, want %v", e.Kind, e.At, t0)
				}
				if e.CallSID == "" {
					t.Errorf("event %v has no call SID", e.Kind)
				}
			}
		})
	}
}

func TestDiffTargetLabelOfLeaver(t *testing.T) {
	// a stops coaching b in the same poll that b leaves: the event still
	// names b by its label from the previous poll.
	prev := with(ps("a", "b"), "a", func(p *Participant) { p.Coaching, p.CallSIDToCoach = true, sid("b") })
	got := Diff(prev, ps("a"), t0)
	if d := describe(got); d != "stopped coaching a b; left b connected" {
		t.Errorf("Diff = %q", d)
	}
}

func TestEventString(t *testing.T) {
	tests := []struct {
		e    Event
		want string
	}{
		{Event{Kind: EventJoined, Label: "agent-7", To: ParticipantRinging}, "agent-7 joined (ringing)"},
		{Event{Kind: EventLeft, CallSID: sid("z")}, sid("z") + " left"},
		{Event{Kind: EventMuted, Label: "a"}, "a muted"},
		{Event{Kind: EventUnmuted, Label: "a"}, "a unmuted"},
		{Event{Kind: EventHeld, Label: "a"}, "a put on hold"},
		{Event{Kind: EventResumed, Label: "a"}, "a resumed from hold"},
		{Event{Kind: EventCoachingStarted, Label: "sup", Target: sid("c"), TargetLabel: "caller"}, "sup started coaching caller"},
		{Event{Kind: EventCoachingStarted, Label: "sup", Target: sid("c")}, "sup started coaching " + sid("c")},
		{Event{Kind: EventCoachingStopped, Label: "sup"}, "sup stopped coaching"},
		{Event{Kind: EventStatusChanged, Label: "a", From: ParticipantRinging, To: ParticipantConnected}, "a ringing → connected"},
		{Event{Kind: EventMuted, Label: "\x1b]0;pwn\x07\u202e"}, "␛]0;pwn␇<U+202E> muted"},
		{Event{Kind: EventKind(99), Label: "a"}, "a event(99)"},
	}
	for _, tt := range tests {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("%v.String() = %q, want %q", tt.e.Kind, got, tt.want)
		}
	}
	long := Event{Kind: EventMuted, Label: strings.Repeat("x", 10000)}.String()
	if len(long) > 100 {
		t.Errorf("String of a 10,000-character label is %d bytes; labels should be capped", len(long))
	}
}

func TestEventLog(t *testing.T) {
	ev := func(i int) Event { return Event{Kind: EventMuted, Label: fmt.Sprint(i)} }
	newest := func(l *EventLog) string {
		var s []string
		for _, e := range l.Newest(-1) {
			s = append(s, e.Label)
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		name  string
		cap   int
		adds  int
		want  string
		wantN int
	}{
		{"empty", 3, 0, "", 0},
		{"partly full", 3, 2, "1,0", 2},
		{"exactly full", 3, 3, "2,1,0", 3},
		{"wrapped once", 3, 4, "3,2,1", 3},
		{"wrapped many times", 3, 11, "10,9,8", 3},
		{"capacity one", 1, 5, "4", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewEventLog(tt.cap)
			for i := range tt.adds {
				l.Add(ev(i))
			}
			if got := newest(l); got != tt.want {
				t.Errorf("newest first = %q, want %q", got, tt.want)
			}
			if l.Len() != tt.wantN || l.Cap() != tt.cap {
				t.Errorf("Len, Cap = %d, %d; want %d, %d", l.Len(), l.Cap(), tt.wantN, tt.cap)
			}
			if tt.wantN > 0 {
				e, ok := l.At(0)
				if !ok || e.Label != fmt.Sprint(tt.adds-1) {
					t.Errorf("At(0) = %q, %v; want the newest", e.Label, ok)
				}
			}
			if _, ok := l.At(tt.wantN); ok {
				t.Errorf("At(%d) past the end reported ok", tt.wantN)
			}
			if _, ok := l.At(-1); ok {
				t.Error("At(-1) reported ok")
			}
		})
	}
}

func TestEventLogDefaultsAndNewest(t *testing.T) {
	if c := NewEventLog(0).Cap(); c != DefaultEventLogCapacity {
		t.Errorf("NewEventLog(0).Cap() = %d, want %d", c, DefaultEventLogCapacity)
	}
	l := NewEventLog(5)
	l.AddAll([]Event{{Label: "a"}, {Label: "b"}, {Label: "c"}})
	got := l.Newest(2)
	if len(got) != 2 || got[0].Label != "c" || got[1].Label != "b" {
		t.Errorf("Newest(2) = %+v, want c, b", got)
	}
	if got := l.Newest(10); len(got) != 3 {
		t.Errorf("Newest(10) with 3 held = %d events", len(got))
	}
}

// A shift's worth of events never grows the log: Add does not allocate, and
// the ring's backing array is the one it started with.
func TestEventLogDoesNotGrow(t *testing.T) {
	l := NewEventLog(100)
	e := Event{Kind: EventJoined, Label: "agent-7", CallSID: sid("a")}
	before := &l.buf[0]
	// 8 hours of a 2 s poll producing a few events each.
	if n := testing.AllocsPerRun(8*3600/2*4/100, func() {
		for range 100 {
			l.Add(e)
		}
	}); n != 0 {
		t.Errorf("Add allocates %v times per 100 events, want 0", n)
	}
	if &l.buf[0] != before || len(l.buf) != 100 || cap(l.buf) != 100 {
		t.Errorf("ring was reallocated or grew: len %d cap %d", len(l.buf), cap(l.buf))
	}
}

func BenchmarkDiff250(b *testing.B) {
	var names []string
	for i := range 250 {
		names = append(names, fmt.Sprintf("p%d", i))
	}
	prev := ps(names...)
	next := with(prev, "p7", func(p *Participant) { p.Muted = true })
	for b.Loop() {
		_ = Diff(prev, next, t0)
	}
}

func BenchmarkEventLogAdd(b *testing.B) {
	l := NewEventLog(1000)
	e := Event{Kind: EventJoined, Label: "agent-7"}
	b.ReportAllocs()
	for b.Loop() {
		l.Add(e)
	}
}
