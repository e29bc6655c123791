package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/botprovider"
)

// A bot_leave delivered in the same workflow task in which the run
// continues as new (here beside a duplicate webhook) is not lost: the next
// run takes the bot out.
func TestMeetingBotLeaveInTheTaskThatContinuesAsNewIsKept(t *testing.T) {
	env, p := newBotEnv(t, script())
	start := env.Now()
	env.RegisterDelayedCallback(func() {
		env.SetContinueAsNewSuggested(true)
		env.SignalWorkflow(SignalBotStatus, BotStatusSignal{BotID: "bot-1", Code: botprovider.StatusInCallNotRecording, At: start.Add(10 * time.Second)})
		env.SignalWorkflow(SignalBotLeave, BotLeaveSignal{Reason: "operator"})
	}, 2*time.Minute)
	env.ExecuteWorkflow(MeetingBot, MeetingBotInput{TenantID: "acme", MeetingURL: "https://zoom.us/j/85012345678",
		MeetingID: "85012345678", Policy: BotPolicy{PollInterval: 5 * time.Second}})
	in := continuedAsNew(t, env)

	env2 := nextRun(t, env, p)
	env2.ExecuteWorkflow(MeetingBot, in)
	require.True(t, env2.IsWorkflowCompleted())
	require.NoError(t, env2.GetWorkflowError())
	var st BotState
	require.NoError(t, env2.GetWorkflowResult(&st))
	require.Equal(t, BotLeftByRequest, st.Outcome.State, "%+v", st.Outcome)
	require.Equal(t, SubCodeLeaveRequested, st.Outcome.SubCode)
	require.Contains(t, st.Outcome.Message, "operator")
	require.True(t, p.bots[0].left)
	require.Len(t, p.bots, 1)
}
