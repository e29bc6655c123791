package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meetvault/meetvault/store"
)

// Before the signature is checked, an unknown tenant (or account) looks
// exactly like a bad signature: same status, same body.
func TestZoomWebhookUnknownTenantLooksLikeABadSignature(t *testing.T) {
	h, sink := newTestWebhooks()
	body := recordingCompleted("ACC-A", "u1")
	bad := signed("POST", "/webhooks/zoom/acme", body, "secret-a", testNow)
	bad.Header.Set("x-zm-signature", "v0=00")
	unsigned := signed("POST", "/webhooks/zoom/acme", body, "secret-a", testNow)
	unsigned.Header.Del("x-zm-signature")
	stale := signed("POST", "/webhooks/zoom/acme", body, "secret-a", testNow.Add(-time.Hour))
	answers := []*httptest.ResponseRecorder{
		serve(h, bad),
		serve(h, unsigned), // a known tenant without headers must not answer differently
		serve(h, stale),
		serve(h, signed("POST", "/webhooks/zoom/nobody", body, "secret-a", testNow)),
		serve(h, signed("POST", "/webhooks/zoom", recordingCompleted("ACC-NOBODY", "u1"), "secret-a", testNow)),
	}
	for i, w := range answers {
		if w.Code != answers[0].Code || w.Body.String() != answers[0].Body.String() {
			t.Fatalf("answer %d: %d %q differs from the bad-signature answer %d %q", i, w.Code, w.Body, answers[0].Code, answers[0].Body)
		}
	}
	if answers[0].Code != http.StatusUnauthorized || len(sink.calls) != 0 {
		t.Fatalf("status %d, calls %v", answers[0].Code, sink.calls)
	}
}

// loader plays Postgres for the tenant cache.
type loader struct {
	mu   sync.Mutex
	list []store.WebhookTenant
	err  error
}

func (l *loader) load(context.Context) ([]store.WebhookTenant, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.list, l.err
}

func cachedWebhooks(l *loader) (*zoomWebhooks, *fakeSink) {
	h, sink := newTestWebhooks()
	c := newTenantCache(l.load, slog.New(slog.NewTextHandler(io.Discard, nil)))
	c.refresh = 0 // reload on every lookup
	h.tenants = c
	return h, sink
}

// A cold cache with Postgres down cannot tell a tenant from a stranger:
// 503, so Zoom retries, never 404 (or a refusal that Zoom gives up on).
func TestZoomWebhookColdCacheWithPostgresDownAnswers503(t *testing.T) {
	l := &loader{err: errors.New("dial tcp 127.0.0.1:55432: connection refused")}
	h, sink := cachedWebhooks(l)
	for _, path := range []string{"/webhooks/zoom/acme", "/webhooks/zoom"} {
		w := serve(h, signed("POST", path, recordingCompleted("ACC-A", "u1"), "secret-a", testNow))
		if w.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s: status %d, want 503", path, w.Code)
		}
		if len(sink.calls) != 0 {
			t.Fatal("acted without a tenant")
		}
	}
	if w := serve(h, signed("POST", "/webhooks/zoom/acme", recordingCompleted("ACC-A", "u1"), "secret-a", testNow)); strings.Contains(w.Body.String(), "55432") {
		t.Fatalf("the answer leaks the database error: %q", w.Body)
	}
	l.mu.Lock()
	l.list, l.err = []store.WebhookTenant{{ID: "acme", ZoomAccountID: "ACC-A", SecretToken: "secret-a"}}, nil
	l.mu.Unlock()
	if w := serve(h, signed("POST", "/webhooks/zoom/acme", recordingCompleted("ACC-A", "u1"), "secret-a", testNow)); w.Code != 200 {
		t.Fatalf("after Postgres came back: status %d", w.Code)
	}
	if w := serve(h, signed("POST", "/webhooks/zoom/nobody", recordingCompleted("ACC-A", "u1"), "secret-a", testNow)); w.Code != 401 {
		t.Fatalf("unknown tenant with a loaded list: status %d, want 401", w.Code)
	}
}

// One tenant whose secret does not unseal gets 503; the others work.
func TestZoomWebhookOneBrokenSecretDoesNotBreakOthers(t *testing.T) {
	l := &loader{list: []store.WebhookTenant{
		{ID: "acme", ZoomAccountID: "ACC-A", Err: errors.New("cipher: message authentication failed")},
		{ID: "globex", ZoomAccountID: "ACC-G", SecretToken: "secret-g"},
	}}
	h, sink := cachedWebhooks(l)
	if w := serve(h, signed("POST", "/webhooks/zoom/globex", recordingCompleted("ACC-G", "u1"), "secret-g", testNow)); w.Code != 200 {
		t.Fatalf("healthy tenant: status %d", w.Code)
	}
	for _, path := range []string{"/webhooks/zoom/acme", "/webhooks/zoom"} {
		if w := serve(h, signed("POST", path, recordingCompleted("ACC-A", "u2"), "secret-a", testNow)); w.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s: broken tenant: status %d, want 503", path, w.Code)
		}
	}
	if len(sink.calls) != 1 || sink.calls[0].tenant != "globex" {
		t.Fatalf("calls %v", sink.calls)
	}
}

