package live

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// UndoWindow is how long an action or batch can still be undone.
const UndoWindow = 60 * time.Second

// Undo's refusals, matched with errors.Is; their messages say why.
var (
	ErrNothingToUndo = errors.New("nothing to undo")
	ErrCannotUndo    = errors.New("cannot be undone")
	ErrUndoExpired   = errors.New("too late to undo")
)

// inverses are the reversible kinds and what undoes each. Coach is undone
// by StopCoach (or, when it switched agents, by coaching the first again);
// StopCoach by coaching again whom the participant coached.
var inverses = map[ActionKind]ActionKind{
	Mute: Unmute, Unmute: Mute, Hold: Resume, Resume: Hold, Coach: StopCoach, StopCoach: Coach,
}

// undoEntry is an operator's last action or batch. Guarded by Hub.mu.
type undoEntry struct {
	conf    string
	action  Action // a single action; for a batch, its kind
	batch   *batchRun
	running bool     // the batch has not finished
	targets []Target // a finished batch: those it changed
	at      time.Time
	// prior is whom the participant coached before a single Coach or
	// StopCoach (zero: nobody): what undoing it coaches again.
	prior Target
}

// what names the entry in messages: "mute customer-7", "the bulk mute".
func (e undoEntry) what() string {
	if e.batch != nil {
		return "the bulk " + e.action.Kind.String()
	}
	return e.action.attempt()
}

// operatorKey tells operators apart: by SSH key when there is one.
func operatorKey(o Operator) string {
	if o.Fingerprint != "" {
		return "key:" + o.Fingerprint
	}
	return "name:" + o.Name + "\x00" + o.SSHUser
}

func sameOperator(a, b Operator) bool { return operatorKey(a) == operatorKey(b) }

func (h *Hub) setUndo(by Operator, e undoEntry) {
	if h.bulk.undo == nil {
		h.bulk.undo = make(map[string]undoEntry)
	}
	h.bulk.undo[operatorKey(by)] = e
}

// noteRunning makes a batch just started its operator's last action.
// Called with h.mu held.
func (h *Hub) noteRunning(by Operator, b *batchRun) {
	h.setUndo(by, undoEntry{conf: b.prog.Conference, action: Action{Kind: b.prog.Kind}, batch: b, running: true, at: h.now()})
}

// rememberBatch records a finished batch as its operator's last action,
// unless the operator has acted since. Called with h.mu held.
func (h *Hub) rememberBatch(b *batchRun) {
	e, ok := h.bulk.undo[operatorKey(b.prog.By)]
	if !ok || e.batch != b {
		return
	}
	e.running, e.targets, e.at = false, b.changed, h.now()
	h.setUndo(b.prog.By, e)
}

// rememberAction records an answered single action as by's last one;
// prior is whom a Coach's or StopCoach's participant coached before, to
// undo it. Called with h.mu held.
func (h *Hub) rememberAction(by Operator, conf string, a Action, prior Target) {
	h.setUndo(by, undoEntry{conf: conf, action: a, at: h.now(), prior: prior})
}

// priorCoach is, for a Coach or StopCoach, whom its participant coaches
// according to the latest poll. Called with h.mu held.
func (h *Hub) priorCoach(conf string, a Action) Target {
	r := h.rooms[conf]
	if (a.Kind != StopCoach && a.Kind != Coach) || r == nil {
		return Target{}
	}
	var t Target
	for _, p := range r.participants {
		if p.CallSID == a.CallSID && p.Coaching {
			t.CallSID = p.CallSIDToCoach
		}
	}
	for _, p := range r.participants {
		if t.CallSID != "" && p.CallSID == t.CallSID {
			t.Label = p.Label
		}
	}
	return t
}

// change is who last changed one participant's mute, hold or coaching
// through the Hub, and how. Guarded by Hub.mu.
type change struct {
	by     Operator
	action Action
	at     time.Time
}

