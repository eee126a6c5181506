package ui

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"confconsole/api"
	"confconsole/api/live"
	"confconsole/model"
)

var update = flag.Bool("update", false, "rewrite the golden screens in testdata/")

func TestMain(m *testing.M) {
	// The console's styles take their profile from Options.Renderer (the
	// harness gives a plain one); the global renderer is pinned off too,
	// for the library defaults that draw with it.
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// pressOnly delivers a key and returns its command without running it, to
// look at the model before Twilio answers.
func (h *harness) pressOnly(k string) tea.Cmd {
	h.t.Helper()
	m, cmd := h.app.Update(keyMsg(k))
	h.app = m.(App)
	return cmd
}

// answerOf runs cmd and the commands the model gives back for what it
// produces, until an action's answer (an actionMsg, returned without
// being handed to the model) or nothing is left: a test can then deliver
// something else to the model before the answer.
func (h *harness) answerOf(cmd tea.Cmd) tea.Msg {
	h.t.Helper()
	for cmd != nil {
		switch msg := cmd().(type) {
		case actionMsg:
			return msg
		case nil:
			return nil
		default:
			m, next := h.app.Update(msg)
			h.app, cmd = m.(App), next
		}
	}
	return nil
}

// rowOf returns the screen line that shows the participant labelled label.
func rowOf(t *testing.T, view, label string) string {
	t.Helper()
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, " "+label+" ") {
			return l
		}
	}
	t.Fatalf("no row for %q in:\n%s", label, view)
	return ""
}

func selectLabel(t *testing.T, h *harness, label string) {
	t.Helper()
	for i, p := range h.app.room.rows {
		if p.Label == label {
			h.app.room.selectRow(i, h.app.room.tableHeight())
			return
		}
	}
	t.Fatalf("no participant %q", label)
}

func TestOpenConference(t *testing.T) {
	tests := []struct {
		name       string
		conference string
		wantScreen screen
		wantFlash  string
		wantCall   string
	}{
		{"by SID", confSID, screenRoom, "", "FetchConference " + confSID},
		{"by friendly name", "sales-standup", screenRoom, "", "ListConferences in-progress |sales-standup"},
		{"a name not in progress waits on the list", "nope", screenList, "", "ListConferences in-progress |"},
		{"unknown SID falls back to the list", "CF" + strings.Repeat("c", 32), screenList, "no conference CF" + strings.Repeat("c", 32) + " on this account; pick one from the list", "FetchConference"},
		{"no conference opens the list", "", screenList, "", "ListConferences in-progress |"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := newHarness(t, svc, func(o *Options) { o.Conference = tc.conference })
			if h.app.screen != tc.wantScreen {
				t.Errorf("screen = %v, want %v", h.app.screen, tc.wantScreen)
			}
			if !strings.Contains(h.app.flash.text, tc.wantFlash) {
				t.Errorf("flash = %q, want it to contain %q", h.app.flash.text, tc.wantFlash)
			}
			if len(svc.called(tc.wantCall)) == 0 {
				t.Errorf("no call %q in %v", tc.wantCall, svc.calls)
			}
		})
	}
}

func TestConferenceListKeys(t *testing.T) {
	svc := demoService()
	svc.confs = append(svc.confs, model.Conference{SID: "CF" + strings.Repeat("d", 32), FriendlyName: "old-call", Status: model.ConferenceCompleted})
	h := newHarness(t, svc, nil)
	v := h.view()
	if !strings.Contains(v, "support-escalations") || !strings.Contains(v, "sales-standup") || strings.Contains(v, "old-call") {
		t.Fatalf("list should show the in-progress conferences only:\n%s", v)
	}
	if !strings.Contains(v, "▶ support-escalations") {
		t.Errorf("the first conference should be selected with a marker:\n%s", v)
	}
	h.key("c")
	if got := svc.called("ListConferences  |"); len(got) == 0 {
		t.Errorf("c should fetch every status, calls: %v", svc.calls)
	}
	if v := h.view(); !strings.Contains(v, "old-call") || !strings.Contains(v, "completed") {
		t.Errorf("c should show completed conferences:\n%s", v)
	}
	h.key("c")
	if strings.Contains(h.view(), "old-call") {
		t.Errorf("c again should hide completed conferences")
	}
	h.key("/")
	h.typeText("sales")
	if v := h.view(); strings.Contains(v, "support-escalations") || !strings.Contains(v, "sales-standup") {
		t.Errorf("filter sales should leave only sales-standup:\n%s", v)
	}
	h.key("enter") // keeps the filter
	h.key("esc")   // clears it
	if v := h.view(); !strings.Contains(v, "support-escalations") {
		t.Errorf("esc should clear the filter:\n%s", v)
	}
	h.key("j")
	if h.app.list.selected != conf2SID {
		t.Errorf("j should select the second conference, got %q", h.app.list.selected)
	}
	h.key("k")
	h.key("G")
	if h.app.list.selected != conf2SID {
		t.Errorf("G should select the last conference")
	}
	h.key("enter")
	if h.app.screen != screenRoom || h.app.room.conf.SID != conf2SID {
		t.Fatalf("enter should open the selected conference")
	}
	h.key("esc")
	if h.app.screen != screenList {
		t.Errorf("esc should go back to the list")
	}
}

