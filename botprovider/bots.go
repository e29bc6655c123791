package botprovider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Recall's defaults for AutomaticLeave, in seconds, applied by the provider
// when a field is left at 0.
const (
	DefaultWaitingRoomTimeout               = 1200
	DefaultNooneJoinedTimeout               = 1200
	DefaultInCallNotRecordingTimeout        = 3600
	DefaultRecordingPermissionDeniedTimeout = 30
)

// Chat recipients for SendChatMessage; a participant id is also accepted by
// providers that support direct messages.
const (
	ChatToEveryone           = "everyone"
	ChatToHost               = "host"
	ChatToEveryoneExceptHost = "everyone_except_host"
)

// ScheduleAhead is how far ahead a join_at must lie for the provider to
// reserve a bot: a bot scheduled at least this far ahead is never refused
// with 507 (Recall: more than 10 minutes).
const ScheduleAhead = 10 * time.Minute

// CreateBotRequest is the body of POST /api/v1/bot/.
type CreateBotRequest struct {
	// MeetingURL is the Zoom invite link (required).
	MeetingURL string
	// BotName is the display name in the meeting.
	BotName string
	// JoinAt schedules the bot; zero sends an ad-hoc bot at once (which can
	// fail with *PoolExhaustedError). Scheduling 10+ minutes ahead reserves
	// a bot. Sent in UTC.
	JoinAt time.Time
	// RecordingConfig is passed through verbatim; build it with
	// RecordingOptions.JSON or write the JSON object yourself.
	RecordingConfig json.RawMessage
	// AutomaticLeave overrides the provider's leave timeouts.
	AutomaticLeave *AutomaticLeave
	// Zoom carries Zoom-specific join credentials.
	Zoom *ZoomConfig
	// Metadata is echoed back on the bot and in its webhooks; put routing
	// keys (tenant, meeting) here, never secrets.
	Metadata map[string]string
	// IdempotencyKey, when set, is sent as Idempotency-Key: a retried
	// creation with the same key returns the bot the first one made instead
	// of sending a second bot (e.g. after a timeout that hid the answer).
	IdempotencyKey string
}

// AutomaticLeave holds the provider's leave timeouts in seconds; 0 leaves a
// field out so the provider default applies (see the Default*Timeout
// constants: 1200, 1200, 3600 and 30 s in Recall's API).
type AutomaticLeave struct {
	// WaitingRoomTimeout: leave if not admitted from the waiting room.
	WaitingRoomTimeout int `json:"waiting_room_timeout,omitempty"`
	// NooneJoinedTimeout: leave if nobody else joins.
	NooneJoinedTimeout int `json:"noone_joined_timeout,omitempty"`
	// InCallNotRecordingTimeout: leave if in the call without recording
	// (e.g. the host never answers the consent dialog).
	InCallNotRecordingTimeout int `json:"in_call_not_recording_timeout,omitempty"`
	// RecordingPermissionDeniedTimeout: leave this long after a denial
	// (raise it to leave time for a chat message to the host).
	RecordingPermissionDeniedTimeout int `json:"recording_permission_denied_timeout,omitempty"`
}

// ZoomConfig is the "zoom" object of CreateBotRequest.
type ZoomConfig struct {
	// JoinTokenURL is fetched by the provider with a plain GET just before
	// joining; it must answer with a fresh join token for local recording
	// (tokens are single-use and live about 120 s).
	JoinTokenURL string `json:"join_token_url,omitempty"`
	// ZakURL likewise serves a ZAK token, so the bot joins as a signed-in
	// user.
	ZakURL string `json:"zak_url,omitempty"`
	// OBFTokenURL likewise serves an on-behalf-of token of a user who
	// authorised the app: Zoom admits the bot to a meeting outside the
	// app's account while that user attends (since March 2026 it requires
	// this or a ZAK there). The URL answers 404 when no token can be minted.
	OBFTokenURL string `json:"obf_token_url,omitempty"`
	// UserEmail is the email the bot joins with (for meetings restricted to
	// signed-in users).
	UserEmail string `json:"user_email,omitempty"`
}

// RecordingOptions is a small typed builder for RecordingConfig covering the
// common keys; use raw JSON for anything else.
type RecordingOptions struct {
	VideoMixedMP4     bool   // "video_mixed_mp4": {}
	AudioMixedMP3     bool   // "audio_mixed_mp3": {}
	ParticipantEvents bool   // "participant_events": {}
	MeetingMetadata   bool   // "meeting_metadata": {}
	VideoMixedLayout  string // e.g. "speaker_view", "gallery_view_v2"
	StartRecordingOn  string // e.g. "participant_join", "call_join"
}