// touchKey names what a reversible action changes: one participant's
// mute, hold or coaching (an action and its inverse share a key). ok is
// false for the kinds undo does not reverse.
func touchKey(conf, callSID string, k ActionKind) (key string, ok bool) {
	inv, ok := inverses[k]
	if !ok {
		return "", false
	}
	return conf + "\x00" + callSID + "\x00" + min(k, inv).String(), true
}

// noteChange records a as the latest change to its participant, made by
// by, and forgets changes too old for any undo to care. Called with h.mu
// held.
func (h *Hub) noteChange(by Operator, conf string, a Action) {
	key, ok := touchKey(conf, a.CallSID, a.Kind)
	if !ok {
		return
	}
	now := h.now()
	if h.bulk.latest == nil {
		h.bulk.latest = make(map[string]change)
	}
	for k, c := range h.bulk.latest {
		if now.Sub(c.at) > UndoWindow {
			delete(h.bulk.latest, k)
		}
	}
	h.bulk.latest[key] = change{by: by, action: a, at: now}
}

// changedSince is the change someone other than by made to the
// participant of by's action a after it: undoing a would override it.
// Called with h.mu held.
func (h *Hub) changedSince(by Operator, conf string, a Action) (change, bool) {
	key, ok := touchKey(conf, a.CallSID, a.Kind)
	if !ok {
		return change{}, false
	}
	c, ok := h.bulk.latest[key]
	if !ok || sameOperator(c.by, by) {
		return change{}, false
	}
	return c, true
}

// Undone says what Undo did.
type Undone struct {
	// What is the inverse sent, as the flash says it: "unmute customer-7",
	// "bulk unmute of 35 participants".
	What string
	// Batch is the ID of the inverse batch when a batch was undone; its
	// progress shows in the room's snapshots like any batch's.
	Batch string
	// Kind is the inverse's kind; Action, for a single action, is the
	// inverse as sent (also returned with the error when it was sent and
	// failed), for the caller's audit trail.
	Kind   ActionKind
	Action Action
}

// Undo undoes by's last action or batch, if it can be: a mute, unmute,
// hold, resume, coach or stop coaching (single or bulk) answered less
// than UndoWindow ago. It submits the inverse on by's behalf: for a single
// action it returns when Twilio has answered, as Submit does; for a batch
// it starts the inverse batch over the participants the batch actually
// changed and returns its ID at once. An undo is not itself remembered, so
// a second Undo finds nothing to undo.
//
// It refuses, saying why, when there is nothing to undo, when the last
// action cannot be undone ("remove cannot be undone"), when it is older
// than UndoWindow, while the batch is still running, or when another
// operator has changed the participant the same way since (unmuted whom
// by muted, say): their change stands. A batch is undone only for the
// participants nobody else has changed since.
func (h *Hub) Undo(ctx context.Context, by Operator) (Undone, error) {
	return h.undo(ctx, by, "")
}

// UndoIn is Undo from a screen showing one conference: it refuses, saying
// so, when by's last change was in another conference, which the screen
// does not show (nor would its audit line name it).
func (h *Hub) UndoIn(ctx context.Context, by Operator, conferenceSID string) (Undone, error) {
	if err := checkConference(conferenceSID); err != nil {
		return Undone{}, fmt.Errorf("undo: %w", err)
	}
	return h.undo(ctx, by, conferenceSID)
}

