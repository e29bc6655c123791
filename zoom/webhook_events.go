package zoom

import (
	"encoding/json"
	"fmt"
	"time"
)

// Webhook event names meetvault handles.
const (
	EventURLValidation      = "endpoint.url_validation"
	EventRecordingCompleted = "recording.completed"
	// EventTranscriptCompleted announces a meeting's transcript, which Zoom
	// finishes after the other files: its own download_token and
	// recording_files holding the TRANSCRIPT file. A receiver that handles
	// only recording.completed never gets transcripts by webhook.
	EventTranscriptCompleted = "recording.transcript_completed"
)

// SubscribedEvents are the events a Zoom app's event subscription must
// include for meetvault: the ones it archives from, and the ones it notes.
var SubscribedEvents = []string{
	EventRecordingCompleted,
	EventTranscriptCompleted,
	"recording.trashed",
	"recording.deleted",
	"recording.recovered",
	"meeting.ended",
}

// IsRecordingEvent reports whether event announces downloadable recording
// files (recording.completed or recording.transcript_completed): both carry
// the same payload shape and are archived the same way.
func IsRecordingEvent(event string) bool {
	return event == EventRecordingCompleted || event == EventTranscriptCompleted
}

// WebhookEvent is the envelope every Zoom webhook shares. Decode Payload
// (or the whole body) into the event-specific type once Event is known.
type WebhookEvent struct {
	Event string `json:"event"`
	// EventTS is the event time in Unix milliseconds.
	EventTS int64           `json:"event_ts"`
	Payload json.RawMessage `json:"payload"`
}

// Time returns EventTS as a time.
func (e *WebhookEvent) Time() time.Time { return time.UnixMilli(e.EventTS).UTC() }

// ParseWebhookEvent decodes the envelope of a (verified) webhook body.
func ParseWebhookEvent(body []byte) (*WebhookEvent, error) {
	var e WebhookEvent
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, fmt.Errorf("zoom webhook: body is not a JSON event: %w", err)
	}
	if e.Event == "" {
		return nil, fmt.Errorf("zoom webhook: body has no \"event\" field")
	}
	return &e, nil
}

// URLValidationEvent is endpoint.url_validation. It carries no account_id:
// answer with the secret token of the app the endpoint belongs to.
type URLValidationEvent struct {
	Event   string `json:"event"`
	EventTS int64  `json:"event_ts"`
	Payload struct {
		PlainToken string `json:"plainToken"`
	} `json:"payload"`
}

// URLValidationAnswer is the JSON body answering endpoint.url_validation.
type URLValidationAnswer struct {
	PlainToken     string `json:"plainToken"`
	EncryptedToken string `json:"encryptedToken"`
}

// NewURLValidationAnswer computes the answer for plainToken.
func NewURLValidationAnswer(secretToken, plainToken string) URLValidationAnswer {
	return URLValidationAnswer{PlainToken: plainToken, EncryptedToken: URLValidationResponse(secretToken, plainToken)}
}

// RecordingCompletedEvent is recording.completed or
// recording.transcript_completed (same shape). Zoom may send either more
// than once per meeting (one per finished rendition), late, or out of order.
type RecordingCompletedEvent struct {
	Event   string `json:"event"`
	EventTS int64  `json:"event_ts"`
	// DownloadToken authorises the download URLs for 24 hours; later, get a
	// download_access_token with RecordingsService.GetMeeting.
	DownloadToken string                    `json:"download_token"`
	Payload       RecordingCompletedPayload `json:"payload"`
}

// RecordingCompletedPayload is the payload of recording.completed.
type RecordingCompletedPayload struct {
	AccountID string  `json:"account_id"`
	Object    Meeting `json:"object"`
}

// Time returns EventTS as a time.
func (e *RecordingCompletedEvent) Time() time.Time { return time.UnixMilli(e.EventTS).UTC() }

// ParseRecordingCompleted decodes a recording.completed or
// recording.transcript_completed body.
func ParseRecordingCompleted(body []byte) (*RecordingCompletedEvent, error) {
	var e RecordingCompletedEvent
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, fmt.Errorf("zoom webhook: decode recording event: %w", err)
	}
	if !IsRecordingEvent(e.Event) {
		return nil, fmt.Errorf("zoom webhook: event is %q, not %s or %s", e.Event, EventRecordingCompleted, EventTranscriptCompleted)
	}
	return &e, nil
}
