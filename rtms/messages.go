package rtms

import "encoding/json"

// MsgType is the integer msg_type of every RTMS JSON message.
type MsgType int

// Message types (Zoom's rtms.h enum).
const (
	MsgSignalingHandshakeReq  MsgType = 1
	MsgSignalingHandshakeResp MsgType = 2
	MsgDataHandshakeReq       MsgType = 3
	MsgDataHandshakeResp      MsgType = 4
	MsgEventSubscription      MsgType = 5
	MsgEventUpdate            MsgType = 6
	MsgClientReadyAck         MsgType = 7
	MsgStreamStateUpdate      MsgType = 8
	MsgSessionStateUpdate     MsgType = 9
	MsgSessionStateReq        MsgType = 10
	MsgSessionStateResp       MsgType = 11
	MsgKeepAliveReq           MsgType = 12
	MsgKeepAliveResp          MsgType = 13
	MsgMediaAudio             MsgType = 14
	MsgMediaVideo             MsgType = 15
	MsgMediaShare             MsgType = 16
	MsgMediaTranscript        MsgType = 17
	MsgMediaChat              MsgType = 18
	MsgStreamStateReq         MsgType = 19
	MsgStreamStateResp        MsgType = 20
	MsgStreamCloseReq         MsgType = 21
	MsgStreamCloseResp        MsgType = 22
)

// MediaType is the media_type bitmask of the media handshake.
type MediaType int

// Media kinds.
const (
	MediaAudio      MediaType = 1
	MediaVideo      MediaType = 2
	MediaDeskshare  MediaType = 4
	MediaTranscript MediaType = 8
	MediaChat       MediaType = 16
	MediaAll        MediaType = 32
)

// Has reports whether m asks for k.
func (m MediaType) Has(k MediaType) bool { return m&k != 0 }

// Event types of EVENT_UPDATE.
const (
	EventFirstPacketTimestamp  = 1
	EventActiveSpeakerChange   = 2
	EventParticipantJoin       = 3
	EventParticipantLeave      = 4
	EventSharingStart          = 5
	EventSharingStop           = 6
	EventMediaConnectionBroken = 7
	EventParticipantVideoOn    = 8
	EventParticipantVideoOff   = 9
)

// Stream states (STREAM_STATE_UPDATE).
const (
	StreamInactive    = 0
	StreamActive      = 1
	StreamInterrupted = 2
	StreamTerminating = 3
	StreamTerminated  = 4
	StreamPaused      = 5
	StreamResumed     = 6
)

// Session states (SESSION_STATE_UPDATE).
const (
	SessionInactive   = 0
	SessionInitialize = 1
	SessionStarted    = 2
	SessionPaused     = 3
	SessionResumed    = 4
	SessionStopped    = 5
)

// Status is the status_code of a handshake answer.
type Status int

// Status codes that callers act on (the full table is in statusNames).
const (
	StatusOK                  Status = 0
	StatusInvalidRTMSStreamID Status = 2
	StatusInvalidSignature    Status = 3
	StatusDuplicateSignal     Status = 8
	StatusDuplicateMediaConn  Status = 16
	StatusInternalException   Status = 45
)

var statusNames = map[Status]string{
	0: "OK", 1: "INVALID_MESSAGE_TYPE", 2: "INVALID_RTMS_STREAM_ID", 3: "INVALID_SIGNATURE",
	4: "INVALID_PAYLOAD", 5: "INVALID_EVENTS", 6: "INVALID_EVENT_TYPE", 7: "INVALID_MEDIA_TYPE",
	8: "DUPLICATE_SIGNAL_REQUEST", 9: "AUDIO_NOT_SUPPORT", 10: "VIDEO_NOT_SUPPORT",
	11: "DESKSHARE_NOT_SUPPORT", 12: "TRANSCRIPT_NOT_SUPPORT", 13: "CHAT_NOT_SUPPORT",
	14: "MEDIA_TYPE_INVALID_VALUE", 15: "MEDIA_DATA_ALL_CONNECTION_EXIST",
	16: "DUPLICATE_MEDIA_DATA_CONNECTION", 40: "INVALID_RTMS_SESSION_ID",
	41: "INVALID_CLIENT_READY_ACK", 42: "INVALID_EVENT_SUBSCRIBE",
	43: "INVALID_TRANSCRIPT_SOURCE_LANGUAGE", 44: "DUPLICATE_VIDEO_SUBSCRIPTION", 45: "INTERNAL_EXCEPTION",
}