func TestMuteHoldPendingAndConfirm(t *testing.T) {
	tests := []struct {
		name        string
		label       string
		key         string
		holdURL     string
		wantCall    string
		wantPending string
		wantAfter   string
	}{
		{"mute", "agent-7", "m", "", "UpdateParticipant " + confSID + " " + callSID(1) + " muted=true", "muting…", "muted"},
		{"unmute", "caller-2", "m", "", "UpdateParticipant " + confSID + " " + callSID(2) + " muted=false", "unmuting…", "-"},
		{"hold with music", "agent-7", "h", "https://example.com/hold.xml", "UpdateParticipant " + confSID + " " + callSID(1) + " hold=true holdurl=https://example.com/hold.xml", "holding…", "on hold"},
		{"resume", "caller-9", "h", "https://example.com/hold.xml", "UpdateParticipant " + confSID + " " + callSID(4) + " hold=false", "resuming…", "-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := openRoom(t, svc, func(o *Options) { o.HoldURL = tc.holdURL })
			selectLabel(t, h, tc.label)
			cmd := h.pressOnly(tc.key)
			if row := rowOf(t, h.view(), tc.label); !strings.Contains(row, tc.wantPending) {
				t.Errorf("before Twilio answers the row should say %q: %q", tc.wantPending, row)
			}
			if again := h.pressOnly(tc.key); again != nil {
				t.Errorf("a second press while pending must not send again")
			}
			if !strings.Contains(h.app.flash.text, "still waiting") {
				t.Errorf("a second press should say it is still waiting, flash %q", h.app.flash.text)
			}
			h.run(cmd)
			calls := svc.called("UpdateParticipant")
			if len(calls) != 1 || calls[0] != tc.wantCall {
				t.Fatalf("calls = %q, want exactly %q", calls, tc.wantCall)
			}
			row := rowOf(t, h.view(), tc.label)
			if strings.Contains(row, tc.wantPending) {
				t.Errorf("after the confirming poll the row should not be pending: %q", row)
			}
			if !strings.Contains(row, tc.wantAfter) {
				t.Errorf("row = %q, want %q", row, tc.wantAfter)
			}
			if len(h.app.room.pending) != 0 {
				t.Errorf("pending left over: %v", h.app.room.pending)
			}
		})
	}
}

func TestActionFailureRollsBack(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantFlash string
	}{
		{"twilio error shows code and message", twilioErr(api.OpUpdateParticipant, callSID(1), 400, 21220, "Invalid call state"),
			"twilio 21220 (HTTP 400): Invalid call state"},
		{"participant already left", notFound("update participant", callSID(1)), "agent-7 had already left the conference"},
		{"wrong credentials", twilioErr(api.OpUpdateParticipant, callSID(1), 401, 20003, "Authenticate"), "rejected the credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := openRoom(t, svc, nil)
			selectLabel(t, h, "agent-7")
			svc.failNext("UpdateParticipant", tc.err)
			h.key("m")
			if !h.app.flash.isErr || !strings.Contains(h.app.flash.text, tc.wantFlash) {
				t.Errorf("flash = %q (err %v), want %q", h.app.flash.text, h.app.flash.isErr, tc.wantFlash)
			}
			row := rowOf(t, h.view(), "agent-7")
			if strings.Contains(row, "muting") || strings.Contains(row, "muted") {
				t.Errorf("the row should roll back to unmuted: %q", row)
			}
			if !strings.Contains(h.view(), tc.wantFlash) {
				t.Errorf("the flash line should be on screen")
			}
		})
	}
}

