package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/zoom"
)

// DefaultMaxConcurrentArchives bounds the meetings an import archives at once.
const DefaultMaxConcurrentArchives = 32

// ImportWindow lists one source of one tenant for a window of dates, user by
// user, in chunks of at most one month (Zoom's limit) and page by page, and
// archives each listed conversation inline (at most MaxConcurrentArchives at
// once; the same code as ArchiveMeeting, which serves webhooks). It finishes
// each page before listing the next, and continues as new when its history
// grows long, carrying its cursor.
func ImportWindow(ctx workflow.Context, in ImportWindowInput) (ImportWindowResult, error) {
	w := &importWindow{in: in}
	if in.Cursor != nil {
		w.cur = *in.Cursor
	} else {
		w.cur.Progress.ZoomPoolRemaining = -1
	}
	return w.run(ctx)
}

type importWindow struct {
	in            ImportWindowInput
	cur           ImportCursor
	blockedResult ImportWindowResult
}

func (w *importWindow) run(ctx workflow.Context) (ImportWindowResult, error) {
	if err := workflow.SetQueryHandler(ctx, QueryProgress, func() (ImportProgress, error) { return w.cur.Progress, nil }); err != nil {
		return w.cur.Progress, err
	}
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrTenant.ValueSet(w.in.TenantID),
		AttrSource.ValueSet(w.in.Source), AttrStatus.ValueSet(StatusImporting))
	if w.in.To.Before(w.in.From) {
		return w.cur.Progress, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("import window ends (%s) before it starts (%s)", w.in.To.Format(time.DateOnly), w.in.From.Format(time.DateOnly)),
			"bad_window", nil)
	}
	// Zoom API calls run on their own task queue, paced server-side for
	// every worker (TaskQueueActivitiesPerSecond) on top of each worker's
	// per-account limiter.
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		TaskQueue:           ZoomTaskQueue(workflow.GetInfo(ctx).TaskQueueName),
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
			MaximumAttempts: 10, NonRetryableErrorTypes: activities.NonRetryable,
		},
	})
	if !w.cur.LogDone && !w.in.SkipMeetingLog {
		if blocked, err := w.logMeetings(ctx, actx); err != nil || blocked {
			return w.blockedResult, err
		}
	}
	if w.cur.Users == nil {
		var users activities.ResolveUsersResult
		err := workflow.ExecuteActivity(actx, a.ResolveUsers, activities.ResolveUsersInput{TenantID: w.in.TenantID, Source: w.in.Source}).Get(ctx, &users)
		if until, ok := dailyLimit(err); ok {
			return w.blocked(until), nil
		}
		if err != nil {
			return w.cur.Progress, err
		}
		w.cur.Users = users.Users
		w.cur.Progress.UsersTotal = len(users.Users)
	}
	// Zoom rejects windows longer than a month: list in chunks it accepts.
	chunks := zoom.SplitWindow(w.in.From, w.in.To)
	for w.cur.UserIndex < len(w.cur.Users) {
		user := w.cur.Users[w.cur.UserIndex]
		for w.cur.Chunk < len(chunks) {
			ch := chunks[w.cur.Chunk]
			var page activities.ListRecordingsResult
			err := workflow.ExecuteActivity(actx, a.ListRecordings, activities.ListRecordingsInput{
				TenantID: w.in.TenantID, Source: w.in.Source, UserID: user.ID, From: ch.From, To: ch.To, PageToken: w.cur.PageToken,
			}).Get(ctx, &page)
			if pageTokenExpired(err) {
				// The page token outlived Zoom's 15 minutes: list the chunk
				// again; archives already done are no-ops.
				w.cur.PageToken = ""
				continue
			}
			if until, ok := dailyLimit(err); ok {
				return w.blocked(until), nil
			}
			if err != nil {
				return w.cur.Progress, err
			}
			w.cur.Progress.Pages++
			w.archivePage(ctx, user, page.Meetings)
			w.cur.PageToken = page.NextPageToken
			if w.cur.PageToken == "" {
				w.cur.Chunk++
			}
			if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
				next := w.in
				cur := w.cur
				next.Cursor = &cur
				return w.cur.Progress, workflow.NewContinueAsNewError(ctx, ImportWindow, next)
			}
		}
		w.cur.Chunk = 0
		w.cur.UserIndex++
		w.cur.Progress.UsersDone++
	}
	w.cur.Progress.Done = true
	_ = workflow.UpsertTypedSearchAttributes(ctx, AttrStatus.ValueSet(StatusImported))
	return w.cur.Progress, nil
}

