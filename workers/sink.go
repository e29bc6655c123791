package main

import (
	"context"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/store"
	"github.com/meetvault/meetvault/workflows"
)

// temporalSink makes webhook events durable: recording.completed becomes a
// signal-with-start of the conversation's ArchiveMeeting; other events are
// noted in Postgres.
type temporalSink struct {
	temporal  client.Client
	store     *store.Store
	taskQueue string
}

func (s *temporalSink) RecordingCompleted(ctx context.Context, tenantID string, m activities.Meeting, downloadToken string, eventTime time.Time) error {
	if downloadToken != "" {
		// Zoom's download_token lives 24 h from the event; it is a secret, so
		// it is sealed in Postgres rather than carried in workflow history.
		if eventTime.IsZero() {
			eventTime = time.Now()
		}
		if err := s.store.SaveDownloadToken(ctx, tenantID, m.UUID, downloadToken, eventTime.Add(24*time.Hour)); err != nil {
			return err
		}
	}
	source := activities.SourceMeeting
	if m.Source != "" {
		source = m.Source // phone.recording_completed
	}
	_, err := s.temporal.SignalWithStartWorkflow(ctx, workflows.ArchiveMeetingID(tenantID, source, m.UUID),
		workflows.SignalRecordingCompleted, workflows.RecordingCompletedSignal{Meeting: m},
		client.StartWorkflowOptions{
			TaskQueue:             s.taskQueue,
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			TypedSearchAttributes: temporal.NewSearchAttributes(
				workflows.AttrTenant.ValueSet(tenantID), workflows.AttrSource.ValueSet(source),
				workflows.AttrMeetingUUID.ValueSet(m.UUID), workflows.AttrStatus.ValueSet(workflows.StatusArchiving)),
		},
		workflows.ArchiveMeeting, workflows.ArchiveMeetingInput{
			TenantID: tenantID, Source: source, Meeting: activities.Meeting{UUID: m.UUID},
		})
	return err
}

func (s *temporalSink) Note(ctx context.Context, tenantID, event, conversationUUID string, eventTime time.Time, body []byte) error {
	return s.store.NoteEvent(ctx, tenantID, event, conversationUUID, eventTime, body)
}
