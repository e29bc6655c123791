package store

import (
	"context"

	"fmt"
	"github.com/jackc/pgx/v5"
	"time"
)

// ConversationKey names one conversation in one tenant's archive.
type ConversationKey struct {
	TenantID         string `json:"tenant_id"`
	Source           string `json:"source"`
	ConversationUUID string `json:"conversation_uuid"`
}

// Conversation is the metadata kept for every conversation seen at Zoom.
type Conversation struct {
	ConversationKey
	PlatformCallID   string
	SourcePlatform   string
	ConversationType string
	MeetingType      *int
	Topic            string
	RecordedUserID   string
	RecordedUserName string
	Direction        string
	FromParty        string
	ToParty          string
	// Calls only: display names of from/to, the recorded user's view of
	// the direction (Direction is the system's), the user's extension.
	FromName        string
	ToName          string
	UserDirection   string
	Extension       string
	StartTime       time.Time
	EndTime         time.Time
	DurationSeconds *int
	Timezone        string
	Participants    *int
	FilesExpected   int
}

// FileRecord is one archived file.
type FileRecord struct {
	ConversationKey
	FileID             string
	ZoomFileID         string
	FileType           string
	FileExtension      string
	RecordingType      string
	RecordingStart     time.Time
	RecordingEnd       time.Time
	MediaLengthSeconds *int
	SizeBytes          int64
	SHA256             string
	S3Bucket           string
	S3Key              string
	S3VersionID        string
	S3ChecksumSHA256   string
}

// FileFailure is why a file could not be archived.
type FileFailure struct {
	ConversationKey
	FileID   string
	FileType string
	Reason   string
	Message  string
}

// ConversationOutcome summarises one archive run of a conversation.
type ConversationOutcome struct {
	FilesArchived   int
	FilesProcessing int
	FilesFailed     int
	MediaError      string
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// UpsertConversation records a conversation's metadata (first sighting or update).
func (s *Store) UpsertConversation(ctx context.Context, c Conversation) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO conversations (tenant_id, source, conversation_uuid, platform_call_id, source_platform,
			conversation_type, meeting_type, topic, recorded_user_id, recorded_user_name, direction,
			from_party, to_party, start_time, end_time, duration_seconds, timezone, participants, files_expected,
			from_name, to_name, user_direction, extension)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23)
		ON CONFLICT (tenant_id, source, conversation_uuid) DO UPDATE SET
			platform_call_id = EXCLUDED.platform_call_id,
			source_platform = EXCLUDED.source_platform,
			conversation_type = EXCLUDED.conversation_type,
			meeting_type = COALESCE(EXCLUDED.meeting_type, conversations.meeting_type),
			topic = EXCLUDED.topic,
			recorded_user_id = EXCLUDED.recorded_user_id,
			recorded_user_name = COALESCE(NULLIF(EXCLUDED.recorded_user_name, ''), conversations.recorded_user_name),
			start_time = COALESCE(EXCLUDED.start_time, conversations.start_time),
			end_time = COALESCE(EXCLUDED.end_time, conversations.end_time),
			duration_seconds = COALESCE(EXCLUDED.duration_seconds, conversations.duration_seconds),
			timezone = EXCLUDED.timezone,
			participants = COALESCE(EXCLUDED.participants, conversations.participants),
			files_expected = GREATEST(EXCLUDED.files_expected, conversations.files_expected),
			direction = COALESCE(NULLIF(EXCLUDED.direction, ''), conversations.direction),
			from_party = COALESCE(NULLIF(EXCLUDED.from_party, ''), conversations.from_party),
			to_party = COALESCE(NULLIF(EXCLUDED.to_party, ''), conversations.to_party),
			from_name = COALESCE(NULLIF(EXCLUDED.from_name, ''), conversations.from_name),
			to_name = COALESCE(NULLIF(EXCLUDED.to_name, ''), conversations.to_name),
			user_direction = COALESCE(NULLIF(EXCLUDED.user_direction, ''), conversations.user_direction),
			extension = COALESCE(NULLIF(EXCLUDED.extension, ''), conversations.extension),
			updated_at = now()`,
		c.TenantID, c.Source, c.ConversationUUID, c.PlatformCallID, c.SourcePlatform,
		c.ConversationType, c.MeetingType, c.Topic, c.RecordedUserID, c.RecordedUserName, c.Direction,
		c.FromParty, c.ToParty, nullTime(c.StartTime), nullTime(c.EndTime), c.DurationSeconds, c.Timezone,
		c.Participants, c.FilesExpected, c.FromName, c.ToName, c.UserDirection, c.Extension)
	if err != nil {
		return fmt.Errorf("store: conversation %s/%s: %w", c.TenantID, c.ConversationUUID, err)
	}
	return nil
}

// ArchivedFile returns the archived file's record, or ErrNotFound.
func (s *Store) ArchivedFile(ctx context.Context, k ConversationKey, fileID string) (FileRecord, error) {
	f := FileRecord{ConversationKey: k, FileID: fileID}
	err := s.pool.QueryRow(ctx, `
		SELECT zoom_file_id, file_type, size_bytes, sha256, s3_bucket, s3_key, s3_version_id, s3_checksum_sha256
		FROM recording_files WHERE tenant_id=$1 AND source=$2 AND conversation_uuid=$3 AND file_id=$4`,
		k.TenantID, k.Source, k.ConversationUUID, fileID).
		Scan(&f.ZoomFileID, &f.FileType, &f.SizeBytes, &f.SHA256, &f.S3Bucket, &f.S3Key, &f.S3VersionID, &f.S3ChecksumSHA256)
	return f, notFound(err)
}

// ArchivedFileIDs lists the ids of the conversation's archived files.
func (s *Store) ArchivedFileIDs(ctx context.Context, k ConversationKey) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT file_id FROM recording_files
		WHERE tenant_id=$1 AND source=$2 AND conversation_uuid=$3 ORDER BY file_id`,
		k.TenantID, k.Source, k.ConversationUUID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// InsertFile records an archived file; a second insert of the same file is a
