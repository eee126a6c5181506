// Command perfreport measures confconsole against its performance budgets
// and prints every figure in one table, with the alternatives measured in
// the same run beside them:
//
//	go run ./ui/internal/perfreport
//
// It builds the binary, times its start on a pseudo-terminal that never
// answers, measures its CPU and output while idle on a 250-participant
// conference, and runs the benchmarks and the byte-counting and latency
// tests of the ui and api/sim packages, reading the figures they print.
// It takes about a minute and wants a quiet machine; it is not part of
// go test.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"confconsole/api/sim"
	_ "confconsole/ui/nostall" // the baseline program below must not stall either
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "perfreport:", err)
		os.Exit(1)
	}
}

// options are the report's flags.
type options struct {
	idle       time.Duration
	idleRounds int
	benchtime  string
	runs       int
	only       string
	ticker     int  // internal: run the bare Bubble Tea baseline at this frame rate
	screen     bool // internal: the baseline draws a full screen and ticks a clock
}

// parts are the report's sections, in the order they run; -only picks some.
var parts = []string{"startup", "idle", "tests", "benchmarks"}

// selected returns the sections named by only (a comma-separated list,
// empty for all), or an error naming one that does not exist.
func selected(only string) (map[string]bool, error) {
	want := map[string]bool{}
	if strings.TrimSpace(only) == "" {
		for _, p := range parts {
			want[p] = true
		}
		return want, nil
	}
	for _, p := range strings.Split(only, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(parts, p) {
			return nil, fmt.Errorf("-only: no section %q; choose from %s", p, strings.Join(parts, ", "))
		}
		want[p] = true
	}
	return want, nil
}

func run(args []string, stdout io.Writer) error {
	var o options
	fs := flag.NewFlagSet("perfreport", flag.ContinueOnError)
	fs.DurationVar(&o.idle, "idle", 10*time.Second, "how long to measure CPU while idle, per run")
	fs.IntVar(&o.idleRounds, "idle-rounds", 3, "idle CPU rounds, each the console and the bare program in turn (the medians count)")
	fs.StringVar(&o.only, "only", "", "run only these sections, comma-separated: "+strings.Join(parts, ", "))
	fs.StringVar(&o.benchtime, "benchtime", "1s", "go test -benchtime for the benchmarks")
	fs.IntVar(&o.runs, "runs", 5, "start-up runs (the best counts)")
	fs.IntVar(&o.ticker, "baseline-ticker", 0, "run a bare Bubble Tea program at this frame rate (used by the report itself)")
	fs.BoolVar(&o.screen, "baseline-screen", false, "with -baseline-ticker: draw a 120x40 screen and tick a clock once a second")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.ticker > 0 {
		return bareProgram(o.ticker, o.screen)
	}
	want, err := selected(o.only)
	if err != nil {
		return err
	}
	if o.idleRounds < 1 {
		return fmt.Errorf("-idle-rounds is %d; it must be at least 1", o.idleRounds)
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "perfreport")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "confconsole")
	fmt.Fprintln(os.Stderr, "building the console…")
	if out, err := command(root, "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	r := &report{}

	if want["startup"] {
		fmt.Fprintln(os.Stderr, "start-up on a terminal that never answers…")
		if err := measureStartup(r, bin, o.runs); err != nil {
			return err
		}
	}
	if want["idle"] {
		fmt.Fprintf(os.Stderr, "idle CPU and output, %d rounds of %v each…\n", o.idleRounds, o.idle)
		if err := measureIdle(r, bin, o.idle, o.idleRounds); err != nil {
			return err
		}
	}
	if want["tests"] {
		fmt.Fprintln(os.Stderr, "byte-counting, latency and ratio tests…")
		if err := readTests(r, root); err != nil {
			return err
		}
	}
	if want["benchmarks"] {
		fmt.Fprintln(os.Stderr, "benchmarks…")
		if err := readBenchmarks(r, root, o.benchtime); err != nil {
			return err
		}
	}
	r.print(stdout)
	return nil
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run perfreport inside the confconsole module")
	}
	return filepath.Dir(mod), nil
}

func command(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	return cmd
}

