package main

import (
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/meetvault/meetvault/zoom"
)

// Ingress answers that must not give anything away before the signature is
// checked, and the replay cache.

const (
	outcomeUnavailable = "tenants_unavailable"
	outcomeReplayed    = "replayed"
)

// tenantAvailability is implemented by directories that can tell "no such
// tenant" from "cannot tell right now" (tenantCache).
type tenantAvailability interface {
	unavailable(key string) bool
}

// noTenant answers a delivery whose tenant (or account) the directory does
// not know. Before the signature is checked an unknown tenant must look
// exactly like a bad signature, or anyone could list tenant ids; when the
// directory cannot be read (Postgres down on a cold cache, an unreadable
// secret) the answer is 503 so Zoom retries, never a refusal.
//
// The signature is still computed (with a throw-away secret) so that the
// answer takes as long as a real verification.
func (h *zoomWebhooks) noTenant(w http.ResponseWriter, r *http.Request, body []byte, key string) {
	_ = zoom.VerifyWebhook(decoySecret, r.Header, body, h.verifyTime(r))
	if a, ok := h.tenants.(tenantAvailability); ok && a.unavailable(key) {
		h.log.Warn("zoom webhook: tenants cannot be read right now; asking Zoom to retry", "key", key)
		h.metrics.rejected.WithLabelValues(outcomeUnavailable).Inc()
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	h.metrics.rejected.WithLabelValues(outcomeUnknownTenant).Inc()
	http.Error(w, badSignatureMsg, http.StatusUnauthorized)
}

// decoySecret verifies deliveries for tenants that do not exist.
const decoySecret = "meetvault-no-such-tenant"

// badSignatureMsg is the one answer for a signature that does not verify
// and for a tenant that does not exist.
const badSignatureMsg = "signature mismatch"

// handleOnce is handle for deliveries not seen before: a verified delivery
// whose signature (over the same timestamp and body) was already handled
// successfully within the replay window is acknowledged without acting
// again. URL validation is always answered.
func (h *zoomWebhooks) handleOnce(w http.ResponseWriter, r *http.Request, t webhookTenant, ev envelope, body []byte) {
	if ev.Event == zoom.EventURLValidation || h.replays == nil {
		h.handle(w, r, t, ev, body)
		return
	}
	key := replayKey(t.ID, r)
	if h.replays.seen(key, h.now()) {
		h.log.Info("zoom webhook: replayed delivery acknowledged without acting", "tenant", t.ID, "event", ev.Event)
		h.metrics.outcome(ev.Event, outcomeReplayed)
		w.WriteHeader(http.StatusOK)
		return
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	h.handle(sw, r, t, ev, body)
	if sw.status >= 200 && sw.status < 300 {
		// Only a delivery that was made durable counts: a 503 must stay
		// retryable with the very same signature.
		h.replays.add(key, h.now())
	}
}

// replayKey identifies a delivery: the signature covers timestamp and body,
// so the same signature and timestamp is the same delivery.
func replayKey(tenant string, r *http.Request) [32]byte {
	sig := strings.TrimSpace(r.Header.Get(zoom.HeaderWebhookSignature))
	ts := strings.TrimSpace(r.Header.Get(zoom.HeaderWebhookTimestamp))
	return sha256.Sum256([]byte(tenant + "\x00" + ts + "\x00" + sig))
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// replayCache remembers handled deliveries for window, at most max of them
// (the oldest go first). A delivery older than the window is refused by the
// timestamp check anyway, so the cache never needs to be longer.
type replayCache struct {
	window time.Duration
	max    int

	mu    sync.Mutex
	at    map[[32]byte]time.Time
	order [][32]byte
}

func newReplayCache(window time.Duration, max int) *replayCache {
	return &replayCache{window: window, max: max, at: map[[32]byte]time.Time{}}
}

func (c *replayCache) seen(key [32]byte, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	at, ok := c.at[key]
	return ok && now.Sub(at) <= c.window
}

func (c *replayCache) add(key [32]byte, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.order) > 0 && (len(c.order) >= c.max || now.Sub(c.at[c.order[0]]) > c.window) {
		delete(c.at, c.order[0])
		c.order = c.order[1:]
	}
	if _, ok := c.at[key]; !ok {
		c.order = append(c.order, key)
	}
	c.at[key] = now
}
