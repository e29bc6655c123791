package zoomsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Scenario is the explicit form of the simulator's state, the body of
// POST /_sim/scenario (README.md documents it). Fields left empty are filled in
// deterministically from Seed, so loading the same scenario twice yields the
// same ids, credentials, sizes and bytes. GET /_sim/scenario returns the filled-in
// form of what is loaded.
type Scenario struct {
	Seed     int64             `json:"seed"`
	Accounts []ScenarioAccount `json:"accounts"`
	// Generate, when set, asks for a generated scenario instead; Accounts must
	// then be empty.
	Generate *GenerateRequest `json:"generate,omitempty"`
	// UserOAuthApp is the user-level (authorization code) OAuth app hosts
	// install to grant join tokens; defaulted from Seed (scenario_live.go).
	UserOAuthApp *ScenarioUserOAuthApp `json:"user_oauth_app,omitempty"`
	// BotProvider configures the Recall-compatible bot API under /api/v1;
	// defaulted from Seed (scenario_live.go).
	BotProvider *ScenarioBotProvider `json:"bot_provider,omitempty"`
	// Zoom selects between Zoom behaviours old and new (scenario_zoom.go).
	Zoom *ScenarioZoom `json:"zoom,omitempty"`
}

// ScenarioAccount is one Zoom account with one Server-to-Server OAuth app.
type ScenarioAccount struct {
	AccountID          string            `json:"account_id,omitempty"`
	ClientID           string            `json:"client_id,omitempty"`
	ClientSecret       string            `json:"client_secret,omitempty"`
	WebhookSecretToken string            `json:"webhook_secret_token,omitempty"`
	Plan               string            `json:"plan,omitempty"` // "business" (default) or "pro"
	Users              []ScenarioUser    `json:"users"`
	Meetings           []ScenarioMeeting `json:"meetings"`
	// PhoneCalls are Zoom Phone call recordings (phone.go).
	PhoneCalls []ScenarioPhoneCall `json:"phone_calls,omitempty"`
	// RateLimits optionally overrides the plan's rate limits, e.g.
	// {"daily_pool": 50, "per_second": {"Light": 5}}.
	RateLimits *RateLimits `json:"rate_limits,omitempty"`
	// WebhookURL optionally subscribes the account to every webhook event the
	// simulator sends (no URL validation handshake; see POST /_sim/webhooks).
	WebhookURL string `json:"webhook_url,omitempty"`
	// LiveMeetings are meetings a bot can join (scenario_live.go).
	LiveMeetings []ScenarioLiveMeeting `json:"live_meetings,omitempty"`
}

