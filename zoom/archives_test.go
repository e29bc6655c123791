package zoom

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestArchiveListFilesDecodeAndPaging(t *testing.T) {
	f := newFakeZoom(t)
	var queries []url.Values
	f.mux.HandleFunc("GET /v2/archive_files", func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.Query())
		if r.URL.Query().Get("next_page_token") == "" {
			_, _ = w.Write([]byte(`{"from":"2026-11-14T00:00:00Z","to":"2026-11-21T00:00:00Z","page_size":1,"total_records":2,"next_page_token":"a2",
			 "meetings":[{"uuid":"/ab==","id":85746065432,"host_id":"hostUserId","topic":"Weekly","type":2,"start_time":"2026-11-20T10:00:00Z",
			  "timezone":"Europe/Paris","duration":60,"duration_in_second":3600,"total_size":3000,"recording_count":2,"meeting_type":"internal",
			  "account_name":"Acme","complete_time":"2026-11-20T11:05:00Z","is_breakout_room":false,"status":"completed",
			  "archive_files":[
			   {"id":"f1","file_type":"MP4","file_extension":"MP4","file_size":2000,"download_url":"https://zoom.example/rec/archive/download/f1",
			    "status":"completed","recording_type":"shared_screen_with_speaker_view","individual":false,
			    "participant_join_time":"2026-11-20T10:00:00Z","participant_leave_time":"2026-11-20T11:00:00Z","encryption_fingerprint":"abc123"},
			   {"id":"f2","file_type":"M4A","file_extension":"M4A","file_size":"1000","download_url":"https://zoom.example/rec/archive/download/f2",
			    "status":"completed","recording_type":"audio_only","individual":true,"participant_email":"gus@guest.example",
			    "participant_join_time":"2026-11-20T10:05:00Z","participant_leave_time":"2026-11-20T10:50:00Z","encryption_fingerprint":"def456"}]}]}`))
			return
		}
		_, _ = w.Write([]byte(`{"page_size":1,"total_records":2,"next_page_token":"","meetings":[{"uuid":"m2","id":"7","type":"100","is_breakout_room":true,
		  "parent_meeting_id":"/ab==","status":"processing","archive_files":[{"id":"f3","file_type":"MP4","file_size":0,"status":"processing","individual":false}]}]}`))
	})
	c := f.client(t)
	to := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	from := to.Add(-MaxArchiveWindow)
	l, resp, err := c.Archives.ListFiles(context.Background(), from.In(time.FixedZone("X", 3600)), to.Add(900*time.Millisecond),
		&ArchiveFilesOptions{PageSize: 1, QueryDateType: ArchiveQueryArchiveCompleteTime})
	if err != nil {
		t.Fatal(err)
	}
	q := queries[0]
	if q.Get("from") != "2026-11-14T00:00:00Z" || q.Get("to") != "2026-11-21T00:00:00Z" || q.Get("page_size") != "1" || q.Get("query_date_type") != "archive_complete_time" {
		t.Errorf("query = %v", q)
	}
	if resp.NextPageToken != "a2" || l.TotalRecords != 2 || len(l.Meetings) != 1 {
		t.Fatalf("page 1: %q %+v", resp.NextPageToken, l)
	}
	m := l.Meetings[0]
	if m.UUID != "/ab==" || m.ID != 85746065432 || m.HostID != "hostUserId" || m.Type != MeetingTypeScheduled || m.Duration != 60 ||
		m.DurationInSecond != 3600 || m.TotalSize != 3000 || m.RecordingCount != 2 || m.MeetingType != "internal" || m.AccountName != "Acme" ||
		!m.CompleteTime.Equal(time.Date(2026, 11, 20, 11, 5, 0, 0, time.UTC)) || !m.StartTime.Equal(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)) ||
		m.Timezone != "Europe/Paris" || m.IsProcessing() || len(m.ArchiveFiles) != 2 {
		t.Errorf("meeting = %+v", m)
	}
	wantFile := ArchiveFile{
		ID: "f2", FileType: "M4A", FileExtension: "M4A", FileSize: 1000, DownloadURL: "https://zoom.example/rec/archive/download/f2",
		Status: "completed", RecordingType: "audio_only", Individual: true, ParticipantEmail: "gus@guest.example",
		ParticipantJoinTime: time.Date(2026, 11, 20, 10, 5, 0, 0, time.UTC), ParticipantLeaveTime: time.Date(2026, 11, 20, 10, 50, 0, 0, time.UTC),
		EncryptionFingerprint: "def456",
	}
	if m.ArchiveFiles[1] != wantFile {
		t.Errorf("file\n got %+v\nwant %+v", m.ArchiveFiles[1], wantFile)
	}
	if m.ArchiveFiles[0].Individual || m.ArchiveFiles[0].FileSize != 2000 {
		t.Errorf("meeting file = %+v", m.ArchiveFiles[0])
	}

	l2, resp2, err := c.Archives.ListFiles(context.Background(), from, to, &ArchiveFilesOptions{NextPageToken: resp.NextPageToken})
	if err != nil {
		t.Fatal(err)
	}
	if queries[1].Get("next_page_token") != "a2" || queries[1].Has("query_date_type") {
		t.Errorf("page 2 query = %v", queries[1])
	}
	m2 := l2.Meetings[0]
	if resp2.NextPageToken != "" || m2.ID != 7 || m2.Type != MeetingTypeBreakoutRoom || !m2.IsBreakoutRoom || m2.ParentMeetingID != "/ab==" || !m2.IsProcessing() {
		t.Errorf("page 2: %q %+v", resp2.NextPageToken, m2)
	}

	// JSON round trip keeps the meeting.
	b, _ := json.Marshal(l.Meetings[0])
	var back ArchivedMeeting
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, l.Meetings[0]) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, l.Meetings[0])
	}
}

func TestArchiveListFilesValidation(t *testing.T) {
	f := newFakeZoom(t)
	c := f.client(t)
	to := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	bad := []struct {
		from, to time.Time
		opts     *ArchiveFilesOptions
		want     string
	}{
		{time.Time{}, to, nil, "required"},
		{to, time.Time{}, nil, "required"},
		{to, to.Add(-time.Second), nil, "ends before it starts"},
		{to.Add(-MaxArchiveWindow - time.Second), to, nil, "at most 7 days"},
		{to.Add(-time.Hour), to, &ArchiveFilesOptions{QueryDateType: "start_time"}, "query date type"},
		{to.Add(-time.Hour), to, &ArchiveFilesOptions{PageSize: -1}, "1–300"},
	}
	for _, b := range bad {
		_, _, err := c.Archives.ListFiles(context.Background(), b.from, b.to, b.opts)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%v..%v %+v: err = %v, want %q", b.from, b.to, b.opts, err, b.want)
		}
	}
	if f.tokenCalls.Load() != 0 {
		t.Error("invalid windows reached the network")
	}
}
