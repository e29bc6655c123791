package netguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func TestAllowlistDefaultZoomHosts(t *testing.T) {
	t.Parallel()
	a := MustParse("TEST", DefaultZoomHosts)
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"https://zoom.us/rec/download/abc", true},
		{"https://us06web.zoom.us/rec/download/abc?x=1", true},
		{"https://ZOOM.US./rec/x", true},
		{"https://api.zoomgov.com/v2/x", true},
		{"https://zoomgov.com/x", true},
		{"http://zoom.us/rec/download/abc", false},             // plain http not allowed by default
		{"https://zoom.us:8443/rec/download/abc", false},       // only the default port
		{"https://evilzoom.us/x", false},                       // suffix without the dot
		{"https://zoom.us.evil.example/x", false},              // prefix
		{"https://zoom.us@evil.example/x", false},              // user info
		{"https://127.0.0.1/x", false},                         // an address
		{"ftp://zoom.us/x", false},                             // scheme
		{"https://169.254.169.254/latest/meta-data/", false},   // metadata
		{"https://[fd00:ec2::254]/latest/meta-data/", false},   // metadata (IPv6)
		{"https://recall-media.s3.amazonaws.com/x.mp4", false}, // another list's business
	} {
		assert.Equal(t, tc.want, a.Allows(mustURL(t, tc.url)), tc.url)
	}
}

func TestAllowlistEntries(t *testing.T) {
	t.Parallel()
	a, err := Parse("TEST", "http://127.0.0.1:9090, https://files.example.com:8443 http://localhost:* [::1]:7000")
	require.NoError(t, err)
	assert.True(t, a.Allows(mustURL(t, "http://127.0.0.1:9090/rec/x")))
	assert.True(t, a.Allows(mustURL(t, "https://127.0.0.1:9090/rec/x")), "an http entry allows https too")
	assert.False(t, a.Allows(mustURL(t, "http://127.0.0.1:9091/rec/x")))
	assert.True(t, a.Allows(mustURL(t, "https://files.example.com:8443/x")))
	assert.False(t, a.Allows(mustURL(t, "http://files.example.com:8443/x")), "https entry refuses http")
	assert.True(t, a.Allows(mustURL(t, "http://localhost:1234/x")))
	assert.True(t, a.Allows(mustURL(t, "https://[::1]:7000/x")))
	assert.Equal(t, "http://127.0.0.1:9090,files.example.com:8443,http://localhost:*,[::1]:7000", a.String())

	for _, bad := range []string{"gopher://x.example", "*.com", "zoom.us/rec", "a..b", "host:port", "user@zoom.us"} {
		_, err := Parse("MEETVAULT_X", bad)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "MEETVAULT_X", "errors name the setting")
	}
	empty, err := Parse("TEST", "")
	require.NoError(t, err)
	assert.True(t, empty.Empty())
	assert.False(t, empty.Allows(mustURL(t, "https://zoom.us/")))
}

func TestHostOf(t *testing.T) {
	t.Parallel()
	a, err := HostOf("API", "http://127.0.0.1:9090/v2")
	require.NoError(t, err)
	assert.True(t, a.Allows(mustURL(t, "http://127.0.0.1:9090/rec/download/x")))
	assert.False(t, a.Allows(mustURL(t, "http://localhost:9090/rec/download/x")))
	b, err := HostOf("API", "https://api.zoom.us/v2")
	require.NoError(t, err)
	assert.True(t, b.Allows(mustURL(t, "https://api.zoom.us/x")))
	assert.False(t, b.Allows(mustURL(t, "https://zoom.us/x")))
}

func TestBlockedRange(t *testing.T) {
	t.Parallel()
	for ip, want := range map[string]bool{
		"127.0.0.1": true, "10.1.2.3": true, "172.20.0.1": true, "192.168.1.1": true,
		"169.254.169.254": true, "169.254.10.10": true, "100.64.0.1": true, "100.127.255.254": true,
		"0.0.0.0": true, "::": true, "::1": true, "fd00:ec2::254": true, "fe80::1": true, "fc00::1": true,
		"::ffff:127.0.0.1": true, "64:ff9b::a00:1": true, "224.0.0.1": true, "fe80::1%eth0": true, "2002:7f00:1::1": true,
		"2002:808:808::1": false,
		"8.8.8.8":         false, "170.114.52.2": false, "2606:4700::1111": false, "100.128.0.1": false,
	} {
		_, got := BlockedRange(netip.MustParseAddr(ip))
		assert.Equal(t, want, got, ip)
	}
}