// undo is Undo, limited to conf unless it is empty.
func (h *Hub) undo(ctx context.Context, by Operator, conf string) (Undone, error) {
	h.mu.Lock()
	e, ok := h.bulk.undo[operatorKey(by)]
	switch {
	case !ok:
		h.mu.Unlock()
		return Undone{}, fmt.Errorf("%w: you have not changed anything in the last %s", ErrNothingToUndo, words(UndoWindow))
	case conf != "" && e.conf != conf:
		h.mu.Unlock()
		return Undone{}, fmt.Errorf("%w here: your last change (%s) was in another conference, %s; open it to undo", ErrNothingToUndo, e.what(), e.conf)
	case e.running:
		h.mu.Unlock()
		return Undone{}, fmt.Errorf("%s is still running: cancel it or let it finish, then undo", e.what())
	}
	inv, reversible := inverses[e.action.Kind]
	switch {
	case !reversible:
		h.mu.Unlock()
		return Undone{}, fmt.Errorf("%s %w", e.action.Kind, ErrCannotUndo)
	case h.now().Sub(e.at) > UndoWindow:
		h.mu.Unlock()
		return Undone{}, fmt.Errorf("%w: %s was more than %s ago", ErrUndoExpired, e.what(), words(UndoWindow))
	case e.batch != nil && len(e.targets) == 0:
		h.mu.Unlock()
		return Undone{}, fmt.Errorf("%w: %s changed no one", ErrNothingToUndo, e.what())
	}
	// A colleague's later change to the same participant stands: undoing
	// over it would reverse their decision, or send what they already sent.
	if e.batch == nil {
		if c, ok := h.changedSince(by, e.conf, e.action); ok {
			h.mu.Unlock()
			return Undone{}, fmt.Errorf("%s %w: %s since", e.what(), ErrCannotUndo, c.action.describe(c.by))
		}
	} else {
		var mine []Target
		for _, t := range e.targets {
			if _, ok := h.changedSince(by, e.conf, Action{Kind: e.action.Kind, CallSID: t.CallSID}); !ok {
				mine = append(mine, t)
			}
		}
		if len(mine) == 0 {
			h.mu.Unlock()
			return Undone{}, fmt.Errorf("%s %w: others have changed every participant it changed since", e.what(), ErrCannotUndo)
		}
		e.targets = mine
	}
	delete(h.bulk.undo, operatorKey(by)) // taken: a second undo finds nothing
	h.mu.Unlock()

	if e.batch != nil {
		b, err := h.startBatch(by, e.conf, inv, e.targets, e.batch.url, e.batch.onResult, false)
		if err != nil {
			return Undone{}, fmt.Errorf("undo %s: %w", e.what(), err)
		}
		return Undone{What: fmt.Sprintf("bulk %s of %d participants", inv, len(e.targets)), Batch: b.prog.ID, Kind: inv}, nil
	}
	a := Action{Kind: inv, CallSID: e.action.CallSID, Label: e.action.Label, URL: e.action.URL}
	switch e.action.Kind {
	case StopCoach:
		if e.prior.CallSID == "" {
			return Undone{}, fmt.Errorf("%w: whom %s coached before is not known", ErrCannotUndo, a.fill("{who}"))
		}
		a.CoachCallSID, a.CoachLabel = e.prior.CallSID, e.prior.Label
	case Coach:
		// A switch from coaching one agent to another goes back to the
		// first, rather than ending the coaching.
		if e.prior.CallSID != "" && e.prior.CallSID != e.action.CoachCallSID {
			a.Kind, a.URL = Coach, ""
			a.CoachCallSID, a.CoachLabel = e.prior.CallSID, e.prior.Label
			inv = Coach
		}
	case Unmute, Resume:
		a.URL = ""
	}
	if err := h.submit(ctx, by, e.conf, a, submitOpts{}); err != nil {
		var sent *actionError
		if !errors.As(err, &sent) { // nothing sent: the undo can be tried again
			h.mu.Lock()
			if _, acted := h.bulk.undo[operatorKey(by)]; !acted {
				h.setUndo(by, e)
			}
			h.mu.Unlock()
			return Undone{}, fmt.Errorf("undo: %w", err)
		}
		return Undone{What: a.attempt(), Kind: inv, Action: a}, fmt.Errorf("undo: %w", err)
	}
	return Undone{What: a.attempt(), Kind: inv, Action: a}, nil
}

// words says a whole number of seconds or minutes: "60 seconds".
func words(d time.Duration) string {
	return fmt.Sprintf("%d seconds", int(d/time.Second))
}
