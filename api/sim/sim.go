// Package sim is confconsole's Twilio-compatible simulator: an http.Handler
// that speaks the Conference, Participant and Conference Recording resources
// of Twilio's REST API 2010-04-01 as Twilio publishes them (paths, form
// parameters, status codes, JSON bodies, paging, error bodies), for tests, for
// the console's demo mode, and for any other Twilio client pointed at it.
//
// The simulator owns its clock. Participants move queued -> connecting ->
// ringing -> connected on that clock (instantly by default), and the world is
// brought up to date lazily at the start of every request, so a test that
// drives a FakeClock sees a deterministic timeline with no goroutines behind it.
//
// Test numbers. The simulator honours Twilio's documented magic numbers for
// test calls:
//
//	From +15005550001  400, code 21212 (invalid From)
//	To   +15005550001  400, code 21217 (To does not appear to be valid)
//	To   +15005550002  accepted (201, queued); the call cannot be routed and the
//	                   participant goes connecting -> failed, never answering
//	To   +15005550003  400, code 21215 (no international permission)
//	To   +15005550004  400, code 21216 (To is blocked for the account)
//
// Every other well-formed number, client: and sip: address answers. Numbers
// given to WithNoAnswer ring for the participant's Timeout and then fail.
//
// Choices where Twilio's documents are silent: lists are newest first (as in
// Twilio's examples); 16xxx errors answer HTTP 400; credentials of one account
// on another account's path answer 401 20003, and another account's
// conference under your own path 404 20404; a failed participant stays listed
// for Timings.Linger and answers updates with 404; ending a completed
// conference again is a no-op that answers 200. Some choices are stricter
// than Twilio, so that a request that would change nothing fails visibly
// (400 20001): a POST body that is not application/x-www-form-urlencoded,
// where Twilio would read it as no parameters at all; a POST with parameters
// in its query string instead of its body; and a query string that cannot be
// decoded, which would otherwise leave a list unfiltered.
//
// Callbacks. A conference whose first participant named a
// ConferenceStatusCallback reports the subscribed events to it
// (conference-start, conference-end, participant-join, participant-leave,
// participant-mute/unmute, participant-hold/unhold, participant-modify,
// participant-speech-start/stop, announcement-end/fail), in order, numbered
// by SequenceNumber and signed with X-Twilio-Signature (see Signature). An
// announcement's AnnounceUrl is fetched, signed, and reported as ended or
// failed by what it answered; nothing is played. A participant's own call
// StatusCallback gets initiated, ringing, answered and completed as asked.
//
// Control API. Under /_sim/, authenticated like the rest, tests make a
// participant speak or hang up (see serveControl).
//
// Faults. InjectFault queues faults that the next matching requests get (429
// with or without Retry-After, 500, 503, a truncated or empty body after the
// request was processed, an HTML error page, a dropped connection, extra
// latency); SetLatency delays every request; ClearFaults removes them all.
// ParseFault reads the same faults from the `confconsole sim --fault` flag.
//
// Demo. StartDemo (or RunDemo, until its context ends) opens three live
// conferences in which agents, customers and supervisors join, leave, are
// muted, held and coached as the simulator's clock moves, the same way for
// the same seed.
package sim

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Timings are how long a dialled participant spends in each state before the
// next. The zero value makes every step instant: the create reply says
// "queued" and the next request already sees "connected".
type Timings struct {
	Queue   time.Duration // queued -> connecting
	Connect time.Duration // connecting -> ringing
	Ring    time.Duration // ringing -> connected (answer)
	// Linger is how long a failed participant stays listed, with status
	// "failed", before it is gone.
	Linger time.Duration
}

// Option configures a Server.
type Option func(*config)

type config struct {
	clock    Clock
	timings  Timings
	seed     uint64
	seeded   bool
	logger   io.Writer
	noAnswer []string
	client   *http.Client
}

// WithClock makes the simulator follow c instead of the wall clock.
func WithClock(c Clock) Option { return func(cfg *config) { cfg.clock = c } }

// WithTimings sets how long dialled participants take to progress.
func WithTimings(t Timings) Option { return func(cfg *config) { cfg.timings = t } }

// WithSeed makes the SIDs the simulator issues a function of seed, so two runs
// with the same seed and the same requests produce the same identifiers.
func WithSeed(seed int64) Option {
	return func(cfg *config) { cfg.seed, cfg.seeded = uint64(seed), true }
}

// WithLogger makes the simulator write one line per request to w: method,
// path, status, duration and any injected fault. Credentials are never logged.
func WithLogger(w io.Writer) Option { return func(cfg *config) { cfg.logger = w } }

