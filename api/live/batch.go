package live

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"confconsole/model"
)

// DefaultBatchConcurrency is how many requests of one batch are on their
// way at once when Options.BatchConcurrency is not set.
const DefaultBatchConcurrency = 4

// Target is one participant of a batch: its call SID, and its name on
// screen for events, errors and the summary (the call SID when empty).
type Target struct {
	CallSID string
	Label   string
}

// BatchRequest is one kind of action over a set of participants of one
// conference: "mute these 37". Bulk actions are explicit (Mute or Unmute,
// never a toggle), so a participant already in the target state is skipped
// rather than flipped back.
type BatchRequest struct {
	// Kind is one of Mute, Unmute, Hold, Resume, Remove and Announce.
	Kind ActionKind
	// Targets are the participants; a call SID listed twice is acted on
	// once.
	Targets []Target
	// URL is the announcement for Announce, and what callers hear for
	// Hold (empty: Twilio's hold music).
	URL string
	// OnResult, when set, is called once for every participant, with what
	// became of it, including those skipped and those cancelled before
	// they were sent. It is how every request of a batch reaches the
	// audit log, each on its own line with the batch's ID: the screens'
	// audit writer records each result it is given. Calls come one at a
	// time, from the batch's own goroutines; keep them short.
	OnResult func(BatchResult)
}

// ItemOutcome is what became of one participant of a batch.
type ItemOutcome int

// The outcomes of one participant of a batch.
const (
	ItemDone      ItemOutcome = iota + 1 // sent, and Twilio accepted it
	ItemSkipped                          // already in the target state: nothing sent
	ItemLeft                             // no longer in the conference (or Twilio answered 404): not an error
	ItemBusy                             // an action on it was pending, from anyone: nothing sent
	ItemFailed                           // refused by Twilio, or could not be sent (Err says why)
	ItemUnclear                          // sent; the answer does not say whether it was done; the polls tell
	ItemCancelled                        // not sent: the batch was cancelled first
)

var itemNames = [...]string{ItemDone: "done", ItemSkipped: "skipped", ItemLeft: "left",
	ItemBusy: "busy", ItemFailed: "failed", ItemUnclear: "unclear", ItemCancelled: "cancelled"}

// String names the outcome in one word, as audit records spell it
// ("done", "skipped", "left", "busy", "failed", "unclear", "cancelled").
func (o ItemOutcome) String() string {
	if o > 0 && int(o) < len(itemNames) {
		return itemNames[o]
	}
	return "outcome(" + strconv.Itoa(int(o)) + ")"
}

// BatchResult is what became of one participant of a batch.
type BatchResult struct {
	Batch      string // the batch's ID
	By         Operator
	Conference string
	Action     Action // the action for this participant
	Outcome    ItemOutcome
	// Sent says a request left for Twilio (Done, Unclear, and Failed or
	// Left when Twilio answered).
	Sent bool
	// Err is why it failed, was busy or is unclear; nil otherwise.
	Err error
	At  time.Time
}

// BatchFailure is one participant a batch could not act on, and why.
type BatchFailure struct {
	Target Target
	Reason string // plain text, safe to print
}

// BatchProgress is a batch as a snapshot shows it: what it does, how far
// it has got and, once Finished, how it ended. Immutable like the
// snapshot that carries it.
type BatchProgress struct {
	ID         string
	By         Operator
	Conference string
	Kind       ActionKind
	Started    time.Time
	// Total is the number of participants; the counts below add up to it
	// once Finished.
	Total                                         int
	Done, Skipped, Left, Busy, Unclear, Cancelled int
	Failed                                        []BatchFailure
	// Finished is set when nothing more will be sent or answered.
	Finished bool
}

// Processed is how many participants have an outcome so far.
func (b BatchProgress) Processed() int {
	return b.Done + b.Skipped + b.Left + b.Busy + b.Unclear + b.Cancelled + len(b.Failed)
}

// batchSpec is the wording of each kind a batch can apply.
type batchSpec struct {
	doing   string // "muting", as the header's progress says
	done    string // "muted", as the summary says
	already string // "already muted": skipped
}

var batchSpecs = map[ActionKind]batchSpec{
	Mute:     {doing: "muting", done: "muted", already: "already muted"},
	Unmute:   {doing: "unmuting", done: "unmuted", already: "already unmuted"},
	Hold:     {doing: "holding", done: "put on hold", already: "already on hold"},
	Resume:   {doing: "resuming", done: "took off hold", already: "already off hold"},
	Remove:   {doing: "removing", done: "removed"},
	Announce: {doing: "announcing to", done: "announced to"},
}

