package sim

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"confconsole/model"
)

// Conference ------------------------------------------------------------------

// readDateFilters reads the YYYY-MM-DD filters among names, returning them in
// the order they are echoed in page URIs and as a map for matchDay.
func readDateFilters(q *formReader, names ...string) ([]param, map[string]string) {
	var echo []param
	vals := make(map[string]string)
	for _, n := range names {
		v, ok := q.str(n)
		if !ok {
			continue
		}
		if _, err := time.Parse("2006-01-02", v); err != nil {
			q.fail(badRequest(CodeBadRequest, "%s must be a date as YYYY-MM-DD, got %q", n, v))
			continue
		}
		echo = append(echo, param{n, v})
		vals[n] = v
	}
	return echo, vals
}

// matchDay applies DateX / DateX< / DateX> to t as Twilio documents them:
// DateX=D is "on this date"; DateX<=D is "on or before midnight of this
// date" and DateX>=D "on or after midnight of this date", midnight being
// the start of D in UTC. So DateX<=D leaves out what happened later on D.
func matchDay(t time.Time, field string, vals map[string]string) bool {
	t = t.UTC()
	if v, ok := vals[field]; ok && t.Format("2006-01-02") != v {
		return false
	}
	if v, ok := vals[field+"<"]; ok && t.After(midnight(v)) {
		return false
	}
	if v, ok := vals[field+">"]; ok && t.Before(midnight(v)) {
		return false
	}
	return true
}

// midnight is the start (UTC) of a YYYY-MM-DD date readDateFilters checked.
func midnight(day string) time.Time {
	m, _ := time.Parse("2006-01-02", day)
	return m
}

func (s *Server) listConferences(a *account, req request) (int, any, *apiError) {
	q := &formReader{v: req.form}
	_, days := readDateFilters(q, "DateCreated", "DateCreated<", "DateCreated>", "DateUpdated", "DateUpdated<", "DateUpdated>")
	name, byName := q.str("FriendlyName")
	status, byStatus := q.oneOf("Status", CodeBadRequest, "init", "in-progress", "completed")
	given := make(map[string]string, len(days)+2)
	for k, v := range days {
		given[k] = v
	}
	if byName {
		given["FriendlyName"] = name
	}
	if byStatus {
		given["Status"] = status
	}
	// The page URIs echo the filters in the order Twilio's own list
	// examples ("readEmpty", "readNext") show, whatever order they came in.
	var echo []param
	for _, k := range []string{"Status", "DateUpdated>", "DateUpdated<", "DateCreated", "FriendlyName", "DateUpdated", "DateCreated<", "DateCreated>"} {
		if v, ok := given[k]; ok {
			echo = append(echo, param{k, v})
		}
	}
	pg := q.paging()
	if q.err != nil {
		return 0, nil, q.err
	}
	var sids []string
	for _, c := range a.conferences {
		if byName && c.friendlyName != name || byStatus && string(c.status) != status ||
			!matchDay(c.created, "DateCreated", days) || !matchDay(c.updated, "DateUpdated", days) {
			continue
		}
		sids = append(sids, c.sid)
	}
	s.sortSIDs(sids)
	lo, hi, meta, perr := s.paginate(sids, pg, listKind{sidPrefix: "CF", tokenPrefix: "CF"}, accountsPrefix+a.sid+"/Conferences.json", echo)
	if perr != nil {
		return 0, nil, perr
	}
	items := make(conferenceItems, 0, hi-lo)
	var memo dateMemo
	for _, sid := range sids[lo:hi] {
		items = append(items, renderConferenceMemo(&memo, a.conferences[sid]))
	}
	return http.StatusOK, listPage{key: "conferences", items: items, meta: meta}, nil
}

// conferenceBySID resolves the conference in the path by SID.
func (s *Server) conferenceBySID(a *account, req request) (*conference, *apiError) {
	return conferenceInPath(a, req, notFound)
}

// conferenceInPath finds the conference whose SID is in the path; malformed
// answers a segment that is not a conference SID at all, which Twilio
// answers differently under Participants than elsewhere.
func conferenceInPath(a *account, req request, malformed func(path string) *apiError) (*conference, *apiError) {
	if !conferenceSIDPattern.MatchString(req.route.conference) {
		return nil, malformed(req.path)
	}
	c := a.findConference(req.route.conference)
	if c == nil {
		return nil, notFound(req.path)
	}
	return c, nil
}

