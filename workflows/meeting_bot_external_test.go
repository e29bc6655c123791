package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/botprovider"
)

func requireExternalMeetingAdvice(t *testing.T, out *BotOutcome) {
	t.Helper()
	require.Equal(t, BotExternalMeetingNoToken, out.State, "%+v", out)
	require.Contains(t, out.Message, "outside the tenant's Zoom account")
	require.Contains(t, out.Advice, "user:read:token")
	require.Contains(t, out.Advice, "starter host connect --tenant acme")
}

// CreateBot finds that the meeting is outside the tenant's account and no
// OBF token or ZAK can be had: no retry, the outcome says who connects what.
func TestMeetingBotExternalMeetingWithoutTokenAtCreation(t *testing.T) {
	env, p := newBotEnv(t)
	p.failures = []error{temporal.NewNonRetryableApplicationError(
		"meeting 85012345678 is hosted outside the tenant's Zoom account; nobody who sends the bot connected Zoom OAuth",
		errTypeBotExternalMeetingNoToken, nil)}
	st := runBot(t, env, BotPolicy{})
	requireExternalMeetingAdvice(t, st.Outcome)
	require.Equal(t, SubCodeNoOBFToken, st.Outcome.SubCode)
	require.Contains(t, st.Outcome.Message, "nobody who sends the bot connected Zoom OAuth", "the activity's detail is kept")
	require.Len(t, p.creates, 1, "not retried")
	require.Empty(t, st.Bots)
}

// The provider ends the bot: Zoom wanted an OBF token. Not retried like
// zoom_internal_error: another bot would be refused the same way.
func TestMeetingBotExternalMeetingWithoutTokenReportedByTheProvider(t *testing.T) {
	env, p := newBotEnv(t, []step{{0, botprovider.StatusJoiningCall, ""}, {4 * time.Second, botprovider.StatusFatal, subCodeZoomOBFTokenRequired}})
	st := runBot(t, env, BotPolicy{})
	requireExternalMeetingAdvice(t, st.Outcome)
	require.Equal(t, subCodeZoomOBFTokenRequired, st.Outcome.SubCode)
	require.Len(t, p.bots, 1)
}

// A 507 (no free bot) is retried after the provider's delay, its
// Retry-After or Recall's "retry in 30 seconds", which CreateBot puts on
// the error as NextRetryDelay: the retry policy's own backoff (1s, then
// doubling up to 30s) does not shorten or cap it.
func TestMeetingBotWaitsThePoolRetryDelayBeforeTheNextCreation(t *testing.T) {
	pool := func(d time.Duration) error {
		return temporal.NewApplicationErrorWithOptions("botprovider: POST /api/v1/bot/: 507 bot pool exhausted",
			activities.ErrBotPoolExhausted, temporal.ApplicationErrorOptions{NextRetryDelay: d})
	}
	env, p := newBotEnv(t, recordedUntilEnd(time.Minute))
	p.failures = []error{pool(30 * time.Second), pool(45 * time.Second)}
	st := runBot(t, env, BotPolicy{})
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	require.Len(t, p.created, 3)
	require.GreaterOrEqual(t, p.created[1].Sub(p.created[0]), 30*time.Second)
	require.Less(t, p.created[1].Sub(p.created[0]), 31*time.Second)
	require.GreaterOrEqual(t, p.created[2].Sub(p.created[1]), 45*time.Second, "longer than the policy's maximum interval")
	require.Equal(t, []string{"bot-1"}, st.Bots)
	require.Equal(t, 1, st.JoinAttempts, "activity retries are one bot, under one idempotency key")
}
