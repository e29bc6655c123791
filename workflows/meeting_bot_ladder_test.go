package workflows

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/botprovider"
)

// Timers follow deadlines, not loop turns: one for the poll (statuses that
// postpone it do not move it) and one per phase that has a deadline.
func TestMeetingBotStartsATimerOnlyWhenADeadlineChanges(t *testing.T) {
	env, _ := newBotEnv(t, nil)
	var timers []time.Duration
	cancelled := 0
	env.SetOnTimerScheduledListener(func(_ string, d time.Duration) { timers = append(timers, d) })
	env.SetOnTimerCanceledListener(func(string) { cancelled++ })
	at := env.Now()
	for _, s := range recordedUntilEnd(time.Minute) {
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(SignalBotStatus, BotStatusSignal{BotID: "bot-1", Code: s.code, SubCode: s.subCode, At: at.Add(s.after)})
		}, s.after+time.Millisecond)
	}
	st := runBot(t, env, BotPolicy{PollInterval: 24 * time.Hour})
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	// poll (24h), awaiting_consent (10m), recording (6h), processing (3m).
	require.Len(t, timers, 4, "timers started: %v", timers)
	// The poll is due 24h after the bot's creation (the first wait may start
	// a moment later: the test clock moves to the first webhook).
	require.InDelta(t, float64(24*time.Hour), float64(timers[0]), float64(time.Second), "the poll timer: %v", timers)
	require.Equal(t, 2, cancelled, "the consent and recording deadlines, when their phase ended")
}

// The whole state travels through a real continue-as-new: the next run
// knows that the bot records, keeps the history and archives at the end
// of the call without sending another bot.
func TestMeetingBotContinuesAsNewWithItsWholeState(t *testing.T) {
	env, p := newBotEnv(t, recordedUntilEnd(time.Minute))
	env.RegisterDelayedCallback(func() { env.SetContinueAsNewSuggested(true) }, 10*time.Minute)
	env.ExecuteWorkflow(MeetingBot, MeetingBotInput{TenantID: "acme", MeetingURL: "https://zoom.us/j/85012345678",
		MeetingID: "85012345678", Policy: BotPolicy{PollInterval: 5 * time.Second}})
	in := continuedAsNew(t, env)
	require.NotNil(t, in.State)
	require.Nil(t, in.Resume, "the previous release's fields are not written")
	require.True(t, in.State.Bot.Recorded)
	require.Equal(t, BotPhaseRecording, in.State.Phase)
	require.Len(t, in.State.History, 4, "through in_call_recording")

	env2 := nextRun(t, env, p)
	env2.ExecuteWorkflow(MeetingBot, in)
	require.NoError(t, env2.GetWorkflowError())
	var st BotState
	require.NoError(t, env2.GetWorkflowResult(&st))
	require.Equal(t, BotArchived, st.Outcome.State, "%+v", st.Outcome)
	require.Len(t, st.History, 7)
	require.Equal(t, []string{"bot-1"}, st.Bots)
	require.Len(t, p.creates, 1)
	require.Contains(t, st.Events[0].What, "bot bot-1 created", "events of the first run are kept")
}

// A leave request during the pause before a fresh bot (after
// zoom_internal_error) ends the workflow without sending that bot.
func TestMeetingBotLeaveDuringJoinRetryBackoffSendsNoFreshBot(t *testing.T) {
	fatal := []step{{0, botprovider.StatusJoiningCall, ""}, {3 * time.Second, botprovider.StatusFatal, botprovider.SubCodeZoomInternalError}}
	env, p := newBotEnv(t, fatal, recordedUntilEnd(time.Minute))
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalBotLeave, BotLeaveSignal{Reason: "meeting cancelled"}) }, time.Minute)
	st := runBot(t, env, BotPolicy{JoinRetryInterval: 10 * time.Minute})
	require.Equal(t, BotLeftByRequest, st.Outcome.State, "%+v", st.Outcome)
	require.Len(t, p.bots, 1)
}

// A host who declined is never bypassed with a join token: after a
// re-ask that nobody answers, the consent timeout does not fall back to
// the host's token even though the host has connected Zoom OAuth since.
func TestMeetingBotNoJoinTokenAfterTheHostDeclined(t *testing.T) {
	deny := script(step{time.Minute, botprovider.StatusRecordingPermissionDenied, botprovider.SubCodeZoomLocalRecordingDenied})
	env, p := newBotEnv(t, deny, script())
	p.plans = []activities.PlanBotResult{{}, {HostConnected: true, HostZoomUserID: "host-1"}}
	env.SetTestTimeout(30 * time.Second) // a token bot would wait forever here
	st := runBot(t, env, BotPolicy{ReaskAfterDenial: 1, ConsentTimeout: 5 * time.Minute})
	require.Equal(t, BotHostNotPresent, st.Outcome.State, "%+v", st.Outcome)
	require.Len(t, p.bots, 2)
	for _, c := range p.creates {
		require.Empty(t, c.JoinTokenUser)
	}
	require.Equal(t, 1, p.planned, "only the first bot looked for a token")
}

// A cancelled MeetingBot does not leave its bot in the meeting.
func TestMeetingBotCancelledTakesTheBotOut(t *testing.T) {
	env, p := newBotEnv(t, script())
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*time.Minute)
	env.ExecuteWorkflow(MeetingBot, MeetingBotInput{TenantID: "acme", MeetingURL: "https://zoom.us/j/85012345678",
		MeetingID: "85012345678", Policy: BotPolicy{PollInterval: 5 * time.Second}})
	require.True(t, env.IsWorkflowCompleted())
	var canceled *temporal.CanceledError
	require.True(t, errors.As(env.GetWorkflowError(), &canceled), "%v", env.GetWorkflowError())
	require.True(t, p.bots[0].left)
}

// continuedAsNew returns the input the run continued as new with.
func continuedAsNew(t *testing.T, env *testsuite.TestWorkflowEnvironment) MeetingBotInput {
	t.Helper()
	require.True(t, env.IsWorkflowCompleted())
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, env.GetWorkflowError(), &can, "the run continued as new")
	var in MeetingBotInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &in))
	return in
}

// nextRun is a fresh test environment for the run a continue-as-new
// started, at the time the previous one ended, with the same provider.
func nextRun(t *testing.T, prev *testsuite.TestWorkflowEnvironment, p *fakeProvider) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	env, a := newEnv(t)
	env.RegisterWorkflow(MeetingBot)
	env.SetStartTime(prev.Now())
	p.env = env
	p.install(a)
	return env
}
