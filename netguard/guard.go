package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// MaxRedirects bounds redirect chains of guarded clients.
const MaxRedirects = 10

// RefusedError reports a URL or an address the guard would not fetch. It is
// a permanent condition: retrying the same URL fails the same way.
type RefusedError struct {
	URL    string // redacted
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("netguard: refused to fetch %s: %s", e.URL, e.Reason)
}

// IsRefused reports whether err (or an error it wraps) is a *RefusedError.
func IsRefused(err error) bool {
	var r *RefusedError
	return errors.As(err, &r)
}

// Guard checks URLs and dialed addresses against an Allowlist.
type Guard struct {
	allow  Allowlist
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	dialer net.Dialer
}

// Option configures a Guard.
type Option func(*Guard)

// WithLookup replaces DNS resolution (tests use it to play a rebinding
// resolver).
func WithLookup(f func(ctx context.Context, host string) ([]netip.Addr, error)) Option {
	return func(g *Guard) { g.lookup = f }
}

// New returns a guard allowing what allow allows.
func New(allow Allowlist, opts ...Option) *Guard {
	g := &Guard{
		allow: allow,
		lookup: func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		},
		dialer: net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second},
	}
	for _, o := range opts {
		o(g)
	}
	return g
}

// Allowlist is the guard's list.
func (g *Guard) Allowlist() Allowlist { return g.allow }

// Check returns a *RefusedError unless u's scheme, host and port are on the
// allowlist.
func (g *Guard) Check(u *url.URL) error {
	if u == nil {
		return &RefusedError{URL: "(none)", Reason: "no URL"}
	}
	if g.allow.Allows(u) {
		return nil
	}
	reason := fmt.Sprintf("%s://%s is not on the allowlist", u.Scheme, u.Host)
	if u.User != nil {
		reason = "URLs with user information are never fetched"
	}
	if g.allow.name != "" {
		reason += fmt.Sprintf(" (%s = %q); add the host there if it is genuinely yours", g.allow.name, g.allow.String())
	}
	return &RefusedError{URL: RedactURL(u.String()), Reason: reason}
}

// CheckRedirect is an http.Client CheckRedirect that applies Check to every
// hop and stops after MaxRedirects.
func (g *Guard) CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= MaxRedirects {
		return fmt.Errorf("stopped after %d redirects", MaxRedirects)
	}
	return g.Check(req.URL)
}

// DialContext resolves addr's host, refuses addresses in blocked ranges the
// allowlist does not name, and connects to the first address that answers.
// The dialer's Control hook checks the socket's actual address once more
// right before connecting.
func (g *Guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else if ips, err = g.lookup(ctx, host); err != nil {
		return nil, err
	}
	d := g.dialer
	d.Control = func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &RefusedError{URL: host, Reason: "cannot parse the dialed address " + address}
		}
		return g.checkAddr(host, ap.Addr())
	}
	var firstErr error
	for _, ip := range ips {
		if err := g.checkAddr(host, ip); err != nil {
			firstErr = cmpErr(firstErr, err)
			continue
		}
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		firstErr = cmpErr(firstErr, err)
		if ctx.Err() != nil {
			break
		}
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("netguard: %s resolved to no address", host)
	}
	return nil, firstErr
}

// cmpErr keeps the first error, preferring a refusal (the permanent reason)
// over a connection error.
func cmpErr(first, next error) error {
	if first == nil || (!IsRefused(first) && IsRefused(next)) {
		return next
	}
	return first
}

func (g *Guard) checkAddr(host string, ip netip.Addr) error {
	if r, blocked := BlockedRange(ip); blocked && !g.allow.namesAddr(host, ip) {
		return &RefusedError{URL: host, Reason: fmt.Sprintf("%s resolves to %s, a %s address; "+
			"only an allowlist entry naming this host or address exactly lets a download reach it", host, ip, r)}
	}
	return nil
}

// Transport returns a clone of base (http.DefaultTransport's settings when
// nil) that dials through the guard and uses no proxy.
func (g *Guard) Transport(base *http.Transport) *http.Transport {
	if base == nil {
		base = http.DefaultTransport.(*http.Transport)
	}
	t := base.Clone()
	t.Proxy = nil
	t.DialContext = g.DialContext
	t.DialTLSContext = nil
	return t
}

// Client returns an http.Client on Transport(base) with CheckRedirect set.
func (g *Guard) Client(base *http.Transport) *http.Client {
	return &http.Client{Transport: g.Transport(base), CheckRedirect: g.CheckRedirect}
}

// blocked ranges: never dialed unless the allowlist names the address.
var blockedRanges = []struct {
	prefix netip.Prefix
	name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.169.254/32"), "cloud metadata"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("fd00:ec2::254/128"), "cloud metadata"},
	{netip.MustParsePrefix("fc00::/7"), "unique-local (private)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

// nat64 is the well-known NAT64 prefix; its addresses embed an IPv4 one.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// BlockedRange reports whether ip is in a range downloads never reach on
// their own (loopback, private, link-local, CGNAT, metadata, multicast,
// unspecified, reserved), and names the range. IPv4-mapped and NAT64
// addresses are judged by their IPv4 address.
func BlockedRange(ip netip.Addr) (string, bool) {
	ip = ip.Unmap().WithZone("") // a zoned address is never "contained" in a prefix
	if ip.Is6() && ip.As16()[0] == 0x20 && ip.As16()[1] == 0x02 {
		b := ip.As16() // 6to4 (2002:V4ADDR::/48) embeds an IPv4 address
		if r, blocked := BlockedRange(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})); blocked {
			return "6to4 " + r, true
		}
	}
	if nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	if !ip.IsValid() {
		return "invalid", true
	}
	for _, r := range blockedRanges {
		if r.prefix.Contains(ip) {
			return r.name, true
		}
	}
	return "", false
}
