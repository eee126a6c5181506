package serve_test

import (
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"confconsole/ui/serve"
)

var sgr = regexp.MustCompile("\x1b\\[([0-9;]*)m")

// colours says which kinds of colour the output's SGR sequences set:
// "basic" (the sixteen), "256" (38;5 / 48;5) or "true" (38;2 / 48;2).
func colours(out string) map[string]bool {
	got := map[string]bool{}
	for _, m := range sgr.FindAllStringSubmatch(out, -1) {
		ps := strings.Split(m[1], ";")
		for i := 0; i < len(ps); i++ {
			n, _ := strconv.Atoi(ps[i])
			switch {
			case n == 38 || n == 48:
				if i+1 < len(ps) && ps[i+1] == "5" {
					got["256"] = true
					i += 2
				} else if i+1 < len(ps) && ps[i+1] == "2" {
					got["true"] = true
					i += 4
				}
			case n >= 30 && n <= 37, n >= 40 && n <= 47, n >= 90 && n <= 97, n >= 100 && n <= 107:
				got["basic"] = true
			}
		}
	}
	return got
}

// TestSessionColours: each session's colours follow its own client's TERM
// and NO_COLOR, whatever the server's terminal or the other sessions are.
func TestSessionColours(t *testing.T) {
	w := newWorld(t, nil, nil)
	for _, tc := range []struct {
		name string
		term string
		env  map[string]string
		want map[string]bool
	}{
		{"256 colours", "xterm-256color", nil, map[string]bool{"basic": true, "256": true}},
		{"16 colours", "xterm", nil, map[string]bool{"basic": true}},
		{"NO_COLOR", "xterm-256color", map[string]string{"NO_COLOR": "1"}, map[string]bool{}},
		{"a dumb terminal", "dumb", nil, map[string]bool{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := w.open("alice", termOpts{term: tc.term, env: tc.env, command: demoRoom})
			tm.waitFor("the room", roomShown)
			tm.send("j") // a move redraws the selection bar
			time.Sleep(200 * time.Millisecond)
			got := colours(tm.out.String())
			for _, k := range []string{"basic", "256", "true"} {
				if got[k] != tc.want[k] {
					t.Errorf("%s colours: %v, want %v", k, got[k], tc.want[k])
				}
			}
		})
	}
}

// TestNoTerminalQueries: the server never asks the client's terminal
// anything (background colour, device attributes), so a terminal that
// would not answer costs no wait before the first frame.
func TestNoTerminalQueries(t *testing.T) {
	w := newWorld(t, nil, nil)
	tm := w.open("alice", termOpts{})
	tm.waitFor("the list", listShown)
	out := tm.out.String()
	for _, q := range []string{"\x1b]11;?", "\x1b]10;?", "\x1b[c", "\x1b[0c", "\x1b[6n"} {
		if strings.Contains(out, q) {
			t.Errorf("the session was sent the query %q", q)
		}
	}
}

// TestResize: a resize of the client's window redraws the console at the
// new size: every line drawn after it fits the new width.
func TestResize(t *testing.T) {
	w := newWorld(t, nil, nil)
	tm := w.open("alice", termOpts{cols: 100, rows: 30})
	tm.waitFor("the list", listShown)
	mark := tm.mark()
	if err := tm.sess.WindowChange(12, 60); err != nil {
		t.Fatal(err)
	}
	tm.waitAfter(mark, "a redraw", listShown)
	time.Sleep(300 * time.Millisecond)
	lines := strings.Split(ansi.Strip(tm.out.String()[mark:]), "\n")
	if len(lines) < 6 {
		t.Fatalf("only %d lines redrawn", len(lines))
	}
	for _, l := range lines {
		if n := ansi.StringWidth(strings.TrimRight(l, "\r")); n > 60 {
			t.Errorf("a line %d columns wide after the resize to 60: %q", n, l)
		}
	}
}

// TestNoSize: a pty asked for without a size (ssh -tt with its input not a
// terminal) gets the console at 80x24 rather than a blank screen, and a
// later size takes over.
func TestNoSize(t *testing.T) {
	w := newWorld(t, nil, nil)
	tm := w.open("alice", termOpts{noSize: true})
	tm.waitFor("the list at 80x24", listShown)
	mark := tm.mark()
	if err := tm.sess.WindowChange(12, 60); err != nil {
		t.Fatal(err)
	}
	tm.waitAfter(mark, "a redraw", listShown)
	mark = tm.mark()
	if err := tm.sess.WindowChange(0, 0); err != nil {
		t.Fatal(err)
	}
	tm.waitAfter(mark, "a redraw after a size of 0x0", listShown)
}