// String names the status code.
func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	if s >= 17 && s <= 39 {
		return "PARAMETER_VALIDATION_ERROR"
	}
	return "UNKNOWN_STATUS"
}

// StopReason is the stop_reason of rtms_stopped and of the session state.
type StopReason int

// Stop reasons callers act on.
const (
	StopUndefined     StopReason = 0
	StopMeetingEnded  StopReason = 6
	StopStreamRevoked StopReason = 8
)

var stopNames = []string{
	"UNDEFINED", "HOST_TRIGGERED", "USER_TRIGGERED", "USER_LEFT", "USER_EJECTED",
	"HOST_DISABLED_APP", "MEETING_ENDED", "STREAM_CANCELED", "STREAM_REVOKED",
	"ALL_APPS_DISABLED", "INTERNAL_EXCEPTION", "CONNECTION_TIMEOUT",
	"INSTANCE_CONNECTION_INTERRUPTED", "SIGNAL_CONNECTION_INTERRUPTED",
	"DATA_CONNECTION_INTERRUPTED", "SIGNAL_CLOSED_ABNORMALLY", "DATA_CLOSED_ABNORMALLY",
	"EXIT_SIGNAL", "AUTHENTICATION_FAILURE", "AWAIT_RECONNECTION_TIMEOUT",
	"RECEIVER_REQUEST_CLOSE", "CUSTOMER_DISCONNECTED", "AGENT_DISCONNECTED",
	"ADMIN_DISABLED_APP", "KEEP_ALIVE_TIMEOUT", "MANUAL_API_TRIGGERED", "STREAMING_NOT_SUPPORTED",
}

// String names the stop reason.
func (r StopReason) String() string {
	if r >= 0 && int(r) < len(stopNames) {
		return stopNames[r]
	}
	return "UNKNOWN_STOP_REASON"
}

// Restartable reports whether Zoom's guidance after this stop is a full
// restart (transport failures 10-19 and KEEP_ALIVE_TIMEOUT) rather than the end
// of the stream.
func (r StopReason) Restartable() bool { return (r >= 10 && r <= 19) || r == 24 }

// envelope is the part of every message read before its type is known.
type envelope struct {
	MsgType MsgType `json:"msg_type"`
}

type signalingHandshakeReq struct {
	MsgType         MsgType `json:"msg_type"`
	ProtocolVersion int     `json:"protocol_version"`
	Sequence        int64   `json:"sequence"`
	MeetingUUID     string  `json:"meeting_uuid,omitempty"`
	SessionID       string  `json:"session_id,omitempty"`
	RTMSStreamID    string  `json:"rtms_stream_id"`
	Signature       string  `json:"signature"`
	BufferData      *bool   `json:"buffer_data,omitempty"`
}

// MediaURLs are the media servers the signalling handshake names; only the
// kinds the app's scopes allow are present.
type MediaURLs struct {
	Audio      string `json:"audio,omitempty"`
	Video      string `json:"video,omitempty"`
	Transcript string `json:"transcript,omitempty"`
	All        string `json:"all,omitempty"`
}

type signalingHandshakeResp struct {
	MsgType     MsgType `json:"msg_type"`
	StatusCode  Status  `json:"status_code"`
	Reason      string  `json:"reason,omitempty"`
	MediaServer struct {
		ServerURLs MediaURLs `json:"server_urls"`
	} `json:"media_server"`
}

// AudioParams are the audio media_params (enum values as Zoom numbers them).
type AudioParams struct {
	ContentType int `json:"content_type"`
	SampleRate  int `json:"sample_rate"`
	Channel     int `json:"channel"`
	Codec       int `json:"codec"`
	DataOpt     int `json:"data_opt"`
	SendRate    int `json:"send_rate"`
}

// DefaultAudioParams is the WebSocket protocol's default: raw L16 PCM, 16 kHz,
// mono, mixed, 20 ms frames.
var DefaultAudioParams = AudioParams{ContentType: 2, SampleRate: 1, Channel: 1, Codec: 1, DataOpt: 1, SendRate: 20}