// WithHTTPClient sets the client that sends status callbacks and fetches
// announcements. The default, OutboundClient(nil), connects only to loopback
// addresses and gives up after 5 seconds; give another to reach other hosts.
func WithHTTPClient(c *http.Client) Option { return func(cfg *config) { cfg.client = c } }

// WithNoAnswer names phone numbers that ring until the participant's Timeout
// and then fail, as a phone nobody picks up.
func WithNoAnswer(numbers ...string) Option {
	return func(cfg *config) { cfg.noAnswer = append(cfg.noAnswer, numbers...) }
}

// Server is the simulator. It is an http.Handler and safe for concurrent use.
type Server struct {
	clock    Clock
	timings  Timings
	logger   io.Writer
	logMu    sync.Mutex
	faults   faultSet
	noAnswer map[string]bool
	chunks   sync.Pool // *[]byte scratch for streaming roster pages
	cbClient *http.Client

	cbMu      sync.Mutex // guards the callbacks waiting to be sent
	cbPending []callback
	cbSending bool

	mu       sync.Mutex // guards everything below
	rng      *rand.Rand
	accounts map[string]*account
	keys     map[string]apiKey
	sortKeys map[string]sortKey // every SID ever issued, for page tokens
	seq      uint64
	events   eventQueue
	outbox   []callback // queued under mu, sent after it is released
}

type apiKey struct {
	accountSID string
	secret     string
}

// New returns a simulator with no accounts; add them with AddAccount.
func New(opts ...Option) *Server {
	cfg := config{clock: RealClock{}}
	for _, o := range opts {
		o(&cfg)
	}
	if !cfg.seeded {
		cfg.seed = rand.Uint64()
	}
	s := &Server{
		clock:    cfg.clock,
		timings:  cfg.timings,
		logger:   cfg.logger,
		noAnswer: make(map[string]bool),
		rng:      rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15)),
		accounts: make(map[string]*account),
		keys:     make(map[string]apiKey),
		sortKeys: make(map[string]sortKey),
	}
	for _, n := range cfg.noAnswer {
		s.noAnswer[n] = true
	}
	s.cbClient = cfg.client
	if s.cbClient == nil {
		s.cbClient, _ = OutboundClient(nil) // an empty allowlist cannot be wrong
	}
	s.chunks.New = func() any {
		b := make([]byte, 0, streamChunk)
		return &b
	}
	return s
}

