package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/activities"
)

// ArchiveMeeting archives every completed file of one conversation into S3 and
// Postgres. Webhooks (signal-with-start of SignalRecordingCompleted) and every
// import of the same conversation land on this workflow's ID: files already
// archived are never fetched again, and a recording.completed that brings a
// new rendition while the workflow runs adds that file to the same archive.
// Files still processing at Zoom are counted and left for their own
// recording.completed webhook or the next import.
func ArchiveMeeting(ctx workflow.Context, in ArchiveMeetingInput) (ArchiveMeetingResult, error) {
	w := &archiveMeeting{in: in, meetingArchiver: newMeetingArchiver(in.TenantID, in.Source, in.Meeting.UUID, in.DownloadRetry)}
	w.result.Status = StatusArchiving
	return w.run(ctx)
}

// archiveMeeting is the ArchiveMeeting workflow: a meetingArchiver fed by
// recording.completed signals, with the status search attribute.
type archiveMeeting struct {
	in ArchiveMeetingInput
	*meetingArchiver
}

// meetingArchiver archives one conversation: its metadata and bookkeeping in
// local activities, each file in an ArchiveFile activity. ArchiveMeeting runs
// one per workflow; ImportWindow runs one per listed meeting inline, so an
// import costs no workflow per meeting.
type meetingArchiver struct {
	tenant, source, uuid string
	retry                DownloadRetry
	result               ArchiveMeetingResult
	// settled holds files archived, found archived, or failed in this run.
	settled map[string]bool
	// processing holds files Zoom still renders.
	processing map[string]bool
}

func newMeetingArchiver(tenant, source, uuid string, retry DownloadRetry) *meetingArchiver {
	return &meetingArchiver{tenant: tenant, source: source, uuid: uuid, retry: retry,
		settled: map[string]bool{}, processing: map[string]bool{}}
}

// bookkeepingOptions are the options of the Postgres local activities: short,
// idempotent, without a round trip through the server's task queues.
func bookkeepingOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			MaximumAttempts: 10, NonRetryableErrorTypes: activities.NonRetryable,
		},
	})
}

var a *activities.Activities

func (w *archiveMeeting) run(ctx workflow.Context) (ArchiveMeetingResult, error) {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (ArchiveMeetingResult, error) { return w.result, nil }); err != nil {
		return w.result, err
	}
	// Imports and webhooks start this workflow with its search attributes
	// set; upsert them only when a starter did not (each upsert is a
	// visibility write on the server).
	if _, ok := workflow.GetTypedSearchAttributes(ctx).GetKeyword(AttrStatus); !ok {
		w.setStatus(ctx, StatusArchiving)
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           ZoomTaskQueue(workflow.GetInfo(ctx).TaskQueueName),
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
			MaximumAttempts: 10, NonRetryableErrorTypes: activities.NonRetryable,
		},
	})
	lctx := bookkeepingOptions(ctx)
	signals := workflow.GetSignalChannel(ctx, SignalRecordingCompleted)
	meeting := w.in.Meeting
	if next, ok := drainRecordingCompleted(signals); ok && len(meeting.Files) == 0 {
		meeting = next // signal-with-start: the event carries the files
	} else if ok {
		meeting.Files = append(meeting.Files, next.Files...)
	}
	if len(meeting.Files) == 0 {
		var fetched activities.FetchMeetingResult
		if err := workflow.ExecuteActivity(actx, a.FetchMeeting, activities.FetchMeetingInput{
			TenantID: w.in.TenantID, MeetingUUID: meeting.UUID,
		}).Get(ctx, &fetched); err != nil {
			w.setStatus(ctx, StatusFailed)
			return w.result, err
		}
		meeting = fetched.Meeting
	}
	finished := false
	for {
		if err := w.archiveBatch(ctx, lctx, meeting); err != nil {
			w.setStatus(ctx, StatusFailed)
			return w.result, err
		}
		if next, ok := drainRecordingCompleted(signals); ok {
			meeting = next
			continue
		}
		if finished {
			break
		}
		if err := w.finish(ctx, lctx); err != nil {
			return w.result, err
		}
		finished = true
		// A rendition announced while finishing is archived before closing.
		next, ok := drainRecordingCompleted(signals)
		if !ok {
			break
		}
		meeting, finished = next, false
	}
	return w.result, nil
}