// row is one line of the report.
type row struct {
	what, budget, measured, baseline string
	ok                               string // "ok", "OVER" or "" when not judged
}

type report struct{ rows []row }

func (r *report) add(what, budget, measured, baseline string, ok bool, judged bool) {
	verdict := ""
	if judged {
		verdict = "ok"
		if !ok {
			verdict = "OVER"
		}
	}
	r.rows = append(r.rows, row{what, budget, measured, baseline, verdict})
}

func (r *report) print(w io.Writer) {
	head := row{"what", "budget", "measured", "baseline (same run)", "verdict"}
	widths := [4]int{}
	for _, x := range append([]row{head}, r.rows...) {
		for i, s := range []string{x.what, x.budget, x.measured, x.baseline} {
			widths[i] = max(widths[i], len([]rune(s)))
		}
	}
	line := func(x row) {
		cells := []string{x.what, x.budget, x.measured, x.baseline}
		var b strings.Builder
		b.WriteString("|")
		for i, c := range cells {
			b.WriteString(" " + c + strings.Repeat(" ", widths[i]-len([]rune(c))) + " |")
		}
		b.WriteString(" " + x.ok + " |")
		fmt.Fprintln(w, b.String())
	}
	fmt.Fprintf(w, "confconsole performance, %s, %s/%s, %d CPUs, %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel())
	line(head)
	seps := row{}
	seps.what, seps.budget, seps.measured, seps.baseline = strings.Repeat("-", widths[0]), strings.Repeat("-", widths[1]), strings.Repeat("-", widths[2]), strings.Repeat("-", widths[3])
	seps.ok = "-------"
	line(seps)
	for _, x := range r.rows {
		line(x)
	}
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// ---- start-up ----

// terminal is a program running on a pseudo-terminal the report holds and
// never answers, with everything the program writes counted.
type terminal struct {
	cmd    *exec.Cmd
	start  time.Time
	chunks chan chunk
	out    bytes.Buffer
	closer func()
}

type chunk struct {
	at   time.Time
	data []byte
}

func startOnPTY(bin string, args, env []string) (*terminal, error) {
	master, slave, err := openPTY(120, 40)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"TERM=xterm-256color", "PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()}, env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = setCtty()
	t := &terminal{cmd: cmd, chunks: make(chan chunk, 1024)}
	go func() {
		defer close(t.chunks)
		buf := make([]byte, 64<<10)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				t.chunks <- chunk{time.Now(), bytes.Clone(buf[:n])}
			}
			if err != nil {
				return
			}
		}
	}()
	t.start = time.Now()
	if err := cmd.Start(); err != nil {
		master.Close()
		slave.Close()
		return nil, err
	}
	t.closer = func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		master.Close()
		slave.Close()
	}
	return t, nil
}

// waitFor reads output until it contains s (after the alternate screen is
// entered) and returns when that arrived.
func (t *terminal) waitFor(s string, limit time.Duration) (time.Duration, error) {
	deadline := time.After(limit)
	for {
		select {
		case c, ok := <-t.chunks:
			if !ok {
				return 0, fmt.Errorf("the program ended before showing %q: %q", s, t.out.String())
			}
			t.out.Write(c.data)
			o := t.out.String()
			if i := strings.Index(o, "\x1b[?1049h"); i >= 0 && strings.Contains(o[i:], s) {
				return c.at.Sub(t.start), nil
			}
		case <-deadline:
			return 0, fmt.Errorf("no %q within %v", s, limit)
		}
	}
}

// drain counts the bytes written for d.
func (t *terminal) drain(d time.Duration) int {
	n := 0
	deadline := time.After(d)
	for {
		select {
		case c, ok := <-t.chunks:
			if !ok {
				return n
			}
			n += len(c.data)
		case <-deadline:
			return n
		}
	}
}

func measureStartup(r *report, bin string, runs int) error {
	var ds []time.Duration
	for range runs {
		t, err := startOnPTY(bin, []string{"--demo"}, nil)
		if err != nil {
			return err
		}
		d, err := t.waitFor("confconsole", 10*time.Second)
		t.closer()
		if err != nil {
			return fmt.Errorf("start-up: %w", err)
		}
		ds = append(ds, d)
	}
	slices.Sort(ds)
	best, median := ds[0], ds[len(ds)/2]
	r.add("start to first frame, terminal never answers", "≤ 100 ms",
		fmt.Sprintf("%v best, %v median of %d", best.Round(time.Millisecond), median.Round(time.Millisecond), runs),
		"Bubble Tea v1 default: about 5 s", best <= 100*time.Millisecond, true)
	return nil
}

