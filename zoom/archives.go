package zoom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"
)

// ArchivesService covers meeting archiving (/archive_files): per-meeting
// and per-participant files kept by Zoom's archiving feature.
type ArchivesService service

// MaxArchiveWindow is the longest from..to span GET /archive_files accepts.
const MaxArchiveWindow = 7 * 24 * time.Hour

// archiveTimeLayout is how /archive_files takes from and to.
const archiveTimeLayout = "2006-01-02T15:04:05Z"

// Archive query date types.
const (
	ArchiveQueryMeetingStartTime    = "meeting_start_time" // Zoom's default
	ArchiveQueryArchiveCompleteTime = "archive_complete_time"
)

// ArchiveFilesOptions are the optional parameters of GET /archive_files.
type ArchiveFilesOptions struct {
	// PageSize is 1–300; 0 lets Zoom pick (30).
	PageSize      int
	NextPageToken string
	// QueryDateType is ArchiveQueryMeetingStartTime (Zoom's default) or
	// ArchiveQueryArchiveCompleteTime: which time from and to filter on.
	QueryDateType string
}

// ArchiveFileList is one page of GET /archive_files.
type ArchiveFileList struct {
	From          string            `json:"from"`
	To            string            `json:"to"`
	PageSize      int               `json:"page_size"`
	TotalRecords  int               `json:"total_records"`
	NextPageToken string            `json:"next_page_token"`
	Meetings      []ArchivedMeeting `json:"meetings"`
}

func (l *ArchiveFileList) pageToken() string { return l.NextPageToken }

// ArchivedMeeting is a meeting instance with its archived files.
type ArchivedMeeting struct {
	UUID      string      `json:"uuid"`
	ID        int64       `json:"id"`
	HostID    string      `json:"host_id,omitempty"`
	Topic     string      `json:"topic,omitempty"`
	Type      MeetingType `json:"type"`
	StartTime time.Time   `json:"start_time"`
	Timezone  string      `json:"timezone,omitempty"`
	// Duration is in minutes, DurationInSecond in seconds.
	Duration         int   `json:"duration"`
	DurationInSecond int   `json:"duration_in_second"`
	TotalSize        int64 `json:"total_size"`
	RecordingCount   int   `json:"recording_count"`
	// MeetingType is "internal" or "external".
	MeetingType     string    `json:"meeting_type,omitempty"`
	AccountName     string    `json:"account_name,omitempty"`
	CompleteTime    time.Time `json:"complete_time"`
	IsBreakoutRoom  bool      `json:"is_breakout_room"`
	ParentMeetingID string    `json:"parent_meeting_id,omitempty"`
	// Status is "completed" or "processing".
	Status       string        `json:"status,omitempty"`
	GroupID      string        `json:"group_id,omitempty"`
	ArchiveFiles []ArchiveFile `json:"archive_files"`
}

// UnmarshalJSON tolerates numbers sent as strings and empty date-times.
func (m *ArchivedMeeting) UnmarshalJSON(b []byte) error {
	type plain ArchivedMeeting
	aux := struct {
		*plain
		ID               flexInt64 `json:"id"`
		StartTime        zoomTime  `json:"start_time"`
		CompleteTime     zoomTime  `json:"complete_time"`
		Duration         flexInt64 `json:"duration"`
		DurationInSecond flexInt64 `json:"duration_in_second"`
		TotalSize        flexInt64 `json:"total_size"`
		RecordingCount   flexInt64 `json:"recording_count"`
	}{plain: (*plain)(m)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("zoom: decode archived meeting: %w", err)
	}
	m.ID = aux.ID.V
	m.StartTime, m.CompleteTime = aux.StartTime.T, aux.CompleteTime.T
	m.Duration, m.DurationInSecond = int(aux.Duration.V), int(aux.DurationInSecond.V)
	m.TotalSize, m.RecordingCount = aux.TotalSize.V, int(aux.RecordingCount.V)
	return nil
}

// IsProcessing reports whether Zoom is still archiving some of the files.
func (m ArchivedMeeting) IsProcessing() bool { return m.Status == "processing" }