// AddAccount creates an account that authenticates with authToken.
func (s *Server) AddAccount(accountSID, authToken string) error {
	if !accountSIDPattern.MatchString(accountSID) {
		return fmt.Errorf("add account %q: account SID must be AC followed by 32 hex digits", accountSID)
	}
	if authToken == "" {
		return fmt.Errorf("add account %q: auth token is empty", accountSID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[accountSID]; ok {
		return fmt.Errorf("add account %q: account already exists", accountSID)
	}
	s.accounts[accountSID] = &account{sid: accountSID, token: authToken, conferences: make(map[string]*conference)}
	return nil
}

// AddAPIKey lets keySID and secret authenticate as accountSID, as a Twilio API
// key does (the account SID stays in the path).
func (s *Server) AddAPIKey(accountSID, keySID, secret string) error {
	if !keySIDPattern.MatchString(keySID) {
		return fmt.Errorf("add API key %q: key SID must be SK followed by 32 hex digits", keySID)
	}
	if secret == "" {
		return fmt.Errorf("add API key %q: secret is empty", keySID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.accounts[accountSID]; !ok {
		return fmt.Errorf("add API key %q: account %q does not exist", keySID, accountSID)
	}
	if _, ok := s.keys[keySID]; ok {
		return fmt.Errorf("add API key %q: key already exists", keySID)
	}
	s.keys[keySID] = apiKey{accountSID: accountSID, secret: secret}
	return nil
}

// newSID issues a SID from the server's seeded source. Callers hold s.mu.
func (s *Server) newSID(prefix string) string {
	var b strings.Builder
	b.Grow(34)
	b.WriteString(prefix)
	for i := 0; i < 32; i++ {
		b.WriteByte(hexDigits[s.rng.IntN(16)])
	}
	return b.String()
}

// ServeHTTP answers one request: injected faults first (they stand for the
// network and Twilio's edge), then authentication, then the resource.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	w.Header().Set(headerRequestID, "RQ"+randomHex())
	sw := &statusWriter{ResponseWriter: w}
	f, hit := s.faults.take(r.Method, r.URL.Path)
	tag := ""
	if hit {
		tag = " fault=" + f.Kind.String()
	}
	defer func() { s.logRequest(r, sw.status, time.Since(start), tag) }()

	if d := s.faults.steadyLatency() + f.Latency; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return // the client went away; nothing is written
		}
	}
	if hit && s.applyFault(sw, r, f) {
		return
	}
	s.serve(sw, r)
}

func (s *Server) logRequest(r *http.Request, status int, d time.Duration, tag string) {
	if s.logger == nil {
		return
	}
	code := "-" // the connection was dropped or the client left: no status was sent
	if status != 0 {
		code = strconv.Itoa(status)
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.logger, "%s %s %s %s%s\n", r.Method, r.URL.EscapedPath(), code, d.Round(time.Microsecond), tag)
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (for hijacking).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// authenticate returns the account the request's HTTP Basic credentials name:
// an account SID and its auth token, or an API key SID and its secret.
func (s *Server) authenticate(r *http.Request) (string, *apiError) {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return "", unauthorized()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[user]; ok && secretEqual(pass, a.token) {
		return a.sid, nil
	}
	if k, ok := s.keys[user]; ok && secretEqual(pass, k.secret) {
		return k.accountSID, nil
	}
	return "", unauthorized()
}

func secretEqual(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// writeJSON writes v with the given status. HTML escaping is off so labels
// such as "a<b" travel as they are.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var body []byte
	var err error
	switch x := v.(type) {
	case listPage:
		body = x.encodeJSON()
	case participantJSON:
		body = x.appendJSON(nil)
	case conferenceJSON:
		body = x.appendJSON(nil)
	case recordingJSON:
		body = x.appendJSON(nil)
	default:
		body, err = marshalNoEscape(v)
	}
	if err != nil {
		// Every value written is built from plain strings, numbers and
		// booleans; failing to encode one is a bug in the simulator.
		writeError(w, &apiError{status: http.StatusInternalServerError, code: CodeInternalError, message: "encode response: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", wwwAuthenticate)
	}
	writeJSON(w, e.status, e.body())
}

// route is a parsed request path.
type route struct {
	kind       routeKind
	account    string
	conference string // conference SID, or friendly name on create
	item       string // participant call SID or label, or recording SID
}

type routeKind int

const (
	routeConferences routeKind = iota + 1
	routeConference
	routeParticipants
	routeParticipant
	routeRecordings
	routeRecording
)

// allowed lists the methods each kind of path answers.
func (k routeKind) allowed() []string {
	switch k {
	case routeConferences, routeRecordings:
		return []string{http.MethodGet}
	case routeConference, routeParticipants:
		return []string{http.MethodGet, http.MethodPost}
	default:
		return []string{http.MethodGet, http.MethodPost, http.MethodDelete}
	}
}

const accountsPrefix = "/2010-04-01/Accounts/"

// parseRoute splits an escaped request path into its parts. Each segment is
// unescaped on its own, so a label "a%2Fb" stays one segment ("a/b") and
// labels with spaces, '%' or any Unicode arrive as sent.
func parseRoute(escapedPath string) (route, bool) {
	rest, ok := strings.CutPrefix(escapedPath, accountsPrefix)
	if !ok {
		return route{}, false
	}
	raw := strings.Split(rest, "/")
	last, ok := strings.CutSuffix(raw[len(raw)-1], ".json")
	if !ok {
		return route{}, false
	}
	raw[len(raw)-1] = last
	seg := make([]string, len(raw))
	for i, r := range raw {
		u, err := url.PathUnescape(r)
		if err != nil || u == "" {
			return route{}, false
		}
		seg[i] = u
	}
	rt := route{account: seg[0]}
	switch {
	case len(seg) == 2 && seg[1] == "Conferences":
		rt.kind = routeConferences
	case len(seg) == 3 && seg[1] == "Conferences":
		rt.kind, rt.conference = routeConference, seg[2]
	case len(seg) == 4 && seg[1] == "Conferences" && seg[3] == "Participants":
		rt.kind, rt.conference = routeParticipants, seg[2]
	case len(seg) == 5 && seg[1] == "Conferences" && seg[3] == "Participants":
		rt.kind, rt.conference, rt.item = routeParticipant, seg[2], seg[4]
	case len(seg) == 4 && seg[1] == "Conferences" && seg[3] == "Recordings":
		rt.kind, rt.conference = routeRecordings, seg[2]
	case len(seg) == 5 && seg[1] == "Conferences" && seg[3] == "Recordings":
		rt.kind, rt.conference, rt.item = routeRecording, seg[2], seg[4]
	default:
		return route{}, false
	}
	return rt, true
}

// serve authenticates and dispatches one request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	acct, aerr := s.authenticate(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	path := r.URL.EscapedPath()
	if rest, ok := strings.CutPrefix(path, controlPrefix); ok {
		s.serveControl(w, r, acct, rest)
		return
	}
	rt, ok := parseRoute(path)
	if !ok {
		writeError(w, notFound(path))
		return
	}
	if rt.account != acct {
		// Credentials of one account on another account's path: Twilio
		// answers with an authentication error and shows nothing.
		writeError(w, unauthorized())
		return
	}
	allowed := rt.kind.allowed()
	if !slices.Contains(allowed, r.Method) {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, methodNotAllowed())
		return
	}
	form, ferr := readParams(w, r)
	if ferr != nil {
		writeError(w, ferr)
		return
	}
	req := request{route: rt, path: path, form: form, method: r.Method}

	s.mu.Lock()
	s.advance()
	status, body, herr := s.dispatch(req)
	s.unlock()

	switch {
	case herr != nil:
		writeError(w, herr)
	case status == http.StatusNoContent:
		w.WriteHeader(http.StatusNoContent)
	default:
		if page, ok := body.(listPage); ok {
			if enc, ok := page.items.(encodedItems); ok {
				// A roster page is streamed from the participants' own
				// JSON: no page-sized buffer is built for each poll.
				chunk := s.chunks.Get().(*[]byte)
				*chunk = page.stream(w, status, enc, *chunk)
				s.chunks.Put(chunk)
				return
			}
		}
		writeJSON(w, status, body)
	}
}

// readParams reads a request's parameters: a GET's query string, a POST's
// form body. What Twilio might ignore or read otherwise is refused, so that a
// client's mistake shows instead of a request that silently changes nothing
// or a list that is silently unfiltered: an undecodable query string, a POST
// with parameters in its query string, a POST body that is not a form.
func readParams(w http.ResponseWriter, r *http.Request) (url.Values, *apiError) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest(CodeBadRequest, "Could not read the query string: %v. Percent-encode each name and value, and separate parameters with '&'", err)
	}
	if r.Method != http.MethodPost {
		return query, nil
	}
	if len(query) > 0 {
		return nil, badRequest(CodeBadRequest, "Parameters of a POST go in the form body, not the query string (got %s); send them as application/x-www-form-urlencoded", queryNames(query))
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, badRequest(CodeBadRequest, "Could not read the form body: %v; send application/x-www-form-urlencoded", err)
	}
	if ct := r.Header.Get("Content-Type"); len(r.PostForm) == 0 && r.ContentLength != 0 && !isFormType(ct) {
		return nil, badRequest(CodeBadRequest, "%s; send the parameters as a form, with Content-Type application/x-www-form-urlencoded (Twilio reads no others)", describeBodyType(ct))
	}
	return r.PostForm, nil
}

