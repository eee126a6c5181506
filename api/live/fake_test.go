package live

import (
	"context"
	"fmt"
	"sync"
	"time"

	"confconsole/api"
	"confconsole/model"
)

const (
	roomA = "CF0123456789abcdef0123456789abcdef"
	roomB = "CFfedcba9876543210fedcba9876543210"
	callX = "CA0123456789abcdef0123456789abcdef"
	callY = "CAfedcba9876543210fedcba9876543210"
)

// request is one call the fake service received.
type request struct {
	at   time.Time
	op   string // "list participants", "update participant"...
	conf string
}

// fakeService is an in-memory Twilio for the live state: it counts and
// times every request, and lets a test fail or hold any of them.
type fakeService struct {
	mu    sync.Mutex
	rooms map[string][]model.Participant
	log   []request
	// fail, when set, may fail a request (n counts the requests of that
	// op and conference from 1).
	fail func(op, conf string, n int) error
	// hold, when set, is waited on by every update and delete: a test
	// closes it (or sends) to let them answer.
	hold chan struct{}
	// onList, when set, changes the room before a list is answered.
	onList func(conf string, ps []model.Participant) []model.Participant
	counts map[string]int
	// ignore makes updates change nothing though they are answered; reply
	// is the answer to an update once it was made (or ignored).
	ignore bool
	reply  error
	// ended lists the conferences that are over.
	ended map[string]bool
	// recordings are each conference's recordings, as listed; an update
	// of Twilio.CURRENT changes the newest live one.
	recordings map[string][]model.Recording
}

func newFake() *fakeService {
	return &fakeService{
		rooms: map[string][]model.Participant{
			roomA: {{CallSID: callX, ConferenceSID: roomA, Label: "customer-7", Status: model.ParticipantConnected},
				{CallSID: callY, ConferenceSID: roomA, Label: "agent-2", Status: model.ParticipantConnected}},
			roomB: {{CallSID: callX, ConferenceSID: roomB, Label: "caller-1", Status: model.ParticipantConnected}},
		},
		counts: make(map[string]int),
	}
}

// record logs a request and returns the error the test wants for it.
func (f *fakeService) record(op, conf string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, request{at: time.Now(), op: op, conf: conf})
	f.counts[op+" "+conf]++
	if f.fail != nil {
		return f.fail(op, conf, f.counts[op+" "+conf])
	}
	return nil
}

func (f *fakeService) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.log...)
}

func (f *fakeService) count(op, conf string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[op+" "+conf]
}

func (f *fakeService) ListConferences(ctx context.Context, _ api.ConferenceFilter) ([]model.Conference, error) {
	if err := f.record("list conferences", ""); err != nil {
		return nil, err
	}
	return []model.Conference{{SID: roomA, FriendlyName: "Ops bridge", Status: model.ConferenceInProgress}, {SID: roomB, Status: model.ConferenceInProgress}}, nil
}

