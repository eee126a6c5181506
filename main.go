// Command confconsole is a keyboard-only terminal console for moderating live
// Twilio conference calls. `confconsole sim` runs the Twilio-compatible
// simulator the console's tests and demo use.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	gossh "golang.org/x/crypto/ssh"

	"confconsole/api"
	"confconsole/api/audit"
	"confconsole/api/live"
	"confconsole/api/sim"
	"confconsole/api/webhook"
	"confconsole/ui"
	_ "confconsole/ui/nostall" // before Bubble Tea's init: see the package
	"confconsole/ui/serve"
)

// version is the release this binary reports; builds may set it with
// -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// minRefresh is the shortest poll interval the console accepts: Twilio
// throttles accounts that poll faster, and a human cannot read faster.
const minRefresh = time.Second

func main() {
	// One owner for the signals: the console hands them to its program
	// (see ui.Run); the simulator stops on them through its context.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	err := runWithSignals(context.Background(), sigs, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	signal.Stop(sigs)
	if err != nil {
		var se ui.SignalError
		if !errors.Is(err, flag.ErrHelp) && !errors.As(err, &se) {
			fmt.Fprintln(os.Stderr, "confconsole:", err)
		}
		os.Exit(exitCode(err))
	}
}

// usageError marks a mistake in the command line, which exits 2 like flag's.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitCode is 2 for a usage error, 128 plus the signal's number for a
// signal (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP, as a shell
// reports a process the signal killed), else 1.
func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	var se ui.SignalError
	if errors.As(err, &se) {
		if n, ok := se.Signal.(syscall.Signal); ok {
			return 128 + int(n)
		}
	}
	return 1
}

// options is what the command line and the environment say.
type options struct {
	demo       bool
	apiURL     string
	conference string
	refresh    time.Duration
	readOnly   bool
	theme      string
	holdURL    string
	auditLog   string // "" means the default path; "-" means none
	version    bool
	profile    string          // a twilio-cli profile by name
	configPath string          // the config file; "" means the default path
	set        map[string]bool // the flags given on the command line
	webhook    webhook.Flags   // --webhook-listen, --webhook-url, --webhook-forward
	reconcile  time.Duration   // the poll interval while status callbacks arrive
}

// parseArgs reads the console's flags. Help goes to stderr and returns
// flag.ErrHelp.
func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := newFlagSet(&o)
	// The flag package prints the whole usage after any mistake, burying
	// the one line that says what was wrong; only --help prints it.
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.Usage()
			return o, err
		}
		return o, usageError{fmt.Errorf("%w (see --help)", err)}
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	return o, o.check(fs)
}

// refreshFlag is --refresh: a duration, with a hint when the unit is
// missing ("2" rather than "2s"), which flag's own duration only calls a
// parse error.
type refreshFlag struct{ d *time.Duration }

func (f refreshFlag) String() string {
	if f.d == nil {
		return ""
	}
	return f.d.String()
}

func (f refreshFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err == nil {
		*f.d = d
		return nil
	}
	if _, numErr := strconv.ParseFloat(s, 64); numErr == nil {
		return fmt.Errorf("a duration needs a unit: write %ss for seconds", s)
	}
	return errors.New("not a duration: write it with a unit, such as 2s, 1500ms or 1m")
}