func TestPendingGivesUpWhenPollsNeverShowIt(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	selectLabel(t, h, "agent-7")
	cmd := h.pressOnly("m")
	// Twilio says yes but the call never shows it (the fake forgets).
	msg := h.answerHeld(cmd, func() { svc.edit(confSID, callSID(1), func(p *model.Participant) { p.Muted = false }) })
	h.send(msg)
	// The refetch after Twilio's answer was the first poll.
	for i := 1; i < pendingPolls; i++ {
		if _, ok := h.app.room.pending[callSID(1)]; !ok {
			t.Fatalf("pending cleared after %d polls, want %d", i, pendingPolls)
		}
		h.poll()
	}
	if _, ok := h.app.room.pending[callSID(1)]; ok {
		t.Fatalf("pending kept after %d polls", pendingPolls)
	}
	if !strings.Contains(h.app.flash.text, "Twilio accepted mute, but agent-7 is still unmuted") {
		t.Errorf("flash = %q", h.app.flash.text)
	}
}

func TestRemoveAsksFirst(t *testing.T) {
	tests := []struct {
		name    string
		answer  string
		removed bool
	}{
		{"y removes", "y", true},
		{"n keeps", "n", false},
		{"esc keeps", "esc", false},
		{"any other key keeps", "x", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := openRoom(t, svc, nil)
			selectLabel(t, h, "caller-2")
			h.key("x")
			if !strings.Contains(h.view(), "Remove caller-2") || !strings.Contains(h.view(), "[y/N]") {
				t.Fatalf("x should ask y/N:\n%s", h.view())
			}
			h.key(tc.answer)
			got := len(svc.called("DeleteParticipant")) == 1
			if got != tc.removed {
				t.Fatalf("removed = %v, want %v (calls %v)", got, tc.removed, svc.calls)
			}
			if _, still := h.app.room.byID[callSID(2)]; tc.removed && still {
				t.Errorf("caller-2 should be gone after the refetch:\n%s", h.view())
			}
			if h.app.room.confirm != nil {
				t.Errorf("the question should be closed")
			}
		})
	}
}

func TestRemoveParticipantWhoLeftMeanwhile(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	selectLabel(t, h, "caller-2")
	h.key("x")
	svc.failNext("DeleteParticipant", notFound("delete participant", callSID(2)))
	h.key("y")
	if !strings.Contains(h.app.flash.text, "caller-2 had already left") {
		t.Errorf("flash = %q", h.app.flash.text)
	}
}

func TestReadOnly(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, func(o *Options) { o.ReadOnly = true })
	v := h.view()
	if !strings.Contains(v, "READ-ONLY") {
		t.Errorf("read-only badge missing:\n%s", v)
	}
	for _, k := range []string{"m", "h", "x", "c", "a", "A", "n", "E", "p", "P"} {
		h.key(k)
		if h.app.room.confirm != nil || h.app.formActive() {
			t.Errorf("%s opened something in read-only mode", k)
		}
		if want := "read-only: " + k + " ("; !strings.HasPrefix(h.app.flash.text, want) || !strings.HasSuffix(h.app.flash.text, ") is disabled") {
			t.Errorf("%s in read-only mode: flash %q, want %q…) is disabled", k, h.app.flash.text, want)
		}
	}
	h.key("m")
	if want := "✗ read-only: m (mute/unmute) is disabled"; !strings.Contains(h.view(), want) {
		t.Errorf("the screen does not say %q:\n%s", want, h.view())
	}

	for _, m := range []string{"UpdateParticipant", "DeleteParticipant", "CreateParticipant", "UpdateConference", "UpdateRecording"} {
		if c := svc.called(m); len(c) > 0 {
			t.Errorf("read-only sent %v", c)
		}
	}
	footer := lastLine(h.view())
	for _, word := range []string{"mute", "hold", "remove", "add", "end"} {
		if strings.Contains(footer, word) {
			t.Errorf("footer offers %q in read-only mode: %q", word, footer)
		}
	}
	h.key("?")
	if v := h.view(); strings.Contains(v, "mute") || strings.Contains(v, "remove") {
		t.Errorf("help lists mutating keys in read-only mode:\n%s", v)
	}
}

