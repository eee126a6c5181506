package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// MaxBody is the largest request body the receiver reads; a bigger one is
// refused with 413. Twilio's callbacks are a few hundred bytes.
const MaxBody = 64 << 10

// DefaultTracked is how many conferences' SequenceNumbers are remembered
// when Config leaves MaxTracked zero; past it the least recently heard from
// is forgotten.
const DefaultTracked = 4096

// Config configures a Receiver.
type Config struct {
	// AccountSID is the account whose callbacks are accepted; any other
	// AccountSid is refused.
	AccountSID string
	// AuthToken validates X-Twilio-Signature. An API key cannot: Twilio
	// signs with the account's auth token.
	AuthToken string
	// URL is the public URL Twilio posts to (what the conference's
	// statusCallback names). Behind a proxy or tunnel it differs from the
	// address the receiver listens on, and signatures are computed over it:
	// each request is checked against this URL's scheme and host followed
	// by the request's own path and query.
	URL string
	// Logger receives one line per refused or ignored request; nil logs
	// nothing.
	Logger *slog.Logger
	// QueueSize bounds the events waiting for the consumer (default
	// DefaultQueueSize); MaxTracked the conferences whose order is tracked
	// (default DefaultTracked).
	QueueSize  int
	MaxTracked int
	// Forwarder, when set, gets a copy of every accepted event's parameters.
	Forwarder *Forwarder
	// Say configures typed announcements (see Receiver.Announce).
	Say SayConfig
}

// Receiver is the http.Handler Twilio's status callbacks are sent to. It
// answers at once; events reach the Consumer from Run.
type Receiver struct {
	cfg      Config
	base     *url.URL // cfg.URL parsed
	basePath string   // base.Path without a trailing slash
	log      *slog.Logger
	consumer Consumer
	q        *queue
	seq      *sequencer
	say      *announcements

	mu    sync.Mutex
	stats Stats
}

// Stats counts what a Receiver did with the requests it got.
type Stats struct {
	Accepted  int // events queued for the consumer
	Ignored   int // duplicates and older SequenceNumbers
	Refused   int // 403, 405, 413, 400, 404 answers
	Coalesced int // events replaced by a newer one for the same participant
	Dropped   int // events dropped because the queue was full (a gap was reported)
	PeakQueue int // the most events that ever waited at once
	Gaps      int // SequenceNumber gaps seen
}

// New returns a receiver that hands events to consumer once Run is called.
func New(cfg Config, consumer Consumer) (*Receiver, error) {
	if cfg.AuthToken == "" {
		return nil, errors.New("webhook receiver: the auth token is empty; only the account's auth token can check Twilio's signatures")
	}
	if cfg.AccountSID == "" {
		return nil, errors.New("webhook receiver: the account SID is empty")
	}
	if consumer == nil {
		return nil, errors.New("webhook receiver: no consumer for the events")
	}
	base, err := checkPublicURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("webhook receiver: %w", err)
	}
	say, err := newAnnouncements(cfg.Say)
	if err != nil {
		return nil, fmt.Errorf("webhook receiver: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Receiver{
		cfg:      cfg,
		base:     base,
		basePath: strings.TrimSuffix(base.Path, "/"),
		log:      log,
		consumer: consumer,
		q:        newQueue(cfg.QueueSize),
		seq:      newSequencer(cfg.MaxTracked),
		say:      say,
	}, nil
}

// Run delivers accepted events to the consumer until ctx ends. Call it once.
func (rc *Receiver) Run(ctx context.Context) {
	rc.q.run(ctx, rc.consumer)
}

// Stats returns the counts so far.
func (rc *Receiver) Stats() Stats {
	rc.mu.Lock()
	s := rc.stats
	rc.mu.Unlock()
	rc.q.mu.Lock()
	s.Coalesced, s.Dropped, s.PeakQueue = rc.q.merged, rc.q.dropped, rc.q.peak
	rc.q.mu.Unlock()
	return s
}

func (rc *Receiver) count(f func(*Stats)) {
	rc.mu.Lock()
	f(&rc.stats)
	rc.mu.Unlock()
}

// refuse answers status with a short reason, logs it, and changes nothing.
func (rc *Receiver) refuse(w http.ResponseWriter, r *http.Request, status int, reason string) {
	rc.count(func(s *Stats) { s.Refused++ })
	rc.log.Warn("webhook request refused", "status", status, "reason", reason,
		"method", r.Method, "path", r.URL.Path, "remote", r.RemoteAddr)
	http.Error(w, reason, status)
}