// newFlagSet declares the console's flags, writing into o; the README's flag
// table is generated from it.
func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("confconsole", flag.ContinueOnError)
	fs.BoolVar(&o.demo, "demo", false, "run against a built-in simulator with three live demo conferences; no credentials needed")
	// A backquoted word in a usage string is the placeholder --help shows
	// after the flag (-api-url URL), so only placeholders are backquoted.
	fs.StringVar(&o.apiURL, "api-url", "", "base `URL` of a Twilio-compatible server, e.g. the one confconsole sim prints")
	fs.StringVar(&o.conference, "conference", "", "open this conference directly, by its friendly `name` or its CF… SID")
	o.refresh = 2 * time.Second
	fs.Var(refreshFlag{&o.refresh}, "refresh", "how often to poll the participant list, as a `duration` with a unit (at least 1s)")
	fs.BoolVar(&o.readOnly, "read-only", false, "watch only: hide and disable every key that changes a call")
	fs.StringVar(&o.theme, "theme", "auto", "colour theme: auto, dark or light")
	fs.StringVar(&o.holdURL, "hold-url", "", "TwiML or audio `URL` callers hear while on hold (default: Twilio's hold music)")
	fs.StringVar(&o.auditLog, "audit-log", "", "JSON Lines `file` recording every action sent, or - for none (default: $XDG_STATE_HOME/confconsole/audit.jsonl, else ~/.local/state/confconsole/audit.jsonl; none with --demo)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.StringVar(&o.profile, "profile", "", "use this twilio-cli profile (from ~/.twilio-cli/config.json) instead of the environment or the active profile")
	fs.StringVar(&o.configPath, "config", "", "configuration file (default: $XDG_CONFIG_HOME/confconsole/config.toml, else ~/.config/confconsole/config.toml)")
	o.webhook.Register(fs)
	o.reconcile = live.DefaultReconcile
	fs.Var(refreshFlag{&o.reconcile}, "reconcile", "how often to poll a conference while its status callbacks arrive, as a `duration` (events move the screen; the poll confirms them)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage:
  confconsole [flags]        moderate live conferences (credentials from the environment or twilio-cli)
  confconsole --demo         try it against the built-in simulator
  confconsole sim [flags]    run the Twilio-compatible simulator (see confconsole sim --help)
  confconsole config [flags] print the effective configuration and where each value came from
  confconsole serve [flags]  serve the console to the team over SSH (see confconsole serve --help)

Environment:
  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN       account credentials, or
  TWILIO_API_KEY, TWILIO_API_SECRET           an API key (TWILIO_ACCOUNT_SID still needed)
  TWILIO_REGION, TWILIO_EDGE                  regional processing (api.{edge}.{region}.twilio.com)
  NO_COLOR                                    no colours
  Without TWILIO_ACCOUNT_SID, the active twilio-cli profile (~/.twilio-cli/config.json) is used;
  --profile picks another.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

// check refuses flag values and combinations that cannot work, saying what to
// do instead.
func (o options) check(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q; the subcommands are sim, config and serve (see --help)", fs.Arg(0))}
	}
	if o.refresh < minRefresh {
		return usageError{fmt.Errorf("--refresh %v is too fast: use at least %v", o.refresh, minRefresh)}
	}
	if o.reconcile < minRefresh {
		return usageError{fmt.Errorf("--reconcile %v is too fast: use at least %v", o.reconcile, minRefresh)}
	}
	if o.set["reconcile"] && o.reconcile < o.refresh {
		return usageError{fmt.Errorf("--reconcile %v is shorter than --refresh %v: it is the slower poll used while events arrive, so make it at least %v", o.reconcile, o.refresh, o.refresh)}
	}
	switch o.theme {
	case "auto", "dark", "light":
	default:
		return usageError{fmt.Errorf("--theme %q: use auto, dark or light", o.theme)}
	}
	if o.holdURL != "" {
		// As the configuration file's hold_url: caught here, not by
		// Twilio refusing each hold.
		if u, err := url.Parse(o.holdURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError{fmt.Errorf("--hold-url %q is not an http:// or https:// URL: give the whole address, e.g. https://example.com/hold.xml", o.holdURL)}
		}
	}
	if o.demo && o.apiURL != "" {
		return usageError{errors.New("--demo runs its own simulator; drop --api-url, or drop --demo to use that server")}
	}
	return nil
}

// run is the whole program, minus the process: testable with its own
// arguments, environment and streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runWithSignals(ctx, nil, args, getenv, stdin, stdout, stderr)
}

