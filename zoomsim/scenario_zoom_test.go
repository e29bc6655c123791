package zoomsim

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDashboardDurationReadsLikeZoom(t *testing.T) {
	for _, c := range []struct {
		z    *ScenarioZoom
		d    time.Duration
		want string
	}{
		{nil, 42 * time.Minute, "42:00"},
		{nil, 59*time.Minute + 59*time.Second, "59:59"},
		{nil, time.Hour + 2*time.Minute + 3*time.Second, "01:02:03"},
		{&ScenarioZoom{DashboardDurationHHMMSS: true}, 42 * time.Minute, "00:42:00"},
	} {
		if got := c.z.dashboardDuration(c.d); got != c.want {
			t.Errorf("%v %v: %q, want %q", c.z, c.d, got, c.want)
		}
	}
}

// Odd entries Zoom serves: a file still being recorded, a meeting without
// recording_files, a recording_count without SUMMARY files, a recurring
// instance whose webhook start_time is the series' start.
func TestOddEntriesLikeZoom(t *testing.T) {
	start := ts("2026-10-05T14:00:00Z")
	series := ts("2026-09-07T14:00:00Z")
	later := ts("2030-01-01T00:00:00Z")
	sc := Scenario{Seed: 5, Accounts: []ScenarioAccount{{
		AccountID: acctID, Users: []ScenarioUser{{ID: hostID, Email: hostMail}},
		Meetings: []ScenarioMeeting{
			{UUID: "c3RpbGwtcmVjb3JkaW5nMDE=", StartTime: start, Files: []ScenarioFile{
				{FileType: "MP4"}, {FileType: "M4A", StillRecording: true, CompletesAt: &later},
				{FileType: "SUMMARY"}, {FileType: "SUMMARY", RecordingType: "summary_next_steps"},
			}},
			{UUID: "dG9vLXNob3J0LW1lZXRpbmc=", StartTime: start.Add(time.Hour), NoRecordingFiles: true},
			{UUID: weekly, Type: MeetingType{N: 8}, StartTime: start.Add(2 * time.Hour), SeriesStartTime: &series},
		},
	}}}
	sim, hr := hookSim(t, sc)
	tok := sim.token(0)

	var raw map[string]any
	sim.get("/v2/meetings/c3RpbGwtcmVjb3JkaW5nMDE=/recordings", tok, &raw)
	files := raw["recording_files"].([]any)
	if raw["recording_count"] != float64(2) || len(files) != 4 {
		t.Fatalf("recording_count %v for %d files (SUMMARY not counted)", raw["recording_count"], len(files))
	}
	inProgress := files[1].(map[string]any)
	if inProgress["file_type"] != "" || inProgress["recording_end"] != "" || inProgress["file_size"] != float64(0) || inProgress["status"] != "processing" {
		t.Fatalf("file still recording: %v", inProgress)
	}
	sim.send(map[string]any{"account_id": acctID, "event": "recording.completed", "meeting_uuid": weekly})
	waitUntil(t, "event", func() bool { return len(hr.events()) == 1 })
	var ev struct {
		Payload struct {
			Object struct {
				StartTime      string              `json:"start_time"`
				RecordingFiles []recordingFileJSON `json:"recording_files"`
			} `json:"object"`
		} `json:"payload"`
	}
	decodeJSON(t, hr.events()[0].body, &ev)
	o := ev.Payload.Object
	if o.StartTime != "2026-09-07T14:00:00Z" || o.RecordingFiles[0].RecordingStart != "2026-10-05T16:00:03Z" {
		t.Fatalf("recurring webhook: start_time %s, recording_start %s", o.StartTime, o.RecordingFiles[0].RecordingStart)
	}
	sim.SetClock(later.Add(time.Minute))
	tok = sim.token(0)
	sim.get("/v2/meetings/c3RpbGwtcmVjb3JkaW5nMDE=/recordings", tok, &raw)
	if done := raw["recording_files"].([]any)[1].(map[string]any); done["file_type"] != "M4A" || done["recording_end"] == "" {
		t.Fatalf("finished file: %v", done)
	}

	short := map[string]any{}
	sim.get("/v2/meetings/dG9vLXNob3J0LW1lZXRpbmc=/recordings", tok, &short)
	if _, ok := short["recording_files"]; ok || short["uuid"] != "dG9vLXNob3J0LW1lZXRpbmc=" {
		t.Fatalf("too-short meeting has recording_files: %v", short)
	}

	sim.get("/v2/meetings/"+weekly+"/recordings", tok, &raw)
	if raw["start_time"] != "2026-10-05T16:00:00Z" {
		t.Fatalf("the API shows the instance's start: %v", raw["start_time"])
	}
}

func decodeJSON(t *testing.T, b []byte, out any) {
	t.Helper()
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}