// Progress is the header's line while the batch runs: "muting 12/37";
// once finished, the Summary.
func (b BatchProgress) Progress() string {
	if b.Finished {
		return b.Summary()
	}
	return fmt.Sprintf("%s %d/%d", batchSpecs[b.Kind].doing, b.Processed(), b.Total)
}

// maxFailuresShown bounds the failures a summary names; the rest are
// counted.
const maxFailuresShown = 3

// Summary says how the batch went, in one line the screens can show:
// "muted 35 · 1 had left · 1 failed: customer-9: twilio 21220 ...". Names
// in it are inert, so it is safe to print.
func (b BatchProgress) Summary() string {
	spec := batchSpecs[b.Kind]
	parts := []string{fmt.Sprintf("%s %d", spec.done, b.Done)}
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(b.Skipped, spec.already)
	add(b.Left, "had left")
	add(b.Busy, "busy with another action")
	add(b.Unclear, "unclear (the next polls will show)")
	if n := len(b.Failed); n > 0 {
		var fs []string
		for _, f := range b.Failed[:min(n, maxFailuresShown)] {
			fs = append(fs, f.Target.name()+": "+f.Reason)
		}
		s := fmt.Sprintf("%d failed: %s", n, strings.Join(fs, "; "))
		if n > maxFailuresShown {
			s += fmt.Sprintf("; and %d more", n-maxFailuresShown)
		}
		parts = append(parts, s)
	}
	add(b.Cancelled, "cancelled")
	return strings.Join(parts, " · ")
}

func (t Target) name() string {
	if t.Label != "" {
		return model.InertN(t.Label, 64)
	}
	return t.CallSID
}

// batchRun is a running batch; guarded by Hub.mu except where noted.
type batchRun struct {
	prog     BatchProgress
	targets  []Target
	url      string
	cancel   context.CancelFunc
	ctx      context.Context
	onResult func(BatchResult)
	resultMu sync.Mutex // one OnResult call at a time
	changed  []Target   // those Twilio accepted the action for, for undo
	done     chan struct{}
}

// bulk is the Hub's state of batches and undo; guarded by Hub.mu.
type bulk struct {
	byConf map[string][]*batchRun // the latest batch of each operator, oldest first
	undo   map[string]undoEntry   // by operator (undo.go)
	latest map[string]change      // the latest change to each participant, by touchKey (undo.go)
}

// ErrNoBatch is matched (errors.Is) when Cancel or WaitBatch is given an
// ID the Hub does not know (or no longer keeps).
var ErrNoBatch = errors.New("no such batch")

// StartBatch starts applying req's action to each of its participants of
// the conference with this SID, on behalf of by, and returns the batch's
// ID at once; the batch goes on in the background. Its progress, then its
// summary, shows in every snapshot of the room (RoomSnapshot.Batches).
//
// Each participant is sent at most one request, through Submit's rules:
// one at a time per participant, whoever sends (one with an action
// pending is counted busy and not sent), one request each (the client
// repeats it only after a 429, which Twilio did not process), and an
// answer that does not say is left to the polls. Before each request the
// latest snapshot is consulted under the same lock that marks the
// participant pending: one already in the target state is skipped, one no
// longer there is counted as left (as is a 404 from Twilio). At most
// Options.BatchConcurrency requests of the batch are on their way at once,
// and all of them queue at the account's Gate as actions.
//
// The batch stops sending when Cancel is called with its ID or when the
// Hub closes; what was not sent by then is counted as cancelled, and requests already sent run to their answers.
// It takes no context: it outlives the screen's request that started it,
// as an action once sent does, and only Cancel stops it.
func (h *Hub) StartBatch(by Operator, conferenceSID string, req BatchRequest) (string, error) {
	_, ok := batchSpecs[req.Kind]
	switch {
	case !ok:
		return "", fmt.Errorf("%w: %s cannot be applied to several participants at once; use mute, unmute, hold, resume, remove or announce", ErrInvalidAction, req.Kind)
	case len(req.Targets) == 0:
		return "", fmt.Errorf("%w: bulk %s needs at least one participant; mark some first", ErrInvalidAction, req.Kind)
	}
	if err := checkConference(conferenceSID); err != nil {
		return "", fmt.Errorf("bulk %s: %w", req.Kind, err)
	}
	seen := make(map[string]bool, len(req.Targets))
	var targets []Target
	for _, t := range req.Targets {
		a := Action{Kind: req.Kind, CallSID: t.CallSID, Label: t.Label, URL: req.URL}
		if err := a.check(); err != nil {
			return "", err
		}
		if !seen[t.CallSID] {
			seen[t.CallSID] = true
			targets = append(targets, t)
		}
	}
	b, err := h.startBatch(by, conferenceSID, req.Kind, targets, req.URL, req.OnResult, true)
	if err != nil {
		return "", err
	}
	return b.prog.ID, nil
}

