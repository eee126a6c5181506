package live

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"confconsole/api"
	"confconsole/model"
)

// Service is what the live state needs from Twilio; *api.Client satisfies
// it, and tests pass a fake.
type Service interface {
	ListConferences(ctx context.Context, f api.ConferenceFilter) ([]model.Conference, error)
	FetchConference(ctx context.Context, sid string) (model.Conference, error)
	UpdateConference(ctx context.Context, sid string, u api.ConferenceUpdate) (model.Conference, error)
	ListParticipants(ctx context.Context, conferenceSID string, f api.ParticipantFilter) ([]model.Participant, error)
	UpdateParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string, u api.UpdateParticipant) (model.Participant, error)
	DeleteParticipant(ctx context.Context, conferenceSID, callSIDOrLabel string) error
	CreateParticipant(ctx context.Context, conference string, p api.CreateParticipant) (model.Participant, error)
	UpdateRecording(ctx context.Context, conferenceSID, recordingSID string, u api.RecordingUpdate) (model.Recording, error)
	ListRecordings(ctx context.Context, conferenceSID string) ([]model.Recording, error)
}

// Defaults of Options.
const (
	DefaultInterval       = 2 * time.Second
	DefaultGrace          = 10 * time.Second
	DefaultRequestTimeout = 20 * time.Second
	DefaultReconcile      = 15 * time.Second
	DefaultRecordingCheck = 30 * time.Second
)

// Back-off of a failing poller: slower and slower, never rarer than
// maxBackoff, so recovery shows quickly; wrong credentials wait authBackoff.
const (
	maxBackoff  = 60 * time.Second
	authBackoff = 30 * time.Second
)

// Options configures a Hub. Zero fields take the defaults.
type Options struct {
	// Interval is the time between two polls of one feed (DefaultInterval).
	Interval time.Duration
	// Grace is how long a feed nobody watches goes on polling before it
	// stops (DefaultGrace), so a screen closed and opened again, or a
	// session that reconnects, finds it warm.
	Grace time.Duration
	// RequestTimeout bounds each request, polls and actions alike
	// (DefaultRequestTimeout).
	RequestTimeout time.Duration
	// EventCapacity is how many events a room snapshot keeps
	// (model.DefaultEventLogCapacity).
	EventCapacity int
	// Reconcile is the time between two polls of a room while its status
	// callbacks arrive (DefaultReconcile): the callbacks move the roster,
	// and the poll only confirms it. The room goes back to Interval once
	// no callback has come for Reconcile, or after a gap.
	Reconcile time.Duration
	// Gate is the account's gate; nil makes one with NewGateClock(0, Now). Share one
	// Gate between everything that calls the same account.
	Gate *Gate
	// Jitter returns a random extra delay up to a tenth of d, so rooms
	// opened together do not poll in lockstep; nil means that. Tests pass
	// NoJitter.
	Jitter func(d time.Duration) time.Duration
	// BatchConcurrency is how many requests of one batch may be on their
	// way at once (DefaultBatchConcurrency); the Gate still bounds the
	// account as a whole.
	BatchConcurrency int
	// Now is the clock the snapshots' times come from; nil means time.Now.
	Now func() time.Time
	// NewTimer makes the timers the pollers wait on (the next poll, the
	// grace period); nil means real ones. Tests pass timers they fire
	// themselves, so that polls happen exactly when the test says.
	NewTimer func(d time.Duration) Timer
	// RefreshFloor is how soon after a feed's last poll was sent Refresh
	// and RefreshList poll it again: a refresh sooner polls when the floor
	// has passed (refreshes meanwhile are that one poll). Zero means none
	// (every refresh polls at once, as tests that drive the pollers want).
	// A program where people press refresh sets it (MinRefresh):
	// otherwise a key held down, or many sessions pressing it, sends a
	// poll per key repeat, enough to get the account throttled and pause
	// everyone's requests.
	RefreshFloor time.Duration
	// RecordingCheck is how often a room's poll also asks Twilio for the
	// conference's recording (DefaultRecordingCheck), so that a recording
	// started, paused or stopped outside this program reaches the
	// header. The first poll asks, and so does the poll after a recording
	// action; an action through this Hub shows at once, to every watcher.
	// A person's refresh does not ask: it stays one request.
	RecordingCheck time.Duration
}

