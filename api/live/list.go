package live

import (
	"context"
	"fmt"
	"time"

	"confconsole/api"
	"confconsole/model"
)

// confFeed is the feed of the account's in-progress conferences (or, for
// the recent feed, its newest conferences whatever their status); guarded
// by Hub.mu.
type confFeed struct {
	feed[ConferenceList]
	recent bool
	confs  []model.Conference
}

// MaxRecent is how many conferences WatchRecentConferences lists: an
// account has years of them, and the newest are the ones worth a glance.
const MaxRecent = 200

// WatchConferences subscribes to the list of in-progress conferences. Like
// a room, the list has one poller however many watch it, started by the
// first watcher and stopped Options.Grace after the last leaves.
func (h *Hub) WatchConferences(ctx context.Context) (*Subscription[ConferenceList], error) {
	return h.watchList(ctx, false)
}

// WatchRecentConferences subscribes to the account's newest conferences,
// completed ones too, at most MaxRecent of them, newest first; a feed of
// its own, shared and stopped like WatchConferences'.
func (h *Hub) WatchRecentConferences(ctx context.Context) (*Subscription[ConferenceList], error) {
	return h.watchList(ctx, true)
}

func (h *Hub) watchList(ctx context.Context, recent bool) (*Subscription[ConferenceList], error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("watch the conference list: %w", err)
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, fmt.Errorf("watch the conference list: %w", ErrClosed)
	}
	slot := &h.list
	if recent {
		slot = &h.recent
	}
	l := *slot
	if l == nil {
		l = &confFeed{feed: newFeed[ConferenceList](), recent: recent}
		*slot = l
		h.wg.Add(1)
		go h.loop(l.kick, l.soon, l.idle, refreshWait(h, &l.feed), func() int { return len(l.subs) },
			func(rearm func(time.Duration)) bool { h.pollList(l, rearm); return true },
			func() { *slot = nil })
	}
	s := l.add(h)
	h.mu.Unlock()
	s.watch(ctx)
	return s, nil
}

func (h *Hub) pollList(l *confFeed, rearm func(time.Duration)) {
	h.mu.Lock()
	l.sentAt = h.now()
	h.mu.Unlock()
	ctx, cancel := context.WithTimeout(h.ctx, h.opts.RequestTimeout)
	var cs []model.Conference
	err := h.call(ctx, PriorityPoll, func(ctx context.Context) error {
		var err error
		f := api.ConferenceFilter{Status: string(model.ConferenceInProgress)}
		if l.recent {
			f = api.ConferenceFilter{MaxItems: MaxRecent}
		}
		cs, err = h.svc.ListConferences(ctx, f)
		return err
	})
	cancel()
	now := h.now()

	h.mu.Lock()
	defer h.mu.Unlock()
	l.status.Polls++
	if err != nil {
		l.status.Err = err
		l.status.Failures++
	} else {
		l.status.Updated, l.status.Err, l.status.Failures = now, nil, 0
		l.confs = cs
	}
	d := delay(h.opts.Interval, l.status.Failures, err, h.opts.Jitter)
	l.status.Next = now.Add(d)
	l.version++
	rearm(d)
	l.publish(ConferenceList{Version: l.version, Conferences: l.confs[:len(l.confs):len(l.confs)], Poll: l.status})
}
