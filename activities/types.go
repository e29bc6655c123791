package activities

import "time"

// Sources of conversations. They name the archive ID space and S3 prefixes.
const (
	SourceMeeting  = "meeting"
	SourceWebinar  = "webinar"
	SourcePhone    = "phone"
	SourceVideoSDK = "videosdk"
)

// RecordingFile is the part of a Zoom recording file that workflow history
// carries: enough to download and describe it, never a credential.
type RecordingFile struct {
	FileID         string    `json:"file_id"`      // Zoom's id, or one derived from meeting UUID + type + start (zoom.RecordingFile.StableID), never from the URL
	ZoomFileID     string    `json:"zoom_file_id"` // empty where Zoom shows none (CC, TIMELINE)
	FileType       string    `json:"file_type"`
	FileExtension  string    `json:"file_extension,omitempty"`
	RecordingType  string    `json:"recording_type,omitempty"`
	Status         string    `json:"status,omitempty"` // completed | processing | "" (CC, TIMELINE)
	DownloadURL    string    `json:"download_url"`
	Size           int64     `json:"size,omitempty"`
	HasSize        bool      `json:"has_size,omitempty"`
	RecordingStart time.Time `json:"recording_start,omitzero"`
	RecordingEnd   time.Time `json:"recording_end,omitzero"`
}

// Processing reports whether Zoom is still rendering the file: status
// "processing", or an entry still being recorded (Zoom lists it with an
// empty file_type, recording_end and file_size).
func (f RecordingFile) Processing() bool { return f.Status == "processing" || f.FileType == "" }

// Meeting is one conversation as listed by Zoom.
type Meeting struct {
	UUID      string          `json:"uuid"`
	ID        int64           `json:"id"`
	HostID    string          `json:"host_id"`
	HostEmail string          `json:"host_email,omitempty"`
	HostName  string          `json:"host_name,omitempty"`
	Topic     string          `json:"topic"`
	Type      int             `json:"type"`
	StartTime time.Time       `json:"start_time"`
	Duration  int             `json:"duration_minutes"`
	Timezone  string          `json:"timezone,omitempty"`
	Files     []RecordingFile `json:"files"`
	// Source is set for conversations that are not meeting recordings
	// (phone, webinar): imports archive them, and a webhook starts their
	// ArchiveMeeting, under that source. Call is a
	// phone recording's call metadata.
	Source string `json:"source,omitempty"`
	Call   *Call  `json:"call,omitempty"`
}

// User is a Zoom user whose recordings are archived.
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// ResolveUsersInput asks for the users whose recordings a tenant archives.
type ResolveUsersInput struct {
	TenantID string `json:"tenant_id"`
	Source   string `json:"source,omitempty"` // phone: the Zoom Phone users ("" meeting)
}

// ResolveUsersResult lists them.
type ResolveUsersResult struct {
	Users []User `json:"users"`
}

// ListRecordingsInput asks for one page of a user's cloud recordings.
type ListRecordingsInput struct {
	TenantID  string    `json:"tenant_id"`
	Source    string    `json:"source,omitempty"` // phone lists call recordings ("" meeting)
	UserID    string    `json:"user_id"`
	From      time.Time `json:"from"` // inclusive date (UTC)
	To        time.Time `json:"to"`   // inclusive date (UTC), at most one month after From
	PageToken string    `json:"page_token,omitempty"`
	PageSize  int       `json:"page_size,omitempty"`
}

// ListRecordingsResult is one page.
type ListRecordingsResult struct {
	Meetings      []Meeting `json:"meetings"`
	NextPageToken string    `json:"next_page_token,omitempty"`
}

// FetchMeetingInput asks for one meeting's recording files.
type FetchMeetingInput struct {
	TenantID    string `json:"tenant_id"`
	MeetingUUID string `json:"meeting_uuid"`
}

// FetchMeetingResult carries them.
type FetchMeetingResult struct {
	Meeting Meeting `json:"meeting"`
}

// SaveConversationInput records a conversation's metadata.
type SaveConversationInput struct {
	TenantID string  `json:"tenant_id"`
	Source   string  `json:"source"`
	Meeting  Meeting `json:"meeting"`
}

// SaveConversationResult lists the conversation's files already in the
// archive, so the workflow schedules no download for them.
type SaveConversationResult struct {
	ArchivedFileIDs []string `json:"archived_file_ids,omitempty"`
}

// ArchiveFileInput asks to archive one file of one conversation.
type ArchiveFileInput struct {
	TenantID         string        `json:"tenant_id"`
	Source           string        `json:"source"`
	ConversationUUID string        `json:"conversation_uuid"`
	MeetingStart     time.Time     `json:"meeting_start"`
	File             RecordingFile `json:"file"`
}

// Outcomes of ArchiveFile.
const (
	OutcomeArchived        = "archived"
	OutcomeAlreadyArchived = "already_archived"
)

// ArchiveFileResult tells what happened to the file.
type ArchiveFileResult struct {
	Outcome string `json:"outcome"`
	Key     string `json:"key"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
	Resumed bool   `json:"resumed,omitempty"`
}

// RecordFileFailureInput notes a file that could not be archived.
type RecordFileFailureInput struct {
	TenantID         string `json:"tenant_id"`
	Source           string `json:"source"`
	ConversationUUID string `json:"conversation_uuid"`
	FileID           string `json:"file_id"`
	FileType         string `json:"file_type"`
	Reason           string `json:"reason"`
	Message          string `json:"message"`
}

// RecordFileFailureResult is empty.
type RecordFileFailureResult struct{}

// FinishConversationInput stores the outcome of an archive run.
type FinishConversationInput struct {
	TenantID         string `json:"tenant_id"`
	Source           string `json:"source"`
	ConversationUUID string `json:"conversation_uuid"`
	FilesProcessing  int    `json:"files_processing"`
	FilesFailed      int    `json:"files_failed"`
	MediaError       string `json:"media_error,omitempty"`
}

// FinishConversationResult is empty.
type FinishConversationResult struct{}