// ScenarioUser is a user of an account. The first user is the account owner
// ("me").
type ScenarioUser struct {
	ID        string `json:"id,omitempty"`
	Email     string `json:"email,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Type      int    `json:"type,omitempty"`     // 1 basic, 2 licensed (default)
	Status    string `json:"status,omitempty"`   // "active" (default), "inactive", "pending"
	Timezone  string `json:"timezone,omitempty"` // default "America/New_York"
	// Settings are the user's recording settings (scenario_live.go).
	Settings *ScenarioUserSettings `json:"settings,omitempty"`
}

// ScenarioMeeting is one recorded meeting instance (a conversation).
type ScenarioMeeting struct {
	UUID      string      `json:"uuid,omitempty"`
	ID        int64       `json:"id,omitempty"`
	HostID    string      `json:"host_id,omitempty"` // user id or email; default: first user
	Topic     string      `json:"topic,omitempty"`
	Type      MeetingType `json:"type"`
	StartTime time.Time   `json:"start_time"`
	Duration  int         `json:"duration,omitempty"` // minutes, default 30
	Timezone  string      `json:"timezone,omitempty"` // default: the host's
	// ProcessingUntil is the default completes_at of the meeting's files.
	ProcessingUntil *time.Time `json:"processing_until,omitempty"`
	// Files defaults to one MP4 and one M4A when absent (null).
	Files                 []ScenarioFile `json:"files"`
	ParticipantAudioFiles []ScenarioFile `json:"participant_audio_files,omitempty"`
	// NoRecordingFiles renders the meeting without a recording_files key, as
	// Zoom does for a recording too short to keep (its files stay in the truth).
	NoRecordingFiles bool `json:"no_recording_files,omitempty"`
	// SeriesStartTime is the start of the recurring series this instance
	// belongs to: webhooks show it as object.start_time (Zoom does, days
	// before the instance) while recording_start stays the instance's.
	SeriesStartTime *time.Time `json:"series_start_time,omitempty"`
	// RTMS makes the meeting stream over RTMS (rtms_scenario.go).
	RTMS *ScenarioRTMS `json:"rtms,omitempty"`
}

// ScenarioFile is one recording file of a meeting.
type ScenarioFile struct {
	ID             string     `json:"id,omitempty"`
	FileType       string     `json:"file_type"`
	FileExtension  string     `json:"file_extension,omitempty"`
	RecordingType  string     `json:"recording_type,omitempty"`
	FileName       string     `json:"file_name,omitempty"`
	Size           int64      `json:"size,omitempty"`
	Status         string     `json:"status,omitempty"`       // "completed" (default) or "processing"
	CompletesAt    *time.Time `json:"completes_at,omitempty"` // processing until then, completed after
	RecordingStart *time.Time `json:"recording_start,omitempty"`
	RecordingEnd   *time.Time `json:"recording_end,omitempty"`
	// StillRecording shows the file as one still being recorded while it is
	// processing: file_type "", recording_end "", file_size 0.
	StillRecording bool `json:"still_recording,omitempty"`
}

// MeetingType is Zoom's meeting type (1 instant, 2 scheduled, 3 and 8 recurring,
// 4 PMI, ...). Zoom sometimes renders it as a number and sometimes as a string;
// AsString records which, and a scenario may give either JSON form.
type MeetingType struct {
	N        int
	AsString bool
}

// MarshalJSON writes the number, quoted when AsString is set.
func (t MeetingType) MarshalJSON() ([]byte, error) {
	if t.AsString {
		return []byte(strconv.Quote(strconv.Itoa(t.N))), nil
	}
	return []byte(strconv.Itoa(t.N)), nil
}

// UnmarshalJSON accepts 2, "2" or null.
func (t *MeetingType) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*t = MeetingType{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("meeting type %q is not a number", s)
		}
		*t = MeetingType{N: n, AsString: true}
		return nil
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return fmt.Errorf("meeting type %s is not a number", b)
	}
	*t = MeetingType{N: n}
	return nil
}

// LoadResult answers POST /_sim/scenario.
type LoadResult struct {
	Accounts      []string `json:"accounts"`
	Conversations int      `json:"conversations"`
	Files         int      `json:"files"`
}

// fileKind describes Zoom's defaults for one file_type.
type fileKind struct {
	ext, recordingType string
	defaultSize        int64
}

var fileKinds = map[string]fileKind{
	"MP4":        {"MP4", "shared_screen_with_speaker_view", 2 << 20},
	"M4A":        {"M4A", "audio_only", 256 << 10},
	"CHAT":       {"TXT", "chat_file", 2 << 10},
	"TRANSCRIPT": {"VTT", "audio_transcript", 16 << 10},
	"CC":         {"VTT", "closed_caption", 16 << 10},
	"TIMELINE":   {"JSON", "timeline", 8 << 10},
	"TB":         {"JSON", "timeline", 8 << 10},
	"CSV":        {"CSV", "poll", 1 << 10},
	"SUMMARY":    {"JSON", "summary", 4 << 10},
}

func kindOf(fileType string) fileKind {
	if k, ok := fileKinds[fileType]; ok {
		return k
	}
	return fileKind{fileType, "", 4 << 10}
}