// MinRefresh is the RefreshFloor for people: a second.
const MinRefresh = time.Second

// Timer is what a poller waits on: a time.Timer, or a test's own.
type Timer interface {
	// C delivers once when the timer fires.
	C() <-chan time.Time
	// Stop and Reset behave as time.Timer's.
	Stop() bool
	Reset(d time.Duration) bool
}

// realTimer is a Timer over time.Timer.
type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }

func newRealTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

// NoJitter is an Options.Jitter that adds nothing.
func NoJitter(time.Duration) time.Duration { return 0 }

func defaultJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d/10 + 1)
}

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Grace <= 0 {
		o.Grace = DefaultGrace
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.Reconcile <= 0 {
		o.Reconcile = DefaultReconcile
	}
	if o.RecordingCheck <= 0 {
		o.RecordingCheck = DefaultRecordingCheck
	}
	if o.EventCapacity <= 0 {
		o.EventCapacity = model.DefaultEventLogCapacity
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Gate == nil {
		o.Gate = NewGateClock(0, o.Now)
	}
	if o.Jitter == nil {
		o.Jitter = defaultJitter
	}
	if o.NewTimer == nil {
		o.NewTimer = newRealTimer
	}
	return o
}

// ErrClosed is returned by a Hub that has been closed.
var ErrClosed = errors.New("the live state is closed")

// Hub is the live state of one Twilio account, shared by every screen and
// session. See the package documentation.
type Hub struct {
	svc  Service
	opts Options

	ctx    context.Context // ends with Close; every poll runs under it
	cancel context.CancelFunc
	wg     sync.WaitGroup // pollers and actions in flight

	mu      sync.Mutex // guards everything below, and every feed's state
	closed  bool
	rooms   map[string]*room     // by conference SID
	list    *confFeed            // nil while nobody watches the list
	recent  *confFeed            // the same for the recent conferences
	pending map[string][]Pending // by conference SID, oldest first
	bulk    bulk                 // batches and what each operator may undo (batch.go, undo.go)
}

// New returns a Hub calling svc. It starts nothing: the first watcher of a
// feed starts its poller. Close it when done.
func New(svc Service, opts Options) *Hub {
	ctx, cancel := context.WithCancel(context.Background())
	return &Hub{
		svc: svc, opts: opts.withDefaults(), ctx: ctx, cancel: cancel,
		rooms: make(map[string]*room), pending: make(map[string][]Pending),
	}
}

// now is the Hub's clock (Options.Now).
func (h *Hub) now() time.Time { return h.opts.Now() }

// Refresh asks the room's poller to poll now (a person pressed refresh);
// the result reaches every watcher as usual. It does nothing when nobody
// watches the room, it has ended, or a poll of it was sent less than
// Options.RefreshFloor ago, and never waits.
func (h *Hub) Refresh(conferenceSID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.rooms[conferenceSID]; r != nil && !h.closed {
		r.refresh(h.opts.RefreshFloor)
	}
}

// refresh asks the poller for a person's refresh: at once without a floor
// (Options.RefreshFloor), else through soon, which the loop holds to the
// floor. Called with h.mu held.
func (f *feed[S]) refresh(floor time.Duration) {
	if floor <= 0 {
		signal(f.kick)
		return
	}
	signal(f.soon)
}

// refreshWait is, for f's loop, how long a refresh waits now (refreshIn
// under the Hub's lock).
func refreshWait[S any](h *Hub, f *feed[S]) func() time.Duration {
	return func() time.Duration {
		h.mu.Lock()
		defer h.mu.Unlock()
		return f.refreshIn(h.now(), h.opts.RefreshFloor)
	}
}

// refreshIn is how long a refresh waits for its poll: until floor has
// passed since the last poll was sent (0: now). Called with h.mu held.
func (f *feed[S]) refreshIn(now time.Time, floor time.Duration) time.Duration {
	if f.sentAt.IsZero() {
		return 0
	}
	return max(0, floor-now.Sub(f.sentAt))
}

// PollsSent is how many polls of the conference's room have been sent so
// far, the one on its way included. Polls of a room never overlap, so the
// snapshot of a poll numbered above this (PollStatus.Polls) comes from a
// poll sent after the call: asked just before an action is sent, it tells
// the polls that could show the action from those that could not. Zero for
// a room nobody watches.
func (h *Hub) PollsSent(conferenceSID string) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if r := h.rooms[conferenceSID]; r != nil {
		return r.started
	}
	return 0
}

