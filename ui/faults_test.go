package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/live"
	"confconsole/api/sim"
)

// The fault matrix: every way the network, Twilio or a proxy in the way can
// fail, driven through the real client against the simulator (its fault
// injection) or a hand-made handler in front of it, with the console's
// Update loop on top. See TestFaultMatrix.

// faultEnv is the simulator behind a proxy that can answer in its place,
// and a dialer that can refuse or fail to resolve.
type faultEnv struct {
	liveWorld
	proxy *faultProxy
	dial  *dialSwitch
}

// faultProxy answers requests of a method with a fault while one is set,
// and counts the POSTs that reached the server either way.
type faultProxy struct {
	next  http.Handler
	mu    sync.Mutex
	fault map[string]http.HandlerFunc // by method
	posts int
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	f := p.fault[r.Method]
	if r.Method == http.MethodPost {
		p.posts++
	}
	p.mu.Unlock()
	if f != nil {
		f(w, r)
		return
	}
	p.next.ServeHTTP(w, r)
}

func (p *faultProxy) set(method string, f http.HandlerFunc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault[method] = f
}

func (p *faultProxy) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.fault)
}

func (p *faultProxy) postCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.posts
}

// dialSwitch makes new connections fail as a down network does: refused by
// the host, or a name that does not resolve.
type dialSwitch struct {
	mu      sync.Mutex
	mode    string // "", "refused" or "dns"
	refused string // a loopback address nobody listens on
}

func (d *dialSwitch) set(mode string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.mode = mode
}

func (d *dialSwitch) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	mode := d.mode
	d.mu.Unlock()
	var nd net.Dialer
	switch mode {
	case "refused":
		return nd.DialContext(ctx, network, d.refused) // the kernel's real ECONNREFUSED
	case "dns":
		return nil, &net.OpError{Op: "dial", Net: network,
			Err: &net.DNSError{Err: "no such host", Name: "api.twilio.com", IsNotFound: true}}
	}
	return nd.DialContext(ctx, network, addr)
}

// closedAddr is a loopback address with no listener.
func closedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// clientTimeout bounds one HTTP attempt in these tests, so that a hang or a
// trickle costs a fraction of a second rather than the production timeout.
const clientTimeout = 400 * time.Millisecond

