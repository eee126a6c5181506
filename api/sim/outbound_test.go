package sim

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeDNS is a resolver that answers A queries from names and nothing else,
// so a test can make a host name resolve where it needs without the network.
func fakeDNS(names map[string]netip.Addr) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		client, server := net.Pipe()
		go serveDNS(server, names)
		return client, nil
	}}
}

// serveDNS answers queries framed as over TCP (net.Pipe is not a
// PacketConn, so the resolver frames them so) until the resolver hangs up.
func serveDNS(c net.Conn, names map[string]netip.Addr) {
	defer c.Close()
	for {
		var n [2]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return
		}
		q := make([]byte, binary.BigEndian.Uint16(n[:]))
		if _, err := io.ReadFull(c, q); err != nil || len(q) < 12 {
			return
		}
		// The question: labels from byte 12 to a zero length, then type and class.
		var labels []string
		i := 12
		for i < len(q) && q[i] != 0 {
			l := int(q[i])
			if i+1+l > len(q) {
				return
			}
			labels = append(labels, string(q[i+1:i+1+l]))
			i += 1 + l
		}
		if i+5 > len(q) {
			return
		}
		qtype, end := binary.BigEndian.Uint16(q[i+1:i+3]), i+5
		name := strings.ToLower(strings.Join(labels, "."))
		ip, known := names[name]
		resp := append([]byte{q[0], q[1], 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0}, q[12:end]...)
		switch {
		case !known:
			resp[3] = 0x83 // NXDOMAIN
		case qtype == 1 && ip.Is4():
			resp[7] = 1
			a := ip.As4()
			resp = append(resp, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4)
			resp = append(resp, a[:]...)
		}
		binary.BigEndian.PutUint16(n[:], uint16(len(resp)))
		if _, err := c.Write(append(n[:], resp...)); err != nil {
			return
		}
	}
}

// countingServer is an HTTP server on ln that counts the connections made
// to it and the requests it answered.
type countingServer struct {
	ts       *httptest.Server
	conns    atomic.Int32
	requests atomic.Int32
	port     string
}

func newCountingServer(t *testing.T, ln net.Listener) *countingServer {
	cs := &countingServer{}
	cs.ts = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.requests.Add(1)
		w.Header().Set("Content-Type", "audio/mpeg")
	}))
	cs.ts.Listener.Close()
	cs.ts.Listener = ln
	cs.ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			cs.conns.Add(1)
		}
	}
	cs.ts.Start()
	t.Cleanup(cs.ts.Close)
	_, cs.port, _ = net.SplitHostPort(ln.Addr().String())
	return cs
}

// hostAddress is 127.0.0.2, which the tests' outbound clients treat as
// another host (only 127.0.0.1 counts as local for them): a server that is
// "elsewhere" for the check while every packet stays on loopback. Invalid
// when the machine cannot listen there.
func hostAddress(t *testing.T) (netip.Addr, net.Listener) {
	ip := netip.MustParseAddr("127.0.0.2")
	ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		return netip.Addr{}, nil
	}
	return ip, ln
}

// onlyFirstLoopback is the tests' idea of local: 127.0.0.1 and ::1 alone.
func onlyFirstLoopback(ip netip.Addr) bool {
	return ip == netip.MustParseAddr("127.0.0.1") || ip == netip.IPv6Loopback()
}

