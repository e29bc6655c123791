package zoomsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"
)

// Webhook events the simulator sends (the payload shapes follow @zoom/rivet's
// typings of Zoom's webhook events).
const (
	WebhookRecordingCompleted = "recording.completed"
	// WebhookTranscriptCompleted announces a meeting's transcript, which
	// finishes after the other files (scenario zoom.late_transcripts).
	WebhookTranscriptCompleted = "recording.transcript_completed"
	WebhookRecordingTrashed    = "recording.trashed"
	WebhookRecordingDeleted    = "recording.deleted"
	WebhookRecordingRecovered  = "recording.recovered"
	WebhookMeetingEnded        = "meeting.ended"
	webhookURLValidation       = "endpoint.url_validation"
)

// webhookEventNames lists the events a subscription may ask for; it is also
// the default subscription.
var webhookEventNames = []string{WebhookRecordingCompleted, WebhookTranscriptCompleted, WebhookRecordingTrashed,
	WebhookRecordingDeleted, WebhookRecordingRecovered, WebhookMeetingEnded}

// webhookDownloadTokenTTL is how long a recording.completed download_token lets
// its holder download the meeting's files (simulator clock).
const webhookDownloadTokenTTL = 24 * time.Hour

// webhookEnvelope is the body of every event notification.
type webhookEnvelope struct {
	Event         string `json:"event"`
	EventTS       int64  `json:"event_ts"` // milliseconds
	DownloadToken string `json:"download_token,omitempty"`
	Payload       any    `json:"payload"`
}

// recordingPayload is the payload of the recording.* events.
type recordingPayload struct {
	AccountID  string          `json:"account_id"`
	Operator   string          `json:"operator,omitempty"`    // trashed and deleted only
	OperatorID string          `json:"operator_id,omitempty"` // trashed and deleted only
	Object     recordingObject `json:"object"`
}

// recordingObject is the meeting as GET /meetings/{id}/recordings renders it,
// plus the fields only recording.completed carries.
type recordingObject struct {
	meetingJSON
	HostEmail string `json:"host_email,omitempty"`
	Password  string `json:"password,omitempty"`
}

// meetingEndedPayload is the payload of meeting.ended; Zoom sends the meeting
// id as a string in meeting events.
type meetingEndedPayload struct {
	AccountID string             `json:"account_id"`
	Object    meetingEndedObject `json:"object"`
}

type meetingEndedObject struct {
	ID        string `json:"id"`
	UUID      string `json:"uuid"`
	HostID    string `json:"host_id"`
	Topic     string `json:"topic"`
	Type      int    `json:"type"`
	StartTime string `json:"start_time"`
	Timezone  string `json:"timezone,omitempty"`
	Duration  int    `json:"duration"`
	EndTime   string `json:"end_time"`
}

// validationEnvelope is the body of the endpoint.url_validation request.
type validationEnvelope struct {
	Event   string `json:"event"`
	Payload struct {
		PlainToken string `json:"plainToken"`
	} `json:"payload"`
	EventTS int64 `json:"event_ts"`
}

// builtEvent is one event ready to be queued: the exact bytes every attempt
// (and every duplicate) sends.
type builtEvent struct {
	id          string
	name        string
	accountID   string
	meetingUUID string
	body        []byte
}