// BenchmarkFirstFrame measures an operator's wait on loopback: from the
// TCP connection through the SSH handshake, the pty and the shell request
// to the console's first frame (the conference list), on a client that
// never answers a terminal query. The target is at most 500 ms.
func BenchmarkFirstFrame(b *testing.B) {
	w := newWorld(b, nil, nil)
	for b.Loop() {
		c, err := w.dial("alice")
		if err != nil {
			b.Fatal(err)
		}
		tm := openOn(b, c, termOpts{})
		for !listShown.MatchString(tm.text()) {
			time.Sleep(time.Millisecond)
		}
		c.Close()
	}
}

// BenchmarkIdleSessions opens 50 sessions, on the conference list and on
// one room, and leaves them idle: live heap and goroutines per session, and
// the CPU the whole process (server, consoles, the shared live state and
// the test's SSH clients) uses while they sit there, in percent of one
// core. Run it with -benchtime 1x.
func BenchmarkIdleSessions(b *testing.B) {
	const n = 50
	for _, screen := range []struct {
		name    string
		command string
		shown   *regexp.Regexp
	}{
		{"list", "", listShown},
		{"room", demoRoom, roomShown},
	} {
		b.Run(screen.name, func(b *testing.B) {
			w := newWorld(b, func(c *serve.Config) {
				c.Console.Refresh = time.Minute // idle: no polls while measuring
				c.MaxPerOperator = n
			}, nil)
			for b.Loop() {
				settle()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				g0 := runtime.NumGoroutine()
				var open []*terminal
				for range n {
					c, err := w.dial("alice")
					if err != nil {
						b.Fatal(err)
					}
					open = append(open, openOn(b, c, termOpts{command: screen.command}))
				}
				for _, tm := range open {
					for !screen.shown.MatchString(tm.text()) {
						time.Sleep(time.Millisecond)
					}
				}
				collect()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/n, "heap-B/session")
				b.ReportMetric(float64(runtime.NumGoroutine()-g0)/n, "goroutines/session")
				cpu0, t0 := cpuTime(b), time.Now()
				time.Sleep(5 * time.Second)
				b.ReportMetric(100*float64(cpuTime(b)-cpu0)/float64(time.Since(t0)), "cpu-%")
				for _, tm := range open {
					tm.client.Close()
				}
			}
		})
	}
}

// settle waits (up to 5 s) until what an earlier benchmark left behind,
// connections closing and their goroutines ending, has gone, and collects
// it: otherwise its frees land inside the next measurement.
func settle() {
	g := runtime.NumGoroutine()
	for range 50 {
		time.Sleep(100 * time.Millisecond)
		if n := runtime.NumGoroutine(); n == g {
			break
		} else {
			g = n
		}
	}
	collect()
}

// collect runs the collector twice: sync.Pool keeps what it held for one
// collection more, so one run leaves a pool's contents to be freed later.
func collect() {
	runtime.GC()
	runtime.GC()
}

// cpuTime is the CPU the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// bareModel is the least a Bubble Tea program can be: one line, no ticks.
type bareModel struct{}

func (bareModel) Init() tea.Cmd                         { return nil }
func (m bareModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (bareModel) View() string                          { return "idle" }

// BenchmarkIdleBarePrograms is BenchmarkIdleSessions' baseline: 50 bare
// Bubble Tea programs at the console's frame rate (20 fps), with no SSH and
// nothing to draw, in the same process. Run it with -benchtime 1x.
func BenchmarkIdleBarePrograms(b *testing.B) {
	const n = 50
	for b.Loop() {
		settle()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		g0 := runtime.NumGoroutine()
		var progs []*tea.Program
		done := make(chan struct{}, n)
		for range n {
			in, _ := io.Pipe() // never written: input that waits, as an idle operator's
			p := tea.NewProgram(bareModel{}, tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithFPS(20), tea.WithoutSignalHandler())
			progs = append(progs, p)
			go func() {
				p.Run() //nolint:errcheck // killed below
				done <- struct{}{}
			}()
		}
		time.Sleep(500 * time.Millisecond)
		collect()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/n, "heap-B/program")
		b.ReportMetric(float64(runtime.NumGoroutine()-g0)/n, "goroutines/program")
		cpu0, t0 := cpuTime(b), time.Now()
		time.Sleep(5 * time.Second)
		b.ReportMetric(100*float64(cpuTime(b)-cpu0)/float64(time.Since(t0)), "cpu-%")
		for _, p := range progs {
			p.Kill()
		}
		for range n {
			<-done
		}
	}
}
