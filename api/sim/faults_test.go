package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestFaults covers each kind of injected fault as a client sees it.
func TestFaults(t *testing.T) {
	tests := []struct {
		name       string
		fault      Fault
		status     int
		code       int    // Twilio error code in a JSON body, if any
		retryAfter string // expected Retry-After header
		processed  bool   // the create still happened
		check      func(t *testing.T, r reply)
	}{
		{"429 without Retry-After", Fault{Kind: FaultTooManyRequests}, 429, CodeTooManyRequests, "", false, nil},
		{"429 with Retry-After", Fault{Kind: FaultTooManyRequests, RetryAfter: 1500 * time.Millisecond}, 429, CodeTooManyRequests, "2", false, nil},
		{"500", Fault{Kind: FaultInternalError}, 500, CodeInternalError, "", false, nil},
		{"503 with Retry-After", Fault{Kind: FaultUnavailable, RetryAfter: 3 * time.Second}, 503, CodeServiceUnavailable, "3", false, nil},
		{"HTML error page", Fault{Kind: FaultHTMLError}, 502, 0, "", false, func(t *testing.T, r reply) {
			if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !bytes.Contains(r.body, []byte("<html>")) {
				t.Errorf("not an HTML page: %q %s", r.header.Get("Content-Type"), r.body)
			}
		}},
		{"504 after processing", Fault{Kind: FaultGatewayTimeout}, 504, 0, "", true, func(t *testing.T, r reply) {
			if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !bytes.Contains(r.body, []byte("<title>504 Gateway Time-out</title>")) {
				t.Errorf("not a gateway's HTML page: %q %s", r.header.Get("Content-Type"), r.body)
			}
		}},
		{"truncated JSON", Fault{Kind: FaultTruncatedJSON}, 201, 0, "", true, func(t *testing.T, r reply) {
			if len(r.body) == 0 || json.Valid(r.body) || r.body[0] != '{' {
				t.Errorf("body is not truncated JSON: %q", r.body)
			}
		}},
		{"empty body", Fault{Kind: FaultEmptyBody}, 201, 0, "", true, func(t *testing.T, r reply) {
			if len(r.body) != 0 {
				t.Errorf("body %q, want empty", r.body)
			}
		}},
		{"latency only", Fault{Kind: FaultLatency, Latency: time.Millisecond}, 201, 0, "", true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.srv.InjectFault(tc.fault)
			r := h.do("POST", partsPath("room"), url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}})
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.code != 0 {
				wantError(t, r, tc.status, tc.code)
			}
			if got := r.header.Get("Retry-After"); got != tc.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tc.retryAfter)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
			n := len(h.must(200, "GET", confsPath(), nil)["conferences"].([]any))
			if (n == 1) != tc.processed {
				t.Errorf("%d conferences after the fault; processed should be %v", n, tc.processed)
			}
			// The fault is used up: the next request is served normally.
			h.must(200, "GET", confsPath(), nil)
		})
	}
}

// TestDroppedConnection: the client sees a transport error, not an answer.
func TestDroppedConnection(t *testing.T) {
	h := newHarness(t)
	h.srv.InjectFault(Fault{Kind: FaultDropConnection})
	req, _ := http.NewRequest("GET", h.ts.URL+confsPath(), nil)
	req.SetBasicAuth(testAccount, testToken)
	resp, err := h.ts.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection answered %d", resp.StatusCode)
	}
	h.must(200, "GET", confsPath(), nil)
}

