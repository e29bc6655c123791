package workflows

import (
	"fmt"
	"time"

	"github.com/meetvault/meetvault/activities"
)

// RTMSCaptureID is the ID of the workflow that captures one RTMS stream.
// Duplicate and failover rtms_started webhooks land on the same ID.
func RTMSCaptureID(tenantID, meeting, stream string) string {
	return fmt.Sprintf("rtms/%s/%s/%s", tenantID, meeting, stream)
}

// RTMSTaskQueue is the task queue of the long-running CaptureRTMS
// activities, so a worker bounds concurrent streams apart from other work.
func RTMSTaskQueue(taskQueue string) string { return taskQueue + "-rtms" }

// SignalRTMSEvent carries an rtms_started, rtms_interrupted or rtms_stopped
// webhook to the stream's RTMSCapture (signal-with-start for started).
const SignalRTMSEvent = "rtms_event"

// RTMS webhook kinds as RTMSEventSignal.Kind.
const (
	RTMSEventStarted     = "started"
	RTMSEventInterrupted = "interrupted"
	RTMSEventStopped     = "stopped"
)

// RTMSEventSignal is the payload of SignalRTMSEvent.
type RTMSEventSignal struct {
	Kind       string    `json:"kind"`
	ServerURLs string    `json:"server_urls,omitempty"`
	StopReason int       `json:"stop_reason,omitempty"`
	Operator   string    `json:"operator,omitempty"`
	At         time.Time `json:"at,omitzero"`
}

// RTMSCaptureInput starts a capture.
type RTMSCaptureInput struct {
	Stream activities.RTMSStream `json:"stream"`
	// Media is the media_type bitmask (0: the worker's default).
	Media int `json:"media,omitempty"`
	// ReconnectInitial, ReconnectMax and ReconnectAttempts bound the
	// reconnects after a lost connection (default Zoom's 3 s doubling to
	// 30 s, 5 attempts, about 90 s: longer than Zoom's 60 s window).
	ReconnectInitial  time.Duration `json:"reconnect_initial,omitempty"`
	ReconnectMax      time.Duration `json:"reconnect_max,omitempty"`
	ReconnectAttempts int           `json:"reconnect_attempts,omitempty"`
	// StopWait is how long an ended stream waits for its rtms_stopped
	// webhook (the stop reason and operator) before finishing (default 60 s).
	StopWait time.Duration `json:"stop_wait,omitempty"`
}

// QueryRTMS answers the capture's RTMSCaptureView.
const QueryRTMS = "rtms"

// RTMS capture statuses (also MeetvaultStatus).
const (
	StatusCapturing = "capturing"
	StatusCaptured  = "captured"
	StatusRevoked   = "revoked"
	StatusRefused   = "refused"
	StatusLost      = "lost"
)

// RTMSCaptureResult is the capture's outcome (and its query view).
type RTMSCaptureResult struct {
	Status        string                        `json:"status"`
	StopReason    int                           `json:"stop_reason"`
	Message       string                        `json:"message,omitempty"`
	Connections   int                           `json:"connections"`
	Failovers     int                           `json:"failovers"`
	Gaps          []activities.RTMSGap          `json:"gaps"`
	Interruptions []activities.RTMSInterruption `json:"interruptions"`
	Segments      int                           `json:"segments"`
	AudioSHA256   string                        `json:"audio_media_sha256,omitempty"`
	AudioBytes    int64                         `json:"audio_bytes"`
	Transcripts   int                           `json:"transcripts"`
	Manifest      string                        `json:"manifest,omitempty"`
	Revoked       *activities.RevokeRTMSResult  `json:"revoked,omitempty"`
}
