package sim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConcurrentMixedUse runs creates, updates, deletes, lists, faults, the
// demo and a moving clock at once; run with -race. Every answer must be a
// documented one: no 5xx except the injected ones.
func TestConcurrentMixedUse(t *testing.T) {
	h := newHarness(t, WithTimings(Timings{Queue: time.Second, Connect: time.Second, Ring: 2 * time.Second, Linger: 3 * time.Second}))
	stop, err := StartDemo(h.srv, testAccount, 9)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	h.srv.InjectFault(Fault{Kind: FaultUnavailable, Every: 17})
	serve := func(method, path string, form url.Values) int {
		var body *strings.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		} else {
			body = strings.NewReader("")
		}
		req := httptest.NewRequest(method, path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.SetBasicAuth(testAccount, testToken)
		rec := httptest.NewRecorder()
		h.srv.ServeHTTP(rec, req)
		return rec.Code
	}
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			room := "stress-" + strconv.Itoa(g%2)
			for i := 0; i < 40; i++ {
				label := "p" + strconv.Itoa(g) + "-" + strconv.Itoa(i%5)
				var code int
				switch i % 5 {
				case 0:
					code = serve("POST", partsPath(room), url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Label": {label}})
				case 1:
					code = serve("GET", confsPath()+"?PageSize=2", nil)
				case 2:
					for _, c := range h.srv.Conferences(testAccount) {
						code = serve("GET", partsPath(c.SID)+"?PageSize=3", nil)
					}
				case 3:
					for _, c := range h.srv.Conferences(testAccount) {
						if c.FriendlyName == room {
							code = serve("POST", partPath(c.SID, "p"+strconv.Itoa(g)+"-0"), url.Values{"Muted": {"true"}})
						}
					}
				case 4:
					for _, c := range h.srv.Conferences(testAccount) {
						if c.FriendlyName == room {
							code = serve("DELETE", partPath(c.SID, "p"+strconv.Itoa(g)+"-0"), nil)
						}
					}
				}
				if code >= 500 && code != http.StatusServiceUnavailable {
					t.Errorf("goroutine %d step %d: %d", g, i, code)
				}
			}
		}(g)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 100; i++ {
			h.clock.Advance(500 * time.Millisecond)
			time.Sleep(100 * time.Microsecond)
		}
	}()
	wg.Wait()
	<-done
}
