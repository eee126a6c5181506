package model

// Name is how the participant is called on screen and in events: its label
// when it has one, otherwise its call SID. It is raw text chosen by whoever
// created the call; pass it through Display (or DisplayN) before showing it.
func (p Participant) Name() string {
	if p.Label != "" {
		return p.Label
	}
	return p.CallSID
}

// Merge returns next in a stable display order for a console that polls the
// participant list: participants already in prev keep their relative order,
// those new in next are appended at the end in the order next lists them,
// and those missing from next are dropped. Every returned value is the one
// from next, so fresh state is shown in an old place. Participants are keyed
// by CallSID; when next lists a call SID twice (a page boundary shifting
// under a join), the first is kept, so a row never appears twice.
//
// The order is that of first sight: a join does not shift the rows above it,
// and Twilio's own ordering, which may change between polls, never reorders
// the table. Feed Merge's previous result back in as prev. Neither argument
// is modified; the cost is O(len(prev) + len(next)).
func Merge(prev, next []Participant) []Participant {
	out := make([]Participant, 0, len(next))
	byCall := make(map[string]int, len(next)) // call SID -> index in next
	for i, p := range next {
		if _, dup := byCall[p.CallSID]; !dup {
			byCall[p.CallSID] = i
		}
	}
	placed := make(map[string]bool, len(next))
	for _, old := range prev {
		i, ok := byCall[old.CallSID]
		if !ok || placed[old.CallSID] {
			continue
		}
		placed[old.CallSID] = true
		out = append(out, next[i])
	}
	for _, p := range next {
		if placed[p.CallSID] {
			continue
		}
		placed[p.CallSID] = true
		out = append(out, p)
	}
	return out
}
