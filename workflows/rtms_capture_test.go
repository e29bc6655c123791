package workflows

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/meetvault/meetvault/activities"
)

func newRTMSEnv(t *testing.T) (*testsuite.TestWorkflowEnvironment, *activities.RTMSActivities) {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := s.NewTestWorkflowEnvironment()
	acts := &activities.RTMSActivities{}
	env.RegisterActivity(acts)
	env.RegisterWorkflow(RTMSCapture)
	env.SetStartTime(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	return env, acts
}

var rtmsStream = activities.RTMSStream{TenantID: "t", MeetingUUID: "m==", StreamID: "s1", Source: activities.SourceMeeting}

func rtmsSignal(env *testsuite.TestWorkflowEnvironment, after time.Duration, sig RTMSEventSignal) {
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalRTMSEvent, sig) }, after)
}

// The connection is lost, then Zoom names a new server (failover): the next
// episode connects there at once, and the outage is one failover interruption.
func TestRTMSCaptureFailsOverToTheNewServer(t *testing.T) {
	env, a := newRTMSEnv(t)
	var urls []string
	env.OnActivity(a.CaptureRTMS, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.CaptureRTMSInput) (activities.CaptureRTMSResult, error) {
			urls = append(urls, in.SignalingURL)
			st := in.State
			if len(urls) == 1 {
				st.Interruptions = append(st.Interruptions, activities.RTMSInterruption{Start: time.Now(), Cause: "connection_lost"})
				return activities.CaptureRTMSResult{Outcome: activities.RTMSLost, State: st}, nil
			}
			st.Interruptions[0].End = time.Now()
			return activities.CaptureRTMSResult{Outcome: activities.RTMSEnded, StopReason: 6, State: st}, nil
		})
	env.OnActivity(a.FinishRTMS, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.FinishRTMSInput) (activities.FinishRTMSResult, error) {
			require.Equal(t, 6, in.StopReason)
			return activities.FinishRTMSResult{Manifest: activities.RTMSSegment{Key: "t/rtms/m==/s1/manifest.json"}}, nil
		})
	rtmsSignal(env, 0, RTMSEventSignal{Kind: RTMSEventStarted, ServerURLs: "wss://a"})
	rtmsSignal(env, time.Second, RTMSEventSignal{Kind: RTMSEventStarted, ServerURLs: "wss://a"}) // a duplicate
	rtmsSignal(env, 2*time.Second, RTMSEventSignal{Kind: RTMSEventStarted, ServerURLs: "wss://b"})
	rtmsSignal(env, time.Minute, RTMSEventSignal{Kind: RTMSEventStopped, StopReason: 6})
	env.ExecuteWorkflow(RTMSCapture, RTMSCaptureInput{Stream: rtmsStream, ReconnectInitial: time.Minute})
	require.NoError(t, env.GetWorkflowError())
	var res RTMSCaptureResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, StatusCaptured, res.Status)
	require.Equal(t, []string{"wss://a", "wss://b"}, urls, "the new URL is used before the backoff runs out")
	require.Equal(t, 1, res.Failovers)
	require.Len(t, res.Interruptions, 1)
	require.Equal(t, "failover", res.Interruptions[0].Cause)
}

// Reconnects after a lost connection back off 3 s doubling, and stop after
// the bounded number of attempts.
func TestRTMSCaptureGivesUpAfterBoundedReconnects(t *testing.T) {
	env, a := newRTMSEnv(t)
	var at []time.Time
	env.OnActivity(a.CaptureRTMS, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.CaptureRTMSInput) (activities.CaptureRTMSResult, error) {
			at = append(at, env.Now())
			return activities.CaptureRTMSResult{Outcome: activities.RTMSLost, Message: "gone", State: in.State}, nil
		})
	env.OnActivity(a.FinishRTMS, mock.Anything, mock.Anything).Return(activities.FinishRTMSResult{}, nil)
	rtmsSignal(env, 0, RTMSEventSignal{Kind: RTMSEventStarted, ServerURLs: "wss://a"})
	env.ExecuteWorkflow(RTMSCapture, RTMSCaptureInput{Stream: rtmsStream, ReconnectAttempts: 3})
	require.NoError(t, env.GetWorkflowError())
	var res RTMSCaptureResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, StatusLost, res.Status)
	require.Len(t, at, 4, "the first connection and three reconnects")
	for i, want := range []time.Duration{3 * time.Second, 6 * time.Second, 12 * time.Second} {
		require.Equal(t, want, at[i+1].Sub(at[i]).Round(time.Second))
	}
}

// Stop reason 8: the capture is revoked, never finalised.
func TestRTMSCaptureRevokesOnStreamRevoked(t *testing.T) {
	env, a := newRTMSEnv(t)
	env.OnActivity(a.CaptureRTMS, mock.Anything, mock.Anything).Return(
		activities.CaptureRTMSResult{Outcome: activities.RTMSEnded, StopReason: 8}, nil)
	env.OnActivity(a.RevokeRTMS, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RevokeRTMSInput) (activities.RevokeRTMSResult, error) {
			require.Equal(t, "admin@example.com", in.RevokedBy)
			return activities.RevokeRTMSResult{ObjectsDeleted: 3, RowsDeleted: 3}, nil
		})
	rtmsSignal(env, 0, RTMSEventSignal{Kind: RTMSEventStarted, ServerURLs: "wss://a"})
	rtmsSignal(env, time.Second, RTMSEventSignal{Kind: RTMSEventStopped, StopReason: 8, Operator: "admin@example.com"})
	env.ExecuteWorkflow(RTMSCapture, RTMSCaptureInput{Stream: rtmsStream})
	require.NoError(t, env.GetWorkflowError())
	var res RTMSCaptureResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, StatusRevoked, res.Status)
	require.Equal(t, 3, res.Revoked.ObjectsDeleted)
	env.AssertNotCalled(t, "FinishRTMS", mock.Anything, mock.Anything)
}
