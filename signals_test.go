//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// signalRun is what one signalled run of the console came to.
type signalRun struct {
	exit     int           // the exit code; 128+n when the signal itself ended the process
	byKernel bool          // the signal's default action ended it (it came before main caught signals)
	took     time.Duration // from the signal to the exit; -1 when it never exited
	out      string        // everything written to the terminal
	echo     bool          // ECHO and ICANON are on again after the exit
}

// signalConsole runs bin --demo on a fresh pty, sends sig after delay, and
// waits at most limit for the process to end.
func signalConsole(t *testing.T, bin string, sig syscall.Signal, delay, limit time.Duration) signalRun {
	t.Helper()
	p := openPTY(t, 100, 30)
	cmd := exec.Command(bin, "--demo")
	cmd.Env = []string{"TERM=xterm-256color", "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = p.slave, p.slave, p.slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	var mu sync.Mutex
	var out bytes.Buffer
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		buf := make([]byte, 32<<10)
		for {
			n, err := p.master.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	time.Sleep(delay)
	sent := time.Now()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatalf("send %v: %v", sig, err)
	}
	r := signalRun{took: -1}
	select {
	case err := <-exited:
		r.took = time.Since(sent)
		var ee *exec.ExitError
		switch {
		case err == nil:
			r.exit = 0
		case errors.As(err, &ee):
			r.exit = ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				r.exit, r.byKernel = 128+int(ws.Signal()), true
			}
		default:
			t.Fatalf("wait: %v", err)
		}
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-exited
	}
	var tio syscall.Termios
	if err := ioctl(p.slave, syscall.TCGETS, uintptr(unsafe.Pointer(&tio))); err != nil {
		t.Fatalf("read the terminal's modes: %v", err)
	}
	r.echo = tio.Lflag&syscall.ECHO != 0 && tio.Lflag&syscall.ICANON != 0
	// Whatever the process wrote is in the pty by now; give the reader a
	// moment to drain it.
	time.Sleep(20 * time.Millisecond)
	mu.Lock()
	r.out = out.String()
	mu.Unlock()
	return r
}

// restored reports what the console left switched on: the alternate screen
// entered and not left, the cursor hidden and not shown again.
func restored(out string) []string {
	var left []string
	if i := strings.LastIndex(out, "\x1b[?1049h"); i >= 0 && !strings.Contains(out[i:], "\x1b[?1049l") {
		left = append(left, "the alternate screen")
	}
	if i := strings.LastIndex(out, "\x1b[?25l"); i >= 0 && !strings.Contains(out[i:], "\x1b[?25h") {
		left = append(left, "the hidden cursor")
	}
	return left
}

// TestSignalsEndTheConsoleAndRestoreTheTerminal signals the built binary,
// running --demo on a real pseudo-terminal, many times at varied moments:
// during start-up, around the first frame and while it polls. Every run must
// end within the bound with the shell's code for the signal (128+n), and
// leave the terminal as it found it: main screen, cursor shown, echo and
// line editing on.
func TestSignalsEndTheConsoleAndRestoreTheTerminal(t *testing.T) {
	bin := buildConsole(t)
	sigs := []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT}
	// The delays spread over start-up (the runtime, flags, the demo
	// simulator), the first frame and the first polls.
	delays := []time.Duration{2, 15, 40, 80, 120, 200, 350, 600}
	const bound = 3 * time.Second // a healthy exit takes milliseconds; the hang was for ever
	type job struct {
		sig   syscall.Signal
		delay time.Duration
	}
	var jobs []job
	for i, d := range delays {
		for j := range sigs {
			jobs = append(jobs, job{sigs[(i+j)%len(sigs)], d * time.Millisecond})
		}
	}
	results := make([]signalRun, len(jobs))
	var wg sync.WaitGroup
	gate := make(chan struct{}, 4) // a few at a time: the machine is shared
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			gate <- struct{}{}
			defer func() { <-gate }()
			results[i] = signalConsole(t, bin, j.sig, j.delay, bound)
		}()
	}
	wg.Wait()
	var slowest time.Duration
	for i, j := range jobs {
		r := results[i]
		name := fmt.Sprintf("%v after %v", j.sig, j.delay)
		if r.took < 0 {
			t.Errorf("%s: still running %v after the signal\noutput: %q", name, bound, tail(r.out))
			continue
		}
		slowest = max(slowest, r.took)
		early := !strings.Contains(r.out, "\x1b[")
		if early && (r.byKernel || j.sig == syscall.SIGQUIT && r.exit == 2) {
			// The signal came before main took it over, and the Go
			// runtime's default action ended the process (SIGQUIT: a
			// goroutine dump and exit 2); nothing on the terminal had
			// changed yet, so there was nothing to restore.
			continue
		}
		if want := 128 + int(j.sig); r.exit != want {
			t.Errorf("%s: exit code %d, want %d\noutput: %q", name, r.exit, want, tail(r.out))
		}
		if left := restored(r.out); len(left) > 0 {
			t.Errorf("%s: left %s on\noutput: %q", name, strings.Join(left, " and "), tail(r.out))
		}
		if !r.echo {
			t.Errorf("%s: echo or line editing left off", name)
		}
	}
	t.Logf("%d runs; the slowest exit took %v after its signal", len(jobs), slowest.Round(time.Millisecond))
}

func tail(s string) string {
	if len(s) > 300 {
		return "…" + s[len(s)-300:]
	}
	return s
}

// TestConsoleRefusesAStreamThatIsNotATerminal runs the built binary with
// its input, then its output, redirected away from the terminal: it must
// say what is wrong and exit 1 before writing a single escape sequence.
func TestConsoleRefusesAStreamThatIsNotATerminal(t *testing.T) {
	bin := buildConsole(t)
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	tests := []struct {
		name     string
		redirect func(cmd *exec.Cmd, p *pty, out *bytes.Buffer)
		want     string
	}{
		{"stdin from /dev/null", func(cmd *exec.Cmd, p *pty, _ *bytes.Buffer) {
			cmd.Stdin, cmd.Stdout = devNull, p.slave
		}, "standard input is not a terminal"},
		{"stdout into a pipe", func(cmd *exec.Cmd, p *pty, out *bytes.Buffer) {
			cmd.Stdin, cmd.Stdout = p.slave, out
		}, "standard output is not a terminal"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := openPTY(t, 80, 24)
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, "--demo")
			cmd.Env = []string{"TERM=xterm-256color", "HOME=" + t.TempDir()}
			cmd.Stderr = &stderr
			tc.redirect(cmd, p, &stdout)
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("exit: %v, want code 1", err)
			}
			if !strings.Contains(stderr.String(), tc.want) || !strings.Contains(stderr.String(), "run it in a terminal") {
				t.Errorf("stderr %q, want %q and what to do", stderr.String(), tc.want)
			}
			p.slave.Close()
			rest := make([]byte, 4096)
			_ = p.master.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			n, _ := p.master.Read(rest)
			if written := stdout.String() + string(rest[:n]); strings.Contains(written, "\x1b") {
				t.Errorf("wrote escape sequences before refusing: %q", written)
			}
		})
	}
}
