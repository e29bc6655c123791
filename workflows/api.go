// Package workflows holds meetvault's deterministic workflow code. This file
// is the API: workflow IDs, query names, search attributes, and the input and
// result types of every workflow.
package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/meetvault/meetvault/activities"
)

// DefaultTaskQueue is where workflows and ordinary activities run; file
// downloads run on DownloadTaskQueue(tq) so a worker bounds them separately.
const DefaultTaskQueue = "meetvault"

// DownloadTaskQueue is the task queue of ArchiveFile activities.
func DownloadTaskQueue(taskQueue string) string { return taskQueue + "-downloads" }

// ZoomTaskQueue is the task queue of the Zoom API activities (listing,
// meeting lookups, the meeting log); its workers cap the rate the server
// hands them out for all workers together (MEETVAULT_ZOOM_QUEUE_RATE).
func ZoomTaskQueue(taskQueue string) string { return taskQueue + "-zoom" }

// Custom search attributes (registered on the cluster by the dev stack; see
// README for production registration).
var (
	AttrTenant      = temporal.NewSearchAttributeKeyKeyword("MeetvaultTenant")
	AttrSource      = temporal.NewSearchAttributeKeyKeyword("MeetvaultSource")
	AttrMeetingUUID = temporal.NewSearchAttributeKeyKeyword("MeetvaultMeetingUUID")
	AttrStatus      = temporal.NewSearchAttributeKeyKeyword("MeetvaultStatus")
)

// SignalRecordingCompleted carries a recording.completed webhook's files to
// the conversation's ArchiveMeeting (signal-with-start).
const SignalRecordingCompleted = "recording_completed"

// RecordingCompletedSignal is the payload of SignalRecordingCompleted. It
// never carries the event's download_token (a secret): the ingress seals that
// in Postgres, where ArchiveFile finds it.
type RecordingCompletedSignal struct {
	Meeting activities.Meeting `json:"meeting"`
}

// SignalBotStatus carries a bot provider's status change to the bot's
// MeetingBot workflow (the webhook handler sends it; polling is the fallback).
const SignalBotStatus = "bot_status"

// BotStatusSignal is the payload of SignalBotStatus.
type BotStatusSignal struct {
	BotID   string    `json:"bot_id"`
	Code    string    `json:"code"`
	SubCode string    `json:"sub_code,omitempty"`
	Message string    `json:"message,omitempty"`
	At      time.Time `json:"at,omitzero"`
}

// MeetingBotID is the ID of the workflow that runs one bot in one meeting.
func MeetingBotID(tenantID, meeting string) string {
	return fmt.Sprintf("bot/%s/%s", tenantID, meeting)
}

// Query names.
const (
	QueryProgress = "progress" // ImportWindow: ImportProgress
	QueryState    = "state"    // ArchiveMeeting: ArchiveMeetingResult so far
)

// Archive statuses, also the MeetvaultStatus search attribute.
const (
	StatusArchiving = "archiving"
	StatusArchived  = "archived"  // every file archived
	StatusPartial   = "partial"   // some files still processing at Zoom
	StatusFailed    = "failed"    // at least one file could not be archived
	StatusImporting = "importing" // ImportWindow running
	StatusImported  = "imported"  // ImportWindow done
)

// ArchiveMeetingID is the ID of the workflow that archives one conversation.
// Webhooks and every import of the same conversation land on the same ID.
func ArchiveMeetingID(tenantID, source, conversationUUID string) string {
	return fmt.Sprintf("archive/%s/%s/%s", tenantID, source, conversationUUID)
}

// ImportWindowID is the ID of an import of one tenant's window.
func ImportWindowID(tenantID, source string, from, to time.Time) string {
	return fmt.Sprintf("import/%s/%s/%s/%s", tenantID, source, from.Format("2006-01-02"), to.Format("2006-01-02"))
}

