package model

import (
	"slices"
	"testing"
	"time"
)

func TestSorted(t *testing.T) {
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	roster := []Participant{
		{CallSID: sid("1"), Label: "bob", Status: ParticipantConnected, Created: at(3)},
		{CallSID: sid("2"), Label: "Alice", Status: ParticipantRinging, Muted: true, Created: at(1)},
		{CallSID: sid("3"), Label: "carol", Status: ParticipantConnected, Hold: true, Muted: true},
		{CallSID: sid("4"), Label: "alice", Status: ParticipantQueued, Created: at(1)},
		{CallSID: sid("5"), Label: "", Status: ParticipantFailed, Created: at(0)},
		{CallSID: sid("6"), Label: "dave", Status: ParticipantConnected, Muted: true, Created: at(2)},
	}
	// name by SID digit so ties and labels are both visible
	order := func(ps []Participant) string {
		var s []byte
		for _, p := range ps {
			s = append(s, p.CallSID[len(p.CallSID)-1])
		}
		return string(s)
	}
	tests := []struct {
		key      SortKey
		want     string
		wantDesc string
	}{
		{SortRoster, "123456", "654321"},
		// Alice, alice (tie: roster order), bob, carol, dave, then the unlabelled one
		{SortLabel, "241365", "563124"},
		// connected x3 in roster order, ringing, queued, failed
		{SortStatus, "136245", "542136"},
		// 0, 1, 1 (tie: roster order), 2, 3, unknown last
		{SortJoined, "524613", "316245"},
		// held, muted (roster order), the rest (roster order)
		{SortAttention, "326145", "145263"},
	}
	for _, tt := range tests {
		t.Run(tt.key.String(), func(t *testing.T) {
			in := slices.Clone(roster)
			got := Sorted(in, tt.key)
			if o := order(got); o != tt.want {
				t.Errorf("Sorted by %v = %s, want %s", tt.key, o, tt.want)
			}
			if o := order(SortedDesc(in, tt.key)); o != tt.wantDesc {
				t.Errorf("SortedDesc by %v = %s, want %s (ties in roster order)", tt.key, o, tt.wantDesc)
			}
			if !slices.Equal(in, roster) {
				t.Error("Sorted modified its argument")
			}
		})
	}
}

func TestSortKeyNextCycles(t *testing.T) {
	k := SortRoster
	seen := map[SortKey]bool{}
	for range 5 {
		seen[k] = true
		k = k.Next()
	}
	if k != SortRoster || len(seen) != 5 {
		t.Errorf("Next did not cycle through all 5 keys back to arrival: saw %v, ended at %v", seen, k)
	}
}

func TestCompareFold(t *testing.T) {
	tests := []struct {
		a, b string
		want int // sign
	}{
		{"a", "B", -1}, {"B", "a", 1}, {"abc", "ABC", 0}, {"ab", "abc", -1}, {"Émile", "émile", 0}, {"", "a", -1},
	}
	for _, tt := range tests {
		got := compareFold(tt.a, tt.b)
		if (got < 0) != (tt.want < 0) || (got > 0) != (tt.want > 0) {
			t.Errorf("compareFold(%q, %q) = %d, want sign %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestFilter(t *testing.T) {
	agent := Participant{CallSID: "CA0123456789abcdef0123456789ABCDEF", Label: "Agent-7 Zoë", Status: ParticipantConnected, Muted: true}
	caller := Participant{CallSID: sid("c"), Label: "caller", Status: ParticipantRinging, Hold: true}
	coach := Participant{CallSID: sid("s"), Label: "sup", Status: ParticipantConnected, Coaching: true, CallSIDToCoach: agent.CallSID}
	tests := []struct {
		query string
		want  []string // labels matched, in order
	}{
		{"", []string{"Agent-7 Zoë", "caller", "sup"}},
		{"   ", []string{"Agent-7 Zoë", "caller", "sup"}},
		{"agent", []string{"Agent-7 Zoë"}},
		{"AGENT", []string{"Agent-7 Zoë"}},
		{"zoë", []string{"Agent-7 Zoë"}},
		{"ZOË", []string{"Agent-7 Zoë"}},
		{"abcdef0123", []string{"Agent-7 Zoë"}},
		{"ABCDEF0123", []string{"Agent-7 Zoë"}},
		{"muted", []string{"Agent-7 Zoë"}},
		{"hold", []string{"caller"}},
		{"held", []string{"caller"}},
		{"coaching", []string{"sup"}},
		{"ringing", []string{"caller"}},
		{"connected", []string{"Agent-7 Zoë", "sup"}},
		{"connected muted", []string{"Agent-7 Zoë"}},
		{"muted caller", nil},
		{"nobody", nil},
	}
	all := []Participant{agent, caller, coach}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := ParseFilter(tt.query).Apply(all)
			var names []string
			for _, p := range got {
				names = append(names, p.Label)
			}
			if !slices.Equal(names, tt.want) {
				t.Errorf("filter %q = %q, want %q", tt.query, names, tt.want)
			}
		})
	}
	// "unmuted" participants must not match "muted".
	if ParseFilter("muted").Match(caller) {
		t.Error(`"muted" matched an unmuted participant`)
	}
	if !(Filter{}).Empty() || ParseFilter("x").Empty() {
		t.Error("Empty wrong")
	}
}

func TestCounts(t *testing.T) {
	roster := []Participant{
		{Status: ParticipantConnected, Muted: true},
		{Status: ParticipantConnected, Hold: true, Muted: true},
		{Status: ParticipantConnected, Coaching: true},
		{Status: ParticipantRinging},
		{Status: ParticipantQueued},
		{Status: ParticipantConnecting, Muted: true},
		{Status: ParticipantComplete, Muted: true, Hold: true, Coaching: true},
		{Status: ParticipantFailed},
		{Status: "new-status-twilio-added"},
	}
	want := Tally{Total: 9, Connected: 3, Ringing: 3, Ended: 2, Muted: 3, Held: 1, Coaching: 1}
	if got := Counts(roster); got != want {
		t.Errorf("Counts = %+v\nwant     %+v", got, want)
	}
	if got := Counts(nil); got != (Tally{}) {
		t.Errorf("Counts(nil) = %+v", got)
	}
}

func BenchmarkSortedLabel250(b *testing.B) {
	var in []Participant
	for i := range 250 {
		in = append(in, Participant{CallSID: sid(string(rune('a' + i%26))), Label: string(rune('Z' - i%26))})
	}
	for b.Loop() {
		_ = Sorted(in, SortLabel)
	}
}
