package integration

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// forwardProxy is a plain HTTP forward proxy (absolute-form requests, as
// clients send them to an HTTP_PROXY) that maps made-up host names to the
// test's real servers, so a request can only have reached them through it.
type forwardProxy struct {
	srv   *httptest.Server
	hosts func(string) string // requested host:port → real host:port, "" refuses
	// rewriteHost names the hosts whose Host header becomes the real
	// address (the simulator then links its downloads to itself); others
	// keep theirs (S3 signs it).
	rewriteHost map[string]bool

	mu   sync.Mutex
	seen map[string]int // requested host → requests forwarded
}

func newForwardProxy(t *testing.T, hosts func(string) string) *forwardProxy {
	p := &forwardProxy{hosts: hosts, seen: map[string]int{}}
	direct := &http.Transport{Proxy: nil}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		real := p.hosts(r.URL.Host)
		if real == "" {
			http.Error(w, "unknown host "+r.URL.Host, http.StatusBadGateway)
			return
		}
		p.mu.Lock()
		p.seen[r.URL.Hostname()]++
		p.mu.Unlock()
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.URL = &url.URL{Scheme: r.URL.Scheme, Host: real, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
		out.Host = r.Host // what the client signed (S3's SigV4)
		if p.rewriteHost[r.URL.Host] {
			out.Host = real
		}
		out.Header.Del("Proxy-Connection")
		resp, err := direct.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *forwardProxy) count(host string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen[host]
}

// TestOutboundHTTPThroughForwardProxy archives a tenant with the worker's
// Zoom API calls and S3 uploads going through a forward proxy (HTTP_PROXY;
// https URLs take HTTPS_PROXY the same way, through the same
// http.ProxyFromEnvironment), and checks that NO_PROXY exempts a host.
// Recording downloads use netguard's guarded transport, which dials the
// allowed hosts itself and ignores proxies (its dial check must see the
// target's address): here the simulator links its downloads to its real
// address, which the test's allowlist names.
func TestOutboundHTTPThroughForwardProxy(t *testing.T) {
	requireStack(t)
	var simHost string
	s3Host := strings.TrimPrefix(mustEnv(t, "MEETVAULT_S3_ENDPOINT"), "http://")
	proxy := newForwardProxy(t, func(h string) string {
		switch h {
		case "zoom.test":
			return simHost
		case "s3.test:7070":
			return s3Host
		}
		return ""
	})
	e := newEnv(t,
		"HTTP_PROXY="+proxy.srv.URL, "http_proxy="+proxy.srv.URL, "NO_PROXY=", "no_proxy=",
		"MEETVAULT_ZOOM_API_URL=http://zoom.test/v2", "MEETVAULT_ZOOM_OAUTH_URL=http://zoom.test",
		"MEETVAULT_S3_ENDPOINT=http://s3.test:7070")
	simHost = strings.TrimPrefix(e.sim.URL(), "http://")
	proxy.rewriteHost = map[string]bool{"zoom.test": true}
	// The downloads' host is not the API's (zoom.test): let the token go
	// to it, as MEETVAULT_ZOOM_TOKEN_HOSTS does for Zoom's download hosts.
	e.vars = append(e.vars, "MEETVAULT_ZOOM_TOKEN_HOSTS="+e.sim.URL())
	e.stopWorker()
	e.startWorker()

	e.simPOST("/_sim/scenario", generate(5, 1, 3, 0))
	e.registerTenant()
	out := e.importWindow("2026-10-01", "2026-10-31")
	require.Equal(t, 3, out.Result.Meetings, "%+v", out)
	require.Zero(t, out.Result.FilesFailed, "%+v", out.Result.Failures)
	require.Len(t, e.archivedFiles(), out.Result.FilesArchived)
	require.Positive(t, out.Result.FilesArchived)

	zoomCalls, s3Calls := proxy.count("zoom.test"), proxy.count("s3.test")
	// The token, the users, the meeting log and the listings.
	require.GreaterOrEqual(t, zoomCalls, 4, "Zoom API calls went through the proxy")
	require.GreaterOrEqual(t, s3Calls, out.Result.FilesArchived, "S3 uploads went through the proxy")
	var want, got []string
	for _, f := range e.truth() {
		if f.Status == "completed" {
			want = append(want, f.SHA256)
		}
	}
	for _, f := range e.archivedFiles() {
		obj, ok, err := e.s3.Head(t.Context(), f.Key)
		require.NoError(t, err)
		require.True(t, ok, "%s not in S3", f.Key)
		got = append(got, obj.Metadata["sha256"])
	}
	require.ElementsMatch(t, want, got, "every completed file archived with the simulator's SHA-256")

	// NO_PROXY: the doctor reaches zoom.test directly, which no DNS
	// knows, and the proxy sees nothing more.
	doc, code := e.doctor("HTTP_PROXY="+proxy.srv.URL, "NO_PROXY=zoom.test", "no_proxy=zoom.test")
	require.Equal(t, 3, code)
	require.Equal(t, "problem", doc.status("zoom_credentials"), "%+v", doc.Problems)
	require.Equal(t, zoomCalls, proxy.count("zoom.test"), "NO_PROXY host bypassed the proxy")
	require.Greater(t, proxy.count("s3.test"), s3Calls, "the doctor's S3 check still used the proxy")
}