// RefreshList asks the conference lists' pollers (in progress, and
// recent) to poll now, as Refresh does for a room.
func (h *Hub) RefreshList() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range []*confFeed{h.list, h.recent} {
		if l != nil && !h.closed {
			l.refresh(h.opts.RefreshFloor)
		}
	}
}

// Gate is the gate the Hub sends its requests through.
func (h *Hub) Gate() *Gate { return h.opts.Gate }

// Close ends every subscription, stops the pollers, and waits for them and
// for the actions in flight (each bounded by Options.RequestTimeout) to
// finish. Actions submitted after Close are refused with ErrClosed.
func (h *Hub) Close() {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		for _, r := range h.rooms {
			r.endAll()
		}
		for _, l := range []*confFeed{h.list, h.recent} {
			if l != nil {
				l.endAll()
			}
		}
	}
	h.mu.Unlock()
	h.cancel()
	h.wg.Wait()
}

// feed is what the conference list and a room share: their watchers, the
// last snapshot, the poll status and the loop's signals.
type feed[S any] struct {
	subs    map[*Subscription[S]]struct{}
	latest  S
	has     bool
	version uint64
	status  PollStatus
	started uint64        // polls sent so far, finished or not (PollsSent)
	sentAt  time.Time     // when the latest poll was sent
	kick    chan struct{} // poll now (an action landed); holds one
	soon    chan struct{} // a person's refresh, held to Options.RefreshFloor; holds one
	idle    chan struct{} // the last watcher left; holds one
}

func newFeed[S any]() feed[S] {
	return feed[S]{
		subs: make(map[*Subscription[S]]struct{}),
		kick: make(chan struct{}, 1), soon: make(chan struct{}, 1), idle: make(chan struct{}, 1),
	}
}

// add subscribes a new watcher and hands it the last snapshot at once, so
// a screen opened on a warm feed draws without waiting for a poll. Called
// with h.mu held.
func (f *feed[S]) add(h *Hub) *Subscription[S] {
	s := newSubscription[S]()
	s.close = func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := f.subs[s]; !ok {
			return // the Hub closed it already
		}
		delete(f.subs, s)
		close(s.ch)
		if len(f.subs) == 0 {
			signal(f.idle)
		}
	}
	f.subs[s] = struct{}{}
	if f.has {
		s.offer(f.latest)
	}
	return s
}

// publish makes v the latest snapshot and offers it to every watcher.
// Called with h.mu held.
func (f *feed[S]) publish(v S) {
	f.latest, f.has = v, true
	for s := range f.subs {
		s.offer(v)
	}
}

