package workflows

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/meetvault/meetvault/activities"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func newEnv(t *testing.T) (*testsuite.TestWorkflowEnvironment, *activities.Activities) {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(tlog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := s.NewTestWorkflowEnvironment()
	acts := &activities.Activities{}
	env.RegisterActivity(acts)
	env.RegisterWorkflow(ArchiveMeeting)
	env.RegisterWorkflow(ImportWindow)
	env.SetStartTime(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	return env, acts
}

func meeting(uuid string, files ...activities.RecordingFile) activities.Meeting {
	return activities.Meeting{UUID: uuid, ID: 123, Topic: "t " + uuid, StartTime: day("2026-10-05"), Files: files}
}

func file(id, typ, status string) activities.RecordingFile {
	return activities.RecordingFile{FileID: id, ZoomFileID: id, FileType: typ, Status: status, Size: 100, HasSize: true}
}

func TestArchiveMeetingArchivesCompletedFilesAndCountsTheRest(t *testing.T) {
	env, a := newEnv(t)
	m := meeting("uuid-1",
		file("mp4", "MP4", "completed"),
		file("m4a", "M4A", "completed"),
		file("cc", "CC", ""),
		file("tr", "TRANSCRIPT", "processing"),
		file("html", "MP4", "completed"))
	// m4a is already in the archive: no download is scheduled for it.
	env.OnActivity(a.SaveConversation, mock.Anything, mock.Anything).
		Return(activities.SaveConversationResult{ArchivedFileIDs: []string{"m4a"}}, nil).Once()
	env.OnActivity(a.ArchiveFile, mock.Anything, mock.MatchedBy(func(in activities.ArchiveFileInput) bool { return in.File.FileID == "mp4" })).
		Return(activities.ArchiveFileResult{Outcome: activities.OutcomeArchived, Size: 1000}, nil).Once()
	env.OnActivity(a.ArchiveFile, mock.Anything, mock.MatchedBy(func(in activities.ArchiveFileInput) bool { return in.File.FileID == "cc" })).
		Return(activities.ArchiveFileResult{Outcome: activities.OutcomeArchived, Size: 10}, nil).Once()
	// An HTML error page is not retried: exactly one attempt.
	env.OnActivity(a.ArchiveFile, mock.Anything, mock.MatchedBy(func(in activities.ArchiveFileInput) bool { return in.File.FileID == "html" })).
		Return(activities.ArchiveFileResult{}, temporal.NewNonRetryableApplicationError("Zoom sent an HTML page", activities.ErrHTMLErrorPage, nil)).Once()
	var failure activities.RecordFileFailureInput
	env.OnActivity(a.RecordFileFailure, mock.Anything, mock.Anything).Run(func(args mock.Arguments) {
		failure = args.Get(1).(activities.RecordFileFailureInput)
	}).Return(activities.RecordFileFailureResult{}, nil).Once()
	var finish activities.FinishConversationInput
	env.OnActivity(a.FinishConversation, mock.Anything, mock.Anything).Run(func(args mock.Arguments) {
		finish = args.Get(1).(activities.FinishConversationInput)
	}).Return(activities.FinishConversationResult{}, nil).Once()

	env.ExecuteWorkflow(ArchiveMeeting, ArchiveMeetingInput{TenantID: "acme", Source: "meeting", Meeting: m})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res ArchiveMeetingResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, StatusFailed, res.Status)
	require.Equal(t, 2, res.FilesArchived)
	require.Equal(t, 1, res.FilesAlreadyArchived)
	require.Equal(t, 1, res.FilesProcessing)
	require.Equal(t, 1, res.FilesFailed)
	require.Equal(t, int64(1010), res.BytesArchived)
	require.Equal(t, "html", failure.FileID)
	require.Equal(t, activities.ErrHTMLErrorPage, failure.Reason)
	require.Equal(t, 1, finish.FilesProcessing)
	require.Equal(t, 1, finish.FilesFailed)
	require.Contains(t, finish.MediaError, activities.ErrHTMLErrorPage)
	env.AssertExpectations(t)
}

