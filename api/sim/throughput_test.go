package sim

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// throughputParticipants is the largest conference Twilio allows, the size the
// console's performance budgets are set for.
const throughputParticipants = 250

// throughputWorld is a simulator holding one conference of n connected
// participants, and the list request a console sends on every poll.
func throughputWorld(tb testing.TB, n int) (*Server, string) {
	tb.Helper()
	clock := NewFakeClock(epoch)
	srv := New(WithClock(clock), WithSeed(1))
	if err := srv.AddAccount(testAccount, testToken); err != nil {
		tb.Fatal(err)
	}
	var conf string
	for i := range n {
		p, err := srv.JoinConnected(testAccount, "bench-room", Join{Label: fmt.Sprintf("caller-%03d", i), Muted: i%7 == 0})
		if err != nil {
			tb.Fatal(err)
		}
		conf = p.ConferenceSID
	}
	// The console asks for the largest page, so 250 participants are one
	// request per poll.
	path := "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + conf + "/Participants.json?PageSize=1000"
	return srv, path
}

// TestThroughputWorldIsOnePage holds what the benchmark below measures: a poll of
// 250 participants is one request answering all of them.
func TestThroughputWorldIsOnePage(t *testing.T) {
	srv, path := throughputWorld(t, throughputParticipants)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.SetBasicAuth(testAccount, testToken)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	r := reply{status: rec.Code, body: rec.Body.Bytes()}
	doc := r.doc(t)
	ps, _ := doc["participants"].([]any)
	if len(ps) != throughputParticipants {
		t.Fatalf("one page holds %d participants, want %d", len(ps), throughputParticipants)
	}
	if next := doc["next_page_uri"]; next != nil {
		t.Errorf("next_page_uri = %v, want null: a poll must be one request", next)
	}
}

// BenchmarkListParticipants250 measures how many list requests for a
// 250-participant conference the simulator answers per second, from parallel
// clients: "handler" calls ServeHTTP directly, "http" goes through a loopback
// server and a keep-alive client as the console does. The budget is 2,000
// requests/s on 2 cores (see the performance section of the README).
func BenchmarkListParticipants250Parallel(b *testing.B) {
	srv, path := throughputWorld(b, throughputParticipants)
	b.Run("handler", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.SetBasicAuth(testAccount, testToken)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Errorf("status %d", rec.Code)
					return
				}
			}
		})
		reportRate(b)
	})
	b.Run("http", func(b *testing.B) {
		ts := httptest.NewServer(srv)
		defer ts.Close()
		tr := &http.Transport{MaxIdleConnsPerHost: 64}
		defer tr.CloseIdleConnections()
		client := &http.Client{Transport: tr}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
				if err != nil {
					b.Error(err)
					return
				}
				req.SetBasicAuth(testAccount, testToken)
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		})
		reportRate(b)
	})
}

// reportRate adds requests per second to a benchmark's figures, the unit the
// budget is written in.
func reportRate(b *testing.B) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N)/s, "req/s")
	}
}
