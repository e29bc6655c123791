package workflows

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/meetvault/meetvault/activities"
)

func TestArchiveMeetingSignalWithStartUsesTheEventsFiles(t *testing.T) {
	env, a := newEnv(t)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalRecordingCompleted, RecordingCompletedSignal{Meeting: meeting("u", file("a", "MP4", "completed"))})
	}, 0)
	env.OnActivity(a.SaveConversation, mock.Anything, mock.Anything).Return(activities.SaveConversationResult{}, nil)
	env.OnActivity(a.ArchiveFile, mock.Anything, mock.Anything).Return(activities.ArchiveFileResult{Outcome: activities.OutcomeArchived, Size: 5}, nil).Once()
	env.OnActivity(a.FinishConversation, mock.Anything, mock.Anything).Return(activities.FinishConversationResult{}, nil).Once()
	// No FetchMeeting mock: fetching would fail the test.
	env.ExecuteWorkflow(ArchiveMeeting, ArchiveMeetingInput{TenantID: "acme", Source: "meeting", Meeting: activities.Meeting{UUID: "u"}})
	var res ArchiveMeetingResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, StatusArchived, res.Status)
	require.Equal(t, 1, res.FilesArchived)
	env.AssertExpectations(t)
}

// A second recording.completed (a new rendition, plus a duplicate of a file
// already being archived, plus a formerly processing file now completed)
// arrives while the first files download: each file is archived once.
func TestArchiveMeetingAddsRenditionsAnnouncedWhileRunning(t *testing.T) {
	env, a := newEnv(t)
	first := meeting("u", file("a", "MP4", "completed"), file("t", "TRANSCRIPT", "processing"))
	later := meeting("u", file("a", "MP4", "completed"), file("t", "TRANSCRIPT", "completed"), file("b", "MP4", "completed"))
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalRecordingCompleted, RecordingCompletedSignal{Meeting: later})
		env.SignalWorkflow(SignalRecordingCompleted, RecordingCompletedSignal{Meeting: later}) // Zoom retry
	}, time.Second)
	env.OnActivity(a.SaveConversation, mock.Anything, mock.Anything).Return(activities.SaveConversationResult{}, nil)
	// The test environment runs activities on goroutines of their own.
	var mu sync.Mutex
	archived := map[string]int{}
	env.OnActivity(a.ArchiveFile, mock.Anything, mock.Anything).After(5 * time.Second).Return(
		func(_ context.Context, in activities.ArchiveFileInput) (activities.ArchiveFileResult, error) {
			mu.Lock()
			defer mu.Unlock()
			archived[in.File.FileID]++
			return activities.ArchiveFileResult{Outcome: activities.OutcomeArchived, Size: 1}, nil
		})
	env.OnActivity(a.FinishConversation, mock.Anything, mock.Anything).Return(activities.FinishConversationResult{}, nil)
	env.ExecuteWorkflow(ArchiveMeeting, ArchiveMeetingInput{TenantID: "acme", Source: "meeting", Meeting: first})
	var res ArchiveMeetingResult
	require.NoError(t, env.GetWorkflowResult(&res))
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, map[string]int{"a": 1, "t": 1, "b": 1}, archived)
	require.Equal(t, 3, res.FilesArchived)
	require.Zero(t, res.FilesProcessing)
	require.Equal(t, StatusArchived, res.Status)
}
