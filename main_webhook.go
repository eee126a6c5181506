package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"confconsole/api"
	"confconsole/api/live"
	"confconsole/api/sim"
	"confconsole/api/webhook"
	"confconsole/model"
	"confconsole/ui"
)

// webhookStopWait bounds how long stopping the receiver waits for the
// requests it is answering, then for its goroutines (a forward on its way
// is cancelled).
const webhookStopWait = time.Second

// demoSubscribeEvery is how often the demo's new conferences are pointed at
// the receiver.
const demoSubscribeEvery = time.Second

// receiver is the running status-callback receiver: what the console
// needs of it, the address it listens on, and how to stop it.
type receiver struct {
	hook *ui.Webhook
	addr net.Addr
	rcv  *webhook.Receiver
	stop func()
}

// startWebhooks serves Twilio's status callbacks as the webhook flags ask,
// feeding the live state, and forwards each event when --webhook-forward is
// given. With --demo, --webhook-url may be left out (the receiver's own
// loopback address is used) and every demo conference is subscribed to it.
// With no webhook flag it returns nil and nothing runs. log gets one line per
// refused request (nil: none, as in the console, whose terminal is the
// screen). stop shuts the receiver down, waiting at most webhookStopWait.
func startWebhooks(ctx context.Context, f webhook.Flags, cfg api.Config, hub *live.Hub, demo *sim.Server, log io.Writer) (*receiver, error) {
	if !f.Enabled() {
		return nil, nil
	}
	var ln net.Listener
	if demo != nil && f.URL == "" && f.Listen != "" {
		var err error
		if ln, err = listenWebhook(ctx, f.Listen); err != nil {
			return nil, err
		}
		f.URL = loopbackURL(ln.Addr())
	}
	rcfg, fcfg, _, err := f.Check(cfg)
	if err == nil && cfg.AuthToken == "" {
		err = errors.New("the webhook flags need TWILIO_AUTH_TOKEN") // Check refuses this; never start without it
	}
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, usageError{err}
	}
	logger := slog.New(slog.DiscardHandler)
	if log != nil {
		logger = slog.New(slog.NewTextHandler(log, nil))
	}
	rcfg.Logger = logger
	var fwd *webhook.Forwarder
	if fcfg != nil {
		fcfg.Logger = logger
		if fwd, err = webhook.NewForwarder(*fcfg); err != nil {
			return nil, fmt.Errorf("--webhook-forward: %w", err)
		}
		rcfg.Forwarder = fwd
	}
	rcv, err := webhook.New(rcfg, webhook.Hub{Live: hub})
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, err
	}
	if ln == nil {
		if ln, err = listenWebhook(ctx, f.Listen); err != nil {
			return nil, err
		}
	}

	runCtx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	goRun := func(fn func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn()
		}()
	}
	hs := &http.Server{Handler: rcv, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second}
	goRun(func() { hs.Serve(ln) }) //nolint:errcheck // Serve ends with ErrServerClosed at Shutdown
	goRun(func() { rcv.Run(runCtx) })
	if fwd != nil {
		goRun(func() { fwd.Run(runCtx) })
	}
	if demo != nil {
		goRun(func() { subscribeDemo(runCtx, demo, cfg.AccountSID, rcfg.URL, logger) })
	}
	stop := func() {
		shutdownCtx, done := context.WithTimeout(context.Background(), webhookStopWait)
		defer done()
		if hs.Shutdown(shutdownCtx) != nil {
			hs.Close() //nolint:errcheck // a request still unread is dropped: Twilio retries it
		}
		cancel()
		finished := make(chan struct{})
		go func() {
			wg.Wait()
			close(finished)
		}()
		t := time.NewTimer(webhookStopWait)
		defer t.Stop()
		select {
		case <-finished:
		case <-t.C:
		}
	}
	return &receiver{
		hook: &ui.Webhook{URL: rcfg.URL, Announce: rcv.Announce},
		addr: ln.Addr(),
		rcv:  rcv,
		stop: stop,
	}, nil
}

// listenWebhook listens on --webhook-listen's address.
func listenWebhook(ctx context.Context, addr string) (net.Listener, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--webhook-listen %s: %w", addr, err)
	}
	return ln, nil
}

// loopbackURL is the receiver's URL on this machine: a listener on every
// interface is reached through 127.0.0.1.
func loopbackURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String() + "/"
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port)) + "/"
}

// subscribeDemo points every demo conference, and each one the demo opens
// later, at the receiver, for every event, until ctx ends.
func subscribeDemo(ctx context.Context, srv *sim.Server, account, url string, log *slog.Logger) {
	done := map[string]bool{}
	t := time.NewTicker(demoSubscribeEvery)
	defer t.Stop()
	for {
		for _, c := range srv.Conferences(account) {
			if done[c.SID] || c.Status == model.ConferenceCompleted {
				continue
			}
			if err := srv.Subscribe(account, c.SID, url, ui.ConferenceEvents()...); err != nil && !errors.Is(err, sim.ErrNotFound) {
				log.Warn("demo conference not subscribed", "conference", c.SID, "err", err)
			}
			done[c.SID] = true
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// console is what the console needs of the receiver; nil for none.
func (r *receiver) console() *ui.Webhook {
	if r == nil {
		return nil
	}
	return r.hook
}

// webhookCreds are the credentials that check Twilio's signatures: the
// client's, with TWILIO_AUTH_TOKEN from the environment when the client
// uses an API key (from the environment, which then drops the token, or
// from a twilio-cli profile, which holds none). Without webhook flags it
// returns cfg as it is.
func webhookCreds(f webhook.Flags, cfg api.Config, profile string, getenv func(string) string) (api.Config, error) {
	if !f.Enabled() || cfg.AuthToken != "" {
		return cfg, nil
	}
	if tok := getenv(api.EnvAuthToken); tok != "" {
		cfg.AuthToken = tok
		return cfg, nil
	}
	if profile != "" {
		return cfg, usageError{fmt.Errorf("the webhook flags need %s: Twilio signs callbacks with the account's auth token, and the twilio-cli profile %q holds only an API key; set %s beside it", api.EnvAuthToken, profile, api.EnvAuthToken)}
	}
	return cfg, nil // Check says what is missing
}