func lastLine(s string) string {
	ls := strings.Split(s, "\n")
	return ls[len(ls)-1]
}

func TestDemoBadge(t *testing.T) {
	h := newHarness(t, demoService(), func(o *Options) { o.Demo = true })
	if !strings.Contains(h.view(), "DEMO") {
		t.Errorf("no DEMO badge on the list")
	}
	h.key("enter")
	if !strings.Contains(h.view(), "DEMO") {
		t.Errorf("no DEMO badge on the participants screen")
	}
	h2 := newHarness(t, demoService(), nil)
	if strings.Contains(h2.view(), "DEMO") {
		t.Errorf("DEMO badge without --demo")
	}
}

func TestStaleSnapshotsAreDropped(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	other, err := h.hub.WatchRoom(t.Context(), conf2SID)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ghost := live.RoomSnapshot{Conference: conf2SID, Participants: []model.Participant{participant(9, "ghost")},
		Poll: live.PollStatus{Updated: testNow, Polls: 99}}
	before := slices.Clone(h.app.room.roster)
	h.send(roomSnapMsg{sub: other, snap: ghost, ok: true})
	if !slices.Equal(before, h.app.room.roster) || strings.Contains(h.view(), "ghost") {
		t.Errorf("a snapshot of another conference was shown:\n%s", h.view())
	}
}

// TestRefreshAsksTheLiveState: r makes the live state poll the room now,
// once, and the result is shown.
func TestRefreshAsksTheLiveState(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	n := len(svc.called("ListParticipants"))
	polls := h.app.room.polls
	svc.setParticipants(confSID, participant(1, "agent-7"), participant(5, "newcomer"))
	if cmd := h.pressOnly("r"); cmd != nil {
		t.Fatalf("r sent a request of its own instead of asking the live state")
	}
	h.awaitRoom(polls + 1)
	if got := len(svc.called("ListParticipants")) - n; got != 1 {
		t.Errorf("requests after r = %d, want 1", got)
	}
	if !strings.Contains(h.view(), "newcomer") {
		t.Errorf("the refreshed roster is not shown:\n%s", h.view())
	}
}

func TestPollErrorsKeepTheTableAndBackOff(t *testing.T) {
	throttled := twilioErr(api.OpListParticipants, confSID, http.StatusTooManyRequests, 20429, "Too Many Requests")
	tests := []struct {
		name      string
		errs      []error
		wantText  string
		wantDelay time.Duration
	}{
		{"429 backs off", []error{throttled}, "throttling", 4 * time.Second},
		{"429 twice backs off more", []error{throttled, throttled}, "throttling", 8 * time.Second},
		{"429 honours Retry-After", []error{retryAfterErr{throttled, 30 * time.Second}}, "throttling", 30 * time.Second},
		{"5xx backs off", []error{twilioErr(api.OpListParticipants, confSID, 503, 0, "")}, "HTTP 503", 4 * time.Second},
		{"wrong credentials say so", []error{twilioErr(api.OpListParticipants, confSID, 401, 20003, "Authenticate")}, "rejected the credentials", authBackoff},
		{"network error polls at the interval", []error{errors.New("dial tcp: connection refused")}, "connection refused", 2 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			h := openRoom(t, svc, nil)
			h.setClock(testNow.Add(5 * time.Second))
			h.send(clockMsg{t: h.clock})
			for _, err := range tc.errs {
				svc.failNext("ListParticipants", err)
				h.poll()
			}
			v := h.view()
			if !strings.Contains(v, "STALE") || !strings.Contains(v, tc.wantText) || !strings.Contains(v, "updated 5s ago") {
				t.Errorf("stale marker, age or error missing:\n%s", v)
			}
			if !strings.Contains(v, "caller-2") {
				t.Errorf("the last table should stay on screen:\n%s", v)
			}
			if d := h.lastPollDelay(); d != tc.wantDelay {
				t.Errorf("next poll in %v, want %v", d, tc.wantDelay)
			}
			h.poll() // recovers by itself
			if v := h.view(); strings.Contains(v, "STALE") {
				t.Errorf("still stale after a good poll:\n%s", v)
			}
			if d := h.lastPollDelay(); d != 2*time.Second {
				t.Errorf("after recovery next poll in %v, want the interval", d)
			}
		})
	}
}