// VideoParams are the video media_params.
type VideoParams struct {
	ContentType int `json:"content_type"`
	Codec       int `json:"codec"`
	Resolution  int `json:"resolution"`
	DataOpt     int `json:"data_opt"`
	FPS         int `json:"fps"`
}

// TranscriptParams are the transcript media_params.
type TranscriptParams struct {
	ContentType int  `json:"content_type"`
	SrcLanguage int  `json:"src_language,omitempty"`
	EnableLID   bool `json:"enable_lid,omitempty"`
}

// MediaParams is the optional media_params of the media handshake.
type MediaParams struct {
	Audio      *AudioParams      `json:"audio,omitempty"`
	Video      *VideoParams      `json:"video,omitempty"`
	Transcript *TranscriptParams `json:"transcript,omitempty"`
}

type dataHandshakeReq struct {
	MsgType           MsgType      `json:"msg_type"`
	ProtocolVersion   int          `json:"protocol_version"`
	Sequence          int64        `json:"sequence"`
	MeetingUUID       string       `json:"meeting_uuid,omitempty"`
	SessionID         string       `json:"session_id,omitempty"`
	RTMSStreamID      string       `json:"rtms_stream_id"`
	Signature         string       `json:"signature"`
	MediaType         MediaType    `json:"media_type"`
	PayloadEncryption bool         `json:"payload_encryption"`
	MediaParams       *MediaParams `json:"media_params,omitempty"`
}

type dataHandshakeResp struct {
	MsgType     MsgType          `json:"msg_type"`
	StatusCode  Status           `json:"status_code"`
	Reason      string           `json:"reason,omitempty"`
	MediaParams *json.RawMessage `json:"media_params,omitempty"`
}

type clientReadyAck struct {
	MsgType      MsgType `json:"msg_type"`
	RTMSStreamID string  `json:"rtms_stream_id"`
}

type subscription struct {
	EventType int  `json:"event_type"`
	Subscribe bool `json:"subscribe"`
}

type eventSubscription struct {
	MsgType MsgType        `json:"msg_type"`
	Events  []subscription `json:"events"`
}

type keepAlive struct {
	MsgType   MsgType `json:"msg_type"`
	Timestamp int64   `json:"timestamp"`
}

type stateUpdate struct {
	MsgType       MsgType     `json:"msg_type"`
	State         int         `json:"state"`
	Reason        *StopReason `json:"reason,omitempty"`
	StopReason    *StopReason `json:"stop_reason,omitempty"`
	Timestamp     int64       `json:"timestamp"`
	RTMSSessionID string      `json:"rtms_session_id,omitempty"`
}

// reason is the stop reason under either spelling.
func (u stateUpdate) reason() StopReason {
	switch {
	case u.StopReason != nil:
		return *u.StopReason
	case u.Reason != nil:
		return *u.Reason
	}
	return StopUndefined
}

type mediaMsg struct {
	MsgType MsgType `json:"msg_type"`
	Content *struct {
		UserID    int64  `json:"user_id"`
		UserName  string `json:"user_name"`
		Data      string `json:"data"`
		Timestamp int64  `json:"timestamp"`
		StartTime int64  `json:"start_time"`
		EndTime   int64  `json:"end_time"`
		Language  any    `json:"language"`
		Attribute int    `json:"attribute"`
	} `json:"content,omitempty"`
	UserID    int64  `json:"user_id"`
	UserName  string `json:"user_name"`
	Data      string `json:"data"`
	Length    int    `json:"length"`
	Timestamp int64  `json:"timestamp"`
	StartTime int64  `json:"start_time"`
	EndTime   int64  `json:"end_time"`
	Language  any    `json:"language"`
	Attribute int    `json:"attribute"`
}

type eventUpdate struct {
	MsgType MsgType `json:"msg_type"`
	Event   Event   `json:"event"`
}

// Participant is one entry of an event's participants list.
type Participant struct {
	UserID   int64  `json:"user_id"`
	UserName string `json:"user_name,omitempty"`
}

// Event is one EVENT_UPDATE (participants, active speaker, sharing, ...).
type Event struct {
	EventType    int           `json:"event_type"`
	Timestamp    int64         `json:"timestamp"`
	UserID       int64         `json:"user_id,omitempty"`
	UserName     string        `json:"user_name,omitempty"`
	Participants []Participant `json:"participants,omitempty"`
}
