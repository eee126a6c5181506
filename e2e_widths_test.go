package main

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"confconsole/api/sim"
	"confconsole/model"
)

// Text whose width terminals disagree on, as labels and conference names:
// skin tones, joiners, variation selectors, keycaps, flags, tag sequences,
// spacing marks, private use and characters newer than the terminal. The
// ASCII id in front of each finds its row on the screen.
var (
	wideLabels = []string{
		"p01 " + strings.Repeat("👍🏽", 12),
		"p02 🧑🏻‍💻 dev",
		"p03 ❤️ team",
		"p04 ☎️ desk",
		"p05 1️⃣ first #️⃣",
		"p06 🇫🇷 Paris 🇺🇸",
		"p07 👨‍👩‍👧‍👦 family",
		"p08 🏳️‍🌈 flag",
		"p09 🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F eng",
		"p10 राहुल शर्मा",
		"p11 ✈︎ ✔️ ❤️‍🔥",
		"p12 客服 田中さん",
		"p13 \ue000 \U0001F6DC new",
		"p14 e\u0301 \u1100\u1161",
		"p15 " + strings.Repeat("🧑🏾‍🚀", 8),
		"p16 " + strings.Repeat("🇺🇦", 10),
		"p17 ok-plain",
	}
	wideConferences = []string{
		"c1 🇺🇸 US bridge",
		"c2 ❤️‍🔥 hot line",
		"c3 " + strings.Repeat("👍🏽", 20),
		"c4 🧑🏻‍💻 dev room",
		"c5 1️⃣ first ☎️",
		"c6 " + strings.Repeat("🏳️‍🌈", 15),
	}
	wideLateLabels = []string{"p20 👍🏽👍🏽 late", "p21 🧑🏻‍💻🧑🏻‍💻 later", "p22 🇩🇪 ❤️ last"}
)

const (
	widthsAccount = "AC0123456789abcdef0123456789abcdef"
	widthsToken   = "widths-token"
)

var rowID = regexp.MustCompile(`\b[pcw][0-9]{1,2}\b`)

// TestDisputedWidthsInTmux runs the built binary in tmux, the reference
// terminal, against the simulator, with participants and conferences named
// in text whose width terminals disagree on. At 120x30 and 80x24, on the
// conference list, the participant table and the event feed: the header
// stays on the top line and the footer on the bottom one, every row is one
// line, and exactly one ▶ is on screen while j moves through every row.
func TestDisputedWidthsInTmux(t *testing.T) {
	needTmux(t)
	bin := buildBinary(t)
	for _, sz := range []struct{ w, h int }{{120, 30}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			srv, conf, url := widthsWorld(t)
			start := func(t *testing.T, extra string) *tmuxSession {
				env := []string{"TERM=xterm-256color", "NO_COLOR=1", "HOME=" + t.TempDir(),
					"TWILIO_ACCOUNT_SID=" + widthsAccount, "TWILIO_AUTH_TOKEN=" + widthsToken}
				return startTmux(t, sz.w, sz.h, env, fmt.Sprintf("%s --api-url %s --audit-log - --refresh 1s %s; sleep 60", bin, url, extra))
			}

			t.Run("conference list", func(t *testing.T) {
				s := start(t, "")
				s.waitFor("the conference list", regexp.MustCompile(`(?m)^▶ `))
				ids := make([]string, 0, len(wideConferences)+1)
				for _, c := range wideConferences {
					ids = append(ids, strings.Fields(c)[0])
				}
				walkRows(t, s, sz.h, append(ids, "w0"))
			})

			t.Run("participants and events", func(t *testing.T) {
				s := start(t, "--conference "+conf)
				scr := s.waitFor("the participants", regexp.MustCompile(`(?m)^▶ `))
				if want := "p01 " + strings.Repeat("👍", 4); !strings.Contains(scr, want) {
					t.Errorf("the row of p01 should show %q, its label without skin tones:\n%s", want, scr)
				}
				ids := make([]string, len(wideLabels))
				for i, l := range wideLabels {
					ids[i] = strings.Fields(l)[0]
				}
				walkRows(t, s, sz.h, ids)

				// The feed names those who join now.
				s.keys("e")
				s.waitFor("the event feed", regexp.MustCompile(`EVENTS`))
				for _, l := range wideLateLabels {
					if _, err := srv.JoinConnected(widthsAccount, conf, sim.Join{Label: l, To: "client:agent"}); err != nil {
						t.Fatal(err)
					}
				}
				scr = s.waitFor("the joins in the feed", regexp.MustCompile(`(?s)p20.*joined.*p21.*joined.*p22.*joined|(?s)p22.*joined.*p21.*joined.*p20.*joined`))
				checkFrame(t, scr, sz.h)
				for _, l := range wideLateLabels {
					id := strings.Fields(l)[0]
					want := model.Display(l)
					found := false
					for _, line := range strings.Split(scr, "\n") {
						if strings.Contains(line, " joined") && strings.Contains(line, id) {
							found = true
							if !strings.Contains(line, want) {
								t.Errorf("the feed line for %s should read %q: %q", id, want, line)
							}
						}
					}
					if !found {
						t.Errorf("no feed line says %s joined:\n%s", id, scr)
					}
				}
			})
		})
	}
}