// ---- idle ----

// cpuTime is the CPU the process has used so far, from the scheduler's
// per-thread nanosecond counters (or the coarser tick counts).
func cpuTime(pid int) (time.Duration, error) {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if len(tasks) > 0 {
		var total int64
		for _, f := range tasks {
			b, err := os.ReadFile(f)
			if err != nil {
				continue // the thread ended
			}
			if fs := strings.Fields(string(b)); len(fs) > 0 {
				n, _ := strconv.ParseInt(fs[0], 10, 64)
				total += n
			}
		}
		return time.Duration(total), nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	fs := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(fs[11], 10, 64)
	stime, _ := strconv.ParseInt(fs[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil // USER_HZ is 100 on Linux
}

// idleRun measures a program on a pty for d after it has shown want and
// settled: its share of one core and the bytes it wrote per second.
func idleRun(bin string, args, env []string, want string, d time.Duration) (cpu float64, bytesPerSec float64, err error) {
	t, err := startOnPTY(bin, args, env)
	if err != nil {
		return 0, 0, err
	}
	defer t.closer()
	if _, err := t.waitFor(want, 15*time.Second); err != nil {
		return 0, 0, err
	}
	t.drain(2 * time.Second) // the first polls and the recording state
	pid := t.cmd.Process.Pid
	c0, err := cpuTime(pid)
	if err != nil {
		return 0, 0, err
	}
	w0 := time.Now()
	n := t.drain(d)
	c1, err := cpuTime(pid)
	if err != nil {
		return 0, 0, err
	}
	wall := time.Since(w0)
	return 100 * float64(c1-c0) / float64(wall), float64(n) / wall.Seconds(), nil
}

// serveConference serves a simulator with one conference of 250 connected
// participants on loopback, unchanging: only time passes.
func serveConference() (url, account, token, conf string, stop func(), err error) {
	srv := sim.New(sim.WithSeed(11))
	account, token = sim.NewSID("AC"), sim.NewAuthToken()
	if err := srv.AddAccount(account, token); err != nil {
		return "", "", "", "", nil, err
	}
	labels := []string{"agent", "王小明", "🎧 desk", "김민준", "José", "caller"}
	for i := range 250 {
		p, err := srv.JoinConnected(account, "all-hands", sim.Join{Label: fmt.Sprintf("%s %03d", labels[i%len(labels)], i), Muted: i%3 == 0})
		if err != nil {
			return "", "", "", "", nil, err
		}
		conf = p.ConferenceSID
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", "", "", nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln) //nolint:errcheck // ends at Shutdown
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String(), account, token, conf, stop, nil
}

// idleFPS is the console's frame rate (Bubble Tea's renderer ticker), so
// the bare program it is compared with ticks as often.
const idleFPS = 20

// idleBudget is how much more CPU the idle console may use than a bare
// Bubble Tea program at the same frame rate, measured in the same run.
const idleBudget = 1.3

func measureIdle(r *report, bin string, d time.Duration, rounds int) error {
	url, account, token, conf, stop, err := serveConference()
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	defer stop()
	env := []string{"TWILIO_ACCOUNT_SID=" + account, "TWILIO_AUTH_TOKEN=" + token}
	args := []string{"--api-url", url, "--conference", conf}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	console := func() (float64, error) {
		cpu, _, err := idleRun(bin, args, env, "LABEL", d)
		if err != nil {
			return 0, fmt.Errorf("idle console: %w", err)
		}
		return cpu, nil
	}
	baseline := func(args ...string) func() (float64, error) {
		return func() (float64, error) {
			cpu, _, err := idleRun(self, append([]string{"-baseline-ticker", strconv.Itoa(idleFPS)}, args...), nil, "idle", d)
			if err != nil {
				return 0, fmt.Errorf("idle baseline: %w", err)
			}
			return cpu, nil
		}
	}
	ours, base, ratios, err := interleave(rounds, console, baseline())
	if err != nil {
		return err
	}
	ratio := median(ratios)
	r.add("CPU while idle (250 participants, 2 s polls), ratio to bare", fmt.Sprintf("≤ %.1fx", idleBudget),
		fmt.Sprintf("%.2fx (median of %d; each %s)", ratio, rounds, ratioList(ratios)),
		fmt.Sprintf("ours %.2f %%, bare Bubble Tea at %d fps %.2f %% of a core (medians)", median(ours), idleFPS, median(base)),
		ratio <= idleBudget, true)
	// The same comparison against a bare program that also draws a full
	// screen and ticks a clock once a second (as the console did before it
	// woke only when its screen changes): what is left is what polling and
	// the console's own logic cost, apart from the renderer and clock.
	ours, base, ratios, err = interleave(rounds, console, baseline("-baseline-screen"))
	if err != nil {
		return err
	}
	r.add("CPU while idle, ratio to bare drawing 120x40 with a 1 s clock", "",
		fmt.Sprintf("%.2fx (median of %d; each %s)", median(ratios), rounds, ratioList(ratios)),
		fmt.Sprintf("ours %.2f %%, that program %.2f %% of a core (medians)", median(ours), median(base)),
		true, false)
	cpu1, bps, err := idleRun(bin, append(args, "--refresh", "1s"), env, "LABEL", d)
	if err != nil {
		return fmt.Errorf("idle console, 1 s polls: %w", err)
	}
	r.add("CPU while idle, 1 s polls", "", fmt.Sprintf("%.2f %% of a core", cpu1), "", true, false)
	r.add("output while idle on a real pty, 1 s polls", "≤ 2 KB/s", fmt.Sprintf("%.0f B/s", bps), "a per-second duration column: about 4.8 KB/s", bps <= 2048, true)
	return nil
}

// interleave measures a and b in turn for the given number of rounds,
// alternating which goes first so a machine that grows busier or quieter
// does not favour one, and returns every figure and each round's a/b.
func interleave(rounds int, a, b func() (float64, error)) (as, bs, ratios []float64, err error) {
	for i := range rounds {
		var x, y float64
		if i%2 == 0 {
			if x, err = a(); err == nil {
				y, err = b()
			}
		} else {
			if y, err = b(); err == nil {
				x, err = a()
			}
		}
		if err != nil {
			return nil, nil, nil, err
		}
		as, bs = append(as, x), append(bs, y)
		if y > 0 {
			ratios = append(ratios, x/y)
		}
	}
	if len(ratios) == 0 {
		return nil, nil, nil, errors.New("the bare program used no measurable CPU: measure for longer (-idle)")
	}
	return as, bs, ratios, nil
}

// median returns the middle value (the mean of the middle two for an even
// count); xs must not be empty.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func ratioList(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.2f", x)
	}
	return strings.Join(parts, ", ")
}

// bare is the least a Bubble Tea program can be: a still view, nothing
// scheduled. What it costs idle is the renderer's ticker. With screen, it
// also fills a 120x40 terminal and ticks a clock once a second, as the
// console did before it woke only when its screen changes: Bubble Tea's
// renderer copies and compares the whole view on every frame.
type bare struct {
	view  string
	clock bool
}

// clockMsg is the bare program's once-a-second tick.
type clockMsg struct{}

func (b bare) Init() tea.Cmd {
	if !b.clock {
		return nil
	}
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return clockMsg{} })
}

