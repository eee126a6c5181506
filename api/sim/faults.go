package sim

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind is a way a request can go wrong between a client and Twilio.
type FaultKind int

// The faults the simulator can inject. "Processed" means the request still
// changes the simulated world, as when Twilio acted but the reply was lost.
const (
	FaultLatency         FaultKind = iota + 1 // only the Fault's Latency; the request is served normally
	FaultTooManyRequests                      // 429, code 20429; not processed; Retry-After when RetryAfter > 0
	FaultInternalError                        // 500, code 20500; not processed
	FaultUnavailable                          // 503, code 20503; not processed; Retry-After when RetryAfter > 0
	FaultTruncatedJSON                        // processed; the real status, then only the first half of the body
	FaultHTMLError                            // 502 with an HTML page, as a proxy in the way sends; not processed
	FaultEmptyBody                            // processed; the real status with an empty body
	FaultDropConnection                       // the connection is closed with no answer; not processed (a writer that cannot be hijacked is aborted with http.ErrAbortHandler)
	FaultGatewayTimeout                       // processed; then a gateway's 504 HTML page in place of the reply, as when it gives up waiting on Twilio
)

// String returns the name ParseFault accepts for k.
func (k FaultKind) String() string {
	switch k {
	case FaultLatency:
		return "latency"
	case FaultTooManyRequests:
		return "429"
	case FaultInternalError:
		return "500"
	case FaultUnavailable:
		return "503"
	case FaultTruncatedJSON:
		return "truncated"
	case FaultHTMLError:
		return "html"
	case FaultEmptyBody:
		return "empty"
	case FaultDropConnection:
		return "drop"
	case FaultGatewayTimeout:
		return "504"
	}
	return "fault(" + strconv.Itoa(int(k)) + ")"
}

// Fault describes requests that go wrong. A Fault matches requests whose
// method is Method (any when empty) and whose path starts with PathPrefix
// (any when empty).
type Fault struct {
	Kind       FaultKind
	Count      int           // how many matching requests get it; 0 means 1
	Every      int           // when > 0, every Every-th matching request gets it, indefinitely (Count is ignored)
	Method     string        // e.g. "POST"; empty matches any
	PathPrefix string        // e.g. "/2010-04-01/Accounts/AC.../Conferences/"; empty matches any
	RetryAfter time.Duration // sent as Retry-After (whole seconds, rounded up) on 429 and 503
	Latency    time.Duration // extra delay before the matching request is answered
}

// faultSet holds the injected faults; it has its own lock so faults can be
// changed while requests are in flight.
type faultSet struct {
	mu      sync.Mutex
	queue   []*pendingFault
	latency time.Duration
}

type pendingFault struct {
	f         Fault
	remaining int
	seen      int
}

// InjectFault queues f: the next matching requests (Count of them, or every
// Every-th one) get it. Faults are consulted in the order they were injected
// and a request gets at most one.
func (s *Server) InjectFault(f Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	n := f.Count
	if n <= 0 {
		n = 1
	}
	s.faults.queue = append(s.faults.queue, &pendingFault{f: f, remaining: n})
}

// SetLatency delays every request by d (zero turns the steady latency off).
func (s *Server) SetLatency(d time.Duration) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.latency = d
}

// ClearFaults drops every queued fault and the steady latency.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.queue = nil
	s.faults.latency = 0
}

// PendingFaults reports how many one-off fault requests are still to come
// (faults with Every set are not counted: they never run out).
func (s *Server) PendingFaults() int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	n := 0
	for _, p := range s.faults.queue {
		if p.f.Every <= 0 {
			n += p.remaining
		}
	}
	return n
}

func (fs *faultSet) steadyLatency() time.Duration {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.latency
}

// take returns the fault this request gets, if any, and uses it up.
func (fs *faultSet) take(method, path string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, p := range fs.queue {
		if p.f.Method != "" && !strings.EqualFold(p.f.Method, method) {
			continue
		}
		if !strings.HasPrefix(path, p.f.PathPrefix) {
			continue
		}
		if p.f.Every > 0 {
			p.seen++
			if p.seen%p.f.Every != 0 {
				continue
			}
			return p.f, true
		}
		p.remaining--
		if p.remaining <= 0 {
			fs.queue = append(fs.queue[:i], fs.queue[i+1:]...)
		}
		return p.f, true
	}
	return Fault{}, false
}

