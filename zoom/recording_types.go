package zoom

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MeetingType is Zoom's meeting "type". Some responses send it as a number,
// others as a string ("2"); both decode. It encodes as a number.
type MeetingType int

// Meeting types (webinars 5, 6, 9).
const (
	MeetingTypeInstant                   MeetingType = 1
	MeetingTypeScheduled                 MeetingType = 2
	MeetingTypeRecurringNoFixedTime      MeetingType = 3
	MeetingTypePMI                       MeetingType = 4
	MeetingTypeWebinar                   MeetingType = 5
	MeetingTypeRecurringWebinar          MeetingType = 6
	MeetingTypeRecurringFixedTime        MeetingType = 8
	MeetingTypeRecurringWebinarFixedTime MeetingType = 9
	MeetingTypeUploaded                  MeetingType = 99
	MeetingTypeBreakoutRoom              MeetingType = 100
)

// UnmarshalJSON accepts 2, "2", null and "".
func (t *MeetingType) UnmarshalJSON(b []byte) error {
	var f flexInt64
	if err := f.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("zoom: meeting type: %w", err)
	}
	*t = MeetingType(f.V)
	return nil
}

// IsWebinar reports whether t is one of the webinar types.
func (t MeetingType) IsWebinar() bool {
	return t == MeetingTypeWebinar || t == MeetingTypeRecurringWebinar || t == MeetingTypeRecurringWebinarFixedTime
}

func (t MeetingType) String() string {
	switch t {
	case MeetingTypeInstant:
		return "instant"
	case MeetingTypeScheduled:
		return "scheduled"
	case MeetingTypeRecurringNoFixedTime:
		return "recurring_no_fixed_time"
	case MeetingTypePMI:
		return "pmi"
	case MeetingTypeWebinar:
		return "webinar"
	case MeetingTypeRecurringWebinar:
		return "recurring_webinar"
	case MeetingTypeRecurringFixedTime:
		return "recurring_fixed_time"
	case MeetingTypeRecurringWebinarFixedTime:
		return "recurring_webinar_fixed_time"
	case MeetingTypeUploaded:
		return "uploaded"
	case MeetingTypeBreakoutRoom:
		return "breakout_room"
	}
	return strconv.Itoa(int(t))
}

// RecordingList is one page of GET /users/{userId}/recordings (or
// /accounts/{accountId}/recordings).
type RecordingList struct {
	From          string    `json:"from"`
	To            string    `json:"to"`
	PageSize      int       `json:"page_size"`
	TotalRecords  int       `json:"total_records"`
	NextPageToken string    `json:"next_page_token"`
	Meetings      []Meeting `json:"meetings"`
}

func (l *RecordingList) pageToken() string { return l.NextPageToken }

// Meeting is a recorded meeting (or webinar) instance with its files, as
// returned by the recording list, GET /meetings/{id}/recordings, and the
// recording.completed webhook.
type Meeting struct {
	UUID                  string          `json:"uuid"`
	ID                    int64           `json:"id"`
	AccountID             string          `json:"account_id,omitempty"`
	HostID                string          `json:"host_id,omitempty"`
	HostEmail             string          `json:"host_email,omitempty"`
	Topic                 string          `json:"topic,omitempty"`
	Type                  MeetingType     `json:"type"`
	StartTime             time.Time       `json:"start_time"`
	Timezone              string          `json:"timezone,omitempty"`
	Duration              int             `json:"duration"`
	TotalSize             int64           `json:"total_size"`
	RecordingCount        int             `json:"recording_count"`
	ShareURL              string          `json:"share_url,omitempty"`
	RecordingFiles        []RecordingFile `json:"recording_files,omitempty"`
	ParticipantAudioFiles []RecordingFile `json:"participant_audio_files,omitempty"`
	// DownloadAccessToken is set by GetMeeting with
	// IncludeDownloadAccessToken; use it as the bearer for the download URLs.
	DownloadAccessToken string `json:"download_access_token,omitempty"`
}

// UnmarshalJSON tolerates numbers sent as strings and empty date-times.
func (m *Meeting) UnmarshalJSON(b []byte) error {
	type plain Meeting
	aux := struct {
		*plain
		ID             flexInt64 `json:"id"`
		StartTime      zoomTime  `json:"start_time"`
		Duration       flexInt64 `json:"duration"`
		TotalSize      flexInt64 `json:"total_size"`
		RecordingCount flexInt64 `json:"recording_count"`
	}{plain: (*plain)(m)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("zoom: decode meeting: %w", err)
	}
	m.ID = aux.ID.V
	m.StartTime = aux.StartTime.T
	m.Duration = int(aux.Duration.V)
	m.TotalSize = aux.TotalSize.V
	m.RecordingCount = int(aux.RecordingCount.V)
	return nil
}

