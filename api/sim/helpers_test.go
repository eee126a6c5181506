package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	testAccount  = "AC0123456789abcdef0123456789abcdef"
	testToken    = "2bd2e4a1c9f34b6f9e1d0a8c7b6a5f40"
	otherAccount = "ACfedcba9876543210fedcba9876543210"
	otherToken   = "0f9e8d7c6b5a49382716059483726150"
	testKey      = "SK00112233445566778899aabbccddeeff"
	testSecret   = "keysecret-0123456789"
)

// epoch is the fake clock's start: a Friday, as in Twilio's examples.
var epoch = time.Date(2011, 2, 18, 19, 26, 50, 0, time.UTC)

// harness is a simulator behind a loopback HTTP server, on a fake clock,
// with two accounts and an API key.
type harness struct {
	t     *testing.T
	srv   *Server
	clock *FakeClock
	ts    *httptest.Server
}

func newHarness(t *testing.T, opts ...Option) *harness {
	t.Helper()
	clock := NewFakeClock(epoch)
	srv := New(append([]Option{WithClock(clock), WithSeed(1)}, opts...)...)
	for _, a := range []struct{ sid, token string }{{testAccount, testToken}, {otherAccount, otherToken}} {
		if err := srv.AddAccount(a.sid, a.token); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.AddAPIKey(testAccount, testKey, testSecret); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &harness{t: t, srv: srv, clock: clock, ts: ts}
}

// reply is one HTTP answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// doc decodes the body as a JSON object.
func (r reply) doc(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// send makes one request with explicit credentials (user "" sends none).
// path may carry a query; a relative Twilio URI is used as it is.
func (h *harness) send(method, path string, form url.Values, user, pass string) reply {
	h.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, h.ts.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// do makes one request as the test account.
func (h *harness) do(method, path string, form url.Values) reply {
	h.t.Helper()
	return h.send(method, path, form, testAccount, testToken)
}

// must makes a request and fails the test unless it answers want.
func (h *harness) must(want int, method, path string, form url.Values) map[string]any {
	h.t.Helper()
	r := h.do(method, path, form)
	if r.status != want {
		h.t.Fatalf("%s %s: status %d, want %d\n%s", method, path, r.status, want, r.body)
	}
	if want == http.StatusNoContent {
		if len(r.body) != 0 {
			h.t.Fatalf("%s %s: 204 with a body: %q", method, path, r.body)
		}
		return nil
	}
	return r.doc(h.t)
}

// wantError checks a Twilio error answer.
func wantError(t *testing.T, r reply, status, code int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d\n%s", r.status, status, r.body)
	}
	m := r.doc(t)
	if got := int(num(m["code"])); got != code {
		t.Fatalf("code %v, want %d\n%s", m["code"], code, r.body)
	}
	want := map[string]bool{"code": true, "message": true, "more_info": true, "status": true}
	if status == http.StatusUnauthorized {
		want["detail"] = true
	}
	for k := range want {
		if _, ok := m[k]; !ok {
			t.Fatalf("error body has no %q: %s", k, r.body)
		}
	}
	for k := range m {
		if !want[k] {
			t.Fatalf("error body has an extra field %q: %s", k, r.body)
		}
	}
	if m["more_info"] != "https://www.twilio.com/docs/errors/"+itoa(code) {
		t.Fatalf("more_info %v, want the docs page of %d", m["more_info"], code)
	}
	if int(num(m["status"])) != status {
		t.Fatalf("body status %v, want %d", m["status"], status)
	}
	if msg, _ := m["message"].(string); msg == "" {
		t.Fatalf("empty message: %s", r.body)
	}
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

func itoa(n int) string { return strconv.Itoa(n) }

// Paths of the test account.
func confsPath() string { return "/2010-04-01/Accounts/" + testAccount + "/Conferences.json" }
func confPath(sid string) string {
	return "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + sid + ".json"
}
func partsPath(conf string) string {
	return "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + url.PathEscape(conf) + "/Participants.json"
}
func partPath(conf, id string) string {
	return "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + conf + "/Participants/" + url.PathEscape(id) + ".json"
}
func recsPath(conf string) string {
	return "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + conf + "/Recordings.json"
}
func recPath(conf, sid string) string {
	return "/2010-04-01/Accounts/" + testAccount + "/Conferences/" + conf + "/Recordings/" + sid + ".json"
}

// dial creates a participant in the conference named conf (SID or friendly
// name) with extra form fields, and returns the 201 reply.
func (h *harness) dial(conf, to string, extra ...string) map[string]any {
	h.t.Helper()
	f := url.Values{"To": {to}, "From": {"+15005550006"}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Add(extra[i], extra[i+1])
	}
	return h.must(http.StatusCreated, http.MethodPost, partsPath(conf), f)
}

// contract is the published schema of each resource, from testdata.
type contract map[string]map[string]property

type property struct {
	Type     string   `json:"type"`
	Nullable bool     `json:"nullable"`
	Enum     []string `json:"enum"`
	Pattern  string   `json:"pattern"`
	Format   string   `json:"format"`
}

func loadContract(t *testing.T) contract {
	t.Helper()
	raw, err := os.ReadFile("testdata/contract.json")
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	c := contract{}
	for _, k := range []string{"conference", "participant", "recording", "envelope"} {
		var props map[string]property
		if err := json.Unmarshal(all[k], &props); err != nil {
			t.Fatalf("testdata/contract.json %s: %v", k, err)
		}
		c[k] = props
	}
	return c
}

var rfc2822Pattern = regexp.MustCompile(`^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-2][0-9]:[0-5][0-9]:[0-5][0-9] \+0000$`)

// check asserts that obj has exactly the schema's fields, each of the right
// JSON type, null only where the schema allows it, enums and SID patterns
// respected, dates in RFC 2822 and URIs relative.
func (c contract) check(t *testing.T, kind string, obj map[string]any) {
	t.Helper()
	props := c[kind]
	for k := range obj {
		if _, ok := props[k]; !ok {
			t.Errorf("%s has field %q, which the schema does not", kind, k)
		}
	}
	for k, p := range props {
		v, ok := obj[k]
		if !ok {
			t.Errorf("%s lacks field %q", kind, k)
			continue
		}
		if v == nil {
			if !p.Nullable {
				t.Errorf("%s.%s is null; the schema does not allow null", kind, k)
			}
			continue
		}
		switch p.Type {
		case "string":
			s, ok := v.(string)
			if !ok {
				t.Errorf("%s.%s = %v (%T), want a string", kind, k, v, v)
				continue
			}
			if len(p.Enum) > 0 && !slices.Contains(p.Enum, s) {
				t.Errorf("%s.%s = %q, not in %v", kind, k, s, p.Enum)
			}
			if p.Pattern != "" && !regexp.MustCompile(p.Pattern).MatchString(s) {
				t.Errorf("%s.%s = %q, does not match %s", kind, k, s, p.Pattern)
			}
			if p.Format == "date-time-rfc-2822" && !rfc2822Pattern.MatchString(s) {
				t.Errorf("%s.%s = %q, not an RFC 2822 date", kind, k, s)
			}
			if (k == "uri" || strings.HasSuffix(k, "_page_uri")) && !strings.HasPrefix(s, "/2010-04-01/Accounts/") {
				t.Errorf("%s.%s = %q, want a URI relative to the API host", kind, k, s)
			}
		case "boolean":
			if _, ok := v.(bool); !ok {
				t.Errorf("%s.%s = %v (%T), want a boolean", kind, k, v, v)
			}
		case "integer":
			f, ok := v.(float64)
			if !ok || f != float64(int64(f)) {
				t.Errorf("%s.%s = %v (%T), want an integer", kind, k, v, v)
			}
		case "object":
			if _, ok := v.(map[string]any); !ok {
				t.Errorf("%s.%s = %v (%T), want an object", kind, k, v, v)
			}
		}
	}
}

// checkList checks a list page: its envelope and every item.
func (c contract) checkList(t *testing.T, key, kind string, doc map[string]any) []map[string]any {
	t.Helper()
	env := map[string]any{}
	for k, v := range doc {
		if k != key {
			env[k] = v
		}
	}
	c.check(t, "envelope", env)
	raw, ok := doc[key].([]any)
	if !ok {
		t.Fatalf("list has no %q array: %v", key, doc)
	}
	items := make([]map[string]any, 0, len(raw))
	for _, it := range raw {
		m, ok := it.(map[string]any)
		if !ok {
			t.Fatalf("%s item is %T, want an object", key, it)
		}
		c.check(t, kind, m)
		items = append(items, m)
	}
	return items
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// examples reads Twilio's example responses from testdata, each kept as raw
// JSON so a test can compare bytes or decode the shape it needs.
func examples(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	raw, err := os.ReadFile("testdata/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var ex map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ex); err != nil {
		t.Fatal(err)
	}
	return ex
}

// friendlyNames lists a conference list page's friendly names in order,
// joined by commas.
func friendlyNames(doc map[string]any) string {
	var got []string
	for _, it := range doc["conferences"].([]any) {
		got = append(got, str(it.(map[string]any)["friendly_name"]))
	}
	return strings.Join(got, ",")
}
