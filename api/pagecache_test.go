package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// bodies is a transport that answers every request with the current body,
// which a test can swap between calls.
type bodies struct {
	mu          sync.Mutex
	body        []byte
	contentType string
}

func (b *bodies) set(body []byte, contentType string) {
	b.mu.Lock()
	b.body, b.contentType = body, contentType
	b.mu.Unlock()
}

func (b *bodies) RoundTrip(r *http.Request) (*http.Response, error) {
	b.mu.Lock()
	body, ct := b.body, b.contentType
	b.mu.Unlock()
	return &http.Response{
		StatusCode: 200, Header: http.Header{"Content-Type": {ct}},
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r,
	}, nil
}

func newBodiesClient(t *testing.T, body []byte) (*Client, *bodies) {
	t.Helper()
	tr := &bodies{body: body, contentType: "application/json"}
	c, err := New(Config{AccountSID: testAccount, AuthToken: testToken, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	return c, tr
}

// TestIdenticalPageIsNotDecodedAgain: an idle conference answers every poll
// with the same bytes, and the client must not decode them again. Decoding
// a page of 1000 participants costs about 9 allocations each; a reply
// identical to the last one costs the HTTP exchange and one copy of the
// result, well under one allocation per participant.
func TestIdenticalPageIsNotDecodedAgain(t *testing.T) {
	const n = 1000
	page := participantsPage(n)
	tests := []struct {
		name    string
		next    func(i int) []byte // the body of the i-th poll
		atMost  float64            // allocations per participant
		atLeast float64
		// bytes allocated per poll at most, as a share of the body: an
		// identical reply is read into a buffer lent by the cache, so only
		// the copy of the result is new.
		bodyShare float64
	}{
		{"identical reply", func(int) []byte { return page }, 1, 0, 0.5},
		// The same size and shape, one participant's mute flipped: it must
		// be decoded, and costs what decoding costs.
		{"changed reply", func(i int) []byte {
			return bytes.Replace(page, []byte(`"muted":true`), []byte(fmt.Sprintf(`"muted":%v`, i%2 == 0)), 1)
		}, 20, 5, 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, tr := newBodiesClient(t, page)
			ctx := ctxT(t)
			if _, err := c.ListParticipants(ctx, testConf, ParticipantFilter{}); err != nil {
				t.Fatal(err)
			}
			// Bodies are made before counting, so only the client's work counts.
			var polls [][]byte
			for i := range 10 {
				polls = append(polls, tc.next(i+1))
			}
			i := 0
			var bytesPerPoll uint64
			allocs := testing.AllocsPerRun(5, func() {
				tr.set(polls[i%len(polls)], "application/json")
				i++
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				ps, err := c.ListParticipants(ctx, testConf, ParticipantFilter{})
				runtime.ReadMemStats(&after)
				if err != nil || len(ps) != n {
					t.Fatalf("%d participants, %v", len(ps), err)
				}
				bytesPerPoll = after.TotalAlloc - before.TotalAlloc
			})
			per := allocs / n
			t.Logf("%s: %.0f allocations for %d participants (%.2f each), %d bytes for a %d-byte body", tc.name, allocs, n, per, bytesPerPoll, len(page))
			if per > tc.atMost || per < tc.atLeast {
				t.Errorf("%.2f allocations per participant, want between %v and %v", per, tc.atLeast, tc.atMost)
			}
			if limit := tc.bodyShare * float64(len(page)); float64(bytesPerPoll) > limit {
				t.Errorf("%d bytes allocated by a poll, want at most %.0f (%.1f times the body)", bytesPerPoll, limit, tc.bodyShare)
			}
		})
	}
}

// TestPageCacheSeesEveryChange: a reply that differs from the last in any
// byte, or in its content type, is decoded afresh.
func TestPageCacheSeesEveryChange(t *testing.T) {
	muted := []byte(listBody("participants", participantBody))
	unmuted := bytes.Replace(muted, []byte(`"muted":true`), []byte(`"muted":false`), 1)
	c, tr := newBodiesClient(t, muted)
	ctx := ctxT(t)
	steps := []struct {
		body        []byte
		contentType string
		wantMuted   bool
		wantErr     error
	}{
		{muted, "application/json", true, nil},
		{muted, "application/json", true, nil},
		{unmuted, "application/json", false, nil},
		{muted, "application/json", true, nil},
		{muted, "text/html", false, ErrBadResponse}, // same bytes, not JSON any more
		{muted, "application/json", true, nil},
	}
	for i, s := range steps {
		tr.set(s.body, s.contentType)
		ps, err := c.ListParticipants(ctx, testConf, ParticipantFilter{})
		if s.wantErr != nil {
			if !errors.Is(err, s.wantErr) {
				t.Errorf("step %d: error %v, want %v", i, err, s.wantErr)
			}
			continue
		}
		if err != nil || len(ps) != 1 {
			t.Fatalf("step %d: %d participants, %v", i, len(ps), err)
		}
		if ps[0].Muted != s.wantMuted {
			t.Errorf("step %d: muted %v, want %v", i, ps[0].Muted, s.wantMuted)
		}
	}
}

// TestPageCacheHandsOutCopies: a caller that changes the list it got does
// not change what the next poll returns.
func TestPageCacheHandsOutCopies(t *testing.T) {
	c, _ := newBodiesClient(t, []byte(listBody("participants", participantBody)))
	ctx := ctxT(t)
	for i := range 3 {
		ps, err := c.ListParticipants(ctx, testConf, ParticipantFilter{})
		if err != nil || len(ps) != 1 {
			t.Fatalf("poll %d: %d participants, %v", i, len(ps), err)
		}
		if ps[0].Label != "agent-7" || !ps[0].Muted {
			t.Fatalf("poll %d: got %+v after the caller changed an earlier result", i, ps[0])
		}
		ps[0].Label, ps[0].Muted = "changed by the caller", false
	}
}

// TestPageCacheRemembersNoFailure: a reply without the list is an error on
// every poll, not only the first.
func TestPageCacheRemembersNoFailure(t *testing.T) {
	c, _ := newBodiesClient(t, []byte(`{"conferences":[],"next_page_uri":null}`))
	for i := range 2 {
		_, err := c.ListParticipants(ctxT(t), testConf, ParticipantFilter{})
		if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), `no "participants" list`) {
			t.Errorf("poll %d: %v, want a missing-list error", i, err)
		}
	}
}

