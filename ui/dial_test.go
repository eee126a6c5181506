package ui

import (
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/live"
)

// fillDial types the number and caller ID into the open dial form, whose
// focus is on the conference field, and leaves the focus on From.
func fillDial(h *harness) {
	h.t.Helper()
	h.key("tab")
	h.typeText("+14155550100")
	h.key("tab")
	h.typeText("+14155550111")
}

// retypeConference replaces the dial form's conference with name.
func retypeConference(h *harness, name string) {
	h.t.Helper()
	h.send(tea.KeyMsg{Type: tea.KeyCtrlU}) // deletes what is before the cursor, at the end
	h.typeText(name)
}

// TestListDialOpensTheForm: n on the conference list opens the add form
// with the conference first, filled in with the selected conference's
// name (or empty with none selected), and esc closes it with nothing sent.
func TestListDialOpensTheForm(t *testing.T) {
	for _, tc := range []struct {
		name  string
		svc   *fakeService
		moves []string
		want  string
	}{
		{"the first conference selected", demoService(), nil, "support-escalations"},
		{"the second selected", demoService(), []string{"down"}, "sales-standup"},
		{"no conference", newFakeService(), nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.svc, nil)
			for _, k := range tc.moves {
				h.key(k)
			}
			h.key("n")
			f := h.app.list.add
			if f == nil {
				t.Fatalf("n on the list opened no form:\n%s", h.view())
			}
			if f.focus != fieldConference || f.inputs[fieldConference].Value() != tc.want {
				t.Errorf("focus on row %d holding %q, want the conference field holding %q", f.focus, f.inputs[fieldConference].Value(), tc.want)
			}
			v := h.view()
			for _, want := range []string{"Dial into a conference", "Conference", "To", "From", "ctrl+s submit", "esc cancel"} {
				if !strings.Contains(v, want) {
					t.Errorf("the form does not show %q:\n%s", want, v)
				}
			}
			h.key("esc")
			if h.app.list.add != nil || h.app.screen != screenList {
				t.Errorf("esc left the form open or the list")
			}
			if got := tc.svc.called("CreateParticipant"); len(got) != 0 {
				t.Errorf("sent %v, want nothing", got)
			}
		})
	}
}

// TestListDialRefusesBadNames: a conference name that is empty, longer
// than Twilio's 128 characters or padded with spaces is refused under its
// field, with what to do, and nothing is sent.
func TestListDialRefusesBadNames(t *testing.T) {
	for _, tc := range []struct {
		name, typed, want string
	}{
		{"empty", "", "Conference: the name is empty; type the conference's name"},
		{"too long", strings.Repeat("n", 129), "Conference: the name is 129 characters long; Twilio allows at most 128"},
		{"padded", " Ops bridge", "spaces at the start or end; remove them"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := newHarness(t, svc, nil)
			h.key("n")
			retypeConference(h, tc.typed)
			fillDial(h)
			h.key("ctrl+s")
			f := h.app.list.add
			if f == nil {
				t.Fatal("the form closed on a bad name")
			}
			if got := f.problems()[fieldConference]; !strings.Contains(got, tc.want) {
				t.Errorf("the conference's problem is %q, want it to say %q", got, tc.want)
			}
			if f.focus != fieldConference {
				t.Errorf("focus on row %d, want the conference field", f.focus)
			}
			if v := h.view(); !strings.Contains(v, "Conference: the name") {
				t.Errorf("the problem is not on screen:\n%s", v)
			}
			if got := svc.called("CreateParticipant"); len(got) != 0 {
				t.Errorf("sent %v, want nothing", got)
			}
		})
	}
}

