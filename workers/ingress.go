package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"github.com/meetvault/meetvault/hostauth"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/meetvault/meetvault/config"
)

// ingress is the HTTP side of the process: health and readiness now, Zoom and
// bot-provider webhooks (turned into Temporal signals) as they are added.
type ingress struct {
	deps    *deps
	addr    string
	opsAddr string // separate listener for /metrics and /readyz details ("" none)
	ops     opsGate
	// checks are what /readyz asks, in order (Postgres, Temporal).
	checks  []readyCheck
	log     *slog.Logger
	zoom    *zoomWebhooks
	bot     *botWebhooks
	host    *hostAuthHandlers
	metrics *ingressMetrics
	codec   http.Handler // nil: no codec server
}

func newIngress(d *deps, cfg config.Config, log *slog.Logger) *ingress {
	m := newIngressMetrics()
	checks := []readyCheck{
		{"postgres", func(ctx context.Context) error { return d.store.Pool().Ping(ctx) }},
		{"temporal", func(ctx context.Context) error { _, err := d.temporal.CheckHealth(ctx, nil); return err }},
	}
	in := &ingress{deps: d, addr: cfg.Worker.IngressAddr, opsAddr: cfg.Worker.OpsAddr,
		ops: opsGate{token: cfg.Worker.OpsToken}, checks: checks, log: log, metrics: m,
		host: newHostAuthHandlers(d.hostAuth, cfg.Bots.BotSettingsHelpURL, log, m),
		bot: &botWebhooks{secret: cfg.Worker.BotWebhookSecret, bots: d.store,
			signal: temporalBotSignaler{c: d.temporal}, now: time.Now, log: log, metrics: m},
		zoom: &zoomWebhooks{
			tenants:   newTenantCache(d.store.WebhookTenants, log),
			sink:      &temporalSink{temporal: d.temporal, store: d.store, taskQueue: cfg.Temporal.TaskQueue},
			appSecret: cfg.Worker.ZoomWebhookSecret,
			now:       time.Now,
			maxSkew:   cfg.Worker.WebhookMaxSkew,
			log:       log,
			metrics:   m,
			replays:   newReplayCache(max(cfg.Worker.WebhookMaxSkew, 5*time.Minute), replayCacheSize),
		}}
	if d.codecServer != nil {
		in.codec = d.codecServer
	}
	return in
}

// replayCacheSize bounds the replay cache (about 100 bytes an entry).
const replayCacheSize = 200_000

func (in *ingress) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /webhooks/zoom/{tenant}", in.zoom.tenantRoute)
	mux.HandleFunc("POST /webhooks/zoom", in.zoom.sharedRoute)
	mux.HandleFunc("POST /webhooks/bot", in.bot.serve)
	mux.HandleFunc("GET /oauth/zoom/start", in.host.start)
	mux.HandleFunc("GET /oauth/zoom/callback", in.host.callback)
	mux.HandleFunc("GET /bot/join-token", in.host.joinToken)
	mux.HandleFunc("GET "+hostauth.OBFTokenPath, in.host.obfToken)
	mux.HandleFunc("GET "+hostauth.ZAKPath, in.host.zak)
	if in.codec != nil {
		mux.Handle("/codec/", in.codec) // the Web UI's codec endpoint (README)
	}
	mux.Handle("GET /metrics", in.ops.require(in.metrics.handler()))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { in.ready(w, r, in.ops.allows(r)) })
	return mux
}

// opsRoutes is the separate ops listener: metrics and detailed readiness,
// no token needed (keep the address private).
func (in *ingress) opsRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", in.metrics.handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { in.ready(w, r, true) })
	return mux
}

// ready answers 200 only when Postgres and Temporal both answer. The
// reason (which may quote a database error) is shown only to operators:
// the public answer is "not ready".
func (in *ingress) ready(w http.ResponseWriter, r *http.Request, details bool) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	for _, c := range in.checks {
		if err := c.check(ctx); err != nil {
			in.log.Warn("not ready", "dependency", c.name, "err", err)
			msg := "not ready"
			if details {
				msg = c.name + ": " + err.Error()
			}
			http.Error(w, msg, http.StatusServiceUnavailable)
			return
		}
	}
	w.Write([]byte("ready\n"))
}

// readyCheck is one dependency /readyz asks.
type readyCheck struct {
	name  string
	check func(ctx context.Context) error
}

// ListenAndServe serves until ctx ends, then shuts down gracefully.
func (in *ingress) ListenAndServe(ctx context.Context) error {
	servers := []*http.Server{newHTTPServer(in.addr, in.routes())}
	if in.opsAddr != "" {
		servers = append(servers, newHTTPServer(in.opsAddr, in.opsRoutes()))
	}
	errc := make(chan error, len(servers))
	for _, srv := range servers {
		go func() { errc <- srv.ListenAndServe() }()
	}
	select {
	case err := <-errc:
		for _, srv := range servers {
			// The first listener's failure is the one worth reporting.
			_ = srv.Close()
		}
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, srv := range servers {
			if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
		}
		return ctx.Err()
	}
}

// Server timeouts: webhook bodies are at most 1 MiB and every handler
// answers within seconds (Zoom waits 3 s), so a slow client cannot hold a
// connection open.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
)

func newHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h,
		ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout, WriteTimeout: writeTimeout,
		IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes}
}

// opsGate guards operator endpoints on the public listener: they need
// "Authorization: Bearer {MEETVAULT_OPS_TOKEN}"; without a configured token
// they are not served there at all.
type opsGate struct{ token string }

func (g opsGate) allows(r *http.Request) bool {
	if g.token == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(g.token)) == 1
}

func (g opsGate) require(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.allows(r) {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}
