package workflows

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/meetvault/meetvault/activities"
)

// archive streams the recorded bot's media into the archive through
// ArchiveMeeting, like a cloud recording, and sets the outcome.
func (w *meetingBot) archive(ctx workflow.Context) {
	w.setPhase(ctx, BotPhaseArchiving)
	bot := w.s.RecordedBot
	archiveID := ArchiveMeetingID(w.in.TenantID, activities.SourceBot, bot)
	mctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 2 * time.Second, BackoffCoefficient: 1.5, MaximumInterval: time.Minute,
			MaximumAttempts: 60, NonRetryableErrorTypes: []string{activities.ErrBotsDisabled, activities.ErrBotRejected, activities.ErrBotMediaMissing},
		},
	})
	var media activities.BotMediaResult
	if err := workflow.ExecuteActivity(mctx, a.BotMedia, activities.BotStatusInput{BotID: bot}).Get(ctx, &media); err != nil {
		w.s.Outcome = &BotOutcome{State: BotArchiveFailed, SubCode: errType(err),
			Message: "the bot recorded, but its media could not be fetched: " + errMessage(err),
			Advice:  "check the recording at the bot provider (media is kept there for a limited time) and retry"}
		return
	}
	start := media.StartedAt
	if start.IsZero() {
		start = workflow.Now(ctx)
	}
	meetingNo, _ := parseMeetingNumber(w.in.MeetingID)
	in := ArchiveMeetingInput{TenantID: w.in.TenantID, Source: activities.SourceBot, Meeting: activities.Meeting{
		UUID: bot, ID: meetingNo, Topic: "Zoom meeting " + w.in.MeetingID + " (bot)", Type: 2, StartTime: start, Files: media.Files,
	}}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: archiveID,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			AttrTenant.ValueSet(w.in.TenantID), AttrSource.ValueSet(activities.SourceBot),
			AttrMeetingUUID.ValueSet(bot), AttrStatus.ValueSet(StatusArchiving)),
	})
	var res ArchiveMeetingResult
	err := workflow.ExecuteChildWorkflow(cctx, ArchiveMeeting, in).Get(ctx, &res)
	var already *temporal.ChildWorkflowExecutionAlreadyStartedError
	if errors.As(err, &already) {
		err = nil // archived by an earlier run of this workflow
		res.Status = StatusArchived
	}
	w.s.Archive = &res
	switch {
	case err != nil:
		w.s.Outcome = &BotOutcome{State: BotArchiveFailed, SubCode: errType(err),
			Message: "the bot recorded, but archiving failed: " + errMessage(err), Advice: "see the archive workflow " + archiveID}
	case res.Status == StatusArchived:
		w.s.Outcome = &BotOutcome{State: BotArchived, SubCode: "recorded",
			Message: fmt.Sprintf("recorded and archived %d file(s), %d bytes", res.FilesArchived+res.FilesAlreadyArchived, res.BytesArchived)}
		if p := w.s.Bot.Pending; p != nil {
			w.s.Outcome.Message += " (then: " + p.Message + ")"
		}
	default:
		reason := "archive_failed"
		if len(res.Failures) > 0 {
			reason = res.Failures[0].Reason
		}
		w.s.Outcome = &BotOutcome{State: BotArchiveFailed, SubCode: reason,
			Message: "the bot recorded, but its media could not be archived", Advice: "see the archive workflow " + archiveID}
	}
}
