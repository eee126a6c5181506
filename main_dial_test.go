package main

import (
	"fmt"
	"slices"
	"testing"

	"confconsole/ui"
)

// TestConsoleSubscribesTheConferenceItStarts: n on the conference list,
// a name no conference has, a number: the simulator starts that conference
// and the console opens it. With webhooks the create names the console's
// receiver as the conference's status callback for every event, and the
// simulator's callbacks for the new conference reach the receiver (seen
// through --webhook-forward, which re-sends what the receiver accepted);
// without webhooks the create asks for no callbacks.
func TestConsoleSubscribesTheConferenceItStarts(t *testing.T) {
	for _, withHook := range []bool{true, false} {
		t.Run(fmt.Sprintf("webhook %v", withHook), func(t *testing.T) {
			w := newHookWorld(t)
			addr := freeAddr(t)
			public := "http://" + addr + "/cb"
			args := []string{"--api-url", w.apiURL, "--audit-log", "-"}
			if withHook {
				args = append(args, "--webhook-listen", addr, "--webhook-url", public, "--webhook-forward", w.fwdURL)
			}
			c := startConsole(t, args, w.env)
			c.waitFor(hookConf)
			c.typeText("n")
			c.waitFor("Dial into a conference")
			// ctrl+u clears the name filled in from the selected conference.
			c.typeText("\x15New bridge\t+15005550100\t+15005550006\x13")
			c.waitFor("dialling +15005550100 into New bridge (new conference)")

			var started string
			for _, conf := range w.srv.Conferences(hookAccount) {
				if conf.FriendlyName == "New bridge" {
					started = conf.SID
				}
			}
			if started == "" {
				t.Fatal("the simulator has no conference named New bridge")
			}
			w.mu.Lock()
			creates := slices.Clone(w.creates)
			w.mu.Unlock()
			if len(creates) != 1 {
				t.Fatalf("%d creates, want 1", len(creates))
			}
			got := creates[0]
			if !withHook {
				if got.Has("ConferenceStatusCallback") || got.Has("ConferenceStatusCallbackEvent") {
					t.Errorf("without webhooks the dial subscribed: %v", got)
				}
				return
			}
			if cb := got.Get("ConferenceStatusCallback"); cb != public {
				t.Errorf("ConferenceStatusCallback %q, want %q (form %v)", cb, public, got)
			}
			if ev := got["ConferenceStatusCallbackEvent"]; !slices.Equal(ev, ui.ConferenceEvents()) {
				t.Errorf("ConferenceStatusCallbackEvent %q, want every event %q", ev, ui.ConferenceEvents())
			}
			waitUntil(t, "a callback of the new conference at the receiver", func() bool {
				w.mu.Lock()
				defer w.mu.Unlock()
				for _, f := range w.forwards {
					if f.Get("ConferenceSid") == started {
						return true
					}
				}
				return false
			})
		})
	}
}