// retryAfterErr is an error carrying a server's Retry-After.
type retryAfterErr struct {
	error
	d time.Duration
}

func (e retryAfterErr) RetryAfter() time.Duration { return e.d }
func (e retryAfterErr) Unwrap() error             { return e.error }

func TestConferenceEnded(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	svc.confs[0].Status = model.ConferenceCompleted
	svc.confs[0].ReasonEnded = model.ReasonLastParticipantLeft
	svc.setParticipants(confSID)
	h.poll()
	if h.app.screen != screenList {
		t.Fatalf("an ended conference should go back to the list")
	}
	if !strings.Contains(h.app.flash.text, "support-escalations has ended (last-participant-left)") {
		t.Errorf("flash = %q", h.app.flash.text)
	}
	if strings.Contains(h.view(), "support-escalations") && !strings.Contains(h.view(), "has ended") {
		t.Errorf("the ended conference is still listed:\n%s", h.view())
	}
}

func TestEmptyConferenceStillInProgress(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	svc.setParticipants(confSID)
	h.poll()
	if h.app.screen != screenRoom {
		t.Fatalf("an empty but running conference should stay open")
	}
	if !strings.Contains(h.view(), "nobody is in this conference") {
		t.Errorf("empty state missing:\n%s", h.view())
	}
}

func TestSelectionFollowsParticipant(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	selectLabel(t, h, "caller-2")
	// agent-7 leaves and a newcomer joins.
	ps := svc.parts[confSID]
	svc.setParticipants(confSID, append(slices.Clone(ps[1:]), participant(5, "newcomer"))...)
	h.poll()
	if h.app.room.selected != callSID(2) {
		t.Errorf("selection moved to %q, want caller-2", h.app.room.selected)
	}
	var order []string
	for _, p := range h.app.room.rows {
		order = append(order, p.Label)
	}
	if want := []string{"caller-2", "supervisor", "caller-9", "newcomer"}; !slices.Equal(order, want) {
		t.Errorf("order = %v, want %v (joiners appended, nobody else moves)", order, want)
	}
	// The selected participant leaves: the selection goes to the row now in
	// its place.
	svc.setParticipants(confSID, svc.parts[confSID][1:]...)
	h.poll()
	if h.app.room.selected != callSID(3) {
		t.Errorf("after the selected one left, selection = %q, want supervisor", h.app.room.selected)
	}
}

func TestEventFeed(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	h.key("e")
	v := h.view()
	if !strings.Contains(v, "EVENTS (0)") || !strings.Contains(v, "no changes seen yet") {
		t.Fatalf("feed should open empty (the first poll is not a change):\n%s", v)
	}
	h.setClock(testNow.Add(3 * time.Second))
	svc.edit(confSID, callSID(2), func(p *model.Participant) { p.Muted = false })
	svc.setParticipants(confSID, append(svc.parts[confSID], participant(5, "newcomer"))...)
	h.poll()
	v = h.view()
	for _, want := range []string{"EVENTS (2)", "15:09:29 poll caller-2 unmuted", "15:09:29 poll newcomer joined"} {
		if !strings.Contains(v, want) {
			t.Errorf("feed lacks %q:\n%s", want, v)
		}
	}
	h.key("e")
	if strings.Contains(h.view(), "EVENTS") {
		t.Errorf("e should hide the feed")
	}
}

func TestFilterAndSort(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	h.key("/")
	h.typeText("muted")
	v := h.view()
	if !strings.Contains(v, "caller-2") || strings.Contains(v, "agent-7 ") {
		t.Errorf("/muted should show only caller-2:\n%s", v)
	}
	if !strings.Contains(v, "showing 1 of 4") {
		t.Errorf("the header should say the table is filtered:\n%s", v)
	}
	h.key("enter")
	if h.app.room.filtering || h.app.room.query != "muted" {
		t.Errorf("enter should keep the filter and close the input")
	}
	h.key("esc")
	if h.app.room.query != "" || h.app.screen != screenRoom {
		t.Errorf("esc should clear the filter first, not leave")
	}
	h.key("s") // label
	if !strings.Contains(h.view(), "by label") {
		t.Errorf("the header should say the table is sorted by label:\n%s", h.view())
	}
	var order []string
	for _, p := range h.app.room.rows {
		order = append(order, p.Label)
	}
	if want := []string{"agent-7", "caller-2", "caller-9", "supervisor"}; !slices.Equal(order, want) {
		t.Errorf("sorted by label: %v, want %v", order, want)
	}
	h.key("S")
	if h.app.room.rows[0].Label != "supervisor" {
		t.Errorf("S should reverse the order")
	}
}

