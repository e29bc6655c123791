package zoomsim

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// With zoom.late_transcripts a meeting's transcript finishes after its other
// files and comes in its own recording.transcript_completed (own
// download_token, only the TRANSCRIPT file, recording_type
// audio_transcript); the recording.completed before it leaves it out.
func TestLateTranscriptHasItsOwnEvent(t *testing.T) {
	now := time.Now()
	sc := processingScenario(now)
	soon := now.Add(30 * time.Minute)
	sc.Accounts[0].Meetings[1].Files[2].CompletesAt = &soon // same time as the others: the lag moves it
	sc.Zoom = &ScenarioZoom{LateTranscripts: ptr(true), TranscriptLag: FaultDuration(15 * time.Minute)}
	sim, hr := hookSim(t, sc)

	sim.AdvanceClock(31 * time.Minute)
	waitUntil(t, "recording.completed", func() bool { return len(hr.events()) == 1 })
	first := decodeCompleted(t, hr.events()[0].body)
	if first.Event != WebhookRecordingCompleted || len(first.Payload.Object.RecordingFiles) != 2 {
		t.Fatalf("first event %s", hr.events()[0].body)
	}
	for _, f := range first.Payload.Object.RecordingFiles {
		if f.FileType == "TRANSCRIPT" {
			t.Fatal("recording.completed carries the late transcript")
		}
	}
	// The listing shows the transcript still processing.
	for _, f := range sim.meetingFiles(sim.token(0), weekly).RecordingFiles {
		if f.FileType == "TRANSCRIPT" && f.Status != statusProcessing {
			t.Fatalf("transcript %s before the lag", f.Status)
		}
	}
	settle()
	if len(hr.events()) != 1 {
		t.Fatal("transcript announced before it finished")
	}

	sim.AdvanceClock(15 * time.Minute)
	waitUntil(t, "recording.transcript_completed", func() bool { return len(hr.events()) == 2 })
	var tr struct {
		Event         string `json:"event"`
		DownloadToken string `json:"download_token"`
		Payload       struct {
			Object struct {
				UUID           string              `json:"uuid"`
				RecordingFiles []recordingFileJSON `json:"recording_files"`
			} `json:"object"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(hr.events()[1].body, &tr); err != nil {
		t.Fatal(err)
	}
	files := tr.Payload.Object.RecordingFiles
	if tr.Event != WebhookTranscriptCompleted || tr.Payload.Object.UUID != weekly || len(files) != 1 {
		t.Fatalf("transcript event %s", hr.events()[1].body)
	}
	f := files[0]
	if f.FileType != "TRANSCRIPT" || f.RecordingType != "audio_transcript" || f.Status != statusCompleted || *f.FileSize == 0 {
		t.Fatalf("transcript entry %+v", f)
	}
	if tr.DownloadToken == "" || tr.DownloadToken == first.DownloadToken {
		t.Fatal("the transcript event needs its own download_token")
	}
	if !strings.Contains(f.DownloadURL, "/rec/webhook_download/") {
		t.Fatalf("download_url %q", f.DownloadURL)
	}
	st, hdr, body := fetch(t, withToken(f.DownloadURL, tr.DownloadToken), nil)
	if st != 200 || hdr.Get("Content-Type") != "text/vtt" || !strings.HasPrefix(string(body), "WEBVTT") {
		t.Fatalf("transcript download: %d %s", st, hdr.Get("Content-Type"))
	}
}

// An admin-sent recording.completed of a finished meeting with a late
// transcript is followed by its recording.transcript_completed; without the
// option the transcript rides in recording.completed.
func TestSentRecordingCompletedIsFollowedByTranscript(t *testing.T) {
	for _, late := range []bool{false, true} {
		sc := testScenario()
		sc.Zoom = &ScenarioZoom{LateTranscripts: ptr(late)}
		sim, hr := hookSim(t, sc)
		res := sim.send(map[string]any{"account_id": acctID, "event": "recording.completed", "meeting_uuid": oddUUID})
		want := 1
		if late {
			want = 2
		}
		if len(res.Events) != want {
			t.Fatalf("late=%v: queued %+v", late, res.Events)
		}
		waitUntil(t, "events", func() bool { return len(hr.events()) == want })
		withTranscript := 0
		for i, e := range hr.events() {
			ev := decodeCompleted(t, e.body)
			if i == 1 && ev.Event != WebhookTranscriptCompleted {
				t.Fatalf("second event %s", ev.Event)
			}
			for _, f := range ev.Payload.Object.RecordingFiles {
				if f.FileType == "TRANSCRIPT" {
					withTranscript++
					if late && ev.Event != WebhookTranscriptCompleted {
						t.Error("late transcript in recording.completed")
					}
				}
			}
		}
		if withTranscript != 1 {
			t.Fatalf("late=%v: transcript announced %d times", late, withTranscript)
		}
	}
	// Subscriptions accept the event by name.
	sim, hr := hookSim(t, testScenario())
	var sub WebhookSubscription
	if st := sim.post("/_sim/webhooks", map[string]any{"account_id": acctID, "url": hr.srv.URL, "events": []string{WebhookTranscriptCompleted}}, &sub); st != 200 || len(sub.Events) != 1 {
		t.Fatalf("subscribe to transcript_completed: %d %+v", st, sub)
	}
}
