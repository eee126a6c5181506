package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"confconsole/model"
)

// The demo scenario: three live conferences where agents, customers and
// supervisors join, leave, are muted and held over time, so a console pointed
// at the simulator has something alive to moderate. Every choice comes from
// the demo's seed and every event happens on the simulator's clock, so a
// given seed on a FakeClock replays the same story.

// demoRoom is one of the demo's conferences and the people who may appear in it.
type demoRoom struct {
	name       string
	agents     []string
	customers  []string // initial customers first, then people who may dial in later
	supervisor string
	initial    int  // how many customers are there from the start
	record     bool // the conference is recorded from its start, so p and P have something to act on
	sid        string
}

func demoRooms() []*demoRoom {
	return []*demoRoom{
		{
			name:       "support-escalations",
			agents:     []string{"agent-maria"},
			customers:  []string{"customer +1 415 555 0142", "customer +1 212 555 0199", "customer Renée Côté", "customer +1 646 555 0123"},
			supervisor: "supervisor-li",
			initial:    1,
			record:     true,
		},
		{
			name:       "onboarding-emea",
			agents:     []string{"agent-josé", "agent-priya"},
			customers:  []string{"customer Zoë Dupont", "customer +44 20 7946 0958", "customer Łukasz Nowak", "customer +49 30 901820"},
			supervisor: "supervisor-amir",
			initial:    2,
		},
		{
			name:       "サポート-東京",
			agents:     []string{"agent-田中"},
			customers:  []string{"customer 王芳", "customer 김민준", "customer +81 3 1234 5678"},
			supervisor: "supervisor-søren",
			initial:    1,
		},
	}
}

// demo is one running scenario.
type demo struct {
	s       *Server
	account *account
	rng     *rand.Rand
	rooms   []*demoRoom
	stopped bool
}

// Demo pacing, in simulated time.
const (
	demoMinGap  = 4 * time.Second  // shortest pause between two events in one room
	demoMaxGap  = 12 * time.Second // longest
	demoReopen  = 15 * time.Second // a room someone ended opens again after this
	demoMaxSize = 7                // a room stops taking new callers at this size
)

// StartDemo opens the demo's three conferences in the account and keeps them
// changing as the simulator's clock advances, until stop is called. It
// returns at once; the events happen lazily as requests arrive.
func StartDemo(srv *Server, accountSID string, seed int64) (stop func(), err error) {
	srv.mu.Lock()
	defer srv.unlock()
	srv.advance()
	a := srv.accounts[accountSID]
	if a == nil {
		return nil, fmt.Errorf("start demo: account %s: %w", accountSID, ErrNotFound)
	}
	d := &demo{
		s:       srv,
		account: a,
		rng:     rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x5eed)),
		rooms:   demoRooms(),
	}
	now := srv.clock.Now()
	talk := &talker{d: d, rng: rand.New(rand.NewPCG(uint64(seed)^0x7a1c, uint64(seed)))}
	for _, r := range d.rooms {
		d.open(r, now)
		d.next(r, now)
		talk.next(r, now)
	}
	return func() {
		srv.mu.Lock()
		defer srv.unlock()
		d.stopped = true
	}, nil
}

// RunDemo runs the demo scenario (see StartDemo) until ctx ends.
func RunDemo(ctx context.Context, srv *Server, accountSID string, seed int64) error {
	stop, err := StartDemo(srv, accountSID, seed)
	if err != nil {
		return err
	}
	<-ctx.Done()
	stop()
	return nil
}

// open starts a room's conference with its agents, first customers and
// supervisor, all connected.
func (d *demo) open(r *demoRoom, at time.Time) {
	if c := d.account.activeByName(r.name); c != nil {
		// The room is already open (a second demo in the same account):
		// share it rather than open a second conference of the same name,
		// which Twilio would never have.
		r.sid = c.sid
		return
	}
	c := d.s.newConference(d.account, r.name, at)
	c.record = r.record // the recording starts when the first participant connects
	r.sid = c.sid
	var firstAgent *participant
	for _, name := range r.agents {
		p := d.join(c, name, at)
		if firstAgent == nil {
			firstAgent = p
		}
	}
	for i := 0; i < r.initial && i < len(r.customers); i++ {
		d.join(c, r.customers[i], at)
	}
	sup := d.join(c, r.supervisor, at)
	sup.muted = true
	if firstAgent != nil {
		sup.coaching, sup.coachSID = true, firstAgent.callSID
	}
}

// join puts a named person into c, connected.
func (d *demo) join(c *conference, label string, at time.Time) *participant {
	p := &participant{
		callSID:         d.s.newSID("CA"),
		from:            "+15005550006",
		to:              "client:" + label,
		participantView: participantView{label: label, startOnEnter: true},
	}
	d.s.addParticipant(c, p, at, true)
	return p
}

// next schedules the room's next event.
func (d *demo) next(r *demoRoom, at time.Time) {
	gap := demoMinGap + time.Duration(d.rng.Int64N(int64(demoMaxGap-demoMinGap)))
	d.s.schedule(at.Add(gap), func(at time.Time) {
		if d.stopped {
			return
		}
		d.step(r, at)
		d.next(r, at)
	})
}

