package sim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// faultFlags collects repeated --fault flags.
type faultFlags []Fault

func (f *faultFlags) String() string { return fmt.Sprint(len(*f)) + " faults" }

func (f *faultFlags) Set(v string) error {
	fault, err := ParseFault(v)
	if err != nil {
		return err
	}
	*f = append(*f, fault)
	return nil
}

// stringList collects a repeated string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	switch {
	case !e164Pattern.MatchString(v):
		return fmt.Errorf("%q is not a phone number in E.164 form (+ and up to 15 digits)", v)
	case !validNumber(v):
		// It could never be dialled: CreateParticipant refuses it.
		return fmt.Errorf("%q is not a valid phone number in its country; use one such as +14155550199", v)
	}
	*l = append(*l, v)
	return nil
}

// hostList collects --callbacks-to: comma-separated, repeatable, each entry
// checked as it is given.
type hostList []string

func (l *hostList) String() string { return strings.Join(*l, ",") }

func (l *hostList) Set(v string) error {
	entries := strings.Split(v, ",")
	if _, err := parseHostAllow(entries); err != nil {
		return err
	}
	for _, e := range entries {
		if e = strings.TrimSpace(e); e != "" {
			*l = append(*l, e)
		}
	}
	return nil
}

// advanceEvery is how often Main brings the world up to date by itself.
const advanceEvery = 100 * time.Millisecond

// shutdownGrace is how long Main waits for requests in flight when its
// context ends.
const shutdownGrace = 5 * time.Second

// Main runs `confconsole sim`: it parses args (the flags after "sim"), serves
// the simulator until ctx ends, and returns nil after a clean stop. It prints
// the base URL and the credentials to use on stdout and one line per request
// on stderr. Credentials not given by flags are generated.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return mainWith(ctx, args, stdout, stderr, nil)
}

// mainWith is Main taking local (nil: loopback) as the addresses callbacks
// may reach without --callbacks-to; tests narrow it to stand a second
// loopback address in for another host.
func mainWith(ctx context.Context, args []string, stdout, stderr io.Writer, local func(netip.Addr) bool) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8765", "`address` to listen on (port 0 picks a free port)")
	accountSID := fs.String("account-sid", "", "account `SID` to accept (AC + 32 hex; generated when empty)")
	authToken := fs.String("auth-token", "", "auth `token` for the account (generated when empty)")
	apiKey := fs.String("api-key", "", "also accept this API key `SID` (SK + 32 hex) for the account")
	apiSecret := fs.String("api-secret", "", "`secret` for --api-key (generated when empty)")
	demoOn := fs.Bool("demo", true, "run the demo scenario: three live conferences that change over time")
	noDemo := fs.Bool("no-demo", false, "start with no conferences (same as --demo=false)")
	seed := fs.Int64("seed", 0, "`seed` for SIDs and the demo scenario (0 picks one and prints it)")
	speed := fs.Float64("speed", 1, "simulated seconds per real second (e.g. 10 for a fast-forward demo)")
	latency := fs.Duration("latency", 0, "added `delay` before every answer")
	queue := fs.Duration("queue-time", time.Second, "how long a dialled participant stays queued")
	connect := fs.Duration("connect-time", time.Second, "how long a dialled participant stays connecting")
	ring := fs.Duration("ring-time", 3*time.Second, "how long a dialled participant rings before answering")
	linger := fs.Duration("linger", 5*time.Second, "how long a failed participant stays listed")
	quiet := fs.Bool("quiet", false, "do not log requests")
	var noAnswer stringList
	fs.Var(&noAnswer, "no-answer", "a phone `number` that rings until the participant's Timeout and then fails (repeatable)")
	var faults faultFlags
	fs.Var(&faults, "fault", "inject a fault: `KIND[xN][,every=N][,method=M][,path=P][,retry-after=D][,latency=D]`, KIND one of latency, 429, 500, 503, 504, truncated, html, empty, drop (repeatable)")
	var callbacksTo hostList
	fs.Var(&callbacksTo, "callbacks-to", "also send status callbacks and announcement fetches to these `hosts`: comma-separated host or host:port (repeatable); by default only loopback addresses are called")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // the usage went to stderr; asking for it is not a failure
		}
		return fmt.Errorf("sim: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("sim: unexpected arguments %q; every setting is a flag (see --help)", fs.Args())
	}
	if *speed <= 0 {
		return fmt.Errorf("sim: --speed must be more than 0, got %v", *speed)
	}
	if *apiSecret != "" && *apiKey == "" {
		return errors.New("sim: --api-secret needs --api-key")
	}

	tokenGenerated, secretGenerated := *authToken == "", *apiKey != "" && *apiSecret == ""
	if *accountSID == "" {
		*accountSID = NewSID("AC")
	}
	if tokenGenerated {
		*authToken = NewAuthToken()
	}
	if secretGenerated {
		*apiSecret = NewAuthToken()
	}
	if *seed == 0 {
		*seed = rand.Int64N(1<<31-1) + 1
	}

	var clock Clock = RealClock{}
	if *speed != 1 {
		clock = NewScaledClock(*speed)
	}
	opts := []Option{
		WithClock(clock),
		WithSeed(*seed),
		WithTimings(Timings{Queue: *queue, Connect: *connect, Ring: *ring, Linger: *linger}),
	}
	client, err := outboundClient(callbacksTo, nil, local)
	if err != nil {
		return fmt.Errorf("sim: --callbacks-to: %w", err)
	}
	opts = append(opts, WithHTTPClient(client))
	if len(noAnswer) > 0 {
		opts = append(opts, WithNoAnswer(noAnswer...))
	}
	if !*quiet {
		opts = append(opts, WithLogger(stderr))
	}
	srv := New(opts...)
	if err := srv.AddAccount(*accountSID, *authToken); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	if *apiKey != "" {
		if err := srv.AddAPIKey(*accountSID, *apiKey, *apiSecret); err != nil {
			return fmt.Errorf("sim: %w", err)
		}
	}
	srv.SetLatency(*latency)
	for _, f := range faults {
		srv.InjectFault(f)
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("sim: listen on %s: %w", *listen, err)
	}
	baseURL := "http://" + ln.Addr().String()

	runDemo := *demoOn && !*noDemo
	if runDemo {
		stop, err := StartDemo(srv, *accountSID, *seed)
		if err != nil {
			ln.Close()
			return fmt.Errorf("sim: %w", err)
		}
		defer stop()
	}
	printBanner(stdout, banner{
		baseURL: baseURL, accountSID: *accountSID, authToken: *authToken,
		apiKey: *apiKey, apiSecret: *apiSecret,
		tokenGenerated: tokenGenerated, secretGenerated: secretGenerated,
		seed: *seed, demo: runDemo,
	})

	// Calls progress and callbacks fire on the clock even when no request
	// comes to bring the world up to date.
	go func() {
		t := time.NewTicker(advanceEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				srv.Advance()
			}
		}
	}()

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("sim: serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("sim: shut down: %w", err)
	}
	fmt.Fprintln(stdout, "confconsole sim: stopped")
	return nil
}