// TestListDialIntoANewConference: a name no conference has goes to Twilio
// as the conference of CreateParticipant; the console opens the room of
// the conference Twilio's answer names, and says it dials into a new
// conference. The audit trail names the conference, then its SID.
func TestListDialIntoANewConference(t *testing.T) {
	svc := demoService()
	h := newHarness(t, svc, nil)
	h.key("n")
	retypeConference(h, "New bridge")
	fillDial(h)
	h.key("ctrl+s")
	if got := svc.called("CreateParticipant"); !slices.Equal(got, []string{"CreateParticipant New bridge to=+14155550100 label="}) {
		t.Fatalf("sent %q, want one create into New bridge", got)
	}
	var created string
	for _, c := range svc.confs {
		if c.FriendlyName == "New bridge" {
			created = c.SID
		}
	}
	if h.app.screen != screenRoom || h.app.room.conf.SID != created || created == "" {
		t.Fatalf("on screen %d, room %q; want the room of the new conference %q", h.app.screen, h.app.room.conf.SID, created)
	}
	v := h.view()
	for _, want := range []string{"New bridge", "dialling +14155550100 into New bridge (new conference)"} {
		if !strings.Contains(v, want) {
			t.Errorf("the room does not show %q:\n%s", want, v)
		}
	}
	var intent, result audit.Entry
	for _, e := range h.app.trail.Session() {
		switch e.Phase {
		case audit.PhaseIntent:
			intent = e
		case audit.PhaseResult:
			result = e
		}
	}
	if intent.ConferenceName != "New bridge" || intent.ConferenceSID != "" {
		t.Errorf("intent names %q %q, want the name alone", intent.ConferenceName, intent.ConferenceSID)
	}
	if result.ConferenceName != "New bridge" || result.ConferenceSID != created || result.Outcome != audit.OutcomeOK {
		t.Errorf("result names %q %q (%s), want the name and %s, ok", result.ConferenceName, result.ConferenceSID, result.Outcome, created)
	}
}

// TestListDialIntoAnActiveConference: the selected conference's name,
// kept, joins that conference, which the list shows in progress: the
// create names its SID (so the room's pending adds apply), its room opens
// and the flash names it, without "new conference".
func TestListDialIntoAnActiveConference(t *testing.T) {
	svc := demoService()
	h := newHarness(t, svc, nil)
	h.key("n")
	fillDial(h)
	h.key("ctrl+s")
	if got := svc.called("CreateParticipant"); !slices.Equal(got, []string{"CreateParticipant " + confSID + " to=+14155550100 label="}) {
		t.Fatalf("sent %q, want one create into support-escalations (%s)", got, confSID)
	}
	if h.app.screen != screenRoom || h.app.room.conf.SID != confSID {
		t.Fatalf("room %q, want support-escalations' %s", h.app.room.conf.SID, confSID)
	}
	if got := h.app.flash.text; got != "dialling +14155550100 into support-escalations" {
		t.Errorf("flash %q", got)
	}
}

// TestListDialSubscribesWithWebhooks: with webhooks configured, the dial
// names the webhook as the conference's status callback for every event,
// so a conference it starts reports to the console; without, it sends no
// subscription.
func TestListDialSubscribesWithWebhooks(t *testing.T) {
	const hook = "https://hooks.example.com/twilio"
	for _, withHook := range []bool{true, false} {
		svc := demoService()
		h := newHarness(t, svc, func(o *Options) {
			if withHook {
				o.Webhook = &Webhook{URL: hook}
			}
		})
		h.key("n")
		retypeConference(h, "New bridge")
		fillDial(h)
		h.key("ctrl+s")
		if len(svc.created) != 1 {
			t.Fatalf("webhook %v: %d creates, want 1", withHook, len(svc.created))
		}
		p := svc.created[0]
		switch {
		case withHook && (p.ConferenceStatusCallback != hook || !slices.Equal(p.ConferenceStatusCallbackEvent, ConferenceEvents())):
			t.Errorf("with webhooks: callback %q events %q, want %q and every event", p.ConferenceStatusCallback, p.ConferenceStatusCallbackEvent, hook)
		case !withHook && (p.ConferenceStatusCallback != "" || len(p.ConferenceStatusCallbackEvent) != 0):
			t.Errorf("without webhooks the dial subscribed: %+v", p)
		}
	}
}

