package zoom

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestMeetingTypeDecoding(t *testing.T) {
	tests := []struct {
		in      string
		want    MeetingType
		wantErr bool
	}{
		{`2`, MeetingTypeScheduled, false},
		{`"2"`, MeetingTypeScheduled, false},
		{`"99"`, MeetingTypeUploaded, false},
		{`100`, MeetingTypeBreakoutRoom, false},
		{`null`, 0, false},
		{`""`, 0, false},
		{`"webinar"`, 0, true},
	}
	for _, tt := range tests {
		var got MeetingType
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: got %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	b, _ := json.Marshal(struct{ T MeetingType }{MeetingTypeWebinar})
	if string(b) != `{"T":5}` {
		t.Errorf("MeetingType encodes as %s, want a number", b)
	}
}

// A listing entry as Zoom sends it: the CC and TIMELINE files have no id,
// status, file_size, recording_type or play_url; an empty recording_end.
const meetingJSON = `{
  "uuid": "/ajXp112QmuoKj4854875==", "id": "6840331990", "account_id": "acc-1",
  "host_id": "h1", "topic": "Weekly", "type": "2", "start_time": "2026-01-15T10:00:00Z",
  "duration": 20, "total_size": 181342, "recording_count": 3,
  "share_url": "https://zoom.us/rec/share/abc",
  "recording_files": [
    {"id": "f-mp4", "meeting_id": "/ajXp112QmuoKj4854875==", "recording_start": "2026-01-15T10:00:05Z",
     "recording_end": "2026-01-15T10:20:00Z", "file_type": "MP4", "file_extension": "MP4", "file_size": 181000,
     "play_url": "https://zoom.us/rec/play/mp4", "download_url": "https://zoom.us/rec/download/mp4",
     "status": "completed", "recording_type": "shared_screen_with_speaker_view"},
    {"meeting_id": "/ajXp112QmuoKj4854875==", "recording_start": "2026-01-15T10:00:05Z", "recording_end": "",
     "file_type": "CC", "file_extension": "VTT", "download_url": "https://zoom.us/rec/download/cc-file"},
    {"meeting_id": "/ajXp112QmuoKj4854875==", "file_type": "TIMELINE", "file_extension": "JSON",
     "download_url": "https://zoom.us/rec/download/timeline", "file_size": null}
  ],
  "participant_audio_files": [
    {"id": "pa1", "file_type": "M4A", "file_name": "Alice", "file_size": 0, "download_url": "https://zoom.us/rec/download/pa1", "status": "processing"}
  ]
}`

func TestMeetingDecodingToleratesMissingFields(t *testing.T) {
	var m Meeting
	if err := json.Unmarshal([]byte(meetingJSON), &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != 6840331990 || m.Type != MeetingTypeScheduled || m.TotalSize != 181342 || m.RecordingCount != 3 {
		t.Errorf("meeting = %+v", m)
	}
	if !m.StartTime.Equal(time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("start = %v", m.StartTime)
	}
	mp4, cc, tl := m.RecordingFiles[0], m.RecordingFiles[1], m.RecordingFiles[2]
	if !mp4.HasFileSize || mp4.FileSize != 181000 || mp4.Status != "completed" {
		t.Errorf("mp4 = %+v", mp4)
	}
	if cc.ID != "" || cc.HasFileSize || cc.FileSize != 0 || cc.Status != "" || cc.RecordingType != "" || cc.PlayURL != "" {
		t.Errorf("cc should have empty optional fields: %+v", cc)
	}
	if cc.RecordingStart.IsZero() || !cc.RecordingEnd.IsZero() {
		t.Errorf("cc times: start %v end %v (empty string must give zero)", cc.RecordingStart, cc.RecordingEnd)
	}
	if tl.HasFileSize || !tl.RecordingStart.IsZero() {
		t.Errorf("timeline = %+v", tl)
	}
	pa := m.ParticipantAudioFiles[0]
	if !pa.HasFileSize || pa.FileSize != 0 || pa.FileName != "Alice" || !pa.IsProcessing() {
		t.Errorf("participant audio = %+v (file_size 0 is present)", pa)
	}
}

func TestMeetingJSONRoundTrip(t *testing.T) {
	var m Meeting
	if err := json.Unmarshal([]byte(meetingJSON), &m); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Meeting
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, back) {
		t.Errorf("round trip changed the meeting:\n%+v\n%+v", m, back)
	}
	var raw map[string]any
	_ = json.Unmarshal(b, &raw)
	cc := raw["recording_files"].([]any)[1].(map[string]any)
	if _, ok := cc["file_size"]; ok {
		t.Errorf("absent file_size re-encoded: %v", cc)
	}
}

func TestStableIDNeverComesFromTheURL(t *testing.T) {
	start := time.Date(2026, 10, 1, 10, 0, 3, 0, time.UTC)
	webhook := "https://acme.zoom.us/rec/webhook_download/AbC/DeF"
	api := "https://acme.zoom.us/rec/download/AbC"
	// With an id: Zoom's id, whatever the URL.
	for _, u := range []string{webhook, api, ""} {
		if got := (RecordingFile{ID: "tl-1", FileType: "TIMELINE", DownloadURL: u}).StableID("m"); got != "tl-1" {
			t.Fatalf("url %q: StableID = %q, want Zoom's id", u, got)
		}
	}
	// Without an id: meeting UUID + type + start. Both URL shapes, and a
	// recording type only one of the two payloads carries, give one id.
	a := RecordingFile{FileType: "CC", RecordingStart: start, DownloadURL: webhook}.StableID("m==")
	b := RecordingFile{FileType: "cc", RecordingStart: start.In(time.FixedZone("x", 3600)), DownloadURL: api,
		RecordingType: "closed_caption"}.StableID("m==")
	if a != b {
		t.Fatalf("same file, different ids: %q (webhook) vs %q (listing)", a, b)
	}
	// sha256("m==\nCC\n2026-10-01T10:00:03Z"), computed with sha256sum.
	if want := "mf-836a0f23c538563ede34032f"; a != want {
		t.Fatalf("StableID = %q, want %q", a, want)
	}
	for name, other := range map[string]string{
		"another meeting": RecordingFile{FileType: "CC", RecordingStart: start}.StableID("m2"),
		"another type":    RecordingFile{FileType: "TIMELINE", RecordingStart: start}.StableID("m=="),
		"another start":   RecordingFile{FileType: "CC", RecordingStart: start.Add(time.Second)}.StableID("m=="),
	} {
		if other == a {
			t.Errorf("%s: same id %q", name, a)
		}
	}
	if got := (RecordingFile{FileType: "TIMELINE"}).StableID("m1"); len(got) != len("mf-")+24 {
		t.Errorf("no start: %q", got)
	}
}
