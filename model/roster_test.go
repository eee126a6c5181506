package model

import (
	"encoding/hex"
	"slices"
	"strings"
	"testing"
)

// sid makes a call SID from a short name, so tests read "a", "b" but run on
// real-shaped SIDs.
func sid(name string) string {
	h := hex.EncodeToString([]byte(name))
	return "CA" + strings.Repeat("0", 32-len(h)) + h
}

// ps builds participants named by label, connected and with SIDs from sid.
func ps(labels ...string) []Participant {
	out := make([]Participant, len(labels))
	for i, l := range labels {
		out[i] = Participant{CallSID: sid(l), Label: l, Status: ParticipantConnected}
	}
	return out
}

func labels(ps []Participant) string {
	var b []string
	for _, p := range ps {
		b = append(b, p.Label)
	}
	return strings.Join(b, ",")
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name       string
		prev, next []Participant
		want       string
	}{
		{"first poll takes Twilio's order", nil, ps("c", "a", "b"), "c,a,b"},
		{"same set reordered by Twilio keeps ours", ps("a", "b", "c"), ps("c", "b", "a"), "a,b,c"},
		{"joiner appended, nobody moves", ps("a", "b", "c"), ps("x", "a", "b", "c"), "a,b,c,x"},
		{"two joiners in Twilio's order", ps("a"), ps("y", "a", "x"), "a,y,x"},
		{"leaver removed, rest stay", ps("a", "b", "c"), ps("c", "a"), "a,c"},
		{"join and leave together", ps("a", "b", "c"), ps("d", "c", "a"), "a,c,d"},
		{"everyone left", ps("a", "b"), nil, ""},
		{"duplicate in next kept once", ps("a", "b"), ps("b", "a", "b", "c", "c"), "a,b,c"},
		{"duplicate in prev harmless", ps("a", "a", "b"), ps("b", "a"), "a,b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prevCopy := slices.Clone(tt.prev)
			nextCopy := slices.Clone(tt.next)
			got := Merge(tt.prev, tt.next)
			if labels(got) != tt.want {
				t.Errorf("Merge(%s, %s) = %s, want %s", labels(tt.prev), labels(tt.next), labels(got), tt.want)
			}
			if !slices.Equal(prevCopy, tt.prev) || !slices.Equal(nextCopy, tt.next) {
				t.Error("Merge modified its arguments")
			}
		})
	}
}

// The rows show fresh state in their old places.
func TestMergeTakesFreshValues(t *testing.T) {
	prev := ps("a", "b")
	next := ps("b", "a")
	next[1].Muted = true // a, now muted
	got := Merge(prev, next)
	if got[0].Label != "a" || !got[0].Muted {
		t.Errorf("row 0 = %+v, want a with muted=true from next", got[0])
	}
}

// Over many polls with joins and leaves, a participant's position relative
// to every other survivor never changes.
func TestMergeStableAcrossPolls(t *testing.T) {
	polls := [][]Participant{
		ps("a", "b", "c"),
		ps("c", "d", "b", "a"),
		ps("d", "e", "a", "c"),
		ps("e", "f", "c", "a", "d"),
		ps("a", "c", "f", "g"),
	}
	want := []string{"a,b,c", "a,b,c,d", "a,c,d,e", "a,c,d,e,f", "a,c,f,g"}
	var rows []Participant
	for i, next := range polls {
		rows = Merge(rows, next)
		if labels(rows) != want[i] {
			t.Fatalf("poll %d: %s, want %s", i, labels(rows), want[i])
		}
	}
}

func TestParticipantName(t *testing.T) {
	if got := (Participant{CallSID: sid("a"), Label: "agent-7"}).Name(); got != "agent-7" {
		t.Errorf("Name with label = %q", got)
	}
	if got := (Participant{CallSID: sid("a")}).Name(); got != sid("a") {
		t.Errorf("Name without label = %q, want the call SID", got)
	}
}

func BenchmarkMerge250(b *testing.B) {
	var names []string
	for i := range 250 {
		names = append(names, strings.Repeat("p", i%7+1)+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	prev := ps(names...)
	next := slices.Clone(prev)
	slices.Reverse(next)
	for b.Loop() {
		_ = Merge(prev, next)
	}
}
