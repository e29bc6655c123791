package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/meetvault/meetvault/hostauth"
)

// joinToken serves GET /bot/join-token?secret=S, the join_token_url the bot
// provider fetches just before joining: a fresh join token for local
// recording, minted through the host's OAuth connection, as text/plain.
// 404 unknown secret, 410 expired link, 409 the host's connection is dead
// (or Zoom will not mint for this meeting), 503 try again. Neither the
// secret nor the token is ever logged.
func (h *hostAuthHandlers) joinToken(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if h.svc == nil {
		h.metrics.count("join_token", "not_configured")
		http.Error(w, notConfiguredMsg, http.StatusServiceUnavailable)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	token, err := h.svc.MintJoinToken(ctx, r.URL.Query().Get("secret"))
	var dead *hostauth.DeadConnectionError
	var appErr *hostauth.AppConfigError
	switch {
	case errors.As(err, &appErr):
		// meetvault's configuration, not the host's: the operator must act.
		h.log.Error("join token: the user-level Zoom OAuth app's credentials are rejected", "err", err)
		h.metrics.count("join_token", "app_misconfigured")
		http.Error(w, "meetvault's Zoom OAuth app is misconfigured", http.StatusServiceUnavailable)
	case err == nil:
		h.metrics.count("join_token", "minted")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(token))
	case errors.Is(err, hostauth.ErrUnknownLink):
		h.metrics.count("join_token", "unknown_link")
		http.Error(w, "unknown join-token link", http.StatusNotFound)
	case errors.Is(err, hostauth.ErrLinkExpired):
		h.metrics.count("join_token", "expired")
		http.Error(w, "join-token link expired", http.StatusGone)
	case errors.As(err, &dead):
		h.log.Warn("join token: host connection is dead", "tenant", dead.TenantID, "zoom_user", dead.ZoomUserID, "reason", dead.Reason)
		h.metrics.count("join_token", "dead_connection")
		http.Error(w, "host's Zoom connection is dead ("+dead.Reason+"): the host must reconnect", http.StatusConflict)
	case errors.Is(err, hostauth.ErrNotHost), errors.Is(err, hostauth.ErrNotConnected):
		h.log.Warn("join token: Zoom will not mint one", "err", err)
		h.metrics.count("join_token", "refused")
		http.Error(w, "no join token for this meeting with the host's connection", http.StatusConflict)
	default:
		h.log.Error("join token: minting failed; the bot may retry", "err", err)
		h.metrics.count("join_token", "failed")
		w.Header().Set("Retry-After", "2")
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
	}
}
