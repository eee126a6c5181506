package live

import (
	"slices"
	"testing"
	"time"

	"confconsole/model"
)

// FuzzApplyParticipant: any run of participant callbacks, in any order and
// for participants known or not, keeps the roster a list of distinct call
// SIDs, never modifies the roster it was given (snapshots share it), and
// leaves it holding a participant exactly when the last callback about it
// was not a leave. Each byte is one callback: its kind and which of four
// callers.
func FuzzApplyParticipant(f *testing.F) {
	f.Add([]byte{0x00, 0x11, 0x21, 0x31})
	f.Add([]byte{0x13, 0x10, 0x62, 0x52})
	calls := []string{callX, callY, "CA00000000000000000000000000000001", "CA00000000000000000000000000000002"}
	kinds := []CallbackKind{CallbackJoin, CallbackLeave, CallbackMute, CallbackUnmute, CallbackHold, CallbackUnhold, CallbackModify}
	f.Fuzz(func(t *testing.T, ops []byte) {
		ps := []model.Participant{{CallSID: callX, Status: model.ParticipantConnected}, {CallSID: callY, Status: model.ParticipantConnected}}
		in := map[string]bool{callX: true, callY: true}
		at := time.Unix(0, 0)
		for _, op := range ops {
			c := Callback{Conference: roomA, Kind: kinds[int(op>>4)%len(kinds)], CallSID: calls[int(op)%len(calls)], At: at,
				HasState: op&4 != 0, Muted: op&8 != 0}
			before := slices.Clone(ps)
			next, ok := applyParticipant(ps, c, at)
			if !slices.Equal(before, ps) {
				t.Fatalf("%v modified the roster it was given", c.Kind)
			}
			if ok {
				ps = next
			}
			switch {
			case c.Kind == CallbackLeave:
				in[c.CallSID] = false
			case c.Kind == CallbackJoin || c.HasState:
				in[c.CallSID] = true
			}
			seen := make(map[string]bool)
			for _, p := range ps {
				if seen[p.CallSID] {
					t.Fatalf("%s listed twice: %v", p.CallSID, ps)
				}
				seen[p.CallSID] = true
			}
			for call, want := range in {
				if seen[call] != want {
					t.Fatalf("after %v of %s: %s listed %v, want %v", c.Kind, c.CallSID, call, seen[call], want)
				}
			}
		}
	})
}