// no-op and reports inserted=false.
func (s *Store) InsertFile(ctx context.Context, f FileRecord) (inserted bool, err error) {
	tag, err := s.pool.Exec(ctx, `
		INSERT INTO recording_files (tenant_id, source, conversation_uuid, file_id, zoom_file_id, file_type,
			file_extension, recording_type, recording_start, recording_end, media_length_seconds, size_bytes,
			sha256, s3_bucket, s3_key, s3_version_id, s3_checksum_sha256)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)
		ON CONFLICT DO NOTHING`,
		f.TenantID, f.Source, f.ConversationUUID, f.FileID, f.ZoomFileID, f.FileType, f.FileExtension,
		f.RecordingType, nullTime(f.RecordingStart), nullTime(f.RecordingEnd), f.MediaLengthSeconds, f.SizeBytes,
		f.SHA256, f.S3Bucket, f.S3Key, f.S3VersionID, f.S3ChecksumSHA256)
	if err != nil {
		return false, fmt.Errorf("store: file %s of %s: %w", f.FileID, f.ConversationUUID, err)
	}
	if tag.RowsAffected() == 1 {
		_, err = s.pool.Exec(ctx, `DELETE FROM recording_file_failures
			WHERE tenant_id=$1 AND source=$2 AND conversation_uuid=$3 AND file_id=$4`,
			f.TenantID, f.Source, f.ConversationUUID, f.FileID)
	}
	return tag.RowsAffected() == 1, err
}

// RecordFailure notes why a file could not be archived.
func (s *Store) RecordFailure(ctx context.Context, f FileFailure) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO recording_file_failures (tenant_id, source, conversation_uuid, file_id, file_type, reason, message)
		VALUES ($1,$2,$3,$4,$5,$6,$7)
		ON CONFLICT (tenant_id, source, conversation_uuid, file_id) DO UPDATE SET
			reason = EXCLUDED.reason, message = EXCLUDED.message,
			attempts = recording_file_failures.attempts + 1, failed_at = now()`,
		f.TenantID, f.Source, f.ConversationUUID, f.FileID, f.FileType, f.Reason, f.Message)
	return err
}

// FinishConversation stores the outcome of an archive run.
func (s *Store) FinishConversation(ctx context.Context, k ConversationKey, o ConversationOutcome) error {
	_, err := s.pool.Exec(ctx, `
		UPDATE conversations SET
			files_archived = (SELECT count(*) FROM recording_files f
				WHERE f.tenant_id=$1 AND f.source=$2 AND f.conversation_uuid=$3),
			files_processing = $4, files_failed = $5,
			media_error = $6, recording_failed = ($5 > 0), updated_at = now()
		WHERE tenant_id=$1 AND source=$2 AND conversation_uuid=$3`,
		k.TenantID, k.Source, k.ConversationUUID, o.FilesProcessing, o.FilesFailed, o.MediaError)
	return err
}
