package ui

import (
	"context"
	"net"
	"strings"
	"testing"

	"confconsole/api"
)

// TestRefusedConnectionNamesTheServer: a refused connection says which
// address was tried, so a wrong --api-url or port is plain to see.
func TestRefusedConnectionNamesTheServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	client, err := api.New(api.Config{AccountSID: simAccount, AuthToken: simToken, BaseURL: base, Retry: api.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.ListConferences(context.Background(), api.ConferenceFilter{})
	if err == nil {
		t.Fatal("listing from a closed port succeeded")
	}
	want := "cannot connect to " + base + ": connection refused"
	if got := explain(err); !strings.Contains(got, want) {
		t.Errorf("explain = %q, want it to contain %q", got, want)
	}
	if got := shortCause(err); got != "connection refused" {
		t.Errorf("shortCause = %q, want connection refused", got)
	}
}