func (f *fakeService) FetchConference(ctx context.Context, sid string) (model.Conference, error) {
	if err := f.record("fetch conference", sid); err != nil {
		return model.Conference{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended[sid] {
		return model.Conference{SID: sid, Status: model.ConferenceCompleted}, nil
	}
	return model.Conference{SID: sid, Status: model.ConferenceInProgress}, nil
}

// end hangs everyone up and completes the conference.
func (f *fakeService) end(conf string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ended == nil {
		f.ended = make(map[string]bool)
	}
	f.ended[conf] = true
	f.rooms[conf] = nil
}

func (f *fakeService) UpdateConference(ctx context.Context, sid string, u api.ConferenceUpdate) (model.Conference, error) {
	if err := f.wait(ctx, "update conference", sid); err != nil {
		return model.Conference{}, err
	}
	return model.Conference{SID: sid, Status: model.ConferenceInProgress}, nil
}

func (f *fakeService) ListParticipants(ctx context.Context, conf string, _ api.ParticipantFilter) ([]model.Participant, error) {
	if err := f.record("list participants", conf); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.onList != nil {
		f.rooms[conf] = f.onList(conf, f.rooms[conf])
	}
	return append([]model.Participant(nil), f.rooms[conf]...), nil
}

func (f *fakeService) UpdateParticipant(ctx context.Context, conf, call string, u api.UpdateParticipant) (model.Participant, error) {
	if err := f.wait(ctx, "update participant", conf); err != nil {
		return model.Participant{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ps := f.rooms[conf]
	for i := range ps {
		if ps[i].CallSID == call {
			if f.ignore {
				return ps[i], f.reply
			}
			if u.Muted != nil {
				ps[i].Muted = *u.Muted
			}
			if u.Hold != nil {
				ps[i].Hold = *u.Hold
			}
			return ps[i], f.reply
		}
	}
	return model.Participant{}, &api.Error{Op: api.OpUpdateParticipant, Target: call, Status: 404, Code: 20404, Message: "not found"}
}

func (f *fakeService) DeleteParticipant(ctx context.Context, conf, call string) error {
	return f.wait(ctx, "delete participant", conf)
}

func (f *fakeService) CreateParticipant(ctx context.Context, conf string, p api.CreateParticipant) (model.Participant, error) {
	if err := f.wait(ctx, "create participant", conf); err != nil {
		return model.Participant{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	created := model.Participant{CallSID: fmt.Sprintf("CA%032x", len(f.rooms[conf])+1), ConferenceSID: conf, Label: p.Label, Status: model.ParticipantQueued}
	f.rooms[conf] = append(f.rooms[conf], created)
	return created, nil
}

func (f *fakeService) UpdateRecording(ctx context.Context, conf, rec string, u api.RecordingUpdate) (model.Recording, error) {
	if err := f.wait(ctx, "update recording", conf); err != nil {
		return model.Recording{}, err
	}
	f.setRecording(conf, model.RecordingStatus(u.Status))
	return model.Recording{ConferenceSID: conf, Status: model.RecordingStatus(u.Status)}, nil
}

// setRecording sets the status of the conference's live recording, as
// Twilio.CURRENT names it, or starts one when none is live.
func (f *fakeService) setRecording(conf string, status model.RecordingStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.recordings == nil {
		f.recordings = make(map[string][]model.Recording)
	}
	rs := append([]model.Recording(nil), f.recordings[conf]...)
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i].Status == model.RecordingInProgress || rs[i].Status == model.RecordingPaused {
			rs[i].Status = status
			f.recordings[conf] = rs
			return
		}
	}
	f.recordings[conf] = append(rs, model.Recording{ConferenceSID: conf, Status: status, StartTime: time.Now()})
}

func (f *fakeService) ListRecordings(ctx context.Context, conf string) ([]model.Recording, error) {
	if err := f.record("list recordings", conf); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]model.Recording(nil), f.recordings[conf]...), nil
}

// wait records a write and holds it until the test lets it go.
func (f *fakeService) wait(ctx context.Context, op, conf string) error {
	if err := f.record(op, conf); err != nil {
		return err
	}
	if f.hold == nil {
		return nil
	}
	select {
	case <-f.hold:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// throttled is a 429 as the client reports it: it matches
// api.ErrRateLimited and carries the server's Retry-After.
type throttled struct{ after time.Duration }

func (e throttled) Error() string {
	return fmt.Sprintf("twilio 20429 (HTTP 429): too many requests; retry after %s", e.after)
}
func (e throttled) Is(target error) bool      { return target == api.ErrRateLimited }
func (e throttled) RetryAfter() time.Duration { return e.after }

// newHub makes a Hub with no jitter; the test closes it (with defer: in a
// synctest bubble, cleanups run only after the bubble's goroutines end).
func newHub(svc Service, opts Options) *Hub {
	opts.Jitter = NoJitter
	return New(svc, opts)
}

// drain takes every snapshot waiting in s (at most one) and returns the
// last, or ok false when there was none.
func drain[S any](s *Subscription[S]) (v S, ok bool) {
	select {
	case v, ok = <-s.Updates():
	default:
	}
	return v, ok
}
