package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api/audit"
)

// Quitting never cuts an action off silently. When actions are on their way
// to Twilio, q (or SIGINT, SIGTERM, SIGHUP) says so on screen and waits for
// their answers, at most quitWait; q again quits at once. Whatever is still
// unanswered when the console stops gets a result line, unknown, in the
// audit trail, so that every intent there has a result.
//
// A console whose session went away while the process goes on (an SSH
// client gone, see Options.Drain) waits the same way, without a screen,
// so that the answers the shared live state still receives are recorded.

// quitState says how far the console is on its way out.
type quitState int

const (
	quitNone    quitState = iota
	quitWaiting           // asked to quit; waiting for actions in flight
	quitDone              // tea.Quit returned: no key is acted on any more
)

// flights keeps track of the actions between a key and their result line:
// how many commands that send one were made and have not returned (so a
// quit right after a key waits for it too), and which intents are on
// their way without a result. It is shared by every copy of the model and
// by the commands, which run on their own goroutines.
type flights struct {
	mu        sync.Mutex
	queued    int                   // action commands made and not returned
	open      map[string]*audit.Log // intents sent without a result, by audit id
	changed   chan struct{}         // closed and replaced whenever a command returns
	sending   int                   // actions past begin whose intent is not yet in open
	closing   bool                  // the console is gone: nothing more is sent, answers are still recorded
	abandoned bool                  // the console has stopped: nothing more is sent or recorded by commands
	busy      sync.WaitGroup        // commands writing an intent or a result right now
}

func newFlights() *flights {
	return &flights{open: map[string]*audit.Log{}, changed: make(chan struct{})}
}

// errQuitting is why an action whose command ran after the console stopped
// was not sent.
var errQuitting = errors.New("not sent: the console was quitting")

// reserve counts an action command when Update makes it; the command calls
// done when it returns.
func (f *flights) reserve() (done func()) {
	if f == nil {
		return func() {}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queued++
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.queued--
			close(f.changed)
			f.changed = make(chan struct{})
		})
	}
}

// begin is called before an action's intent is written; false means the
// console has stopped and the action must not be sent. After true the
// command calls started with the intent's id.
func (f *flights) begin() bool {
	if f == nil {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.abandoned || f.closing {
		return false
	}
	f.sending++
	f.busy.Add(1)
	return true
}

// started notes the intent recorded under id, about to be sent.
func (f *flights) started(id string, log *audit.Log) {
	if f == nil {
		return
	}
	f.mu.Lock()
	f.open[id] = log
	f.sending--
	f.mu.Unlock()
	f.busy.Done()
}

// landing is called when the answer to id came, before its result is
// written; false means the console stopped first and wrote the result as
// unknown, so the command writes none and no action gets two. After true
// the command calls landed once the result is written.
func (f *flights) landing(id string) bool {
	if f == nil {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.abandoned {
		return false
	}
	delete(f.open, id)
	f.busy.Add(1)
	return true
}

// landed notes that a result is written.
func (f *flights) landed() {
	if f != nil {
		f.busy.Done()
	}
}

// count is the number of actions without a result line.
func (f *flights) count() int {
	if f == nil {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queued
}

// wait returns when every action command has returned, or after d.
func (f *flights) wait(d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		f.mu.Lock()
		n, changed := f.queued, f.changed
		f.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			return
		}
	}
}

// unanswered is the number of actions sent, or being sent, without a
// result line.
func (f *flights) unanswered() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.open) + f.sending
}

// settle is the wait of a console that is gone while its process goes on
// (see Drain): nothing more is sent from now on, and it returns when every
// action already sent has its result, after d, or when cut is closed.
func (f *flights) settle(d time.Duration, cut <-chan struct{}) {
	f.mu.Lock()
	f.closing = true
	f.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		f.mu.Lock()
		n, changed := len(f.open)+f.sending, f.changed
		f.mu.Unlock()
		if n == 0 {
			return
		}
		// An action's command returns (and changed is closed) after its
		// result is written.
		select {
		case <-changed:
		case <-timer.C:
			return
		case <-cut:
			return
		}
	}
}

// busyWait bounds how long abandon waits for commands writing a record at
// that moment: a local append, normally far below a millisecond.
const busyWait = time.Second