// step makes one thing happen in the room.
func (d *demo) step(r *demoRoom, at time.Time) {
	c := d.account.findConference(r.sid)
	if c == nil || c.status == model.ConferenceCompleted {
		// Someone ended the room from a console: open it again a little later.
		d.s.schedule(at.Add(demoReopen), func(at time.Time) {
			if !d.stopped && d.account.activeByName(r.name) == nil {
				d.open(r, at)
			}
		})
		r.sid = ""
		return
	}
	people := d.people(c)
	var customers, connected []*participant
	var sup *participant
	for _, p := range people {
		if p.status == model.ParticipantConnected {
			connected = append(connected, p)
		}
		switch {
		case strings.HasPrefix(p.label, "customer") && p.status.Live():
			customers = append(customers, p)
		case p.label == r.supervisor:
			sup = p
		}
	}
	if d.agentIn(r, c) == nil && !d.agentDialling(r, c) {
		// No agent left (a moderator removed them): call one back first.
		d.agentShift(r, c, at)
		return
	}
	switch roll := d.rng.IntN(100); {
	case roll < 30 && len(connected) > 0: // someone mutes or unmutes
		p := connected[d.rng.IntN(len(connected))]
		before := *p
		p.muted, p.updated = !p.muted, at
		d.s.emitChanges(c, &before, p, at, "", "")
	case roll < 50 && len(customers) > 0: // a customer is held or taken off hold
		p := customers[d.rng.IntN(len(customers))]
		if p.status == model.ParticipantConnected {
			before := *p
			p.hold, p.updated = !p.hold, at
			d.s.emitChanges(c, &before, p, at, "", "")
		}
	case roll < 68 && len(people) < demoMaxSize: // a new customer dials in
		if label := d.freeCustomer(r, c); label != "" {
			d.dial(c, label, "+14155550100", at)
		}
	case roll < 83 && len(customers) > 1: // a customer hangs up
		p := customers[d.rng.IntN(len(customers))]
		d.s.removeParticipant(c, p, at, false)
	case roll < 93 && sup != nil: // the supervisor starts or stops coaching
		before := *sup
		if sup.coaching {
			sup.coaching, sup.coachSID, sup.updated = false, "", at
		} else if agent := d.agentIn(r, c); agent != nil && !agent.hold {
			sup.coaching, sup.coachSID, sup.updated = true, agent.callSID, at
		}
		d.s.emitChanges(c, &before, sup, at, "", "")
	case roll < 96 && len(people) < demoMaxSize: // a dial-out that cannot be routed
		d.dial(c, "callback +1 500 555 0002", magicUnroutable, at)
	case roll < 98: // the supervisor drops off or comes back
		if sup != nil {
			d.s.removeParticipant(c, sup, at, false)
		} else if c.liveCount() < c.maxParticipants {
			p := d.join(c, r.supervisor, at)
			p.muted = true
		}
	default: // an agent steps out or comes back; one always stays
		d.agentShift(r, c, at)
	}
}

// agentShift makes one of the room's agents leave when another is there to
// carry on, or brings back an agent who left.
func (d *demo) agentShift(r *demoRoom, c *conference, at time.Time) {
	var in []*participant
	var out []string
	for _, name := range r.agents {
		if p := c.findParticipant(name); p != nil {
			in = append(in, p)
		} else {
			out = append(out, name)
		}
	}
	switch {
	case len(out) > 0 && c.liveCount() < c.maxParticipants:
		d.dial(c, out[d.rng.IntN(len(out))], "client:agent", at)
	case len(in) > 1:
		d.s.removeParticipant(c, in[d.rng.IntN(len(in))], at, false)
	}
}

// dial adds a participant the way CreateParticipant does: queued, then
// progressing on the simulator's timings.
func (d *demo) dial(c *conference, label, to string, at time.Time) {
	if c.findParticipant(label) != nil {
		return
	}
	p := &participant{
		callSID:         d.s.newSID("CA"),
		from:            "+15005550006",
		to:              to,
		timeout:         time.Duration(defaultTimeout) * time.Second,
		queueTime:       d.s.timings.Queue,
		participantView: participantView{label: label, startOnEnter: true},
	}
	if to == magicUnroutable {
		p.outcome = unroutable
	}
	d.s.addParticipant(c, p, at, false)
}

// people lists the room's participants in a stable order, so the seed alone
// decides who is picked.
func (d *demo) people(c *conference) []*participant {
	sids := c.listOrder(d.s)
	out := make([]*participant, len(sids))
	for i, sid := range sids {
		out[i] = c.participants[sid]
	}
	return out
}

// freeCustomer picks a customer of the room who is not in it now.
func (d *demo) freeCustomer(r *demoRoom, c *conference) string {
	var free []string
	for _, name := range r.customers {
		if c.findParticipant(name) == nil {
			free = append(free, name)
		}
	}
	if len(free) == 0 {
		return ""
	}
	return free[d.rng.IntN(len(free))]
}

// agentDialling reports whether one of the room's agents is being called.
func (d *demo) agentDialling(r *demoRoom, c *conference) bool {
	for _, name := range r.agents {
		if p := c.findParticipant(name); p != nil && p.status != model.ParticipantConnected && p.status.Live() {
			return true
		}
	}
	return false
}

// agentIn returns the room's first agent still connected.
func (d *demo) agentIn(r *demoRoom, c *conference) *participant {
	for _, name := range r.agents {
		if p := c.findParticipant(name); p != nil && p.status == model.ParticipantConnected {
			return p
		}
	}
	return nil
}