func TestArchiveMeetingRetriesTransientFailures(t *testing.T) {
	env, a := newEnv(t)
	env.OnActivity(a.SaveConversation, mock.Anything, mock.Anything).Return(activities.SaveConversationResult{}, nil)
	env.OnActivity(a.ArchiveFile, mock.Anything, mock.Anything).
		Return(activities.ArchiveFileResult{}, temporal.NewApplicationError("truncated", activities.ErrTruncatedDownload)).Twice()
	env.OnActivity(a.ArchiveFile, mock.Anything, mock.Anything).
		Return(activities.ArchiveFileResult{Outcome: activities.OutcomeArchived, Size: 7}, nil).Once()
	env.OnActivity(a.FinishConversation, mock.Anything, mock.Anything).Return(activities.FinishConversationResult{}, nil)
	env.ExecuteWorkflow(ArchiveMeeting, ArchiveMeetingInput{TenantID: "acme", Source: "meeting",
		Meeting: meeting("u", file("f", "MP4", "completed"))})
	var res ArchiveMeetingResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, StatusArchived, res.Status)
	require.Equal(t, 1, res.FilesArchived)
	env.AssertExpectations(t)
}

func TestArchiveMeetingFetchesFilesWhenNoneGiven(t *testing.T) {
	env, a := newEnv(t)
	env.OnActivity(a.FetchMeeting, mock.Anything, activities.FetchMeetingInput{TenantID: "acme", MeetingUUID: "/abc//=="}).
		Return(activities.FetchMeetingResult{Meeting: meeting("/abc//==", file("f", "MP4", "completed"))}, nil).Once()
	env.OnActivity(a.SaveConversation, mock.Anything, mock.Anything).Return(activities.SaveConversationResult{}, nil)
	env.OnActivity(a.ArchiveFile, mock.Anything, mock.Anything).Return(activities.ArchiveFileResult{Outcome: activities.OutcomeArchived, Size: 3}, nil).Once()
	env.OnActivity(a.FinishConversation, mock.Anything, mock.Anything).Return(activities.FinishConversationResult{}, nil)
	env.ExecuteWorkflow(ArchiveMeeting, ArchiveMeetingInput{TenantID: "acme", Source: "meeting", Meeting: activities.Meeting{UUID: "/abc//=="}})
	var res ArchiveMeetingResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, 1, res.FilesArchived)
	env.AssertExpectations(t)
}

func TestImportWindowWalksUsersChunksAndPages(t *testing.T) {
	env, a := newEnv(t)
	users := []activities.User{{ID: "u1", Email: "a@x"}, {ID: "u2", Email: "b@x"}}
	env.OnActivity(a.ResolveUsers, mock.Anything, mock.Anything).Return(activities.ResolveUsersResult{Users: users}, nil).Once()
	var listed []string
	queues := map[string]bool{}
	env.OnActivity(a.ListRecordings, mock.Anything, mock.Anything).Return(
		func(ctx context.Context, in activities.ListRecordingsInput) (activities.ListRecordingsResult, error) {
			queues[activity.GetInfo(ctx).TaskQueue] = true
			listed = append(listed, fmt.Sprintf("%s %s..%s %q", in.UserID, in.From.Format(time.DateOnly), in.To.Format(time.DateOnly), in.PageToken))
			// u1's first chunk has two pages; every other call one meeting.
			if in.UserID == "u1" && in.From.Equal(day("2026-09-15")) && in.PageToken == "" {
				return activities.ListRecordingsResult{Meetings: []activities.Meeting{meeting("m1", file("a", "MP4", "completed"))}, NextPageToken: "p2"}, nil
			}
			uuid := fmt.Sprintf("m-%s-%s-%s", in.UserID, in.From.Format("0102"), in.PageToken)
			return activities.ListRecordingsResult{Meetings: []activities.Meeting{meeting(uuid, file("a", "MP4", "completed"))}}, nil
		})
	env.OnActivity(a.SaveConversation, mock.Anything, mock.Anything).Return(activities.SaveConversationResult{}, nil)
	env.OnActivity(a.ArchiveFile, mock.Anything, mock.Anything).Return(activities.ArchiveFileResult{Outcome: activities.OutcomeArchived, Size: 10}, nil)
	env.OnActivity(a.FinishConversation, mock.Anything, mock.Anything).Return(activities.FinishConversationResult{}, nil)

	var logged []string
	env.OnActivity(a.LogMeetings, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.LogMeetingsInput) (activities.LogMeetingsResult, error) {
			logged = append(logged, in.From.Format(time.DateOnly)+" "+in.PageToken)
			if in.PageToken == "" && in.From.Equal(day("2026-09-15")) {
				return activities.LogMeetingsResult{Logged: 300, PoolCalls: 1, PoolRemaining: 59990, NextPageToken: "n"}, nil
			}
			return activities.LogMeetingsResult{Logged: 7, PoolCalls: 1, PoolRemaining: -1}, nil
		})
	env.ExecuteWorkflow(ImportWindow, ImportWindowInput{TenantID: "acme", Source: "meeting", From: day("2026-09-15"), To: day("2026-10-20")})
	require.True(t, env.IsWorkflowCompleted())
	var res ImportWindowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, []string{
		`u1 2026-09-15..2026-10-14 ""`, `u1 2026-09-15..2026-10-14 "p2"`, `u1 2026-10-15..2026-10-20 ""`,
		`u2 2026-09-15..2026-10-14 ""`, `u2 2026-10-15..2026-10-20 ""`,
	}, listed)
	require.True(t, res.Done)
	require.Equal(t, []string{"2026-09-15 ", "2026-09-15 n", "2026-10-15 "}, logged, "the meeting log is listed once per chunk, account-wide")
	require.Equal(t, 314, res.MeetingsLogged)
	require.Equal(t, 3, res.PoolCalls)
	require.Equal(t, 59990, res.ZoomPoolRemaining)
	require.Equal(t, 2, res.UsersDone)
	require.Equal(t, 5, res.Pages)
	require.Equal(t, 5, res.Meetings)
	require.Equal(t, 5, res.MeetingsDone)
	require.Equal(t, 5, res.FilesArchived)
	require.Equal(t, int64(50), res.BytesArchived)
	require.Equal(t, map[string]bool{ZoomTaskQueue("default-test-taskqueue"): true}, queues, "Zoom calls run on the rate-capped Zoom queue")
}

