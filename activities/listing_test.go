package activities

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/meetvault/meetvault/zoom"
)

// The same meeting as a recording.completed names it (webhook_download URLs)
// and as the listing names it (download URLs): every file gets one id, with
// and without Zoom ids.
func TestMeetingFromZoomKeysFilesTheSameWhateverTheURL(t *testing.T) {
	const files = `[
	 {"id":"mp4-1","file_type":"MP4","recording_start":"2026-10-01T10:00:00Z","recording_type":"shared_screen_with_speaker_view","download_url":"%[1]s/mp4"},
	 {"id":"tl-1","file_type":"TIMELINE","recording_start":"2026-10-01T10:00:00Z","recording_type":"timeline","download_url":"%[1]s/tl"},
	 {"file_type":"CC","recording_start":"2026-10-01T10:00:00Z","download_url":"%[1]s/cc"},
	 {"file_type":"TIMELINE","recording_start":"2026-10-01T10:00:01Z","download_url":"%[1]s/tl-old"}]`
	decode := func(base string) Meeting {
		var m zoom.Meeting
		body := `{"uuid":"u/1==","id":1,"start_time":"2026-10-01T10:00:00Z","recording_files":` + fmt.Sprintf(files, base) + `}`
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			t.Fatal(err)
		}
		return MeetingFromZoom(m)
	}
	hook := decode("https://acme.zoom.us/rec/webhook_download/AbCd/EfGh")
	api := decode("https://acme.zoom.us/rec/download/AbCd")
	seen := map[string]bool{}
	for i := range hook.Files {
		h, a := hook.Files[i], api.Files[i]
		if h.DownloadURL == a.DownloadURL {
			t.Fatal("the test needs different URLs")
		}
		if h.FileID != a.FileID {
			t.Fatalf("file %d (%s): webhook id %q, listing id %q", i, h.FileType, h.FileID, a.FileID)
		}
		if seen[h.FileID] {
			t.Fatalf("file %d: id %q given twice", i, h.FileID)
		}
		seen[h.FileID] = true
	}
	if hook.Files[1].FileID != "tl-1" || hook.Files[1].ZoomFileID != "tl-1" {
		t.Fatalf("a TIMELINE with an id keeps Zoom's id: %+v", hook.Files[1])
	}
	if hook.Files[2].ZoomFileID != "" || len(hook.Files[2].FileID) != len("mf-")+24 {
		t.Fatalf("a CC without an id: %+v", hook.Files[2])
	}
}

func TestInProgressEntriesCountAsProcessing(t *testing.T) {
	if !(RecordingFile{FileType: "", Status: ""}).Processing() {
		t.Fatal("an entry with an empty file_type is still being recorded")
	}
	if (RecordingFile{FileType: "TIMELINE"}).Processing() {
		t.Fatal("a TIMELINE without status is complete")
	}
}

func TestListedURLFindsTheSameFileByIdentity(t *testing.T) {
	start := time.Date(2026, 10, 1, 10, 0, 0, 0, time.UTC)
	m := &zoom.Meeting{UUID: "u1", RecordingFiles: []zoom.RecordingFile{
		{ID: "mp4", FileType: "MP4", DownloadURL: "https://z/rec/download/mp4"},
		{FileType: "CC", RecordingStart: start, DownloadURL: "https://z/rec/download/cc"},
	}}
	cc := RecordingFile{FileID: zoom.RecordingFile{FileType: "CC", RecordingStart: start}.StableID("u1"),
		DownloadURL: "https://z/rec/webhook_download/cc/hook"}
	if got := listedURL(m, cc); got != "https://z/rec/download/cc" {
		t.Fatalf("cc: %s", got)
	}
	if got := listedURL(m, RecordingFile{FileID: "mp4", DownloadURL: "https://z/rec/webhook_download/mp4/h"}); got != "https://z/rec/download/mp4" {
		t.Fatalf("mp4: %s", got)
	}
	gone := RecordingFile{FileID: "other", DownloadURL: "https://z/rec/webhook_download/x/y"}
	if got := listedURL(m, gone); got != gone.DownloadURL {
		t.Fatalf("unlisted: %s", got)
	}
}

// A recurring meeting's webhook names the series' start; the instance's
// start (its files' recording_start) is kept, so the webhook and the listing
// file the same objects under the same date.
func TestRecurringWebhookStartTimeIsTheInstances(t *testing.T) {
	rec := time.Date(2026, 10, 20, 15, 0, 3, 0, time.UTC)
	files := []zoom.RecordingFile{{ID: "a", FileType: "MP4", RecordingStart: rec}}
	hook := MeetingFromZoom(zoom.Meeting{UUID: "u", Type: zoom.MeetingTypeRecurringFixedTime,
		StartTime: time.Date(2026, 9, 1, 15, 0, 0, 0, time.UTC), RecordingFiles: files})
	listed := MeetingFromZoom(zoom.Meeting{UUID: "u", Type: zoom.MeetingTypeRecurringFixedTime,
		StartTime: time.Date(2026, 10, 20, 15, 0, 0, 0, time.UTC), RecordingFiles: files})
	if !hook.StartTime.Equal(rec) {
		t.Fatalf("webhook start %s, want the instance's recording start %s", hook.StartTime, rec)
	}
	if !listed.StartTime.Equal(time.Date(2026, 10, 20, 15, 0, 0, 0, time.UTC)) {
		t.Fatalf("listing start %s changed", listed.StartTime)
	}
	a, errA := ObjectKey(ArchiveFileInput{TenantID: "acme", Source: SourceMeeting, ConversationUUID: "u", MeetingStart: hook.StartTime, File: hook.Files[0]})
	b, errB := ObjectKey(ArchiveFileInput{TenantID: "acme", Source: SourceMeeting, ConversationUUID: "u", MeetingStart: listed.StartTime, File: listed.Files[0]})
	if errA != nil || errB != nil {
		t.Fatalf("object keys: %v, %v", errA, errB)
	}
	if a != b {
		t.Fatalf("object keys differ: %s vs %s", a, b)
	}
	if got := MeetingFromZoom(zoom.Meeting{UUID: "v"}).StartTime; !got.IsZero() {
		t.Fatalf("no files, no start: %s", got)
	}
}