func newFaultEnv(t testing.TB) *faultEnv {
	t.Helper()
	clock := sim.NewFakeClock(testNow)
	srv := sim.New(sim.WithClock(clock), sim.WithSeed(13))
	if err := srv.AddAccount(simAccount, simToken); err != nil {
		t.Fatal(err)
	}
	e := &faultEnv{liveWorld: liveWorld{srv: srv, clock: clock}}
	for _, j := range threePeople() {
		p, err := srv.JoinConnected(simAccount, bridge, j)
		if err != nil {
			t.Fatal(err)
		}
		e.conf = p.ConferenceSID
	}
	e.proxy = &faultProxy{next: srv, fault: map[string]http.HandlerFunc{}}
	hs := httptest.NewServer(e.proxy)
	t.Cleanup(hs.Close)
	e.url = hs.URL
	e.dial = &dialSwitch{refused: closedAddr(t)}
	tr := &http.Transport{DialContext: e.dial.DialContext, DisableKeepAlives: true}
	client, err := api.New(api.Config{
		AccountSID: simAccount, AuthToken: simToken, BaseURL: hs.URL,
		HTTPClient: &http.Client{Transport: tr, Timeout: clientTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		// Real retries, quick: reads are retried, writes only on 429; a
		// Retry-After longer than MaxWait ends them.
		Retry: api.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxWait: 500 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.client = client
	return e
}

// Hand-made answers, for what the simulator cannot do.

func answer(status int, ctype, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.Header().Set("Twilio-Request-Id", "RQ"+strings.Repeat("f", 32))
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

func twilioError(status, code int, msg string) http.HandlerFunc {
	return answer(status, "application/json", fmt.Sprintf(`{"code": %d, "message": %q, "more_info": "https://www.twilio.com/docs/errors/%d", "status": %d}`, code, msg, code, status))
}

// processed lets the simulator act on the request, then answers with what
// mangle makes of its reply: Twilio did it, the reply came back broken.
func (e *faultEnv) processed(mangle func(w http.ResponseWriter, status int, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, r)
		mangle(w, rec.Code, rec.Body.Bytes())
	}
}

// hang never answers; the client's timeout ends the request. The body is
// read first: only then does the server notice the client hanging up.
func hang(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	select {
	case <-r.Context().Done():
	case <-time.After(10 * clientTimeout):
	}
}

// trickle answers 200 at once, then a byte every 50ms, forever.
func (e *faultEnv) trickle() http.HandlerFunc {
	return e.processed(func(w http.ResponseWriter, status int, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		rc := http.NewResponseController(w)
		for i := 0; ; i = (i + 1) % len(body) {
			if _, err := w.Write(body[i : i+1]); err != nil {
				return
			}
			if rc.Flush() != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}

// huge answers 200 with a 20 MB JSON body.
func (e *faultEnv) huge() http.HandlerFunc {
	return e.processed(func(w http.ResponseWriter, status int, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		w.Write([]byte(`{"participants": [`))
		for n := 0; n < 20<<20; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Write([]byte(`]}`))
	})
}

// rewriteParticipants edits each participant of a list reply.
func (e *faultEnv) rewriteParticipants(edit func(i int, p map[string]any)) http.HandlerFunc {
	return e.processed(func(w http.ResponseWriter, status int, body []byte) {
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err == nil {
			if ps, ok := doc["participants"].([]any); ok {
				for i, p := range ps {
					if m, ok := p.(map[string]any); ok {
						edit(i, m)
					}
				}
			}
			body, _ = json.Marshal(doc)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	})
}

// faultRow is one line of the matrix.
type faultRow struct {
	name string
	// on makes requests of method fail until off.
	on func(e *faultEnv, method string)
	// Polling under the fault: the words the status line must carry (the
	// cause; the next step is checked for every row). data rows are
	// replies that are odd but usable: the table shows them, not stale.
	poll []string
	data bool
	// An action (mute) under the fault: its outcome, words of the flash,
	// and how many POSTs the server may see (the client retries only 429).
	noAction bool
	outcome  audit.Outcome
	flash    []string
	posts    int
	// applied: the fault let the change through (for an unknown outcome,
	// the polls then show it done).
	applied bool
}

// mayHaveBeen is what the flash says of a write whose error answer does not
// tell whether it was done.
const mayHaveBeen = "it may have been applied; the next poll will tell"

func simFault(f sim.Fault) func(e *faultEnv, method string) {
	return func(e *faultEnv, method string) {
		f.Method, f.Every = method, 1
		e.srv.InjectFault(f)
	}
}

func proxyFault(f func(e *faultEnv) http.HandlerFunc) func(e *faultEnv, method string) {
	return func(e *faultEnv, method string) { e.proxy.set(method, f(e)) }
}

func dialFault(mode string) func(e *faultEnv, method string) {
	return func(e *faultEnv, method string) { e.dial.set(mode) }
}

func (e *faultEnv) off() {
	e.srv.ClearFaults()
	e.proxy.clear()
	e.dial.set("")
}

func faultRows() []faultRow {
	const invalid = `{"participants": [{"call_sid": "CA1", "label": }], "meta": {}}`
	return []faultRow{
		{name: "connection refused", on: dialFault("refused"),
			poll: []string{"connection refused"}, outcome: audit.OutcomeFailed, flash: []string{"mute agent-7 failed", "connection refused", "nothing was sent"}, posts: 0},
		{name: "DNS failure", on: dialFault("dns"),
			poll: []string{"DNS", "no such host"}, outcome: audit.OutcomeFailed, flash: []string{"mute agent-7 failed", "no such host", "nothing was sent"}, posts: 0},
		{name: "timeout", on: proxyFault(func(*faultEnv) http.HandlerFunc { return hang }),
			poll: []string{"timed out"}, outcome: audit.OutcomeUnknown, flash: []string{"no answer from Twilio to mute agent-7", "may or may not"}, posts: 1},
		{name: "slow trickling body", on: proxyFault((*faultEnv).trickle),
			poll: []string{"reply", "timed out"}, outcome: audit.OutcomeOK, flash: []string{"muted agent-7", "reply was unreadable"}, posts: 1},
		{name: "401", on: proxyFault(func(*faultEnv) http.HandlerFunc { return twilioError(401, 20003, "Authenticate") }),
			poll: []string{"rejected the credentials", "TWILIO_AUTH_TOKEN"}, outcome: audit.OutcomeFailed, flash: []string{"mute agent-7 failed", "rejected the credentials"}, posts: 1},
		{name: "403", on: proxyFault(func(*faultEnv) http.HandlerFunc { return twilioError(403, 20403, "Forbidden") }),
			poll: []string{"may not do that", "403"}, outcome: audit.OutcomeFailed, flash: []string{"mute agent-7 failed", "may not do that"}, posts: 1},
		{name: "405", on: proxyFault(func(*faultEnv) http.HandlerFunc { return twilioError(405, 20004, "Method not allowed") }),
			poll: []string{"20004", "HTTP 405"}, outcome: audit.OutcomeFailed, flash: []string{"mute agent-7 failed", "HTTP 405", "nothing was changed"}, posts: 1},
		{name: "429 burst with Retry-After", on: simFault(sim.Fault{Kind: sim.FaultTooManyRequests, RetryAfter: 20 * time.Second}),
			poll: []string{"throttl"}, outcome: audit.OutcomeFailed, flash: []string{"mute agent-7 failed", "throttling", "try again in a few seconds"}, posts: 1},
		{name: "429 burst without Retry-After", on: func(e *faultEnv, method string) {
			// Two 429s, then Twilio takes the request: the client's retries
			// get it through, and this is the one case a POST goes twice.
			e.srv.InjectFault(sim.Fault{Kind: sim.FaultTooManyRequests, Method: method, Count: 2})
			if method == http.MethodGet {
				e.srv.InjectFault(sim.Fault{Kind: sim.FaultTooManyRequests, Method: method, Every: 1})
			}
		}, poll: []string{"throttl"}, outcome: audit.OutcomeOK, flash: []string{"muted agent-7"}, posts: 3},
		// Only a 429 is documented as not processed: any other 5xx to a
		// write may come after Twilio acted, so the outcome is unknown and
		// the polls decide. These the simulator did not process...
		{name: "500", on: simFault(sim.Fault{Kind: sim.FaultInternalError}),
			poll: []string{"20500", "HTTP 500"}, outcome: audit.OutcomeUnknown, flash: []string{"mute agent-7 got an error answer", "20500", mayHaveBeen}, posts: 1},
		{name: "503", on: simFault(sim.Fault{Kind: sim.FaultUnavailable, RetryAfter: time.Second}),
			poll: []string{"20503", "HTTP 503"}, outcome: audit.OutcomeUnknown, flash: []string{"mute agent-7 got an error answer", "20503", mayHaveBeen}, posts: 1},
		{name: "HTML error page", on: simFault(sim.Fault{Kind: sim.FaultHTMLError}),
			poll: []string{"HTTP 502 Bad Gateway", `page titled "502 Bad Gateway"`, "proxy"}, outcome: audit.OutcomeUnknown,
			flash: []string{"mute agent-7 got an error answer", "HTTP 502", "proxy", mayHaveBeen}, posts: 1},
		// ...and this one it did: the gateway gave up after Twilio acted.
		{name: "504 after processing", on: simFault(sim.Fault{Kind: sim.FaultGatewayTimeout}),
			poll: []string{"HTTP 504 Gateway Timeout", `page titled "504 Gateway Time-out"`, "proxy"}, outcome: audit.OutcomeUnknown, applied: true,
			flash: []string{"mute agent-7 got an error answer", "HTTP 504", mayHaveBeen}, posts: 1},
		{name: "empty body", on: simFault(sim.Fault{Kind: sim.FaultEmptyBody}),
			poll: []string{"empty", "HTTP 200"}, outcome: audit.OutcomeOK, flash: []string{"muted agent-7", "reply was unreadable"}, posts: 1},
		{name: "truncated JSON", on: simFault(sim.Fault{Kind: sim.FaultTruncatedJSON}),
			poll: []string{"HTTP 200"}, outcome: audit.OutcomeOK, flash: []string{"muted agent-7", "reply was unreadable"}, posts: 1},
		{name: "invalid JSON", on: proxyFault(func(e *faultEnv) http.HandlerFunc {
			return e.processed(func(w http.ResponseWriter, status int, _ []byte) { answer(status, "application/json", invalid)(w, nil) })
		}), poll: []string{"HTTP 200"}, outcome: audit.OutcomeOK, flash: []string{"muted agent-7", "reply was unreadable"}, posts: 1},
		{name: "20 MB body", on: proxyFault((*faultEnv).huge),
			poll: []string{"too large"}, outcome: audit.OutcomeOK, flash: []string{"muted agent-7", "reply was unreadable"}, posts: 1},
		{name: "wrong content type", on: proxyFault(func(e *faultEnv) http.HandlerFunc {
			return e.processed(func(w http.ResponseWriter, status int, body []byte) {
				answer(status, "text/html", string(body))(w, nil)
			})
		}), poll: []string{"content type", "text/html"}, outcome: audit.OutcomeOK, flash: []string{"muted agent-7", "reply was unreadable"}, posts: 1},
		{name: "participants with null fields", on: proxyFault(func(e *faultEnv) http.HandlerFunc {
			return e.rewriteParticipants(func(i int, p map[string]any) {
				for _, k := range []string{"muted", "hold", "coaching", "status", "date_created", "call_sid_to_coach", "end_conference_on_exit"} {
					p[k] = nil
				}
			})
		}), data: true, noAction: true},
		{name: "unknown statuses", on: proxyFault(func(e *faultEnv) http.HandlerFunc {
			return e.rewriteParticipants(func(i int, p map[string]any) { p["status"] = "teleporting" })
		}), data: true, noAction: true},
		{name: "labels of 10,000 characters", on: proxyFault(func(e *faultEnv) http.HandlerFunc {
			return e.rewriteParticipants(func(i int, p map[string]any) { p["label"] = fmt.Sprintf("%d-", i) + strings.Repeat("x\u202e", 5000) })
		}), data: true, noAction: true},
	}
}

// TestFaultMatrix holds the console to its promises under every fault:
// it stays up, the last good table stays on screen marked stale with its
// age, the status line names the cause and what happens next, the next
// poll after the fault clears recovers by itself, and an action sent under
// the fault is reported as it went, never sent twice unless Twilio said 429.
func TestFaultMatrix(t *testing.T) {
	labels := []string{"agent-7", "caller-2", "supervisor"}
	for _, fr := range faultRows() {
		t.Run(fr.name, func(t *testing.T) {
			t.Parallel() // each row has its own simulator, server and console
			e := newFaultEnv(t)
			trail, path := openTrail(t)
			h := liveHarness(t, e.liveWorld, func(o *Options) { o.Audit = trail })
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("the console panicked under %s: %v", fr.name, r)
				}
			}()
			for _, l := range labels {
				rowOf(t, h.view(), l)
			}

			// Polling under the fault.
			fr.on(e, http.MethodGet)
			h.settle(e.liveWorld, 3*time.Second)
			v := h.view()
			status := strings.Split(v, "\n")[1]
			if fr.data {
				if strings.Contains(status, "STALE") {
					t.Errorf("odd but usable data should be shown, not called stale:\n%s", v)
				}
				checkScreenSane(t, v, 120)
				if got := len(h.app.room.rows); got != len(labels) {
					t.Errorf("%d rows on screen, want %d:\n%s", got, len(labels), v)
				}
			} else {
				if !strings.Contains(status, "STALE (updated 3s ago)") {
					t.Errorf("status line should say the table is stale and how old: %q", status)
				}
				// The status line keeps a short cause; the flash line
				// says it in full, with what happens next.
				lines := strings.Split(v, "\n")
				flash := lines[len(lines)-2]
				if short := shortCause(h.app.room.poll.err); !strings.HasSuffix(status, short) {
					t.Errorf("status line should end with the short cause %q: %q", short, status)
				}
				for _, want := range fr.poll {
					if !strings.Contains(flash, want) && !strings.Contains(h.app.flash.text, want) {
						t.Errorf("the cause (%q) should be named on screen: status %q, flash %q", want, status, h.app.flash.text)
					}
				}
				if !strings.Contains(flash, "could not update the participants") ||
					!strings.Contains(h.app.flash.text, "tries again") && !strings.Contains(h.app.flash.text, "polls less often") {
					t.Errorf("the flash should say what failed and what happens next: %q", h.app.flash.text)
				}
				if !strings.Contains(status, "retry in ") {
					t.Errorf("status line should say when the console tries again: %q", status)
				}
				for _, l := range labels {
					rowOf(t, v, l) // the last good rows stay
				}
			}
			t.Logf("poll under fault: %s | flash: %s", strings.TrimSpace(status), h.app.flash.text)
			e.off()
			h.poll()
			v = h.view()
			if status := strings.Split(v, "\n")[1]; strings.Contains(status, "STALE") {
				t.Errorf("no recovery once the fault cleared: %q", status)
			}
			for _, l := range labels {
				rowOf(t, v, l)
			}
			if fr.noAction {
				return
			}

			// An action under the fault.
			selectLabel(t, h, "agent-7")
			fr.on(e, http.MethodPost)
			posts := e.proxy.postCount()
			// Twilio's answer, and the flash it puts up, before the
			// refetch that follows it (the first poll) can replace it.
			refetch := h.answer(h.pressOnly("m"))
			e.off()
			if got := e.proxy.postCount() - posts; got != fr.posts {
				t.Errorf("the server saw %d POSTs, want %d", got, fr.posts)
			}
			answerFlash := h.app.flash.text
			h.run(refetch)
			for _, want := range fr.flash {
				if !strings.Contains(answerFlash, want) {
					t.Errorf("flash should say %q: %q", want, answerFlash)
				}
			}
			if fr.outcome != audit.OutcomeOK && !fr.applied && !h.app.flash.isErr {
				t.Errorf("a failure shown as success: %q", h.app.flash.text)
			}
			t.Logf("action under fault: %d POST(s) | flash: %s", e.proxy.postCount()-posts, answerFlash)
			es := readTrail(t, path)
			if len(es) != 2 || es[1].Outcome != fr.outcome {
				t.Fatalf("audit records %+v, want a result with outcome %s", es, fr.outcome)
			}
			// The polls decide what the row shows; nothing is left pending.
			for i := 0; i < pendingPolls+1; i++ {
				h.poll()
			}
			if _, ok := h.app.room.pending[h.app.room.selected]; ok {
				t.Errorf("still pending after %d polls", pendingPolls+1)
			}
			row := rowOf(t, h.view(), "agent-7")
			t.Logf("after %d polls: audit outcome %s | row: %s | flash: %s", pendingPolls+1, es[1].Outcome, strings.Join(strings.Fields(row), " "), h.app.flash.text)
			serverMuted := mutedIn(e.srv.Participants(simAccount, e.conf), "agent-7")
			switch fr.outcome {
			case audit.OutcomeOK:
				if !serverMuted || !strings.Contains(row, "muted") {
					t.Errorf("accepted: server muted=%v, row %q", serverMuted, row)
				}
			case audit.OutcomeFailed:
				if serverMuted || strings.Contains(row, "muted") || strings.Contains(row, "muting") {
					t.Errorf("failed: the row should roll back to unmuted (server muted=%v): %q", serverMuted, row)
				}
			case audit.OutcomeUnknown:
				if fr.applied {
					// The polls show it done: the row says muted, and the
					// warning gives way to the news.
					if !serverMuted || !strings.Contains(row, "muted") || strings.Contains(row, "⚠") {
						t.Errorf("applied: server muted=%v, row %q", serverMuted, row)
					}
					if want := "agent-7 is now muted: mute took effect; no need to try again"; h.app.flash.text != want || h.app.flash.isErr {
						t.Errorf("flash = %q (error %v), want %q", h.app.flash.text, h.app.flash.isErr, want)
					}
					break
				}
				if serverMuted || !strings.Contains(row, "⚠ unmuted") {
					t.Errorf("no answer and not done: the row should say it is still unmuted: %q", row)
				}
				if !strings.Contains(h.app.flash.text, "agent-7 is still unmuted") {
					t.Errorf("flash = %q", h.app.flash.text)
				}
			}
		})
	}
}

// answer runs an action's command and delivers Twilio's answer to Update,
// returning the commands that answer starts unrun, and the poll the live
// state makes at once after it: over the fake service that poll waits
// until the returned command runs, so a test can change the call first.
func (h *harness) answer(action tea.Cmd) tea.Cmd {
	h.t.Helper()
	n := h.app.room.polls
	release := func() {}
	if h.svc != nil {
		release = h.svc.holdPolls()
	}
	msg := action()
	if _, ok := msg.(actionMsg); !ok {
		release()
		h.t.Fatalf("the key sent %T, want an action's answer", msg)
	}
	kicked := h.kicked(msg)
	m, cmd := h.app.Update(msg)
	h.app = m.(App)
	if !kicked {
		release()
		return cmd
	}
	var once sync.Once
	h.t.Cleanup(func() { once.Do(release) }) // never held past the test, run or not
	return tea.Batch(cmd, func() tea.Msg {
		once.Do(release)
		return awaitPollMsg{n: n + 1}
	})
}

// checkScreenSane fails when a screen line is wider than the terminal or
// carries a control character (the colour profile is plain in tests).
func checkScreenSane(t *testing.T, v string, width int) {
	t.Helper()
	for i, l := range strings.Split(v, "\n") {
		if n := len([]rune(l)); n > width {
			t.Errorf("line %d is %d runes wide, the terminal %d", i, n, width)
		}
		for _, r := range l {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' {
				t.Errorf("line %d carries %U: %q", i, r, l)
				break
			}
		}
	}
}

// TestFaultMatrixNotFound covers Twilio's 404s: the participant hung up, or
// the conference ended, between the last poll and what the console does.
func TestFaultMatrixNotFound(t *testing.T) {
	tests := []struct {
		name   string
		gone   func(e *faultEnv)
		action bool // press m before the next poll; else let the poll find out
		flash  string
		screen screen
		posts  int
	}{
		{"participant gone, action", func(e *faultEnv) {
			if err := e.srv.Hangup(simAccount, e.conf, "agent-7"); err != nil {
				panic(err)
			}
		}, true, "agent-7 had already left the conference; nothing was changed", screenRoom, 1},
		{"conference gone, action", func(e *faultEnv) { endConference(e) }, true,
			"agent-7 had already left the conference; nothing was changed; conference Support bridge has ended", screenList, 1},
		{"conference gone, poll", func(e *faultEnv) { endConference(e) }, false, "conference Support bridge has ended", screenList, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newFaultEnv(t)
			trail, path := openTrail(t)
			h := liveHarness(t, e.liveWorld, func(o *Options) { o.Audit = trail })
			selectLabel(t, h, "agent-7")
			tc.gone(e)
			posts := e.proxy.postCount()
			if tc.action {
				h.key("m")
				es := readTrail(t, path)
				if len(es) != 2 || es[1].Outcome != audit.OutcomeFailed || es[1].ErrorCode != 20404 {
					t.Errorf("audit = %+v, want a failed result with code 20404", es)
				}
				if _, ok := h.app.room.pending[h.app.room.selected]; ok {
					t.Error("the row should not stay pending")
				}
			} else {
				h.settle(e.liveWorld, 3*time.Second)
			}
			t.Logf("flash: %s", h.app.flash.text)
			if got := e.proxy.postCount() - posts; got != tc.posts {
				t.Errorf("the server saw %d POSTs, want %d", got, tc.posts)
			}
			if !strings.Contains(h.app.flash.text, tc.flash) {
				t.Errorf("flash = %q, want %q", h.app.flash.text, tc.flash)
			}
			if h.app.screen != tc.screen {
				t.Errorf("screen = %v, want %v:\n%s", h.app.screen, tc.screen, h.view())
			}
		})
	}
}

func endConference(e *faultEnv) {
	if _, err := e.client.UpdateConference(context.Background(), e.conf, api.ConferenceUpdate{Status: "completed"}); err != nil {
		panic(err)
	}
}

// TestFaultMatrixConferenceList runs the poll half of the matrix on the
// conference list: the list stays, marked stale with its age and the cause,
// and comes back by itself.
func TestFaultMatrixConferenceList(t *testing.T) {
	for _, fr := range faultRows() {
		if fr.data {
			continue
		}
		t.Run(fr.name, func(t *testing.T) {
			t.Parallel()
			e := newFaultEnv(t)
			h := newHarnessFor(t, e.client, nil, e.clock.Now(), func(o *Options) { o.AccountSID = simAccount })
			if h.app.screen != screenList || !strings.Contains(h.view(), bridge) {
				t.Fatalf("the list should show %q:\n%s", bridge, h.view())
			}
			fr.on(e, http.MethodGet)
			h.settle(e.liveWorld, 3*time.Second)
			v := h.view()
			status := strings.Split(v, "\n")[1]
			if !strings.Contains(status, "STALE (updated 3s ago)") || !strings.Contains(status, "retry in ") ||
				!strings.HasSuffix(status, shortCause(h.app.list.poll.err)) {
				t.Errorf("status line = %q", status)
			}
			if !strings.Contains(v, bridge) {
				t.Errorf("the last list should stay on screen:\n%s", v)
			}
			if !strings.Contains(h.app.flash.text, "could not update the conference list") {
				t.Errorf("flash = %q", h.app.flash.text)
			}
			e.off()
			h.poll()
			if status := strings.Split(h.view(), "\n")[1]; strings.Contains(status, "STALE") {
				t.Errorf("no recovery once the fault cleared: %q", status)
			}
		})
	}
}

// TestOutcomeOfAnswers: which answers to a write say it was not done. Only
// 429 is documented as not processed, and a 4xx rejects the request; any
// other 5xx (Twilio's own, a gateway's, a proxy's HTML page) may come after
// the change was made.
func TestOutcomeOfAnswers(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>`
	tests := []struct {
		name string
		err  error
		want audit.Outcome
	}{
		{"2xx", nil, audit.OutcomeOK},
		{"2xx with an unreadable body", &api.Error{Status: 201, Err: api.ErrBadResponse}, audit.OutcomeOK},
		{"400", &api.Error{Status: 400, Code: 21205, Message: "Url is not a valid URL"}, audit.OutcomeFailed},
		{"404", &api.Error{Status: 404, Code: 20404}, audit.OutcomeFailed},
		{"HTML page with a 4xx (a proxy refused it)", &api.Error{Status: 407, Snippet: page}, audit.OutcomeFailed},
		{"429", &api.Error{Status: 429, Code: 20429}, audit.OutcomeFailed},
		{"500", &api.Error{Status: 500, Code: 20500}, audit.OutcomeUnknown},
		{"502 HTML page", &api.Error{Status: 502, Snippet: page}, audit.OutcomeUnknown},
		{"503", &api.Error{Status: 503, Code: 20503}, audit.OutcomeUnknown},
		{"504 with an empty body", &api.Error{Status: 504}, audit.OutcomeUnknown},
		{"timeout", &api.Error{Err: context.DeadlineExceeded}, audit.OutcomeUnknown},
		{"refused", &api.Error{Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, audit.OutcomeFailed},
		{"a panic in the request", fmt.Errorf("mute agent-7: %w: boom", live.ErrInternal), audit.OutcomeUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := outcomeOf(tc.err); got != tc.want {
				t.Errorf("outcomeOf(%v) = %s, want %s", tc.err, got, tc.want)
			}
		})
	}
}