// logMeetings lists the account's past meetings from Zoom's dashboard, chunk
// by chunk and page by page, into the meeting log. A daily 429 stops the
// import with its cursor (blocked=true, the result set); any other failure is
// noted and the import goes on: archiving never waits for the log.
func (w *importWindow) logMeetings(ctx, actx workflow.Context) (blocked bool, err error) {
	chunks := zoom.SplitWindow(w.in.From, w.in.To)
	for w.cur.LogChunk < len(chunks) {
		ch := chunks[w.cur.LogChunk]
		var page activities.LogMeetingsResult
		err := workflow.ExecuteActivity(actx, a.LogMeetings, activities.LogMeetingsInput{
			TenantID: w.in.TenantID, Source: w.in.Source, From: ch.From, To: ch.To,
			PageToken: w.cur.LogPageToken, PageSize: w.in.DashboardPageSize,
		}).Get(ctx, &page)
		if until, ok := dailyLimit(err); ok {
			w.blockedResult = w.blocked(until)
			return true, nil
		}
		if w.cur.LogPageToken != "" && pageTokenExpired(err) &&
			workflow.GetVersion(ctx, versionLogRestartsExpiredChunk, workflow.DefaultVersion, 1) >= 1 {
			// The token outlived Zoom's 15 minutes (typically: the import
			// slept until the daily pool reset). List the chunk again from
			// its first page; logging is an upsert, and the chunk's meetings
			// are counted afresh so that none counts twice.
			w.cur.Progress.MeetingsLogged -= w.cur.LogChunkLogged
			w.cur.LogChunkLogged = 0
			w.cur.LogPageToken = ""
			continue
		}
		if err != nil {
			w.cur.Progress.Failures = appendCapped(w.cur.Progress.Failures, fmt.Sprintf("meeting log %s..%s: %v",
				ch.From.Format(time.DateOnly), ch.To.Format(time.DateOnly), err))
			w.cur.LogChunk++
			w.cur.LogPageToken = ""
			w.cur.LogChunkLogged = 0
			continue
		}
		w.cur.Progress.PoolCalls += page.PoolCalls
		if page.PoolRemaining >= 0 {
			w.cur.Progress.ZoomPoolRemaining = page.PoolRemaining
		}
		w.cur.Progress.MeetingsLogged += page.Logged
		w.cur.LogChunkLogged += page.Logged
		w.cur.LogPageToken = page.NextPageToken
		if page.NextPageToken == "" {
			w.cur.LogChunk++
			w.cur.LogChunkLogged = 0
		}
	}
	w.cur.LogDone = true
	return false, nil
}

// archivePage archives the page's meetings, at most MaxConcurrentArchives at
// a time, and waits for all of them.
func (w *importWindow) archivePage(ctx workflow.Context, user activities.User, meetings []activities.Meeting) {
	limit := w.in.MaxConcurrentArchives
	if limit <= 0 {
		limit = DefaultMaxConcurrentArchives
	}
	p := &w.cur.Progress
	p.Meetings += len(meetings)
	sem := workflow.NewSemaphore(ctx, int64(limit))
	wg := workflow.NewWaitGroup(ctx)
	for _, m := range meetings {
		if m.HostEmail == "" {
			m.HostEmail = user.Email
		}
		if m.HostName == "" {
			m.HostName = user.Name
		}
		if err := sem.Acquire(ctx, 1); err != nil {
			break
		}
		wg.Add(1)
		workflow.Go(ctx, func(gctx workflow.Context) {
			defer wg.Done()
			defer sem.Release(1)
			res, err := w.archiveMeeting(gctx, m)
			p.MeetingsDone++
			p.FilesArchived += res.FilesArchived
			p.FilesAlreadyArchived += res.FilesAlreadyArchived
			p.FilesProcessing += res.FilesProcessing
			p.FilesFailed += res.FilesFailed
			p.BytesArchived += res.BytesArchived
			if err != nil {
				p.MeetingsFailed++
				p.Failures = appendCapped(p.Failures, fmt.Sprintf("%s: %v", m.UUID, err))
			}
			for _, f := range res.Failures {
				p.Failures = appendCapped(p.Failures, fmt.Sprintf("%s file %s (%s): %s: %s", m.UUID, f.FileID, f.FileType, f.Reason, f.Message))
			}
		})
	}
	wg.Wait(ctx)
}

// archiveMeeting archives one listed meeting inline, with the same
// meetingArchiver as ArchiveMeeting: no workflow per meeting, so an import
// costs the engine little more than its activities. Archiving stays
// idempotent through Postgres (files already archived are skipped, and
// ArchiveFile finds an object archived meanwhile by a webhook's
// ArchiveMeeting).
func (w *importWindow) archiveMeeting(ctx workflow.Context, m activities.Meeting) (ArchiveMeetingResult, error) {
	source := w.in.Source
	if m.Source != "" {
		source = m.Source // a webinar listed among the meetings
	}
	arch := newMeetingArchiver(w.in.TenantID, source, m.UUID, w.in.DownloadRetry)
	lctx := bookkeepingOptions(ctx)
	if err := arch.archiveBatch(ctx, lctx, m); err != nil {
		arch.result.Status = StatusFailed
		return arch.result, err
	}
	_, err := arch.finish(ctx, lctx)
	return arch.result, err
}

// blocked ends the run early because Zoom's daily pool is used up; the
// result carries the cursor to resume from.
func (w *importWindow) blocked(until time.Time) ImportWindowResult {
	p := w.cur.Progress
	cur := w.cur
	p.Blocked, p.BlockedUntil, p.Cursor = true, until, &cur
	return p
}

// versionLogRestartsExpiredChunk: the meeting log re-lists a chunk whose
// page token expired instead of noting a failure and skipping the chunk's
// remaining pages (histories recorded before keep the old path).
const versionLogRestartsExpiredChunk = "meeting-log-restarts-expired-chunk"

// pageTokenExpired reports an activity failure caused by a next_page_token
// older than Zoom's 15 minutes.
func pageTokenExpired(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == activities.ErrPageTokenExpired
}

// dailyLimit reports an activity failure caused by Zoom's daily limit, and
// when the pool resets.
func dailyLimit(err error) (time.Time, bool) {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != activities.ErrDailyLimit {
		return time.Time{}, false
	}
	var d activities.DailyLimitDetails
	if appErr.HasDetails() {
		_ = appErr.Details(&d)
	}
	return d.RetryAfter, true
}

const maxFailuresKept = 50

func appendCapped(list []string, s string) []string {
	if len(list) >= maxFailuresKept {
		return list
	}
	return append(list, s)
}