func TestImportWindowRelistsAChunkWhenThePageTokenExpired(t *testing.T) {
	env, a := newEnv(t)
	env.OnActivity(a.ResolveUsers, mock.Anything, mock.Anything).Return(activities.ResolveUsersResult{Users: []activities.User{{ID: "u1"}}}, nil)
	calls := 0
	env.OnActivity(a.ListRecordings, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.ListRecordingsInput) (activities.ListRecordingsResult, error) {
			calls++
			switch {
			case calls == 1:
				return activities.ListRecordingsResult{Meetings: []activities.Meeting{meeting("m1", file("a", "MP4", "completed"))}, NextPageToken: "old"}, nil
			case in.PageToken == "old":
				return activities.ListRecordingsResult{}, temporal.NewNonRetryableApplicationError("expired", activities.ErrPageTokenExpired, errors.New("code 300"))
			default:
				return activities.ListRecordingsResult{Meetings: []activities.Meeting{meeting("m1", file("a", "MP4", "completed"))}}, nil
			}
		})
	env.OnActivity(a.SaveConversation, mock.Anything, mock.Anything).Return(activities.SaveConversationResult{}, nil)
	env.OnActivity(a.ArchiveFile, mock.Anything, mock.Anything).Return(activities.ArchiveFileResult{Outcome: activities.OutcomeArchived, Size: 10}, nil).Once()
	env.OnActivity(a.ArchiveFile, mock.Anything, mock.Anything).Return(activities.ArchiveFileResult{Outcome: activities.OutcomeAlreadyArchived, Size: 10}, nil).Once()
	env.OnActivity(a.FinishConversation, mock.Anything, mock.Anything).Return(activities.FinishConversationResult{}, nil)
	env.ExecuteWorkflow(ImportWindow, ImportWindowInput{TenantID: "acme", Source: "meeting", From: day("2026-10-01"), To: day("2026-10-10"), SkipMeetingLog: true})
	var res ImportWindowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, 3, calls)
	require.Equal(t, 1, res.FilesArchived)
	require.Equal(t, 1, res.FilesAlreadyArchived)
}

func TestImportWindowRejectsAnInvertedWindow(t *testing.T) {
	env, _ := newEnv(t)
	env.ExecuteWorkflow(ImportWindow, ImportWindowInput{TenantID: "acme", Source: "meeting", From: day("2026-10-10"), To: day("2026-10-01")})
	err := env.GetWorkflowError()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr))
	require.Equal(t, "bad_window", appErr.Type())
}

