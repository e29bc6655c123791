package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/activities"
	"github.com/meetvault/meetvault/workflows"
)

// rtmsWebhook is an RTMS event's payload. Zoom's samples read the fields
// directly under payload, some docs under payload.object: both are read.
type rtmsWebhook struct {
	Event   string `json:"event"`
	Payload struct {
		rtmsFields
		Object rtmsFields `json:"object"`
	} `json:"payload"`
}

type rtmsFields struct {
	MeetingUUID  string `json:"meeting_uuid"`
	SessionID    string `json:"session_id"`
	RTMSStreamID string `json:"rtms_stream_id"`
	ServerURLs   string `json:"server_urls"`
	StopReason   *int   `json:"stop_reason"`
	OperatorID   string `json:"operator_id"`
	Operator     string `json:"operator"`
}

// fields merges the two payload shapes.
func (r rtmsWebhook) fields() rtmsFields {
	f, o := r.Payload.rtmsFields, r.Payload.Object
	pick := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	f.MeetingUUID, f.SessionID = pick(f.MeetingUUID, o.MeetingUUID), pick(f.SessionID, o.SessionID)
	f.RTMSStreamID, f.ServerURLs = pick(f.RTMSStreamID, o.RTMSStreamID), pick(f.ServerURLs, o.ServerURLs)
	f.OperatorID, f.Operator = pick(f.OperatorID, o.OperatorID), pick(f.Operator, o.Operator)
	if f.StopReason == nil {
		f.StopReason = o.StopReason
	}
	return f
}

// rtmsSink delivers RTMS events to their RTMSCapture workflow.
type rtmsSink interface {
	RTMSEvent(ctx context.Context, tenantID string, stream activities.RTMSStream, sig workflows.RTMSEventSignal) error
}

// isRTMSEvent reports meeting/webinar/session .rtms_started/_interrupted/_stopped.
func isRTMSEvent(event string) bool {
	_, kind, ok := strings.Cut(event, ".rtms_")
	return ok && (kind == "started" || kind == "interrupted" || kind == "stopped")
}

// handleRTMS answers an RTMS event once it is signalled into Temporal (never
// after connecting: Zoom retries a slow answer and a second connection
// displaces the first). It returns false when the sink cannot take RTMS
// events, and the event is handled like any other.
func (h *zoomWebhooks) handleRTMS(ctx context.Context, w http.ResponseWriter, t webhookTenant, ev envelope, body []byte, when time.Time) bool {
	sink, ok := h.sink.(rtmsSink)
	if !ok {
		return false
	}
	var rw rtmsWebhook
	f := rtmsFields{}
	if json.Unmarshal(body, &rw) == nil {
		f = rw.fields()
	}
	if f.RTMSStreamID == "" || (f.MeetingUUID == "" && f.SessionID == "") {
		h.reject(w, http.StatusBadRequest, outcomeMalformed, ev.Event+" without rtms_stream_id and meeting_uuid/session_id")
		return true
	}
	prefix, kind, _ := strings.Cut(ev.Event, ".rtms_")
	source := activities.SourceMeeting
	switch prefix {
	case "webinar":
		source = activities.SourceWebinar
	case "session":
		source = activities.SourceVideoSDK
	}
	stream := activities.RTMSStream{TenantID: t.ID, MeetingUUID: f.MeetingUUID, SessionID: f.SessionID, StreamID: f.RTMSStreamID, Source: source}
	sig := workflows.RTMSEventSignal{Kind: kind, ServerURLs: f.ServerURLs, Operator: f.Operator, At: when}
	if f.Operator == "" {
		sig.Operator = f.OperatorID
	}
	if f.StopReason != nil {
		sig.StopReason = *f.StopReason
	}
	if kind == workflows.RTMSEventStarted && f.ServerURLs == "" {
		h.reject(w, http.StatusBadRequest, outcomeMalformed, ev.Event+" without server_urls")
		return true
	}
	if err := sink.RTMSEvent(ctx, t.ID, stream, sig); err != nil {
		h.fail(w, ev, t, err)
		return true
	}
	h.metrics.outcome(ev.Event, outcomeAccepted)
	w.WriteHeader(http.StatusOK)
	return true
}

// RTMSEvent signals (with start, for rtms_started) the stream's RTMSCapture.
// A started event for a capture that already finished is acknowledged
// without effect; interrupted and stopped events for a stream not being
// captured are noted in Postgres.
func (s *temporalSink) RTMSEvent(ctx context.Context, tenantID string, stream activities.RTMSStream, sig workflows.RTMSEventSignal) error {
	id := workflows.RTMSCaptureID(tenantID, stream.ConversationUUID(), stream.StreamID)
	if sig.Kind != workflows.RTMSEventStarted {
		err := s.temporal.SignalWorkflow(ctx, id, "", workflows.SignalRTMSEvent, sig)
		var nf *serviceerror.NotFound
		if errors.As(err, &nf) {
			body, _ := json.Marshal(sig)
			return s.store.NoteEvent(ctx, tenantID, stream.Source+".rtms_"+sig.Kind, stream.ConversationUUID(), sig.At, body)
		}
		return err
	}
	_, err := s.temporal.SignalWithStartWorkflow(ctx, id, workflows.SignalRTMSEvent, sig,
		client.StartWorkflowOptions{
			TaskQueue:             s.taskQueue,
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			TypedSearchAttributes: temporal.NewSearchAttributes(
				workflows.AttrTenant.ValueSet(tenantID), workflows.AttrSource.ValueSet(activities.SourceRTMS),
				workflows.AttrMeetingUUID.ValueSet(stream.ConversationUUID()), workflows.AttrStatus.ValueSet(workflows.StatusCapturing)),
		},
		workflows.RTMSCapture, workflows.RTMSCaptureInput{Stream: stream})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil // the stream was captured and finished: a late duplicate
	}
	return err
}
