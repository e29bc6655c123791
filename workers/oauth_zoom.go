package main

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/meetvault/meetvault/config"
	"github.com/meetvault/meetvault/hostauth"
	"github.com/meetvault/meetvault/store"
)

// hostAuthority is the part of hostauth.Service the ingress serves.
type hostAuthority interface {
	AuthorizeURL(ctx context.Context, tenantID string) (string, error)
	Complete(ctx context.Context, state, code string) (*hostauth.Connection, error)
	MintJoinToken(ctx context.Context, secret string) (string, error)
	MintUserToken(ctx context.Context, kind hostauth.TokenKind, secret string) (string, error)
}

// notConfiguredMsg answers every host OAuth route when the user-level app is
// not configured.
const notConfiguredMsg = "host OAuth is not configured on this ingress: set MEETVAULT_ZOOM_USER_CLIENT_ID and MEETVAULT_ZOOM_USER_CLIENT_SECRET (and MEETVAULT_PUBLIC_URL)\n"

// newHostAuth builds the host OAuth service, or returns nil (with a log
// line) when MEETVAULT_ZOOM_USER_CLIENT_ID / _SECRET are not set.
func newHostAuth(cfg config.Config, st *store.Store, hc *http.Client, log *slog.Logger) (*hostauth.Service, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	if hc != nil {
		client.Transport = hc.Transport
	}
	svc, err := hostauth.New(hostauth.Config{
		ClientID: cfg.HostOAuth.ZoomUserClientID, ClientSecret: cfg.HostOAuth.ZoomUserClientSecret,
		OAuthURL: cfg.Zoom.OAuthURL, APIURL: cfg.Zoom.APIURL, PublicURL: cfg.HostOAuth.PublicURL,
		HTTPClient: client,
	}, st)
	if errors.Is(err, hostauth.ErrNotConfigured) {
		log.Info("host OAuth disabled (bots fall back to the consent dialog): set MEETVAULT_ZOOM_USER_CLIENT_ID and MEETVAULT_ZOOM_USER_CLIENT_SECRET to enable join tokens")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	log.Info("host OAuth enabled", "redirect_url", svc.RedirectURL())
	return svc, nil
}

// hostAuthMetrics counts the host OAuth and join-token routes' outcomes.
type hostAuthMetrics struct{ outcomes *prometheus.CounterVec }

func newHostAuthMetrics(reg prometheus.Registerer) *hostAuthMetrics {
	m := &hostAuthMetrics{outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "meetvault_host_oauth_requests_total",
		Help: "Host OAuth (start, callback) and bot join-token requests by route and outcome.",
	}, []string{"route", "outcome"})}
	reg.MustRegister(m.outcomes)
	return m
}

func (m *hostAuthMetrics) count(route, outcome string) {
	m.outcomes.WithLabelValues(route, outcome).Inc()
}

// hostAuthHandlers serves GET /oauth/zoom/start, GET /oauth/zoom/callback
// and GET /bot/join-token.
type hostAuthHandlers struct {
	svc     hostAuthority // nil: host OAuth not configured
	helpURL string        // fix instructions for a host whose local recording is off
	log     *slog.Logger
	metrics *hostAuthMetrics
}

func newHostAuthHandlers(svc *hostauth.Service, helpURL string, log *slog.Logger, metrics *ingressMetrics) *hostAuthHandlers {
	h := &hostAuthHandlers{helpURL: helpURL, log: log, metrics: newHostAuthMetrics(metrics.registry)}
	if svc != nil { // keep a nil *Service out of the interface
		h.svc = svc
	}
	return h
}

// start sends the host's browser to Zoom's authorize page.
func (h *hostAuthHandlers) start(w http.ResponseWriter, r *http.Request) {
	if h.svc == nil {
		h.metrics.count("start", "not_configured")
		http.Error(w, notConfiguredMsg, http.StatusServiceUnavailable)
		return
	}
	tenant := r.URL.Query().Get("tenant")
	if tenant == "" {
		h.metrics.count("start", "bad_request")
		http.Error(w, "missing ?tenant=: open the link printed by starter host connect --tenant T", http.StatusBadRequest)
		return
	}
	u, err := h.svc.AuthorizeURL(r.Context(), tenant)
	switch {
	case errors.Is(err, hostauth.ErrUnknownTenant):
		h.metrics.count("start", "unknown_tenant")
		http.Error(w, "unknown tenant "+tenant, http.StatusNotFound)
		return
	case err != nil:
		h.log.Error("host OAuth: cannot start an authorization", "tenant", tenant, "err", err)
		h.metrics.count("start", "failed")
		http.Error(w, "temporarily unavailable, try again", http.StatusServiceUnavailable)
		return
	}
	h.metrics.count("start", "redirected")
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u, http.StatusFound)
}

