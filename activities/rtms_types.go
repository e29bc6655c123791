package activities

import "time"

// SourceRTMS names RTMS captures in object keys ({tenant}/rtms/...) and the
// simulator's truth. Their rows join the meeting's own conversation (source
// meeting, webinar or videosdk), so a meeting has one conversation whether it
// was captured by RTMS, a bot or Zoom's cloud recording.
const SourceRTMS = "rtms"

// RTMSStream names one RTMS streaming episode.
type RTMSStream struct {
	TenantID    string `json:"tenant_id"`
	MeetingUUID string `json:"meeting_uuid,omitempty"`
	SessionID   string `json:"session_id,omitempty"` // Video SDK sessions instead of MeetingUUID
	StreamID    string `json:"rtms_stream_id"`
	// Source is the conversation's source: meeting, webinar or videosdk.
	Source string `json:"source"`
}

// ConversationUUID is the id the capture's rows are filed under.
func (s RTMSStream) ConversationUUID() string {
	if s.SessionID != "" {
		return s.SessionID
	}
	return s.MeetingUUID
}

// RTMSSegment is one archived object of a capture.
type RTMSSegment struct {
	Kind        string `json:"kind"` // audio, transcript, events, video, video_index, manifest
	Seq         int    `json:"seq"`
	Key         string `json:"key"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	MediaSHA256 string `json:"media_sha256"`
	VersionID   string `json:"version_id,omitempty"`
	Checksum    string `json:"checksum_sha256,omitempty"`
	// StartMS and EndMS bound the media it holds (Unix ms); Items counts
	// frames, turns or events.
	StartMS int64 `json:"start_ms,omitempty"`
	EndMS   int64 `json:"end_ms,omitempty"`
	Items   int   `json:"items"`
}

// RTMSGap is an interval of the audio timeline without packets, filled with
// silence in the WAV: "no_audio" (everyone muted: the connection was up) or
// "disconnected" (no connection, a reconnect or a worker restart).
type RTMSGap struct {
	StartMS int64  `json:"start_ms"`
	EndMS   int64  `json:"end_ms"`
	Reason  string `json:"reason"`
}

// RTMSInterruption is a span the capture was not connected.
type RTMSInterruption struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end,omitzero"`
	Cause string    `json:"cause"` // media_lost, connection_lost, failover, worker_restart
}

// RTMSCaptureState is a capture's durable progress: what is in S3 and where
// the timeline stands. It travels in heartbeats (a retried activity resumes
// from it) and between activities through the workflow.
type RTMSCaptureState struct {
	Segments      []RTMSSegment      `json:"segments"`
	Seq           map[string]int     `json:"seq"` // next segment number per kind
	Gaps          []RTMSGap          `json:"gaps"`
	Interruptions []RTMSInterruption `json:"interruptions"`
	// AudioHash is the marshalled SHA-256 state over every PCM byte received
	// (fill excluded), in timeline order; AudioBytes counts them.
	AudioHash   []byte `json:"audio_hash,omitempty"`
	AudioBytes  int64  `json:"audio_bytes"`
	FillBytes   int64  `json:"fill_bytes"`
	AudioFirst  int64  `json:"audio_first_ms,omitempty"`
	AudioNextMS int64  `json:"audio_next_ms,omitempty"` // timestamp the next packet should carry
	Duplicates  int    `json:"duplicates,omitempty"`
	Transcripts int    `json:"transcripts"`
	Frames      int    `json:"frames"`
	Events      int    `json:"events"`
	// Reconnected marks that the next audio gap spans a disconnection.
	Reconnected  bool      `json:"reconnected,omitempty"`
	CheckpointAt time.Time `json:"checkpoint_at,omitzero"`
}

// CaptureRTMSInput asks to connect to a stream and capture it.
type CaptureRTMSInput struct {
	Stream       RTMSStream       `json:"stream"`
	SignalingURL string           `json:"signaling_url"`
	Media        int              `json:"media,omitempty"` // rtms media_type bitmask; 0: the worker's default
	State        RTMSCaptureState `json:"state"`
	// Cause names why this connection is made (first, reconnect, failover):
	// the interruption it ends is recorded with it.
	Cause string `json:"cause,omitempty"`
}

// Outcomes of CaptureRTMS.
const (
	RTMSEnded   = "ended"   // the server ended the stream (StopReason)
	RTMSLost    = "lost"    // the connection was lost: reconnect
	RTMSRefused = "refused" // a handshake was refused for good (signature, stream id)
)

// CaptureRTMSResult is how a connection episode ended, with the state.
type CaptureRTMSResult struct {
	Outcome    string           `json:"outcome"`
	StopReason int              `json:"stop_reason,omitempty"`
	Message    string           `json:"message,omitempty"`
	State      RTMSCaptureState `json:"state"`
}

// FinishRTMSInput asks to finalise a capture: manifest and rows.
type FinishRTMSInput struct {
	Stream     RTMSStream       `json:"stream"`
	State      RTMSCaptureState `json:"state"`
	StopReason int              `json:"stop_reason"`
	StartedAt  time.Time        `json:"started_at"`
	StoppedAt  time.Time        `json:"stopped_at"`
	Outcome    string           `json:"outcome"`
	Message    string           `json:"message,omitempty"`
}

// FinishRTMSResult names the manifest.
type FinishRTMSResult struct {
	Manifest    RTMSSegment `json:"manifest"`
	FilesWrote  int         `json:"files_written"`
	AudioSHA256 string      `json:"audio_media_sha256"`
}

// RevokeRTMSInput asks to delete a revoked capture's assets.
type RevokeRTMSInput struct {
	Stream    RTMSStream       `json:"stream"`
	State     RTMSCaptureState `json:"state"`
	RevokedAt time.Time        `json:"revoked_at"`
	RevokedBy string           `json:"revoked_by"`
}

// RevokeRTMSResult counts what was deleted.
type RevokeRTMSResult struct {
	ObjectsDeleted  int `json:"objects_deleted"`
	ObjectsRetained int `json:"objects_retained"`
	RowsDeleted     int `json:"rows_deleted"`
}
