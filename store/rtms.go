package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnsureConversation creates the conversation row when it does not exist and
// leaves an existing one alone: an RTMS capture joins the conversation a
// cloud recording or a bot capture of the same meeting already wrote (one
// conversation per meeting) without overwriting its metadata.
func (s *Store) EnsureConversation(ctx context.Context, c Conversation) error {
	_, err := s.pool.Exec(ctx, `
		INSERT INTO conversations (tenant_id, source, conversation_uuid, source_platform, conversation_type,
			topic, start_time, end_time)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
		ON CONFLICT (tenant_id, source, conversation_uuid) DO UPDATE SET
			start_time = COALESCE(conversations.start_time, EXCLUDED.start_time),
			end_time = COALESCE(conversations.end_time, EXCLUDED.end_time),
			updated_at = now()`,
		c.TenantID, c.Source, c.ConversationUUID, c.SourcePlatform, c.ConversationType, c.Topic,
		nullTime(c.StartTime), nullTime(c.EndTime))
	if err != nil {
		return fmt.Errorf("store: conversation %s/%s: %w", c.TenantID, c.ConversationUUID, err)
	}
	return nil
}

// DeleteFilesWithPrefix deletes the conversation's file rows whose file_id
// starts with prefix, then the conversation itself when nothing else
// archived or expected is left in it. It returns the rows deleted.
func (s *Store) DeleteFilesWithPrefix(ctx context.Context, k ConversationKey, prefix string) (int, error) {
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM recording_files
			WHERE tenant_id=$1 AND source=$2 AND conversation_uuid=$3 AND starts_with(file_id, $4)`,
			k.TenantID, k.Source, k.ConversationUUID, prefix)
		if err != nil {
			return err
		}
		n = int(tag.RowsAffected())
		tag, err = tx.Exec(ctx, `DELETE FROM conversations c
			WHERE c.tenant_id=$1 AND c.source=$2 AND c.conversation_uuid=$3 AND c.files_expected = 0
			AND NOT EXISTS (SELECT 1 FROM recording_files f
				WHERE f.tenant_id=c.tenant_id AND f.source=c.source AND f.conversation_uuid=c.conversation_uuid)`,
			k.TenantID, k.Source, k.ConversationUUID)
		if err != nil {
			return err
		}
		n += int(tag.RowsAffected())
		_, err = tx.Exec(ctx, `UPDATE conversations SET files_archived = (SELECT count(*) FROM recording_files f
				WHERE f.tenant_id=$1 AND f.source=$2 AND f.conversation_uuid=$3), updated_at = now()
			WHERE tenant_id=$1 AND source=$2 AND conversation_uuid=$3`, k.TenantID, k.Source, k.ConversationUUID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: delete files %s* of %s: %w", prefix, k.ConversationUUID, err)
	}
	return n, nil
}

// RevokedObject is one object of a revoked capture.
type RevokedObject struct {
	Key           string    `json:"key"`
	Size          int64     `json:"size"`
	SHA256        string    `json:"sha256"`
	MediaSHA256   string    `json:"media_sha256,omitempty"`
	Deleted       bool      `json:"deleted"`
	RetainedUntil time.Time `json:"retained_until,omitzero"`
	Error         string    `json:"error,omitempty"`
}

// RTMSRevocation is the record kept after a revoked stream's assets were deleted.
type RTMSRevocation struct {
	TenantID        string          `json:"tenant_id"`
	StreamID        string          `json:"rtms_stream_id"`
	MeetingUUID     string          `json:"meeting_uuid"`
	RevokedAt       time.Time       `json:"revoked_at"`
	RevokedBy       string          `json:"revoked_by"`
	Objects         []RevokedObject `json:"objects"`
	ObjectsDeleted  int             `json:"objects_deleted"`
	ObjectsRetained int             `json:"objects_retained"`
	RowsDeleted     int             `json:"rows_deleted"`
	RecordedAt      time.Time       `json:"recorded_at"`
}

// RecordRTMSRevocation stores (or, on a retry, replaces) the revocation record.
func (s *Store) RecordRTMSRevocation(ctx context.Context, r RTMSRevocation) error {
	objs, err := json.Marshal(r.Objects)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `
		INSERT INTO rtms_revocations (tenant_id, rtms_stream_id, meeting_uuid, revoked_at, revoked_by, objects,
			objects_deleted, objects_retained, rows_deleted)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
		ON CONFLICT (tenant_id, rtms_stream_id) DO UPDATE SET
			objects = EXCLUDED.objects, objects_deleted = EXCLUDED.objects_deleted,
			objects_retained = EXCLUDED.objects_retained,
			rows_deleted = rtms_revocations.rows_deleted + EXCLUDED.rows_deleted, recorded_at = now()`,
		r.TenantID, r.StreamID, r.MeetingUUID, r.RevokedAt, r.RevokedBy, objs,
		r.ObjectsDeleted, r.ObjectsRetained, r.RowsDeleted)
	if err != nil {
		return fmt.Errorf("store: rtms revocation %s: %w", r.StreamID, err)
	}
	return nil
}

// RTMSRevocations lists a tenant's revocation records, newest first.
func (s *Store) RTMSRevocations(ctx context.Context, tenantID string) ([]RTMSRevocation, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT tenant_id, rtms_stream_id, meeting_uuid, revoked_at, revoked_by, objects,
			objects_deleted, objects_retained, rows_deleted, recorded_at
		FROM rtms_revocations WHERE tenant_id=$1 ORDER BY revoked_at DESC`, tenantID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (RTMSRevocation, error) {
		var r RTMSRevocation
		var objs []byte
		err := row.Scan(&r.TenantID, &r.StreamID, &r.MeetingUUID, &r.RevokedAt, &r.RevokedBy, &objs,
			&r.ObjectsDeleted, &r.ObjectsRetained, &r.RowsDeleted, &r.RecordedAt)
		if err == nil {
			err = json.Unmarshal(objs, &r.Objects)
		}
		return r, err
	})
}

// RefreshFilesArchived recounts the conversation's archived files.
func (s *Store) RefreshFilesArchived(ctx context.Context, k ConversationKey) error {
	_, err := s.pool.Exec(ctx, `UPDATE conversations SET files_archived = (SELECT count(*) FROM recording_files f
			WHERE f.tenant_id=$1 AND f.source=$2 AND f.conversation_uuid=$3), updated_at = now()
		WHERE tenant_id=$1 AND source=$2 AND conversation_uuid=$3`, k.TenantID, k.Source, k.ConversationUUID)
	return err
}
