package webhook

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"strconv"

	"confconsole/api"
)

// Flags are the command-line settings of the receiver.
type Flags struct {
	Listen  string // --webhook-listen: address the receiver serves on
	URL     string // --webhook-url: public URL Twilio posts to
	Forward string // --webhook-forward: where each event is re-sent
}

// Register adds the webhook flags to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.Listen, "webhook-listen", "", "serve Twilio's status callbacks on this address, e.g. :8443 (needs --webhook-url and TWILIO_AUTH_TOKEN)")
	fs.StringVar(&f.URL, "webhook-url", "", "the public URL Twilio posts status callbacks to (signatures are checked against it)")
	fs.StringVar(&f.Forward, "webhook-forward", "", "re-send every status callback received to this URL, signed for it")
}

// Enabled reports whether any webhook flag was given.
func (f Flags) Enabled() bool { return f.Listen != "" || f.URL != "" || f.Forward != "" }

// Check validates the flags against the credentials in use and returns the
// receiver's Config (and the forwarder's, when --webhook-forward is set).
// Only the account's auth token can check Twilio's signatures, so webhook
// flags with API-key credentials and no auth token are an error that says
// so. With no webhook flag it returns ok false and no error.
func (f Flags) Check(creds api.Config) (rcv Config, fwd *ForwarderConfig, ok bool, err error) {
	if !f.Enabled() {
		return Config{}, nil, false, nil
	}
	if f.Listen == "" {
		return Config{}, nil, false, errors.New("--webhook-url and --webhook-forward need --webhook-listen, the address to receive Twilio's callbacks on")
	}
	if f.URL == "" {
		return Config{}, nil, false, errors.New("--webhook-listen needs --webhook-url, the public URL Twilio posts to: signatures are computed over it")
	}
	if err := checkListen(f.Listen); err != nil {
		return Config{}, nil, false, err
	}
	if _, err := checkPublicURL(f.URL); err != nil {
		return Config{}, nil, false, fmt.Errorf("--webhook-url: %w", err)
	}
	if creds.AuthToken == "" {
		if creds.APIKey != "" {
			return Config{}, nil, false, errors.New("the webhook flags need TWILIO_AUTH_TOKEN: Twilio signs callbacks with the account's auth token, and an API key cannot check them; set it beside the API key")
		}
		return Config{}, nil, false, errors.New("the webhook flags need TWILIO_AUTH_TOKEN: Twilio signs callbacks with the account's auth token")
	}
	if creds.AccountSID == "" {
		return Config{}, nil, false, errors.New("the webhook flags need TWILIO_ACCOUNT_SID: callbacks from other accounts are refused")
	}
	rcv = Config{AccountSID: creds.AccountSID, AuthToken: creds.AuthToken, URL: f.URL}
	if f.Forward != "" {
		fc := ForwarderConfig{URL: f.Forward, AuthToken: creds.AuthToken}
		if _, err := NewForwarder(fc); err != nil {
			return Config{}, nil, false, fmt.Errorf("--webhook-forward: %w", err)
		}
		if f.Forward == f.URL {
			return Config{}, nil, false, errors.New("--webhook-forward is the same URL as --webhook-url: every event would come back to the console")
		}
		fwd = &fc
	}
	return rcv, fwd, true, nil
}

// checkListen checks a listen address: host:port or :port, port 0-65535.
func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--webhook-listen %q is not host:port or :port (for example :8443)", clip(addr))
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("--webhook-listen %q: port %q is not a number from 0 to 65535", clip(addr), clip(port))
	}
	return nil
}
