package ui

import (
	"bytes"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"confconsole/api"
	"confconsole/api/sim"
)

// Hostile text: labels and friendly names are chosen by whoever created the
// call. Each of these would do something to the operator's terminal if it
// reached it raw.
var hostile = []struct{ name, text string }{
	{"window title (OSC 0)", "\x1b]0;pwned\x07"},
	{"clipboard write (OSC 52)", "\x1b]52;c;cm0gLXJmIH4=\x07"},
	{"cursor move (CSI H)", "\x1b[10;10H"},
	{"clear screen (CSI J)", "\x1b[2J\x1b[3J"},
	{"C1 CSI", "\u009b2J"},
	{"bidi override", "\u202eevil"},
	{"bidi isolate", "\u2066x\u2069"},
	{"zero width", "a\u200bb\ufeff"},
	{"backspace and CR", "ok\b\b\rX"},
}

// sgr matches the colour sequences the console itself writes.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// checkInert fails when, colours aside, anything in s could drive a
// terminal or hide from a reader.
func checkInert(t *testing.T, where, s string) {
	t.Helper()
	rest := sgr.ReplaceAllString(s, "")
	for _, r := range rest {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			t.Errorf("%s: %U reached the terminal: %q", where, r, rest)
			return
		}
	}
}

// TestHostileTextIsInertEverywhere runs the console over the real client and
// the simulator with participants and a conference whose names carry escape
// sequences, control, bidi and zero-width characters, in colour, and checks
// every place such text is shown: the list, the table, the event feed, the
// flash, the coach picker, the prompts, the add form, the log view, and the
// audit file.
func TestHostileTextIsInertEverywhere(t *testing.T) {
	clock := sim.NewFakeClock(testNow)
	srv := sim.New(sim.WithClock(clock), sim.WithSeed(3))
	if err := srv.AddAccount(simAccount, simToken); err != nil {
		t.Fatal(err)
	}
	confName := "bridge \x1b]0;pwned\x07 \u202eroom"
	var conf string
	for i, h := range hostile[:4] {
		p, err := srv.JoinConnected(simAccount, confName, sim.Join{Label: string(rune('a'+i)) + h.text, To: "client:agent"})
		if err != nil {
			t.Fatalf("%s: %v", h.name, err)
		}
		conf = p.ConferenceSID
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	client, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: hs.URL, Retry: api.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	w := liveWorld{srv: srv, clock: clock, client: client, url: hs.URL, conf: conf}
	trail, path := openTrail(t)
	h := newHarnessFor(t, client, nil, clock.Now(), func(o *Options) { inColour(o); o.Audit = trail; o.AccountSID = simAccount })

	checkInert(t, "conference list", h.view())
	if !strings.Contains(h.view(), "␛]0;pwned␇") {
		t.Errorf("the conference name should be shown, visibly:\n%s", h.view())
	}
	h.key("enter")
	h.key("e") // the event feed
	checkInert(t, "participants", h.view())

	// The rest join and one leaves: the feed names them.
	for i, x := range hostile[4:] {
		if _, err := srv.JoinConnected(simAccount, conf, sim.Join{Label: string(rune('e'+i)) + x.text, To: "client:agent"}); err != nil {
			t.Fatalf("%s: %v", x.name, err)
		}
	}
	if err := srv.Hangup(simAccount, conf, "b"+hostile[1].text); err != nil {
		t.Fatal(err)
	}
	h.settle(w, 2*time.Second)
	v := h.view()
	checkInert(t, "participants with the feed", v)
	if n := h.app.room.events.Len(); n < len(hostile)-4+1 {
		t.Errorf("%d events, want the joins and the leave", n)
	}
	for _, want := range []string{"␛[10;10H", "<U+202E>evil", "a<U+200B>b", "<U+009B>2J"} {
		if !strings.Contains(v, want) {
			t.Errorf("%q should be shown visibly:\n%s", want, v)
		}
	}

	// An action: the flash names the participant.
	selectLabel(t, h, "a"+hostile[0].text)
	h.key("m")
	checkInert(t, "flash after mute", h.view())
	if !strings.Contains(h.app.flash.text, "␛]0;pwned") {
		t.Errorf("flash = %q", h.app.flash.text)
	}
	// Every form shows names.
	for _, k := range []string{"c", "a", "n", "E", "A"} {
		h.key(k)
		checkInert(t, "form "+k, h.view())
		h.key("esc")
	}
	h.key("L")
	checkInert(t, "log view", h.view())
	h.key("esc")

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 {
		t.Fatal("nothing in the audit file")
	}
	for _, bad := range []string{"\x1b", "\x07", "\b", "\r", "\u009b", "\u202e", "\u2066", "\u200b", "\ufeff"} {
		if bytes.Contains(raw, []byte(bad)) {
			t.Errorf("the audit file carries %q raw:\n%s", bad, raw)
		}
	}
	es := readTrail(t, path)
	if len(es) != 2 || es[0].Label != "a"+hostile[0].text || es[0].ConferenceName != confName {
		t.Errorf("the file should keep the exact text, escaped: %+v", es)
	}
}