// banner is what printBanner shows.
type banner struct {
	baseURL, accountSID, authToken, apiKey, apiSecret string
	tokenGenerated, secretGenerated                   bool // made up by Main, so they must be shown
	seed                                              int64
	demo                                              bool
}

// printBanner tells the user where the simulator is and how to sign in. A
// secret given on the command line is not echoed back; a generated one has to
// be, or nobody could use it.
func printBanner(w io.Writer, b banner) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "confconsole sim: Twilio-compatible simulator listening\n")
	fmt.Fprintf(&sb, "  base URL     %s\n", b.baseURL)
	fmt.Fprintf(&sb, "  account SID  %s\n", b.accountSID)
	token := "(as given by --auth-token)"
	if b.tokenGenerated {
		token = b.authToken
	}
	fmt.Fprintf(&sb, "  auth token   %s\n", token)
	if b.apiKey != "" {
		secret := "(as given by --api-secret)"
		if b.secretGenerated {
			secret = b.apiSecret
		}
		fmt.Fprintf(&sb, "  API key      %s\n  API secret   %s\n", b.apiKey, secret)
	}
	fmt.Fprintf(&sb, "  seed         %d\n", b.seed)
	fmt.Fprintf(&sb, "  test numbers To +15005550002 cannot be routed (fails); To +15005550001, +15005550003, +15005550004 and From +15005550001 are refused as Twilio documents\n")
	if b.demo {
		fmt.Fprintf(&sb, "  demo         three live conferences that change over time\n")
	}
	// Double quotes, so that a shell expands $TWILIO_AUTH_TOKEN when the
	// token was given rather than made up (single quotes would send the
	// variable's name as the password).
	user := b.accountSID + ":" + token
	if !b.tokenGenerated {
		user = b.accountSID + ":$TWILIO_AUTH_TOKEN"
	}
	fmt.Fprintf(&sb, "try:\n  curl -u \"%s\" %s%s%s/Conferences.json\n", user, b.baseURL, accountsPrefix, b.accountSID)
	fmt.Fprintf(&sb, "stop with Ctrl-C\n")
	fmt.Fprint(w, sb.String())
}