// endAll closes every subscription. Called with h.mu held.
func (f *feed[S]) endAll() {
	for s := range f.subs {
		delete(f.subs, s)
		close(s.ch)
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// loop is one feed's poller: a poll at once, then one per interval (longer
// after failures) or at once when kicked, until the feed has had no watcher
// for the grace period or the Hub closes. Polls never overlap.
func (h *Hub) loop(kick, soon, idle <-chan struct{}, refreshIn func() time.Duration, watchers func() int, poll func(rearm func(time.Duration)) bool, forget func()) {
	defer h.wg.Done()
	next := h.opts.NewTimer(0)
	defer next.Stop()
	var grace Timer
	var graceC <-chan time.Time
	defer func() {
		if grace != nil {
			grace.Stop()
		}
	}()
	polling := true
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-idle:
			if grace == nil {
				grace = h.opts.NewTimer(h.opts.Grace)
			} else {
				grace.Reset(h.opts.Grace)
			}
			graceC = grace.C()
			continue
		case <-graceC:
			graceC = nil
			h.mu.Lock()
			if watchers() == 0 {
				forget() // under the lock: a new watcher now starts a new poller
				h.mu.Unlock()
				return
			}
			h.mu.Unlock()
			continue
		case <-kick:
		case <-soon:
			// A person's refresh: now, or as the next poll once the floor
			// has passed (polls are at least the floor apart, so that is
			// never later than the next poll was).
			if d := refreshIn(); d > 0 {
				next.Reset(d)
				continue
			}
		case <-next.C():
		}
		if !polling {
			continue
		}
		// The poll sets the next one before it publishes, so whoever sees
		// a snapshot also finds the next poll already set (a test moving
		// a fake clock on, for one).
		polling = poll(func(d time.Duration) { next.Reset(d) })
	}
}

// delay is the wait before the next poll after one that ended with err.
func delay(interval time.Duration, failures int, err error, jitter func(time.Duration) time.Duration) time.Duration {
	if err == nil {
		return interval + jitter(interval)
	}
	if errors.Is(err, api.ErrUnauthorized) || errors.Is(err, api.ErrForbidden) {
		return authBackoff
	}
	d := interval
	var ae *api.Error
	if errors.As(err, &ae) && ae.Temporary() {
		for i := 0; i < failures && d < maxBackoff; i++ {
			d *= 2
		}
		d = min(d, maxBackoff)
		// A Retry-After anywhere in the chain counts, not only the
		// client's own.
		var ra interface{ RetryAfter() time.Duration }
		if errors.As(err, &ra) {
			d = max(d, ra.RetryAfter())
		}
	}
	return d + jitter(d)
}

// call sends one request through the gate: it waits for its turn, then
// runs do and tells the gate how it went.
func (h *Hub) call(ctx context.Context, p Priority, do func(ctx context.Context) error) error {
	release, err := h.opts.Gate.Acquire(ctx, p)
	if err != nil {
		return err
	}
	err = guarded(context.WithValue(ctx, passedKey{h.opts.Gate}, true), do)
	release(err)
	return err
}

// ErrInternal is a panic in a request to Twilio (a bug in the client or
// the service it calls) turned into that request's error: one bad reply
// must not take down every session of a server with it.
var ErrInternal = errors.New("internal error in confconsole (please report it, with the audit log)")

// guarded runs do, turning a panic in it into ErrInternal. Whether a write
// that panicked reached Twilio is not known: like any answer that does not
// say, the polls tell.
func guarded(ctx context.Context, do func(ctx context.Context) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: %v", ErrInternal, v)
		}
	}()
	return do(ctx)
}

// summary is an error's text without the operation and target when the
// client gave them (the event already names the participant).
func summary(err error) string {
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae.Summary()
	}
	return err.Error()
}

// isNotFound reports a 404: the conference or participant is gone.
func isNotFound(err error) bool { return errors.Is(err, api.ErrNotFound) }

// isConferenceSID reports whether s is CF followed by 32 hex digits.
func isConferenceSID(s string) bool {
	if len(s) != 34 || !strings.HasPrefix(s, "CF") {
		return false
	}
	for _, r := range s[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

func checkConference(sid string) error {
	if !isConferenceSID(sid) {
		return fmt.Errorf("%q is not a conference SID (CF and 32 hex digits): pick the conference from the list, or give its SID", model.InertN(sid, 40))
	}
	return nil
}
