package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/meetvault/meetvault/hostauth"
)

// fakeHostAuth stands in for hostauth.Service.
type fakeHostAuth struct {
	authURL     string
	authErr     error
	conn        *hostauth.Connection
	completeErr error
	completes   []string // state/code pairs
	token       string
	mintErr     error
	secrets     []string
}

func (f *fakeHostAuth) AuthorizeURL(_ context.Context, tenant string) (string, error) {
	if f.authErr != nil {
		return "", f.authErr
	}
	return f.authURL + "&tenant_hint=" + tenant, nil
}

func (f *fakeHostAuth) Complete(_ context.Context, state, code string) (*hostauth.Connection, error) {
	f.completes = append(f.completes, state+"/"+code)
	return f.conn, f.completeErr
}

func (f *fakeHostAuth) MintJoinToken(_ context.Context, secret string) (string, error) {
	f.secrets = append(f.secrets, secret)
	return f.token, f.mintErr
}

func (f *fakeHostAuth) MintUserToken(_ context.Context, kind hostauth.TokenKind, secret string) (string, error) {
	f.secrets = append(f.secrets, string(kind)+":"+secret)
	return f.token, f.mintErr
}

// newTestHostAuth returns handlers on fake, with the log captured.
func newTestHostAuth(fake hostAuthority) (*hostAuthHandlers, *bytes.Buffer, *ingressMetrics) {
	var logs bytes.Buffer
	m := newIngressMetrics()
	h := newHostAuthHandlers(nil, "https://help.example/local-recording", slog.New(slog.NewTextHandler(&logs, nil)), m)
	h.svc = fake
	return h, &logs, m
}

func get(h http.HandlerFunc, target string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h(w, httptest.NewRequest("GET", target, nil))
	return w
}

func TestOAuthStartRedirectsToZoom(t *testing.T) {
	fake := &fakeHostAuth{authURL: "https://zoom.example/oauth/authorize?client_id=c&state=s"}
	h, _, m := newTestHostAuth(fake)
	w := get(h.start, "/oauth/zoom/start?tenant=acme")
	if w.Code != http.StatusFound || w.Header().Get("Location") != fake.authURL+"&tenant_hint=acme" || w.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	if n := hostOAuthCount(t, m, "start", "redirected"); n != 1 {
		t.Fatalf("metric %v", n)
	}

	fake.authErr = fmt.Errorf("%w %q", hostauth.ErrUnknownTenant, "nope")
	if w := get(h.start, "/oauth/zoom/start?tenant=nope"); w.Code != http.StatusNotFound {
		t.Fatalf("unknown tenant: %d", w.Code)
	}
	if w := get(h.start, "/oauth/zoom/start"); w.Code != http.StatusBadRequest {
		t.Fatalf("no tenant: %d", w.Code)
	}
	fake.authErr = errors.New("postgres down")
	if w := get(h.start, "/oauth/zoom/start?tenant=acme"); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("store failure: %d", w.Code)
	}
}

// Without MEETVAULT_ZOOM_USER_CLIENT_ID/SECRET every route says so.
func TestHostOAuthRoutesWhenNotConfigured(t *testing.T) {
	h := newHostAuthHandlers(nil, "", slog.New(slog.NewTextHandler(io.Discard, nil)), newIngressMetrics())
	for _, c := range []struct {
		fn     http.HandlerFunc
		target string
	}{{h.start, "/oauth/zoom/start?tenant=acme"}, {h.callback, "/oauth/zoom/callback?code=c&state=s"}, {h.joinToken, "/bot/join-token?secret=s"}} {
		w := get(c.fn, c.target)
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "MEETVAULT_ZOOM_USER_CLIENT_ID") {
			t.Fatalf("%s: %d %s", c.target, w.Code, w.Body)
		}
	}
}

