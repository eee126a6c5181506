package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// TestREADMETestSuiteCommand starts the simulator with the flags the README
// gives a test suite (between its sim-ci markers) and holds it to what the
// README says of them: no conferences at the start, and a dialled call
// answered "queued" and seen "connected" by the next request.
func TestREADMETestSuiteCommand(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(raw), "<!-- sim-ci:begin -->")
	block, _, ok2 := strings.Cut(block, "<!-- sim-ci:end -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no sim-ci block")
	}
	var args []string
	for _, line := range strings.Split(block, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "go run . sim "); ok {
			args = strings.Fields(rest)
		}
	}
	if len(args) == 0 {
		t.Fatalf("no `go run . sim` line in the README's sim-ci block:\n%s", block)
	}
	stdout, _, _ := startMain(t, append(args, "--quiet", "--account-sid", testAccount, "--auth-token", testToken)...)
	base := bannerField(t, stdout.String(), "base URL")

	if code, body := get2(t, base+confsPath(), testAccount, testToken); code != 200 || !strings.Contains(body, `"conferences":[]`) {
		t.Fatalf("conferences at the start: %d %s", code, body)
	}
	create := url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Label": {"agent"}}
	code, body := post2(t, base+partsPath("Support bridge"), create, testAccount, testToken)
	if code != 201 || !strings.Contains(body, `"status":"queued"`) {
		t.Fatalf("create: %d %s", code, body)
	}
	var created struct {
		ConferenceSID string `json:"conference_sid"`
	}
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatal(err)
	}
	conf := created.ConferenceSID
	if code, body := get2(t, base+partPath(conf, "agent"), testAccount, testToken); code != 200 || !strings.Contains(body, `"status":"connected"`) {
		t.Errorf("the next request sees: %d %s", code, body)
	}
}

// post2 sends form to url as user and returns the status and the body.
func post2(t *testing.T, url string, form url.Values, user, pass string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
