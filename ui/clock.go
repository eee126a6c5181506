package ui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// The console wakes for time alone only when something it shows reads
// differently because time passed: a row's age reaching its next minute,
// the freshness line turning from "live" to "updated Ns ago" when a poll is
// late (and then each second while it counts), a retry countdown, a flash
// running out. After every update it works out the first such moment and
// keeps one timer set for it; an idle console with polls on time wakes about
// once a minute, not once a second.

// clockMsg advances the console's idea of "now". gen is the number of the
// timer that sent it.
type clockMsg struct {
	t   time.Time
	gen int64
}

// wake is the timer the console has set for the next change on screen.
// Tea's timers cannot be stopped, so a timer replaced by another delivers
// nothing when it fires (Bubble Tea drops a nil message before Update):
// polls arriving on time keep moving the moment a poll would be late, and
// none of those moves costs a frame.
type wake struct {
	at  time.Time // when the armed timer fires; zero when none is armed
	gen int64     // its number; timers.armed holds the same until it is replaced
}

// rearm sets a timer for the next moment the screen changes with time,
// replacing the armed one when that moment moved.
func (a *App) rearm() tea.Cmd {
	other, fresh := a.nextChanges()
	at := earliest(other, fresh)
	if at.Equal(a.wake.at) {
		return nil
	}
	a.wake = wake{at: at, gen: a.timers.armed.Add(1)}
	if at.IsZero() {
		return nil
	}
	return a.clockTimer(at, a.wake.gen, a.postponer(other, fresh, at))
}

// clockTimer delivers a clockMsg at at, unless timer gen has been replaced
// by then. due, when not nil, says when the wake is really due: polls seen
// since it was set may have moved the moment the screen turns from "live"
// to late, and the timer then waits on, without a message.
func (a *App) clockTimer(at time.Time, gen int64, due func() time.Time) tea.Cmd {
	now, armed, sched := a.now, &a.timers.armed, a.sched
	var fireAt func(at time.Time) func(time.Time) tea.Msg
	fireAt = func(at time.Time) func(time.Time) tea.Msg {
		return func(time.Time) tea.Msg {
			if armed.Load() != gen {
				return nil
			}
			t := now()
			if due != nil && !t.Before(at) {
				if d := due(); d.After(t) {
					return sched(d.Sub(t), fireAt(d))()
				}
			}
			return clockMsg{t: t, gen: gen}
		}
	}
	return sched(max(at.Sub(a.clock), 0), fireAt(at))
}

// postponer returns, when the wake at is the shown screen's turn from
// "live" to late (fresh) and nothing else is due by then, when that turn
// is due as of the newest poll seen; nil otherwise.
func (a *App) postponer(other, fresh, at time.Time) func() time.Time {
	p, seen, interval := a.room.poll, a.room.seen, a.interval
	if a.screen != screenRoom {
		p, seen = a.list.poll, a.list.seen
	}
	if seen == nil {
		return nil
	}
	if p.err != nil || p.updated.IsZero() || !at.Equal(fresh) || !fresh.Equal(lateAt(p.updated, p.nextAt, interval)) {
		return nil
	}
	return func() time.Time {
		sp := seen.load()
		if sp == nil || sp.Err != nil || !sp.Updated.After(p.updated) {
			return at
		}
		return earliest(other, lateAt(sp.Updated, sp.Next, interval))
	}
}

// earliest is the earlier of two moments, zero meaning none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// nextChange is the first moment after a.clock at which the screen would
// read differently with nothing but time passing; zero when nothing shown
// depends on the time.
func (a *App) nextChange() time.Time {
	return earliest(a.nextChanges())
}

// nextChanges is nextChange in two parts: the freshness line's next change
// (fresh), and everything else's (other).
func (a *App) nextChanges() (other, fresh time.Time) {
	now := a.clock
	soonest := func(t time.Time) {
		if t.After(now) && (other.IsZero() || t.Before(other)) {
			other = t
		}
	}
	soonest(a.flash.until)
	switch a.screen {
	case screenRoom:
		r := &a.room
		for i := r.offset; i < min(r.offset+r.tableHeight(), len(r.rows)); i++ {
			soonest(ageChange(now, r.rows[i].Created))
			soonest(speechChange(now, r.speech[r.rows[i].CallSID]))
		}
		fresh = freshnessChange(now, &r.poll, a.interval)
	default:
		l := &a.list
		for i := l.offset; i < min(l.offset+l.tableHeight(), len(l.rows)); i++ {
			soonest(ageChange(now, l.rows[i].Created))
		}
		fresh = freshnessChange(now, &l.poll, a.interval)
	}
	if !fresh.After(now) {
		fresh = time.Time{}
	}
	return other, fresh
}

// ageChange is when coarseAge(·, t) next reads differently after now:
// the next whole minute of age, or under a day the next whole hour.
func ageChange(now, t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	unit := time.Minute
	d := now.Sub(t)
	if d >= 24*time.Hour {
		unit = time.Hour
	}
	if d < 0 {
		return t.Add(time.Minute) // "<1m" until a minute after t
	}
	return t.Add((d/unit + 1) * unit)
}

// agoChange is when ago(·, t) next reads differently after now: the next
// second for two minutes, then the next whole minute.
func agoChange(now, t time.Time) time.Time {
	d := now.Unix() - t.Unix()
	switch {
	case d < 0:
		return time.Unix(t.Unix()+1, 0)
	case d < 120:
		return time.Unix(now.Unix()+1, 0)
	}
	return time.Unix(t.Unix()+(d/60+1)*60, 0)
}

// freshnessChange is when canvas.freshness for p next reads differently
// after now (see there): "live" until a reply is late, then its age; while
// a poll is failing, its age and the retry countdown.
func freshnessChange(now time.Time, p *poller, interval time.Duration) time.Time {
	if p.err == nil {
		if p.updated.IsZero() {
			return time.Time{} // nothing loaded and nothing wrong: no status to age
		}
		if late := lateAt(p.updated, p.nextAt, interval); now.Before(late) {
			return late
		}
		return agoChange(now, p.updated)
	}
	var next time.Time
	if !p.updated.IsZero() {
		next = agoChange(now, p.updated)
	}
	if wait := p.nextAt.Sub(now); wait >= time.Second {
		// "retry in Ks", K the wait rounded up: it reads K-1 once the wait
		// is K-1 seconds, and goes once under a second.
		k := (wait + time.Second - 1) / time.Second
		at := p.nextAt.Add(-(k - 1) * time.Second)
		if k == 1 {
			at = p.nextAt.Add(-time.Second + 1)
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next
}

// lateAfter is how long after the last reply the status line stops saying
// "live" and shows the data's age: two polls missed, and a second's grace.
func lateAfter(interval time.Duration) time.Duration {
	return 2*interval + time.Second
}

// lateAt is when the status line stops saying "live" after a reply at
// updated with the next poll due at next: lateAfter the reply, or, when
// the live state put the next poll further off (status callbacks keep the
// room current, and its polls slow down), a poll interval and a second
// after that poll was due.
func lateAt(updated, next time.Time, interval time.Duration) time.Time {
	at := updated.Add(lateAfter(interval))
	if due := next.Add(interval + time.Second); next.After(updated) && due.After(at) {
		at = due
	}
	return at
}