// TestFaultMatching covers Count, Every, Method and PathPrefix.
func TestFaultMatching(t *testing.T) {
	h := newHarness(t)
	conf := str(h.dial("room", "+14155550100")["conference_sid"])
	h.srv.InjectFault(Fault{Kind: FaultTooManyRequests, Count: 2, Method: "post", PathPrefix: "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + conf})
	get := func() int { return h.do("GET", confPath(conf), nil).status }
	post := func() int { return h.do("POST", confPath(conf), url.Values{}).status }
	seq := []struct {
		name string
		do   func() int
		want int
	}{
		{"GET is not matched", get, 200},
		{"first POST", post, 429},
		{"second POST", post, 429},
		{"third POST", post, 200},
	}
	for _, s := range seq {
		if got := s.do(); got != s.want {
			t.Fatalf("%s: %d, want %d", s.name, got, s.want)
		}
	}
	if n := h.srv.PendingFaults(); n != 0 {
		t.Fatalf("%d faults pending", n)
	}
	h.srv.InjectFault(Fault{Kind: FaultUnavailable, Every: 3})
	var got []int
	for i := 0; i < 7; i++ {
		got = append(got, get())
	}
	if want := []int{200, 200, 503, 200, 200, 503, 200}; !equalInts(got, want) {
		t.Fatalf("every 3rd: %v, want %v", got, want)
	}
	h.srv.ClearFaults()
	for i := 0; i < 3; i++ {
		if s := get(); s != 200 {
			t.Fatalf("after ClearFaults: %d", s)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSteadyLatency: with a latency longer than the client waits, the
// client times out; once cleared, it does not.
func TestSteadyLatency(t *testing.T) {
	h := newHarness(t)
	h.srv.SetLatency(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", h.ts.URL+confsPath(), nil)
	req.SetBasicAuth(testAccount, testToken)
	if resp, err := h.ts.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("answered %d despite 10s of latency", resp.StatusCode)
	}
	h.srv.SetLatency(0)
	h.must(200, "GET", confsPath(), nil)
}

// TestFaultsConcurrently injects and consumes faults from many goroutines;
// run with -race.
func TestFaultsConcurrently(t *testing.T) {
	h := newHarness(t)
	const n = 40
	h.srv.InjectFault(Fault{Kind: FaultTooManyRequests, Count: n / 2})
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i%10 == 0 {
				h.srv.SetLatency(0)
			}
			req, _ := http.NewRequest("POST", h.ts.URL+partsPath("room"), strings.NewReader("To=%2B14155550100&From=%2B15005550006"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(testAccount, testToken)
			resp, err := h.ts.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			counts[resp.StatusCode]++
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if counts[429] != n/2 || counts[201] != n/2 {
		t.Fatalf("answers %v, want %d of 429 and %d of 201", counts, n/2, n/2)
	}
	ps := h.must(200, "GET", partsPath(str(h.must(200, "GET", confsPath(), nil)["conferences"].([]any)[0].(map[string]any)["sid"])), nil)
	if got := len(ps["participants"].([]any)); got != n/2 {
		t.Fatalf("%d participants, want %d: a 429 must not be processed", got, n/2)
	}
}

// TestParseFault covers the command-line spelling of faults.
func TestParseFault(t *testing.T) {
	tests := []struct {
		spec string
		want Fault
		err  bool
	}{
		{"429", Fault{Kind: FaultTooManyRequests}, false},
		{"429x3,retry-after=2s", Fault{Kind: FaultTooManyRequests, Count: 3, RetryAfter: 2 * time.Second}, false},
		{"503,every=10", Fault{Kind: FaultUnavailable, Every: 10}, false},
		{"drop,method=post,path=/2010-04-01/", Fault{Kind: FaultDropConnection, Method: "POST", PathPrefix: "/2010-04-01/"}, false},
		{"latency,latency=2s,x5", Fault{Kind: FaultLatency, Latency: 2 * time.Second, Count: 5}, false},
		{"truncated", Fault{Kind: FaultTruncatedJSON}, false},
		{"html", Fault{Kind: FaultHTMLError}, false},
		{"empty", Fault{Kind: FaultEmptyBody}, false},
		{"500", Fault{Kind: FaultInternalError}, false},
		{"504,method=POST", Fault{Kind: FaultGatewayTimeout, Method: "POST"}, false},
		{"teapot", Fault{}, true},
		{"429x0", Fault{}, true},
		{"429xmany", Fault{}, true},
		{"429,every=0", Fault{}, true},
		{"429,retry-after=soon", Fault{}, true},
		{"429,colour=red", Fault{}, true},
		{"429,oops", Fault{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			got, err := ParseFault(tc.spec)
			if (err != nil) != tc.err {
				t.Fatalf("err %v", err)
			}
			if err == nil && got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if err == nil && got.Kind.String() == "" {
				t.Fatal("kind has no name")
			}
		})
	}
}

// TestRequestLog: one line per request with method, path, status, duration
// and the fault it got; never the credentials.
func TestRequestLog(t *testing.T) {
	var log syncBuffer
	h := newHarness(t, WithLogger(&log))
	h.srv.InjectFault(Fault{Kind: FaultTooManyRequests, Method: "DELETE"})
	h.do("GET", confsPath()+"?PageSize=5", nil)
	h.do("DELETE", confsPath(), nil)
	h.send("GET", confsPath(), nil, testAccount, "wrong-"+testToken)
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	want := []string{
		`^GET /2010-04-01/Accounts/` + testAccount + `/Conferences\.json 200 [0-9.]+[µnm]?s$`,
		`^DELETE /2010-04-01/Accounts/` + testAccount + `/Conferences\.json 429 [0-9.]+[µnm]?s fault=429$`,
		`^GET /2010-04-01/Accounts/` + testAccount + `/Conferences\.json 401 [0-9.]+[µnm]?s$`,
	}
	if len(lines) != len(want) {
		t.Fatalf("log:\n%s", log.String())
	}
	for i, w := range want {
		if !regexp.MustCompile(w).MatchString(lines[i]) {
			t.Errorf("line %d %q does not match %s", i, lines[i], w)
		}
	}
	if strings.Contains(log.String(), testToken) {
		t.Error("the log shows a token")
	}
}
