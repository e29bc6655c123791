package netguard

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// DefaultZoomHosts is the allowlist of Zoom's own download hosts: https on
// the default port to zoom.us, zoomgov.com and their sub-domains.
const DefaultZoomHosts = "zoom.us,*.zoom.us,zoomgov.com,*.zoomgov.com"

// Allowlist is a parsed list of host entries (see Parse). The zero value
// allows nothing.
type Allowlist struct {
	rules []rule
	// name labels refusals: the setting that holds the list, so the error
	// says what to change.
	name string
}

type rule struct {
	plainHTTP bool       // "http://" entry: http allowed as well as https
	host      string     // lower-case name; for wildcards the parent domain
	wildcard  bool       // "*.parent": strict sub-domains of host only
	ip        netip.Addr // valid for IP-literal entries
	port      string     // "" scheme default, "*" any, else the port
}

// Parse reads a comma- or space-separated list of entries:
//
//	zoom.us             https, port 443, exactly zoom.us
//	*.zoom.us           https, port 443, any sub-domain of zoom.us
//	https://host:8443   https on port 8443
//	http://127.0.0.1:9090  http or https to that address and port
//	http://localhost:*  http or https to localhost on any port
//
// name is the setting the list came from (e.g. an environment variable);
// refusals quote it. An empty spec yields an empty list (allows nothing).
func Parse(name, spec string) (Allowlist, error) {
	a := Allowlist{name: name}
	for _, f := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		r, err := parseRule(f)
		if err != nil {
			return Allowlist{}, fmt.Errorf("%s: entry %q: %w", name, f, err)
		}
		a.rules = append(a.rules, r)
	}
	return a, nil
}

// MustParse is Parse for constant lists; it panics on error.
func MustParse(name, spec string) Allowlist {
	a, err := Parse(name, spec)
	if err != nil {
		panic(err)
	}
	return a
}

func parseRule(entry string) (rule, error) {
	var r rule
	rest := entry
	if scheme, after, ok := strings.Cut(entry, "://"); ok {
		switch strings.ToLower(scheme) {
		case "https":
		case "http":
			r.plainHTTP = true
		default:
			return r, fmt.Errorf("scheme %q: use https:// or http://", scheme)
		}
		rest = after
	}
	if strings.ContainsAny(rest, "/?#@") {
		return r, fmt.Errorf("give a host (and optional :port), not a path, query or user")
	}
	host, port := rest, ""
	if h, p, err := net.SplitHostPort(rest); err == nil {
		host, port = h, p
		if port != "*" {
			if _, err := netip.ParseAddrPort("127.0.0.1:" + port); err != nil {
				return r, fmt.Errorf("port %q is not a number or *", port)
			}
		}
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	r.port = port
	if ip, err := netip.ParseAddr(host); err == nil {
		r.ip = ip.Unmap()
		return r, nil
	}
	if parent, ok := strings.CutPrefix(host, "*."); ok {
		r.wildcard, host = true, parent
	}
	if !validHostname(host) {
		return r, fmt.Errorf("%q is not a host name", host)
	}
	if r.wildcard && !strings.Contains(host, ".") {
		return r, fmt.Errorf("wildcard over a top-level domain (*.%s) is too broad", host)
	}
	r.host = host
	return r, nil
}

func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// Name is the setting the list came from.
func (a Allowlist) Name() string { return a.name }

// Empty reports a list that allows nothing.
func (a Allowlist) Empty() bool { return len(a.rules) == 0 }

// Union returns a list allowing what a or any of more allows; it keeps a's
// name.
func (a Allowlist) Union(more ...Allowlist) Allowlist {
	out := Allowlist{name: a.name, rules: append([]rule(nil), a.rules...)}
	for _, m := range more {
		out.rules = append(out.rules, m.rules...)
	}
	return out
}

// HostOf returns an allowlist of exactly rawURL's scheme, host and port
// (for example a configured API base URL). Its name is name.
func HostOf(name, rawURL string) (Allowlist, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return Allowlist{}, fmt.Errorf("%s: %q is not an absolute URL", name, rawURL)
	}
	port := u.Port()
	if port == "" {
		port = defaultPort(u.Scheme)
	}
	host := u.Hostname()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return Parse(name, u.Scheme+"://"+host+":"+port)
}

// Allows reports whether u's scheme, host and port match an entry.
func (a Allowlist) Allows(u *url.URL) bool {
	if u == nil || u.User != nil {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return false
	}
	host := normHost(u.Hostname())
	port := u.Port()
	if port == "" {
		port = defaultPort(scheme)
	}
	for _, r := range a.rules {
		if scheme == "http" && !r.plainHTTP {
			continue
		}
		if r.port == "*" || r.port == port || (r.port == "" && port == defaultPort(scheme)) {
			if r.matchesHost(host) {
				return true
			}
		}
	}
	return false
}

func (r rule) matchesHost(host string) bool {
	if r.ip.IsValid() {
		ip, err := netip.ParseAddr(host)
		return err == nil && ip.Unmap() == r.ip
	}
	if r.wildcard {
		return strings.HasSuffix(host, "."+r.host)
	}
	return host == r.host
}

// namesAddr reports whether the list names ip explicitly for a dial to
// host: an IP-literal entry equal to ip, or an exact (non-wildcard) entry
// for host.
func (a Allowlist) namesAddr(host string, ip netip.Addr) bool {
	host = normHost(host)
	for _, r := range a.rules {
		switch {
		case r.ip.IsValid() && r.ip == ip.Unmap():
			return true
		case !r.ip.IsValid() && !r.wildcard && r.host == host:
			return true
		}
	}
	return false
}

func normHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.Trim(h, "[]")), ".")
}

func defaultPort(scheme string) string {
	if strings.EqualFold(scheme, "http") {
		return "80"
	}
	return "443"
}

// String lists the entries as parsed (for logs and error messages).
func (a Allowlist) String() string {
	parts := make([]string, 0, len(a.rules))
	for _, r := range a.rules {
		s := ""
		if r.plainHTTP {
			s = "http://"
		}
		switch {
		case r.ip.IsValid() && r.ip.Is6():
			s += "[" + r.ip.String() + "]"
		case r.ip.IsValid():
			s += r.ip.String()
		case r.wildcard:
			s += "*." + r.host
		default:
			s += r.host
		}
		if r.port != "" {
			s += ":" + r.port
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}
