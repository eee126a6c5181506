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

func TestSelectedSections(t *testing.T) {
	tests := []struct {
		only    string
		want    []string
		wantErr bool
	}{
		{"", parts, false},
		{"idle", []string{"idle"}, false},
		{"startup, benchmarks", []string{"startup", "benchmarks"}, false},
		{"idle,cpu", nil, true},
	}
	for _, tc := range tests {
		got, err := selected(tc.only)
		if (err != nil) != tc.wantErr {
			t.Errorf("-only %q: error %v, want an error %v", tc.only, err, tc.wantErr)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), "choose from") {
				t.Errorf("-only %q: the error %q does not list the sections", tc.only, err)
			}
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("-only %q: sections %v, want %v", tc.only, got, tc.want)
		}
		for _, p := range tc.want {
			if !got[p] {
				t.Errorf("-only %q: section %s not selected", tc.only, p)
			}
		}
	}
}

// The idle comparison alternates which program runs first and reports the
// median of the per-round ratios.
func TestInterleaveAndMedian(t *testing.T) {
	var order []string
	a := []float64{1.0, 3.0, 1.2}
	b := []float64{1.0, 1.0, 1.0}
	var ia, ib int
	ours, base, ratios, err := interleave(3,
		func() (float64, error) { order = append(order, "a"); ia++; return a[ia-1], nil },
		func() (float64, error) { order = append(order, "b"); ib++; return b[ib-1], nil })
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ""); got != "abbaab" {
		t.Errorf("order %s, want abbaab", got)
	}
	if len(ours) != 3 || len(base) != 3 || len(ratios) != 3 {
		t.Fatalf("figures %v %v %v", ours, base, ratios)
	}
	if m := median(ratios); m != 1.2 {
		t.Errorf("median ratio %v, want 1.2", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median of four %v, want 2.5", m)
	}
}