func TestNavigationKeys(t *testing.T) {
	svc := demoService()
	var ps []model.Participant
	for i := 1; i <= 60; i++ {
		ps = append(ps, participant(i, "p"+string(rune('A'+i%26))+string(rune('a'+i/26))))
	}
	svc.setParticipants(confSID, ps...)
	h := openRoom(t, svc, nil)
	tests := []struct {
		key  string
		want int
	}{
		{"j", 1}, {"down", 2}, {"k", 1}, {"up", 0}, {"up", 0},
		{"pgdown", 35}, {"pgup", 0}, {"G", 59}, {"end", 59}, {"g", 0}, {"G", 59}, {"home", 0},
	}
	for _, tc := range tests {
		h.key(tc.key)
		if h.app.room.selIdx != tc.want {
			t.Fatalf("after %s selection = %d, want %d", tc.key, h.app.room.selIdx, tc.want)
		}
		r := h.app.room
		if r.selIdx < r.offset || r.selIdx >= r.offset+h.app.room.tableHeight() {
			t.Fatalf("after %s the selection %d is off screen (offset %d)", tc.key, r.selIdx, r.offset)
		}
	}
	h.key("G")
	if !strings.Contains(h.view(), "▶ "+h.app.room.rows[59].Label) {
		t.Errorf("the last row should be on screen and marked")
	}
	if want := fmt.Sprintf("rows %d-60 of 60", 60-h.app.room.tableHeight()+1); !strings.Contains(h.view(), want) {
		t.Errorf("the header should say which rows are on screen (%q):\n%s", want, h.view())
	}
}

func TestHelpAndQuit(t *testing.T) {
	h := openRoom(t, demoService(), nil)
	h.key("?")
	v := h.view()
	for _, want := range []string{"Participants", "mute/unmute", "end conf", "Everywhere"} {
		if !strings.Contains(v, want) {
			t.Errorf("help lacks %q:\n%s", want, v)
		}
	}
	h.key("m")
	if len(h.svc.called("UpdateParticipant")) != 0 {
		t.Errorf("keys behind the help overlay must not act")
	}
	h.key("esc")
	if h.app.showHelp {
		t.Errorf("esc should close the help")
	}
	for _, k := range []string{"q", "ctrl+c"} {
		h := openRoom(t, demoService(), nil)
		h.key(k)
		if !h.quit {
			t.Errorf("%s should quit", k)
		}
	}
}