// TestOutboundClientCallsOnlyLoopback: the simulator's own requests reach
// loopback addresses, and anything else only when allowed; a refusal comes
// from the dialer before it connects, so the refused server sees no
// connection at all, whether the URL names the address, a name resolving to
// it, or a loopback server redirects there.
func TestOutboundClientCallsOnlyLoopback(t *testing.T) {
	lnLoop, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	loop := newCountingServer(t, lnLoop)
	hostIP, lnHost := hostAddress(t)
	var host *countingServer
	hostPort := "1"
	if lnHost != nil {
		host = newCountingServer(t, lnHost)
		hostPort = host.port
	}
	testNet := netip.MustParseAddr("192.0.2.1") // TEST-NET-1: never routed
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	}))
	defer redirect.Close()
	names := map[string]netip.Addr{
		"loop.example.net":    netip.MustParseAddr("127.0.0.1"),
		"testnet.example.net": testNet,
	}
	if host != nil {
		names["host.example.net"] = hostIP
	}

	type target int
	const (
		toLoop target = iota
		toHost
		toTestNet
	)
	tests := []struct {
		name    string
		to      target
		url     func() string
		allow   []string
		refused bool
	}{
		{"loopback address", toLoop, func() string { return "http://127.0.0.1:" + loop.port + "/cb" }, nil, false},
		{"localhost", toLoop, func() string { return "http://localhost:" + loop.port + "/cb" }, nil, false},
		{"name resolving to loopback", toLoop, func() string { return "http://loop.example.net:" + loop.port + "/cb" }, nil, false},
		{"TEST-NET address", toTestNet, func() string { return "http://192.0.2.1/cb" }, nil, true},
		{"name resolving to TEST-NET", toTestNet, func() string { return "http://testnet.example.net/cb" }, nil, true},
		{"redirect to TEST-NET", toTestNet, func() string { return redirect.URL + "/?to=" + url.QueryEscape("http://192.0.2.1/cb") }, nil, true},
		{"TEST-NET, another host allowed", toTestNet, func() string { return "http://192.0.2.1/cb" }, []string{"hooks.example.net", "192.0.2.2"}, true},
		{"TEST-NET, another port allowed", toTestNet, func() string { return "http://192.0.2.1/cb" }, []string{"192.0.2.1:8443"}, true},
		{"host address", toHost, func() string { return "http://" + net.JoinHostPort(hostIP.String(), hostPort) + "/cb" }, nil, true},
		{"name resolving to host address", toHost, func() string { return "http://host.example.net:" + hostPort + "/cb" }, nil, true},
		{"redirect to host address", toHost, func() string {
			return redirect.URL + "/?to=" + url.QueryEscape("http://"+net.JoinHostPort(hostIP.String(), hostPort)+"/cb")
		}, nil, true},
		{"host address allowed", toHost, func() string { return "http://" + net.JoinHostPort(hostIP.String(), hostPort) + "/cb" },
			[]string{hostIP.String()}, false},
		{"host address allowed on its port", toHost, func() string { return "http://" + net.JoinHostPort(hostIP.String(), hostPort) + "/cb" },
			[]string{net.JoinHostPort(hostIP.String(), hostPort)}, false},
		{"host address allowed on another port", toHost, func() string { return "http://" + net.JoinHostPort(hostIP.String(), hostPort) + "/cb" },
			[]string{net.JoinHostPort(hostIP.String(), "1")}, true},
		{"name allowed", toHost, func() string { return "http://HOST.example.net:" + hostPort + "/cb" },
			[]string{"host.example.net"}, false},
		{"address a name resolves to allowed", toHost, func() string { return "http://host.example.net:" + hostPort + "/cb" },
			[]string{hostIP.String()}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := loop
			if tc.to == toHost {
				if host == nil {
					t.Skip("this machine cannot listen on 127.0.0.2")
				}
				srv = host
			}
			client, err := outboundClient(tc.allow, fakeDNS(names), onlyFirstLoopback)
			if err != nil {
				t.Fatal(err)
			}
			conns, reqs := srv.conns.Load(), srv.requests.Load()
			start := time.Now()
			resp, err := client.Get(tc.url())
			if resp != nil {
				resp.Body.Close()
			}
			var refused *RefusedError
			if !tc.refused {
				if err != nil || resp.StatusCode != http.StatusOK || srv.requests.Load() != reqs+1 {
					t.Fatalf("not delivered: err %v, resp %v", err, resp)
				}
				return
			}
			if !errors.As(err, &refused) {
				t.Fatalf("err %v, want a refusal", err)
			}
			if !strings.Contains(err.Error(), "only calls loopback addresses unless started with --callbacks-to") {
				t.Errorf("refusal does not say what to do: %v", err)
			}
			if tc.to == toTestNet {
				if refused.IP != testNet {
					t.Errorf("refused %v, want %v", refused.IP, testNet)
				}
				// Connecting to TEST-NET would wait out the dial timeout.
				if d := time.Since(start); d >= outboundDialTimeout {
					t.Errorf("refusal took %v: the dial was tried", d)
				}
			}
			if tc.to == toHost && (srv.conns.Load() != conns || srv.requests.Load() != reqs) {
				t.Errorf("refused, yet the server saw %d connections and %d requests",
					srv.conns.Load()-conns, srv.requests.Load()-reqs)
			}
		})
	}
}

// TestParseHostAllowRefusesBadEntries: a bad --callbacks-to entry says what
// is wrong with it.
func TestParseHostAllowRefusesBadEntries(t *testing.T) {
	tests := []struct {
		entry, want string
	}{
		{"http://hooks.example.net", "not a host"},
		{"hooks.example.net:http", "port \"http\""},
		{"hooks.example.net:0", "1 to 65535"},
		{":8443", "no host"},
		{"a:b:c", "not host or host:port"},
	}
	for _, tc := range tests {
		_, err := parseHostAllow([]string{tc.entry})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want one mentioning %q", tc.entry, err, tc.want)
		}
	}
	a, err := parseHostAllow([]string{" Hooks.Example.NET ", "[2001:db8::1]:443", "::ffff:192.0.2.9", ""})
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := range [][2]string{{"hooks.example.net", "80"}, {"2001:db8::1", "443"}, {"192.0.2.9", "1"}} {
		if !a.allows(ok[0], ok[1]) {
			t.Errorf("%s port %s not allowed", ok[0], ok[1])
		}
	}
	if a.allows("2001:db8::1", "80") || a.allows("example.net", "80") {
		t.Error("allowed more than was listed")
	}
}

