package ui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while the program writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunQuitsAndRestoresTheTerminal(t *testing.T) {
	tests := []struct {
		name string
		stop func(cancel context.CancelFunc, in *io.PipeWriter)
	}{
		{"q", func(_ context.CancelFunc, in *io.PipeWriter) { in.Write([]byte("q")) }},
		{"ctrl+c", func(_ context.CancelFunc, in *io.PipeWriter) { in.Write([]byte{0x03}) }},
		{"context ends", func(cancel context.CancelFunc, _ *io.PipeWriter) { cancel() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inR, inW := io.Pipe()
			defer inW.Close()
			out := &syncBuffer{}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				done <- Run(ctx, demoService(), Options{Keys: testKeyMap(), In: inR, Out: out, Theme: "dark", Demo: true})
			}()
			// Wait until the first frame is drawn, then stop.
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(out.String(), "support-escalations") {
				if time.Now().After(deadline) {
					t.Fatalf("no first frame; output so far %q", out.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			tc.stop(cancel, inW)
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Run = %v, want nil", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not return")
			}
			got := out.String()
			if !strings.Contains(got, "\x1b[?1049h") || !strings.Contains(got, "\x1b[?1049l") {
				t.Errorf("alternate screen not entered and left: %q", got)
			}
			if strings.Index(got, "\x1b[?1049l") < strings.Index(got, "\x1b[?1049h") {
				t.Errorf("alternate screen left before it was entered")
			}
		})
	}
}

// TestRunCtrlCInAFormClosesIt: through the real program and its input
// reader, ctrl+c in the add form closes the form and keeps the console
// running; the second ctrl+c quits.
func TestRunCtrlCInAFormClosesIt(t *testing.T) {
	inR, inW := io.Pipe()
	defer inW.Close()
	out := &syncBuffer{}
	svc := demoService()
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), svc, Options{Keys: testKeyMap(), In: inR, Out: out, Theme: "dark", Conference: confSID})
	}()
	waitFor := func(what string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(out.String(), what) {
			if time.Now().After(deadline) {
				t.Fatalf("%q never shown; output so far %q", what, out.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor("agent-7")
	inW.Write([]byte("n"))
	waitFor("Add participant to")
	inW.Write([]byte("+1415"))
	waitFor("+1415")
	inW.Write([]byte{0x03})
	waitFor("ctrl+c again quits")
	select {
	case err := <-done:
		t.Fatalf("the first ctrl+c in the form ended the console (%v)", err)
	default:
	}
	inW.Write([]byte{0x03})
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second ctrl+c did not quit")
	}
	if c := svc.called("CreateParticipant"); len(c) != 0 {
		t.Errorf("closing the form dialled: %q", c)
	}
}
