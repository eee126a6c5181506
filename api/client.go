// Package api is confconsole's client for Twilio's Conference and Participant
// resources (REST API 2010-04-01). It speaks Twilio's wire names, paging and
// errors, and returns model values.
//
// Configuration comes from a Config, usually built by ConfigFromEnv from the
// variables Twilio's own tools read (TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN,
// or TWILIO_API_KEY and TWILIO_API_SECRET; TWILIO_REGION, TWILIO_EDGE) plus
// CONFCONSOLE_BASE_URL for a Twilio-compatible server such as api/sim.
//
// Every operation returns an *Error on failure, which names the operation and
// its target and matches ErrNotFound, ErrUnauthorized, ErrForbidden and
// ErrRateLimited with errors.Is. Reads are retried on 429, 5xx and transport
// failures; writes only on 429, so an action is never sent twice. Secrets
// never appear in errors, logs or formatted values.
package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
)

// apiVersion is the first path segment of every Twilio 2010 REST URL.
const apiVersion = "/2010-04-01"

// Client calls Twilio. It is safe for concurrent use: nothing in it changes
// after New but the cache of list pages, which has its own lock.
type Client struct {
	base    *url.URL
	account string
	authBy  string // which credential, without the secret: for String
	creds   func() credentials
	hc      *http.Client
	ua      string
	maxBody int64
	retry   RetryPolicy
	logf    func(format string, args ...any)
	pages   *pageCache

	// Seams for tests, so retries run without real sleeping or randomness.
	sleep func(ctx context.Context, d time.Duration) error
	rand  func() float64
	now   func() time.Time
}

// credentials are kept inside a closure: if a Client value is ever printed by
// reflection (inside someone's struct, with any verb), fmt shows a function
// address. A pointer is not enough: a bad verb such as %s prints what it
// points to.
type credentials struct {
	header  string   // the Authorization header value
	secrets []string // every form of the secrets, for redaction
}

// New checks cfg and returns a client. It does no I/O: a wrong token shows up
// on the first call as ErrUnauthorized.
func New(cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	base, _ := cfg.baseURL() // validate checked it
	user, secret := cfg.AccountSID, cfg.AuthToken
	if cfg.APIKey != "" {
		user, secret = cfg.APIKey, cfg.APISecret
	}
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultHTTPClient()
	}
	version := cfg.Version
	if version == "" {
		version = "dev"
	}
	maxBody := cfg.MaxBodyBytes
	if maxBody == 0 {
		maxBody = DefaultMaxBodyBytes
	}
	return &Client{
		base:    base,
		account: cfg.AccountSID,
		authBy:  cfg.authName(),
		creds: func() credentials {
			return credentials{
				header:  "Basic " + basic,
				secrets: nonEmpty(secret, basic, cfg.AuthToken, cfg.APISecret),
			}
		},
		hc:      hc,
		ua:      "confconsole/" + version,
		maxBody: maxBody,
		retry:   cfg.Retry.withDefaults(),
		logf:    cfg.Logf,
		pages:   &pageCache{},
		sleep:   sleepCtx,
		rand:    rand.Float64,
		now:     time.Now,
	}, nil
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// DefaultHTTPClient is the HTTP client New uses when Config.HTTPClient is
// nil, a new one each call: for a caller that wraps its Transport (the live
// state's gate) and keeps the rest.
func DefaultHTTPClient() *http.Client { return defaultHTTPClient() }