func TestOAuthCallbackPages(t *testing.T) {
	on, off := true, false
	cases := []struct {
		name   string
		target string
		conn   *hostauth.Connection
		err    error
		status int
		want   []string
		not    []string
	}{
		{"connected, local recording on", "/oauth/zoom/callback?code=c1&state=s1",
			&hostauth.Connection{TenantID: "acme", ZoomUserID: "u-alice", Email: "alice@acme.example", LocalRecording: &on}, nil,
			200, []string{"alice@acme.example", "u-alice", "acme", "is on"}, []string{"OFF"}},
		{"connected, local recording off", "/oauth/zoom/callback?code=c1&state=s1",
			&hostauth.Connection{TenantID: "acme", ZoomUserID: "u-bob", Email: "bob@acme.example", LocalRecording: &off}, nil,
			200, []string{"bob@acme.example", "Local recording is OFF", "Settings › Recording › Local recording", "Record to computer files", "https://help.example/local-recording"}, nil},
		{"connected, settings unknown", "/oauth/zoom/callback?code=c1&state=s1",
			&hostauth.Connection{TenantID: "acme", ZoomUserID: "u-carol", Email: "carol@acme.example"}, nil,
			200, []string{"could not be checked", "Settings › Recording › Local recording"}, nil},
		{"html in a name is escaped", "/oauth/zoom/callback?code=c1&state=s1",
			&hostauth.Connection{TenantID: "acme", ZoomUserID: "u-x", Email: "<script>x</script>@acme.example", LocalRecording: &on}, nil,
			200, []string{"&lt;script&gt;"}, []string{"<script>x"}},
		{"reused or unknown state", "/oauth/zoom/callback?code=c1&state=old", nil, hostauth.ErrBadState,
			400, []string{"Nothing was connected", "start again"}, nil},
		{"expired state", "/oauth/zoom/callback?code=c1&state=old", nil, hostauth.ErrStateExpired,
			400, []string{"Nothing was connected", "10 minutes"}, nil},
		{"code refused", "/oauth/zoom/callback?code=bad&state=s", nil, fmt.Errorf("%w (invalid_grant)", hostauth.ErrCodeRejected),
			400, []string{"Nothing was connected"}, nil},
		{"another account", "/oauth/zoom/callback?code=c&state=s", nil, fmt.Errorf("%w: eve@other", hostauth.ErrWrongAccount),
			403, []string{"Nothing was connected", "another Zoom account"}, nil},
		{"app credentials rejected", "/oauth/zoom/callback?code=c&state=s", nil, &hostauth.AppConfigError{Reason: "invalid_client: Invalid client_id"},
			503, []string{"Nothing was connected", "misconfigured"}, []string{"Invalid client_id"}},
		{"zoom down", "/oauth/zoom/callback?code=c&state=s", nil, errors.New("dial tcp: refused"),
			502, []string{"Nothing was connected", "start again"}, []string{"dial tcp"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, _, _ := newTestHostAuth(&fakeHostAuth{conn: tc.conn, completeErr: tc.err})
			w := get(h.callback, tc.target)
			body := w.Body.String()
			if w.Code != tc.status || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
				t.Fatalf("status %d (%s), want %d: %s", w.Code, w.Header().Get("Content-Type"), tc.status, body)
			}
			for _, s := range tc.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q:\n%s", s, body)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(body, s) {
					t.Errorf("page has %q:\n%s", s, body)
				}
			}
		})
	}
}

func TestOAuthCallbackDeniedConnectsNothing(t *testing.T) {
	fake := &fakeHostAuth{}
	h, _, _ := newTestHostAuth(fake)
	w := get(h.callback, "/oauth/zoom/callback?error=access_denied&state=s1")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Nothing was connected") || len(fake.completes) != 0 {
		t.Fatalf("%d %s, completes %v", w.Code, w.Body, fake.completes)
	}
}

// The routes are mounted on the ingress mux.
func TestHostOAuthRoutesAreMounted(t *testing.T) {
	fake := &fakeHostAuth{authURL: "https://zoom.example/oauth/authorize?x=1", token: "jt"}
	h, _, m := newTestHostAuth(fake)
	in := &ingress{host: h, metrics: m, zoom: &zoomWebhooks{}, bot: &botWebhooks{}}
	mux := in.routes()
	for target, want := range map[string]int{
		"/oauth/zoom/start?tenant=acme": 302,
		"/bot/join-token?secret=abc":    200,
	} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		if w.Code != want {
			t.Fatalf("%s: %d", target, w.Code)
		}
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("POST", "/bot/join-token?secret=abc", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", w.Code)
	}
}

// hostOAuthCount reads meetvault_host_oauth_requests_total{route,outcome}
// from the ingress registry (what /metrics serves).
func hostOAuthCount(t *testing.T, m *ingressMetrics, route, outcome string) float64 {
	t.Helper()
	families, err := m.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "meetvault_host_oauth_requests_total" {
			continue
		}
		for _, mt := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range mt.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["outcome"] == outcome {
				return mt.GetCounter().GetValue()
			}
		}
	}
	return 0
}
