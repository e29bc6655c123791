package rtms

import (
	"encoding/base64"
	"fmt"
)

// Audio is one audio packet: raw bytes as negotiated (L16 PCM by default).
// UserID 0 is the mixed stream.
type Audio struct {
	UserID    int64
	UserName  string
	Data      []byte
	Timestamp int64 // Unix milliseconds (normalised)
}

// Frame is one video or screen-share frame (JPG, PNG or H.264 as negotiated).
type Frame struct {
	Kind      MediaType // MediaVideo or MediaDeskshare
	UserID    int64
	UserName  string
	Data      []byte
	Timestamp int64 // Unix milliseconds
}

// Transcript is one speaker turn.
type Transcript struct {
	UserID    int64  `json:"user_id"`
	UserName  string `json:"user_name"`
	StartTime int64  `json:"start_time"` // Unix milliseconds
	EndTime   int64  `json:"end_time"`
	Timestamp int64  `json:"timestamp"`
	Language  string `json:"language,omitempty"`
	Text      string `json:"text"`
	Attribute int    `json:"attribute,omitempty"` // 0 none, 1 new, 2 update, 3 delete
}

// State is a stream or session state change, or a note about the media
// connection that the Session itself made (media lost, reconnected).
type State struct {
	Kind      string     `json:"kind"` // "stream", "session", "media_lost", "media_reconnected"
	State     int        `json:"state"`
	Reason    StopReason `json:"reason"`
	Timestamp int64      `json:"timestamp"` // Unix milliseconds
}

// Handler receives a Session's data. Calls come from one goroutine per
// socket; a Handler serialises what it shares. An error ends the Session.
type Handler interface {
	OnAudio(Audio) error
	OnFrame(Frame) error
	OnTranscript(Transcript) error
	OnEvent(Event) error
	OnState(State) error
}

// NormalizeMillis turns a timestamp Zoom sent in seconds, milliseconds or
// microseconds into milliseconds, judged by magnitude.
func NormalizeMillis(ts int64) int64 {
	switch {
	case ts > 1e14: // microseconds (ms would be past the year 5000)
		return ts / 1000
	case ts > 0 && ts < 1e11: // seconds (ms would be before 1973)
		return ts * 1000
	}
	return ts
}

// decodeMedia turns a media message into its handler call.
func decodeMedia(h Handler, m *mediaMsg) error {
	if c := m.Content; c != nil { // some samples wrap the fields in "content"
		m.UserID, m.UserName, m.Data, m.Timestamp = c.UserID, c.UserName, c.Data, c.Timestamp
		m.StartTime, m.EndTime, m.Language, m.Attribute = c.StartTime, c.EndTime, c.Language, c.Attribute
	}
	data, err := base64.StdEncoding.DecodeString(m.Data)
	if err != nil {
		return fmt.Errorf("rtms: msg_type %d: data is not base64: %w", m.MsgType, err)
	}
	if m.Length != 0 && m.Length != len(data) {
		return fmt.Errorf("rtms: msg_type %d: length %d but %d bytes decoded", m.MsgType, m.Length, len(data))
	}
	ts := NormalizeMillis(m.Timestamp)
	switch m.MsgType {
	case MsgMediaAudio:
		return h.OnAudio(Audio{UserID: m.UserID, UserName: m.UserName, Data: data, Timestamp: ts})
	case MsgMediaVideo:
		return h.OnFrame(Frame{Kind: MediaVideo, UserID: m.UserID, UserName: m.UserName, Data: data, Timestamp: ts})
	case MsgMediaShare:
		return h.OnFrame(Frame{Kind: MediaDeskshare, UserID: m.UserID, UserName: m.UserName, Data: data, Timestamp: ts})
	case MsgMediaTranscript:
		return h.OnTranscript(Transcript{
			UserID: m.UserID, UserName: m.UserName, Text: string(data), Timestamp: ts,
			StartTime: NormalizeMillis(m.StartTime), EndTime: NormalizeMillis(m.EndTime),
			Language: fmt.Sprint(orEmpty(m.Language)), Attribute: m.Attribute,
		})
	}
	return nil // chat and unknown media: receive-only client ignores them
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}