// TestPageCacheIsBounded: however many pages are read, only the last few
// are remembered.
func TestPageCacheIsBounded(t *testing.T) {
	var pc pageCache
	for i := range 3 * pageCacheSize {
		url := fmt.Sprintf("/p%d.json", i)
		pc.put(pageEntry{url: url, body: []byte("{}"), items: []int{i}})
		pc.put(pageEntry{url: url, body: []byte("{}"), items: []int{i}}) // twice: one entry
	}
	if len(pc.entries) != pageCacheSize {
		t.Errorf("%d pages remembered, want %d", len(pc.entries), pageCacheSize)
	}
	last := fmt.Sprintf("/p%d.json", 3*pageCacheSize-1)
	if _, _, ok := pc.get(last, "", []byte("{}")); !ok {
		t.Errorf("the last page read, %s, was forgotten", last)
	}
	if _, _, ok := pc.get("/p0.json", "", []byte("{}")); ok {
		t.Error("the first page read is still remembered")
	}
}

// chunky is a body that hands out data a few bytes per Read, then err.
type chunky struct {
	data []byte
	step int
	err  error
}

func (c *chunky) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, c.err
	}
	n := min(len(p), c.step, len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

func (c *chunky) Close() error { return nil }

// TestReadLimited: a body whose length is declared is read into one buffer
// of that size; any body, declared or not, is read whole up to the limit.
func TestReadLimited(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 100) // 1000 bytes
	broken := errors.New("connection reset")
	tests := []struct {
		name         string
		declared     int64 // Content-Length; -1 unknown
		data         []byte
		err          error
		limit        int64
		refuse       bool
		want         int // bytes returned
		wantTooLarge bool
		wantErr      error
	}{
		{"declared", 1000, body, io.EOF, 4096, true, 1000, false, nil},
		{"unknown length", -1, body, io.EOF, 4096, true, 1000, false, nil},
		{"declared over the limit, refused unread", 1000, body, io.EOF, 500, true, 0, true, nil},
		{"declared over the limit, error page read in part", 1000, body, io.EOF, 500, false, 500, true, nil},
		{"longer than declared", 600, body, io.EOF, 4096, true, 1000, false, nil},
		{"longer than declared and the limit", 600, body, io.EOF, 800, true, 800, true, nil},
		{"unknown length over the limit", -1, body, io.EOF, 800, true, 800, true, nil},
		{"broken off", 1000, body[:300], broken, 4096, true, 300, false, broken},
		{"broken off, unknown length", -1, body[:300], broken, 4096, true, 300, false, broken},
	}
	for _, tc := range tests {
		resp := &http.Response{ContentLength: tc.declared, Body: &chunky{data: tc.data, step: 7, err: tc.err}}
		data, tooLarge, err := readLimited(resp, tc.limit, tc.refuse, nil)
		if len(data) != tc.want || tooLarge != tc.wantTooLarge || !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: %d bytes, too large %v, error %v; want %d, %v, %v", tc.name, len(data), tooLarge, err, tc.want, tc.wantTooLarge, tc.wantErr)
			continue
		}
		if !bytes.Equal(data, body[:len(data)]) {
			t.Errorf("%s: the bytes read differ from the body", tc.name)
		}
	}
}

// TestReadLimitedDeclaredLengthIsOneBuffer: a 700 KB roster with its
// Content-Length costs one allocation, not the dozen buffers of doubling.
func TestReadLimitedDeclaredLengthIsOneBuffer(t *testing.T) {
	body := participantsPage(1000)
	allocs := testing.AllocsPerRun(10, func() {
		resp := &http.Response{ContentLength: int64(len(body)), Body: io.NopCloser(bytes.NewReader(body))}
		data, _, err := readLimited(resp, DefaultMaxBodyBytes, true, nil)
		if err != nil || len(data) != len(body) {
			t.Fatal(len(data), err)
		}
	})
	// The response and the reader made here cost two or three allocations.
	if allocs > 4 {
		t.Errorf("%.0f allocations to read a %d-byte body of declared length, want at most 4", allocs, len(body))
	}
}