// drainRecordingCompleted merges every pending recording.completed signal
// into one meeting (the latest metadata, the union of files).
func drainRecordingCompleted(ch workflow.ReceiveChannel) (activities.Meeting, bool) {
	var merged activities.Meeting
	got := false
	var sig RecordingCompletedSignal
	for ch.ReceiveAsync(&sig) {
		files := append(merged.Files, sig.Meeting.Files...)
		merged = sig.Meeting
		merged.Files = files
		got = true
		sig = RecordingCompletedSignal{}
	}
	return merged, got
}

// archiveBatch records the conversation's metadata and archives the files of
// meeting that this run has not settled yet.
func (w *meetingArchiver) archiveBatch(ctx, lctx workflow.Context, m activities.Meeting) error {
	if w.uuid == "" {
		w.uuid = m.UUID
	}
	var saved activities.SaveConversationResult
	if err := workflow.ExecuteLocalActivity(lctx, a.SaveConversation, activities.SaveConversationInput{
		TenantID: w.tenant, Source: w.source, Meeting: m,
	}).Get(ctx, &saved); err != nil {
		return err
	}
	w.archiveFiles(ctx, m, saved.ArchivedFileIDs)
	return nil
}

// finish stores the outcome and sets the status search attribute.
func (w *archiveMeeting) finish(ctx, lctx workflow.Context) error {
	status, err := w.meetingArchiver.finish(ctx, lctx)
	if err != nil {
		return err
	}
	w.setStatus(ctx, status)
	return nil
}

// finish stores the conversation's outcome and returns its status.
func (w *meetingArchiver) finish(ctx, lctx workflow.Context) (string, error) {
	w.result.FilesProcessing = len(w.processing)
	mediaError := ""
	if len(w.result.Failures) > 0 {
		mediaError = w.result.Failures[0].Reason + ": " + w.result.Failures[0].Message
	}
	if err := workflow.ExecuteLocalActivity(lctx, a.FinishConversation, activities.FinishConversationInput{
		TenantID: w.tenant, Source: w.source, ConversationUUID: w.uuid,
		FilesProcessing: w.result.FilesProcessing, FilesFailed: w.result.FilesFailed, MediaError: mediaError,
	}).Get(ctx, nil); err != nil {
		return StatusFailed, err
	}
	switch {
	case w.result.FilesFailed > 0:
		w.result.Status = StatusFailed
	case w.result.FilesProcessing > 0:
		w.result.Status = StatusPartial
	default:
		w.result.Status = StatusArchived
	}
	return w.result.Status, nil
}

// archiveFiles runs one ArchiveFile per completed file not yet archived, all
// at once; the download task queue's worker bounds how many actually transfer.
func (w *meetingArchiver) archiveFiles(ctx workflow.Context, m activities.Meeting, archived []string) {
	done := make(map[string]bool, len(archived))
	for _, id := range archived {
		done[id] = true
	}
	retry := w.retry
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
	for _, f := range m.Files {
		if w.settled[f.FileID] {
			continue
		}
		if done[f.FileID] {
			w.settled[f.FileID] = true
			delete(w.processing, f.FileID)
			w.result.FilesAlreadyArchived++
			continue
		}
		if f.Processing() {
			w.processing[f.FileID] = true
			continue
		}
		w.settled[f.FileID] = true
		delete(w.processing, f.FileID)
		fut := workflow.ExecuteActivity(dctx, a.ArchiveFile, activities.ArchiveFileInput{
			TenantID: w.tenant, Source: w.source, ConversationUUID: m.UUID,
			MeetingStart: m.StartTime, File: f,
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
func (w *meetingArchiver) fail(ctx workflow.Context, f activities.RecordingFile, err error) {
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
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 30 * time.Second})
	_ = workflow.ExecuteLocalActivity(lctx, a.RecordFileFailure, activities.RecordFileFailureInput{
		TenantID: w.tenant, Source: w.source, ConversationUUID: w.uuid,
		FileID: f.FileID, FileType: f.FileType, Reason: reason, Message: msg,
	}).Get(ctx, nil)
}

func (w *archiveMeeting) setStatus(ctx workflow.Context, status string) {
	w.result.Status = status
	_ = workflow.UpsertTypedSearchAttributes(ctx,
		AttrTenant.ValueSet(w.in.TenantID),
		AttrSource.ValueSet(w.in.Source),
		AttrMeetingUUID.ValueSet(w.uuid),
		AttrStatus.ValueSet(status))
}