// JSON encodes the options as a recording_config object.
func (o RecordingOptions) JSON() json.RawMessage {
	m := map[string]any{}
	empty := struct{}{}
	if o.VideoMixedMP4 {
		m["video_mixed_mp4"] = empty
	}
	if o.AudioMixedMP3 {
		m["audio_mixed_mp3"] = empty
	}
	if o.ParticipantEvents {
		m["participant_events"] = empty
	}
	if o.MeetingMetadata {
		m["meeting_metadata"] = empty
	}
	if o.VideoMixedLayout != "" {
		m["video_mixed_layout"] = o.VideoMixedLayout
	}
	if o.StartRecordingOn != "" {
		m["start_recording_on"] = o.StartRecordingOn
	}
	b, _ := json.Marshal(m) // a map of strings and empty structs always encodes
	return b
}

// createBotBody is the wire form of CreateBotRequest.
type createBotBody struct {
	MeetingURL      string            `json:"meeting_url"`
	BotName         string            `json:"bot_name,omitempty"`
	JoinAt          string            `json:"join_at,omitempty"`
	RecordingConfig json.RawMessage   `json:"recording_config,omitempty"`
	AutomaticLeave  *AutomaticLeave   `json:"automatic_leave,omitempty"`
	Zoom            *ZoomConfig       `json:"zoom,omitempty"`
	Metadata        map[string]string `json:"metadata,omitempty"`
}

// CreateBot sends a bot to a meeting: POST /api/v1/bot/ (201). A 507 answer
// is a *PoolExhaustedError (retry after its Delay()), a 429 a
// *RateLimitError, anything else non-2xx an *APIError.
func (c *Client) CreateBot(ctx context.Context, req CreateBotRequest) (*Bot, error) {
	if strings.TrimSpace(req.MeetingURL) == "" {
		return nil, errors.New("botprovider: CreateBot: MeetingURL is empty: pass the meeting's invite link")
	}
	body := createBotBody{
		MeetingURL:     req.MeetingURL,
		BotName:        req.BotName,
		AutomaticLeave: req.AutomaticLeave,
		Zoom:           req.Zoom,
		Metadata:       req.Metadata,
	}
	if len(req.RecordingConfig) > 0 {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(req.RecordingConfig, &obj); err != nil {
			return nil, fmt.Errorf("botprovider: CreateBot: RecordingConfig must be a JSON object: %w", err)
		}
		body.RecordingConfig = req.RecordingConfig
	}
	if !req.JoinAt.IsZero() {
		body.JoinAt = req.JoinAt.UTC().Format(time.RFC3339Nano)
	}
	var hdr http.Header
	if req.IdempotencyKey != "" {
		hdr = http.Header{"Idempotency-Key": {req.IdempotencyKey}}
	}
	var bot Bot
	if err := c.doWith(ctx, http.MethodPost, c.endpoint("bot"), hdr, body, &bot); err != nil {
		return nil, err
	}
	if bot.ID == "" {
		return nil, errors.New("botprovider: CreateBot: the provider answered without a bot id")
	}
	return &bot, nil
}

// GetBot reads a bot: GET /api/v1/bot/{id}/.
func (c *Client) GetBot(ctx context.Context, id string) (*Bot, error) {
	if err := checkBotID(id); err != nil {
		return nil, err
	}
	var bot Bot
	if err := c.do(ctx, http.MethodGet, c.endpoint("bot", id), nil, &bot); err != nil {
		return nil, err
	}
	return &bot, nil
}

// SendChatMessage posts a chat message from the bot:
// POST /api/v1/bot/{id}/send_chat_message/ {to, message}. to is
// ChatToEveryone, ChatToHost, ChatToEveryoneExceptHost or a participant id;
// "" leaves it to the provider (everyone).
func (c *Client) SendChatMessage(ctx context.Context, id, to, message string) error {
	if err := checkBotID(id); err != nil {
		return err
	}
	if strings.TrimSpace(message) == "" {
		return errors.New("botprovider: SendChatMessage: message is empty")
	}
	body := struct {
		To      string `json:"to,omitempty"`
		Message string `json:"message"`
	}{To: to, Message: message}
	return c.do(ctx, http.MethodPost, c.endpoint("bot", id, "send_chat_message"), body, nil)
}

// LeaveCall makes the bot leave: POST /api/v1/bot/{id}/leave_call/. The bot
// then reports call_ended with sub code bot_received_leave_call.
func (c *Client) LeaveCall(ctx context.Context, id string) error {
	if err := checkBotID(id); err != nil {
		return err
	}
	return c.do(ctx, http.MethodPost, c.endpoint("bot", id, "leave_call"), nil, nil)
}

func checkBotID(id string) error {
	if strings.TrimSpace(id) == "" || id == "." || id == ".." {
		return fmt.Errorf("botprovider: invalid bot id %q", id)
	}
	return nil
}