// callback completes the authorization and tells the host what happened.
func (h *hostAuthHandlers) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if h.svc == nil {
		h.metrics.count("callback", "not_configured")
		h.page(w, http.StatusServiceUnavailable, callbackPage{Title: "Host OAuth is not configured",
			Lines: []string{notConfiguredMsg}})
		return
	}
	if e := q.Get("error"); e != "" {
		h.metrics.count("callback", "denied")
		msg := "Nothing was connected: Zoom reports \u201c" + e + "\u201d."
		if e == "access_denied" {
			msg = "Nothing was connected: the app's access was not approved in Zoom."
		}
		h.page(w, http.StatusOK, callbackPage{Title: "Nothing was connected",
			Lines: []string{msg, "Bots will ask for recording permission in your meetings. To connect later, open the connect link again."}})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	c, err := h.svc.Complete(ctx, q.Get("state"), q.Get("code"))
	switch {
	case errors.Is(err, hostauth.ErrBadState), errors.Is(err, hostauth.ErrStateExpired), errors.Is(err, hostauth.ErrCodeRejected):
		h.metrics.count("callback", "bad_state")
		h.page(w, http.StatusBadRequest, callbackPage{Title: "This link cannot be used",
			Lines: []string{"Nothing was connected: " + userMessage(err) + "."}})
		return
	case errors.Is(err, hostauth.ErrWrongAccount):
		h.metrics.count("callback", "wrong_account")
		h.page(w, http.StatusForbidden, callbackPage{Title: "Wrong Zoom account",
			Lines: []string{"Nothing was connected: " + userMessage(err) + "."}})
		return
	case errors.Is(err, hostauth.ErrUnknownTenant):
		h.metrics.count("callback", "unknown_tenant")
		h.page(w, http.StatusNotFound, callbackPage{Title: "Unknown tenant", Lines: []string{"Nothing was connected: the tenant no longer exists."}})
		return
	case errors.As(err, new(*hostauth.AppConfigError)):
		// meetvault's own app credentials: the operator must fix them.
		h.log.Error("host OAuth: the user-level Zoom OAuth app's credentials are rejected", "err", err)
		h.metrics.count("callback", "app_misconfigured")
		h.page(w, http.StatusServiceUnavailable, callbackPage{Title: "Connection failed",
			Lines: []string{"Nothing was connected: meetvault's Zoom app is misconfigured (Zoom rejected its credentials). Your administrator has been told in the logs; try again once it is fixed."}})
		return
	case err != nil:
		h.log.Error("host OAuth: completing an authorization failed", "err", err)
		h.metrics.count("callback", "failed")
		h.page(w, http.StatusBadGateway, callbackPage{Title: "Connection failed",
			Lines: []string{"Nothing was connected: Zoom or meetvault's database did not answer. Please start again from the connect link in a minute."}})
		return
	}
	h.log.Info("host OAuth: host connected", "tenant", c.TenantID, "zoom_user", c.ZoomUserID, "local_recording", boolOrUnknown(c.LocalRecording))
	h.metrics.count("callback", "connected")
	p := callbackPage{Title: "Zoom connected",
		Lines: []string{"Zoom user " + c.Email + " (" + c.ZoomUserID + ") is now connected to meetvault tenant \u201c" + c.TenantID + "\u201d."}}
	switch {
	case c.LocalRecording == nil:
		p.Lines = append(p.Lines, "Your \u201cLocal recording\u201d setting could not be checked. Bots need it: in the Zoom web portal, Settings \u203a Recording \u203a Local recording (\u201cRecord to computer files\u201d) must be on.")
	case *c.LocalRecording:
		p.Lines = append(p.Lines, "Local recording (\u201cRecord to computer files\u201d) is on: meeting bots can now record the meetings you host without asking for permission.")
	default:
		p.Warning = true
		p.Lines = append(p.Lines, "Local recording is OFF, so bots still cannot record your meetings. Enable it in the Zoom web portal: Settings \u203a Recording \u203a Local recording (\u201cRecord to computer files\u201d). If it is greyed out, your Zoom account admin must allow it first.")
		p.HelpURL = h.helpURL
	}
	h.page(w, http.StatusOK, p)
}

// userMessage strips the package prefix from a hostauth error for a page.
func userMessage(err error) string {
	msg := err.Error()
	const prefix = "hostauth: "
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		msg = msg[len(prefix):]
	}
	return msg
}

func boolOrUnknown(b *bool) string {
	switch {
	case b == nil:
		return "unknown"
	case *b:
		return "on"
	}
	return "off"
}

type callbackPage struct {
	Title   string
	Lines   []string
	Warning bool
	HelpURL string
}

var callbackTmpl = template.Must(template.New("callback").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>meetvault — {{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em}.warn{color:#a40}</style></head>
<body><h1>{{.Title}}</h1>
{{range .Lines}}<p{{if $.Warning}} class="warn"{{end}}>{{.}}</p>
{{end}}{{if .HelpURL}}<p><a href="{{.HelpURL}}">How to enable local recording</a></p>
{{end}}<p>You can close this page.</p></body></html>
`))

func (h *hostAuthHandlers) page(w http.ResponseWriter, status int, p callbackPage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the URL carried the code
	w.WriteHeader(status)
	if err := callbackTmpl.Execute(w, p); err != nil {
		h.log.Warn("host OAuth: writing the page failed", "err", err)
	}
}
