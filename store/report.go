package store

import (
	"context"
	"time"
)

// TypeCount is the archive content of one file type.
type TypeCount struct {
	FileType string `json:"file_type"`
	Files    int64  `json:"files"`
	Bytes    int64  `json:"bytes"`
}

// Failure is one file that could not be archived.
type Failure struct {
	ConversationUUID string    `json:"conversation_uuid"`
	FileID           string    `json:"file_id"`
	FileType         string    `json:"file_type"`
	Reason           string    `json:"reason"`
	Message          string    `json:"message"`
	Attempts         int       `json:"attempts"`
	FailedAt         time.Time `json:"failed_at"`
}

// Report is what one tenant's archive holds.
type Report struct {
	TenantID            string      `json:"tenant_id"`
	Conversations       int64       `json:"conversations"`
	ConversationsFailed int64       `json:"conversations_with_failures"`
	FilesArchived       int64       `json:"files_archived"`
	BytesArchived       int64       `json:"bytes_archived"`
	FilesProcessing     int64       `json:"files_processing_at_zoom"`
	ByType              []TypeCount `json:"by_file_type"`
	Failures            []Failure   `json:"failures"`
	FirstArchivedAt     *time.Time  `json:"first_archived_at,omitempty"`
	LastArchivedAt      *time.Time  `json:"last_archived_at,omitempty"`
}

// TenantReport summarises the tenant's archive.
func (s *Store) TenantReport(ctx context.Context, tenantID string) (Report, error) {
	r := Report{TenantID: tenantID, ByType: []TypeCount{}, Failures: []Failure{}}
	if err := s.pool.QueryRow(ctx, `
		SELECT count(*), count(*) FILTER (WHERE recording_failed), COALESCE(sum(files_processing), 0)
		FROM conversations WHERE tenant_id = $1`, tenantID).
		Scan(&r.Conversations, &r.ConversationsFailed, &r.FilesProcessing); err != nil {
		return r, err
	}
	if err := s.pool.QueryRow(ctx, `
		SELECT count(*), COALESCE(sum(size_bytes), 0), min(archived_at), max(archived_at)
		FROM recording_files WHERE tenant_id = $1`, tenantID).
		Scan(&r.FilesArchived, &r.BytesArchived, &r.FirstArchivedAt, &r.LastArchivedAt); err != nil {
		return r, err
	}
	rows, err := s.pool.Query(ctx, `SELECT file_type, count(*), sum(size_bytes) FROM recording_files
		WHERE tenant_id = $1 GROUP BY file_type ORDER BY file_type`, tenantID)
	if err != nil {
		return r, err
	}
	for rows.Next() {
		var t TypeCount
		if err := rows.Scan(&t.FileType, &t.Files, &t.Bytes); err != nil {
			rows.Close()
			return r, err
		}
		r.ByType = append(r.ByType, t)
	}
	rows.Close()
	rows, err = s.pool.Query(ctx, `SELECT conversation_uuid, file_id, file_type, reason, message, attempts, failed_at
		FROM recording_file_failures WHERE tenant_id = $1 ORDER BY failed_at, file_id`, tenantID)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var f Failure
		if err := rows.Scan(&f.ConversationUUID, &f.FileID, &f.FileType, &f.Reason, &f.Message, &f.Attempts, &f.FailedAt); err != nil {
			return r, err
		}
		r.Failures = append(r.Failures, f)
	}
	return r, rows.Err()
}