// queryNames lists the names in q, sorted, for a message.
func queryNames(q url.Values) string {
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, strconv.Quote(k))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// describeBodyType says what type a POST body that is not a form came as.
func describeBodyType(ct string) string {
	if strings.TrimSpace(ct) == "" {
		return "The body came with no Content-Type"
	}
	return fmt.Sprintf("The body came with Content-Type %q", ct)
}

// isFormType reports whether a Content-Type header names a URL-encoded form.
func isFormType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// request is what a handler needs from the HTTP request.
type request struct {
	route  route
	path   string
	method string
	form   url.Values
}

// dispatch runs the handler for req. Callers hold s.mu.
func (s *Server) dispatch(req request) (int, any, *apiError) {
	a := s.accounts[req.route.account]
	if a == nil {
		return 0, nil, notFound(req.path)
	}
	switch req.route.kind {
	case routeConferences:
		return s.listConferences(a, req)
	case routeConference:
		if req.method == http.MethodGet {
			return s.fetchConference(a, req)
		}
		return s.updateConference(a, req)
	case routeParticipants:
		if req.method == http.MethodGet {
			return s.listParticipants(a, req)
		}
		return s.createParticipant(a, req)
	case routeParticipant:
		switch req.method {
		case http.MethodGet:
			return s.fetchParticipant(a, req)
		case http.MethodPost:
			return s.updateParticipant(a, req)
		default:
			return s.deleteParticipant(a, req)
		}
	case routeRecordings:
		return s.listRecordings(a, req)
	case routeRecording:
		switch req.method {
		case http.MethodGet:
			return s.fetchRecording(a, req)
		case http.MethodPost:
			return s.updateRecording(a, req)
		default:
			return s.deleteRecording(a, req)
		}
	}
	return 0, nil, notFound(req.path)
}

// ErrNotFound is returned by the direct-manipulation methods for an account,
// conference or participant that does not exist.
var ErrNotFound = errors.New("not found")