// TestListDialFailures: a refused number or a 4xx leaves the console on
// the list, saying what failed and why; a 5xx says the outcome is unknown.
func TestListDialFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want []string
	}{
		{"invalid number", twilioErr(api.OpCreateParticipant, "+14155550100", 400, 21211, "Invalid 'To' Phone Number"),
			[]string{"add +14155550100 into New bridge failed:"}},
		{"bad request", twilioErr(api.OpCreateParticipant, "+14155550100", 400, 21205, "Url is not a valid URL"),
			[]string{"add +14155550100 into New bridge failed:"}},
		{"server error", twilioErr(api.OpCreateParticipant, "+14155550100", 500, 20500, "Internal Server Error"),
			[]string{"add +14155550100 into New bridge (new conference) got an error answer", "may have been applied"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			svc.failNext("CreateParticipant", tc.err)
			h := newHarness(t, svc, nil)
			h.key("n")
			retypeConference(h, "New bridge")
			fillDial(h)
			h.key("ctrl+s")
			if got := svc.called("CreateParticipant"); len(got) != 1 {
				t.Errorf("%d creates sent, want exactly 1 (never retried)", len(got))
			}
			if h.app.screen != screenList || h.app.list.add != nil {
				t.Errorf("screen %d, form open %v; want the list, form closed", h.app.screen, h.app.list.add != nil)
			}
			for _, want := range tc.want {
				if !strings.Contains(h.app.flash.text, want) || !h.app.flash.isErr {
					t.Errorf("flash %q (error %v), want an error saying %q", h.app.flash.text, h.app.flash.isErr, want)
				}
			}
		})
	}
}

// TestListDialReadOnly: a read-only (or monitor's) console answers n on
// the list as the room does, and opens no form.
func TestListDialReadOnly(t *testing.T) {
	svc := demoService()
	h := newHarness(t, svc, func(o *Options) { o.ReadOnly = true })
	h.key("n")
	if h.app.list.add != nil {
		t.Fatal("read-only: n opened the dial form")
	}
	if got := h.app.flash.text; got != "read-only: n (add) is disabled" || !h.app.flash.isErr {
		t.Errorf("flash %q, want the room's read-only refusal", got)
	}
	if v := h.view(); strings.Contains(v, "n add") {
		t.Errorf("read-only footer offers n:\n%s", v)
	}
}

// TestListFooterOffersDial: the list's footer and the help's conference
// list group show the add key.
func TestListFooterOffersDial(t *testing.T) {
	h := newHarness(t, demoService(), nil)
	if v := h.view(); !strings.Contains(v, "n add") {
		t.Errorf("the list's footer does not offer n:\n%s", v)
	}
	var list []string
	for _, g := range h.app.keys.Groups() {
		if g.Title == "Conference list" {
			for _, b := range g.Bindings {
				list = append(list, b.Help().Key)
			}
		}
	}
	if !slices.Contains(list, "n") {
		t.Errorf("the help's conference list has %q, want n among them", list)
	}
}

// TestListDialFormHoldsTheWait: a conference the console waits for (a
// --conference not started yet) does not open from under the dial form
// being typed; it opens at the first snapshot after the form closes.
func TestListDialFormHoldsTheWait(t *testing.T) {
	svc := demoService()
	h := newHarness(t, svc, nil)
	h.key("n")
	l := h.app.list
	l.waitFor = "sales-standup"
	snap := func(l confList) listSnapMsg {
		return listSnapMsg{sub: l.sub, ok: true, snap: live.ConferenceList{Conferences: svc.confs,
			Poll: live.PollStatus{Updated: testNow, Polls: l.polls + 1}}}
	}
	l, _ = l.Update(snap(l))
	if l.out.open != nil || l.waitFor == "" {
		t.Fatalf("with the dial form open, the wait opened %+v", l.out.open)
	}
	l, _ = l.Update(formCancelMsg{})
	l, _ = l.Update(snap(l))
	if l.out.open == nil || l.out.open.SID != conf2SID {
		t.Errorf("after the form closed: open %+v, want sales-standup", l.out.open)
	}
}