// defaultHTTPClient bounds each attempt and refuses redirects: a redirect
// would either drop the credentials or carry them to another host, and
// Twilio does not redirect its REST API.
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = DefaultRequestTimeout
	t.MaxIdleConnsPerHost = 4
	return &http.Client{
		Transport: t,
		Timeout:   DefaultRequestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// AccountSID is the account the client acts on.
func (c *Client) AccountSID() string {
	if c == nil {
		return ""
	}
	return c.account
}

// BaseURL is where the client sends requests (regional host or override).
func (c *Client) BaseURL() string {
	if c == nil || c.base == nil {
		return ""
	}
	return c.base.String()
}

// String describes the client without its secrets.
func (c *Client) String() string {
	if c == nil {
		return "api.Client(nil)"
	}
	return fmt.Sprintf("api.Client{base:%s account:%s auth:%s}", c.BaseURL(), c.account, c.authBy)
}

// Format sends every fmt verb through String, so %+v and %#v cannot print
// the credentials.
func (c *Client) Format(f fmt.State, verb rune) { fmt.Fprint(f, c.String()) }

// ResponseInfo tells an audit log what happened on the wire for one call.
// Pass it in with WithResponseInfo; the client fills it as the call goes, and
// it is complete when the call returns (whether or not it failed).
type ResponseInfo struct {
	Operation Operation
	// RequestID is Twilio's Twilio-Request-Id header of the last response.
	RequestID string
	// Status is the HTTP status of the last response; 0 if none arrived.
	Status int
	// Attempts counts the HTTP requests sent: retries and pages included.
	Attempts int
	// Pages counts the pages read by a list operation.
	Pages int
}

type infoKey struct{}

// WithResponseInfo returns a context that makes the next client call on it
// record its request id, status and attempt count into info. Use a fresh
// info (and context) per call: the client does not lock it.
func WithResponseInfo(ctx context.Context, info *ResponseInfo) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// call is one operation in flight: it carries what every error needs.
type call struct {
	c      *Client
	ctx    context.Context
	op     Operation
	target string
	info   *ResponseInfo
	tries  int           // HTTP requests sent, all pages included
	waited time.Duration // retry sleeps so far, against RetryPolicy.MaxWait
	// status and requestID are those of the last response (0 and "" after
	// a transport failure).
	status    int
	requestID string
	secrets   []string // extra per-call secrets (a SIP password)
}

func (c *Client) begin(ctx context.Context, op Operation, target string) (*call, error) {
	cl := &call{c: c, ctx: ctx, op: op, target: target}
	if ctx == nil {
		return cl, cl.fail(fmt.Errorf("%w: nil context", ErrInvalidArgument))
	}
	if info, ok := ctx.Value(infoKey{}).(*ResponseInfo); ok && info != nil {
		*info = ResponseInfo{Operation: op}
		cl.info = info
	}
	if c == nil || c.creds == nil {
		return cl, cl.fail(fmt.Errorf("%w: the client was not made with api.New", ErrConfig))
	}
	return cl, nil
}

// fail wraps a cause that arose outside any HTTP response.
func (cl *call) fail(err error) *Error {
	return &Error{Op: cl.op, Target: cl.target, Attempts: cl.tries, Err: err}
}

func (cl *call) logf(format string, args ...any) {
	if cl.c.logf != nil {
		cl.c.logf(redact(fmt.Sprintf(format, args...), cl.allSecrets()))
	}
}

func (cl *call) allSecrets() []string {
	if cl.c == nil || cl.c.creds == nil {
		return cl.secrets
	}
	return append(cl.c.creds().secrets, cl.secrets...)
}

// urlFor resolves an escaped path-and-query (a path this package built, or a
// next_page_uri from Twilio) against the base URL. Twilio's URIs are
// relative to its host; a base URL with a path prefix keeps the prefix.
func (cl *call) urlFor(pathAndQuery string) (*url.URL, error) {
	if !strings.HasPrefix(pathAndQuery, "/") || strings.HasPrefix(pathAndQuery, "//") {
		// An absolute URL could send our credentials to another host.
		return nil, fmt.Errorf("%w: page URI %q is not a path on the same server", ErrBadResponse, sanitize(pathAndQuery, 80))
	}
	u, err := url.Parse(cl.c.base.String() + pathAndQuery)
	if err != nil || u.Host != cl.c.base.Host {
		return nil, fmt.Errorf("%w: page URI %q is not a valid path", ErrBadResponse, sanitize(pathAndQuery, 80))
	}
	return u, nil
}

// do sends one request with the retry policy and decodes a 2xx body into out
// (nil to ignore the body). form is sent as the body of POSTs.
func (cl *call) do(method, pathAndQuery string, form url.Values, out any) error {
	u, err := cl.urlFor(pathAndQuery)
	if err != nil {
		return cl.fail(err)
	}
	var body string
	if form != nil {
		body = form.Encode()
	}
	pol := cl.c.retry
	for n := 0; ; n++ {
		last := func() bool { return n+1 >= pol.MaxAttempts || cl.ctx.Err() != nil }
		resp, err := cl.send(method, u, body, form != nil)
		if err != nil {
			e := cl.fail(err)
			if last() || method != http.MethodGet {
				return e // a write that may have arrived is never repeated
			}
			if stop := cl.wait(e, pol.backoff(n, cl.c.rand)); stop != nil {
				return stop
			}
			continue
		}
		e := cl.handle(resp, out)
		if e == nil {
			return nil
		}
		var d time.Duration
		switch {
		case last():
			return e
		case e.Status == 0 && method == http.MethodGet && !errors.Is(e, ErrBadResponse):
			// The connection broke while the body was read: a read is safe
			// to repeat.
			d = pol.backoff(n, cl.c.rand)
		case e.Status != 0 && retryable(method, e.Status):
			var ok bool
			if d, ok = parseRetryAfter(resp.Header.Get("Retry-After"), cl.c.now()); !ok {
				d = pol.backoff(n, cl.c.rand)
			}
		default:
			return e
		}
		if stop := cl.wait(e, d); stop != nil {
			return stop
		}
	}
}

// wait sleeps d before a retry, unless that would break the time budget or
// the context's deadline; then (or if the context ends while sleeping) it
// returns the error to give up with.
func (cl *call) wait(last *Error, d time.Duration) *Error {
	if cl.waited+d > cl.c.retry.MaxWait {
		cl.logf("%s: giving up after %d attempts: a wait of %s would pass the %s retry budget", cl.op, cl.tries, d, cl.c.retry.MaxWait)
		return last
	}
	if dl, ok := cl.ctx.Deadline(); ok && cl.c.now().Add(d).After(dl) {
		cl.logf("%s: giving up after %d attempts: a wait of %s would pass the deadline", cl.op, cl.tries, d)
		return last
	}
	cl.logf("%s: attempt %d failed (%s); retrying in %s", cl.op, cl.tries, statusWord(last.Status), d.Round(time.Millisecond))
	if err := cl.c.sleep(cl.ctx, d); err != nil {
		if last.Err == nil {
			last.Err = err
		} else {
			last.Err = fmt.Errorf("%w; gave up waiting to retry: %w", last.Err, err)
		}
		return last
	}
	cl.waited += d
	return nil
}

func statusWord(status int) string {
	if status == 0 {
		return "no response"
	}
	return fmt.Sprintf("HTTP %d", status)
}

// send makes one HTTP attempt. A transport error comes back as err; the
// caller owns resp.Body otherwise.
func (cl *call) send(method string, u *url.URL, body string, isForm bool) (*http.Response, error) {
	var rdr io.Reader
	if isForm {
		rdr = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(cl.ctx, method, u.String(), rdr)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", cl.c.creds().header)
	req.Header.Set("User-Agent", cl.c.ua)
	req.Header.Set("Accept", "application/json")
	if isForm {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	cl.tries++
	if cl.info != nil {
		cl.info.Attempts = cl.tries
	}
	resp, err := cl.c.hc.Do(req)
	if err != nil {
		cl.logf("%s %s: attempt %d: %v", method, u.EscapedPath(), cl.tries, err)
		cl.lastResponse(0, "")
		return nil, err
	}
	cl.lastResponse(resp.StatusCode, sanitize(resp.Header.Get("Twilio-Request-Id"), 64))
	cl.logf("%s %s: attempt %d: HTTP %d request %s", method, u.EscapedPath(), cl.tries, resp.StatusCode, cl.requestID)
	return resp, nil
}

// lastResponse records the status and request id of the latest attempt (0
// and "" when none arrived) for errors and for the caller's ResponseInfo.
func (cl *call) lastResponse(status int, requestID string) {
	cl.status, cl.requestID = status, requestID
	if cl.info != nil {
		cl.info.Status, cl.info.RequestID = status, requestID
	}
}

// handle reads and closes one response: nil and out filled for a good 2xx,
// otherwise an *Error describing it.
func (cl *call) handle(resp *http.Response, out any) *Error {
	defer resp.Body.Close()
	e := &Error{
		Op: cl.op, Target: cl.target, Status: resp.StatusCode, Attempts: cl.tries,
		RequestID: sanitize(resp.Header.Get("Twilio-Request-Id"), 64),
	}
	e.retryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), cl.c.now())
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	limit := cl.c.maxBody
	if !ok && limit > 64<<10 {
		limit = 64 << 10 // an error document is small; keep only what a snippet needs
	}
	data, tooLarge, err := readLimited(resp, limit, ok, cl.c.pages.buffer())
	kept := false // the page cache took data; otherwise it is free again after this call
	defer func() {
		if !kept {
			cl.c.pages.release(data)
		}
	}()
	switch {
	case err != nil && ok:
		// The status arrived but the body broke off: report it as a
		// transport failure (Status 0) so a read may be retried.
		e.Status, e.Err = 0, fmt.Errorf("reading the HTTP %d response: %w", resp.StatusCode, err)
		return e
	case tooLarge && ok:
		e.Err = fmt.Errorf("%w: %w: the body is larger than %d bytes", ErrBadResponse, ErrResponseTooLarge, limit)
		return e
	case !ok:
		cl.describeFailure(e, data)
		return e
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if d, ok := out.(bodyDecoder); ok {
		kept, err = d.decodeBody(resp.Header.Get("Content-Type"), data, cl.allSecrets())
	} else {
		err = decodeJSON(resp.Header.Get("Content-Type"), data, out, cl.allSecrets())
	}
	if err != nil {
		e.Err = err
		return e
	}
	return nil
}

// bodyDecoder is an out value for do that decodes a good reply's body
// itself: a list page, which reuses what the same bytes decoded to last
// time. kept says data now belongs to the page cache; otherwise nothing
// may hold on to it after decodeBody returns.
type bodyDecoder interface {
	decodeBody(contentType string, data []byte, secrets []string) (kept bool, err error)
}

// pageCacheSize bounds the pages remembered: a console polls the
// conference list, one roster and its recordings, one page each.
const pageCacheSize = 8

// pageCache remembers the last few list pages read, by URL: the raw body,
// its content type, and the items and next-page URI it decoded to. A poll
// of an idle conference returns the same bytes every time; comparing them
// costs a small fraction of decoding them again. The items stored are
// never handed out: readers copy them, so nobody can change what the next
// reader gets.
//
// It also lends the buffers bodies are read into, and takes back the ones
// it no longer needs: a poll answered with the same roster then allocates
// nothing large: less garbage for the collector, fewer fresh pages to fault
// in. (Measured on the idle console, this was small beside what Bubble Tea's
// renderer allocates on every frame.)
type pageCache struct {
	mu      sync.Mutex
	entries []pageEntry // oldest first
	free    [][]byte    // read buffers nobody holds, at most maxFreeBuffers
}

// maxFreeBuffers and maxFreeBufferBytes bound what the page cache keeps
// for reuse: a buffer for each read that may be in flight at once, none
// larger than a big page (an unusually large body is left to the GC).
const (
	maxFreeBuffers     = 2
	maxFreeBufferBytes = 2 << 20
)

type pageEntry struct {
	url, contentType string
	body             []byte
	items            any // a []M for the list's model type M
	next             string
}

// get returns the items and next-page URI remembered for url if its last
// body was exactly data with the same content type.
func (pc *pageCache) get(url, contentType string, data []byte) (items any, next string, ok bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	for _, e := range pc.entries {
		if e.url == url {
			if e.contentType == contentType && bytes.Equal(e.body, data) {
				return e.items, e.next, true
			}
			break
		}
	}
	return nil, "", false
}

// put records what url's body decoded to, replacing its last entry and
// dropping the oldest when full. The cache owns e.body from now on.
func (pc *pageCache) put(e pageEntry) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	i := slices.IndexFunc(pc.entries, func(old pageEntry) bool { return old.url == e.url })
	if i < 0 && len(pc.entries) >= pageCacheSize {
		i = 0
	}
	if i >= 0 {
		pc.releaseLocked(pc.entries[i].body)
		pc.entries = slices.Delete(pc.entries, i, i+1)
	}
	pc.entries = append(pc.entries, e)
}

// buffer lends an empty buffer to read a body into (nil when none is free).
func (pc *pageCache) buffer() []byte {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	n := len(pc.free)
	if n == 0 {
		return nil
	}
	b := pc.free[n-1]
	pc.free[n-1] = nil
	pc.free = pc.free[:n-1]
	return b[:0]
}

// release takes back a buffer that nothing holds any more.
func (pc *pageCache) release(b []byte) {
	if cap(b) == 0 || cap(b) > maxFreeBufferBytes {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.releaseLocked(b)
}

func (pc *pageCache) releaseLocked(b []byte) {
	if cap(b) == 0 || cap(b) > maxFreeBufferBytes || len(pc.free) >= maxFreeBuffers {
		return
	}
	pc.free = append(pc.free, b)
}

// readLimited reads at most limit bytes of the body; tooLarge says there was
// more. With refuse, a declared Content-Length over the limit is refused
// without reading (an error page is read in part instead, for its snippet).
// A body of declared length is read into buf when buf is large enough.
func readLimited(resp *http.Response, limit int64, refuse bool, buf []byte) (data []byte, tooLarge bool, err error) {
	if refuse && resp.ContentLength > limit {
		return nil, true, nil
	}
	if resp.ContentLength > 0 && resp.ContentLength <= limit {
		// The size is known: one buffer of it, read in a few large reads,
		// rather than ReadAll's doubling from 512 bytes (a dozen buffers and
		// as many copies for a 250-participant roster, on every poll). One
		// byte more shows a body longer than declared.
		end := int(resp.ContentLength + 1)
		if cap(buf) >= end {
			data = buf[:0]
		} else {
			data = make([]byte, 0, end)
		}
		for {
			n, rerr := resp.Body.Read(data[len(data):end])
			data = data[:len(data)+n]
			if rerr == io.EOF {
				return data, false, nil
			}
			if rerr != nil {
				return data, false, rerr
			}
			if len(data) == end {
				break // longer than declared: let ReadAll find how much
			}
		}
	}
	rest, err := io.ReadAll(io.LimitReader(resp.Body, limit+1-int64(len(data))))
	data = append(data, rest...)
	if int64(len(data)) > limit {
		return data[:limit], true, nil
	}
	return data, false, err
}

// decodeJSON checks the content type and decodes data into out.
func decodeJSON(contentType string, data []byte, out any, secrets []string) error {
	snippet := func(b []byte) string { return scrub(string(b), snippetRunes, secrets) }
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return fmt.Errorf("%w: content type is %q, not JSON: %s", ErrBadResponse,
				sanitize(contentType, 40), snippet(data))
		}
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return fmt.Errorf("%w: the body is empty", ErrBadResponse)
	}
	if trimmed[0] != '{' {
		return fmt.Errorf("%w: the body is not a JSON object: %s", ErrBadResponse, snippet(trimmed))
	}
	if err := json.Unmarshal(data, out); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			// In the reply's own terms, not our Go types': `the
			// "participants" list is a JSON object`.
			return fmt.Errorf("%w: the %q %s is a JSON %s", ErrBadResponse,
				sanitize(te.Field, 80), jsonKind(te.Type), sanitize(te.Value, 40))
		}
		return fmt.Errorf("%w: %s", ErrBadResponse, sanitize(err.Error(), snippetRunes))
	}
	return nil
}

// jsonKind names what a Go type expects in JSON's words.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "list"
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	}
	return "value"
}

// wireError is Twilio's error document.
type wireError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
}

// describeFailure fills e from a non-2xx body: Twilio's error document when
// the body is one, a sanitised snippet otherwise.
func (cl *call) describeFailure(e *Error, data []byte) {
	secrets := cl.allSecrets()
	var w wireError
	if err := json.Unmarshal(data, &w); err == nil && (w.Code != 0 || w.Message != "") {
		e.Code = w.Code
		msg := w.Message
		if w.Detail != "" && w.Detail != w.Message {
			if msg != "" {
				msg += ": "
			}
			msg += w.Detail
		}
		e.Message = scrub(msg, 300, secrets)
		e.MoreInfo = scrub(w.MoreInfo, 200, secrets)
		return
	}
	e.Snippet = scrub(string(data), snippetRunes, secrets)
}