// ImportWindowInput asks to import one source of one tenant for [From, To]
// (dates, inclusive, UTC). Cursor is set only by continue-as-new.
type ImportWindowInput struct {
	TenantID string    `json:"tenant_id"`
	Source   string    `json:"source"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	// MaxConcurrentArchives bounds the ArchiveMeeting children running at once.
	MaxConcurrentArchives int `json:"max_concurrent_archives,omitempty"`
	// DownloadRetry tunes the retries of file downloads (zero: defaults).
	DownloadRetry DownloadRetry `json:"download_retry,omitzero"`
	// DashboardPageSize is the meeting-log page size (default 300).
	DashboardPageSize int `json:"dashboard_page_size,omitempty"`
	// SkipMeetingLog leaves out the dashboard listing (no pool calls).
	SkipMeetingLog bool `json:"skip_meeting_log,omitempty"`
	// Cursor carries the import's position across continue-as-new.
	Cursor *ImportCursor `json:"cursor,omitempty"`
}

// ImportCursor is where an import stands.
type ImportCursor struct {
	// LogChunk and LogPageToken: where the meeting-log phase stands (it runs
	// before the recordings; LogDone once every chunk is logged).
	LogChunk     int    `json:"log_chunk,omitempty"`
	LogPageToken string `json:"log_page_token,omitempty"`
	LogDone      bool   `json:"log_done,omitempty"`
	// LogChunkLogged counts the meetings logged from the current log chunk,
	// taken back off MeetingsLogged when the chunk is listed again.
	LogChunkLogged int               `json:"log_chunk_logged,omitempty"`
	Users          []activities.User `json:"users"`
	UserIndex      int               `json:"user_index"`
	Chunk          int               `json:"chunk"`
	PageToken      string            `json:"page_token,omitempty"`
	Progress       ImportProgress    `json:"progress"`
}

// ImportProgress is the answer to QueryProgress and the import's result.
type ImportProgress struct {
	UsersTotal           int   `json:"users_total"`
	UsersDone            int   `json:"users_done"`
	Pages                int   `json:"pages"`
	MeetingsLogged       int   `json:"meetings_logged"`
	Meetings             int   `json:"meetings"`
	MeetingsDone         int   `json:"meetings_done"`
	MeetingsFailed       int   `json:"meetings_failed"`
	FilesArchived        int   `json:"files_archived"`
	FilesAlreadyArchived int   `json:"files_already_archived"`
	FilesProcessing      int   `json:"files_processing"`
	FilesFailed          int   `json:"files_failed"`
	BytesArchived        int64 `json:"bytes_archived"`
	// PoolCalls counts requests to Zoom's daily Heavy + Resource-intensive
	// pool; ZoomPoolRemaining is Zoom's last X-RateLimit-Remaining (-1: none seen).
	PoolCalls         int      `json:"pool_calls"`
	ZoomPoolRemaining int      `json:"zoom_pool_remaining"`
	Failures          []string `json:"failures,omitempty"`
	Done              bool     `json:"done"`
	// Blocked is set when Zoom's daily pool ran out: the import stopped at
	// Cursor and may resume from it after BlockedUntil.
	Blocked      bool          `json:"blocked,omitempty"`
	BlockedUntil time.Time     `json:"blocked_until,omitzero"`
	Cursor       *ImportCursor `json:"cursor,omitempty"`
}

// ImportWindowResult is the final progress.
type ImportWindowResult = ImportProgress

// ArchiveMeetingInput asks to archive one conversation. Meeting.Files may be
// empty, in which case the workflow fetches them from Zoom.
type ArchiveMeetingInput struct {
	TenantID string             `json:"tenant_id"`
	Source   string             `json:"source"`
	Meeting  activities.Meeting `json:"meeting"`
	// DownloadRetry tunes the retries of file downloads (zero: defaults).
	DownloadRetry DownloadRetry `json:"download_retry,omitzero"`
}

// DownloadRetry tunes how often a failed download is retried; every retry
// resumes from the last archived part.
type DownloadRetry struct {
	InitialInterval time.Duration `json:"initial_interval,omitempty"` // default 2s, doubling up to 2m
	MaximumAttempts int32         `json:"maximum_attempts,omitempty"` // default 6
}

// FileFailure is a file that could not be archived, with a typed reason.
type FileFailure struct {
	FileID   string `json:"file_id"`
	FileType string `json:"file_type"`
	Reason   string `json:"reason"`
	Message  string `json:"message"`
}

// ArchiveMeetingResult tells what the archive run did.
type ArchiveMeetingResult struct {
	Status               string        `json:"status"`
	FilesArchived        int           `json:"files_archived"`
	FilesAlreadyArchived int           `json:"files_already_archived"`
	FilesProcessing      int           `json:"files_processing"`
	FilesFailed          int           `json:"files_failed"`
	BytesArchived        int64         `json:"bytes_archived"`
	Failures             []FileFailure `json:"failures,omitempty"`
}
