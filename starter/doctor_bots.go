package main

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/meetvault/meetvault/botprovider"
	"github.com/meetvault/meetvault/config"
)

// probeBotID is a bot id no provider holds: asking for it costs nothing
// and tells a rejected key (401) from an accepted one (404).
const probeBotID = "00000000-0000-0000-0000-000000000000"

// checkBotProvider reaches the meeting-bot provider with the worker's key.
// Without MEETVAULT_BOT_API_URL bots are off, which is a choice, not a
// problem.
func checkBotProvider(ctx context.Context, hc *http.Client) (detail string, ps []problem, skipped bool) {
	var b config.Bots
	var w struct {
		BotWebhookSecret string `envconfig:"BOT_WEBHOOK_SECRET"`
	}
	if err := processEnv(&b); err != nil {
		return "", []problem{{Problem: oneLine(err), Fix: fixBotProvider, Blocks: true}}, false
	}
	if b.BotAPIURL == "" {
		return "MEETVAULT_BOT_API_URL is not set: meeting bots are off", nil, true
	}
	_ = processEnv(&w)
	if w.BotWebhookSecret == "" {
		ps = append(ps, problem{Problem: "MEETVAULT_BOT_WEBHOOK_SECRET is not set: the ingress refuses the provider's status webhooks and bots are followed by polling only",
			Fix: fixBotWebhookSecret})
	}
	c, err := botprovider.New(botprovider.Config{BaseURL: b.BotAPIURL, APIKey: b.BotAPIKey, HTTPClient: hc, UserAgent: "meetvault-doctor"})
	if err != nil {
		return b.BotAPIURL, append(ps, problem{Problem: oneLine(err), Fix: fixBotProvider, Blocks: true}), false
	}
	_, err = c.GetBot(ctx, probeBotID)
	var apiErr *botprovider.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound:
		return b.BotAPIURL + " accepts the API key", ps, false
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized:
		return b.BotAPIURL, append(ps, problem{Problem: "the bot provider rejected MEETVAULT_BOT_API_KEY", Fix: fixBotKey, Blocks: true}), false
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusPaymentRequired:
		return b.BotAPIURL, append(ps, problem{Problem: "the bot provider's workspace is out of credit", Fix: fixBotCredit, Blocks: true}), false
	case err == nil:
		return b.BotAPIURL + " accepts the API key", ps, false
	default:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is already in the detail
		}
		return b.BotAPIURL, append(ps, problem{Problem: "cannot reach the bot provider: " + oneLine(err), Fix: fixBotProvider, Blocks: true}), false
	}
}