// A replayed delivery (same body, same signature, within the window) is
// acknowledged without a second signal; one that failed stays retryable.
func TestZoomWebhookReplayIsAcknowledgedWithoutActing(t *testing.T) {
	h, sink := newTestWebhooks()
	h.replays = newReplayCache(5*time.Minute, 100)
	body := recordingCompleted("ACC-A", "u1")
	for i := range 3 {
		if w := serve(h, signed("POST", "/webhooks/zoom/acme", body, "secret-a", testNow)); w.Code != 200 {
			t.Fatalf("delivery %d: status %d", i, w.Code)
		}
	}
	if len(sink.calls) != 1 {
		t.Fatalf("%d signals for one delivery replayed twice, want 1", len(sink.calls))
	}
	// A later delivery of the same event (Zoom's retry signs anew) acts.
	if w := serve(h, signed("POST", "/webhooks/zoom/acme", body, "secret-a", testNow.Add(time.Second))); w.Code != 200 || len(sink.calls) != 2 {
		t.Fatalf("new delivery: status %d, calls %d", w.Code, len(sink.calls))
	}
	// A delivery that could not be made durable is not remembered.
	sink.err = errors.New("temporal down")
	other := recordingCompleted("ACC-A", "u2")
	if w := serve(h, signed("POST", "/webhooks/zoom/acme", other, "secret-a", testNow)); w.Code != 503 {
		t.Fatalf("status %d", w.Code)
	}
	sink.err = nil
	if w := serve(h, signed("POST", "/webhooks/zoom/acme", other, "secret-a", testNow)); w.Code != 200 || len(sink.calls) != 4 {
		t.Fatalf("retry of a failed delivery: status %d, calls %d (want it to act)", w.Code, len(sink.calls))
	}
}

func TestReplayCacheForgetsOutsideItsWindowAndStaysBounded(t *testing.T) {
	c := newReplayCache(time.Minute, 3)
	k := func(b byte) [32]byte { return [32]byte{b} }
	c.add(k(1), testNow)
	if !c.seen(k(1), testNow.Add(59*time.Second)) || c.seen(k(1), testNow.Add(61*time.Second)) {
		t.Fatal("window not kept")
	}
	for b := byte(2); b < 10; b++ {
		c.add(k(b), testNow)
	}
	if len(c.at) > 3 || len(c.order) > 3 || !c.seen(k(9), testNow) || c.seen(k(1), testNow) {
		t.Fatalf("cache holds %d entries", len(c.at))
	}
}

func TestOpsEndpointsNeedTheToken(t *testing.T) {
	in := &ingress{metrics: newIngressMetrics(), ops: opsGate{token: "0123456789abcdef-ops"}}
	h := in.ops.require(in.metrics.handler())
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 404}, {"Bearer wrong", 404}, {"Bearer 0123456789abcdef-ops", 200}} {
		r := httptest.NewRequest("GET", "/metrics", nil)
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("auth %q: status %d, want %d", tc.auth, w.Code, tc.want)
		}
	}
	none := opsGate{}
	if none.allows(httptest.NewRequest("GET", "/metrics", nil)) {
		t.Error("no token configured must mean no access on the public listener")
	}
	srv := newHTTPServer("127.0.0.1:0", http.NotFoundHandler())
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 || srv.MaxHeaderBytes == 0 {
		t.Fatalf("server without timeouts: %+v", srv)
	}
}

// /readyz never shows a database error to the public; operators (token or
// ops listener) get the reason.
func TestReadyzHidesDependencyErrorsFromThePublic(t *testing.T) {
	in := &ingress{metrics: newIngressMetrics(), ops: opsGate{token: "0123456789abcdef-ops"},
		log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		checks: []readyCheck{{"postgres", func(context.Context) error {
			return errors.New(`failed to connect to user=meetvault database=meetvault: 127.0.0.1:55432: password authentication failed`)
		}}}}
	get := func(h http.Handler, auth string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/readyz", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	public := get(in.routes(), "")
	if public.Code != 503 || strings.TrimSpace(public.Body.String()) != "not ready" {
		t.Fatalf("public /readyz: %d %q", public.Code, public.Body)
	}
	for name, w := range map[string]*httptest.ResponseRecorder{
		"token": get(in.routes(), "Bearer 0123456789abcdef-ops"), "ops listener": get(in.opsRoutes(), ""),
	} {
		if w.Code != 503 || !strings.Contains(w.Body.String(), "postgres: failed to connect") {
			t.Errorf("%s: %d %q, want the reason", name, w.Code, w.Body)
		}
	}
	metrics := httptest.NewRecorder()
	in.routes().ServeHTTP(metrics, httptest.NewRequest("GET", "/metrics", nil))
	if metrics.Code != http.StatusNotFound {
		t.Errorf("public /metrics without the token: %d", metrics.Code)
	}
}
