package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// LoggedMeeting is one past meeting as Zoom's dashboard reports it.
type LoggedMeeting struct {
	ConversationUUID string
	MeetingID        int64
	Topic            string
	HostName         string
	HostEmail        string
	StartTime        time.Time
	EndTime          time.Time
	Duration         time.Duration
	Participants     int
	HasRecording     bool
}

// LogMeetings upserts a page of the dashboard's meetings in one batch.
func (s *Store) LogMeetings(ctx context.Context, tenantID, source string, ms []LoggedMeeting) error {
	b := &pgx.Batch{}
	for _, m := range ms {
		secs := int(m.Duration.Seconds())
		b.Queue(`INSERT INTO meeting_log (tenant_id, source, conversation_uuid, meeting_id, topic, host_name, host_email,
				start_time, end_time, duration_seconds, participants, has_recording)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
			ON CONFLICT (tenant_id, source, conversation_uuid) DO UPDATE SET
				topic = EXCLUDED.topic, end_time = EXCLUDED.end_time, duration_seconds = EXCLUDED.duration_seconds,
				participants = EXCLUDED.participants, has_recording = EXCLUDED.has_recording, seen_at = now()`,
			tenantID, source, m.ConversationUUID, m.MeetingID, m.Topic, m.HostName, m.HostEmail,
			nullTime(m.StartTime), nullTime(m.EndTime), secs, m.Participants, m.HasRecording)
	}
	return s.pool.SendBatch(ctx, b).Close()
}

// MeetingLogCount counts the tenant's logged meetings.
func (s *Store) MeetingLogCount(ctx context.Context, tenantID string) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM meeting_log WHERE tenant_id = $1`, tenantID).Scan(&n)
	return n, err
}
