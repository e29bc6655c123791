package botprovider

import (
	"bytes"
	"encoding/json"
	"time"
)

// Bot is the provider's bot object (GET /api/v1/bot/{id}/). Unknown fields
// are ignored; nulls decode to zero values.
type Bot struct {
	ID         string     `json:"id"`
	MeetingURL MeetingURL `json:"meeting_url"`
	BotName    string     `json:"bot_name"`
	// JoinAt is the scheduled join time; zero for ad-hoc bots.
	JoinAt time.Time `json:"join_at"`
	// StatusChanges lists the bot's lifecycle in order; see LatestStatus.
	StatusChanges []StatusChange `json:"status_changes"`
	// MeetingParticipants is filled by older API versions; newer ones
	// publish participants as a downloadable participant-events file
	// (Recording.MediaShortcuts.ParticipantEvents).
	MeetingParticipants []Participant `json:"meeting_participants"`
	Recordings          []Recording   `json:"recordings"`
	Metadata            Metadata      `json:"metadata"`
}

// UnmarshalJSON reads times leniently (null, missing zone).
func (b *Bot) UnmarshalJSON(data []byte) error {
	type plain Bot
	w := struct {
		*plain
		JoinAt jsonTime `json:"join_at"`
	}{plain: (*plain)(b)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	b.JoinAt = time.Time(w.JoinAt)
	return nil
}

// LatestStatus returns the most recent status change (by CreatedAt; on a tie
// or without times, the later entry in the list), or the zero StatusChange if
// there is none.
func (b *Bot) LatestStatus() StatusChange {
	var latest StatusChange
	for i, s := range b.StatusChanges {
		if i == 0 || !s.CreatedAt.Before(latest.CreatedAt) {
			latest = s
		}
	}
	return latest
}

// StatusChange is one entry of Bot.StatusChanges.
type StatusChange struct {
	// Code is one of the Status* constants (or a newer value).
	Code string `json:"code"`
	// SubCode explains Code for call_ended, fatal and
	// recording_permission_denied; "" when the provider sent null. It is an
	// open set: compare with the SubCode* constants, never switch
	// exhaustively.
	SubCode string `json:"sub_code"`
	// Message is the provider's human-readable description, may be "".
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
}

// UnmarshalJSON reads created_at leniently.
func (s *StatusChange) UnmarshalJSON(data []byte) error {
	type plain StatusChange
	w := struct {
		*plain
		CreatedAt jsonTime `json:"created_at"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	s.CreatedAt = time.Time(w.CreatedAt)
	return nil
}

// Participant is one entry of Bot.MeetingParticipants.
type Participant struct {
	// ID is an integer in Recall's API and a string elsewhere; it is kept
	// as text.
	ID       ID     `json:"id"`
	Name     string `json:"name"`
	IsHost   bool   `json:"is_host"`
	Platform string `json:"platform"`
}

// MeetingURL is the bot's meeting. Recall answers with an object
// {"meeting_id", "meeting_password", "platform"}; other services echo the
// URL string that was sent. Both decode here.
type MeetingURL struct {
	// URL is set when the provider answered with a plain string.
	URL             string `json:"-"`
	Platform        string `json:"platform,omitempty"` // e.g. "zoom"
	MeetingID       string `json:"meeting_id,omitempty"`
	MeetingPassword string `json:"meeting_password,omitempty"`
}

// UnmarshalJSON accepts a string, an object or null.
func (m *MeetingURL) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*m = MeetingURL{}
	switch {
	case bytes.Equal(b, jsonNull):
		return nil
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &m.URL)
	}
	var w struct {
		Platform        string `json:"platform"`
		MeetingID       ID     `json:"meeting_id"`
		MeetingPassword string `json:"meeting_password"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	m.Platform, m.MeetingID, m.MeetingPassword = w.Platform, string(w.MeetingID), w.MeetingPassword
	return nil
}

// String returns the URL, or "platform:meeting_id" for the object form.
func (m MeetingURL) String() string {
	if m.URL != "" {
		return m.URL
	}
	if m.Platform == "" {
		return m.MeetingID
	}
	return m.Platform + ":" + m.MeetingID
}

// MediaStatus is the status of a recording or media object.
type MediaStatus struct {
	Code      string    `json:"code"` // e.g. "processing", "done", "failed"
	SubCode   string    `json:"sub_code"`
	UpdatedAt time.Time `json:"updated_at"`
}

// UnmarshalJSON reads updated_at leniently.
func (s *MediaStatus) UnmarshalJSON(data []byte) error {
	type plain MediaStatus
	w := struct {
		*plain
		UpdatedAt jsonTime `json:"updated_at"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	s.UpdatedAt = time.Time(w.UpdatedAt)
	return nil
}

// Recording is one entry of Bot.Recordings.
type Recording struct {
	ID             string         `json:"id"`
	Status         MediaStatus    `json:"status"`
	CreatedAt      time.Time      `json:"created_at"`
	StartedAt      time.Time      `json:"started_at"`
	CompletedAt    time.Time      `json:"completed_at"`
	ExpiresAt      time.Time      `json:"expires_at"`
	MediaShortcuts MediaShortcuts `json:"media_shortcuts"`
	Metadata       Metadata       `json:"metadata"`
}

// UnmarshalJSON reads times leniently.
func (r *Recording) UnmarshalJSON(data []byte) error {
	type plain Recording
	w := struct {
		*plain
		CreatedAt   jsonTime `json:"created_at"`
		StartedAt   jsonTime `json:"started_at"`
		CompletedAt jsonTime `json:"completed_at"`
		ExpiresAt   jsonTime `json:"expires_at"`
	}{plain: (*plain)(r)}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	r.CreatedAt, r.StartedAt = time.Time(w.CreatedAt), time.Time(w.StartedAt)
	r.CompletedAt, r.ExpiresAt = time.Time(w.CompletedAt), time.Time(w.ExpiresAt)
	return nil
}

// MediaShortcuts holds the recording's most used media objects; each is nil
// when the provider sent null or omitted it (not requested, not ready).
type MediaShortcuts struct {
	VideoMixed        *MediaShortcut `json:"video_mixed"`
	AudioMixed        *MediaShortcut `json:"audio_mixed"`
	Transcript        *MediaShortcut `json:"transcript"`
	ParticipantEvents *MediaShortcut `json:"participant_events"`
	MeetingMetadata   *MediaShortcut `json:"meeting_metadata"`
}

// MediaShortcut is one media object of a recording.
type MediaShortcut struct {
	ID       string      `json:"id"`
	Status   MediaStatus `json:"status"`
	Format   string      `json:"format"` // e.g. "mp4"
	Data     MediaData   `json:"data"`
	Metadata Metadata    `json:"metadata"`
}

// MediaData is a media object's "data": its download links (short-lived,
// signed URLs) and, for meeting metadata, the meeting's details.
type MediaData struct {
	// DownloadURL is the file (video_mixed, audio_mixed, transcript).
	DownloadURL string `json:"download_url"`
	// Participant-events files.
	ParticipantEventsDownloadURL string `json:"participant_events_download_url"`
	SpeakerTimelineDownloadURL   string `json:"speaker_timeline_download_url"`
	ParticipantsDownloadURL      string `json:"participants_download_url"`
	// Meeting metadata.
	Title string `json:"title"`
	// Raw is the whole "data" object, for fields not modelled here.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON keeps the raw object alongside the typed fields.
func (d *MediaData) UnmarshalJSON(data []byte) error {
	type plain MediaData
	if err := json.Unmarshal(data, (*plain)(d)); err != nil {
		return err
	}
	if !bytes.Equal(bytes.TrimSpace(data), jsonNull) {
		d.Raw = append(json.RawMessage(nil), data...)
	}
	return nil
}
