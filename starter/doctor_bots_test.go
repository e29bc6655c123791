package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeBotProvider answers GET /api/v1/bot/{id}/ as Recall does: 401 for a
// wrong key, 402 when out of credit, 404 for an unknown bot.
func fakeBotProvider(t *testing.T, key string, broke bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.True(t, strings.HasPrefix(r.URL.Path, "/api/v1/bot/"+probeBotID), r.URL.Path)
		switch {
		case r.Header.Get("Authorization") != "Token "+key:
			http.Error(w, `{"detail":"Invalid token."}`, http.StatusUnauthorized)
		case broke:
			http.Error(w, `{"detail":"Insufficient credit."}`, http.StatusPaymentRequired)
		default:
			http.Error(w, `{"detail":"Not found."}`, http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCheckBotProvider(t *testing.T) {
	ctx := context.Background()
	t.Setenv("MEETVAULT_BOT_API_URL", "")
	_, ps, skipped := checkBotProvider(ctx, http.DefaultClient)
	require.True(t, skipped, "no provider configured: bots are off")
	require.Empty(t, ps)

	srv := fakeBotProvider(t, "good", false)
	t.Setenv("MEETVAULT_BOT_API_URL", srv.URL)
	t.Setenv("MEETVAULT_BOT_API_KEY", "good")
	t.Setenv("MEETVAULT_BOT_WEBHOOK_SECRET", "whsec_x")
	detail, ps, skipped := checkBotProvider(ctx, http.DefaultClient)
	require.False(t, skipped)
	require.Empty(t, ps)
	require.Equal(t, srv.URL+" accepts the API key", detail)

	t.Setenv("MEETVAULT_BOT_API_KEY", "stale")
	t.Setenv("MEETVAULT_BOT_WEBHOOK_SECRET", "")
	_, ps, _ = checkBotProvider(ctx, http.DefaultClient)
	require.Len(t, ps, 2)
	require.False(t, ps[0].Blocks, "polling still follows bots without webhooks")
	require.Equal(t, fixBotWebhookSecret, ps[0].Fix)
	require.True(t, ps[1].Blocks)
	require.Equal(t, fixBotKey, ps[1].Fix)

	broke := fakeBotProvider(t, "good", true)
	t.Setenv("MEETVAULT_BOT_API_URL", broke.URL)
	t.Setenv("MEETVAULT_BOT_API_KEY", "good")
	t.Setenv("MEETVAULT_BOT_WEBHOOK_SECRET", "whsec_x")
	_, ps, _ = checkBotProvider(ctx, http.DefaultClient)
	require.Len(t, ps, 1)
	require.Equal(t, fixBotCredit, ps[0].Fix)

	t.Setenv("MEETVAULT_BOT_API_URL", "http://127.0.0.1:1")
	_, ps, _ = checkBotProvider(ctx, http.DefaultClient)
	require.Len(t, ps, 1)
	require.Contains(t, ps[0].Problem, "cannot reach the bot provider")
	require.True(t, ps[0].Blocks)
}