// runWithSignals is run with the process's signals, which the console or
// the simulator owns from here on.
func runWithSignals(ctx context.Context, sigs <-chan os.Signal, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "sim" {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-sigs:
				cancel()
			case <-ctx.Done():
			}
		}()
		return sim.Main(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "config" {
		return runConfig(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && args[0] == "serve" {
		return runServe(ctx, sigs, args[1:], getenv, stdout, stderr)
	}
	o, err := parseArgs(args, stderr)
	if err != nil {
		return err
	}
	if o.version {
		fmt.Fprintln(stdout, "confconsole", version)
		return nil
	}
	st, err := resolveSettings(o, getenv)
	if err != nil {
		return err
	}
	o = st.apply(o)
	if err := needTerminal(stdin, stdout); err != nil {
		return err
	}

	// The console's terminal is its screen: refused requests are not logged.
	be, err := startBackend(ctx, o, st, getenv, nil)
	if err != nil {
		return err
	}
	defer be.stop()
	client, hub, cfg, hook := be.client, be.hub, be.cfg, be.hook
	trail, auditErr, err := openAudit(o, getenv, cfg)
	if err != nil {
		return err
	}
	defer trail.Close() //nolint:errcheck // every record was synced as it was written
	return ui.Run(ctx, client, ui.Options{
		Keys:       st.keys,
		Conference: o.conference,
		Refresh:    o.refresh,
		ReadOnly:   o.readOnly,
		Demo:       o.demo,
		Theme:      o.theme,
		HoldURL:    o.holdURL,
		AccountSID: cfg.AccountSID,
		Getenv:     getenv,
		In:         stdin,
		Out:        stdout,
		Audit:      trail,
		AuditErr:   auditErr,

		Profile:       st.creds.Profile,
		Announcements: st.announcements(),
		Webhook:       hook.console(),
		Signals:       sigs,
		Live:          hub,
	})
}

// backend is what the console and the server both run on: the client, the
// account's live state, and the status-callback receiver when asked for.
type backend struct {
	client *api.Client
	hub    *live.Hub
	cfg    api.Config
	hook   *receiver // nil without --webhook-listen
	stop   func()    // the receiver first, then the client and the demo
}

// startBackend starts the client (newClient), then the receiver, logging
// refused callbacks to log (nil: not at all).
func startBackend(ctx context.Context, o options, st settings, getenv func(string) string, log io.Writer) (backend, error) {
	client, hub, cfg, demo, stop, err := newClient(ctx, o, st)
	if err != nil {
		return backend{}, err
	}
	wcfg, err := webhookCreds(o.webhook, cfg, st.creds.Profile, getenv)
	if err != nil {
		stop()
		return backend{}, err
	}
	hook, err := startWebhooks(ctx, o.webhook, wcfg, hub, demo, log)
	if err != nil {
		stop()
		return backend{}, err
	}
	return backend{client: client, hub: hub, cfg: cfg, hook: hook, stop: func() {
		if hook != nil {
			hook.stop()
		}
		stop()
	}}, nil
}

// newClient builds the Twilio client the options ask for (against the demo
// simulator it starts, --api-url, or Twilio) and the account's live state,
// both behind one gate: the live state's requests queue there, and every
// HTTP attempt the client makes (its own retries after a 429 too) goes
// through the gate's transport, so one 429 pauses every request to the
// account and actions go before polls. stop ends both.
// With --demo, demo is the simulator it started.
func newClient(ctx context.Context, o options, st settings) (client *api.Client, hub *live.Hub, cfg api.Config, demo *sim.Server, stop func(), err error) {
	stop = func() {}
	if o.demo {
		stopDemo, demoCfg, srv, err := startDemo(ctx)
		if err != nil {
			return nil, nil, cfg, nil, stop, err
		}
		cfg, stop, demo = demoCfg, stopDemo, srv
	} else {
		if st.credErr != nil {
			return nil, nil, cfg, nil, stop, fmt.Errorf("%w\n(or try the console without an account: confconsole --demo)", st.credErr)
		}
		cfg = st.creds.Config
		if o.apiURL != "" {
			cfg.BaseURL = o.apiURL
		}
	}
	client, hub, err = connect(cfg, o.refresh, o.reconcile)
	if err != nil {
		stop()
		return nil, nil, cfg, nil, func() {}, err
	}
	stopSim := stop
	stop = func() {
		closeBounded(hub, hubCloseWait)
		stopSim()
	}
	return client, hub, cfg, demo, stop, nil
}

// hubCloseWait bounds how long stopping waits for the live state's actions
// still on their way: by then each has its result in the audit log (an
// unknown one when the console quit first), and the process is ending.
const hubCloseWait = time.Second

// closeBounded closes hub, waiting at most d for it.
func closeBounded(hub *live.Hub, d time.Duration) {
	done := make(chan struct{})
	go func() {
		hub.Close()
		close(done)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// connect makes the client and the live state of one account behind one
// gate (see newClient).
func connect(cfg api.Config, refresh, reconcile time.Duration) (*api.Client, *live.Hub, error) {
	gate := live.NewGate(0)
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = api.DefaultHTTPClient()
	}
	hc := *cfg.HTTPClient
	hc.Transport = gate.Transport(hc.Transport)
	cfg.HTTPClient = &hc
	client, err := api.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	return client, live.New(client, live.Options{Gate: gate, Interval: refresh, Reconcile: reconcile, RequestTimeout: ui.RequestTimeout, RefreshFloor: live.MinRefresh}), nil
}

// needTerminal refuses to start the console when its input or output is a
// file that is not a terminal (a pipe, /dev/null, a redirect), before
// anything is written to it. Streams that are not files are a test's or an
// embedding program's, which hands them over knowingly.
func needTerminal(stdin io.Reader, stdout io.Writer) error {
	for _, s := range []struct {
		name string
		f    any
	}{{"standard input", stdin}, {"standard output", stdout}} {
		f, ok := s.f.(*os.File)
		if ok && !term.IsTerminal(f.Fd()) {
			return fmt.Errorf("%s is not a terminal: confconsole is interactive, so run it in a terminal (over SSH, use ssh -t)", s.name)
		}
	}
	return nil
}

// openAudit opens the audit trail --audit-log names: the default file in
// the user's state directory when the flag is not given (none for --demo,
// whose calls are not real), none for "-". A default that cannot be worked
// out stops the console, since it would otherwise act unrecorded without
// being asked to; a file that cannot be opened does not (the console is
// still useful to watch), but the console then says so on every screen.
func openAudit(o options, getenv func(string) string, cfg api.Config) (trail *audit.Log, openErr, err error) {
	opts := []audit.Option{
		audit.WithIdentity(audit.IdentityFromEnv(getenv)),
		audit.WithSecrets(cfg.AuthToken, cfg.APISecret),
	}
	path := o.auditLog
	if path == "" && o.demo {
		path = audit.DisabledPath
	}
	if path == "" {
		path, err = audit.DefaultPath(getenv)
		if err != nil {
			return nil, nil, err
		}
	}
	trail, openErr = audit.Open(path, opts...)
	if openErr != nil {
		return audit.Disabled(opts...), openErr, nil
	}
	return trail, nil, nil
}

// startDemo serves the simulator with its demo scenario on a loopback port
// and returns a client configuration for it. The credentials are made up
// for this run and never leave the process.
func startDemo(ctx context.Context) (stop func(), cfg api.Config, srv *sim.Server, err error) {
	cfg = api.Config{AccountSID: sim.NewSID("AC"), AuthToken: sim.NewAuthToken()}
	srv = sim.New(sim.WithTimings(sim.Timings{
		Queue: time.Second, Connect: time.Second, Ring: 3 * time.Second, Linger: 5 * time.Second,
	}))
	if err := srv.AddAccount(cfg.AccountSID, cfg.AuthToken); err != nil {
		return nil, cfg, nil, fmt.Errorf("start the demo simulator: %w", err)
	}
	stopScenario, err := sim.StartDemo(srv, cfg.AccountSID, time.Now().UnixNano())
	if err != nil {
		return nil, cfg, nil, fmt.Errorf("start the demo simulator: %w", err)
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		stopScenario()
		return nil, cfg, nil, fmt.Errorf("start the demo simulator: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln) //nolint:errcheck // Serve ends with ErrServerClosed at Shutdown
	cfg.BaseURL = "http://" + ln.Addr().String()
	return func() {
		stopScenario()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		hs.Shutdown(shutdownCtx) //nolint:errcheck // nothing to tell the user on the way out
	}, cfg, srv, nil
}

// serveOptions are the flags only confconsole serve has.
type serveOptions struct {
	listen         string
	operators      string
	hostKey        string
	idleTimeout    time.Duration
	maxSessions    int
	maxPerOperator int
}

// newServeFlagSet declares confconsole serve's flags: the console's own
// (meaning the same) and the server's.
func newServeFlagSet(o *options, so *serveOptions) *flag.FlagSet {
	fs := newFlagSet(o)
	fs.Init("confconsole serve", flag.ContinueOnError)
	fs.StringVar(&so.listen, "listen", ":2222", "`address` to accept SSH connections on")
	fs.StringVar(&so.operators, "operators", "", "the operators `file`, in authorized_keys format: role=\"moderator\" or role=\"monitor\" (the default) before each key, the operator's name after it (required)")
	fs.StringVar(&so.hostKey, "host-key", "", "the server's SSH host key `file`, made on first run (default: $XDG_STATE_HOME/confconsole/ssh_host_ed25519_key, else ~/.local/state/confconsole/ssh_host_ed25519_key)")
	fs.DurationVar(&so.idleTimeout, "idle-timeout", serve.DefaultIdleTimeout, "close a session after this long without a key")
	fs.IntVar(&so.maxSessions, "max-sessions", serve.DefaultMaxSessions, "most sessions open at once, in all")
	fs.IntVar(&so.maxPerOperator, "max-per-operator", serve.DefaultMaxPerOperator, "most sessions open at once per operator")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage:
  confconsole serve --operators FILE [flags]

Serves the console over SSH, one console per session, to the keys the
operators file names. Connect with: ssh -t -p 2222 HOST ['conference name or CF SID']
SIGHUP re-reads the operators file (so does any change to it); SIGTERM stops
the server, letting actions in flight finish; a second signal stops it at once.

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

// untilSignal is a context that ends at the next signal but SIGHUP (the
// administrator asking again for the stop under way to be at once), and
// the stop of its watch.
func untilSignal(sigs <-chan os.Signal, stderr io.Writer) (context.Context, func()) {
	ctx, cut := context.WithCancel(context.Background())
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case sig := <-sigs:
				if sig != syscall.SIGHUP {
					fmt.Fprintf(stderr, "confconsole serve: %v again: stopping at once\n", sig)
					cut()
					return
				}
			}
		}
	}()
	return ctx, cut
}

// runServe is confconsole serve: it runs until ctx ends or a signal stops
// it; SIGHUP reloads the operators file.
func runServe(ctx context.Context, sigs <-chan os.Signal, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o options
	var so serveOptions
	fs := newServeFlagSet(&o, &so)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fs.Usage()
			return err
		}
		return usageError{fmt.Errorf("%w (see confconsole serve --help)", err)}
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Errorf("unexpected argument %q (see confconsole serve --help)", fs.Arg(0))}
	case o.set["conference"]:
		return usageError{errors.New("--conference does not apply to serve: each operator names the conference when connecting (ssh -t HOST 'Support bridge')")}
	case so.operators == "":
		return usageError{errors.New("--operators FILE is required: the keys allowed in, one a line, in authorized_keys format (see the README)")}
	case so.idleTimeout < time.Minute:
		return usageError{fmt.Errorf("--idle-timeout %v is too short: use at least 1m", so.idleTimeout)}
	case so.maxSessions < 1 || so.maxPerOperator < 1:
		return usageError{errors.New("--max-sessions and --max-per-operator must be at least 1")}
	}
	if err := o.check(fs); err != nil {
		return err
	}
	if o.version {
		fmt.Fprintln(stdout, "confconsole", version)
		return nil
	}
	st, err := resolveSettings(o, getenv)
	if err != nil {
		return err
	}
	o = st.apply(o)
	// Read before anything is made, so a broken file leaves no trace.
	if _, err := serve.LoadOperators(so.operators); err != nil {
		return err
	}

	keyPath := so.hostKey
	if keyPath == "" {
		if keyPath, err = serve.DefaultHostKeyPath(getenv); err != nil {
			return err
		}
	}
	hostKey, created, err := serve.LoadOrCreateHostKey(keyPath)
	if err != nil {
		return err
	}
	made := ""
	if created {
		made = " (new)"
	}
	fmt.Fprintf(stdout, "host key %s%s: %s\n", keyPath, made, gossh.FingerprintSHA256(hostKey.PublicKey()))

	be, err := startBackend(ctx, o, st, getenv, stderr)
	if err != nil {
		return err
	}
	defer be.stop()
	client, hub, cfg, hook := be.client, be.hub, be.cfg, be.hook
	if hook != nil {
		fmt.Fprintf(stdout, "confconsole serve: status callbacks on %s, for %s\n", hook.addr, hook.hook.URL)
	}
	auditPath := o.auditLog
	if auditPath == "" && o.demo {
		auditPath = audit.DisabledPath
	}
	if auditPath == "" {
		if auditPath, err = audit.DefaultPath(getenv); err != nil {
			return err
		}
	}
	// Opened once now, so a path that cannot be written stops the server
	// here instead of greeting every operator with the error.
	probe, err := audit.Open(auditPath)
	if err != nil {
		return err
	}
	probe.Close() //nolint:errcheck // nothing was written

	auditFor, closeAudit := serve.OpenAudit(auditPath, audit.WithSecrets(cfg.AuthToken, cfg.APISecret))
	defer closeAudit() //nolint:errcheck // every record was synced as it was written
	srv, err := serve.New(serve.Config{
		OperatorsPath: so.operators,
		HostKey:       hostKey,
		Service:       client,
		Live:          hub,
		Console: ui.Options{
			Keys:          st.keys,
			Refresh:       o.refresh,
			ReadOnly:      o.readOnly,
			Demo:          o.demo,
			Theme:         o.theme,
			HoldURL:       o.holdURL,
			AccountSID:    cfg.AccountSID,
			Profile:       st.creds.Profile,
			Announcements: st.announcements(),
			Webhook:       hook.console(),
		},
		Audit:          auditFor,
		IdleTimeout:    so.idleTimeout,
		MaxSessions:    so.maxSessions,
		MaxPerOperator: so.maxPerOperator,
		Log:            stderr,
	})
	if err != nil {
		return err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", so.listen)
	if err != nil {
		return fmt.Errorf("--listen %s: %w", so.listen, err)
	}
	fmt.Fprintf(stdout, "confconsole serve: listening on %s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	for {
		select {
		case err := <-served:
			srv.Shutdown(context.Background()) //nolint:errcheck // the serve error is the one to report
			return err
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				srv.Reload() //nolint:errcheck // Reload logs why; the previous operators stay
				continue
			}
			fmt.Fprintf(stderr, "confconsole serve: %v: stopping (a second signal stops at once)\n", sig)
			stopCtx, stopWatching := untilSignal(sigs, stderr)
			defer stopWatching()
			return srv.Shutdown(stopCtx)
		case <-ctx.Done():
			return srv.Shutdown(context.Background())
		}
	}
}
