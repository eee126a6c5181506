package ui

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/ui/audit"
)

// Quitting never cuts an action off silently. When actions are on their way
// to Twilio, q (or SIGINT, SIGTERM, SIGHUP) says so on screen and waits for
// their answers, at most quitWait; q again quits at once. Whatever is still
// unanswered when the console stops gets a result line, unknown, in the
// audit trail, so that every intent there has a result.

// quitState says how far the console is on its way out.
type quitState int

const (
	quitNone    quitState = iota
	quitWaiting           // asked to quit; waiting for actions in flight
	quitDone              // tea.Quit returned: no key is acted on any more
)

// flights counts the actions that have left for Twilio and have no result
// line yet. It is shared by every copy of the model and by the commands,
// which run on their own goroutines.
type flights struct {
	mu        sync.Mutex
	open      map[string]*flight // by audit id
	changed   chan struct{}      // closed and replaced whenever one lands
	abandoned bool               // the console has stopped: commands write no more results
	writing   sync.WaitGroup     // results being written by the commands
}

// flight is one action in the air, and the trail its intent is in.
type flight struct {
	log     *audit.Log
	landing bool // its answer came and its command is writing the result
}

func newFlights() *flights {
	return &flights{open: map[string]*flight{}, changed: make(chan struct{})}
}

// start notes an action whose intent was recorded under id.
func (f *flights) start(id string, log *audit.Log) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.open[id] = &flight{log: log}
}

// landing notes that the answer to id came and reports whether its command
// is to write the result: false when the console stopped first and wrote
// it as unknown, so that no action ever gets two results. After true, the
// command calls landed once the result is written.
func (f *flights) landing(id string) bool {
	if f == nil {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.abandoned {
		return false
	}
	if fl, ok := f.open[id]; ok {
		fl.landing = true
		f.writing.Add(1)
	}
	return true
}

// landed notes that the result of id is written.
func (f *flights) landed(id string) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if fl, ok := f.open[id]; ok && fl.landing {
		delete(f.open, id)
		f.writing.Done()
		close(f.changed)
		f.changed = make(chan struct{})
	}
}

// count is the number of actions without a result line.
func (f *flights) count() int {
	if f == nil {
		return 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.open)
}

// wait returns when every action has its result, or after d.
func (f *flights) wait(d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		f.mu.Lock()
		n, changed := len(f.open), f.changed
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

// landingWait bounds how long abandon waits for results that commands are
// writing at that moment: a local append, normally far below a millisecond.
const landingWait = time.Second

// abandon stops waiting: every action still in the air gets an unknown
// result now, and the commands that carry them write none later. Results
// already being written are waited for, briefly, so they reach the file.
func (f *flights) abandon(ctx context.Context) error {
	f.mu.Lock()
	f.abandoned = true
	var open []string
	logs := map[string]*audit.Log{}
	for id, fl := range f.open {
		if !fl.landing {
			open = append(open, id)
			logs[id] = fl.log
			delete(f.open, id)
		}
	}
	f.mu.Unlock()
	// The ids end in a sequence number: the trail keeps the order they were sent in.
	slices.SortFunc(open, func(x, y string) int { return cmp.Or(cmp.Compare(len(x), len(y)), cmp.Compare(x, y)) })
	var first error
	for _, id := range open {
		err := logs[id].Result(ctx, id, audit.Entry{
			Outcome: audit.OutcomeUnknown,
			Error:   "the console quit before Twilio answered; check the call to see whether it was done",
		})
		if err != nil && first == nil {
			first = fmt.Errorf("record the unanswered action %s: %w", id, err)
		}
	}
	written := make(chan struct{})
	go func() {
		f.writing.Wait()
		close(written)
	}()
	select {
	case <-written:
	case <-time.After(landingWait):
	}
	return first
}

// quitWaitedMsg says the wait for actions in flight is over: they all
// landed, or the time ran out.
type quitWaitedMsg struct{}

// signalMsg is a signal that asks the console to quit.
type signalMsg struct{ sig os.Signal }

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
	a.flash = flash{text: fmt.Sprintf("%s to Twilio: waiting up to %s (%s quits now)",
		what, a.quitWait.Round(time.Second), keyName(a.keys.Quit))}
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
					p.Kill()
					continue
				}
				w.got = s
				watchdog = time.AfterFunc(bound, p.Kill)
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