// TestRefusedCallbacksAreReported: with the default client, a conference's
// announcement from a non-loopback URL fails with a reason saying why and
// what to do, and a call's StatusCallback there is logged as not sent.
func TestRefusedCallbacksAreReported(t *testing.T) {
	var log syncBuffer
	h := newHarness(t, WithLogger(&log))
	rcv := newReceiver(t)
	a := h.dial("room", "client:agent", "Label", "agent",
		"ConferenceStatusCallback", rcv.ts.URL+"/cb", "ConferenceStatusCallbackEvent", "announcement",
		"StatusCallback", "http://192.0.2.1/status?token=secret", "StatusCallbackEvent", "initiated")
	conf := str(a["conference_sid"])
	h.dial(conf, "+14155550100", "Label", "customer")
	h.must(200, "GET", confPath(conf), nil)
	h.must(200, "POST", confPath(conf), url.Values{"AnnounceUrl": {"http://192.0.2.1/a.mp3"}})
	got := rcv.wait(1)
	if e := got[0].params.Get("StatusCallbackEvent"); e != "announcement-fail" {
		t.Fatalf("event %s, want announcement-fail", e)
	}
	want := "AnnounceUrl's host 192.0.2.1 is not a loopback address; the simulator only calls loopback addresses unless started with --callbacks-to 192.0.2.1"
	if r := got[0].params.Get("ReasonAnnouncementFailed"); r != want {
		t.Errorf("reason\n got %q\nwant %q", r, want)
	}
	wantLog := "callback POST http://192.0.2.1/status not sent: 192.0.2.1 is not a loopback address"
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(log.String(), wantLog) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if l := log.String(); !strings.Contains(l, wantLog) || strings.Contains(l, "secret") {
		t.Errorf("log lacks %q or shows the query:\n%s", wantLog, l)
	}
}

// TestMainCallbacksTo: confconsole sim refuses to fetch an announcement from
// a host that is not loopback until --callbacks-to names it.
func TestMainCallbacksTo(t *testing.T) {
	hostIP, ln := hostAddress(t)
	if ln == nil {
		t.Skip("this machine cannot listen on 127.0.0.2")
	}
	host := newCountingServer(t, ln)
	announceURL := "http://" + net.JoinHostPort(hostIP.String(), host.port) + "/a.mp3"
	tests := []struct {
		name      string
		flags     []string
		wantEvent string
	}{
		{"default", nil, "announcement-fail"},
		{"allowed", []string{"--callbacks-to", "hooks.example.net, " + net.JoinHostPort(hostIP.String(), host.port)}, "announcement-end"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conns, reqs := host.conns.Load(), host.requests.Load()
			rcv := newReceiver(t)
			stdout, _, _ := startMainWith(t, onlyFirstLoopback, append([]string{"--listen", "127.0.0.1:0", "--no-demo", "--quiet",
				"--account-sid", testAccount, "--auth-token", testToken,
				"--ring-time", "0", "--queue-time", "0", "--connect-time", "0"}, tc.flags...)...)
			base := bannerField(t, stdout.String(), "base URL")
			post := func(path string, form url.Values) string {
				t.Helper()
				req, _ := http.NewRequest("POST", base+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.SetBasicAuth(testAccount, testToken)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode >= 300 {
					t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b)
				}
				return string(b)
			}
			created := post(partsPath("room"), url.Values{"To": {"client:agent"}, "From": {"+15005550006"}, "Label": {"agent"},
				"ConferenceStatusCallback": {rcv.ts.URL + "/cb"}, "ConferenceStatusCallbackEvent": {"announcement"}})
			m := regexp.MustCompile(`"conference_sid":"(CF[0-9a-f]{32})"`).FindStringSubmatch(created)
			if m == nil {
				t.Fatalf("create: %s", created)
			}
			conf := m[1]
			post(partsPath(conf), url.Values{"To": {"+14155550100"}, "From": {"+15005550006"}, "Label": {"customer"}})
			for deadline := time.Now().Add(5 * time.Second); ; {
				if _, body := get2(t, base+confPath(conf), testAccount, testToken); strings.Contains(body, `"status":"in-progress"`) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the conference did not start")
				}
				time.Sleep(10 * time.Millisecond)
			}
			post(confPath(conf), url.Values{"AnnounceUrl": {announceURL}})
			got := rcv.wait(1)[0].params
			if e := got.Get("StatusCallbackEvent"); e != tc.wantEvent {
				t.Fatalf("%s (%s), want %s", e, got.Get("ReasonAnnouncementFailed"), tc.wantEvent)
			}
			if tc.wantEvent == "announcement-fail" {
				if r := got.Get("ReasonAnnouncementFailed"); !strings.Contains(r, "--callbacks-to "+hostIP.String()) {
					t.Errorf("reason %q does not name the flag", r)
				}
				if host.conns.Load() != conns {
					t.Errorf("refused, yet the host saw a connection")
				}
			} else if host.requests.Load() != reqs+1 {
				t.Errorf("allowed, yet the host saw %d requests", host.requests.Load()-reqs)
			}
		})
	}
}