func (b bare) Update(m tea.Msg) (tea.Model, tea.Cmd) {
	switch m := m.(type) {
	case tea.KeyMsg:
		if m.String() == "q" {
			return b, tea.Quit
		}
	case clockMsg:
		return b, b.Init()
	}
	return b, nil
}

func (b bare) View() string { return b.view }

func bareProgram(fps int, screen bool) error {
	b := bare{view: "idle"}
	if screen {
		// 39 lines of 119 columns under the word the report waits for.
		b.view, b.clock = "idle"+strings.Repeat("\n"+strings.Repeat("x", 119), 39), true
	}
	_, err := tea.NewProgram(b, tea.WithAltScreen(), tea.WithFPS(fps)).Run()
	return err
}

// ---- tests and benchmarks ----

var perfLine = regexp.MustCompile(`perf: (\S+) ([0-9.e+-]+) ?(\S*)`)

var ratioLine = regexp.MustCompile(`(view|apply|cursor): ours (\S+), bubbles (\S+), ratio ([0-9.]+)`)

func readTests(r *report, root string) error {
	cmd := command(root, "go", "test", "-count=1", "-v", "-run", "^(TestTerminalBytes|TestPollAndKeyLatency|TestPerfAgainstBubblesTable|TestEventToScreenLatency|TestSpeechBytes)$", "./ui/", "-latency-rounds=60")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test ./ui/: %w\n%s", err, out)
	}
	figs, ratios := parseTestOutput(out)
	need := func(k string) float64 {
		v, ok := figs[k]
		if !ok {
			err = fmt.Errorf("the tests printed no %s", k)
		}
		return v
	}
	b := func(what, key, budget string, limit float64, baseline string) {
		v := need(key)
		r.add(what, budget, fmt.Sprintf("%.0f B", v), baseline, v <= limit, limit >= 0)
	}
	b("bytes, poll returns unchanged data", "bytes.unchanged_poll", "0", 0, "")
	b("bytes, one participant's row changes", "bytes.one_row", "≤ 256", 256, "")
	b("bytes, a mute (row + header counts)", "bytes.one_mute", "", -1, "")
	b("bytes, a hold (row + header counts)", "bytes.one_hold", "", -1, "")
	b("bytes, a participant leaves mid-screen", "bytes.leave_mid_screen", "", -1, "")
	b("bytes, a join below the screen (counts)", "bytes.join_offscreen_end", "", -1, "")
	b("bytes, a join mid-screen (rows move)", "bytes.join_mid_screen", "", -1, "")
	b("bytes, first paint at 120x40", "bytes.first_paint", "≤ 6 KB", 6144, "heavily styled tables: 17-23 KB")
	b("bytes, resize to 120x40", "bytes.resize_120x40", "≤ 6 KB", 6144, "heavily styled tables: 17-23 KB")
	b("bytes, the worst second of that minute", "bytes.steady_worst_second", "", -1, "")
	b("bytes, a minute passing at once", "bytes.minute_at_once", "", -1, "")
	v := need("bytes.steady_per_second")
	r.add("bytes/s, steady state, 1 s polls (emulated)", "≤ 2 KB/s", fmt.Sprintf("%.0f B/s", v), "a per-second duration column: about 4.8 KB/s", v <= 2048, true)
	frameMS := need("frame")
	for _, k := range []struct{ key, what string }{
		{"latency.poll_to_screen_p95", "poll reply to screen, p95"},
		{"latency.key_to_screen_in_flight_p95", "key to screen, request in flight, p95"},
	} {
		v := need(k.key)
		r.add(k.what, fmt.Sprintf("≤ %.0f ms (a frame + 5 ms)", frameMS+5), fmt.Sprintf("%.1f ms", v), "", v <= frameMS+5, true)
	}
	v = need("latency.event_to_screen_p95")
	r.add("mute on the simulator to screen via its status callback, p95", fmt.Sprintf("≤ %.0f ms (a frame + 10 ms)", frameMS+10), fmt.Sprintf("%.1f ms", v), "", v <= frameMS+10, true)
	b("bytes, a speech start (one cell)", "bytes.speech_start", "≤ 48", 48, "the row's whole line, as Bubble Tea writes it: about 195 B")
	b("bytes, a speech stop (one cell)", "bytes.speech_stop", "≤ 48", 48, "")
	b("bytes, a spoke age's first minute, over steady state", "bytes.speech_age_minute_extra", "≤ 288", 288, "a per-second age: about 60 rewrites")
	v = need("requests.max_in_flight")
	r.add("requests to Twilio in flight at once", "≤ 1", fmt.Sprintf("%.0f", v), "", v <= 1, true)
	r.add("requests per poll, 250 participants", "1", "1 (asserted)", "", true, true)
	for _, op := range []string{"view", "apply", "cursor"} {
		if m, ok := ratios[op]; ok {
			r.add("ratio to bubbles' table: "+op, "", m[2], "ours "+m[0]+", bubbles "+m[1], true, false)
		}
	}
	return err
}

