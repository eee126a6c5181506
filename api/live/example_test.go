package live_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"confconsole/api"
	"confconsole/api/live"
)

// A screen watches a room, draws each snapshot it receives (a slow screen
// skips to the newest), and submits actions in its operator's name. In a
// Bubble Tea screen the receive is a command that returns the snapshot as a
// message and is issued again after each one.
func Example() {
	gate := live.NewGate(0)
	client, err := api.New(api.Config{
		AccountSID: "AC0123456789abcdef0123456789abcdef",
		AuthToken:  "example-token",
		HTTPClient: &http.Client{Transport: gate.Transport(nil), Timeout: 30 * time.Second},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	hub := live.New(client, live.Options{Gate: gate})
	defer hub.Close()

	ctx, leave := context.WithCancel(context.Background())
	defer leave() // the screen closed: its subscription ends
	room, err := hub.WatchRoom(ctx, "CF0123456789abcdef0123456789abcdef")
	if err != nil {
		fmt.Println(err)
		return
	}
	go func() {
		for snap := range room.Updates() {
			for _, p := range snap.Participants {
				fmt.Println(p.Name(), p.Muted)
			}
			if n := len(snap.Events); n > 0 {
				fmt.Println(snap.Events[n-1]) // "alice muted customer-7"
			}
		}
	}()

	err = hub.Submit(ctx, live.LocalOperator(), "CF0123456789abcdef0123456789abcdef",
		live.Action{Kind: live.Mute, CallSID: "CA0123456789abcdef0123456789abcdef", Label: "customer-7"})
	if err != nil {
		fmt.Println(err) // "cannot mute customer-7: bob is still waiting to ..."
	}
}