func TestRecording(t *testing.T) {
	tests := []struct {
		name      string
		status    model.RecordingStatus
		meanwhile func(*fakeService) // after the room opened, before the keys
		keys      []string
		wantCall  string
		wantFlash string
		wantHead  string
	}{
		{"pause", model.RecordingInProgress, nil, []string{"p"}, "UpdateRecording " + confSID + " Twilio.CURRENT paused", "recording paused", "REC paused"},
		{"resume", model.RecordingPaused, nil, []string{"p"}, "UpdateRecording " + confSID + " Twilio.CURRENT in-progress", "recording running", "● REC"},
		{"stop asks first", model.RecordingInProgress, nil, []string{"P", "y"}, "UpdateRecording " + confSID + " Twilio.CURRENT stopped", "recording stopped", ""},
		{"stop cancelled", model.RecordingInProgress, nil, []string{"P", "n"}, "", "cancelled", "● REC"},
		{"nothing to pause", "", nil, []string{"p"}, "", "no recording in progress", ""},
		{"nothing to stop: no question", "", nil, []string{"P", "y"}, "", "no recording in progress or paused; nothing to stop", ""},
		{"nothing to stop once stopped", model.RecordingInProgress, nil, []string{"P", "y", "P", "y"},
			"UpdateRecording " + confSID + " Twilio.CURRENT stopped", "no recording in progress or paused; nothing to stop", ""},
		{"stop a recording that started after the room opened", "", func(f *fakeService) {
			f.recs[confSID] = []model.Recording{{SID: "RE1", Status: model.RecordingInProgress}}
		}, []string{"P", "y"}, "UpdateRecording " + confSID + " Twilio.CURRENT stopped", "recording stopped", ""},
		{"stop a recording that ended meanwhile", model.RecordingInProgress, func(f *fakeService) {
			f.recs[confSID][0].Status = model.RecordingCompleted
		}, []string{"P", "y"}, "UpdateRecording " + confSID + " Twilio.CURRENT stopped", "no recording in progress or paused; nothing was changed", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := demoService()
			if tc.status != "" {
				svc.recs[confSID] = []model.Recording{{SID: "RE1", Status: tc.status}}
			}
			h := openRoom(t, svc, nil)
			if tc.meanwhile != nil {
				tc.meanwhile(svc)
			}
			for _, k := range tc.keys {
				h.key(k)
			}
			if strings.Contains(h.app.flash.text, "20404") {
				t.Errorf("flash shows Twilio's raw error: %q", h.app.flash.text)
			}
			calls := svc.called("UpdateRecording")
			if tc.wantCall == "" && len(calls) > 0 || tc.wantCall != "" && (len(calls) != 1 || calls[0] != tc.wantCall) {
				t.Errorf("calls = %q, want %q", calls, tc.wantCall)
			}
			if !strings.Contains(h.app.flash.text, tc.wantFlash) {
				t.Errorf("flash = %q, want %q", h.app.flash.text, tc.wantFlash)
			}
			if tc.wantHead != "" && !strings.Contains(strings.Split(h.view(), "\n")[0], tc.wantHead) {
				t.Errorf("header should show %q:\n%s", tc.wantHead, h.view())
			}
		})
	}
}

func TestUnchangedPollRendersTheSameScreen(t *testing.T) {
	h := openRoom(t, demoService(), nil)
	h.key("e")
	before := h.view()
	h.poll()
	if after := h.view(); after != before {
		t.Errorf("a poll that changed nothing changed the screen:\n%s\n---\n%s", before, after)
	}
	// Time passing within the minute touches only the header line.
	h.setClock(testNow.Add(20 * time.Second))
	h.send(clockMsg{t: h.clock})
	a, b := strings.Split(before, "\n"), strings.Split(h.view(), "\n")
	changed := 0
	for i := range a {
		if a[i] != b[i] {
			changed++
		}
	}
	if changed != 1 {
		t.Errorf("20 seconds later %d lines changed, want 1 (the \"updated\" line)", changed)
	}
}

func TestOneChangeRewritesOneRow(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	before := strings.Split(h.view(), "\n")
	svc.edit(confSID, callSID(4), func(p *model.Participant) { p.Hold = false })
	h.poll()
	after := strings.Split(h.view(), "\n")
	var changed []string
	for i := range before {
		if before[i] != after[i] {
			changed = append(changed, after[i])
		}
	}
	// The row and the header counts.
	if len(changed) != 2 || !strings.Contains(changed[1], "caller-9") {
		t.Errorf("changed lines = %q, want the counts line and caller-9's row", changed)
	}
}

func TestSelectionStaysVisibleWhenAQuestionOpens(t *testing.T) {
	svc := demoService()
	var ps []model.Participant
	for i := 1; i <= 40; i++ {
		ps = append(ps, participant(i, "p"+strings.Repeat("x", i%5)+string(rune('a'+i%26))))
	}
	svc.setParticipants(confSID, ps...)
	h := openRoom(t, svc, nil)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.key("G")
	for _, k := range []string{"x", "esc", "/", "esc", "e"} {
		h.key(k)
		r := h.app.room
		if r.selIdx < r.offset || r.selIdx >= r.offset+h.app.room.tableHeight() {
			t.Fatalf("after %s the selection %d is off screen (offset %d, height %d)", k, r.selIdx, r.offset, h.app.room.tableHeight())
		}
		if !strings.Contains(h.view(), "▶ ") {
			t.Fatalf("after %s the marked row is not drawn:\n%s", k, h.view())
		}
	}
}

