package ui

import (
	"strings"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/sim"
)

// TestCoachTargetLeavesOnTheSimulator is the scene over the real
// client and the simulator: hank is to coach, gina is chosen, and gina hangs
// up before enter. The picker closes naming gina, enter coaches nobody, and
// the audit file stays empty; choosing again then coaches dave, audited
// with dave's call SID. An agent on hold is marked and cannot be chosen.
func TestCoachTargetLeavesOnTheSimulator(t *testing.T) {
	w := newLiveWorld(t, api.RetryPolicy{}, sim.Join{Label: "dave"}, sim.Join{Label: "hank"}, sim.Join{Label: "gina"}, sim.Join{Label: "ivy", Hold: true})
	trail, path := openTrail(t)
	h := liveHarness(t, w, func(o *Options) { o.Audit = trail })
	selectLabel(t, h, "hank")
	h.key("c")
	v := h.view()
	if !strings.Contains(v, "ivy (on hold: cannot be coached until resumed)") {
		t.Errorf("ivy should be marked as on hold:\n%s", v)
	}
	// The simulator lists in its own order: walk the rows with j and k.
	for _, k := range []string{"k", "k", "k", "j", "j", "j"} {
		if strings.Contains(h.view(), "▶ gina") {
			break
		}
		h.key(k)
	}
	if !strings.Contains(h.view(), "▶ gina") {
		t.Fatalf("gina should be chosen:\n%s", h.view())
	}
	if err := w.srv.Hangup(simAccount, w.conf, "gina"); err != nil {
		t.Fatal(err)
	}
	h.settle(w, 2*time.Second)
	if h.app.formActive() {
		t.Errorf("the picker should close when gina leaves:\n%s", h.view())
	}
	if want := "gina left the conference; hank coaches nobody new"; !strings.Contains(h.app.flash.text, want) {
		t.Errorf("flash = %q, want %q", h.app.flash.text, want)
	}
	h.key("enter")
	if es := readTrail(t, path); len(es) != 0 {
		t.Fatalf("nothing should have been sent, the audit has %+v", es)
	}

	h.key("c")
	h.key("enter") // dave: the one left to choose, ivy being on hold
	es := readTrail(t, path)
	if len(es) != 2 || es[1].Action != audit.ActionCoach || es[1].Outcome != audit.OutcomeOK {
		t.Fatalf("want one successful coach in the audit, got %+v", es)
	}
	dave := ""
	for _, p := range h.app.room.roster {
		if p.Label == "dave" {
			dave = p.CallSID
		}
	}
	if got := es[0].Params["CallSidToCoach"]; got != dave || dave == "" {
		t.Errorf("coached %q, want dave (%q)", got, dave)
	}
	if !strings.Contains(h.app.flash.text, "now coaching hank → dave") {
		t.Errorf("flash = %q", h.app.flash.text)
	}
}