// ArchiveFile is one archived file: the meeting's (Individual false) or one
// participant's (Individual true, with the participant's email and times).
type ArchiveFile struct {
	ID            string `json:"id"`
	FileType      string `json:"file_type"` // MP4, M4A, CHAT, CC, TRANSCRIPT, CHAT_MESSAGE, …
	FileExtension string `json:"file_extension,omitempty"`
	FilePath      string `json:"file_path,omitempty"`
	FileSize      int64  `json:"file_size"` // 0 while processing
	DownloadURL   string `json:"download_url"`
	// Status is "completed", "processing" or "failed".
	Status                string    `json:"status,omitempty"`
	RecordingType         string    `json:"recording_type,omitempty"`
	Individual            bool      `json:"individual"`
	ParticipantEmail      string    `json:"participant_email,omitempty"`
	ParticipantJoinTime   time.Time `json:"participant_join_time"`
	ParticipantLeaveTime  time.Time `json:"participant_leave_time"`
	EncryptionFingerprint string    `json:"encryption_fingerprint,omitempty"`
	NumberOfMessages      int       `json:"number_of_messages,omitempty"`
	StorageLocation       string    `json:"storage_location,omitempty"`
	AutoDelete            bool      `json:"auto_delete"`
}

// UnmarshalJSON tolerates numbers sent as strings and empty date-times.
func (f *ArchiveFile) UnmarshalJSON(b []byte) error {
	type plain ArchiveFile
	aux := struct {
		*plain
		ID                   flexString `json:"id"`
		FileSize             flexInt64  `json:"file_size"`
		NumberOfMessages     flexInt64  `json:"number_of_messages"`
		ParticipantJoinTime  zoomTime   `json:"participant_join_time"`
		ParticipantLeaveTime zoomTime   `json:"participant_leave_time"`
	}{plain: (*plain)(f)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("zoom: decode archive file: %w", err)
	}
	f.ID = aux.ID.V
	f.FileSize, f.NumberOfMessages = aux.FileSize.V, int(aux.NumberOfMessages.V)
	f.ParticipantJoinTime, f.ParticipantLeaveTime = aux.ParticipantJoinTime.T, aux.ParticipantLeaveTime.T
	return nil
}

// ListFiles returns one page of the account's archived meetings whose time
// (see ArchiveFilesOptions.QueryDateType) falls in from..to
// (GET /archive_files, Medium). from and to are required, sent to the second
// in UTC, and at most MaxArchiveWindow (7 days) apart. opts may be nil.
// Response.NextPageToken equals the list's NextPageToken.
func (s *ArchivesService) ListFiles(ctx context.Context, from, to time.Time, opts *ArchiveFilesOptions) (*ArchiveFileList, *Response, error) {
	if from.IsZero() || to.IsZero() {
		return nil, nil, fmt.Errorf("zoom: archive files: from and to are both required")
	}
	f, t := from.UTC().Truncate(time.Second), to.UTC().Truncate(time.Second)
	if t.Before(f) {
		return nil, nil, fmt.Errorf("zoom: archive files window %s..%s ends before it starts", f.Format(archiveTimeLayout), t.Format(archiveTimeLayout))
	}
	if t.Sub(f) > MaxArchiveWindow {
		return nil, nil, fmt.Errorf("zoom: archive files window %s..%s is %s long; Zoom accepts at most 7 days: list it in 7-day steps",
			f.Format(archiveTimeLayout), t.Format(archiveTimeLayout), t.Sub(f))
	}
	q := url.Values{"from": {f.Format(archiveTimeLayout)}, "to": {t.Format(archiveTimeLayout)}}
	if opts == nil {
		opts = &ArchiveFilesOptions{}
	}
	switch opts.QueryDateType {
	case "":
	case ArchiveQueryMeetingStartTime, ArchiveQueryArchiveCompleteTime:
		q.Set("query_date_type", opts.QueryDateType)
	default:
		return nil, nil, fmt.Errorf("zoom: archive files: query date type %q: use %q or %q", opts.QueryDateType, ArchiveQueryMeetingStartTime, ArchiveQueryArchiveCompleteTime)
	}
	if err := addPaging(q, opts.PageSize, opts.NextPageToken); err != nil {
		return nil, nil, err
	}
	var l ArchiveFileList
	resp, err := s.client.get(ctx, "/archive_files", q, &l)
	if err != nil {
		return nil, resp, err
	}
	return &l, resp, nil
}