// TestLateSnapshotFromAClosedRoomIsDropped: leaving a room ends its
// watch, and a snapshot of the old watch that arrives after the room was
// opened again is not shown.
func TestLateSnapshotFromAClosedRoomIsDropped(t *testing.T) {
	svc := demoService()
	h := openRoom(t, svc, nil)
	old := h.app.room.sub
	h.key("esc")
	for range old.Updates() { // ends only when the watch has ended
	}
	h.key("enter") // support-escalations again
	if h.app.screen != screenRoom || h.app.room.conf.SID != confSID || h.app.room.sub == old {
		t.Fatalf("not back in the room with a new watch")
	}
	late := live.RoomSnapshot{Conference: confSID, Participants: []model.Participant{participant(9, "ghost")},
		Poll: live.PollStatus{Updated: testNow, Polls: 99}}
	h.send(roomSnapMsg{sub: old, snap: late, ok: true})
	if strings.Contains(h.view(), "ghost") {
		t.Errorf("a snapshot of the closed room's watch was shown:\n%s", h.view())
	}
}

func TestRecordingKeyPressedTwiceSendsOnce(t *testing.T) {
	svc := demoService()
	svc.recs[confSID] = []model.Recording{{SID: "RE1", Status: model.RecordingInProgress}}
	h := openRoom(t, svc, nil)
	first := h.pressOnly("p")
	if first == nil {
		t.Fatal("p sent nothing")
	}
	if again := h.pressOnly("p"); again != nil {
		t.Fatal("a second p before Twilio answered sent again")
	}
	if !strings.Contains(h.app.flash.text, "still waiting") {
		t.Errorf("flash = %q", h.app.flash.text)
	}
	h.run(first)
	if c := svc.called("UpdateRecording"); len(c) != 1 || !strings.HasSuffix(c[0], "paused") {
		t.Fatalf("calls = %q, want one pause", c)
	}
	h.key("p") // answered: the next press resumes
	if c := svc.called("UpdateRecording"); len(c) != 2 || !strings.HasSuffix(c[1], "in-progress") {
		t.Errorf("calls = %q, want pause then resume", c)
	}
}

func TestRefreshInterval(t *testing.T) {
	tests := []struct {
		refresh, want time.Duration
	}{
		{0, DefaultRefresh},
		{100 * time.Millisecond, MinRefresh},
		{5 * time.Second, 5 * time.Second},
	}
	for _, tc := range tests {
		h := openRoom(t, demoService(), func(o *Options) { o.Refresh = tc.refresh })
		if d := h.lastPollDelay(); d != tc.want {
			t.Errorf("Refresh %v: next poll in %v, want %v", tc.refresh, d, tc.want)
		}
	}
}

func TestConferenceListNavigation(t *testing.T) {
	svc := newFakeService()
	for i := 0; i < 50; i++ {
		svc.confs = append(svc.confs, model.Conference{
			SID: fmt.Sprintf("CF%032x", i+1), FriendlyName: fmt.Sprintf("room-%02d", i),
			Status: model.ConferenceInProgress, Region: "us1", Created: testNow.Add(-time.Hour),
		})
	}
	h := newHarness(t, svc, nil)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	page := h.app.list.tableHeight()
	tests := []struct {
		key  string
		want int
	}{
		{"down", 1}, {"j", 2}, {"up", 1}, {"pgdown", 1 + page}, {"pgup", 1}, {"end", 49}, {"home", 0}, {"G", 49}, {"g", 0},
	}
	for _, tc := range tests {
		h.key(tc.key)
		l := h.app.list
		if l.selIdx != tc.want {
			t.Fatalf("after %s selection = %d, want %d", tc.key, l.selIdx, tc.want)
		}
		if l.selIdx < l.offset || l.selIdx >= l.offset+page {
			t.Fatalf("after %s the selection is off screen", tc.key)
		}
	}
	h.key("G")
	if want := fmt.Sprintf("rows %d-50 of 50", 50-page+1); !strings.Contains(h.view(), want) {
		t.Errorf("want %q in the header:\n%s", want, h.view())
	}
	h.key("enter")
	if h.app.room.conf.FriendlyName != "room-49" {
		t.Errorf("enter opened %q, want room-49", h.app.room.conf.FriendlyName)
	}
}
