package main

import (
	"strings"
	"testing"
)

// The report reads figures from go test's output; these are the lines it
// must understand, so a change in their form fails here, not in a report.
func TestReadsBenchmarkLines(t *testing.T) {
	tests := []struct {
		line string
		name string
		want bench
	}{
		{"BenchmarkParticipants/view/n=250/120x40/ours-2         	   10000	     48827 ns/op	   14354 B/op	      24 allocs/op",
			"Participants/view/n=250/120x40/ours", bench{ns: 48827, allocs: 24}},
		{"BenchmarkListParticipants250Parallel/http-2            	    1249	   3595345 ns/op	       278.2 req/s	  499990 B/op	    1628 allocs/op",
			"ListParticipants250Parallel/http", bench{ns: 3595345, reqs: 278.2, allocs: 1628}},
		{"BenchmarkX 	 5	 12.5 ns/op", "X", bench{ns: 12.5}},
	}
	for _, tc := range tests {
		m := benchLine.FindStringSubmatch(tc.line)
		if m == nil {
			t.Errorf("not read: %q", tc.line)
			continue
		}
		if m[1] != tc.name {
			t.Errorf("name %q, want %q", m[1], tc.name)
		}
		got := parseBench(m)
		if got != tc.want {
			t.Errorf("%q: read %+v, want %+v", tc.line, got, tc.want)
		}
	}
}

func TestReadsTestFigures(t *testing.T) {
	out := `    bytes_test.go:381: perf: bytes.first_paint 7113 B
    latency_test.go:100: perf: latency.poll_to_screen_p95 41.9 ms
    latency_test.go:102: perf: requests.max_in_flight 1 
    perf_test.go:338: view: ours 19.851µs, bubbles 557.234µs, ratio 0.036 (limit 0.43)`
	figs, ratios := parseTestOutput([]byte(out))
	want := map[string]float64{"bytes.first_paint": 7113, "latency.poll_to_screen_p95": 41.9, "requests.max_in_flight": 1}
	for k, v := range want {
		if figs[k] != v {
			t.Errorf("%s = %v, want %v", k, figs[k], v)
		}
	}
	if r := ratios["view"]; len(r) != 3 || r[2] != "0.036" || !strings.HasSuffix(r[0], "µs") {
		t.Errorf("view ratio read as %q", r)
	}
}
