package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/activities"
)

// ArchiveMeeting archives every completed file of one conversation into S3 and
// Postgres. Files already archived are skipped by ArchiveFile itself, so a
// duplicate webhook or a re-import of the same conversation archives nothing
// twice. Files still processing at Zoom are counted and left for the
// recording.completed webhook or the next import.
func ArchiveMeeting(ctx workflow.Context, in ArchiveMeetingInput) (ArchiveMeetingResult, error) {
	w := &archiveMeeting{in: in, result: ArchiveMeetingResult{Status: StatusArchiving}}
	return w.run(ctx)
}

type archiveMeeting struct {
	in     ArchiveMeetingInput
	result ArchiveMeetingResult
}

var a *activities.Activities

func (w *archiveMeeting) run(ctx workflow.Context) (ArchiveMeetingResult, error) {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (ArchiveMeetingResult, error) { return w.result, nil }); err != nil {
		return w.result, err
	}
	w.setStatus(ctx, StatusArchiving)
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			MaximumAttempts: 10, NonRetryableErrorTypes: activities.NonRetryable,
		},
	})
	if len(w.in.Meeting.Files) == 0 {
		var fetched activities.FetchMeetingResult
		if err := workflow.ExecuteActivity(actx, a.FetchMeeting, activities.FetchMeetingInput{
			TenantID: w.in.TenantID, MeetingUUID: w.in.Meeting.UUID,
		}).Get(ctx, &fetched); err != nil {
			w.setStatus(ctx, StatusFailed)
			return w.result, err
		}
		w.in.Meeting = fetched.Meeting
	}
	var saved activities.SaveConversationResult
	if err := workflow.ExecuteActivity(actx, a.SaveConversation, activities.SaveConversationInput{
		TenantID: w.in.TenantID, Source: w.in.Source, Meeting: w.in.Meeting,
	}).Get(ctx, &saved); err != nil {
		w.setStatus(ctx, StatusFailed)
		return w.result, err
	}

	w.archiveFiles(ctx, saved.ArchivedFileIDs)

	mediaError := ""
	if len(w.result.Failures) > 0 {
		mediaError = w.result.Failures[0].Reason + ": " + w.result.Failures[0].Message
	}
	if err := workflow.ExecuteActivity(actx, a.FinishConversation, activities.FinishConversationInput{
		TenantID: w.in.TenantID, Source: w.in.Source, ConversationUUID: w.in.Meeting.UUID,
		FilesProcessing: w.result.FilesProcessing, FilesFailed: w.result.FilesFailed, MediaError: mediaError,
	}).Get(ctx, nil); err != nil {
		return w.result, err
	}
	switch {
	case w.result.FilesFailed > 0:
		w.setStatus(ctx, StatusFailed)
	case w.result.FilesProcessing > 0:
		w.setStatus(ctx, StatusPartial)
	default:
		w.setStatus(ctx, StatusArchived)
	}
	return w.result, nil
}

// archiveFiles runs one ArchiveFile per completed file not yet archived, all
// at once; the download task queue's worker bounds how many actually transfer.
func (w *archiveMeeting) archiveFiles(ctx workflow.Context, archived []string) {
	done := make(map[string]bool, len(archived))
	for _, id := range archived {
		done[id] = true
	}
	retry := w.in.DownloadRetry
	if retry.InitialInterval <= 0 {
		retry.InitialInterval = 2 * time.Second
	}
	if retry.MaximumAttempts <= 0 {
		retry.MaximumAttempts = 6
	}
	dctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:              DownloadTaskQueue(workflow.GetInfo(ctx).TaskQueueName),
		ScheduleToStartTimeout: 24 * time.Hour,
		StartToCloseTimeout:    6 * time.Hour,
		HeartbeatTimeout:       20 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: retry.InitialInterval, BackoffCoefficient: 2, MaximumInterval: 2 * time.Minute,
			MaximumAttempts: retry.MaximumAttempts, NonRetryableErrorTypes: activities.NonRetryable,
		},
	})
	type pending struct {
		file   activities.RecordingFile
		future workflow.Future
	}
	var running []pending
	for _, f := range w.in.Meeting.Files {
		if done[f.FileID] {
			w.result.FilesAlreadyArchived++
			continue
		}
		if f.Processing() {
			w.result.FilesProcessing++
			continue
		}
		fut := workflow.ExecuteActivity(dctx, a.ArchiveFile, activities.ArchiveFileInput{
			TenantID: w.in.TenantID, Source: w.in.Source, ConversationUUID: w.in.Meeting.UUID,
			MeetingStart: w.in.Meeting.StartTime, File: f,
		})
		running = append(running, pending{file: f, future: fut})
	}
	for _, p := range running {
		var res activities.ArchiveFileResult
		err := p.future.Get(ctx, &res)
		switch {
		case err != nil:
			w.fail(ctx, p.file, err)
		case res.Outcome == activities.OutcomeAlreadyArchived:
			w.result.FilesAlreadyArchived++
		default:
			w.result.FilesArchived++
			w.result.BytesArchived += res.Size
		}
	}
}

// fail records a file that could not be archived, with its typed reason.
func (w *archiveMeeting) fail(ctx workflow.Context, f activities.RecordingFile, err error) {
	reason, msg := "archive_failed", err.Error()
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		if appErr.Type() != "" {
			reason = appErr.Type()
		}
		msg = appErr.Message()
	}
	w.result.FilesFailed++
	w.result.Failures = append(w.result.Failures, FileFailure{FileID: f.FileID, FileType: f.FileType, Reason: reason, Message: msg})
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	_ = workflow.ExecuteActivity(actx, a.RecordFileFailure, activities.RecordFileFailureInput{
		TenantID: w.in.TenantID, Source: w.in.Source, ConversationUUID: w.in.Meeting.UUID,
		FileID: f.FileID, FileType: f.FileType, Reason: reason, Message: msg,
	}).Get(ctx, nil)
}

func (w *archiveMeeting) setStatus(ctx workflow.Context, status string) {
	w.result.Status = status
	_ = workflow.UpsertTypedSearchAttributes(ctx,
		AttrTenant.ValueSet(w.in.TenantID),
		AttrSource.ValueSet(w.in.Source),
		AttrMeetingUUID.ValueSet(w.in.Meeting.UUID),
		AttrStatus.ValueSet(status))
}
