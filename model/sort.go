package model

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SortKey is how the participant table is ordered.
type SortKey int

// The orders the table offers. SortRoster, the zero value, keeps the order of
// first sight that Merge maintains; every other key sorts stably on top of
// it, so participants that compare equal stay in roster order and do not
// swap places from one poll to the next.
const (
	SortRoster    SortKey = iota // order of first sight
	SortLabel                    // by label, case-insensitive; unlabelled last, by call SID
	SortStatus                   // connected, then joining, then ended
	SortJoined                   // earliest joiner first; unknown join times last
	SortAttention                // on hold first, then muted, then the rest
	sortKeys                     // number of keys, for Next
)

// String names the key for the status line.
func (k SortKey) String() string {
	switch k {
	case SortRoster:
		return "arrival"
	case SortLabel:
		return "label"
	case SortStatus:
		return "status"
	case SortJoined:
		return "join time"
	case SortAttention:
		return "held/muted first"
	}
	return "arrival"
}

// Next is the key after k, wrapping round, for a key that cycles the order.
func (k SortKey) Next() SortKey {
	return (k + 1) % sortKeys
}

// Sorted returns a copy of ps ordered by key; ps itself is not changed. The
// sort is stable (see SortKey).
func Sorted(ps []Participant, key SortKey) []Participant {
	return sorted(ps, key, false)
}

// SortedDesc is Sorted with the order reversed but ties still in roster
// order, so that, unlike reversing Sorted's result, a joiner that ties with
// others lands after them instead of pushing them down. SortRoster reversed
// is newest arrival first.
func SortedDesc(ps []Participant, key SortKey) []Participant {
	return sorted(ps, key, true)
}

func sorted(ps []Participant, key SortKey, desc bool) []Participant {
	out := slices.Clone(ps)
	var cmp func(a, b Participant) int
	switch key {
	case SortLabel:
		cmp = compareLabel
	case SortStatus:
		cmp = func(a, b Participant) int { return statusRank(a.Status) - statusRank(b.Status) }
	case SortJoined:
		cmp = compareJoined
	case SortAttention:
		cmp = func(a, b Participant) int { return attentionRank(a) - attentionRank(b) }
	default:
		if desc {
			slices.Reverse(out)
		}
		return out
	}
	if desc {
		asc := cmp
		cmp = func(a, b Participant) int { return asc(b, a) }
	}
	slices.SortStableFunc(out, cmp)
	return out
}

// statusRank puts live calls before those still being placed, and those
// before finished ones; an undocumented status goes last.
func statusRank(s ParticipantStatus) int {
	switch s {
	case ParticipantConnected:
		return 0
	case ParticipantRinging:
		return 1
	case ParticipantConnecting:
		return 2
	case ParticipantQueued:
		return 3
	case ParticipantComplete:
		return 4
	case ParticipantFailed:
		return 5
	}
	return 6
}

func attentionRank(p Participant) int {
	switch {
	case p.Hold:
		return 0
	case p.Muted:
		return 1
	}
	return 2
}

// compareLabel puts labelled participants first, as people read labels and
// an unlabelled call's SID is noise among them.
func compareLabel(a, b Participant) int {
	switch {
	case a.Label == "" && b.Label == "":
		return compareFold(a.CallSID, b.CallSID)
	case a.Label == "":
		return 1
	case b.Label == "":
		return -1
	}
	return compareFold(a.Label, b.Label)
}

func compareJoined(a, b Participant) int {
	switch az, bz := a.Created.IsZero(), b.Created.IsZero(); {
	case az && bz:
		return 0
	case az:
		return 1
	case bz:
		return -1
	}
	return a.Created.Compare(b.Created)
}

// compareFold compares a and b ignoring case, without allocating (the sort
// runs on every poll).
func compareFold(a, b string) int {
	for a != "" && b != "" {
		if ca, cb := a[0], b[0]; ca < utf8.RuneSelf && cb < utf8.RuneSelf {
			ca, cb = lowerASCII(ca), lowerASCII(cb)
			if ca != cb {
				return int(ca) - int(cb)
			}
			a, b = a[1:], b[1:]
			continue
		}
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		la, lb := unicode.ToLower(ra), unicode.ToLower(rb)
		if la != lb {
			if la < lb {
				return -1
			}
			return 1
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Filter is a parsed "/" query: whitespace-separated terms that must all
// occur, ignoring case, in a participant's label, call SID or status words.
// The status words are the status itself ("connected", "ringing", ...) and
// "muted", "hold" / "held" and "coaching" when those are true, so "/muted
// agent" finds muted agents. The zero Filter matches everyone.
type Filter struct {
	terms []string
}

// ParseFilter turns what the user typed after "/" into a Filter.
func ParseFilter(query string) Filter {
	fields := strings.Fields(strings.ToLower(query))
	if len(fields) == 0 {
		return Filter{}
	}
	return Filter{terms: fields}
}

// Empty reports whether f matches everyone.
func (f Filter) Empty() bool { return len(f.terms) == 0 }

// Match reports whether p satisfies every term of f.
func (f Filter) Match(p Participant) bool {
	if len(f.terms) == 0 {
		return true
	}
	label := strings.ToLower(p.Label)
	sid := strings.ToLower(p.CallSID)
	words := statusWords(p)
	for _, t := range f.terms {
		if !strings.Contains(label, t) && !strings.Contains(sid, t) && !strings.Contains(words, t) {
			return false
		}
	}
	return true
}

// Apply returns the participants of ps that f matches, in their order.
func (f Filter) Apply(ps []Participant) []Participant {
	if len(f.terms) == 0 {
		return slices.Clone(ps)
	}
	out := make([]Participant, 0, len(ps))
	for _, p := range ps {
		if f.Match(p) {
			out = append(out, p)
		}
	}
	return out
}

// statusWords lists the words a filter term may match besides label and SID.
// Words for false flags are left out on purpose: "unmuted" would otherwise
// match the term "muted".
func statusWords(p Participant) string {
	w := strings.ToLower(string(p.Status))
	if p.Muted {
		w += " muted"
	}
	if p.Hold {
		w += " hold held"
	}
	if p.Coaching {
		w += " coaching"
	}
	return w
}

// Tally counts a conference's participants by what the header shows.
type Tally struct {
	Total     int // everyone listed, whatever the status
	Connected int // status connected
	Ringing   int // ringing, queued or connecting: still being placed
	Ended     int // complete or failed (Twilio may list them briefly)
	Muted     int // muted, among those not ended
	Held      int // on hold, among those not ended
	Coaching  int // coaching someone, among those not ended
}

// Counts tallies ps. A call that has ended no longer counts as muted, held
// or coaching, whatever its last flags said.
func Counts(ps []Participant) Tally {
	var t Tally
	for _, p := range ps {
		t.Total++
		switch p.Status {
		case ParticipantConnected:
			t.Connected++
		case ParticipantQueued, ParticipantConnecting, ParticipantRinging:
			t.Ringing++
		case ParticipantComplete, ParticipantFailed:
			t.Ended++
			continue
		}
		if p.Muted {
			t.Muted++
		}
		if p.Hold {
			t.Held++
		}
		if p.Coaching {
			t.Coaching++
		}
	}
	return t
}