// parseTestOutput reads the "perf:" figures and the ratio lines the ui
// tests print.
func parseTestOutput(out []byte) (figs map[string]float64, ratios map[string][]string) {
	figs, ratios = map[string]float64{}, map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if m := perfLine.FindStringSubmatch(sc.Text()); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			figs[m[1]] = v
		}
		if m := ratioLine.FindStringSubmatch(sc.Text()); m != nil {
			ratios[m[1]] = m[2:]
		}
	}
	return figs, ratios
}

var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([0-9.]+) ns/op(?:\s+([0-9.]+) req/s)?(?:\s+([0-9.]+) B/op\s+([0-9.]+) allocs/op)?`)

type bench struct{ ns, reqs, allocs float64 }

// parseBench reads the figures of one benchmark line matched by benchLine.
func parseBench(m []string) bench {
	var b bench
	b.ns, _ = strconv.ParseFloat(m[2], 64)
	b.reqs, _ = strconv.ParseFloat(m[3], 64)
	b.allocs, _ = strconv.ParseFloat(m[5], 64)
	return b
}

func runBenchmarks(root, pkg, pattern, benchtime string) (map[string]bench, error) {
	cmd := command(root, "go", "test", "-count=1", "-run", "^$", "-bench", pattern, "-benchmem", "-benchtime", benchtime, pkg)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go test -bench %s %s: %w\n%s", pattern, pkg, err, out)
	}
	res := map[string]bench{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		res[m[1]] = parseBench(m)
	}
	return res, nil
}

func readBenchmarks(r *report, root, benchtime string) error {
	ui, err := runBenchmarks(root, "./ui/", "^BenchmarkParticipants$/(view|apply|cursor)/n=250/120x40/", benchtime)
	if err != nil {
		return err
	}
	get := func(k string) (bench, error) {
		b, ok := ui[k]
		if !ok {
			return b, fmt.Errorf("no benchmark %s in the output", k)
		}
		return b, nil
	}
	for _, c := range []struct {
		op, what, budget string
		limit            time.Duration
		allocs           float64
	}{
		{"view", "View(), participants screen", "≤ 100 µs, ≤ 200 allocs", 100 * time.Microsecond, 200},
		{"apply", "apply a poll result (diff + re-render)", "≤ 1 ms", time.Millisecond, -1},
		{"cursor", "cursor move (key to new view)", "≤ 0.5 ms", 500 * time.Microsecond, -1},
	} {
		ours, err := get("Participants/" + c.op + "/n=250/120x40/ours")
		if err != nil {
			return err
		}
		base, err := get("Participants/" + c.op + "/n=250/120x40/bubbles")
		if err != nil {
			return err
		}
		ok := time.Duration(ours.ns) <= c.limit && (c.allocs < 0 || ours.allocs <= c.allocs)
		r.add(c.what, c.budget,
			fmt.Sprintf("%v, %.0f allocs", time.Duration(ours.ns).Round(100*time.Nanosecond), ours.allocs),
			fmt.Sprintf("bubbles table: %v, %.0f allocs (×%.1f)", time.Duration(base.ns).Round(time.Microsecond), base.allocs, base.ns/ours.ns), ok, true)
	}
	s, err := runBenchmarks(root, "./api/sim/", "^BenchmarkListParticipants250Parallel$", benchtime)
	if err != nil {
		return err
	}
	for _, k := range []string{"handler", "http"} {
		b, ok := s["ListParticipants250Parallel/"+k]
		if !ok {
			return fmt.Errorf("no simulator benchmark %s in the output", k)
		}
		what := "simulator: list of 250, parallel, in-process"
		if k == "http" {
			what = "simulator: list of 250, parallel, over loopback"
		}
		r.add(what, fmt.Sprintf("≥ 2,000 req/s on %d cores", runtime.NumCPU()), fmt.Sprintf("%.0f req/s", b.reqs), "", b.reqs >= 2000, true)
	}
	return nil
}
