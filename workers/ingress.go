package main

import (
	"context"
	"errors"
	"github.com/meetvault/meetvault/hostauth"
	"log/slog"
	"net/http"
	"time"

	"github.com/meetvault/meetvault/config"
)

// ingress is the HTTP side of the process: health and readiness now, Zoom and
// bot-provider webhooks (turned into Temporal signals) as they are added.
type ingress struct {
	deps    *deps
	addr    string
	log     *slog.Logger
	zoom    *zoomWebhooks
	bot     *botWebhooks
	host    *hostAuthHandlers
	metrics *ingressMetrics
}

func newIngress(d *deps, cfg config.Config, log *slog.Logger) *ingress {
	m := newIngressMetrics()
	return &ingress{deps: d, addr: cfg.Worker.IngressAddr, log: log, metrics: m,
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
		}}
}

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
	mux.Handle("GET /metrics", in.metrics.handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", in.ready)
	return mux
}

// ready answers 200 only when Postgres and Temporal both answer.
func (in *ingress) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := in.deps.store.Pool().Ping(ctx); err != nil {
		http.Error(w, "postgres: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if _, err := in.deps.temporal.CheckHealth(ctx, nil); err != nil {
		http.Error(w, "temporal: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

// ListenAndServe serves until ctx ends, then shuts down gracefully.
func (in *ingress) ListenAndServe(ctx context.Context) error {
	srv := &http.Server{Addr: in.addr, Handler: in.routes(), ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return ctx.Err()
	}
}
