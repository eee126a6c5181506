package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults for ForwarderConfig's zero fields.
const (
	DefaultForwardQueue   = 1024
	DefaultForwardRetries = 3
	DefaultForwardBackoff = 500 * time.Millisecond
	forwardTimeout        = 10 * time.Second
)

// ForwarderConfig configures a Forwarder.
type ForwarderConfig struct {
	URL       string // where each event is re-sent (--webhook-forward)
	AuthToken string // signs the copy for URL, as Twilio would have
	Client    *http.Client
	Logger    *slog.Logger
	QueueSize int           // events waiting to be sent (default DefaultForwardQueue); past it new ones are dropped
	Retries   int           // further attempts after a failed one (default DefaultForwardRetries; negative: none)
	Backoff   time.Duration // wait before the first retry, doubled each time (default DefaultForwardBackoff)
}

// Forwarder re-sends received events to another URL, for accounts whose
// statusCallback already pointed at their own application. Each copy is a
// form POST of the same parameters with an X-Twilio-Signature computed for
// the forward URL with the same auth token, so the application validates it
// as it validates Twilio. Sending happens in Run, one copy at a time in the
// order received; Forward never waits.
type Forwarder struct {
	cfg     ForwarderConfig
	log     *slog.Logger
	pending chan url.Values

	mu      sync.Mutex
	sent    int
	failed  int
	dropped int
}

// NewForwarder checks cfg and returns a Forwarder; start it with Run.
func NewForwarder(cfg ForwarderConfig) (*Forwarder, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook forward URL %q must be an absolute http:// or https:// URL", clip(cfg.URL))
	}
	if cfg.AuthToken == "" {
		return nil, errors.New("webhook forwarder: the auth token is empty; copies are signed with it")
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: forwardTimeout}
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = DefaultForwardQueue
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	} else if cfg.Retries == 0 {
		cfg.Retries = DefaultForwardRetries
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultForwardBackoff
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Forwarder{cfg: cfg, log: log, pending: make(chan url.Values, cfg.QueueSize)}, nil
}

// Forward queues a copy of params to be sent. It never blocks: when the
// queue is full the copy is dropped and logged.
func (f *Forwarder) Forward(params url.Values) {
	select {
	case f.pending <- params:
	default:
		f.mu.Lock()
		f.dropped++
		f.mu.Unlock()
		f.log.Warn("webhook forward queue full: event not forwarded",
			"event", params.Get("StatusCallbackEvent"), "sequence", params.Get("SequenceNumber"))
	}
}

// ForwardStats counts what a Forwarder did.
type ForwardStats struct{ Sent, Failed, Dropped int }

// Stats returns the counts so far.
func (f *Forwarder) Stats() ForwardStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return ForwardStats{Sent: f.sent, Failed: f.failed, Dropped: f.dropped}
}

// Run sends queued copies until ctx ends.
func (f *Forwarder) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-f.pending:
			err := f.send(ctx, p)
			f.mu.Lock()
			if err != nil {
				f.failed++
			} else {
				f.sent++
			}
			f.mu.Unlock()
			if err != nil && ctx.Err() == nil {
				f.log.Warn("webhook forward failed", "to", redactString(f.cfg.URL), "err", err,
					"event", p.Get("StatusCallbackEvent"), "sequence", p.Get("SequenceNumber"))
			}
		}
	}
}

// send posts one copy, retrying a network error, 429 or 5xx up to
// Retries more times with doubling waits.
func (f *Forwarder) send(ctx context.Context, p url.Values) error {
	body := p.Encode()
	sig := Signature(f.cfg.AuthToken, f.cfg.URL, p)
	wait := f.cfg.Backoff
	var err error
	for attempt := 0; attempt <= f.cfg.Retries; attempt++ {
		if attempt > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
			wait *= 2
		}
		var retry bool
		retry, err = f.attempt(ctx, body, sig)
		if err == nil || !retry {
			return err
		}
	}
	return fmt.Errorf("gave up after %d attempts: %w", f.cfg.Retries+1, err)
}

func (f *Forwarder) attempt(ctx context.Context, body, sig string) (retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, forwardTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.cfg.URL, strings.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("build forward request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sig)
	resp, err := f.cfg.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, whose query may hold secrets
		}
		return true, fmt.Errorf("forward: %w", err)
	}
	resp.Body.Close()
	switch {
	case resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return true, fmt.Errorf("forward target answered %s", resp.Status)
	default:
		return false, fmt.Errorf("forward target answered %s", resp.Status)
	}
}

// redactString drops credentials and the query from a URL for the log.
func redactString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return redact(u)
}