// buildEvent renders event name for meeting m as of now. recording.completed
// carries the files that are completed at that moment and a download_token for
// the meeting; shuffle reorders recording_files (the out-of-order fault).
func (s *Server) buildEvent(name string, m *meeting, base string, now time.Time, shuffle bool) (builtEvent, error) {
	a := m.acct
	env := webhookEnvelope{Event: name, EventTS: now.UnixMilli()}
	switch name {
	case WebhookRecordingCompleted, WebhookTranscriptCompleted:
		transcript := name == WebhookTranscriptCompleted
		keep := func(f *recFile) bool {
			if f.status(now) != statusCompleted {
				return false
			}
			if transcript {
				return !f.Participant && f.FileType == "TRANSCRIPT"
			}
			return !f.lateTranscript()
		}
		obj := recordingObject{meetingJSON: s.renderWebhookMeeting(m, base, now, keep), HostEmail: m.Host.Email, Password: meetingPassword(m)}
		obj.RecordingPlayPasscode = prefix(m.ShareOpaque, 32)
		if !m.SeriesStart.IsZero() {
			obj.StartTime = zoomTime(m.SeriesStart)
		}
		if shuffle {
			rand.Shuffle(len(obj.RecordingFiles), func(i, j int) {
				obj.RecordingFiles[i], obj.RecordingFiles[j] = obj.RecordingFiles[j], obj.RecordingFiles[i]
			})
		}
		env.DownloadToken = s.tokens.issue(grant{
			kind: tokenWebhook, accountID: a.ID, meetingUUID: m.UUID, expires: now.Add(webhookDownloadTokenTTL),
		}, now)
		env.Payload = recordingPayload{AccountID: a.ID, Object: obj}
	case WebhookRecordingTrashed, WebhookRecordingDeleted, WebhookRecordingRecovered:
		return s.buildTrashEvent(name, m, base, now, m.allFiles(), a.users[0]), nil
	case WebhookMeetingEnded:
		env.Payload = meetingEndedPayload{AccountID: a.ID, Object: meetingEndedObject{
			ID: fmt.Sprint(m.ID), UUID: m.UUID, HostID: m.Host.ID, Topic: m.Topic, Type: m.Type,
			StartTime: zoomTime(m.StartTime), Timezone: m.Timezone, Duration: m.Duration,
			EndTime: zoomTime(m.StartTime.Add(time.Duration(m.Duration) * time.Minute)),
		}}
	default:
		return builtEvent{}, fmt.Errorf("unsupported event %q (supported: %v)", name, webhookEventNames)
	}
	return builtEvent{id: "evt_" + randomToken(12), name: name, accountID: a.ID, meetingUUID: m.UUID, body: encodeWebhookBody(env)}, nil
}

// buildTrashEvent renders recording.trashed or recording.deleted for the
// given files of m, done by operator.
func (s *Server) buildTrashEvent(name string, m *meeting, base string, now time.Time, files []*recFile, operator *user) builtEvent {
	in := map[*recFile]bool{}
	for _, f := range files {
		in[f] = true
	}
	obj := recordingObject{meetingJSON: s.renderWebhookMeeting(m, base, now, func(f *recFile) bool { return in[f] })}
	env := webhookEnvelope{Event: name, EventTS: now.UnixMilli(), Payload: recordingPayload{
		AccountID: m.acct.ID, Operator: operator.Email, OperatorID: operator.ID, Object: obj,
	}}
	return builtEvent{id: "evt_" + randomToken(12), name: name, accountID: m.acct.ID, meetingUUID: m.UUID, body: encodeWebhookBody(env)}
}

// renderWebhookMeeting renders m the way webhooks carry it: download URLs
// of the /rec/webhook_download/{a}/{b} form, and only the files keep selects
// (nil: all). A recording.completed announces finished renditions.
func (s *Server) renderWebhookMeeting(m *meeting, base string, now time.Time, keep func(*recFile) bool) meetingJSON {
	return renderMeeting(m, renderOpts{base: base, now: now, legacy: s.faults.legacyShapes(), webhook: true, keep: keep})
}

// meetingPassword is a stable six-digit passcode for the meeting.
func meetingPassword(m *meeting) string {
	h := fnv.New32a()
	h.Write([]byte(m.UUID))
	return fmt.Sprintf("%06d", h.Sum32()%1000000)
}

// encodeWebhookBody writes compact JSON without HTML escaping, so the bytes
// equal what JSON.stringify produces from the parsed body (receivers such as
// @zoom/rivet verify the signature over the re-serialised payload).
func encodeWebhookBody(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("zoomsim: encode webhook: " + err.Error()) // only plain structs are encoded
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