const htmlErrorPage = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><h1>502 Bad Gateway</h1><p>The server returned an invalid or incomplete response.</p></body></html>
`

const gatewayTimeoutPage = `<!DOCTYPE html>
<html><head><title>504 Gateway Time-out</title></head>
<body><h1>504 Gateway Time-out</h1><p>The upstream server did not answer in time.</p></body></html>
`

// applyFault answers r as f says. It reports false when the request should
// still be served normally (a latency-only fault).
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	switch f.Kind {
	case FaultTooManyRequests:
		setRetryAfter(w, f.RetryAfter)
		writeError(w, &apiError{status: http.StatusTooManyRequests, code: CodeTooManyRequests, message: "Too Many Requests"})
	case FaultInternalError:
		writeError(w, &apiError{status: http.StatusInternalServerError, code: CodeInternalError, message: "Internal Server Error"})
	case FaultUnavailable:
		setRetryAfter(w, f.RetryAfter)
		writeError(w, &apiError{status: http.StatusServiceUnavailable, code: CodeServiceUnavailable, message: "Service Unavailable"})
	case FaultHTMLError:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(htmlErrorPage))
	case FaultGatewayTimeout:
		s.serve(newBufferWriter(), r) // Twilio acts; its reply never comes back
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusGatewayTimeout)
		_, _ = w.Write([]byte(gatewayTimeoutPage))
	case FaultTruncatedJSON, FaultEmptyBody:
		buf := newBufferWriter()
		s.serve(buf, r)
		for k, v := range buf.header {
			w.Header()[k] = v
		}
		// The body ends cleanly where it is cut: the client reads a reply
		// that is not the JSON it expects, not a broken connection.
		w.Header().Del("Content-Length")
		w.WriteHeader(buf.status)
		if f.Kind == FaultTruncatedJSON {
			body := buf.body.Bytes()
			_, _ = w.Write(body[:len(body)/2])
		}
	case FaultDropConnection:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			// No connection to hijack (HTTP/2 or a recorder): abort the
			// handler, which net/http turns into a reset stream or closed
			// connection without logging.
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close()
	default:
		return false
	}
	return true
}

func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	if d > 0 {
		w.Header().Set(headerRetryAfter, strconv.Itoa(int(math.Ceil(d.Seconds()))))
	}
}

// bufferWriter captures a response so a fault can mangle it.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferWriter() *bufferWriter { return &bufferWriter{header: make(http.Header)} }

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// ParseFault reads a fault from its command-line spelling:
//
//	KIND[xN][,every=N][,method=M][,path=PREFIX][,retry-after=D][,latency=D]
//
// where KIND is one of latency, 429, 500, 503, 504, truncated, html, empty, drop;
// xN applies it to the next N matching requests and every=N to every N-th
// one. Examples: "429x3,retry-after=2s", "503,every=10",
// "drop,method=POST", "latency,latency=2s,x5".
func ParseFault(spec string) (Fault, error) {
	parts := strings.Split(spec, ",")
	head := strings.TrimSpace(parts[0])
	var f Fault
	kindName, count, hasCount := strings.Cut(head, "x")
	for k := FaultLatency; k <= FaultGatewayTimeout; k++ {
		if k.String() == kindName {
			f.Kind = k
		}
	}
	if f.Kind == 0 {
		return Fault{}, fmt.Errorf("parse fault %q: unknown kind %q (want latency, 429, 500, 503, 504, truncated, html, empty or drop)", spec, kindName)
	}
	// The count may follow the kind ("429x3") or stand alone ("latency,x5").
	readCount := func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return fmt.Errorf("parse fault %q: count after 'x' must be a positive whole number, got %q", spec, s)
		}
		f.Count = n
		return nil
	}
	if hasCount {
		if err := readCount(count); err != nil {
			return Fault{}, err
		}
	}
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		if n, ok := strings.CutPrefix(p, "x"); ok && !strings.Contains(p, "=") {
			if err := readCount(n); err != nil {
				return Fault{}, err
			}
			continue
		}
		key, val, ok := strings.Cut(p, "=")
		if !ok {
			return Fault{}, fmt.Errorf("parse fault %q: %q is not key=value", spec, p)
		}
		var err error
		switch key {
		case "every":
			f.Every, err = strconv.Atoi(val)
			if err == nil && f.Every < 1 {
				err = errors.New("must be at least 1")
			}
		case "method":
			f.Method = strings.ToUpper(val)
		case "path":
			f.PathPrefix = val
		case "retry-after":
			f.RetryAfter, err = time.ParseDuration(val)
		case "latency":
			f.Latency, err = time.ParseDuration(val)
		default:
			err = errors.New("unknown key (want every, method, path, retry-after or latency)")
		}
		if err != nil {
			return Fault{}, fmt.Errorf("parse fault %q: %s: %v", spec, key, err)
		}
	}
	return f, nil
}
