package webhook

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestAnnounceServesTwiMLOnceToTwilioOnly(t *testing.T) {
	rc, _ := newTestReceiver(t, func(c *Config) { c.Say = SayConfig{Voice: "Polly.Joanna", Language: "en-GB"} })
	u, err := rc.Announce("  Hold <on> & \"stay\" ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, testURL+"/announce/") || len(u) < len(testURL)+len("/announce/")+32 {
		t.Fatalf("URL %q", u)
	}
	fetch := Values(testAccount)

	// Unsigned, or signed with another token: refused, and still unplayed.
	unsigned := httptest.NewRequest(http.MethodPost, u, strings.NewReader(fetch.Encode()))
	unsigned.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if w := serve(rc, unsigned); w.Code != http.StatusForbidden {
		t.Fatalf("unsigned: %d", w.Code)
	}
	if w := serve(rc, signedPost("wrong", u, u, fetch)); w.Code != http.StatusForbidden {
		t.Fatalf("wrong token: %d", w.Code)
	}
	if w := serve(rc, signedPost(testToken, u, u, Values("ACffffffffffffffffffffffffffffffff"))); w.Code != http.StatusForbidden {
		t.Fatalf("another account: %d", w.Code)
	}
	w := serve(rc, signedPost(testToken, u, u, fetch))
	if w.Code != http.StatusOK {
		t.Fatalf("signed: %d %s", w.Code, w.Body)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Joanna" language="en-GB">Hold &lt;on&gt; &amp; &#34;stay&#34;</Say></Response>`
	if w.Body.String() != want || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/xml") {
		t.Errorf("TwiML %q (%s), want %q", w.Body, w.Header().Get("Content-Type"), want)
	}
	if w := serve(rc, signedPost(testToken, u, u, fetch)); w.Code != http.StatusNotFound {
		t.Errorf("second fetch: %d", w.Code)
	}
	if evs, _ := drain(rc); len(evs) != 0 {
		t.Errorf("an announcement fetch became an event: %v", evs)
	}
	// A signed GET works too (AnnounceMethod GET).
	u2, _ := rc.Announce("again")
	r := httptest.NewRequest(http.MethodGet, u2, nil)
	r.Header.Set("X-Twilio-Signature", Signature(testToken, u2, nil))
	if w := serve(rc, r); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), ">again</Say>") {
		t.Errorf("GET: %d %s", w.Code, w.Body)
	}
}

// Values is the form Twilio posts when it fetches TwiML for an account.
func Values(account string) url.Values {
	return url.Values{"AccountSid": {account}, "CallSid": {"CA1"}, "ConferenceSid": {testConf}}
}

func TestAnnounceRefusesBadText(t *testing.T) {
	rc, _ := newTestReceiver(t, func(c *Config) { c.Say.MaxChars = 10 })
	tests := []struct{ text, want string }{
		{"", "empty"},
		{"   ", "empty"},
		{"eleven char", "11 characters; the limit is 10"},
		{"\xff\xfe", "UTF-8"},
	}
	for _, tt := range tests {
		if _, err := rc.Announce(tt.text); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err %v, want %q", tt.text, err, tt.want)
		}
	}
	if _, err := rc.Announce("ten chars!"); err != nil {
		t.Errorf("at the limit: %v", err)
	}
}

func TestAnnounceExpiresAndIsBounded(t *testing.T) {
	rc, _ := newTestReceiver(t, nil)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rc.say.now = func() time.Time { return now }
	u, _ := rc.Announce("late")
	now = now.Add(DefaultSayTTL + time.Second)
	if w := serve(rc, signedPost(testToken, u, u, Values(testAccount))); w.Code != http.StatusNotFound {
		t.Errorf("expired: %d", w.Code)
	}
	for i := 0; i < maxWaitingSay; i++ {
		if _, err := rc.Announce("x"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rc.Announce("one too many"); err == nil || !strings.Contains(err.Error(), "waiting") {
		t.Errorf("past the bound: %v", err)
	}
}

func TestSayConfigChecked(t *testing.T) {
	for _, cfg := range []SayConfig{{Voice: `a"b`}, {Language: "english please"}} {
		if _, err := New(Config{AccountSID: testAccount, AuthToken: testToken, URL: testURL, Say: cfg}, nopConsumer{}); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}