// startBatch registers and starts a batch of valid targets; an undoable
// one becomes by's last action, for Undo.
func (h *Hub) startBatch(by Operator, conf string, kind ActionKind, targets []Target, url string, onResult func(BatchResult), undoable bool) (*batchRun, error) {
	bctx, cancel := context.WithCancel(h.ctx)
	b := &batchRun{
		prog: BatchProgress{ID: newBatchID(), By: by, Conference: conf, Kind: kind,
			Started: h.now(), Total: len(targets)},
		targets: targets, url: url, ctx: bctx, cancel: cancel, onResult: onResult,
		done: make(chan struct{}),
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		cancel()
		return nil, fmt.Errorf("bulk %s: %w", kind, ErrClosed)
	}
	if h.bulk.byConf == nil {
		h.bulk.byConf = make(map[string][]*batchRun)
	}
	runs := h.bulk.byConf[conf]
	for i, r := range runs {
		if sameOperator(r.prog.By, by) {
			runs = append(runs[:i:i], runs[i+1:]...)
			break
		}
	}
	h.bulk.byConf[conf] = append(runs, b)
	if undoable {
		h.noteRunning(by, b)
	}
	h.wg.Add(1)
	if r := h.rooms[conf]; r != nil {
		h.publishRoom(r)
	}
	h.mu.Unlock()
	go h.runBatch(b)
	return b, nil
}

func newBatchID() string { return "B" + strings.ToLower(rand.Text()[:12]) }

// runBatch hands the targets to BatchConcurrency workers, in order, and
// finishes the batch.
func (h *Hub) runBatch(b *batchRun) {
	defer h.wg.Done()
	defer b.cancel()
	n := h.opts.BatchConcurrency
	if n <= 0 {
		n = DefaultBatchConcurrency
	}
	items := make(chan Target)
	var wg sync.WaitGroup
	for range min(n, len(b.targets)) {
		wg.Go(func() {
			for t := range items {
				h.batchItem(b, t)
			}
		})
	}
	next := 0
hand:
	for ; next < len(b.targets); next++ {
		select {
		case items <- b.targets[next]:
		case <-b.ctx.Done():
			break hand
		}
	}
	close(items)
	wg.Wait()
	for _, t := range b.targets[next:] {
		h.batchResult(b, b.action(t), ItemCancelled, false, nil)
	}
	h.mu.Lock()
	b.prog.Finished = true
	h.rememberBatch(b)
	if r := h.rooms[b.prog.Conference]; r != nil {
		h.publishRoom(r)
	}
	h.mu.Unlock()
	close(b.done)
}

func (b *batchRun) action(t Target) Action {
	return Action{Kind: b.prog.Kind, CallSID: t.CallSID, Label: t.Label, URL: b.url}
}

// Reasons a batch does not send a participant anything; returned by its
// inState check under the Hub's lock.
var (
	errAlready = errors.New("already in that state")
	errGone    = errors.New("no longer in the conference")
)

// errInState is what submit returns when its inState check refused.
var errInState = errors.New("not sent: the participant's state made it unnecessary")

// submitOpts are the extras of submit over Submit.
type submitOpts struct {
	// inState, when set, is asked under the Hub's lock, after the busy
	// check and before the action is pending, with the room (nil when not
	// watched); a non-nil answer refuses the action, wrapped in
	// errInState, with nothing sent.
	inState func(r *room) error
	// remember makes the action the operator's last one, for Undo.
	remember bool
	// unreadable returns the client's error for an action Twilio accepted
	// whose answer could not be read (Submit's callers may say so); without
	// it such an action returns nil.
	unreadable bool
	// apply, when set, sends the action instead of its kind's apply (Add
	// keeps what Twilio created).
	apply func(ctx context.Context) error
	// named, when set, says the conference was given by friendly name (the
	// actions are pending under the name) and returns, once Twilio has
	// answered, the SID of the conference the answer names ("" if none):
	// that room, if watched, gets the event.
	named func() string
}

// inState says, from the room's latest poll, whether a participant needs
// the action at all.
func inState(a Action) func(r *room) error {
	spec, _ := a.Kind.spec()
	return func(r *room) error {
		if r == nil || !r.polled {
			return nil // nothing known: send, and let Twilio say
		}
		for _, p := range r.participants {
			if p.CallSID != a.CallSID {
				continue
			}
			switch {
			case !p.Status.Live():
				return errGone
			case a.Kind != Remove && spec.shows != nil && spec.shows(p, true, a):
				return errAlready
			}
			return nil
		}
		return errGone
	}
}