// abandon stops the commands: none sends or records anything from now on,
// and every intent still without a result gets an unknown one. Records
// being written at this moment are waited for, briefly, so they reach the
// file whole and the list of open intents is complete. why says what ended
// the console, for the result's error: "the console quit", "the session
// ended".
func (f *flights) abandon(ctx context.Context, why string) error {
	f.mu.Lock()
	f.abandoned = true
	f.mu.Unlock()
	written := make(chan struct{})
	go func() {
		f.busy.Wait()
		close(written)
	}()
	select {
	case <-written:
	case <-time.After(busyWait):
	}
	f.mu.Lock()
	open := f.open
	f.open = map[string]*audit.Log{}
	f.mu.Unlock()
	ids := slices.Collect(maps.Keys(open))
	// The ids end in a sequence number: the trail keeps the order they were sent in.
	slices.SortFunc(ids, func(x, y string) int { return cmp.Or(cmp.Compare(len(x), len(y)), cmp.Compare(x, y)) })
	var first error
	for _, id := range ids {
		err := open[id].Result(ctx, id, audit.Entry{
			Outcome: audit.OutcomeUnknown,
			Error:   why + " before Twilio answered; check the call to see whether it was done",
		})
		if err != nil && first == nil {
			first = fmt.Errorf("record the unanswered action %s: %w", id, err)
		}
	}
	return first
}

// quitWaitedMsg says the wait for actions in flight is over: they all
// landed, or the time ran out.
type quitWaitedMsg struct{}

// signalMsg is a signal that asks the console to quit.
type signalMsg struct{ sig os.Signal }

// Stop is a signal a program embedding the console sends on
// Options.Signals to end it as SIGTERM does, saying why: while the console
// waits for its actions in flight, the flash line gives the reason ("server
// stopping"). Keep Why short: it shares one line with the wait.
type Stop struct{ Why string }

func (s Stop) String() string { return s.Why }

// Signal makes Stop an os.Signal.
func (Stop) Signal() {}

// requestQuit quits, or starts waiting for the actions in flight; asked
// again while waiting, it quits at once.
func (a App) requestQuit() (App, tea.Cmd) {
	if a.quit == quitWaiting || a.flights.count() == 0 {
		a.quit = quitDone
		return a, tea.Quit
	}
	a.quit = quitWaiting
	a.showHelp = false
	a.logView = logView{}
	a.noteQuitting()
	fl, d := a.flights, a.quitWait
	return a, func() tea.Msg {
		fl.wait(d)
		return quitWaitedMsg{}
	}
}

// noteQuitting keeps the flash line saying what the console waits for. It
// fits 80 columns, so the way out (q again) is never cut off.
func (a *App) noteQuitting() {
	what := "1 action still on its way"
	if n := a.flights.count(); n != 1 {
		what = fmt.Sprintf("%d actions still on their way", n)
	}
	upTo, quit := a.quitWait.Round(time.Second), keyName(a.keys.Quit)
	text := fmt.Sprintf("%s to Twilio: waiting up to %s (%s quits now)", what, upTo, quit)
	if a.quitWhy != "" {
		// The reason first, in as few words as still fit 80 columns.
		text = fmt.Sprintf("%s: waiting up to %s for %s (%s quits now)", a.quitWhy, upTo, ActionsCount(a.flights.count()), quit)
	}
	a.flash = flash{text: text}
}

// ActionsCount is "1 action" or "n actions", as the console and the
// server say it.
func ActionsCount(n int) string {
	if n == 1 {
		return "1 action"
	}
	return fmt.Sprintf("%d actions", n)
}

// SignalError says the console stopped because of a signal; the process
// should exit with 128 plus the signal's number, as a shell reports it.
type SignalError struct{ Signal os.Signal }

func (e SignalError) Error() string { return "stopped by " + e.Signal.String() }

// signalWatch hands the signals a console receives to its program: the
// first SIGINT, SIGTERM or SIGHUP asks it to quit, like q; another signal,
// SIGQUIT, or a quit that takes longer than bound kills it at once. Bubble
// Tea's own signal handler is off (see programOptions), so this is the
// only owner of the signals and nothing can block delivering them.
type signalWatch struct {
	stop chan struct{}
	done chan struct{}
	got  os.Signal // the first signal; read only after done is closed
	// killed says the watch killed the program: a second signal, SIGQUIT,
	// or a quit that took longer than its bound.
	killed atomic.Bool
}

func watchSignals(p *tea.Program, sigs <-chan os.Signal, bound time.Duration) *signalWatch {
	w := &signalWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		var watchdog *time.Timer
		defer func() {
			if watchdog != nil {
				watchdog.Stop()
			}
		}()
		for {
			select {
			case <-w.stop:
				return
			case s := <-sigs:
				if w.got != nil || s == syscall.SIGQUIT {
					if w.got == nil {
						w.got = s
					}
					w.killed.Store(true)
					p.Kill()
					continue
				}
				w.got = s
				watchdog = time.AfterFunc(bound, func() {
					w.killed.Store(true)
					p.Kill()
				})
				go p.Send(signalMsg{sig: s})
			}
		}
	}()
	return w
}

// finish stops watching and returns the first signal received, if any.
func (w *signalWatch) finish() os.Signal {
	close(w.stop)
	<-w.done
	return w.got
}
