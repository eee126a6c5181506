package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Outbound requests. The simulator makes HTTP requests of its own: status
// callbacks and announcement fetches, to URLs its clients name. Those URLs
// come from tests and scripts, and often name hosts that exist (example.com),
// so by default the simulator connects only to loopback addresses; other
// hosts are allowed one by one (confconsole sim --callbacks-to). The check
// is made when the connection is dialled, on the address the name resolved
// to, so a name that resolves elsewhere, a redirect and DNS rebinding are all
// refused before any packet leaves for the refused address.

// CallbacksFlag is the confconsole sim flag that allows other hosts; refusals
// name it so the reader knows what to do.
const CallbacksFlag = "--callbacks-to"

// outboundDialTimeout bounds connecting to a callback's host.
const outboundDialTimeout = 5 * time.Second

// RefusedError is why an outbound request was not made: its host is neither
// a loopback address nor allowed.
type RefusedError struct {
	Host string     // the host as the URL names it
	IP   netip.Addr // the address it resolved to
}

func (e *RefusedError) Error() string {
	dest := e.Host
	if ip := e.IP.String(); e.IP.IsValid() && ip != e.Host {
		dest += " (" + ip + ")"
	}
	return fmt.Sprintf("%s is not a loopback address; the simulator only calls loopback addresses unless started with %s %s",
		dest, CallbacksFlag, e.Host)
}

// refusedReason is a short explanation of err for a log line or an
// announcement-fail reason, when err is a refusal; "" otherwise.
func refusedReason(err error) string {
	var re *RefusedError
	if errors.As(err, &re) {
		return re.Error()
	}
	return ""
}

// hostAllow is a parsed allowlist: names or addresses, each for any port or
// for one port.
type hostAllow struct {
	anyPort  map[string]bool // "example.net", "192.0.2.1", "2001:db8::1"
	onPort   map[string]bool // net.JoinHostPort form: "example.net:8080", "[2001:db8::1]:443"
	resolver *net.Resolver   // nil for the system's
	// local says which addresses need no allowing; nil means loopback.
	// Tests narrow it, so a second loopback address can stand for another
	// host without any packet going to an address that is not loopback.
	local func(netip.Addr) bool
}

// parseHostAllow reads allowlist entries: host or host:port, an IPv6
// address in brackets when it has a port.
func parseHostAllow(entries []string) (hostAllow, error) {
	a := hostAllow{anyPort: map[string]bool{}, onPort: map[string]bool{}}
	for _, raw := range entries {
		e := strings.ToLower(strings.TrimSpace(raw))
		if e == "" {
			continue
		}
		if strings.Contains(e, "/") {
			return a, fmt.Errorf("%q is not a host: give a host name or address, with :port if only one port is allowed (e.g. hooks.example.net:8443)", raw)
		}
		if ip, err := netip.ParseAddr(strings.Trim(e, "[]")); err == nil {
			a.anyPort[ip.Unmap().String()] = true
			continue
		}
		host, port, err := net.SplitHostPort(e)
		if err != nil {
			if strings.Count(e, ":") > 0 {
				return a, fmt.Errorf("%q is not host or host:port (e.g. hooks.example.net or hooks.example.net:8443)", raw)
			}
			a.anyPort[e] = true
			continue
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return a, fmt.Errorf("%q has port %q; a port is a number from 1 to 65535", raw, port)
		}
		if host == "" {
			return a, fmt.Errorf("%q has no host before the port", raw)
		}
		if ip, err := netip.ParseAddr(host); err == nil {
			host = ip.Unmap().String()
		}
		a.onPort[net.JoinHostPort(host, port)] = true
	}
	return a, nil
}

// allows reports whether host (a name or an address) on port is allowed.
func (a hostAllow) allows(host, port string) bool {
	h := strings.ToLower(host)
	if ip, err := netip.ParseAddr(h); err == nil {
		h = ip.Unmap().String()
	}
	return a.anyPort[h] || a.onPort[net.JoinHostPort(h, port)]
}

// OutboundClient returns an HTTP client for the simulator's callbacks and
// announcement fetches that connects only to loopback addresses and to the
// hosts allow names ("host" for any port, "host:port" for one; a host is a
// name or an IP address). It ignores proxy settings: a proxy would be the
// only address checked, and could forward anywhere.
func OutboundClient(allow []string) (*http.Client, error) {
	return outboundClient(allow, nil, nil)
}

// outboundClient is OutboundClient resolving names with r (nil for the
// system's resolver) and taking local (nil for loopback) as the addresses
// that need no allowing, so tests can make a name resolve where they need
// and stand a second loopback address in for another host.
func outboundClient(allow []string, r *net.Resolver, local func(netip.Addr) bool) (*http.Client, error) {
	a, err := parseHostAllow(allow)
	if err != nil {
		return nil, fmt.Errorf("callback hosts: %w", err)
	}
	a.resolver = r
	a.local = local
	if a.local == nil {
		a.local = netip.Addr.IsLoopback
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = a.dial
	return &http.Client{Timeout: callbackTimeout, Transport: t}, nil
}

// dial connects to addr (host:port) if the address the host resolves to is
// loopback, or if the host or that address is allowed. The check runs in the
// dialer's Control, after resolution and before connecting.
func (a hostAllow) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("callback address %q: %w", addr, err)
	}
	named := a.allows(host, port)
	d := net.Dialer{
		Timeout:  outboundDialTimeout,
		Resolver: a.resolver,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("callback address %q: %w", address, err)
			}
			ip := ap.Addr().Unmap()
			if named || a.local(ip) || a.allows(ip.String(), port) {
				return nil
			}
			return &RefusedError{Host: host, IP: ip}
		},
	}
	return d.DialContext(ctx, network, addr)
}
