package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/meetvault/meetvault/hostauth"
)

// obfToken serves GET /bot/obf-token?secret=S (the bot's zoom.obf_token_url)
// and zak serves GET /bot/zak?secret=S (zoom.zak_url): the provider fetches
// them with a plain GET just before joining a meeting outside the app's
// account. 200 text/plain with a token minted at that moment through the
// requesting user's Zoom OAuth connection; 404 whenever no token can be
// minted (unknown or expired link, dead connection, Zoom refusing, a missing
// scope), as the provider expects rather than a 200 with junk; 503 when a
// retry may succeed. Neither the secret nor the token is logged.
func (h *hostAuthHandlers) obfToken(w http.ResponseWriter, r *http.Request) {
	h.userToken(w, r, hostauth.KindOBF)
}

func (h *hostAuthHandlers) zak(w http.ResponseWriter, r *http.Request) {
	h.userToken(w, r, hostauth.KindZAK)
}

func (h *hostAuthHandlers) userToken(w http.ResponseWriter, r *http.Request, kind hostauth.TokenKind) {
	route := string(kind) + "_token"
	w.Header().Set("Cache-Control", "no-store")
	if h.svc == nil {
		h.metrics.count(route, "not_configured")
		http.Error(w, notConfiguredMsg, http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	token, err := h.svc.MintUserToken(ctx, kind, r.URL.Query().Get("secret"))
	var dead *hostauth.DeadConnectionError
	var appErr *hostauth.AppConfigError
	switch {
	case err == nil:
		h.metrics.count(route, "minted")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(token))
	case errors.Is(err, hostauth.ErrUnknownLink):
		h.metrics.count(route, "unknown_link")
		http.Error(w, "unknown link", http.StatusNotFound)
	case errors.Is(err, hostauth.ErrLinkExpired):
		h.metrics.count(route, "expired")
		http.Error(w, "link expired", http.StatusNotFound)
	case errors.As(err, &dead):
		h.log.Warn("user token: connection is dead", "kind", kind, "tenant", dead.TenantID, "zoom_user", dead.ZoomUserID, "reason", dead.Reason)
		h.metrics.count(route, "dead_connection")
		http.Error(w, "the user's Zoom connection is dead ("+dead.Reason+"): they must reconnect", http.StatusNotFound)
	case errors.As(err, &appErr):
		h.log.Error("user token: the user-level Zoom OAuth app's credentials are rejected", "kind", kind, "err", err)
		h.metrics.count(route, "app_misconfigured")
		http.Error(w, "no token: meetvault's Zoom OAuth app is misconfigured", http.StatusNotFound)
	case errors.Is(err, hostauth.ErrNoUserToken), errors.Is(err, hostauth.ErrNotConnected):
		h.log.Warn("user token: Zoom will not mint one", "kind", kind, "err", err)
		h.metrics.count(route, "refused")
		http.Error(w, "no token for this user", http.StatusNotFound)
	default:
		h.log.Error("user token: minting failed; the provider may retry", "kind", kind, "err", err)
		h.metrics.count(route, "failed")
		w.Header().Set("Retry-After", "2")
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
	}
}
