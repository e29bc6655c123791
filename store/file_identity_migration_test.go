package store

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/meetvault/meetvault/schemas"
	"github.com/meetvault/meetvault/zoom"
)

// Rows keyed by the old URL-derived ids ("dl-") get the id StableID computes
// today, and a file archived twice under two URL shapes keeps one row.
func TestFileIdentityMigrationRekeysURLDerivedIDs(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, freshDatabase(t), make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := stdlib.OpenDBFromPool(st.pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, schemas.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertTenant(ctx, Tenant{ID: "acme", Name: "Acme", ZoomAccountID: "A", ZoomClientID: "C", ZoomClientSecret: "s"}); err != nil {
		t.Fatal(err)
	}
	k := ConversationKey{TenantID: "acme", Source: "meeting", ConversationUUID: "u/1=="}
	// The row as the schema at version 6 has it (UpsertConversation writes
	// columns later migrations add).
	if _, err := st.pool.Exec(ctx, `INSERT INTO conversations (tenant_id, source, conversation_uuid, source_platform)
		VALUES ($1, $2, $3, 'Zoom Meeting')`, k.TenantID, k.Source, k.ConversationUUID); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 10, 1, 10, 0, 3, 0, time.UTC)
	rows := []FileRecord{
		// The same CC file, archived from the webhook's URL and the listing's.
		{FileID: "dl-aaaaaaaaaaaaaaaaaaaaaaaa", FileType: "CC", RecordingStart: start, S3Key: "first"},
		{FileID: "dl-bbbbbbbbbbbbbbbbbbbbbbbb", FileType: "CC", RecordingStart: start, S3Key: "second"},
		{FileID: "dl-cccccccccccccccccccccccc", FileType: "TIMELINE", RecordingStart: start, S3Key: "timeline"},
		{FileID: "f-mp4", ZoomFileID: "f-mp4", FileType: "MP4", RecordingStart: start, S3Key: "mp4"},
	}
	for i, f := range rows {
		f.ConversationKey = k
		f.SHA256, f.S3Bucket = "x", "b"
		if _, err := st.InsertFile(ctx, f); err != nil {
			t.Fatal(err)
		}
		// archived_at orders the duplicates: the first is kept.
		if _, err := st.pool.Exec(ctx, `UPDATE recording_files SET archived_at = $1 WHERE file_id = $2`,
			start.Add(time.Duration(i)*time.Minute), f.FileID); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.RecordFailure(ctx, FileFailure{ConversationKey: k, FileID: "dl-dddddddddddddddddddddddd", FileType: "CC", Reason: "r", Message: "m"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	r, err := st.pool.Query(ctx, `SELECT file_id, s3_key FROM recording_files WHERE conversation_uuid = $1`, k.ConversationUUID)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var id, key string
		if err := r.Scan(&id, &key); err != nil {
			t.Fatal(err)
		}
		got[id] = key
	}
	cc := zoom.RecordingFile{FileType: "CC", RecordingStart: start}.StableID(k.ConversationUUID)
	tl := zoom.RecordingFile{FileType: "TIMELINE", RecordingStart: start}.StableID(k.ConversationUUID)
	want := map[string]string{cc: "first", tl: "timeline", "f-mp4": "mp4"}
	if len(got) != len(want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	for id, key := range want {
		if got[id] != key {
			t.Fatalf("rows %v, want %v (SQL and Go must compute the same id)", got, want)
		}
	}
	var failures, archived int
	if err := st.pool.QueryRow(ctx, `SELECT count(*) FROM recording_file_failures`).Scan(&failures); err != nil || failures != 0 {
		t.Fatalf("failures of URL-keyed files: %d (%v)", failures, err)
	}
	if err := st.pool.QueryRow(ctx, `SELECT files_archived FROM conversations`).Scan(&archived); err != nil || archived != 3 {
		t.Fatalf("files_archived %d (%v)", archived, err)
	}
}
