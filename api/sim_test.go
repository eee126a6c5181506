package api_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"confconsole/api"
	"confconsole/api/sim"
	"confconsole/model"
)

const (
	simAccount = "AC11111111111111111111111111111111"
	simToken   = "simTokenS3CRET11111111111111111xx"
	simKey     = "SK22222222222222222222222222222222"
	simSecret  = "simSecretS3CRET2222222222222222xx"
	otherAcct  = "AC33333333333333333333333333333333"
)

// world is the simulator on a fake clock behind a loopback server, and the
// real client pointed at it.
type world struct {
	srv    *sim.Server
	clock  *sim.FakeClock
	client *api.Client
	waits  func() []time.Duration
	url    string
}

func newWorld(t *testing.T, mod ...func(*api.Config)) world {
	t.Helper()
	clock := sim.NewFakeClock(time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC))
	srv := sim.New(sim.WithClock(clock), sim.WithSeed(42))
	for _, err := range []error{
		srv.AddAccount(simAccount, simToken),
		srv.AddAPIKey(simAccount, simKey, simSecret),
		srv.AddAccount(otherAcct, "otherToken0000000000000000000000"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	cfg := api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: hs.URL}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return world{srv: srv, clock: clock, client: c, waits: api.InstantRetries(c), url: hs.URL}
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSimLifecycle(t *testing.T) {
	w := newWorld(t)
	ctx := ctxFor(t)
	c := w.client

	// Create by friendly name: the conference is opened for us.
	var created api.ResponseInfo
	p, err := c.CreateParticipant(api.WithResponseInfo(ctx, &created), "Team Stand-up #1", api.CreateParticipant{
		From: "+15005550006", To: "+14155550110", Label: "agent 7", Muted: api.Bool(false),
		StartConferenceOnEnter: api.Bool(true), EndConferenceOnExit: api.Bool(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.Label != "agent 7" || p.ConferenceSID == "" || p.CallSID == "" || p.Status != model.ParticipantQueued {
		t.Fatalf("created %+v", p)
	}
	if created.Status != 201 || created.Attempts != 1 || created.RequestID == "" {
		t.Errorf("create info %+v", created)
	}
	conf := p.ConferenceSID

	confs, err := c.ListConferences(ctx, api.ConferenceFilter{FriendlyName: "Team Stand-up #1"})
	if err != nil || len(confs) != 1 || confs[0].SID != conf {
		t.Fatalf("list conferences by name: %v %+v", err, confs)
	}
	// One participant does not start a conference.
	got, err := c.FetchConference(ctx, conf)
	if err != nil || got.FriendlyName != "Team Stand-up #1" || got.Status != model.ConferenceInit || got.Created.IsZero() {
		t.Fatalf("fetch conference: %v %+v", err, got)
	}

	// A second participant, by conference SID this time, starts it.
	p2, err := c.CreateParticipant(ctx, conf, api.CreateParticipant{From: "+15005550006", To: "client:bob"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.FetchConference(ctx, conf); err != nil || got.Status != model.ConferenceInProgress {
		t.Fatalf("fetch conference with two participants: %v %+v", err, got)
	}

	// Update by label and by call SID.
	up, err := c.UpdateParticipant(ctx, conf, "agent 7", api.UpdateParticipant{Muted: api.Bool(true)})
	if err != nil || !up.Muted || up.Status != model.ParticipantConnected {
		t.Fatalf("mute by label: %v %+v", err, up)
	}
	up, err = c.UpdateParticipant(ctx, conf, p2.CallSID, api.UpdateParticipant{Hold: api.Bool(true), HoldURL: "https://example.com/hold.mp3", HoldMethod: "GET"})
	if err != nil || !up.Hold {
		t.Fatalf("hold by call SID: %v %+v", err, up)
	}
	up, err = c.UpdateParticipant(ctx, conf, p2.CallSID, api.UpdateParticipant{Hold: api.Bool(false), Coaching: api.Bool(true), CallSIDToCoach: p.CallSID})
	if err != nil || up.Hold || !up.Coaching || up.CallSIDToCoach != p.CallSID {
		t.Fatalf("coach: %v %+v", err, up)
	}
	coaching, err := c.ListParticipants(ctx, conf, api.ParticipantFilter{Coaching: api.Bool(true)})
	if err != nil || len(coaching) != 1 || coaching[0].CallSID != p2.CallSID {
		t.Fatalf("coaching filter: %v %+v", err, coaching)
	}
	fetched, err := c.FetchParticipant(ctx, conf, "agent 7")
	if err != nil || fetched.CallSID != p.CallSID || !fetched.Muted {
		t.Fatalf("fetch by label: %v %+v", err, fetched)
	}

	// Announce to everyone, then remove one participant.
	if _, err := c.UpdateConference(ctx, conf, api.ConferenceUpdate{AnnounceURL: "https://example.com/a.xml", AnnounceMethod: "GET"}); err != nil {
		t.Fatalf("announce: %v", err)
	}
	var info api.ResponseInfo
	if err := c.DeleteParticipant(api.WithResponseInfo(ctx, &info), conf, "agent 7"); err != nil {
		t.Fatal(err)
	}
	if info.Status != 204 || info.Attempts != 1 || !strings.HasPrefix(info.RequestID, "RQ") || info.Operation != api.OpDeleteParticipant {
		t.Errorf("delete info %+v", info)
	}
	_, err = c.FetchParticipant(ctx, conf, "agent 7")
	var e *api.Error
	if !errors.Is(err, api.ErrNotFound) || !errors.As(err, &e) {
		t.Fatalf("fetch after delete: %v, want ErrNotFound", err)
	}
	if e.Code != 20404 || e.Status != 404 || e.MoreInfo == "" || e.RequestID == "" || e.Message == "" {
		t.Errorf("404 from the simulator: %+v", e)
	}
	if err := c.DeleteParticipant(ctx, conf, p.CallSID); !errors.Is(err, api.ErrNotFound) {
		t.Fatalf("delete again: %v, want ErrNotFound", err)
	}
	left, err := c.ListParticipants(ctx, conf, api.ParticipantFilter{})
	if err != nil || len(left) != 1 || left[0].CallSID != p2.CallSID {
		t.Fatalf("after delete: %v %+v", err, left)
	}

	// End the conference.
	ended, err := c.UpdateConference(ctx, conf, api.ConferenceUpdate{Status: "completed"})
	if err != nil || ended.Status != model.ConferenceCompleted || ended.ReasonEnded != model.ReasonEndedViaAPI {
		t.Fatalf("end: %v %+v", err, ended)
	}
	done, err := c.ListConferences(ctx, api.ConferenceFilter{Status: "completed"})
	if err != nil || len(done) != 1 || done[0].SID != conf {
		t.Fatalf("completed conferences: %v %+v", err, done)
	}
	live, err := c.ListConferences(ctx, api.ConferenceFilter{Status: "in-progress"})
	if err != nil || len(live) != 0 {
		t.Fatalf("in-progress conferences: %v %+v", err, live)
	}
	if _, err := c.CreateParticipant(ctx, conf, api.CreateParticipant{From: "+15005550006", To: "client:late"}); err == nil {
		t.Errorf("joined a completed conference")
	}
}

// TestSimPaging reads a roster across several small pages and compares it to
// the simulator's own view, in order.
func TestSimPaging(t *testing.T) {
	w := newWorld(t)
	var conf string
	for i := 0; i < 11; i++ {
		p, err := w.srv.JoinConnected(simAccount, "big room", sim.Join{Label: "caller " + string(rune('a'+i)), Muted: i%3 == 0})
		if err != nil {
			t.Fatal(err)
		}
		conf = p.ConferenceSID
		w.clock.Advance(time.Second)
	}
	want := w.srv.Participants(simAccount, conf)
	for _, size := range []int{1, 2, 3, 10, 11, 1000} {
		var info api.ResponseInfo
		got, err := w.client.ListParticipants(api.WithResponseInfo(ctxFor(t), &info), conf, api.ParticipantFilter{PageSize: size})
		if err != nil {
			t.Fatalf("page size %d: %v", size, err)
		}
		if !reflect.DeepEqual(callSIDs(got), callSIDs(want)) {
			t.Errorf("page size %d: got %v\nwant %v", size, callSIDs(got), callSIDs(want))
		}
		if wantPages := (11 + size - 1) / size; info.Pages != wantPages && info.Pages != wantPages+1 {
			t.Errorf("page size %d: %d pages, want %d", size, info.Pages, wantPages)
		}
	}
	// Participants compare field by field with the simulator's model values.
	got, _ := w.client.ListParticipants(ctxFor(t), conf, api.ParticipantFilter{PageSize: 4})
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("participant %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	confs, err := w.client.ListConferences(ctxFor(t), api.ConferenceFilter{PageSize: 1})
	if err != nil || len(confs) != 1 {
		t.Fatalf("conferences: %v %+v", err, confs)
	}
}

func callSIDs(ps []model.Participant) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.CallSID)
	}
	return out
}

func TestSimTriState(t *testing.T) {
	w := newWorld(t)
	ctx := ctxFor(t)
	var conf string
	for i, j := range []sim.Join{
		{Label: "m1", Muted: true}, {Label: "m2", Muted: true}, {Label: "m3", Muted: true, Hold: true},
		{Label: "u1"}, {Label: "u2", Hold: true},
	} {
		p, err := w.srv.JoinConnected(simAccount, "tri", j)
		if err != nil {
			t.Fatal(i, err)
		}
		conf = p.ConferenceSID
	}
	count := func(f api.ParticipantFilter) []string {
		ps, err := w.client.ListParticipants(ctx, conf, f)
		if err != nil {
			t.Fatal(err)
		}
		var labels []string
		for _, p := range ps {
			labels = append(labels, p.Label)
		}
		sort.Strings(labels)
		return labels
	}
	tests := []struct {
		f    api.ParticipantFilter
		want []string
	}{
		{api.ParticipantFilter{}, []string{"m1", "m2", "m3", "u1", "u2"}},
		{api.ParticipantFilter{Muted: api.Bool(true)}, []string{"m1", "m2", "m3"}},
		{api.ParticipantFilter{Muted: api.Bool(false)}, []string{"u1", "u2"}},
		{api.ParticipantFilter{Hold: api.Bool(false)}, []string{"m1", "m2", "u1"}},
		{api.ParticipantFilter{Muted: api.Bool(true), Hold: api.Bool(true)}, []string{"m3"}},
		{api.ParticipantFilter{Coaching: api.Bool(true)}, nil},
	}
	for _, tt := range tests {
		if got := count(tt.f); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("filter %+v: %v, want %v", tt.f, got, tt.want)
		}
	}
	// Updating one field leaves the others alone; false is sent and applied.
	p, err := w.client.UpdateParticipant(ctx, conf, "m3", api.UpdateParticipant{Hold: api.Bool(false)})
	if err != nil || p.Hold || !p.Muted {
		t.Fatalf("unhold m3: %v %+v", err, p)
	}
	p, err = w.client.UpdateParticipant(ctx, conf, "m3", api.UpdateParticipant{Muted: api.Bool(false)})
	if err != nil || p.Hold || p.Muted {
		t.Fatalf("unmute m3: %v %+v", err, p)
	}
	p, err = w.client.UpdateParticipant(ctx, conf, "u2", api.UpdateParticipant{})
	if err != nil || !p.Hold || p.Muted {
		t.Fatalf("empty update of u2: %v %+v", err, p)
	}
}

func TestSimLabelRoundTrip(t *testing.T) {
	w := newWorld(t)
	ctx := ctxFor(t)
	labels := []string{"agent 7", "agent+7", "100%", "100%25", "what?", "#1", "café ☕", "日本語", "a&b=c", "semi;colon", "..."}
	var conf string
	for _, label := range labels {
		p, err := w.client.CreateParticipant(ctx, "labels", api.CreateParticipant{From: "+15005550006", To: "client:x", Label: label})
		if err != nil {
			t.Fatalf("create %q: %v", label, err)
		}
		if p.Label != label {
			t.Errorf("created label %q, want %q", p.Label, label)
		}
		conf = p.ConferenceSID
	}
	for _, label := range labels {
		p, err := w.client.FetchParticipant(ctx, conf, label)
		if err != nil || p.Label != label {
			t.Errorf("fetch %q: %v %+v", label, err, p)
			continue
		}
		p, err = w.client.UpdateParticipant(ctx, conf, label, api.UpdateParticipant{Muted: api.Bool(true)})
		if err != nil || p.Label != label || !p.Muted {
			t.Errorf("update %q: %v %+v", label, err, p)
		}
	}
	// "100%" and "100%25" are different labels and must stay different.
	a, _ := w.client.FetchParticipant(ctx, conf, "100%")
	b, _ := w.client.FetchParticipant(ctx, conf, "100%25")
	if a.CallSID == b.CallSID {
		t.Errorf(`"100%%" and "100%%25" reached the same participant`)
	}
	for _, label := range labels {
		if err := w.client.DeleteParticipant(ctx, conf, label); err != nil {
			t.Errorf("delete %q: %v", label, err)
		}
	}
}

func TestSimAuth(t *testing.T) {
	// API key and secret, with the account SID in the path.
	w := newWorld(t, func(c *api.Config) { c.AuthToken = ""; c.APIKey = simKey; c.APISecret = simSecret })
	if _, err := w.client.ListConferences(ctxFor(t), api.ConferenceFilter{}); err != nil {
		t.Fatalf("api key: %v", err)
	}
	// A wrong token.
	bad := newWorld(t, func(c *api.Config) { c.AuthToken = "wrongTokenS3CRET000000000000000x" })
	_, err := bad.client.ListConferences(ctxFor(t), api.ConferenceFilter{})
	var e *api.Error
	if !errors.Is(err, api.ErrUnauthorized) || !errors.As(err, &e) || e.Code != 20003 || e.Status != 401 {
		t.Fatalf("wrong token: %v", err)
	}
	if strings.Contains(err.Error(), "S3CRET") {
		t.Errorf("error leaks the token: %v", err)
	}
	// Another account's conference is not found.
	p, err := w.srv.JoinConnected(otherAcct, "theirs", sim.Join{Label: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.client.FetchConference(ctxFor(t), p.ConferenceSID); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("other account's conference: %v", err)
	}
}

func TestSimDateFilters(t *testing.T) {
	w := newWorld(t)
	ctx := ctxFor(t)
	day1 := w.clock.Now()
	if _, err := w.srv.JoinConnected(simAccount, "monday", sim.Join{Label: "a"}); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(48 * time.Hour)
	if _, err := w.srv.JoinConnected(simAccount, "wednesday", sim.Join{Label: "b"}); err != nil {
		t.Fatal(err)
	}
	names := func(f api.ConferenceFilter) []string {
		cs, err := w.client.ListConferences(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.FriendlyName)
		}
		sort.Strings(out)
		return out
	}
	tests := []struct {
		f    api.ConferenceFilter
		want []string
	}{
		{api.ConferenceFilter{CreatedOn: day1}, []string{"monday"}},
		{api.ConferenceFilter{CreatedAfter: day1.Add(24 * time.Hour)}, []string{"wednesday"}},
		{api.ConferenceFilter{CreatedBefore: day1.Add(24 * time.Hour)}, []string{"monday"}},
		{api.ConferenceFilter{UpdatedOn: day1.Add(48 * time.Hour)}, []string{"wednesday"}},
		{api.ConferenceFilter{}, []string{"monday", "wednesday"}},
	}
	for _, tt := range tests {
		if got := names(tt.f); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("filter %+v: %v, want %v", tt.f, got, tt.want)
		}
	}
}

func TestSimRecordings(t *testing.T) {
	w := newWorld(t)
	ctx := ctxFor(t)
	p, err := w.client.CreateParticipant(ctx, "recorded", api.CreateParticipant{From: "+15005550006", To: "client:a", ConferenceRecord: "record-from-start"})
	if err != nil {
		t.Fatal(err)
	}
	conf := p.ConferenceSID
	// The conference (and its recording) starts when a second participant connects.
	if _, err := w.client.CreateParticipant(ctx, conf, api.CreateParticipant{From: "+15005550006", To: "client:b"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.client.ListParticipants(ctx, conf, api.ParticipantFilter{}); err != nil {
		t.Fatal(err)
	}
	recs, err := w.client.ListRecordings(ctx, conf)
	if err != nil || len(recs) != 1 || recs[0].Status != model.RecordingInProgress {
		t.Fatalf("recordings: %v %+v", err, recs)
	}
	for _, step := range []struct{ id, status string }{
		{api.CurrentRecording, "paused"}, {recs[0].SID, "in-progress"}, {api.CurrentRecording, "stopped"},
	} {
		r, err := w.client.UpdateRecording(ctx, conf, step.id, api.RecordingUpdate{Status: step.status})
		if err != nil || string(r.Status) != step.status || r.SID != recs[0].SID {
			t.Fatalf("%s -> %s: %v %+v", step.id, step.status, err, r)
		}
	}
	if _, err := w.client.UpdateRecording(ctx, conf, api.CurrentRecording, api.RecordingUpdate{Status: "paused"}); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("no current recording after stop: %v", err)
	}
}

// TestSimFaults runs the client's retry rules against the simulator's
// injected faults, and checks the world: a write is never done twice.
func TestSimFaults(t *testing.T) {
	tests := []struct {
		name     string
		fault    sim.Fault
		write    bool
		wantErr  bool
		attempts int
		created  int // participants in the room afterwards (for writes)
	}{
		{"read 429", sim.Fault{Kind: sim.FaultTooManyRequests, Method: "GET", Count: 2}, false, false, 3, 0},
		{"read 503", sim.Fault{Kind: sim.FaultUnavailable, Method: "GET"}, false, false, 2, 0},
		{"read 500", sim.Fault{Kind: sim.FaultInternalError, Method: "GET"}, false, false, 2, 0},
		{"read HTML 502", sim.Fault{Kind: sim.FaultHTMLError, Method: "GET"}, false, false, 2, 0},
		{"read dropped", sim.Fault{Kind: sim.FaultDropConnection, Method: "GET"}, false, false, 2, 0},
		{"read 503 forever", sim.Fault{Kind: sim.FaultUnavailable, Method: "GET", Every: 1}, false, true, 4, 0},
		{"create 429 is retried and done once", sim.Fault{Kind: sim.FaultTooManyRequests, Method: "POST"}, true, false, 2, 1},
		{"create 500 is not retried", sim.Fault{Kind: sim.FaultInternalError, Method: "POST"}, true, true, 1, 0},
		{"create dropped is not retried", sim.Fault{Kind: sim.FaultDropConnection, Method: "POST"}, true, true, 1, 0},
		{"create truncated reply: done once, reported", sim.Fault{Kind: sim.FaultTruncatedJSON, Method: "POST"}, true, true, 1, 1},
		{"create empty reply: done once, reported", sim.Fault{Kind: sim.FaultEmptyBody, Method: "POST"}, true, true, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			ctx := ctxFor(t)
			seed, err := w.srv.JoinConnected(simAccount, "faulty", sim.Join{Label: "host"})
			if err != nil {
				t.Fatal(err)
			}
			conf := seed.ConferenceSID
			w.srv.InjectFault(tt.fault)
			var info api.ResponseInfo
			ictx := api.WithResponseInfo(ctx, &info)
			if tt.write {
				_, err = w.client.CreateParticipant(ictx, conf, api.CreateParticipant{From: "+15005550006", To: "client:guest", Label: "guest"})
			} else {
				_, err = w.client.ListParticipants(ictx, conf, api.ParticipantFilter{})
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				var e *api.Error
				if !errors.As(err, &e) || e.Op == "" {
					t.Errorf("not an *api.Error with its operation: %v", err)
				}
			}
			if info.Attempts != tt.attempts {
				t.Errorf("%d attempts, want %d", info.Attempts, tt.attempts)
			}
			if tt.write {
				w.srv.ClearFaults()
				guests := 0
				for _, p := range w.srv.Participants(simAccount, conf) {
					if p.Label == "guest" {
						guests++
					}
				}
				if guests != tt.created {
					t.Errorf("%d guests in the room, want %d", guests, tt.created)
				}
			}
		})
	}
}

// TestSimCreateEveryParameter: the full CreateParticipant the wire test pins
// is one the simulator (and so Twilio's contract) accepts.
func TestSimCreateEveryParameter(t *testing.T) {
	w := newWorld(t)
	ctx := ctxFor(t)
	host, err := w.srv.JoinConnected(simAccount, "full", sim.Join{Label: "host"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.client.CreateParticipant(ctx, host.ConferenceSID, api.CreateParticipant{
		From: "+15005550006", To: "+14155550110", StatusCallback: "https://example.com/sc", StatusCallbackMethod: "POST",
		StatusCallbackEvent: []string{"initiated", "ringing", "answered", "completed"}, Label: "customer",
		Timeout: api.Int(30), Record: api.Bool(false), Muted: api.Bool(false), Beep: "onEnter", StartConferenceOnEnter: api.Bool(true),
		EndConferenceOnExit: api.Bool(false), WaitURL: "https://example.com/wait", WaitMethod: "GET", EarlyMedia: api.Bool(true),
		MaxParticipants: api.Int(10), ConferenceRecord: "do-not-record", ConferenceTrim: "trim-silence",
		ConferenceStatusCallback: "https://example.com/csc", ConferenceStatusCallbackMethod: "GET",
		ConferenceStatusCallbackEvent: []string{"start", "end", "join", "leave"}, RecordingChannels: "dual",
		RecordingStatusCallback: "https://example.com/rsc", RecordingStatusCallbackMethod: "POST",
		SipAuthUsername: "sipuser", SipAuthPassword: "sippass", Region: "ie1",
		ConferenceRecordingStatusCallback: "https://example.com/crsc", ConferenceRecordingStatusCallbackMethod: "POST",
		RecordingStatusCallbackEvent: []string{"in-progress", "completed"}, ConferenceRecordingStatusCallbackEvent: []string{"absent"},
		Coaching: api.Bool(true), CallSIDToCoach: host.CallSID, JitterBufferSize: "large",
		Byoc: "BY0123456789abcdef0123456789abcdef", CallerID: "+15005550007", CallReason: "escalation",
		RecordingTrack: "both", TimeLimit: api.Int(600), MachineDetection: "Enable", MachineDetectionTimeout: api.Int(15),
		MachineDetectionSpeechThreshold: api.Int(2400), MachineDetectionSpeechEndThreshold: api.Int(1200),
		MachineDetectionSilenceTimeout: api.Int(5000), AmdStatusCallback: "https://example.com/amd",
		AmdStatusCallbackMethod: "POST", Trim: "do-not-trim", CallToken: "tok", ClientNotificationURL: "https://example.com/cn",
		CallerDisplayName: "Support",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Coaching || p.CallSIDToCoach != host.CallSID || p.Label != "customer" || p.QueueTime < 0 {
		t.Errorf("created %+v", p)
	}
}