// Zoom's daily pool runs out during the meeting log: the import returns
// blocked with its cursor, and a run from that cursor continues the log at
// the same page and then archives.
func TestImportWindowStopsAtTheDailyLimitAndResumesFromItsCursor(t *testing.T) {
	env, a := newEnv(t)
	env.OnActivity(a.LogMeetings, mock.Anything, mock.MatchedBy(func(in activities.LogMeetingsInput) bool { return in.PageToken == "" })).
		Return(activities.LogMeetingsResult{Logged: 5, PoolCalls: 1, PoolRemaining: 0, NextPageToken: "p2"}, nil).Once()
	env.OnActivity(a.LogMeetings, mock.Anything, mock.MatchedBy(func(in activities.LogMeetingsInput) bool { return in.PageToken == "p2" })).
		Return(activities.LogMeetingsResult{}, temporal.NewNonRetryableApplicationError("daily", activities.ErrDailyLimit, nil,
			activities.DailyLimitDetails{RetryAfter: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})).Once()
	env.ExecuteWorkflow(ImportWindow, ImportWindowInput{TenantID: "acme", Source: "meeting", From: day("2026-10-01"), To: day("2026-10-10")})
	var res ImportWindowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.True(t, res.Blocked)
	require.Equal(t, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), res.BlockedUntil)
	require.NotNil(t, res.Cursor)
	require.Equal(t, "p2", res.Cursor.LogPageToken)
	require.Equal(t, 1, res.PoolCalls)
	require.Equal(t, 0, res.ZoomPoolRemaining)
	env.AssertExpectations(t)

	env2, a2 := newEnv(t)
	env2.OnActivity(a2.LogMeetings, mock.Anything, mock.MatchedBy(func(in activities.LogMeetingsInput) bool { return in.PageToken == "p2" })).
		Return(activities.LogMeetingsResult{Logged: 2, PoolCalls: 1, PoolRemaining: 59999}, nil).Once()
	env2.OnActivity(a2.ResolveUsers, mock.Anything, mock.Anything).Return(activities.ResolveUsersResult{Users: []activities.User{{ID: "u"}}}, nil)
	env2.OnActivity(a2.ListRecordings, mock.Anything, mock.Anything).Return(activities.ListRecordingsResult{}, nil)
	env2.ExecuteWorkflow(ImportWindow, ImportWindowInput{TenantID: "acme", Source: "meeting", From: day("2026-10-01"), To: day("2026-10-10"), Cursor: res.Cursor})
	var res2 ImportWindowResult
	require.NoError(t, env2.GetWorkflowResult(&res2))
	require.True(t, res2.Done)
	require.Equal(t, 7, res2.MeetingsLogged, "progress carried in the cursor")
	require.Equal(t, 2, res2.PoolCalls)
	env2.AssertExpectations(t)
}

// The import stopped at the daily limit with a meeting-log page token; it
// resumes after the reset, hours later, and Zoom says the token expired:
// the chunk is logged again from its first page (not skipped), every page
// is logged, and no meeting is counted twice.
func TestImportWindowRelogsAChunkWhoseLogPageTokenExpired(t *testing.T) {
	env, a := newEnv(t)
	var tokens []string
	env.OnActivity(a.LogMeetings, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.LogMeetingsInput) (activities.LogMeetingsResult, error) {
			tokens = append(tokens, in.PageToken)
			switch in.PageToken {
			case "stale":
				return activities.LogMeetingsResult{}, temporal.NewNonRetryableApplicationError("expired", activities.ErrPageTokenExpired, errors.New("code 300"))
			case "":
				return activities.LogMeetingsResult{Logged: 2, PoolCalls: 1, PoolRemaining: -1, NextPageToken: "p2"}, nil
			case "p2":
				return activities.LogMeetingsResult{Logged: 2, PoolCalls: 1, PoolRemaining: -1, NextPageToken: "p3"}, nil
			default:
				return activities.LogMeetingsResult{Logged: 1, PoolCalls: 1, PoolRemaining: -1}, nil
			}
		})
	env.OnActivity(a.ResolveUsers, mock.Anything, mock.Anything).Return(activities.ResolveUsersResult{Users: []activities.User{{ID: "u"}}}, nil)
	env.OnActivity(a.ListRecordings, mock.Anything, mock.Anything).Return(activities.ListRecordingsResult{}, nil)
	// The blocked run had logged the chunk's first two pages (4 meetings).
	cursor := &ImportCursor{LogPageToken: "stale", LogChunkLogged: 4, Progress: ImportProgress{MeetingsLogged: 4, ZoomPoolRemaining: -1}}
	env.ExecuteWorkflow(ImportWindow, ImportWindowInput{TenantID: "acme", Source: "meeting", From: day("2026-10-01"), To: day("2026-10-10"), Cursor: cursor})
	var res ImportWindowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.True(t, res.Done)
	require.Equal(t, []string{"stale", "", "p2", "p3"}, tokens, "the chunk is listed again from its first page")
	require.Equal(t, 5, res.MeetingsLogged, "five meetings, each counted once")
	require.Empty(t, res.Failures, "an expired token is no failure")
}