// RecordingFile is one file of a recording. In older payloads CC and
// TIMELINE entries lack id, status, file_size and recording_type (today's
// TIMELINE entries carry them; none has a play_url); absent values are zero
// (HasFileSize tells a missing size from an empty file).
type RecordingFile struct {
	ID             string
	MeetingID      string
	RecordingStart time.Time // zero when absent or empty
	RecordingEnd   time.Time // zero when absent or empty
	FileType       string    // MP4, M4A, CHAT, TRANSCRIPT, CC, TIMELINE, TB, CSV, SUMMARY, …
	FileExtension  string
	FileName       string // participant audio files only
	FileSize       int64  // 0 when absent
	HasFileSize    bool
	PlayURL        string
	DownloadURL    string
	Status         string // "completed" or "processing"; "" when absent
	RecordingType  string // open set, e.g. "shared_screen_with_speaker_view"
}

// recordingFileJSON is the wire shape of RecordingFile.
type recordingFileJSON struct {
	ID             string     `json:"id,omitempty"`
	MeetingID      string     `json:"meeting_id,omitempty"`
	RecordingStart *string    `json:"recording_start,omitempty"`
	RecordingEnd   *string    `json:"recording_end,omitempty"`
	FileType       string     `json:"file_type,omitempty"`
	FileExtension  string     `json:"file_extension,omitempty"`
	FileName       string     `json:"file_name,omitempty"`
	FileSize       *flexInt64 `json:"file_size,omitempty"`
	PlayURL        string     `json:"play_url,omitempty"`
	DownloadURL    string     `json:"download_url,omitempty"`
	Status         string     `json:"status,omitempty"`
	RecordingType  string     `json:"recording_type,omitempty"`
}

// UnmarshalJSON decodes Zoom's shape, tolerating missing fields.
func (f *RecordingFile) UnmarshalJSON(b []byte) error {
	var w recordingFileJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("zoom: decode recording file: %w", err)
	}
	*f = RecordingFile{
		ID:            w.ID,
		MeetingID:     w.MeetingID,
		FileType:      w.FileType,
		FileExtension: w.FileExtension,
		FileName:      w.FileName,
		PlayURL:       w.PlayURL,
		DownloadURL:   w.DownloadURL,
		Status:        w.Status,
		RecordingType: w.RecordingType,
	}
	if w.RecordingStart != nil {
		f.RecordingStart = parseZoomTime(*w.RecordingStart)
	}
	if w.RecordingEnd != nil {
		f.RecordingEnd = parseZoomTime(*w.RecordingEnd)
	}
	if w.FileSize != nil && w.FileSize.Set {
		f.FileSize, f.HasFileSize = w.FileSize.V, true
	}
	return nil
}

// MarshalJSON writes Zoom's shape, omitting what is absent, so a file
// survives a JSON round trip (e.g. through a Temporal payload) unchanged.
func (f RecordingFile) MarshalJSON() ([]byte, error) {
	w := recordingFileJSON{
		ID:            f.ID,
		MeetingID:     f.MeetingID,
		FileType:      f.FileType,
		FileExtension: f.FileExtension,
		FileName:      f.FileName,
		PlayURL:       f.PlayURL,
		DownloadURL:   f.DownloadURL,
		Status:        f.Status,
		RecordingType: f.RecordingType,
	}
	if s := formatZoomTime(f.RecordingStart); s != "" {
		w.RecordingStart = &s
	}
	if s := formatZoomTime(f.RecordingEnd); s != "" {
		w.RecordingEnd = &s
	}
	if f.HasFileSize {
		w.FileSize = &flexInt64{V: f.FileSize, Set: true}
	}
	return json.Marshal(w)
}

// MarshalJSON for flexInt64 writes a plain number.
func (f flexInt64) MarshalJSON() ([]byte, error) { return []byte(strconv.FormatInt(f.V, 10)), nil }

// StableID returns a file's identity, the same in every listing and
// webhook that names the file: f.ID when Zoom gives one, otherwise "mf-" +
// the first 24 hex characters of sha256(meeting UUID, file type, recording
// start) (see NaturalFileKey). It never depends on the download URL: a
// recording.completed names /rec/webhook_download/{a}/{b} where the listing
// of the same file names /rec/download/{a}, and both must land on one file
// row and one object.
func (f RecordingFile) StableID(meetingUUID string) string {
	if f.ID != "" {
		return f.ID
	}
	sum := sha256.Sum256([]byte(NaturalFileKey(meetingUUID, f.FileType, f.RecordingStart)))
	return "mf-" + hex.EncodeToString(sum[:])[:24]
}

// NaturalFileKey is what identifies a file Zoom gives no id (CC and
// TIMELINE in older payloads): the meeting UUID, the upper-cased file type
// and the recording start in UTC to the second, joined by newlines. The
// recording type is left out on purpose: older payloads omit it for the
// same files that newer ones label. A migration (schemas/00007) computes
// the same key in SQL: change both together.
func NaturalFileKey(meetingUUID, fileType string, recordingStart time.Time) string {
	start := ""
	if !recordingStart.IsZero() {
		start = recordingStart.UTC().Format("2006-01-02T15:04:05Z")
	}
	return meetingUUID + "\n" + strings.ToUpper(fileType) + "\n" + start
}

// IsProcessing reports whether Zoom is still preparing the file.
func (f RecordingFile) IsProcessing() bool { return f.Status == "processing" }