// fakeDNS answers every name from a table.
func fakeDNS(table map[string]string) Option {
	return WithLookup(func(_ context.Context, host string) ([]netip.Addr, error) {
		if a, ok := table[host]; ok {
			return []netip.Addr{netip.MustParseAddr(a)}, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	})
}

func TestDialRefusesPrivateAddressesOfWildcardHosts(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "internal") }))
	defer srv.Close()
	port := mustURL(t, srv.URL).Port()

	// A name under an allowed wildcard that resolves to loopback (DNS
	// rebinding, or a hostile record) is refused at dial time.
	g := New(MustParse("TEST", "http://*.zoom.us:*"), fakeDNS(map[string]string{"files.zoom.us": "127.0.0.1"}))
	c := g.Client(nil)
	_, err := c.Get("http://files.zoom.us:" + port + "/")
	require.Error(t, err)
	assert.True(t, IsRefused(err), "want a refusal, got %v", err)
	assert.Contains(t, err.Error(), "loopback")

	// The same address named by the list (IP literal or exact name) is dialed.
	for _, list := range []string{"http://127.0.0.1:" + port, "http://sim.test:*"} {
		g := New(MustParse("TEST", list), fakeDNS(map[string]string{"sim.test": "127.0.0.1"}))
		host := "127.0.0.1"
		if strings.Contains(list, "sim.test") {
			host = "sim.test"
		}
		resp, err := g.Client(nil).Get("http://" + host + ":" + port + "/")
		require.NoError(t, err, list)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, "internal", string(b))
	}
}

func TestDialRefusesMetadataAndCGNAT(t *testing.T) {
	t.Parallel()
	g := New(MustParse("TEST", "*.example.com"), fakeDNS(map[string]string{
		"meta.example.com": "169.254.169.254", "meta6.example.com": "fd00:ec2::254", "cg.example.com": "100.64.3.4",
	}))
	for _, h := range []string{"meta.example.com", "meta6.example.com", "cg.example.com"} {
		_, err := g.DialContext(context.Background(), "tcp", h+":443")
		require.Error(t, err, h)
		assert.True(t, IsRefused(err), "%s: %v", h, err)
	}
}

func TestRedirectHopsAreChecked(t *testing.T) {
	t.Parallel()
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "secret") }))
	defer inside.Close()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inside.URL+"/x?X-Amz-Signature=abc", http.StatusFound)
	}))
	defer front.Close()
	g := New(MustParse("MEETVAULT_DOWNLOAD_ALLOWED_HOSTS", "http://"+mustURL(t, front.URL).Host))
	_, err := g.Client(nil).Get(front.URL + "/start")
	require.Error(t, err)
	assert.True(t, IsRefused(err))
	assert.Contains(t, err.Error(), "MEETVAULT_DOWNLOAD_ALLOWED_HOSTS")
	assert.NotContains(t, URLError(err).Error(), "abc", "the signature never reaches the error")
}

func TestScrubText(t *testing.T) {
	t.Parallel()
	in := `Get "https://bucket.s3.amazonaws.com/bot.mp4?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA%2F&X-Amz-Expires=60": EOF; ` +
		`form access_token=tok123&x=1 download_token=dl456, Authorization: Bearer eyJabc.def.ghi and Authorization: Token sk_live_9`
	out := ScrubText(in)
	for _, secret := range []string{"deadbeef", "AKIA", "tok123", "dl456", "eyJabc", "sk_live_9"} {
		assert.NotContains(t, out, secret)
	}
	assert.Contains(t, out, "https://bucket.s3.amazonaws.com/bot.mp4?")
	assert.Contains(t, out, "X-Amz-Signature=REDACTED")
	assert.Equal(t, "the download token was rejected (HTTP 401)", ScrubText("the download token was rejected (HTTP 401)"))
}

type typed struct{ msg string }

func (e *typed) Error() string { return e.msg }

func TestScrubErrorChain(t *testing.T) {
	t.Parallel()
	inner := &typed{msg: "refused https://x.zoom.us/rec?access_token=SECRET"}
	err := ScrubError(fmt.Errorf("outer: %w", inner))
	for e := error(err); e != nil; e = errors.Unwrap(e) {
		assert.NotContains(t, e.Error(), "SECRET", "every level of the chain is scrubbed")
	}
	var got *typed
	require.True(t, errors.As(err, &got), "errors.As still finds the original")
	assert.Same(t, inner, got)
	assert.True(t, errors.Is(ScrubError(fmt.Errorf("x: %w", io.EOF)), io.EOF))
	assert.Nil(t, ScrubError(nil))
}
