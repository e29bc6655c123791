package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/meetvault/meetvault/botprovider"
	"github.com/meetvault/meetvault/workflows"
)

// botDirectory finds the workflow a provider's bot reports to.
type botDirectory interface {
	BotWorkflow(ctx context.Context, botID string) (workflowID string, ok bool, err error)
}

// botSignaler delivers a status change to a MeetingBot workflow.
type botSignaler interface {
	SignalBot(ctx context.Context, workflowID string, s workflows.BotStatusSignal) error
}

// botWebhooks serves POST /webhooks/bot: Standard-Webhooks (Svix) signed
// status events from the bot provider become signals to the bot's workflow.
type botWebhooks struct {
	secret  string
	bots    botDirectory
	signal  botSignaler
	now     func() time.Time
	log     *slog.Logger
	metrics *ingressMetrics
}

func (h *botWebhooks) serve(w http.ResponseWriter, r *http.Request) {
	body, ok := readWebhookBody(w, r, h.reject)
	if !ok {
		return
	}
	if h.secret == "" {
		h.reject(w, http.StatusUnauthorized, outcomeNoSecret, "no bot webhook secret configured: set MEETVAULT_BOT_WEBHOOK_SECRET")
		return
	}
	if err := botprovider.VerifyWebhook(h.secret, r.Header, body, h.now()); err != nil {
		reason := outcomeBadSignature
		switch {
		case errors.Is(err, botprovider.ErrWebhookMissingHeader):
			reason = outcomeMissingHeader
		case errors.Is(err, botprovider.ErrWebhookStale), errors.Is(err, botprovider.ErrWebhookBadTimestamp):
			reason = outcomeStale
		}
		h.reject(w, http.StatusUnauthorized, reason, "signature verification failed")
		return
	}
	ev, err := botprovider.ParseStatusEvent(body)
	switch {
	case errors.Is(err, botprovider.ErrNotStatusEvent):
		h.metrics.outcome("bot.other", outcomeIgnored)
		w.WriteHeader(http.StatusOK)
		return
	case err != nil:
		h.reject(w, http.StatusBadRequest, outcomeMalformed, "not a bot status event")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second) // the provider waits 15 s
	defer cancel()
	wid, ok, err := h.bots.BotWorkflow(ctx, ev.BotID)
	if err != nil {
		h.log.Error("bot webhook: bot lookup failed; the provider will retry", "bot", ev.BotID, "err", err)
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	if !ok {
		// Not a bot of ours (another system shares the provider account).
		h.log.Info("bot webhook: unknown bot ignored", "bot", ev.BotID, "code", ev.Code)
		h.metrics.outcome("bot.status", outcomeIgnored)
		w.WriteHeader(http.StatusOK)
		return
	}
	err = h.signal.SignalBot(ctx, wid, workflows.BotStatusSignal{
		BotID: ev.BotID, Code: ev.Code, SubCode: ev.SubCode, Message: ev.Message, At: ev.At})
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
		// The workflow already ended: a late duplicate, nothing to do.
		h.metrics.outcome("bot.status", outcomeIgnored)
		w.WriteHeader(http.StatusOK)
	case err != nil:
		h.log.Error("bot webhook: signal failed; the provider will retry", "bot", ev.BotID, "err", err)
		h.metrics.outcome("bot.status", outcomeSinkFailed)
		http.Error(w, "temporarily unavailable", http.StatusServiceUnavailable)
	default:
		h.metrics.outcome("bot.status", outcomeAccepted)
		w.WriteHeader(http.StatusOK)
	}
}

func (h *botWebhooks) reject(w http.ResponseWriter, status int, outcome, msg string) {
	h.metrics.rejected.WithLabelValues("bot_" + outcome).Inc()
	http.Error(w, msg, status)
}

// temporalBotSignaler signals MeetingBot workflows.
type temporalBotSignaler struct{ c client.Client }

func (s temporalBotSignaler) SignalBot(ctx context.Context, workflowID string, sig workflows.BotStatusSignal) error {
	return s.c.SignalWorkflow(ctx, workflowID, "", workflows.SignalBotStatus, sig)
}
