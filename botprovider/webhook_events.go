package botprovider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EventBotStatusChange is the legacy event name that carries every bot
// status; newer workspaces send one event per status, "bot.<code>".
const EventBotStatusChange = "bot.status_change"

// Event parsing failures; ParseStatusEvent wraps one of them.
var (
	// ErrNotStatusEvent: a well-formed event that is not a bot status
	// change (recording.done, transcript.done, ...). Acknowledge it with 2xx
	// and ignore it (or route it elsewhere).
	ErrNotStatusEvent = errors.New("botprovider webhook: not a bot status event")
	// ErrMalformedEvent: the body is not a status event this package can
	// read (bad JSON, no bot id, no code, unreadable time).
	ErrMalformedEvent = errors.New("botprovider webhook: malformed status event")
)

// StatusEvent is a bot status webhook, normalised from both payload shapes.
type StatusEvent struct {
	// Event is the event name as sent: "bot.<code>" or "bot.status_change".
	Event string
	BotID string
	// Code is a Status* constant (or a newer value).
	Code string
	// SubCode is "" when the provider sent null; an open set.
	SubCode string
	// Message is the human-readable description (legacy shape only).
	Message string
	// At is when the status changed (updated_at, or created_at in the
	// legacy shape); zero if the provider sent none.
	At time.Time
	// RecordingID is set by the legacy shape when the status concerns a
	// recording.
	RecordingID string
	// Metadata is the bot's metadata (newer shape only): the routing keys
	// set in CreateBotRequest.Metadata.
	Metadata Metadata
}

// ParseStatusEvent reads a bot status webhook body, in either shape:
//
//	{"event": "bot.in_call_recording",
//	 "data": {"bot": {"id": "...", "metadata": {...}},
//	          "data": {"code": "...", "sub_code": null, "updated_at": "..."}}}
//
//	{"event": "bot.status_change",
//	 "data": {"bot_id": "...",
//	          "status": {"code": "...", "sub_code": null, "message": null,
//	                     "created_at": "...", "recording_id": "..."}}}
//
// Verify the body with VerifyWebhook first. Events that are not bot status
// changes return an error wrapping ErrNotStatusEvent.
func ParseStatusEvent(body []byte) (*StatusEvent, error) {
	var env struct {
		Event string          `json:"event"`
		Data  json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedEvent, err)
	}
	if env.Event == "" {
		return nil, fmt.Errorf("%w: no \"event\" field", ErrMalformedEvent)
	}
	if env.Event != EventBotStatusChange && !strings.HasPrefix(env.Event, "bot.") {
		return nil, fmt.Errorf("%w: %q", ErrNotStatusEvent, env.Event)
	}
	if len(env.Data) == 0 || bytes.Equal(bytes.TrimSpace(env.Data), jsonNull) {
		return nil, fmt.Errorf("%w: %s has no \"data\"", ErrMalformedEvent, env.Event)
	}

	ev := &StatusEvent{Event: env.Event}
	var err error
	if env.Event == EventBotStatusChange {
		err = ev.readLegacy(env.Data)
	} else {
		err = ev.readCurrent(env.Data)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrMalformedEvent, env.Event, err)
	}
	if ev.BotID == "" {
		return nil, fmt.Errorf("%w: %s carries no bot id", ErrMalformedEvent, env.Event)
	}
	if ev.Code == "" {
		return nil, fmt.Errorf("%w: %s carries no status code", ErrMalformedEvent, env.Event)
	}
	return ev, nil
}

func (ev *StatusEvent) readLegacy(data json.RawMessage) error {
	var d struct {
		BotID  ID `json:"bot_id"`
		Status *struct {
			Code        string   `json:"code"`
			SubCode     string   `json:"sub_code"`
			Message     string   `json:"message"`
			CreatedAt   jsonTime `json:"created_at"`
			RecordingID ID       `json:"recording_id"`
		} `json:"status"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return err
	}
	if d.Status == nil {
		return errors.New("no \"status\" object")
	}
	ev.BotID = string(d.BotID)
	ev.Code, ev.SubCode, ev.Message = d.Status.Code, d.Status.SubCode, d.Status.Message
	ev.At = time.Time(d.Status.CreatedAt)
	ev.RecordingID = string(d.Status.RecordingID)
	return nil
}

func (ev *StatusEvent) readCurrent(data json.RawMessage) error {
	var d struct {
		Bot *struct {
			ID       ID       `json:"id"`
			Metadata Metadata `json:"metadata"`
		} `json:"bot"`
		Data *struct {
			Code      string   `json:"code"`
			SubCode   string   `json:"sub_code"`
			UpdatedAt jsonTime `json:"updated_at"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return err
	}
	if d.Bot == nil {
		return errors.New("no \"bot\" object")
	}
	ev.BotID = string(d.Bot.ID)
	ev.Metadata = d.Bot.Metadata
	if d.Data != nil {
		ev.Code, ev.SubCode = d.Data.Code, d.Data.SubCode
		ev.At = time.Time(d.Data.UpdatedAt)
	}
	if ev.Code == "" {
		// The event name carries the code: "bot.in_call_recording".
		ev.Code = strings.TrimPrefix(ev.Event, "bot.")
	}
	return nil
}