// widthsWorld starts a simulator holding the corpus: a conference of
// wideLabels, and one conference per name in wideConferences.
func widthsWorld(t *testing.T) (srv *sim.Server, conf, url string) {
	t.Helper()
	srv = sim.New()
	if err := srv.AddAccount(widthsAccount, widthsToken); err != nil {
		t.Fatal(err)
	}
	for _, l := range wideLabels {
		p, err := srv.JoinConnected(widthsAccount, "w0 "+strings.Repeat("🧑🏻‍💻", 10), sim.Join{Label: l, To: "client:agent"})
		if err != nil {
			t.Fatal(err)
		}
		conf = p.ConferenceSID
	}
	for _, c := range wideConferences {
		// Two each: a conference starts once two participants are in it.
		for _, who := range []string{"someone", "someone-else"} {
			if _, err := srv.JoinConnected(widthsAccount, c, sim.Join{Label: who, To: "client:agent"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)

	return srv, conf, hs.URL
}

// walkRows presses j one key at a time until the selection has visited
// every row in ids, checking the whole screen at each step.
func walkRows(t *testing.T, s *tmuxSession, height int, ids []string) {
	t.Helper()
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	scr := s.screen()
	checkFrame(t, scr, height)
	cur := markedID(scr)
	seen := map[string]bool{cur: true}
	for step := 1; step < len(ids); step++ {
		s.keys("j")
		deadline := time.Now().Add(10 * time.Second)
		for {
			scr = s.screen()
			if id := markedID(scr); id != cur && id != "" {
				cur = id
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after j number %d the selection did not leave %s:\n%s", step, cur, scr)
			}
			time.Sleep(50 * time.Millisecond)
		}
		checkFrame(t, scr, height)
		if seen[cur] {
			t.Fatalf("after j number %d the selection came back to %s:\n%s", step, cur, scr)
		}
		seen[cur] = true
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("j never selected %s; selected %v", id, seen)
		}
	}
}

// checkFrame holds what a frame must look like however wide its text: the
// header on the top line, the footer alone on the bottom line, one ▶, and
// every row id on one line only (a row that wrapped would put its id's
// line and the next row's apart, and push the header off the top).
func checkFrame(t *testing.T, scr string, height int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(scr, "\n"), "\n")
	if len(lines) != height {
		t.Errorf("tmux shows %d lines, want %d:\n%s", len(lines), height, scr)
	}
	if !strings.HasPrefix(lines[0], "confconsole  ") {
		t.Errorf("the header is not on the top line:\n%s", scr)
	}
	if n := strings.Count(scr, "? help"); n != 1 || !strings.HasSuffix(strings.TrimRight(lines[len(lines)-1], " "), "? help") {
		t.Errorf("the footer should be on the bottom line only (found %d):\n%s", n, scr)
	}
	if n := strings.Count(scr, "▶"); n != 1 {
		t.Errorf("%d selection markers on screen, want 1:\n%s", n, scr)
	}
	where := map[string]int{}
	for _, line := range lines {
		if !strings.HasPrefix(line, "▶ ") && !strings.HasPrefix(line, "  ") {
			continue // not a table row
		}
		if id := rowID.FindString(line); id != "" {
			where[id]++
		}
	}
	for id, n := range where {
		if n != 1 {
			t.Errorf("%s is on %d rows, want 1:\n%s", id, n, scr)
		}
	}
}

// markedID is the row id on the line that carries ▶, or "".
func markedID(scr string) string {
	for _, line := range strings.Split(scr, "\n") {
		if strings.HasPrefix(line, "▶") {
			return rowID.FindString(line)
		}
	}
	return ""
}