func (s *Server) fetchConference(a *account, req request) (int, any, *apiError) {
	c, err := s.conferenceBySID(a, req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderConference(c), nil
}

func (s *Server) updateConference(a *account, req request) (int, any, *apiError) {
	c, err := s.conferenceBySID(a, req)
	if err != nil {
		return 0, nil, err
	}
	f := &formReader{v: req.form}
	_, end := f.oneOf("Status", CodeBadRequest, "completed")
	announce, hasAnnounce := f.url("AnnounceUrl")
	f.method("AnnounceMethod")
	announceMethod, _ := f.str("AnnounceMethod")
	if f.err != nil {
		return 0, nil, f.err
	}
	now := s.clock.Now()
	if hasAnnounce && announce != "" {
		if c.status == model.ConferenceCompleted {
			return 0, nil, badRequest(CodeConferenceNotActive, "Conference %s is completed; it cannot play an announcement", c.sid)
		}
		c.updated = now
		s.announce(c, nil, announce, announceMethod)
	}
	if end && c.status != model.ConferenceCompleted {
		s.endConference(c, now, model.ReasonEndedViaAPI, "")
	}
	return http.StatusOK, renderConference(c), nil
}

// Participants ----------------------------------------------------------------

// participantsConference resolves the conference of a participants path that
// needs a conference SID. Twilio answers a malformed SID there with 405 20004.
func (s *Server) participantsConference(a *account, req request) (*conference, *apiError) {
	return conferenceInPath(a, req, func(string) *apiError { return methodNotAllowed() })
}

func (s *Server) listParticipants(a *account, req request) (int, any, *apiError) {
	c, err := s.participantsConference(a, req)
	if err != nil {
		return 0, nil, err
	}
	q := &formReader{v: req.form}
	muted, hold, coaching := q.boolean("Muted"), q.boolean("Hold"), q.boolean("Coaching")
	pg := q.paging()
	if q.err != nil {
		return 0, nil, q.err
	}
	var echo []param
	for _, f := range []struct {
		key string
		v   *bool
	}{{"Muted", muted}, {"Hold", hold}, {"Coaching", coaching}} {
		if f.v != nil {
			echo = append(echo, param{f.key, strconv.FormatBool(*f.v)})
		}
	}
	sids := c.listOrder(s)
	if muted != nil || hold != nil || coaching != nil {
		var kept []string
		for _, sid := range sids {
			p := c.participants[sid]
			if muted != nil && p.muted != *muted || hold != nil && p.hold != *hold || coaching != nil && p.coaching != *coaching {
				continue
			}
			kept = append(kept, sid)
		}
		sids = kept
	}
	lo, hi, meta, perr := s.paginate(sids, pg, listKind{sidPrefix: "CA", tokenPrefix: "CP"}, conferencePath(a.sid, c.sid)+"/Participants.json", echo)
	if perr != nil {
		return 0, nil, perr
	}
	items := make(encodedItems, 0, hi-lo)
	var memo dateMemo
	for _, sid := range sids[lo:hi] {
		items = append(items, c.participants[sid].listedJSON(c, &memo))
	}
	return http.StatusOK, listPage{key: "participants", items: items, meta: meta}, nil
}

// participantInPath resolves the participant of a participant path: by call
// SID or by label, among those still in the conference.
func (s *Server) participantInPath(a *account, req request) (*conference, *participant, *apiError) {
	c, err := s.participantsConference(a, req)
	if err != nil {
		return nil, nil, err
	}
	p := c.findParticipant(req.route.item)
	if p == nil {
		return nil, nil, notFound(req.path)
	}
	return c, p, nil
}

func (s *Server) fetchParticipant(a *account, req request) (int, any, *apiError) {
	c, p, err := s.participantInPath(a, req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderParticipant(c, p, false), nil
}

func (s *Server) deleteParticipant(a *account, req request) (int, any, *apiError) {
	c, p, err := s.participantInPath(a, req)
	if err != nil {
		return 0, nil, err
	}
	s.removeParticipant(c, p, s.clock.Now(), true)
	return http.StatusNoContent, nil, nil
}

func (s *Server) updateParticipant(a *account, req request) (int, any, *apiError) {
	c, p, err := s.participantInPath(a, req)
	if err != nil {
		return 0, nil, err
	}
	if p.status == model.ParticipantFailed {
		// The call is over; only its record lingers in the list.
		return 0, nil, notFound(req.path)
	}
	f := &formReader{v: req.form}
	var muted *bool
	if v, ok := f.str("Muted"); ok {
		// Twilio documents UpdateParticipant's Muted leniently: any value
		// other than true or false is read as false.
		m := strings.EqualFold(v, "true")
		muted = &m
	}
	hold := f.boolean("Hold")
	f.url("HoldUrl")
	f.method("HoldMethod")
	announce, _ := f.url("AnnounceUrl")
	f.method("AnnounceMethod")
	announceMethod, _ := f.str("AnnounceMethod")
	f.url("WaitUrl")
	f.method("WaitMethod")
	beepOnExit := f.boolean("BeepOnExit")
	endOnExit := f.boolean("EndConferenceOnExit")
	coaching := f.boolean("Coaching")
	coachSID, hasCoach := f.pattern("CallSidToCoach", callSIDPattern, CodeCoachedNotPresent, "the call SID of a participant in this conference (CA followed by 32 hex digits)")
	if f.err != nil {
		return 0, nil, f.err
	}

	// Coaching: CallSidToCoach alone implies coaching; Coaching=true needs a
	// participant to coach, given now or earlier; Coaching=false ends it.
	wantCoach, target := p.coaching, p.coachSID
	if hasCoach {
		wantCoach, target = true, coachSID
	}
	if coaching != nil {
		wantCoach = *coaching
		if !*coaching {
			target = ""
		}
	}
	if wantCoach && (hasCoach || (coaching != nil && *coaching)) {
		if aerr := checkCoachTarget(c, p.callSID, target); aerr != nil {
			return 0, nil, aerr
		}
	}

	now := s.clock.Now()
	before := *p
	if muted != nil {
		p.muted = *muted
	}
	if hold != nil {
		p.hold = *hold
	}
	if beepOnExit != nil {
		p.beepOnExit = *beepOnExit
	}
	if endOnExit != nil {
		p.endOnExit = *endOnExit
	}
	p.coaching, p.coachSID = wantCoach, target
	p.updated = now
	s.emitChanges(c, &before, p, now, announce, announceMethod)
	return http.StatusOK, renderParticipant(c, p, false), nil
}

// emitChanges reports what an update changed to the conference's callback:
// mute, hold, other changes ("modify"); a participant muted or held stops
// being heard; an announcement is fetched and then reported (see announce).
func (s *Server) emitChanges(c *conference, before, p *participant, at time.Time, announce, announceMethod string) {
	if before.muted != p.muted {
		if p.muted {
			s.emit(c, "participant-mute", at, p)
		} else {
			s.emit(c, "participant-unmute", at, p)
		}
	}
	if before.hold != p.hold {
		if p.hold {
			s.emit(c, "participant-hold", at, p)
		} else {
			s.emit(c, "participant-unhold", at, p)
		}
	}
	if before.coaching != p.coaching || before.coachSID != p.coachSID || before.endOnExit != p.endOnExit {
		s.emit(c, "participant-modify", at, p)
	}
	if p.muted || p.hold {
		s.setSpeaking(c, p, false, at) // no longer heard
	}
	if announce != "" {
		s.announce(c, p, announce, announceMethod)
	}
}

// checkCoachTarget checks that target names another participant connected to
// (or joining) the same conference and not on hold.
func checkCoachTarget(c *conference, self, target string) *apiError {
	if target == "" {
		return badRequest(CodeCoachedNotPresent, "Coaching=true needs CallSidToCoach: the call SID of the participant to coach")
	}
	t, ok := c.participants[target]
	if !ok || !t.status.Live() || target == self {
		return badRequest(CodeCoachedNotPresent, "Participant to be coached (%s) is not present in conference %s", target, c.sid)
	}
	if t.hold {
		return badRequest(CodeCoachedOnHold, "Participant to be coached (%s) is on hold", target)
	}
	return nil
}

// Magic numbers from Twilio's test-credential documentation.
const (
	magicInvalid    = "+15005550001"
	magicUnroutable = "+15005550002"
	magicNoGeo      = "+15005550003"
	magicBlocked    = "+15005550004"
	defaultTimeout  = 60
	minTimeout      = 5
	maxTimeout      = 600
	minParticipants = 2
	maxParticipants = 250
)

// createForm is a CreateParticipant request's parameters that matter here.
type createForm struct {
	to, from     string
	label        string
	timeout      *int
	muted        *bool
	startOnEnter *bool
	endOnExit    *bool
	maxPart      *int
	record       string
	channels     string
	region       string
	hasRegion    bool
	coaching     *bool
	coachSID     string
	hasCoach     bool
	callback     *callbackConfig // the conference's status callback, if one is asked for
	statusCB     *callbackConfig // the call's own StatusCallback, if one is asked for
}

// readCreateForm reads and checks everything in a CreateParticipant request
// that does not depend on the conference.
func readCreateForm(v url.Values) (createForm, *apiError) {
	f := &formReader{v: v}
	var c createForm
	to, hasTo := f.str("To")
	from, hasFrom := f.str("From")
	switch {
	case !hasTo || to == "":
		return c, badRequest(CodeToMissing, "No 'To' number is specified")
	case !hasFrom || from == "":
		return c, badRequest(CodeFromMissing, "'From' phone number is required")
	case !validTo(to):
		return c, badRequest(CodeToInvalid, "The 'To' number %s is not a valid phone number, client: identifier or sip: address.%s", to, plusHint(to))
	}
	if why := fromProblem(from, to); why != "" {
		return c, badRequest(CodeFromInvalid, "The 'From' number %s %s.%s", from, why, plusHint(from))
	}
	c.to, c.from = to, from
	c.label, _ = f.str("Label")
	c.timeout = f.integer("Timeout")
	c.muted = f.boolean("Muted")
	c.startOnEnter = f.boolean("StartConferenceOnEnter")
	c.endOnExit = f.boolean("EndConferenceOnExit")
	c.maxPart = f.integer("MaxParticipants")
	c.record, _ = f.oneOf("ConferenceRecord", CodeBadRequest, "true", "false", "record-from-start", "do-not-record")
	c.channels, _ = f.oneOf("RecordingChannels", CodeBadRequest, "mono", "dual")
	c.region, c.hasRegion = f.oneOf("Region", CodeBadRequest, "us1", "us2", "ie1", "de1", "sg1", "br1", "au1", "jp1")
	c.coaching = f.boolean("Coaching")
	c.coachSID, c.hasCoach = f.pattern("CallSidToCoach", callSIDPattern, CodeCoachedNotPresent, "the call SID of a participant in this conference (CA followed by 32 hex digits)")
	checkCreateExtras(f)
	if f.err != nil {
		return c, f.err
	}
	c.callback = readCallbackConfig(f)
	c.statusCB = readStatusCallback(f)
	if c.timeout != nil && (*c.timeout < minTimeout || *c.timeout > maxTimeout) {
		return c, badRequest(CodeBadRequest, "Timeout must be between %d and %d seconds, got %d", minTimeout, maxTimeout, *c.timeout)
	}
	if c.maxPart != nil && (*c.maxPart < minParticipants || *c.maxPart > maxParticipants) {
		return c, badRequest(CodeConferenceAttributes, "MaxParticipants must be between %d and %d, got %d", minParticipants, maxParticipants, *c.maxPart)
	}
	if c.label != "" {
		if why := labelProblem(c.label); why != "" {
			return c, badRequest(CodeInvalidLabel, "Invalid participant label %q: a label %s", c.label, why)
		}
	}
	if c.coaching != nil && *c.coaching && !c.hasCoach {
		return c, badRequest(CodeCoachedNotPresent, "Coaching=true needs CallSidToCoach: the call SID of the participant to coach")
	}
	// Twilio's magic test numbers that are refused at once.
	switch {
	case from == magicInvalid:
		return c, badRequest(CodeFromInvalid, "The 'From' number %s is not a valid phone number.", from)
	case to == magicInvalid:
		return c, badRequest(CodeToNotValid, "The 'To' number %s does not appear to be valid.", to)
	case to == magicNoGeo:
		return c, badRequest(CodeNoGeoPermission, "Account not authorized to call %s. Perhaps you need to enable some international permissions.", to)
	case to == magicBlocked:
		return c, badRequest(CodeToBlocked, "Account not allowed to call %s", to)
	}
	return c, nil
}

// plusHint explains a number that starts with a space and then digits: a '+'
// sent unencoded in a form body (curl -d To=+1...) is decoded as a space.
// Empty for anything else.
func plusHint(v string) string {
	rest, ok := strings.CutPrefix(v, " ")
	if !ok || !digitsPattern.MatchString(rest) {
		return ""
	}
	return " A '+' sent unencoded in a form body arrives as a space: encode it as %2B (with curl, --data-urlencode)."
}

// readCallbackConfig reads the conference status callback of a create
// request that checkCreateExtras found valid; nil when none is asked for.
func readCallbackConfig(f *formReader) *callbackConfig {
	u, ok := f.str("ConferenceStatusCallback")
	if !ok || u == "" {
		return nil
	}
	cb := &callbackConfig{url: u, method: http.MethodPost, events: map[string]bool{}}
	if m, ok := f.str("ConferenceStatusCallbackMethod"); ok && strings.EqualFold(m, http.MethodGet) {
		cb.method = http.MethodGet
	}
	events := f.list("ConferenceStatusCallbackEvent", CodeConferenceAttributes)
	if len(events) == 0 {
		events = []string{"start", "end"} // Twilio's default
	}
	for _, e := range events {
		cb.events[e] = true
	}
	return cb
}

// checkCreateExtras checks the documented parameters that have no visible
// effect in the simulator, so that a request it accepts is one Twilio would
// accept too.
func checkCreateExtras(f *formReader) {
	f.url("StatusCallback")
	f.method("StatusCallbackMethod")
	f.list("StatusCallbackEvent", CodeBadRequest, "initiated", "ringing", "answered", "completed")
	f.boolean("Record")
	f.oneOf("Beep", CodeBadRequest, "true", "false", "onEnter", "onExit")
	f.url("WaitUrl")
	f.method("WaitMethod")
	f.boolean("EarlyMedia")
	f.oneOf("ConferenceTrim", CodeBadRequest, "trim-silence", "do-not-trim")
	f.as(CodeConferenceAttributes, func() { // 16002 covers the conference's callback URL and method
		f.url("ConferenceStatusCallback")
		f.method("ConferenceStatusCallbackMethod")
	})
	f.list("ConferenceStatusCallbackEvent", CodeConferenceAttributes, "start", "end", "join", "leave", "mute", "hold", "modify", "speaker", "announcement")
	f.url("RecordingStatusCallback")
	f.method("RecordingStatusCallbackMethod")
	f.url("ConferenceRecordingStatusCallback")
	f.method("ConferenceRecordingStatusCallbackMethod")
	f.list("RecordingStatusCallbackEvent", CodeBadRequest, "started", "in-progress", "paused", "resumed", "stopped", "completed", "failed", "absent")
	f.list("ConferenceRecordingStatusCallbackEvent", CodeBadRequest, "in-progress", "completed", "failed", "absent")
	f.oneOf("JitterBufferSize", CodeBadRequest, "off", "small", "medium", "large")
	f.pattern("Byoc", byocSIDPattern, CodeBadRequest, "a BYOC trunk SID (BY followed by 32 hex digits)")
	f.oneOf("RecordingTrack", CodeBadRequest, "inbound", "outbound", "both")
	f.integer("TimeLimit")
	f.oneOfFold("MachineDetection", CodeBadRequest, "Enable", "DetectMessageEnd")
	f.integer("MachineDetectionTimeout")
	f.integer("MachineDetectionSpeechThreshold")
	f.integer("MachineDetectionSpeechEndThreshold")
	f.integer("MachineDetectionSilenceTimeout")
	f.url("AmdStatusCallback")
	f.method("AmdStatusCallbackMethod")
	f.oneOf("Trim", CodeBadRequest, "trim-silence", "do-not-trim")
	f.url("ClientNotificationUrl")
	if v, ok := f.str("CallerDisplayName"); ok {
		if n := utf8.RuneCountInString(v); n < 2 || n > 255 {
			f.fail(badRequest(CodeBadRequest, "CallerDisplayName must be 2 to 255 characters, got %d", n))
		}
	}
}

func (s *Server) createParticipant(a *account, req request) (int, any, *apiError) {
	cf, ferr := readCreateForm(req.form)
	if ferr != nil {
		return 0, nil, ferr
	}
	label, coaching, coachSID, hasCoach := cf.label, cf.coaching, cf.coachSID, cf.hasCoach

	// The conference: a SID names an existing, active one; anything else is a
	// friendly name, which opens a conference when no active one has it.
	var c *conference
	ident := req.route.conference
	if conferenceSIDPattern.MatchString(ident) {
		c = a.findConference(ident)
		if c == nil {
			return 0, nil, notFound(req.path)
		}
		if c.status == model.ConferenceCompleted {
			return 0, nil, badRequest(CodeConferenceNotActive, "Conference %s is not active (it is completed); participants can only join an active conference", c.sid)
		}
	} else {
		if utf8.RuneCountInString(ident) > maxFriendlyRunes {
			return 0, nil, badRequest(CodeConferenceUnknown, "Could not recognize conference %q: a friendly name is at most %d characters", ident, maxFriendlyRunes)
		}
		c = a.activeByName(ident)
	}
	if c != nil {
		if c.liveCount() >= c.maxParticipants {
			return 0, nil, badRequest(CodeConferenceFull, "Conference %s is full (MaxParticipants %d)", c.sid, c.maxParticipants)
		}
		if label != "" && c.findParticipant(label) != nil {
			return 0, nil, badRequest(CodeLabelInUse, "Participant label %q is in use by another participant in conference %s", label, c.sid)
		}
	}
	if hasCoach || (coaching != nil && *coaching) {
		if c == nil {
			return 0, nil, badRequest(CodeCoachedNotPresent, "Participant to be coached (%s) is not present in conference %q", coachSID, ident)
		}
		if aerr := checkCoachTarget(c, "", coachSID); aerr != nil {
			return 0, nil, aerr
		}
	}

	now := s.clock.Now()
	if c == nil {
		c = s.newConference(a, ident, now)
		if cf.maxPart != nil {
			c.maxParticipants = *cf.maxPart
		}
		if cf.hasRegion {
			c.region = cf.region
		}
		c.record = cf.record == "true" || cf.record == "record-from-start"
		if cf.channels == "dual" {
			c.channels = 2
		}
		// Only the first participant's callback settings count, as Twilio
		// documents: later ones are ignored.
		c.callback = cf.callback
	}
	p := &participant{
		callSID:   s.newSID("CA"),
		from:      cf.from,
		to:        cf.to,
		timeout:   time.Duration(defaultTimeout) * time.Second,
		queueTime: s.timings.Queue,
		participantView: participantView{
			label:        label,
			muted:        cf.muted != nil && *cf.muted,
			startOnEnter: cf.startOnEnter == nil || *cf.startOnEnter,
			endOnExit:    cf.endOnExit != nil && *cf.endOnExit,
		},
	}
	p.statusCB = cf.statusCB
	if cf.timeout != nil {
		p.timeout = time.Duration(*cf.timeout) * time.Second
	}
	if hasCoach {
		p.coaching, p.coachSID = true, coachSID
	}
	if coaching != nil && !*coaching {
		p.coaching, p.coachSID = false, ""
	}
	switch {
	case cf.to == magicUnroutable:
		p.outcome = unroutable
	case s.noAnswer[cf.to]:
		p.outcome = noAnswer
	}
	s.addParticipant(c, p, now, false)
	return http.StatusCreated, renderParticipant(c, p, true), nil
}

// Recordings ------------------------------------------------------------------

func (s *Server) listRecordings(a *account, req request) (int, any, *apiError) {
	c, err := s.conferenceBySID(a, req)
	if err != nil {
		return 0, nil, err
	}
	q := &formReader{v: req.form}
	names := []string{"DateCreated", "DateCreated<", "DateCreated>"}
	echo, days := readDateFilters(q, names...)
	pg := q.paging()
	if q.err != nil {
		return 0, nil, q.err
	}
	var sids []string
	byID := make(map[string]*recording)
	for _, r := range c.recordings {
		if matchDay(r.created, "DateCreated", days) {
			sids = append(sids, r.sid)
			byID[r.sid] = r
		}
	}
	s.sortSIDs(sids)
	lo, hi, meta, perr := s.paginate(sids, pg, listKind{sidPrefix: "RE", tokenPrefix: "RE"}, conferencePath(a.sid, c.sid)+"/Recordings.json", echo)
	if perr != nil {
		return 0, nil, perr
	}
	items := make(recordingItems, 0, hi-lo)
	for _, sid := range sids[lo:hi] {
		items = append(items, renderRecording(c, byID[sid]))
	}
	return http.StatusOK, listPage{key: "recordings", items: items, meta: meta}, nil
}

func (s *Server) recordingInPath(a *account, req request) (*conference, *recording, *apiError) {
	c, err := s.conferenceBySID(a, req)
	if err != nil {
		return nil, nil, err
	}
	id := req.route.item
	// Twilio documents Twilio.CURRENT for updates only; fetch and delete
	// take a recording SID.
	current := id == "Twilio.CURRENT" && req.method == http.MethodPost
	if !current && !recordingSIDPattern.MatchString(id) {
		return nil, nil, notFound(req.path)
	}
	r := c.findRecording(id)
	if r == nil {
		return nil, nil, notFound(req.path)
	}
	return c, r, nil
}

func (s *Server) fetchRecording(a *account, req request) (int, any, *apiError) {
	c, r, err := s.recordingInPath(a, req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, renderRecording(c, r), nil
}

func (s *Server) updateRecording(a *account, req request) (int, any, *apiError) {
	c, r, err := s.recordingInPath(a, req)
	if err != nil {
		return 0, nil, err
	}
	f := &formReader{v: req.form}
	status, ok := f.str("Status")
	if !ok {
		return 0, nil, badRequest(CodeBadRequest, "Status is required: in-progress, paused or stopped")
	}
	f.oneOf("PauseBehavior", CodeBadRequest, "skip", "silence")
	if f.err != nil {
		return 0, nil, f.err
	}
	now := s.clock.Now()
	live := r.status == model.RecordingInProgress || r.status == model.RecordingPaused
	switch status {
	case "in-progress", "paused":
		if !live {
			return 0, nil, badRequest(CodeBadRequest, "Recording %s is %s; only an in-progress or paused recording can be resumed or paused", r.sid, r.status)
		}
		r.status, r.updated = model.RecordingStatus(status), now
	case "stopped":
		if !live {
			return 0, nil, badRequest(CodeBadRequest, "Recording %s is %s; it can no longer be stopped", r.sid, r.status)
		}
		r.status, r.updated = model.RecordingStopped, now
		r.duration, r.done = now.Sub(r.start), true
		// Processing takes no simulated time: the next request sees it completed.
		s.schedule(now, func(at time.Time) {
			if r.status == model.RecordingStopped {
				r.status, r.updated = model.RecordingCompleted, at
			}
		})
	default:
		return 0, nil, badRequest(CodeBadRequest, "Status must be one of in-progress, paused, stopped, got %q", status)
	}
	return http.StatusOK, renderRecording(c, r), nil
}

func (s *Server) deleteRecording(a *account, req request) (int, any, *apiError) {
	c, r, err := s.recordingInPath(a, req)
	if err != nil {
		return 0, nil, err
	}
	if r.status == model.RecordingInProgress || r.status == model.RecordingPaused {
		return 0, nil, badRequest(CodeBadRequest, "Recording %s is %s; stop it before deleting it", r.sid, r.status)
	}
	for i, x := range c.recordings {
		if x == r {
			c.recordings = append(c.recordings[:i], c.recordings[i+1:]...)
			break
		}
	}
	return http.StatusNoContent, nil, nil
}
