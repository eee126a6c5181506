package sim

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchServer is a simulator with one conference of n connected participants,
// served in-process (no sockets) so the figures are the simulator's own.
func benchServer(b *testing.B, n int) (*Server, string) {
	b.Helper()
	srv := New(WithSeed(1), WithClock(NewFakeClock(epoch)))
	if err := srv.AddAccount(testAccount, testToken); err != nil {
		b.Fatal(err)
	}
	var conf string
	for i := 0; i < n; i++ {
		p, err := srv.JoinConnected(testAccount, "bench", Join{Label: "caller " + strconv.Itoa(i)})
		if err != nil {
			b.Fatal(err)
		}
		conf = p.ConferenceSID
	}
	return srv, conf
}

func benchRequest(b *testing.B, srv *Server, method, path, body string) {
	b.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.SetBasicAuth(testAccount, testToken)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code >= 300 {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
	}
}

// BenchmarkListParticipants lists a 50-person roster, the console's poll.
func BenchmarkListParticipants(b *testing.B) {
	srv, conf := benchServer(b, 50)
	path := partsPath(conf)
	b.ReportAllocs()
	for b.Loop() {
		benchRequest(b, srv, http.MethodGet, path, "")
	}
}

// BenchmarkListParticipants250 lists a full conference on one page.
func BenchmarkListParticipants250(b *testing.B) {
	srv, conf := benchServer(b, 250)
	path := partsPath(conf) + "?PageSize=1000"
	b.ReportAllocs()
	for b.Loop() {
		benchRequest(b, srv, http.MethodGet, path, "")
	}
}

// BenchmarkMuteParticipant updates one participant by label.
func BenchmarkMuteParticipant(b *testing.B) {
	srv, conf := benchServer(b, 50)
	path := partPath(conf, "caller 7")
	b.ReportAllocs()
	for b.Loop() {
		benchRequest(b, srv, http.MethodPost, path, "Muted=true")
	}
}

// BenchmarkDemoHour lives through one simulated hour of the demo, looking at
// the world every simulated second as a console polling once a second would.
func BenchmarkDemoHour(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		clock := NewFakeClock(epoch)
		srv := New(WithSeed(1), WithClock(clock), WithTimings(Timings{Queue: time.Second, Connect: time.Second, Ring: 3 * time.Second, Linger: 5 * time.Second}))
		if err := srv.AddAccount(testAccount, testToken); err != nil {
			b.Fatal(err)
		}
		stop, err := StartDemo(srv, testAccount, 1)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 3600; i++ {
			clock.Advance(time.Second)
			for _, c := range srv.Conferences(testAccount) {
				_ = srv.Participants(testAccount, c.SID)
			}
		}
		stop()
	}
}