// ServeHTTP checks one request and, for a status callback, queues its event.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST")
		rc.refuse(w, r, http.StatusMethodNotAllowed, "method "+clip(r.Method)+" is not allowed; Twilio sends GET or POST")
		return
	}
	announce := ""
	switch p := r.URL.Path; {
	case p == rc.basePath || p == rc.basePath+"/" || (rc.basePath == "" && p == "/"):
	case strings.HasPrefix(p, rc.basePath+announcePrefix):
		announce = strings.TrimPrefix(p, rc.basePath+announcePrefix)
	default:
		rc.refuse(w, r, http.StatusNotFound, "no webhook here; status callbacks go to "+rc.base.Path)
		return
	}
	if r.ContentLength > MaxBody {
		rc.refuse(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("body is over %d bytes", MaxBody))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			rc.refuse(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("body is over %d bytes", MaxBody))
			return
		}
		rc.refuse(w, r, http.StatusBadRequest, "could not read the body")
		return
	}
	full := rc.fullURL(r)
	params, signed, err := requestParams(r, body)
	if err != nil {
		rc.refuse(w, r, http.StatusBadRequest, err.Error())
		return
	}
	sig := r.Header.Get("X-Twilio-Signature")
	if sig == "" {
		rc.refuse(w, r, http.StatusForbidden, "X-Twilio-Signature is missing")
		return
	}
	if !ValidSignature(rc.cfg.AuthToken, full, signed, sig) || !bodyHashMatches(r.URL, body) {
		rc.refuse(w, r, http.StatusForbidden, "X-Twilio-Signature does not match this URL and body")
		return
	}
	if a := params.Get("AccountSid"); a != rc.cfg.AccountSID && (announce == "" || a != "") {
		rc.refuse(w, r, http.StatusForbidden, "AccountSid "+clip(a)+" is not this console's account")
		return
	}
	if announce != "" {
		rc.serveAnnouncement(w, r, announce)
		return
	}
	e, err := parseEvent(params)
	if err != nil {
		rc.refuse(w, r, http.StatusBadRequest, err.Error())
		return
	}
	rc.accept(e)
	w.WriteHeader(http.StatusNoContent)
}

// accept orders e against what its conference already sent and queues it.
func (rc *Receiver) accept(e Event) {
	key := e.ConferenceSID
	if key == "" {
		key = "call:" + e.CallSID
	}
	verdict := rc.seq.check(key, e.Sequence)
	switch verdict {
	case stale:
		rc.count(func(s *Stats) { s.Ignored++ })
		rc.log.Info("webhook event ignored: duplicate or older than one already applied",
			"conference", e.ConferenceSID, "call", e.CallSID, "event", e.Name, "sequence", e.Sequence)
		return
	case gapped:
		rc.count(func(s *Stats) { s.Gaps++ })
		rc.q.gap(e.ConferenceSID)
	}
	rc.count(func(s *Stats) { s.Accepted++ })
	if !rc.q.push(e) {
		rc.log.Warn("webhook queue full: event dropped, its conference will be polled",
			"conference", e.ConferenceSID, "event", e.Name)
	}
	if rc.cfg.Forwarder != nil {
		rc.cfg.Forwarder.Forward(e.Params)
	}
}

// fullURL is the URL Twilio signed: the public URL's scheme and host and the
// request's own path and query, byte for byte as sent.
func (rc *Receiver) fullURL(r *http.Request) string {
	uri := r.RequestURI
	if uri == "" || !strings.HasPrefix(uri, "/") {
		uri = r.URL.RequestURI()
	}
	return rc.base.Scheme + "://" + rc.base.Host + uri
}

// requestParams returns the callback's parameters and those the signature
// covers: a form POST's body parameters (for both); a GET's query (the
// signature then covers the URL alone); any other POST body, nothing.
func requestParams(r *http.Request, body []byte) (params, signed url.Values, err error) {
	if r.Method == http.MethodGet {
		return r.URL.Query(), nil, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return url.Values{}, nil, nil
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, nil, fmt.Errorf("body is not a valid form: %v", err)
	}
	return v, v, nil
}

// checkPublicURL parses the URL Twilio posts to.
func checkPublicURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("the public webhook URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("webhook URL %q does not parse: %v", clip(raw), err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("webhook URL %q must be an absolute http:// or https:// URL", clip(raw))
	}
	if u.User != nil {
		return nil, fmt.Errorf("webhook URL %q must not hold a user name or password", redact(u))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("webhook URL %q must not have a query or fragment", clip(raw))
	}
	return u, nil
}

// redact drops credentials and the query from a URL for messages.
func redact(u *url.URL) string {
	c := *u
	c.User, c.RawQuery = nil, ""
	return c.String()
}

// verdict is how an event's SequenceNumber compares with its conference's.
type verdict int

const (
	inOrder verdict = iota
	gapped          // later than the next expected: something was missed
	stale           // a duplicate or older than one applied
)

// sequencer remembers the last SequenceNumber applied per conference, for a
// bounded number of conferences.
type sequencer struct {
	mu    sync.Mutex
	max   int
	tick  uint64
	confs map[string]*seqState
}

type seqState struct {
	last    int
	touched uint64
}

func newSequencer(max int) *sequencer {
	if max <= 0 {
		max = DefaultTracked
	}
	return &sequencer{max: max, confs: make(map[string]*seqState)}
}

// check records n for key and says how it relates to what came before. The
// first event heard from a conference is a gap unless it is number 1, since
// the receiver started after the conference did.
func (s *sequencer) check(key string, n int) verdict {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tick++
	st, ok := s.confs[key]
	if !ok {
		if len(s.confs) >= s.max {
			s.evictLocked()
		}
		s.confs[key] = &seqState{last: n, touched: s.tick}
		if n > 1 {
			return gapped
		}
		return inOrder
	}
	if n <= st.last {
		return stale
	}
	v := inOrder
	if n > st.last+1 {
		v = gapped
	}
	st.last, st.touched = n, s.tick
	return v
}

// evictLocked forgets the conference heard from least recently.
func (s *sequencer) evictLocked() {
	oldest, key := ^uint64(0), ""
	for k, st := range s.confs {
		if st.touched < oldest {
			oldest, key = st.touched, k
		}
	}
	delete(s.confs, key)
}