// batchItem sends one participant its action and counts the outcome.
func (h *Hub) batchItem(b *batchRun, t Target) {
	a := b.action(t)
	if b.ctx.Err() != nil {
		h.batchResult(b, a, ItemCancelled, false, nil)
		return
	}
	check := inState(a)
	var why error
	err := h.submit(b.ctx, b.prog.By, b.prog.Conference, a, submitOpts{inState: func(r *room) error {
		why = check(r)
		if why != nil {
			return errInState
		}
		return nil
	}})
	var ae *actionError
	switch {
	case err == nil:
		h.batchResult(b, a, ItemDone, true, nil)
	case errors.Is(err, errInState) && errors.Is(why, errGone):
		h.batchResult(b, a, ItemLeft, false, nil)
	case errors.Is(err, errInState):
		h.batchResult(b, a, ItemSkipped, false, nil)
	case errors.Is(err, ErrBusy):
		h.batchResult(b, a, ItemBusy, false, err)
	case errors.As(err, &ae) && isNotFound(err):
		h.batchResult(b, a, ItemLeft, true, err)
	case errors.As(err, &ae) && outcomeOf(err) == Unclear:
		h.batchResult(b, a, ItemUnclear, true, err)
	case errors.As(err, &ae):
		h.batchResult(b, a, ItemFailed, true, err)
	case b.ctx.Err() != nil: // cancelled, or the Hub closed, before it was sent
		h.batchResult(b, a, ItemCancelled, false, nil)
	default: // not sent, and not for a cancel
		h.batchResult(b, a, ItemFailed, false, err)
	}
}

// batchResult counts one participant's outcome, publishes the progress and
// hands the result to the batch's OnResult.
func (h *Hub) batchResult(b *batchRun, a Action, out ItemOutcome, sent bool, err error) {
	t := Target{CallSID: a.CallSID, Label: a.Label}
	h.mu.Lock()
	p := &b.prog
	switch out {
	case ItemDone:
		p.Done++
		b.changed = append(b.changed, t)
		h.noteChange(b.prog.By, b.prog.Conference, a)
	case ItemSkipped:
		p.Skipped++
	case ItemLeft:
		p.Left++
	case ItemBusy:
		p.Busy++
	case ItemUnclear:
		p.Unclear++
	case ItemCancelled:
		p.Cancelled++
	case ItemFailed:
		p.Failed = append(p.Failed, BatchFailure{Target: t, Reason: model.InertN(summary(err), 200)})
	}
	if r := h.rooms[p.Conference]; r != nil {
		h.publishRoom(r)
	}
	res := BatchResult{Batch: p.ID, By: p.By, Conference: p.Conference, Action: a,
		Outcome: out, Sent: sent, Err: err, At: h.now()}
	h.mu.Unlock()
	if b.onResult != nil {
		b.resultMu.Lock()
		defer b.resultMu.Unlock()
		b.onResult(res)
	}
}

// batchesOf is the progress of the batches kept for conf, for a snapshot.
// Called with h.mu held.
func (h *Hub) batchesOf(conf string) []BatchProgress {
	runs := h.bulk.byConf[conf]
	if len(runs) == 0 {
		return nil
	}
	out := make([]BatchProgress, len(runs))
	for i, r := range runs {
		out[i] = r.prog
		out[i].Failed = r.prog.Failed[:len(r.prog.Failed):len(r.prog.Failed)]
	}
	return out
}

// find returns the batch with this ID. Called with h.mu held.
func (h *Hub) findBatch(id string) *batchRun {
	for _, runs := range h.bulk.byConf {
		for _, r := range runs {
			if r.prog.ID == id {
				return r
			}
		}
	}
	return nil
}

// Cancel stops the batch with this ID from sending what it has not sent:
// those participants are counted (and reported to OnResult) as cancelled,
// and requests already on their way run to their answers. Cancelling a
// finished batch changes nothing.
func (h *Hub) Cancel(batchID string) error {
	h.mu.Lock()
	b := h.findBatch(batchID)
	h.mu.Unlock()
	if b == nil {
		return fmt.Errorf("cancel batch %q: %w", model.InertN(batchID, 40), ErrNoBatch)
	}
	b.cancel()
	return nil
}

// WaitBatch waits until the batch with this ID has finished, or ctx ends,
// and returns its final progress.
func (h *Hub) WaitBatch(ctx context.Context, batchID string) (BatchProgress, error) {
	h.mu.Lock()
	b := h.findBatch(batchID)
	h.mu.Unlock()
	if b == nil {
		return BatchProgress{}, fmt.Errorf("wait for batch %q: %w", model.InertN(batchID, 40), ErrNoBatch)
	}
	select {
	case <-b.done:
	case <-ctx.Done():
		return BatchProgress{}, fmt.Errorf("wait for batch %q: %w", batchID, ctx.Err())
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	p := b.prog
	p.Failed = p.Failed[:len(p.Failed):len(p.Failed)]
	return p, nil
}
